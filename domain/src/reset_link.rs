use serde::{Deserialize, Serialize};

/// What a reset (or invitation) link is good for right now; the reset page says why a link
/// cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkState {
    Valid,
    Used,
    Expired,
    /// A newer link was requested, or the password or email changed since.
    Replaced,
    /// No such link (mistyped or cut-off URL), or no link at all.
    Unknown,
}

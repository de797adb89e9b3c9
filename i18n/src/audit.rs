//! Labels for audit events as the database holds them.

use latch_domain::{AuditKind, AuditOutcome};

use crate::Messages;

impl Messages {
    /// The label of an event kind as stored; [`Messages::event_unknown`] for a spelling this
    /// version does not know (the trail keeps rows written by other versions of Latch).
    pub fn stored_event_kind(&self, stored: &str) -> &'static str {
        AuditKind::parse(stored).map_or(self.event_unknown, self.event_kind)
    }

    /// The label of an event outcome as stored, like [`Messages::stored_event_kind`].
    pub fn stored_event_outcome(&self, stored: &str) -> &'static str {
        AuditOutcome::parse(stored).map_or(self.event_unknown, self.event_outcome)
    }
}

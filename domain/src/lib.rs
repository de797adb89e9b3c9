//! Latch's domain values. Each type can only be built by parsing, so code that holds one never
//! re-checks it. Nothing here does IO: the same rules run in the browser and on the server.

mod audit;
mod email;
mod listing;
mod local_path;
mod name;
mod password;
mod password_policy;
mod reset_link;
mod role;
mod time_zones;
mod user_agent;
mod username;

pub use audit::{AuditKind, AuditOutcome};
pub use email::{Email, EmailError, masked_email};
pub use listing::{Page, UserSort};
pub use local_path::{is_local_path, local_path_or_home};
pub use name::{CompanyName, DisplayName, NameError};
pub use password::{CandidatePassword, NewPassword};
pub use password_policy::{
    PasswordCheck, PasswordPolicy, PasswordProblem, PersonalField, PersonalInfo,
    PolicySettingsError, Weakness,
};
pub use reset_link::LinkState;
pub use role::{Role, UnknownRole};
pub use time_zones::{TIME_ZONE_CHOICES, time_zones_offered};
pub use user_agent::DeviceKind;
pub use username::{Username, UsernameError};

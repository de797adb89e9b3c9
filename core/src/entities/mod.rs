//! sea-orm entities, one per table of the schema in [`crate::migration`].

pub mod audit_event;
pub mod company;
pub mod login_step;
pub mod outbox_message;
pub mod passkey_ceremony;
pub mod rate_limit;
pub mod recovery_code;
pub mod recovery_code_reveal;
pub mod reset_token;
pub mod second_factor;
pub mod session;
pub mod signing_key;
pub mod user;

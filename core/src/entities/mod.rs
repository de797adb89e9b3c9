//! sea-orm entities, one per table of the schema in [`crate::migration`].

pub mod audit_event;
pub mod company;
pub mod outbox_message;
pub mod rate_limit;
pub mod reset_token;
pub mod session;
pub mod signing_key;
pub mod user;

use sea_orm::entity::prelude::*;

/// A second sign-in method of a user: an authenticator app (`kind` = `totp`) or a passkey
/// (`passkey`). A row whose `confirmed_at` is empty is an app's enrolment in progress, not yet
/// a factor (a passkey is saved only once registered).
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "second_factors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: String,
    pub name: String,
    /// An app's seed, sealed with the server key (never printed); empty for a passkey.
    pub sealed_secret: String,
    /// The newest time step a code was accepted for.
    pub last_used_step: Option<i64>,
    pub created_at: DateTimeUtc,
    pub confirmed_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
    /// A passkey's parts, each `webauthn_rp`'s encoding in base64url (see `two_factor::passkey`).
    pub credential_id: Option<String>,
    pub passkey_public_key: Option<String>,
    pub passkey_counter: Option<String>,
    pub passkey_transports: Option<String>,
    pub passkey_user_handle: Option<String>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecondFactor")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("confirmed_at", &self.confirmed_at)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

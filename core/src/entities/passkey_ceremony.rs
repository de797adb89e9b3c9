use sea_orm::entity::prelude::*;

/// A passkey registration or sign-in between its challenge and its answer. Deleted by the
/// answer that uses it (single use) or once `expires_at` has passed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "passkey_ceremonies")]
pub struct Model {
    /// The challenge sent to the browser, as decimal.
    #[sea_orm(primary_key, auto_increment = false)]
    pub challenge: String,
    pub user_id: Uuid,
    /// `register` or `sign_in`.
    pub purpose: String,
    /// The name of a passkey being registered.
    pub name: Option<String>,
    /// `webauthn_rp`'s server state of the ceremony, encoded, in base64url.
    pub state: String,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

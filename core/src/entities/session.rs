use sea_orm::entity::prelude::*;

/// A browser session. `id` is the SHA-256 of the cookie value, never the value itself.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub absolute_expires_at: DateTimeUtc,
    /// When this session last confirmed its user's password ("Confirm your password"), for
    /// the admin acts that need it; `None`: never.
    pub reauthenticated_at: Option<DateTimeUtc>,
    /// The browser's `User-Agent` at login, cut to a bounded length ("Your devices").
    pub user_agent: Option<String>,
    /// The client's address at login, as Latch resolved it (`LATCH_TRUSTED_PROXIES`).
    pub client_ip: Option<String>,
    /// A random name for this session that pages may show and forms may send back ("Sign
    /// out" one device); `None` for sessions started before Latch had them.
    #[sea_orm(unique)]
    pub handle: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

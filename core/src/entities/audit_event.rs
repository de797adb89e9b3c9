use sea_orm::entity::prelude::*;

/// Who did what to whom, when, from where, and how it ended.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub company_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    pub target_user_id: Option<Uuid>,
    /// A [`latch_domain::AuditKind`] as stored. Text rather than an active enum: the trail keeps
    /// rows written by other versions of Latch, and a spelling this one does not know must not
    /// make the Activity page fail to load.
    pub kind: String,
    /// A [`latch_domain::AuditOutcome`] as stored (text for the same reason).
    pub outcome: String,
    pub client_ip: Option<String>,
    pub details: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

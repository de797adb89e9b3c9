use sea_orm::entity::prelude::*;

/// A customer company of the CRM; its users and admins belong to it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "companies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    #[sea_orm(unique)]
    pub name_key: String,
    pub default_locale: String,
    /// IANA name of the time zone its users read times in unless they chose their own.
    pub default_time_zone: String,
    /// Whether a login from a browser not known for the account emails its user "New
    /// sign-in to your account" (`latch company set --new-sign-in-alerts`).
    pub new_sign_in_alerts: bool,
    /// Who must have a second factor: `off`, `admins` or `everyone` (see
    /// `two_factor::Requirement`).
    #[sea_orm(column_name = "require_2fa")]
    pub require_2fa: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::user::Entity")]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

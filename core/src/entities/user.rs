use latch_domain::Role;
use sea_orm::entity::prelude::*;

/// A person who signs in. `password_hash` is an argon2id PHC string; this model deliberately
/// has no `Serialize`, so it can never be sent to a browser by accident.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub company_id: Uuid,
    pub username: String,
    #[sea_orm(unique)]
    pub username_key: String,
    pub email: String,
    #[sea_orm(unique)]
    pub email_key: String,
    pub display_name: String,
    /// Lowercased "display name, username, email": what the admin's search matches.
    pub search_key: String,
    pub role: Role,
    pub password_hash: Option<String>,
    pub active: bool,
    pub locale: Option<String>,
    /// IANA name of the time zone chosen in Account Settings; `None`: the company's default.
    pub time_zone: Option<String>,
    pub last_login_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// The value of `search_key` for these details.
pub fn search_key(display_name: &str, username_key: &str, email_key: &str) -> String {
    format!("{display_name} {username_key} {email_key}").to_lowercase()
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::company::Entity",
        from = "Column::CompanyId",
        to = "super::company::Column::Id"
    )]
    Company,
}

impl Related<super::company::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Company.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use latch_domain::{CompanyName, DisplayName, Email, Username};
    use sea_orm::{ConnectionTrait, EntityTrait, Statement};

    use super::*;
    use crate::{accounts, db};

    #[tokio::test]
    async fn the_role_column_holds_the_spellings_rows_already_have() {
        let db = db::connect("sqlite::memory:").await.unwrap();
        db::migrate(&db).await.unwrap();
        let company = CompanyName::parse("PT Maju").unwrap();
        accounts::add_company(&db, &company, Utc::now())
            .await
            .unwrap();
        let ana = accounts::NewUser {
            company,
            username: Username::parse("ana").unwrap(),
            email: Email::parse("ana@example.co.id").unwrap(),
            display_name: DisplayName::parse("Ana").unwrap(),
            role: Role::Admin,
        };
        accounts::add_user(&db, ana, None, Utc::now())
            .await
            .unwrap();
        let raw_role = || async {
            let sql = Statement::from_string(db.get_database_backend(), "SELECT role FROM users");
            let row = db.query_one_raw(sql).await.unwrap().unwrap();
            row.try_get::<String>("", "role").unwrap()
        };

        assert_eq!(raw_role().await, "admin");

        // A row as an older Latch wrote it reads back as the enum.
        let demote = Statement::from_string(
            db.get_database_backend(),
            "UPDATE users SET role = 'member'",
        );
        db.execute_raw(demote).await.unwrap();
        let ana = Entity::find().one(&db).await.unwrap().unwrap();
        assert_eq!(ana.role, Role::Member);
        assert_eq!(raw_role().await, "member");
    }
}

use serde::{Deserialize, Serialize};

/// What a user may do inside their company.
///
/// With the `sea-orm` feature it is the type of `users.role`; the column keeps the spellings of
/// [`Role::as_str`], so rows written before the column had a type read back unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter),
    sea_orm(
        rs_type = "String",
        db_type = "String(sea_orm::sea_query::StringLen::N(16))"
    )
)]
pub enum Role {
    /// Manages the users of their own company (never anyone's password).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "admin"))]
    Admin,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "member"))]
    Member,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?} (expected \"admin\" or \"member\")")]
pub struct UnknownRole(pub String);

impl Role {
    /// The stable spelling stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub fn parse(input: &str) -> Result<Self, UnknownRole> {
        match input {
            "admin" => Ok(Role::Admin),
            "member" => Ok(Role::Member),
            other => Err(UnknownRole(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_its_stored_spelling() {
        for role in [Role::Admin, Role::Member] {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert!(Role::parse("root").is_err());
    }
}

use sea_orm::entity::prelude::*;

/// A password reset or invitation link. Only the SHA-256 of the emailed token is stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "password_reset_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub purpose: LinkPurpose,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    /// The address an [`LinkPurpose::EmailChange`] link confirms; `None` for other links.
    pub new_email: Option<String>,
}

/// What a link was sent for. Every link opens the same page; the purpose tells which act sent
/// it. The spellings are stored (`purpose` column), so they never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum LinkPurpose {
    /// "Forgot Password", asked for by the user.
    #[sea_orm(string_value = "forgot_password")]
    ForgotPassword,
    /// An admin's (or the operator's) "Reset Password" on the user.
    #[sea_orm(string_value = "admin_reset")]
    AdminReset,
    /// "Add user": the invited user's first password.
    #[sea_orm(string_value = "invitation")]
    Invitation,
    /// An admin's change of the user's email address, confirmed from the new address.
    #[sea_orm(string_value = "email_change")]
    EmailChange,
}

impl LinkPurpose {
    /// The purposes whose link sets a password (the reset page's); an email-change link
    /// never does.
    pub const SETS_PASSWORD: [LinkPurpose; 3] = [
        LinkPurpose::ForgotPassword,
        LinkPurpose::AdminReset,
        LinkPurpose::Invitation,
    ];

    pub fn sets_password(self) -> bool {
        self != LinkPurpose::EmailChange
    }

    /// The page (relative to the public URL) this purpose's emailed link opens.
    pub fn page(self) -> &'static str {
        if self.sets_password() {
            "reset-password"
        } else {
            "confirm-email"
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

#[cfg(test)]
mod tests {
    use sea_orm::Iterable;

    use super::*;

    #[test]
    fn purposes_keep_the_spellings_stored_rows_have() {
        let spellings: Vec<_> = LinkPurpose::iter().map(|p| p.to_value()).collect();
        assert_eq!(
            spellings,
            [
                "forgot_password",
                "admin_reset",
                "invitation",
                "email_change"
            ]
        );
        for purpose in LinkPurpose::iter() {
            assert_eq!(
                LinkPurpose::try_from_value(&purpose.to_value()),
                Ok(purpose)
            );
        }
        assert!(LinkPurpose::try_from_value(&"reset".to_owned()).is_err());
    }
}

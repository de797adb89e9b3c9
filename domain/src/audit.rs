//! The vocabulary of the audit trail: what happened and how it ended. The server records these,
//! the Activity page filters by them and every language labels them, all from one list.

/// Declares an enum whose variants are stored as text, with its `ALL` list, `as_str` and
/// `parse` generated from one table, so a new variant cannot be left out of any of them.
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $stored:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )*
        }

        impl $name {
            /// Every variant, in the order people are shown them.
            pub const ALL: [Self; [$($stored),*].len()] = [$(Self::$variant),*];

            /// The stable spelling stored in the database.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $stored, )*
                }
            }

            /// The variant stored as `stored`; `None` for a spelling this version does not
            /// know (a row written by another version of Latch).
            pub fn parse(stored: &str) -> Option<Self> {
                match stored {
                    $( $stored => Some(Self::$variant), )*
                    _ => None,
                }
            }
        }
    };
}

stored_enum! {
    /// What an audit event records (`audit_events.kind`).
    pub enum AuditKind {
        Login = "login",
        Logout = "logout",
        /// "Send me reset password instructions" on the Forgot Password page.
        PasswordResetRequested = "password_reset_requested",
        /// A new password chosen through an emailed link.
        PasswordResetCompleted = "password_reset_completed",
        /// Account Settings' password change.
        PasswordChanged = "password_changed",
        /// An admin's (or the operator's) "Reset Password" on a user. The stored spelling
        /// predates the name `AdminReset` the code uses for this act; rows keep it.
        AdminReset = "admin_password_reset",
        UserInvited = "user_invited",
        UserDeactivated = "user_deactivated",
        UserReactivated = "user_reactivated",
        RoleChanged = "role_changed",
        EmailChanged = "email_changed",
        /// An admin act someone was refused: a member trying one, or an admin naming a user
        /// outside their company (the requested id is in the details).
        AdminRefused = "admin_refused",
        /// An admin's "Confirm your password" (needed for email and role changes).
        AdminReauthenticated = "admin_reauthenticated",
        /// An admin asked for a user's email change: a confirmation link went to the new
        /// address; nothing changes until it is confirmed (then [`AuditKind::EmailChanged`]).
        EmailChangeRequested = "email_change_requested",
        /// An invitation or email change named a username or address that belongs to another
        /// company. Recorded for the operator only (no company's trail): the admin was
        /// answered as if it had worked, and nothing was sent.
        AccountConflict = "account_conflict",
        /// "Sign out" of one of the user's own devices in "Your devices" (failed: the handle
        /// named no other live session of theirs).
        DeviceSignedOut = "device_signed_out",
        /// "Sign out of all other devices" in "Your devices".
        OtherDevicesSignedOut = "other_devices_signed_out",
        /// An admin's "Sign out everywhere" on a user, who stays active.
        SignedOutEverywhere = "signed_out_everywhere",
        /// A user's own "Confirm your password" before adding or removing a sign-in method.
        PasswordConfirmed = "password_confirmed",
        /// A second sign-in method (an authenticator app) turned on.
        SecondFactorAdded = "second_factor_added",
        /// A second sign-in method removed, by its user or by a company admin.
        SecondFactorRemoved = "second_factor_removed",
        /// The second step of a login (a code from the app or a recovery code).
        SecondStep = "second_step",
        /// A new set of recovery codes (the old ones stop working).
        RecoveryCodesRenewed = "recovery_codes_renewed",
        /// The company's security policy changed ("Require two-step verification", the new
        /// sign-in alert).
        SecurityPolicyChanged = "security_policy_changed",
    }
}

stored_enum! {
    /// How an audited act ended (`audit_events.outcome`).
    pub enum AuditOutcome {
        Succeeded = "succeeded",
        Failed = "failed",
        /// Refused because of too many attempts in a short time.
        Throttled = "throttled",
        /// A Forgot Password request for an address no active account uses.
        NoActiveAccount = "no_active_account",
        /// The act's email waits in the outbox.
        MailQueued = "mail_queued",
        /// The actor is no active admin.
        NotAdmin = "not_admin",
        /// The requested user is not in the actor's company (or does not exist).
        UnknownUser = "unknown_user",
        /// The admin had not confirmed their password in the last minutes.
        ReauthRequired = "reauth_required",
        /// The target is another admin, whose email only the operator may change.
        TargetIsAdmin = "target_is_admin",
        /// The password was right; the login waits for its second step.
        SecondStepRequired = "second_step_required",
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_stored_spelling() {
        for kind in AuditKind::ALL {
            assert_eq!(AuditKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(AuditKind::parse("admin_reset"), None);
        assert_eq!(AuditKind::parse("Login"), None, "spellings are exact");
    }

    #[test]
    fn every_outcome_round_trips_through_its_stored_spelling() {
        for outcome in AuditOutcome::ALL {
            assert_eq!(AuditOutcome::parse(outcome.as_str()), Some(outcome));
        }
        assert_eq!(AuditOutcome::parse("ok"), None);
    }

    #[test]
    fn stored_spellings_are_the_ones_rows_already_hold() {
        // Rows written before these enums existed hold these strings; changing one would hide
        // them from the Activity page's filter.
        let kinds: Vec<_> = AuditKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "login",
                "logout",
                "password_reset_requested",
                "password_reset_completed",
                "password_changed",
                "admin_password_reset",
                "user_invited",
                "user_deactivated",
                "user_reactivated",
                "role_changed",
                "email_changed",
                "admin_refused",
                "admin_reauthenticated",
                "email_change_requested",
                "account_conflict",
                "device_signed_out",
                "other_devices_signed_out",
                "signed_out_everywhere",
                "password_confirmed",
                "second_factor_added",
                "second_factor_removed",
                "second_step",
                "recovery_codes_renewed",
                "security_policy_changed",
            ]
        );
        let outcomes: Vec<_> = AuditOutcome::ALL.iter().map(|o| o.as_str()).collect();
        assert_eq!(
            outcomes,
            [
                "succeeded",
                "failed",
                "throttled",
                "no_active_account",
                "mail_queued",
                "not_admin",
                "unknown_user",
                "reauth_required",
                "target_is_admin",
                "second_step_required",
            ]
        );
    }

    #[test]
    fn every_stored_spelling_is_distinct() {
        let kinds: HashSet<_> = AuditKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(kinds.len(), AuditKind::ALL.len());
        let outcomes: HashSet<_> = AuditOutcome::ALL.iter().map(|o| o.as_str()).collect();
        assert_eq!(outcomes.len(), AuditOutcome::ALL.len());
    }
}

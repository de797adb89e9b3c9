//! The pages the login page never needs, each split into a WASM chunk of its own that the
//! browser fetches only when it shows that page (cargo-leptos `--split`; the server renders them
//! as usual). What the first visit downloads is then the login and Forgot Password pages and
//! what every page shares; Account Settings, the second step, the admin pages and the reset
//! page come with their own page, once, from the browser's cache after that.
//!
//! Without `--split` (debug builds, `cargo leptos watch`) each chunk is compiled into the one
//! bundle and nothing changes but when the code is first called.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// `$route`: a lazily loaded route showing the component `$page` (which takes no props).
macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $page:path) => {
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                $page().into_any()
            }
        }
    };
}

lazy_page!(
    /// `/login/verify`: the second step.
    LoginStep => crate::two_factor::LoginStepPage
);
lazy_page!(
    /// `/reset-password`: choosing a new password with a link.
    ResetPassword => crate::password_reset::ResetPasswordPage
);
lazy_page!(
    /// `/confirm-email`.
    ConfirmEmail => crate::email_change::ConfirmEmailPage
);
lazy_page!(
    /// `/settings`: Profile Settings (and an admin's user list).
    ProfileSettings => crate::settings::ProfileSettingsPage
);
lazy_page!(
    /// `/settings/account`: Account Settings.
    AccountSettings => crate::settings::AccountSettingsPage
);
lazy_page!(
    /// `/settings/activity`.
    Activity => crate::admin::ActivityPage
);
lazy_page!(
    /// `/settings/security`.
    Security => crate::admin::SecurityPage
);
lazy_page!(
    /// `/settings/users/new`.
    InviteUser => crate::admin::InviteUserPage
);
lazy_page!(
    /// `/settings/users/:id`.
    ManageUser => crate::admin::ManageUserPage
);
lazy_page!(
    /// `/settings/users/:id/reset`.
    ResetConfirm => crate::admin::ResetConfirmPage
);

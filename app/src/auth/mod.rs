//! Signing in and out, the signed-in user, and the pages that need one.

mod login_page;
mod server_fns;
mod user_menu;

pub use login_page::LoginPage;
pub use server_fns::{CurrentUser, LogIn, LogOut, UserSummary, current_user};
pub use user_menu::UserMenu;

use leptos::prelude::*;

/// The signed-in user (or `None`), shared by the top bar and the pages. Refetched on every
/// navigation so logging in or out is reflected everywhere.
pub type UserResource = Resource<Result<Option<UserSummary>, crate::error::AppError>>;

pub fn use_user() -> UserResource {
    expect_context::<UserResource>()
}

pub fn provide_user_resource() {
    let location = leptos_router::hooks::use_location();
    let resource: UserResource =
        Resource::new_blocking(move || location.pathname.get(), |_| current_user());
    provide_context(resource);
}

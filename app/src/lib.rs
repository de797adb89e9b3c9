//! Latch's user interface: Leptos components rendered on the server and hydrated in the
//! browser, plus the server functions the forms post to.

// Leptos views are deeply nested types; the admin tables go past the default limit of 128.
#![recursion_limit = "256"]

use leptos::prelude::*;
use leptos_meta::{Stylesheet, Title, provide_meta_context};
use leptos_router::{
    Lazy, ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

pub mod admin;
pub mod auth;
pub mod email_change;
pub mod error;
mod forms;
mod i18n;
mod layout;
mod lazy_pages;
pub mod new_password;
mod pages;
pub mod password_reset;
pub mod paths;
pub mod plain_forms;
#[cfg(feature = "ssr")]
pub mod server;
pub mod settings;
mod settings_frame;
mod shell;
pub mod two_factor;

use shell::page_locale;
pub use shell::shell;

use i18n::use_messages;

/// The root component, shared by server rendering and hydration.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    pages::remember_loaded_address();
    i18n::provide_locale(page_locale());
    let t = use_messages();

    view! {
        <Stylesheet id="leptos" href="/pkg/latch.css" />
        <Title formatter=move |page: String| format!("{page} · {}", t.app_name) />
        <Router>
            <UserProvider>
                <layout::Page>
                    // Async: pages are complete before they are sent, so they work without
                    // JavaScript and redirects can still be real HTTP redirects.
                    <Routes fallback=pages::NotFound>
                        <Route path=StaticSegment("") view=pages::Home ssr=SsrMode::Async />
                        <Route
                            path=StaticSegment("login")
                            view=auth::LoginPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("login"), StaticSegment("verify"))
                            view={Lazy::<lazy_pages::LoginStep>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("forgot-password")
                            view=password_reset::ForgotPasswordPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("forgot-password"), StaticSegment("sent"))
                            view=password_reset::ResetSentPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("reset-password")
                            view={Lazy::<lazy_pages::ResetPassword>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("reset-password"), StaticSegment("done"))
                            view=password_reset::ResetDonePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("confirm-email")
                            view={Lazy::<lazy_pages::ConfirmEmail>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("confirm-email"), StaticSegment("done"))
                            view=email_change::EmailConfirmedPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("settings")
                            view={Lazy::<lazy_pages::ProfileSettings>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("account"))
                            view={Lazy::<lazy_pages::AccountSettings>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("activity"))
                            view={Lazy::<lazy_pages::Activity>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("security"))
                            view={Lazy::<lazy_pages::Security>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("users"), StaticSegment("new"))
                            view={Lazy::<lazy_pages::InviteUser>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("users"), ParamSegment("id"))
                            view={Lazy::<lazy_pages::ManageUser>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(
                                StaticSegment("settings"),
                                StaticSegment("users"),
                                ParamSegment("id"),
                                StaticSegment("reset"),
                            )
                            view={Lazy::<lazy_pages::ResetConfirm>::new()}
                            ssr=SsrMode::Async
                        />
                    </Routes>
                </layout::Page>
            </UserProvider>
        </Router>
    }
}

/// Makes the signed-in user, and a refused plain form post, available below (both need the
/// router's location).
#[component]
fn UserProvider(children: Children) -> impl IntoView {
    auth::provide_user_resource();
    plain_forms::provide_form_failure();
    children()
}

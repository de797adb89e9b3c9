//! Latch's user interface: Leptos components rendered on the server and hydrated in the
//! browser, plus the server functions the forms post to.

// Leptos views are deeply nested types; the admin tables go past the default limit of 128.
#![recursion_limit = "256"]

use latch_i18n::Locale;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

pub mod admin;
pub mod auth;
pub mod error;
mod forms;
mod i18n;
mod layout;
pub mod new_password;
mod pages;
pub mod password_reset;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod server;
pub mod settings;
mod settings_frame;

use i18n::use_messages;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = page_locale();
    #[cfg(feature = "ssr")]
    set_content_security_policy(&options);
    view! {
        <!DOCTYPE html>
        <html lang=locale.tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The page's language: chosen by the server for this request (see the server's `identify`),
/// and read back from `<html lang>` by the browser, so both render the same words.
fn page_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        server::request_info().locale
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|tag| Locale::from_tag(&tag))
            .unwrap_or_default()
    }
}

/// The root component, shared by server rendering and hydration.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    i18n::provide_locale(page_locale());
    let t = use_messages();

    view! {
        <Stylesheet id="leptos" href="/pkg/latch.css" />
        <Title formatter=move |page: String| format!("{page} · {}", t.app_name) />
        <HydrationMarker />
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
                            view=password_reset::ResetPasswordPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("reset-password"), StaticSegment("done"))
                            view=password_reset::ResetDonePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("settings")
                            view=settings::ProfileSettingsPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("account"))
                            view=settings::AccountSettingsPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("activity"))
                            view=admin::ActivityPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("users"), StaticSegment("new"))
                            view=admin::InviteUserPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("users"), ParamSegment("id"))
                            view=admin::ManageUserPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(
                                StaticSegment("settings"),
                                StaticSegment("users"),
                                ParamSegment("id"),
                                StaticSegment("reset"),
                            )
                            view=admin::ResetConfirmPage
                            ssr=SsrMode::Async
                        />
                    </Routes>
                </layout::Page>
            </UserProvider>
        </Router>
    }
}

/// Makes the signed-in user available below (needs the router's location).
#[component]
fn UserProvider(children: Children) -> impl IntoView {
    auth::provide_user_resource();
    children()
}

/// The page's Content-Security-Policy: only our own scripts (the inline hydration bootstrap by
/// nonce), our own styles, no framing.
#[cfg(feature = "ssr")]
fn set_content_security_policy(options: &LeptosOptions) {
    use leptos::nonce::use_nonce;
    let nonce = use_nonce()
        .map(|n| format!(" 'nonce-{n}'"))
        .unwrap_or_default();
    // The dev server's live reload talks over a websocket.
    let reload = if options.env == leptos::config::Env::DEV {
        " ws: wss:"
    } else {
        ""
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{nonce}; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'{reload}; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
    );
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&policy),
    ) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Marks `<body data-hydrated="true">` once the WASM has taken over the page. Effects run only
/// in the browser, so the attribute proves hydration; browser tests wait for it.
#[component]
fn HydrationMarker() -> impl IntoView {
    Effect::new(|| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

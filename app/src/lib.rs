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
    let nonce = use_nonce().map(|nonce| nonce.to_string());
    // Under `cargo leptos watch` (`make run`), `<AutoReload>` adds a script that opens a
    // websocket to the reload port. `options.env` cannot tell that case apart: Leptos.toml says
    // PROD (the released binary reads the same file) and cargo-leptos sets no LEPTOS_ENV. What
    // it does set is LEPTOS_WATCH, the very variable `<AutoReload>` checks; a debug build is
    // required as well, so a release binary never allows the socket.
    let watched = cfg!(debug_assertions) && std::env::var_os("LEPTOS_WATCH").is_some();
    let live_reload = watched.then(|| {
        let host = use_context::<http::request::Parts>()
            .and_then(|parts| parts.headers.get(http::header::HOST).cloned())
            .and_then(|host| host.to_str().map(str::to_owned).ok());
        live_reload_origin(options, host.as_deref())
    });
    let policy = content_security_policy(nonce.as_deref(), live_reload.as_deref());
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&policy),
    ) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The policy text. `live_reload` is the one websocket origin the dev server's reload script
/// may connect to; `None` outside `cargo leptos watch`.
#[cfg(feature = "ssr")]
fn content_security_policy(nonce: Option<&str>, live_reload: Option<&str>) -> String {
    let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    let live_reload = live_reload
        .map(|origin| format!(" {origin}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{nonce}; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'{live_reload}; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
    )
}

/// Where `<AutoReload>`'s script connects: `ws://` (or the configured protocol), the host name
/// the browser used for the page (the script takes `location.hostname`), and the reload port.
/// A `Host` header that is not a plain host name falls back to the site address, so nothing
/// but a host name ever reaches the policy.
#[cfg(feature = "ssr")]
fn live_reload_origin(options: &LeptosOptions, host_header: Option<&str>) -> String {
    let protocol = match options.reload_ws_protocol {
        leptos::config::ReloadWSProtocol::WS => "ws",
        leptos::config::ReloadWSProtocol::WSS => "wss",
    };
    let port = options.reload_external_port.unwrap_or(options.reload_port);
    let host_name = host_header
        .map(|host| match host.find(']') {
            // `[::1]:3000`: the brackets belong to the host name, as in `location.hostname`.
            Some(end) if host.starts_with('[') => &host[..=end],
            _ => host.split(':').next().unwrap_or_default(),
        })
        .filter(|name| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| match options.site_addr.ip() {
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        });
    format!("{protocol}://{host_name}:{port}")
}

#[cfg(all(test, feature = "ssr"))]
mod content_security_policy_tests {
    use super::*;

    fn options() -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("latch")
            .site_addr(std::net::SocketAddr::from(([127, 0, 0, 1], 3000)))
            .reload_port(3001)
            .build()
    }

    #[test]
    fn outside_watch_mode_the_page_may_connect_only_to_itself() {
        let policy = content_security_policy(Some("abc"), None);

        assert!(policy.contains("connect-src 'self';"), "{policy}");
        assert!(
            policy.contains("script-src 'self' 'wasm-unsafe-eval' 'nonce-abc';"),
            "{policy}"
        );
        assert!(!policy.contains("ws:"), "{policy}");
    }

    #[test]
    fn in_watch_mode_exactly_the_reload_socket_of_the_pages_host_is_allowed() {
        let origin = live_reload_origin(&options(), Some("127.0.0.1:3000"));
        let policy = content_security_policy(None, Some(&origin));

        assert_eq!(origin, "ws://127.0.0.1:3001");
        assert!(
            policy.contains("connect-src 'self' ws://127.0.0.1:3001;"),
            "{policy}"
        );
        assert_eq!(
            live_reload_origin(&options(), Some("localhost:3000")),
            "ws://localhost:3001"
        );
        assert_eq!(
            live_reload_origin(&options(), Some("[::1]:3000")),
            "ws://[::1]:3001"
        );
    }

    #[test]
    fn a_host_header_that_is_not_a_host_name_falls_back_to_the_site_address() {
        for host in [None, Some(""), Some("evil; script-src *"), Some("a b")] {
            assert_eq!(live_reload_origin(&options(), host), "ws://127.0.0.1:3001");
        }
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

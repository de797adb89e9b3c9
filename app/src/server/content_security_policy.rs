//! The Content-Security-Policy of every page Latch renders.

use leptos::config::LeptosOptions;
use leptos::prelude::use_context;

/// The page's Content-Security-Policy: only our own scripts (the inline hydration bootstrap by
/// nonce), our own styles, no framing.
pub(crate) fn set_content_security_policy(options: &LeptosOptions) {
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

#[cfg(test)]
mod tests {
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

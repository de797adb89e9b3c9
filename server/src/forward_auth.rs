//! `GET /auth/verify`: the endpoint a reverse proxy asks before it lets a request through to
//! the CRM (nginx `auth_request`, Traefik `ForwardAuth`, Caddy `forward_auth`). With a live
//! session: 200 and who is signed in, as `X-Latch-*` headers the proxy copies to the CRM.
//! Without: 401, which nginx turns into its login redirect; or, when the proxy passed the
//! original request along (Traefik, Caddy) and it was a page view, a 302 to Latch's login
//! page that comes back to it afterwards.
//!
//! With the headers comes `X-Latch-Token`, the same identity signed (see
//! `latch_core::identity_token`), whose public keys `GET /.well-known/jwks.json` publishes.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use latch_app::server::session_cookie_value;
use latch_core::forward_auth::{self, Identity};
use latch_core::secret_token::SecretToken;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::middleware::database_unavailable;
use crate::state::AppState;

/// `?login=header`: for nginx, whose `auth_request` cannot pass a 302 on. A refusal is then
/// always 401, carrying the login address (with the original page as a percent-encoded
/// `next`) in `X-Latch-Login` for the proxy's own redirect.
#[derive(Debug, Default, serde::Deserialize)]
pub struct VerifyOptions {
    login: Option<String>,
}

pub async fn verify(
    State(state): State<AppState>,
    Query(options): Query<VerifyOptions>,
    headers: HeaderMap,
) -> Response {
    let login_in_header = options.login.as_deref() == Some("header");
    let services = &state.services;
    let domain = services.session_cookie_domain.as_deref();
    let token = session_cookie_value(&headers, services.is_https(), domain)
        .and_then(|value| SecretToken::from_presented(&value));
    let now = chrono::Utc::now();
    let identity = match token {
        Some(token) => {
            let lifetime = services.login_policy.session;
            match forward_auth::verify(&services.db, &token, lifetime, now).await {
                Ok(identity) => identity,
                Err(err) => {
                    tracing::warn!("cannot check the session: {err:#}");
                    return database_unavailable(&headers);
                }
            }
        }
        None => None,
    };
    let Some(identity) = identity else {
        return refusal(&state, &headers, login_in_header);
    };
    let token = match services
        .identity_tokens
        .issue(&services.db, &identity, now)
        .await
    {
        Ok(token) => token,
        Err(err) => {
            tracing::error!("cannot sign the identity token: {err:#}");
            return database_unavailable(&headers);
        }
    };
    let mut answer = identity_headers(&identity);
    answer.insert(
        HeaderName::from_static("x-latch-token"),
        header_text(&token),
    );
    (StatusCode::OK, answer).into_response()
}

/// `GET /.well-known/jwks.json`: the public keys that verify `X-Latch-Token`, the signing key
/// first. Cacheable for five minutes; a verifier that meets a key id it does not know should
/// fetch it again (a rotation signs with the new key at once).
pub async fn jwks(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let services = &state.services;
    match services
        .identity_tokens
        .keys
        .published(&services.db, chrono::Utc::now())
        .await
    {
        Ok(keys) => (
            [(header::CACHE_CONTROL, "public, max-age=300")],
            axum::Json(serde_json::json!({ "keys": &*keys })),
        )
            .into_response(),
        Err(err) => {
            tracing::error!("cannot read the signing keys: {err:#}");
            database_unavailable(&headers)
        }
    }
}

fn identity_headers(identity: &Identity) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let mut put = |name: &'static str, value: &str| {
        headers.insert(HeaderName::from_static(name), header_text(value));
    };
    put("x-latch-user-id", &identity.user_id.to_string());
    put("x-latch-username", &identity.username);
    put("x-latch-email", &identity.email);
    put("x-latch-name", &identity.name);
    put("x-latch-company-id", &identity.company_id.to_string());
    put("x-latch-company", &identity.company);
    put("x-latch-role", identity.role.as_str());
    put("x-latch-locale", identity.locale.tag());
    put("x-latch-time-zone", identity.time_zone.name());
    headers
}

/// RFC 8187's `attr-char`: what an extended value keeps as it is.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `text` as a header value: as it is when it is printable ASCII, else RFC 8187's extended
/// value (`UTF-8''` and the percent-encoded UTF-8), which every header parser can carry.
fn header_text(text: &str) -> HeaderValue {
    let printable = text.bytes().all(|byte| (0x20..0x7f).contains(&byte));
    let encoded = || format!("UTF-8''{}", utf8_percent_encode(text, ATTR_CHAR));
    let value = if printable {
        text.to_owned()
    } else {
        encoded()
    };
    // Printable ASCII and percent-encoding are always valid header values.
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// 401; a page view passed along by Traefik or Caddy gets a 302 to the login page instead,
/// coming back to the page afterwards (the login page decides whether it may). With
/// `login_in_header` (nginx), always 401, the login address in `X-Latch-Login`.
fn refusal(state: &AppState, headers: &HeaderMap, login_in_header: bool) -> Response {
    let text = |name| header_str(headers, name);
    let wants_html =
        text(header::ACCEPT.as_str()).is_some_and(|accept| accept.contains("text/html"));
    let page_view =
        text("x-forwarded-method").is_none_or(|method| method.eq_ignore_ascii_case("GET"));
    let original = original_url(headers);
    if login_in_header {
        let mut refused = StatusCode::UNAUTHORIZED.into_response();
        if let Some(login) = original.and_then(|original| login_url(state, original)) {
            refused
                .headers_mut()
                .insert(HeaderName::from_static("x-latch-login"), login);
        }
        return refused;
    }
    let (true, true, Some(original)) = (wants_html, page_view, original) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    match login_url(state, original) {
        Some(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}

/// Latch's login page, coming back to `original` afterwards.
fn login_url(state: &AppState, original: String) -> Option<HeaderValue> {
    let public = &state.services.public_url;
    // Latch's own pages come back as a local path, anything else as the whole address.
    let next = match url::Url::parse(&original) {
        Ok(url) if url.origin() == public.origin() => {
            let mut local = url.path().to_owned();
            if let Some(query) = url.query() {
                local = format!("{local}?{query}");
            }
            local
        }
        _ => original,
    };
    let login = format!(
        "{}login?next={}",
        public.as_str(),
        latch_app::paths::encode(&next)
    );
    HeaderValue::from_str(&login).ok()
}

/// The request the proxy is asking about: `X-Original-URL` (nginx, Authelia's convention),
/// else `X-Forwarded-Proto` + `X-Forwarded-Host` + `X-Forwarded-Uri` (Traefik, Caddy).
fn original_url(headers: &HeaderMap) -> Option<String> {
    let text = |name| header_str(headers, name);
    if let Some(url) = text("x-original-url") {
        return Some(url.to_owned());
    }
    let (proto, host, uri) = (
        text("x-forwarded-proto")?,
        text("x-forwarded-host")?,
        text("x-forwarded-uri").unwrap_or("/"),
    );
    Some(format!("{proto}://{host}{uri}"))
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_outside_printable_ascii_is_an_rfc_8187_extended_value() {
        assert_eq!(header_text("Ana Putri"), "Ana Putri");
        assert_eq!(header_text("Ñandú"), "UTF-8''%C3%91and%C3%BA");
        assert_eq!(
            header_text("PT Maju\r\nX: y"),
            "UTF-8''PT%20Maju%0D%0AX%3A%20y"
        );
    }
}

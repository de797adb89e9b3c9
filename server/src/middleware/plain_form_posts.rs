//! Forms without JavaScript (see `latch_app::plain_forms` for the design and why).
//!
//! A form posts to the page it is on, naming its server function in a hidden field. This
//! middleware runs that server function; success is its answer (a redirect to the next page),
//! a refusal is the same page rendered again with the refusal and what was typed, under the
//! refusal's status (401, 429 + `Retry-After`...). Nothing of it goes into a URL.

use axum::Router;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use latch_app::error::AppError;
use latch_app::plain_forms::{FormFailure, SERVER_FN_FIELD};
use leptos::server_fn::error::FromServerFnError;
use tower::Service;

/// The largest form or server-function answer read here (the router refuses larger bodies
/// before this; the bound only keeps this code honest on its own).
const MAX_BYTES: usize = 64 * 1024;

/// The query keys leptos reads a server action's error from (`?__path=…&__err=…`).
const LEPTOS_ERROR_KEYS: [&str; 2] = ["__path", "__err"];

/// `app` is the router below this middleware: it answers both the server function and the
/// page rendered again.
pub async fn plain_form_posts(State(app): State<Router>, request: Request, next: Next) -> Response {
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    if let Some(clean) = is_read
        .then(|| without_leptos_error(request.uri()))
        .flatten()
    {
        return Redirect::to(&clean).into_response();
    }
    if !is_form_post_to_a_page(&request) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(form) = to_bytes(body, MAX_BYTES).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let Some(server_fn) = server_fn_named_in(&form) else {
        return next.run(Request::from_parts(parts, Body::from(form))).await;
    };

    let mut call = Request::from_parts(parts.clone(), Body::from(form.clone()));
    *call.uri_mut() = server_fn.clone();
    // leptos_axum would send a refused plain post back to its `Referer` with a 302.
    call.headers_mut().remove(header::REFERER);
    let answer = oneshot(&app, call).await;
    if !(answer.status().is_client_error() || answer.status().is_server_error()) {
        return answer;
    }
    let (answer, body) = answer.into_parts();
    let body = to_bytes(body, MAX_BYTES).await.unwrap_or_default();
    let error = AppError::de(body);
    let failure = FormFailure::new(server_fn.path().to_owned(), error, &form);

    let mut page = Request::from_parts(parts, Body::empty());
    *page.method_mut() = Method::GET;
    page.headers_mut().remove(header::CONTENT_TYPE);
    page.headers_mut().remove(header::CONTENT_LENGTH);
    page.extensions_mut().insert(failure);
    let mut response = oneshot(&app, page).await;
    // A page that itself redirects (the session ended meanwhile, say) keeps its redirect.
    if response.status() == StatusCode::OK {
        *response.status_mut() = answer.status;
        if let Some(retry_after) = answer.headers.get(header::RETRY_AFTER) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_after.clone());
        }
    }
    for cookie in answer.headers.get_all(header::SET_COOKIE) {
        response
            .headers_mut()
            .append(header::SET_COOKIE, cookie.clone());
    }
    response
}

/// One request through `app` (a `Router` is always ready, so no `poll_ready` first).
async fn oneshot(app: &Router, request: Request) -> Response {
    match app.clone().call(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// A plain HTML form (urlencoded) posted to a page rather than to `/api/…`.
fn is_form_post_to_a_page(request: &Request) -> bool {
    let urlencoded = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    request.method() == Method::POST && urlencoded && !request.uri().path().starts_with("/api/")
}

/// The server function the form names: a path under `/api/`, nothing else.
fn server_fn_named_in(form: &Bytes) -> Option<Uri> {
    let (_, path) = form_urlencoded::parse(form).find(|(name, _)| name == SERVER_FN_FIELD)?;
    let plain = path
        .strip_prefix("/api/")?
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'/');
    plain.then(|| path.parse().ok()).flatten()
}

/// The address without leptos' error query, when it has one: that error would be rendered
/// from whatever the URL says, so a crafted link could put its own words on the page.
fn without_leptos_error(uri: &Uri) -> Option<String> {
    let query = uri.query()?;
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    if !pairs
        .iter()
        .any(|(key, _)| LEPTOS_ERROR_KEYS.contains(&key.as_str()))
    {
        return None;
    }
    let kept: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(key, _)| !LEPTOS_ERROR_KEYS.contains(&key.as_str()))
        .collect();
    if kept.is_empty() {
        return Some(uri.path().to_owned());
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    Some(format!("{}?{query}", uri.path()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leptos_error_keys_leave_the_address_and_the_rest_stays() {
        let uri: Uri = "/login?next=/settings&__path=/api/login&__err=e30"
            .parse()
            .unwrap();
        assert_eq!(
            without_leptos_error(&uri).as_deref(),
            Some("/login?next=%2Fsettings")
        );
        let uri: Uri = "/login?__err=e30".parse().unwrap();
        assert_eq!(without_leptos_error(&uri).as_deref(), Some("/login"));
        let uri: Uri = "/login?next=/settings".parse().unwrap();
        assert_eq!(without_leptos_error(&uri), None);
    }

    #[test]
    fn a_form_names_only_a_server_function() {
        let named = |form: &str| server_fn_named_in(&Bytes::from(form.to_owned()));
        assert_eq!(
            named("identifier=ana&latch_form=%2Fapi%2Flogin").map(|uri| uri.to_string()),
            Some("/api/login".to_owned())
        );
        assert_eq!(
            named("latch_form=/api/admin/set_role").map(|u| u.to_string()),
            Some("/api/admin/set_role".to_owned())
        );
        assert_eq!(named("latch_form=https://evil.example/api/login"), None);
        assert_eq!(named("latch_form=/api/login?x=1"), None);
        assert_eq!(named("latch_form=/settings"), None);
        assert_eq!(named("identifier=ana"), None);
    }

    #[test]
    fn what_was_typed_comes_back_but_passwords_never() {
        let failure = FormFailure::new(
            "/api/change_password".to_owned(),
            AppError::WrongExistingPassword,
            b"existing=a&password=b&confirm=c&sign_out_others=on&latch_form=x",
        );
        assert_eq!(
            failure.fields,
            vec![("sign_out_others".to_owned(), "on".to_owned())]
        );
    }
}

//! How browsers may keep the site's files (`/pkg/…`, `public/`): keep them, but ask before each
//! use whether they changed. Their names carry no content hash (Leptos 0.8's `hash-files` reads
//! a `hash.txt` beside the executable on every page render, and a deployment that copies only the
//! binary would then link files that do not exist), so a long `max-age` would keep serving last
//! release's bundle after an upgrade. Asking costs one round trip answered by a bodyless 304.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Cached, shared, but revalidated on every use.
const REVALIDATE: HeaderValue = HeaderValue::from_static("public, no-cache");

/// Adds `Cache-Control` and an `ETag` to the site's files, and answers 304 when the browser's
/// `If-None-Match` names the representation it would get. The file server already answers
/// `If-Modified-Since`; the ETag also tells one encoding from another (brotli, gzip, none),
/// which a date cannot.
pub async fn site_file_validators(request: Request, next: Next) -> Response {
    if !super::is_site_file(request.uri().path()) {
        return next.run(request).await;
    }
    let presented = request.headers().get(header::IF_NONE_MATCH).cloned();
    let mut response = next.run(request).await;
    if response.status() != StatusCode::OK && response.status() != StatusCode::NOT_MODIFIED {
        return response;
    }
    let etag = entity_tag(response.headers());
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, REVALIDATE);
    let Some(etag) = etag else {
        return response;
    };
    if presented.is_some_and(|presented| matches_any(&presented, &etag)) {
        let mut unchanged = StatusCode::NOT_MODIFIED.into_response();
        let kept = unchanged.headers_mut();
        for name in [
            header::LAST_MODIFIED,
            header::VARY,
            header::CONTENT_ENCODING,
        ] {
            if let Some(value) = headers.get(&name) {
                kept.insert(name, value.clone());
            }
        }
        kept.insert(header::CACHE_CONTROL, REVALIDATE);
        kept.insert(header::ETAG, etag);
        return unchanged;
    }
    headers.insert(header::ETAG, etag);
    response
}

/// `"<modified>-<length>-<encoding>"`, as nginx builds one from the file's date and size: the
/// same file, the same tag, with no hashing of its bytes on each request.
fn entity_tag(headers: &HeaderMap) -> Option<HeaderValue> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|value: &HeaderValue| value.to_str().ok())
    };
    let modified = compact_date(text(header::LAST_MODIFIED)?)?;
    let length = text(header::CONTENT_LENGTH)?.parse::<u64>().ok()?;
    let encoding = text(header::CONTENT_ENCODING).unwrap_or("identity");
    HeaderValue::from_str(&format!("\"{modified}-{length:x}-{encoding}\"")).ok()
}

/// The date as given, reduced to the characters an ETag may hold: stable for one file version.
fn compact_date(date: &str) -> Option<String> {
    let compact: String = date.chars().filter(char::is_ascii_alphanumeric).collect();
    (!compact.is_empty()).then_some(compact)
}

/// `If-None-Match: *`, or a list naming `etag` (weak comparison, as RFC 9110 asks for 304s).
fn matches_any(presented: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(presented) = presented.to_str() else {
        return false;
    };
    let ours = etag.to_str().unwrap_or_default();
    presented
        .split(',')
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (name.clone(), HeaderValue::from_str(value).unwrap()))
            .collect()
    }

    #[test]
    fn each_encoding_of_a_file_has_its_own_tag_and_a_new_version_a_new_one() {
        let date = (header::LAST_MODIFIED, "Thu, 03 Dec 2026 09:00:00 GMT");
        let plain = entity_tag(&headers(&[date.clone(), (header::CONTENT_LENGTH, "100")]));
        let brotli = entity_tag(&headers(&[
            date.clone(),
            (header::CONTENT_LENGTH, "40"),
            (header::CONTENT_ENCODING, "br"),
        ]));
        let rebuilt = entity_tag(&headers(&[
            (header::LAST_MODIFIED, "Thu, 03 Dec 2026 09:30:00 GMT"),
            (header::CONTENT_LENGTH, "100"),
        ]));
        assert!(plain.is_some() && brotli.is_some() && rebuilt.is_some());
        assert_ne!(plain, brotli);
        assert_ne!(plain, rebuilt);
    }

    #[test]
    fn if_none_match_is_compared_weakly_and_accepts_lists_and_star() {
        let ours = HeaderValue::from_static("\"a-1-br\"");
        let check = |presented| matches_any(&HeaderValue::from_static(presented), &ours);
        assert!(check("\"a-1-br\""));
        assert!(check("W/\"a-1-br\""));
        assert!(check("\"x\", \"a-1-br\""));
        assert!(check("*"));
        assert!(!check("\"a-1-gzip\""));
    }
}

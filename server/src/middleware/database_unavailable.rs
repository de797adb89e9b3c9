//! The answer while the database is unreachable: 503 with `Retry-After`, in the reader's
//! language. Browsers get a small page that retries by itself; other clients get the sentence.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use latch_app::server::DATABASE_RETRY_AFTER_SECS;
use latch_i18n::Locale;
use minijinja::{Environment, context};

/// The template's `.html` name turns on minijinja's HTML escaping of every value.
const PAGE_NAME: &str = "database_unavailable.html";
const PAGE: &str = include_str!("../../templates/database_unavailable.html");

/// The page sets its own policy: it is not rendered by Leptos, so it has no nonce, and it
/// needs nothing but its inline style.
const PAGE_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

/// The database is unreachable: say so in plain words, and that it is worth trying again.
pub(crate) fn database_unavailable(headers: &HeaderMap) -> Response {
    let locale = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(latch_i18n::from_accept_language)
        .unwrap_or_default();
    let retry_after = DATABASE_RETRY_AFTER_SECS.to_string();
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let page = if wants_html {
        render_page(locale)
            .inspect_err(|err| tracing::error!("cannot render the unavailable page: {err:#}"))
            .ok()
    } else {
        None
    };
    let Some(page) = page else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, retry_after)],
            locale.messages().database_unavailable,
        )
            .into_response();
    };
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::RETRY_AFTER, retry_after),
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (header::CONTENT_SECURITY_POLICY, PAGE_POLICY.to_owned()),
        ],
        page,
    )
        .into_response()
}

fn render_page(locale: Locale) -> Result<String, minijinja::Error> {
    let t = locale.messages();
    let mut env = Environment::new();
    env.add_template(PAGE_NAME, PAGE)?;
    env.get_template(PAGE_NAME)?.render(context! {
        lang => locale.tag(),
        // The page reloads itself after as long as `Retry-After` asks clients to wait.
        retry_after => DATABASE_RETRY_AFTER_SECS,
        title => t.unavailable_title,
        body => t.database_unavailable,
        retrying => t.unavailable_retrying,
        again => t.try_again,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str, language: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, accept.parse().unwrap());
        headers.insert(header::ACCEPT_LANGUAGE, language.parse().unwrap());
        headers
    }

    async fn body(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn the_page_says_every_sentence_in_each_language_escaped() {
        for locale in Locale::ALL {
            let t = locale.messages();
            let page = render_page(locale).unwrap();

            assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
            assert!(
                page.contains(&format!("<html lang=\"{}\">", locale.tag())),
                "{page}"
            );
            assert!(
                page.contains(&format!(
                    "<meta http-equiv=\"refresh\" content=\"{DATABASE_RETRY_AFTER_SECS}\">"
                )),
                "{page}"
            );
            for words in [
                t.unavailable_title,
                t.database_unavailable,
                t.unavailable_retrying,
                t.try_again,
            ] {
                let escaped = words.replace('\'', "&#x27;");
                assert!(page.contains(&escaped), "{locale:?}: {words} in {page}");
            }
        }
    }

    #[tokio::test]
    async fn browsers_get_the_page_and_other_clients_the_sentence_both_with_retry_after() {
        let page = database_unavailable(&headers("text/html,*/*", "id"));
        assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(page.headers()[header::RETRY_AFTER], "5");
        assert_eq!(
            page.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        assert_eq!(page.headers()[header::CONTENT_SECURITY_POLICY], PAGE_POLICY);
        assert!(
            PAGE_POLICY.contains("base-uri 'none'")
                && PAGE_POLICY.contains("frame-ancestors 'none'")
        );
        assert!(body(page).await.contains("<html lang=\"id\">"));

        let sentence = database_unavailable(&headers("application/json", "en"));
        assert_eq!(sentence.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(sentence.headers()[header::RETRY_AFTER], "5");
        assert_eq!(
            body(sentence).await,
            Locale::En.messages().database_unavailable
        );
    }
}

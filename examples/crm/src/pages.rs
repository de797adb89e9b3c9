//! The CRM's two pages: who is signed in, and "Not signed in".

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse};

use crate::token::Claims;

/// The page every signed-in path shows, with Latch's menu items (same host: `/settings`, and
/// a plain form to Latch's logout that works without JavaScript).
pub fn hello(claims: &Claims, path: &str) -> impl IntoResponse {
    let body = format!(
        r#"<h1>Example CRM</h1>
<p id="greeting">Hello, {name} ({company}, {role})</p>
<p>You are on <code id="path">{path}</code>; your user id is <code id="user-id">{user_id}</code>.</p>
<nav>
  <a href="/settings">Profile Settings</a>
  <form method="post" action="/api/logout"><button type="submit">Log out</button></form>
</nav>"#,
        name = escape(&claims.name),
        company = escape(&claims.company),
        role = escape(&claims.role),
        path = escape(path),
        user_id = escape(&claims.sub),
    );
    (
        [(header::CACHE_CONTROL, "no-store")],
        Html(document("Example CRM", &body)),
    )
}

pub fn not_signed_in() -> impl IntoResponse {
    let body = r#"<h1>Not signed in</h1>
<p><a href="/login">Log in</a></p>"#;
    (
        StatusCode::UNAUTHORIZED,
        [(header::CACHE_CONTROL, "no-store")],
        Html(document("Not signed in", body)),
    )
}

fn document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"/favicon.svg\"><title>{title}</title></head>\n<body>\n{body}\n</body></html>\n"
    )
}

/// Text as HTML: names come from Latch, but are typed by users.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_shown_as_text_never_as_markup() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'co'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;"
        );
    }
}

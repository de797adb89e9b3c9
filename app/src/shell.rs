//! The HTML document around the app (server only), and the page's language both sides agree on.

use latch_i18n::Locale;
use leptos::prelude::*;
use leptos_meta::MetaTags;

use crate::App;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = page_locale();
    #[cfg(feature = "ssr")]
    crate::server::set_content_security_policy(&options);
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
pub(crate) fn page_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        crate::server::request_info().locale
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

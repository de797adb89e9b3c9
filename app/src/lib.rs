//! Latch's user interface: Leptos components rendered on the server and hydrated in the
//! browser, plus the server functions the forms post to.

use latch_i18n::Locale;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    StaticSegment,
    components::{Route, Router, Routes},
};

mod i18n;
mod layout;
mod pages;

pub use i18n::use_messages;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = Locale::default();
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

/// The root component, shared by server rendering and hydration.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    i18n::provide_locale(Locale::default());
    let t = use_messages();

    view! {
        <Stylesheet id="leptos" href="/pkg/latch.css" />
        <Title formatter=move |page: String| format!("{page} · {}", t.app_name) />
        <HydrationMarker />
        <Router>
            <layout::Page>
                <Routes fallback=pages::NotFound>
                    <Route path=StaticSegment("") view=pages::Home />
                </Routes>
            </layout::Page>
        </Router>
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

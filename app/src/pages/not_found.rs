use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::use_messages;
use crate::paths;

/// Any unknown path: says so plainly (with a 404 status) and offers a way back.
#[component]
pub(crate) fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    // Unknown to Latch may still be the CRM's, under the same host.
    super::server_decides::load_from_server_when_navigated();
    let t = use_messages();
    view! {
        <Title text=t.not_found_title />
        <section class="card">
            <h1>{t.not_found_title}</h1>
            <p>{t.not_found_body}</p>
            <p>
                <a href=paths::HOME rel="external">{t.back_home}</a>
            </p>
        </section>
    }
}

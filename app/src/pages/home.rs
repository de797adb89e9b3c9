use leptos::prelude::*;
use leptos_meta::Title;

use crate::use_messages;

/// The start page.
#[component]
pub(crate) fn Home() -> impl IntoView {
    let t = use_messages();
    view! {
        <Title text=t.home_title />
        <section class="card">
            <h1>{t.home_heading}</h1>
            <p class="lead">{t.tagline}</p>
            <p>{t.home_body}</p>
        </section>
    }
}

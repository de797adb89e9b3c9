//! The frame around every page: skip link, top bar, main landmark.

use leptos::prelude::*;

use crate::use_messages;

#[component]
pub(crate) fn Page(children: Children) -> impl IntoView {
    let t = use_messages();
    view! {
        <a class="skip-link" href="#main">
            {t.skip_to_content}
        </a>
        <header class="topbar">
            <a class="brand" href="/">
                {t.app_name}
            </a>
        </header>
        <main id="main" class="page" tabindex="-1">
            {children()}
        </main>
    }
}

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::use_messages;
use crate::layout::RequireUser;
use crate::paths;

/// The signed-in start page.
#[component]
pub(crate) fn Home() -> impl IntoView {
    // The server sends a signed-in user on to `LATCH_APP_URL` (which may be `/` behind the
    // same host), which the browser-side router cannot know.
    super::server_decides::load_from_server_when_navigated();
    let t = use_messages();
    view! {
        <Title text=t.home_title />
        <RequireUser children=move |user| {
            view! {
                <section class="card">
                    <h1>{(t.home_heading)(&user.display_name)}</h1>
                    <p class="lead">{t.tagline}</p>
                    <p>{t.home_body}</p>
                    <p>
                        <a href=paths::PROFILE_SETTINGS>{t.profile_settings}</a>
                    </p>
                </section>
            }
        } />
    }
}

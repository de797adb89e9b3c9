//! The frame around every page: skip link, top bar (with the user menu when signed in), main
//! landmark.

use leptos::prelude::*;

use crate::auth::{UserMenu, use_user};
use crate::i18n::use_messages;
use crate::paths;

#[component]
pub(crate) fn Page(children: Children) -> impl IntoView {
    let t = use_messages();
    let user = use_user();
    view! {
        <a class="skip-link" href="#main">
            {t.skip_to_content}
        </a>
        <header class="topbar">
            // A full page load: the server sends a signed-in user on to the app when one is
            // configured (`LATCH_APP_URL`), which the browser-side router cannot know.
            <a class="brand" href=paths::HOME rel="external">
                {t.app_name}
            </a>
            <Suspense>
                {move || Suspend::new(async move {
                    user.await.ok().flatten().map(|user| view! { <UserMenu user /> })
                })}
            </Suspense>
        </header>
        <main id="main" class="page" tabindex="-1">
            {children()}
        </main>
    }
}

/// Renders `children` for a signed-in user; otherwise sends the browser to the login page and
/// back here afterwards. (The server already redirects full page loads; this covers
/// navigation inside the hydrated app.)
#[component]
pub(crate) fn RequireUser<F, V>(children: F) -> impl IntoView
where
    F: Fn(crate::auth::UserSummary) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let user = use_user();
    let location = leptos_router::hooks::use_location();
    view! {
        <Suspense>
            {move || {
                let children = children.clone();
                // Awaiting (not reading) the resource: after a login or logout it is being
                // refetched, and deciding on the stale value would bounce the user around.
                Suspend::new(async move {
                    match user.await {
                        Ok(Some(user)) => children(user).into_any(),
                        _ => {
                            let here = format!(
                                "{}{}",
                                location.pathname.get_untracked(),
                                location.search.get_untracked(),
                            );
                            let path = crate::paths::login(&here);
                            view! { <leptos_router::components::Redirect path /> }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

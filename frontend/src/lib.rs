//! Entry point of the WASM bundle: hydrates the server-rendered page.

use leptos::prelude::document;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let Some(body) = document().body() else {
        return;
    };
    // Asynchronously: the page may be one whose code is a chunk of its own (`latch_app`'s lazy
    // pages), fetched before that part of the page can be hydrated.
    // An error means it was already started: nothing to do.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async move {
        let app = leptos::mount::hydrate_from_async(body.clone(), latch_app::App).await;
        app.forget();
        // Only now is every part of the page the WASM's: a click before this (a link to
        // another lazy page, say) would meet a page still half hydrated. Browser tests and
        // the CSS's no-JavaScript fallbacks wait for this mark.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}

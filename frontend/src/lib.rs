//! Entry point of the WASM bundle: hydrates the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazily: the page may be one whose code is a chunk of its own (`latch_app`'s lazy pages),
    // fetched before the page can be hydrated.
    leptos::mount::hydrate_lazy(latch_app::App);
}

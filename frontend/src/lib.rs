#![recursion_limit = "512"]
//! The browser half: hydrates the server-rendered page. Pages are lazy routes (their code in
//! chunks of their own), so hydration waits for the page's chunk: `hydrate_lazy`.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}

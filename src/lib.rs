//! Cloudtalents: a small self-hosted image gallery.
//!
//! One crate, two builds: `ssr` (the axum server, which renders every page)
//! and `hydrate` (the WASM bundle that brings the page's islands to life in
//! the browser: only `#[island]` components ship and run there; the rest is
//! HTML from the server). The bundle is split: `#[island(lazy)]` islands and
//! the lightbox are WASM chunks that only the pages using them fetch.
//! Modules shared by both are plain; server-only ones are gated.
//!
//! A request walks one way: route (`app`) → page (`pages`) → server
//! function (`api`) → service (`server::accounts`, `server::library`) →
//! entity (`entities`). `model` holds the types they share with the
//! browser; `components` the UI pieces pages share.

#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod entities;
#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the WASM bundle, called by the islands script, which then
/// hydrates each `<leptos-island>` of the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}

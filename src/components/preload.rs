//! Preloads a lazy island's WASM chunks from the page's `<head>`, so they
//! download beside the main bundle rather than after it (#13).

/// Asks for a `<link rel="preload">` for each chunk of the lazy island
/// `island` (its fn's name in snake case: its loader is
/// `<island>_loader_<hash>` in the split manifest), the way Leptos does for
/// a lazy function called while rendering. Call it from a page component,
/// outside any `Suspense`: the links are gathered before the head is sent.
/// Nothing happens without a split manifest (a build without `--split`).
pub fn preload_lazy_island(island: &str) {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::*;
        use std::sync::OnceLock;
        // The manifest is the same for the process's life; Leptos wants
        // `&'static` names, so they are leaked once, here.
        static LOADERS: OnceLock<Vec<&'static str>> = OnceLock::new();
        let Some(manifest) = use_context::<leptos::WasmSplitManifest>() else {
            return;
        };
        let loaders = LOADERS.get_or_init(|| {
            manifest.0.with_value(|(_, chunks, _)| {
                chunks
                    .keys()
                    .map(|name| &*Box::leak(name.clone().into_boxed_str()))
                    .collect()
            })
        });
        let prefix = format!("{island}_loader_");
        for loader in loaders.iter().filter(|name| name.starts_with(&prefix)) {
            leptos::prefetch_lazy_fn_on_server(loader);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = island;
}

//! A count of the page's hydrated islands on `<html data-hydrated-islands>`.
//! Islands whose code is a lazy chunk hydrate after it has loaded, some
//! time after the page's first island: the end-to-end tests and the bench
//! wait until the count reaches the number of `<leptos-island>` elements.

use leptos::prelude::*;

/// Counts the calling island once it has hydrated (an effect runs in the
/// browser only, after the island's view is live). Every `#[island]` calls it.
pub fn count_hydrated_island() {
    Effect::new(|_| {
        let Some(root) = document().document_element() else {
            return;
        };
        let hydrated = root
            .get_attribute("data-hydrated-islands")
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0);
        let _ = root.set_attribute("data-hydrated-islands", &(hydrated + 1).to_string());
    });
}

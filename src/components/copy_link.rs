//! "Copy link" beside a read-only link field.

use leptos::prelude::*;

use super::hydrated::count_hydrated_island;

/// The read-only field `id` holding `url` (selected whole on focus) and a
/// button that copies it, saying whether the browser took it. An island;
/// without JavaScript the field is there to select and copy by hand, and
/// the button does nothing.
#[island]
pub fn CopyLink(id: String, url: String) -> impl IntoView {
    count_hydrated_island();
    let said = RwSignal::new(None::<&'static str>);
    let copy = {
        let url = url.clone();
        move |_| {
            #[cfg(feature = "hydrate")]
            {
                let written = window().navigator().clipboard().write_text(&url);
                leptos::task::spawn_local(async move {
                    // The browser may refuse (no permission, page not focused).
                    let copied = wasm_bindgen_futures::JsFuture::from(written).await.is_ok();
                    said.set(Some(if copied {
                        "Copied."
                    } else {
                        "Could not copy: select the link and copy it."
                    }));
                });
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = &url;
        }
    };
    let select_all = move |ev: leptos::ev::FocusEvent| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            if let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
            {
                input.select();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <label for=id.clone() class="visually-hidden">"Link"</label>
        <input id=id type="text" readonly value=url on:focus=select_all/>
        <button type="button" on:click=copy>"Copy link"</button>
        <span role="status" class="muted">{move || said.get()}</span>
    }
}

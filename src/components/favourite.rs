//! The star on a card, in the lightbox and on an image's page. Without
//! JavaScript it is a form posting to `/images/<id>/favourite/`, which comes
//! back to `back`; in the lightbox it flips in place, and on a grid's
//! thumbnails the grid's island does that (`grid_state`).

use leptos::{prelude::*, task::spawn_local};

use crate::api::{call::call, images::SetFavourite};

/// The star's text and title when `favourite` is (or is not) set.
pub fn star_face(favourite: bool) -> (&'static str, &'static str) {
    if favourite {
        ("★", "Remove from favourites")
    } else {
        ("☆", "Add to favourites")
    }
}

/// A thumbnail's star as the server renders it: the plain form, whose
/// state the grid's island keeps up to date once the page is live.
#[component]
pub fn StarForm(id: i32, favourite: bool, back: String) -> impl IntoView {
    let (face, title) = star_face(favourite);
    view! {
        <form class="favourite" method="post" action=format!("/images/{id}/favourite/")>
            <input type="hidden" name="favourite" value=(!favourite).to_string()/>
            <input type="hidden" name="back" value=back/>
            <button type="submit" class="star" aria-label="Favourite"
                aria-pressed=favourite.to_string() title=title>{face}</button>
        </form>
    }
}

#[component]
pub fn FavouriteButton(
    id: i32,
    /// Whether the image is starred now.
    #[prop(into)]
    favourite: Signal<bool>,
    /// Told the new state once the server has saved it.
    on_change: Callback<bool>,
    /// Where the plain post returns to.
    back: String,
) -> impl IntoView {
    let pending = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let toggle = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let wanted = !favourite.get_untracked();
        pending.set(true);
        spawn_local(async move {
            match call(SetFavourite {
                id,
                favourite: wanted,
                back: String::new(),
            })
            .await
            {
                Ok(_) => {
                    failed.set(None);
                    on_change.run(wanted);
                }
                Err(err) => failed.set(Some(err.to_string())),
            }
            pending.set(false);
        });
    };
    view! {
        <form class="favourite" method="post" action=format!("/images/{id}/favourite/") on:submit=toggle>
            <input type="hidden" name="favourite" value=move || (!favourite.get()).to_string()/>
            <input type="hidden" name="back" value=back/>
            <button type="submit" class="star" aria-label="Favourite"
                aria-pressed=move || favourite.get().to_string()
                title=move || star_face(favourite.get()).1>
                {move || star_face(favourite.get()).0}
            </button>
            {move || failed.get().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
        </form>
    }
}

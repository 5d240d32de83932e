//! The star on a card, in the lightbox and on an image's page. Without
//! JavaScript it is a form posting to `/images/<id>/favourite/`, which comes
//! back to `back`; once hydrated it flips in place.

use leptos::{prelude::*, task::spawn_local};

use crate::{
    api::{call::call, images::SetFavourite},
    model::image::ImageCard,
};

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
                title=move || if favourite.get() { "Remove from favourites" } else { "Add to favourites" }>
                {move || if favourite.get() { "★" } else { "☆" }}
            </button>
            {move || failed.get().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
        </form>
    }
}

/// The favourite flag of the card `id` in `images`, as a signal.
pub fn favourite_of(images: RwSignal<Vec<ImageCard>>, id: i32) -> (Signal<bool>, Callback<bool>) {
    let favourite =
        Signal::derive(move || images.with(|v| v.iter().any(|c| c.id == id && c.favourite)));
    let set = Callback::new(move |value: bool| {
        images.update(|v| {
            if let Some(card) = v.iter_mut().find(|c| c.id == id) {
                card.favourite = value;
            }
        })
    });
    (favourite, set)
}

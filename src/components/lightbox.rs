//! The gallery's lightbox (built in the browser only): the display copy
//! with its name and description, ← → to move, Esc or × to close; star,
//! edit, download and move to the trash. Its code is WASM chunks of its own,
//! fetched the first time an image is opened (#13: the first load stays small).

use leptos::{prelude::*, task::spawn_local, wasm_split::SplitLoaderError};

use super::{favourite::FavouriteButton, grid_state::GridState, image_form::EditImageForm};
use crate::{
    api::images::{trash_image, UpdateImage},
    error::FieldErrors,
    model::image::ImageCard,
};

const SLIDESHOW_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);

/// The id of the `<script type="application/json">` holding the grid's
/// cards (name, description, display copy…), which only the lightbox reads.
pub const CARDS_ID: &str = "gallery-cards";

/// Loads the lightbox the first time the grid opens an image: its chunk
/// mounts it at the end of `<body>` (a fixed overlay), where it follows
/// `grid.open` from then on. Should the chunk not load (a network error, or
/// a deploy that removed it), the image's own page opens instead: what the
/// link does without JavaScript.
pub fn load_lightbox_when_opened(grid: GridState) {
    let requested = StoredValue::new(false);
    Effect::new(move |_| {
        let Some(id) = grid.open.get() else { return };
        if requested.get_value() {
            return;
        }
        requested.set_value(true);
        spawn_local(async move {
            let failed = match mount_lightbox(grid).await {
                Ok(true) => return,
                Ok(false) => "the page has no cards".to_owned(),
                Err(err) => err.to_string(),
            };
            leptos::logging::warn!("{failed}: opening the image's page instead");
            requested.set_value(false);
            // The image asked for last, should another be clicked meanwhile.
            let id = grid.open.get_untracked().unwrap_or(id);
            grid.open.set(None);
            let _ = window().location().set_href(&format!("/images/{id}/"));
        });
    });
}

/// The split point: everything only the lightbox reaches (its view, the
/// edit form, the trash call) goes into the `lightbox` chunk. It is built
/// in the browser, never hydrated, so it is mounted rather than returned as
/// a view (an `AnyView` would bring the hydration code of all of it along).
/// On the server it is a plain function, never called (effects run in the
/// browser only). Answers whether it found the page's cards to show.
#[leptos::wasm_split::wasm_split(lightbox, wasm_split_path = ::leptos::wasm_split, fallible)]
fn mount_lightbox(grid: GridState) -> Result<bool, SplitLoaderError> {
    let Some(cards) = document()
        .get_element_by_id(CARDS_ID)
        .and_then(|script| script.text_content())
        .and_then(|json| serde_json::from_str::<Vec<ImageCard>>(&json).ok())
    else {
        return Ok(false);
    };
    // Created inside: the mounted view's owner lives as long as the page.
    leptos::mount::mount_to_body(move || {
        let cards = RwSignal::new(cards);
        view! { <Lightbox grid cards/> }
    });
    Ok(true)
}

/// The lightbox over `grid`: it moves through `grid.order` and shows the
/// open image's card from `cards`.
#[component]
fn Lightbox(grid: GridState, cards: RwSignal<Vec<ImageCard>>) -> impl IntoView {
    let open = grid.open;
    let editing = RwSignal::new(false);
    let current = move || {
        let id = open.get()?;
        cards.with(|v| v.iter().find(|c| c.id == id).cloned())
    };
    let close = move || {
        open.set(None);
        editing.set(false);
    };
    let step = move |delta: isize| {
        let at = open.get_untracked().and_then(|id| grid.position(id));
        let len = grid.order.with_untracked(Vec::len);
        if let Some(next) = stepped(at, delta, len) {
            open.set(grid.order.with_untracked(|v| v.get(next).copied()));
            editing.set(false);
        }
    };

    // Slideshow: the next image every few seconds while playing; it stops
    // when the lightbox closes or an edit starts.
    let playing = RwSignal::new(false);
    Effect::new(move |_| {
        if !playing.get() || open.get().is_none() || editing.get() {
            return;
        }
        if let Ok(timer) = set_interval_with_handle(move || step(1), SLIDESHOW_INTERVAL) {
            on_cleanup(move || timer.clear());
        }
    });
    Effect::new(move |_| {
        if open.get().is_none() {
            playing.set(false);
        }
    });

    let is_open = Signal::derive(move || open.get().is_some());
    use_lightbox_keys(is_open, editing.into(), step, close, Some(playing));

    // Saving an edit: the saved card replaces the shown one.
    let save = ServerAction::<UpdateImage>::new();
    let edit_errors = Signal::derive(move || match save.value().get() {
        Some(Err(err)) => err.field_errors(),
        _ => FieldErrors::default(),
    });
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            grid.rename(saved.id, &saved.name);
            cards.update(|v| {
                if let Some(card) = v.iter_mut().find(|c| c.id == saved.id) {
                    *card = saved.clone();
                }
            });
            editing.set(false);
        }
    });
    let start_editing = move || {
        save.value().set(None);
        editing.set(true);
    };

    let error = RwSignal::new(None::<String>);
    // The trash is undoable: no question asked.
    let remove = move |card: ImageCard| {
        spawn_local(async move {
            match trash_image(card.id).await {
                Ok(_) => {
                    // Its place goes to the next one (or the one before, if it was last).
                    let at = grid.position(card.id).unwrap_or(0);
                    grid.remove(card.id);
                    let next = grid
                        .order
                        .with_untracked(|v| v.get(at.min(v.len().saturating_sub(1))).copied());
                    match next {
                        Some(next) => open.set(Some(next)),
                        // The page may now be empty: let the server say so.
                        None => {
                            let _ = window().location().reload();
                        }
                    }
                }
                Err(err) => error.set(Some(err.to_string())),
            }
        });
    };

    view! {
        <Show when=move || current().is_some()>
            {move || current().map(|card| {
                let shown = card.clone();
                view! {
                    <div class="lightbox" role="dialog" aria-modal="true" aria-label=card.name.clone()
                        on:click=move |ev| {
                            // A click on the backdrop itself closes.
                            if ev.target() == ev.current_target() { close() }
                        }>
                        <button type="button" class="lightbox-close" aria-label="Close" on:click=move |_| close()>"×"</button>
                        <button type="button" class="lightbox-play" aria-label="Slideshow"
                            aria-pressed=move || playing.get().to_string()
                            title="Play or pause the slideshow (Space)"
                            on:click=move |_| playing.update(|p| *p = !*p)>
                            {move || if playing.get() { "❚❚" } else { "▶" }}
                        </button>
                        <button type="button" class="lightbox-prev" aria-label="Previous image" on:click=move |_| step(-1)>"‹"</button>
                        <figure>
                            <img src=card.display_url.clone() width=card.width height=card.height alt=card.name.clone()/>
                            <figcaption>
                                <Show when=move || editing.get() fallback={
                                    let card = card.clone();
                                    move || {
                                        let to_remove = card.clone();
                                        let id = card.id;
                                        let favourite = Signal::derive(move || grid.is_starred(id));
                                        let set_favourite = Callback::new(move |on: bool| grid.set_starred(id, on));
                                        view! {
                                            <div class="lightbox-title">
                                                <h2>{card.name.clone()}</h2>
                                                <FavouriteButton id=card.id favourite on_change=set_favourite back=card.page_url()/>
                                            </div>
                                            <p class="description">{card.description.clone()}</p>
                                            <div class="lightbox-actions">
                                                <button type="button" on:click=move |_| start_editing()>"Edit"</button>
                                                <a class="button" href=card.download_url() download="">"Download"</a>
                                                <button type="button" class="danger" on:click=move |_| remove(to_remove.clone())>"Move to trash"</button>
                                                <a class="button" href=card.page_url()>"Open page"</a>
                                            </div>
                                        }
                                    }
                                }>
                                    <EditImageForm card=shown.clone() action=save errors=edit_errors
                                        name=shown.name.clone() description=shown.description.clone()
                                        on_cancel=Callback::new(move |()| editing.set(false))/>
                                </Show>
                                {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                            </figcaption>
                        </figure>
                        <button type="button" class="lightbox-next" aria-label="Next image" on:click=move |_| step(1)>"›"</button>
                    </div>
                }
            })}
        </Show>
    }
}

/// The lightbox's keys while it is `open` (and not `paused`, e.g. editing):
/// ← → move, Esc closes, Space plays or pauses `playing` when given. In the
/// browser only (effects never run on the server).
pub fn use_lightbox_keys(
    open: Signal<bool>,
    paused: Signal<bool>,
    step: impl Fn(isize) + Copy + 'static,
    close: impl Fn() + Copy + 'static,
    playing: Option<RwSignal<bool>>,
) {
    Effect::new(move |_| {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if !open.get_untracked() || paused.get_untracked() {
                return;
            }
            match (ev.key().as_str(), playing) {
                ("ArrowLeft", _) => step(-1),
                ("ArrowRight", _) => step(1),
                ("Escape", _) => close(),
                (" ", Some(playing)) => playing.update(|p| *p = !*p),
                _ => return,
            }
            ev.prevent_default();
        });
        on_cleanup(move || handle.remove());
    });
}

/// Moves `open` by `delta` images, round the ends of `len`.
pub fn stepped(open: Option<usize>, delta: isize, len: usize) -> Option<usize> {
    let len = len as isize;
    open.filter(|_| len > 0)
        .map(|i| (i as isize + delta).rem_euclid(len) as usize)
}

//! The gallery's lightbox (hydrated only): the display copy with its name
//! and description, ← → to move, Esc or × to close, and edit and delete.

use leptos::prelude::*;

use leptos::task::spawn_local;

use crate::{
    images::ImageCard,
    pages::images::{delete_image, update_image},
};

#[component]
pub fn Lightbox(images: RwSignal<Vec<ImageCard>>, open: RwSignal<Option<usize>>) -> impl IntoView {
    let editing = RwSignal::new(false);
    let current = move || open.get().and_then(|i| images.with(|v| v.get(i).cloned()));
    let close = move || {
        open.set(None);
        editing.set(false);
    };
    let step = move |delta: isize| {
        let len = images.with(Vec::len) as isize;
        if let Some(i) = open.get_untracked() {
            if len > 0 {
                open.set(Some((i as isize + delta).rem_euclid(len) as usize));
                editing.set(false);
            }
        }
    };

    // Keyboard, in the browser only (effects never run on the server).
    Effect::new(move |_| {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if open.get_untracked().is_none() || editing.get_untracked() {
                return;
            }
            match ev.key().as_str() {
                "ArrowLeft" => step(-1),
                "ArrowRight" => step(1),
                "Escape" => close(),
                _ => return,
            }
            ev.prevent_default();
        });
        on_cleanup(move || handle.remove());
    });

    let error = RwSignal::new(None::<String>);

    view! {
        <Show when=move || current().is_some()>
            {move || {
                current()
                    .map(|card| {
                        let id = card.id;
                        let (name, description) = (RwSignal::new(card.name.clone()), RwSignal::new(card.description.clone()));
                        let save = move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            let (n, d) = (name.get_untracked(), description.get_untracked());
                            error.set(None);
                            spawn_local(async move {
                                match update_image(id, n.clone(), d.clone()).await {
                                    Ok(_) => {
                                        images.update(|v| {
                                            if let Some(c) = v.iter_mut().find(|c| c.id == id) {
                                                c.name = n.trim().to_owned();
                                                c.description = d.trim().to_owned();
                                            }
                                        });
                                        editing.set(false);
                                    }
                                    Err(err) => error.set(Some(err.to_string())),
                                }
                            });
                        };
                        let remove = move |_| {
                            let question = format!("Delete “{}”? This cannot be undone.", name.get_untracked());
                            if !window().confirm_with_message(&question).unwrap_or(false) {
                                return;
                            }
                            spawn_local(async move {
                                match delete_image(id).await {
                                    Ok(()) => {
                                        images.update(|v| v.retain(|c| c.id != id));
                                        let len = images.with_untracked(Vec::len);
                                        if len == 0 {
                                            // The page may now be empty: let the server say so.
                                            let _ = window().location().reload();
                                        } else {
                                            open.update(|o| *o = o.map(|i| i.min(len - 1)));
                                        }
                                    }
                                    Err(err) => error.set(Some(err.to_string())),
                                }
                            });
                        };
                        view! {
                            <div class="lightbox" role="dialog" aria-modal="true" aria-label=card.name.clone()
                                on:click=move |ev| {
                                    // A click on the backdrop itself closes.
                                    if ev.target() == ev.current_target() { close() }
                                }>
                                <button type="button" class="lightbox-close" aria-label="Close" on:click=move |_| close()>"×"</button>
                                <button type="button" class="lightbox-prev" aria-label="Previous image" on:click=move |_| step(-1)>"‹"</button>
                                <figure>
                                    <img src=card.display_url.clone() width=card.width height=card.height alt=card.name.clone()/>
                                    <figcaption>
                                        <Show when=move || editing.get() fallback=move || view! {
                                            <h2>{move || name.get()}</h2>
                                            <p class="description">{move || description.get()}</p>
                                            <div class="lightbox-actions">
                                                <button type="button" on:click=move |_| editing.set(true)>"Edit"</button>
                                                <button type="button" class="danger" on:click=remove>"Delete"</button>
                                                <a class="button" href=format!("/images/{id}/")>"Open page"</a>
                                            </div>
                                        }>
                                            <form class="edit-form" on:submit=save>
                                                <label for="lightbox-name">"Name"</label>
                                                <input id="lightbox-name" name="name" maxlength=255 required
                                                    prop:value=move || name.get()
                                                    on:input=move |ev| name.set(event_target_value(&ev))/>
                                                <label for="lightbox-description">"Description"</label>
                                                <textarea id="lightbox-description" name="description" rows=4 maxlength=5000 required
                                                    prop:value=move || description.get()
                                                    on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                                                <div class="lightbox-actions">
                                                    <button type="submit" class="primary">"Save"</button>
                                                    <button type="button" on:click=move |_| editing.set(false)>"Cancel"</button>
                                                </div>
                                            </form>
                                        </Show>
                                        {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                                    </figcaption>
                                </figure>
                                <button type="button" class="lightbox-next" aria-label="Next image" on:click=move |_| step(1)>"›"</button>
                            </div>
                        }
                    })
            }}
        </Show>
    }
}

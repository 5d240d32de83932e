//! A share link's page: title, message, the count, "Download all", the
//! thumbnails and a lightbox with only what a visitor may do (look, move,
//! download when allowed). Page links load whole pages (`rel=external`):
//! a password link's cookie belongs to the link's own path.

use leptos::prelude::*;

use super::{
    hydrated::count_hydrated_island,
    image_grid::count_text,
    lightbox::{stepped, use_lightbox_keys},
    pagination::Pagination,
};
use crate::model::share::SharedGallery;

/// A share link's gallery: its title, message, count, grid and page links.
/// Only the grid, with its lightbox, is an island; the rest is HTML from
/// the server.
#[component]
pub fn SharedGalleryView(gallery: SharedGallery) -> impl IntoView {
    let paging = gallery.clone();
    view! {
        <section class="shared">
            <div class="page-head">
                <h1>{gallery.title.clone()}</h1>
                {gallery.zip_all.then(|| view! {
                    <a class="button primary" href=gallery.zip_url() rel="external" download="">"Download all"</a>
                })}
            </div>
            {(!gallery.message.is_empty()).then(|| view! { <p class="description share-message">{gallery.message.clone()}</p> })}
            <p class="muted gallery-count" role="status">{count_text(gallery.total)}</p>
            {(gallery.total == 0).then(|| view! {
                <section class="empty-state"><p class="big">"Nothing is shared here any more."</p></section>
            })}
            <SharedGrid gallery/>
            <Pagination page=paging.page pages=paging.pages link=move |n| paging.page_url(n) external=true/>
        </section>
    }
}

/// An island: the thumbnails open the lightbox, the page's one interactive
/// part. Lazy: only a share link's page fetches its code (WASM chunks of
/// its own).
#[island(lazy)]
fn SharedGrid(gallery: SharedGallery) -> impl IntoView {
    count_hydrated_island();
    let images = RwSignal::new(gallery.images.clone());
    let open = RwSignal::new(None::<usize>);
    let lightbox = gallery.clone();
    view! {
        <ul class="gallery" aria-label="Images">
            {gallery.images.into_iter().enumerate().map(|(index, card)| {
                let srcset = card.srcset();
                view! {
                    <li class="thumb">
                        <a href=card.display_url.clone() rel="external" on:click=move |ev| {
                            ev.prevent_default();
                            open.set(Some(index));
                        }>
                            <img src=card.thumb_400_url.clone() srcset=srcset
                                sizes="(max-width: 600px) 50vw, (max-width: 1100px) 33vw, 270px"
                                width=card.width height=card.height loading="lazy" decoding="async"
                                alt=card.name.clone()/>
                            <span class="thumb-name">{card.name.clone()}</span>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
        <SharedLightbox gallery=lightbox images open/>
    }
}

#[component]
fn SharedLightbox(
    gallery: SharedGallery,
    images: RwSignal<Vec<crate::model::image::ImageCard>>,
    open: RwSignal<Option<usize>>,
) -> impl IntoView {
    let current = move || open.get().and_then(|i| images.with(|v| v.get(i).cloned()));
    let close = move || open.set(None);
    let step = move |delta: isize| {
        if let Some(next) = stepped(open.get_untracked(), delta, images.with(Vec::len)) {
            open.set(Some(next));
        }
    };
    let is_open = Signal::derive(move || open.get().is_some());
    use_lightbox_keys(is_open, Signal::stored(false), step, close, None);
    let gallery = StoredValue::new(gallery);
    view! {
        <Show when=move || current().is_some()>
            {move || current().map(|card| {
                let download = gallery.with_value(|g| g.allow_download.then(|| g.download_url(card.id)));
                view! {
                    <div class="lightbox" role="dialog" aria-modal="true" aria-label=card.name.clone()
                        on:click=move |ev| if ev.target() == ev.current_target() { close() }>
                        <button type="button" class="lightbox-close" aria-label="Close" on:click=move |_| close()>"×"</button>
                        <button type="button" class="lightbox-prev" aria-label="Previous image" on:click=move |_| step(-1)>"‹"</button>
                        <figure>
                            <img src=card.display_url.clone() width=card.width height=card.height alt=card.name.clone()/>
                            <figcaption>
                                <div class="lightbox-title"><h2>{card.name.clone()}</h2></div>
                                <p class="description">{card.description.clone()}</p>
                                {download.map(|href| view! {
                                    <div class="lightbox-actions">
                                        <a class="button" href=href rel="external" download="">"Download"</a>
                                    </div>
                                })}
                            </figcaption>
                        </figure>
                        <button type="button" class="lightbox-next" aria-label="Next image" on:click=move |_| step(1)>"›"</button>
                    </div>
                }
            })}
        </Show>
    }
}

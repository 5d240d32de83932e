//! The grid of images shared by the gallery and an album: the search,
//! order and favourites form, the thumbnails with their stars, the count,
//! page links and the lightbox.

use leptos::prelude::*;

use super::{
    favourite::{favourite_of, FavouriteButton},
    hydrated::count_hydrated_island,
    lightbox::load_lightbox_when_opened,
    pagination::PageSteps,
    selection::{SelectBox, Selection, SelectionBar},
};
use crate::model::{
    album::AlbumChoice,
    gallery::{GalleryPage, GalleryQuery, Sort, SEARCH_MAX},
    image::ImageCard,
};

/// Search, order and the favourites filter: a GET form, so the result is a
/// URL under `base`. Changing the order or the filter applies at once.
#[component]
pub fn GalleryTools(query: GalleryQuery, base: String) -> impl IntoView {
    let searching = query.is_search();
    view! { <GalleryToolsForm q=query.q sort=query.sort favourites=query.favourites searching base/> }
}

/// The island of [`GalleryTools`], with only what it shows as props (they
/// are JSON in the page, parsed in the browser: no page cursor, and the
/// search's word splitting stays on the server).
#[island]
fn GalleryToolsForm(
    q: String,
    sort: Sort,
    favourites: bool,
    searching: bool,
    base: String,
) -> impl IntoView {
    count_hydrated_island();
    let form = NodeRef::<leptos::html::Form>::new();
    let apply = move |_| {
        if let Some(form) = form.get_untracked() {
            let _ = form.request_submit();
        }
    };
    view! {
        <form class="gallery-tools" method="get" action=base role="search" node_ref=form>
            <div class="search">
                <label for="gallery-search">"Search"</label>
                <input id="gallery-search" type="search" name="q" value=q
                    maxlength=SEARCH_MAX placeholder="Words in names or descriptions"/>
                <button type="submit">"Search"</button>
            </div>
            <div class="filters">
                <label for="gallery-sort">"Sort"</label>
                <select id="gallery-sort" name="sort" on:change=apply disabled=searching
                    title=searching.then_some("Search results come best match first")>
                    {Sort::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.param() selected=s == sort>{s.label()}</option> })
                        .collect_view()}
                </select>
                <label class="check">
                    <input type="checkbox" name="favourites" value="1" checked=favourites on:change=apply/>
                    "Favourites"
                </label>
            </div>
        </form>
    }
}

/// A page of images under `base` (`/images/`, `/albums/<id>/`): the count,
/// the selection bar and thumbnails (`albums` to add to; `in_album` when
/// this is an album), and the page links; the page shows its own empty
/// state. Only the bar and the thumbnails are an island.
#[component]
pub fn ImageGrid(
    page: GalleryPage,
    query: GalleryQuery,
    base: String,
    albums: Vec<AlbumChoice>,
    #[prop(optional)] in_album: Option<i32>,
) -> impl IntoView {
    let summary = if query.is_search() {
        format!("{} found", count_text(page.total))
    } else {
        count_text(page.total)
    };
    let steps = {
        let (query, base) = (query.clone(), base.clone());
        view! {
            <PageSteps page=page.page pages=page.pages prev=page.prev next=page.next
                last=page.last link=move |at, n| query.url(&base, at, n)/>
        }
    };
    let here = query.url(&base, page.at, page.page);
    view! {
        <p class="muted gallery-count" role="status">{summary}</p>
        <SelectableGrid images=page.images here albums in_album/>
        {steps}
    }
}

/// The selection bar and the thumbnails: an island, the page's one
/// interactive part (selection, stars, lightbox, its edit form). Lazy: its
/// code is WASM chunks of its own, fetched by the pages that have a grid,
/// not by every page; the lightbox is a further chunk, fetched on first use.
/// `here` is this page's URL, where the plain forms come back to.
#[island(lazy)]
fn SelectableGrid(
    images: Vec<ImageCard>,
    here: String,
    albums: Vec<AlbumChoice>,
    in_album: Option<i32>,
) -> impl IntoView {
    count_hydrated_island();
    let images = RwSignal::new(images);
    let open = RwSignal::new(None::<usize>);
    let selection = Selection::new(images);
    load_lightbox_when_opened(images, open);
    let lightbox_open = Signal::derive(move || open.get().is_some());
    view! {
        <SelectionBar selection albums in_album back=here.clone() lightbox_open/>
        <ul class="gallery" class:selecting=move || selection.active.get() aria-label="Images">
            <For
                each=move || images.get()
                key=|card| (card.id, card.name.clone())
                children=move |card| view! { <Thumb card open images selection back=here.clone()/> }
            />
        </ul>
    }
}

pub fn count_text(total: u64) -> String {
    if total == 1 {
        "1 image".to_owned()
    } else {
        format!("{total} images")
    }
}

/// A thumbnail. Without JavaScript it links to the image's page (and has a
/// checkbox for the selection form); once hydrated a click opens the
/// lightbox, or selects in selection mode.
#[component]
fn Thumb(
    card: ImageCard,
    open: RwSignal<Option<usize>>,
    images: RwSignal<Vec<ImageCard>>,
    selection: Selection,
    back: String,
) -> impl IntoView {
    let href = card.page_url();
    let srcset = card.srcset();
    let (favourite, set_favourite) = favourite_of(images, card.id);
    let id = card.id;
    view! {
        <li class="thumb" class:selected=move || selection.contains(id)>
            <SelectBox selection card_id=id name=card.name.clone()/>
            <a
                href=href
                on:click=move |ev| {
                    ev.prevent_default();
                    let toggle = ev.ctrl_key() || ev.meta_key();
                    if !selection.click(id, ev.shift_key(), toggle) {
                        // Where the image is now: the lightbox may have
                        // trashed some before it.
                        open.set(selection.position(id));
                    }
                }
            >
                <img
                    src=card.thumb_400_url.clone()
                    srcset=srcset
                    sizes="(max-width: 600px) 50vw, (max-width: 1100px) 33vw, 270px"
                    width=card.width
                    height=card.height
                    loading="lazy"
                    decoding="async"
                    alt=card.name.clone()
                />
                <span class="thumb-name">{card.name.clone()}</span>
            </a>
            <FavouriteButton id=card.id favourite on_change=set_favourite back/>
        </li>
    }
}

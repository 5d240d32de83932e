//! The grid of images shared by the gallery and an album: the search,
//! order and favourites form, the thumbnails with their stars, the count,
//! page links and the lightbox. The thumbnails are HTML from the server;
//! one island around them (`SelectableGrid`) brings them to life.

use leptos::prelude::*;

use super::{
    favourite::StarForm,
    grid_state::GridState,
    hydrated::count_hydrated_island,
    lightbox::{load_lightbox_when_opened, CARDS_ID},
    pagination::PageSteps,
    selection::{select_label, Selection, SelectionBar},
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
/// state. The bar and the behaviour of the thumbnails are an island; the
/// thumbnails themselves are its children, HTML that is not hydrated.
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
    let here = query.url(&base, page.at, page.page);
    let cards = cards_json(&page.images);
    let thumbs = page
        .images
        .into_iter()
        .map(|card| view! { <Thumb card back=here.clone()/> })
        .collect_view();
    view! {
        <p class="muted gallery-count" role="status">{summary}</p>
        <SelectableGrid here albums in_album>
            <ul class="gallery" aria-label="Images">{thumbs}</ul>
            // For the lightbox, which reads it when first opened.
            <script type="application/json" id=CARDS_ID inner_html=cards></script>
        </SelectableGrid>
        <PageSteps page=page.page pages=page.pages prev=page.prev next=page.next
            last=page.last link=move |at, n| query.url(&base, at, n)/>
    }
}

/// The page's cards as JSON that is safe inside `<script>`: `<` only
/// occurs in strings, where `\u003c` means the same.
fn cards_json(cards: &[ImageCard]) -> String {
    serde_json::to_string(cards)
        .unwrap_or_else(|_| "[]".to_owned())
        .replace('<', "\\u003c")
}

/// The selection bar, and what the thumbnails (`children`) do once the page
/// is live: a click opens the lightbox (or selects, in selection mode), the
/// checkboxes and stars work in place. Their HTML stays the server's; the
/// handlers sit on the element around them and [`GridState`] keeps them up
/// to date. Lazy: its code is WASM chunks of its own, fetched by the pages
/// that have a grid; the lightbox is a further chunk, fetched on first use.
/// `here` is this page's URL, where the plain forms come back to.
#[island(lazy)]
fn SelectableGrid(
    here: String,
    albums: Vec<AlbumChoice>,
    in_album: Option<i32>,
    children: Children,
) -> impl IntoView {
    count_hydrated_island();
    let grid = GridState::new();
    let selection = Selection::new(grid.order);
    let message = RwSignal::new(None::<(bool, String)>);
    let area = NodeRef::<leptos::html::Div>::new();
    load_lightbox_when_opened(grid);
    let lightbox_open = Signal::derive(move || grid.open.get().is_some());
    #[cfg(feature = "hydrate")]
    live::follow(area, grid, selection);
    view! {
        <SelectionBar selection albums in_album back=here lightbox_open message/>
        <div class="grid-area" node_ref=area
            class:live=move || selection.hydrated.get()
            class:selecting=move || selection.active.get()
            on:click=move |_ev| {
                #[cfg(feature = "hydrate")]
                live::click(_ev, grid, selection);
            }
            on:change=move |_ev| {
                #[cfg(feature = "hydrate")]
                live::tick(_ev, selection);
            }
            on:submit=move |_ev| {
                #[cfg(feature = "hydrate")]
                live::star(_ev, grid, message);
            }>
            {children()}
        </div>
    }
}

pub fn count_text(total: u64) -> String {
    if total == 1 {
        "1 image".to_owned()
    } else {
        format!("{total} images")
    }
}

/// A thumbnail, from the server. Without JavaScript it links to the
/// image's page, has a checkbox for the selection form and a star that
/// posts; `SelectableGrid` takes them over once the page is live.
#[component]
fn Thumb(card: ImageCard, back: String) -> impl IntoView {
    let (srcset, href, select) = (card.srcset(), card.page_url(), select_label(&card.name));
    view! {
        <li class="thumb" data-id=card.id>
            <input type="checkbox" class="select-box" name="ids" value=card.id form="selection"
                aria-label=select/>
            <a href=href>
                <img
                    src=card.thumb_400_url
                    srcset=srcset
                    sizes="(max-width: 600px) 50vw, (max-width: 1100px) 33vw, 270px"
                    width=card.width
                    height=card.height
                    loading="lazy"
                    decoding="async"
                    alt=card.name.clone()
                />
                <span class="thumb-name">{card.name}</span>
            </a>
            <StarForm id=card.id favourite=card.favourite back/>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::cards_json;
    use crate::model::image::ImageCard;

    #[test]
    fn cards_json_cannot_end_its_script() {
        let card = ImageCard {
            id: 7,
            name: "</script><script>alert(1)</script>".to_owned(),
            description: "<!-- a <b>note</b>".to_owned(),
            width: 10,
            height: 10,
            display_url: "/media/a/display.jpg".to_owned(),
            thumb_400_url: "/media/a/thumb-400.jpg".to_owned(),
            thumb_800_url: "/media/a/thumb-800.jpg".to_owned(),
            favourite: false,
        };
        let json = cards_json(std::slice::from_ref(&card));
        assert!(!json.contains('<'), "{json}");
        // Still the same cards once parsed, as the lightbox does.
        let back: Vec<ImageCard> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, vec![card]);
    }
}

/// The grid's event handlers and its thumbnails' upkeep, in the browser.
#[cfg(feature = "hydrate")]
mod live {
    use leptos::{
        ev::{Event, MouseEvent, SubmitEvent},
        prelude::*,
        task::spawn_local,
        wasm_bindgen::JsCast,
    };
    use web_sys::HtmlInputElement;

    use crate::{
        api::{call::call, images::SetFavourite},
        components::{
            grid_state::{dom, GridState},
            selection::Selection,
        },
    };

    /// Reads the page once it is live, then keeps the thumbnails' marks
    /// (selected, starred) in step with the signals.
    pub fn follow(area: NodeRef<leptos::html::Div>, grid: GridState, selection: Selection) {
        Effect::new(move |_| {
            if let Some(root) = area.get() {
                let (order, starred) = dom::read(&root);
                grid.order.set(order);
                grid.starred.set(starred);
            }
        });
        Effect::new(move |_| {
            let selected = selection.ids.get();
            if let Some(root) = area.get_untracked() {
                dom::show_selected(&root, &selected);
            }
        });
        Effect::new(move |_| {
            let starred = grid.starred.get();
            if let Some(root) = area.get_untracked() {
                dom::show_starred(&root, &starred);
            }
        });
    }

    /// A click on a thumbnail's link opens the lightbox, or selects.
    pub fn click(ev: MouseEvent, grid: GridState, selection: Selection) {
        let Some((id, _)) = dom::thumb_at(ev.target(), ".thumb a") else {
            return;
        };
        ev.prevent_default();
        let toggle = ev.ctrl_key() || ev.meta_key();
        if !selection.click(id, ev.shift_key(), toggle) {
            grid.open.set(Some(id));
        }
    }

    /// A thumbnail's checkbox, ticked by hand.
    pub fn tick(ev: Event, selection: Selection) {
        if let Some((id, input)) = dom::thumb_at(ev.target(), ".select-box") {
            if let Ok(input) = input.dyn_into::<HtmlInputElement>() {
                selection.toggle_box(id, input.checked());
            }
        }
    }

    /// A thumbnail's star flips in place; a failure shows in the bar.
    pub fn star(ev: SubmitEvent, grid: GridState, message: RwSignal<Option<(bool, String)>>) {
        let Some((id, _)) = dom::thumb_at(ev.target(), "form.favourite") else {
            return;
        };
        ev.prevent_default();
        let wanted = !grid.is_starred(id);
        spawn_local(async move {
            let saved = call(SetFavourite {
                id,
                favourite: wanted,
                back: String::new(),
            })
            .await;
            match saved {
                Ok(_) => grid.set_starred(id, wanted),
                Err(err) => message.set(Some((true, err.to_string()))),
            }
        });
    }
}

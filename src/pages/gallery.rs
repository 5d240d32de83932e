use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::images::list_images,
    components::{
        favourite::{favourite_of, FavouriteButton},
        lightbox::Lightbox,
        pagination::Pagination,
    },
    model::{
        gallery::{GalleryPage, GalleryQuery, Sort, SEARCH_MAX},
        image::ImageCard,
    },
};

/// `/images/?q=…&sort=…&favourites=1&page=N`: the gallery, searched,
/// ordered and filtered as the URL says.
#[component]
pub fn ImagesPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| GalleryQuery::from_params(|name| p.get(name))));
    // Blocking: the grid is in the HTML itself, for browsers without JS.
    let gallery = Resource::new_blocking(
        move || query.get(),
        |q| list_images(q.page, q.q, q.sort, q.favourites),
    );

    view! {
        <Title text="My images"/>
        <div class="page-head">
            <h1>"My images"</h1>
            <a class="button primary" href="/upload/">"Upload image"</a>
        </div>
        {move || view! { <GalleryTools query=query.get()/> }}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match gallery.await {
                    Ok(page) => view! { <Gallery page query=query.get_untracked()/> }.into_any(),
                    Err(err) => view! { <div class="alert error" role="alert"><p>{err.to_string()}</p></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Search, order and the favourites filter: a GET form, so the result is a
/// URL. Once hydrated, changing the order or the filter applies at once.
#[component]
fn GalleryTools(query: GalleryQuery) -> impl IntoView {
    let form = NodeRef::<leptos::html::Form>::new();
    let apply = move |_| {
        if let Some(form) = form.get_untracked() {
            let _ = form.request_submit();
        }
    };
    let searching = query.is_search();
    view! {
        <form class="gallery-tools" method="get" action="/images/" role="search" node_ref=form>
            <div class="search">
                <label for="gallery-search">"Search"</label>
                <input id="gallery-search" type="search" name="q" value=query.q.clone()
                    maxlength=SEARCH_MAX placeholder="Words in names or descriptions"/>
                <button type="submit">"Search"</button>
            </div>
            <div class="filters">
                <label for="gallery-sort">"Sort"</label>
                <select id="gallery-sort" name="sort" on:change=apply disabled=searching
                    title=searching.then_some("Search results come best match first")>
                    {Sort::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.param() selected=s == query.sort>{s.label()}</option> })
                        .collect_view()}
                </select>
                <label class="check">
                    <input type="checkbox" name="favourites" value="1" checked=query.favourites on:change=apply/>
                    "Favourites"
                </label>
            </div>
        </form>
    }
}

#[component]
fn Gallery(page: GalleryPage, query: GalleryQuery) -> impl IntoView {
    if page.total == 0 {
        return view! { <EmptyGallery query/> }.into_any();
    }
    let here = query.url("/images/", page.page);
    let images = RwSignal::new(page.images);
    let open = RwSignal::new(None::<usize>);
    let summary = if query.is_search() {
        format!("{} found", count_text(page.total))
    } else {
        count_text(page.total)
    };
    view! {
        <p class="muted gallery-count" role="status">{summary}</p>
        <ul class="gallery" aria-label="Images">
            <For
                each=move || images.get().into_iter().enumerate()
                key=|(_, card)| (card.id, card.name.clone())
                children=move |(index, card)| view! { <Thumb card index open images back=here.clone()/> }
            />
        </ul>
        <Pagination page=page.page pages=page.pages link=move |n| query.url("/images/", n)/>
        <Lightbox images open/>
    }
    .into_any()
}

fn count_text(total: u64) -> String {
    if total == 1 {
        "1 image".to_owned()
    } else {
        format!("{total} images")
    }
}

#[component]
fn EmptyGallery(query: GalleryQuery) -> impl IntoView {
    if query.is_search() || query.favourites {
        let what = if query.is_search() {
            format!("No images match “{}”.", query.q)
        } else {
            "No favourites yet: press the star on an image to add it.".to_owned()
        };
        return view! {
            <section class="empty-state">
                <p class="big">{what}</p>
                <a class="button" href="/images/">"Show all images"</a>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="empty-state">
            <p class="big">"No images yet."</p>
            <p>"Upload your first image: it will show up here, newest first."</p>
            <a class="button primary" href="/upload/">"Upload image"</a>
        </section>
    }
    .into_any()
}

/// A thumbnail. Without JavaScript it links to the image's page; once
/// hydrated a click opens the lightbox instead.
#[component]
fn Thumb(
    card: ImageCard,
    index: usize,
    open: RwSignal<Option<usize>>,
    images: RwSignal<Vec<ImageCard>>,
    back: String,
) -> impl IntoView {
    let href = card.page_url();
    let srcset = card.srcset();
    let (favourite, set_favourite) = favourite_of(images, card.id);
    view! {
        <li class="thumb">
            <a
                href=href
                on:click=move |ev| {
                    ev.prevent_default();
                    open.set(Some(index));
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

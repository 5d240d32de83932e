use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::images::list_images,
    components::lightbox::Lightbox,
    model::image::{GalleryPage, ImageCard},
};

/// `/images/?page=N`: the gallery.
#[component]
pub fn ImagesPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(1)
    };
    // Blocking: the grid is in the HTML itself, for browsers without JS.
    let gallery = Resource::new_blocking(page, list_images);

    view! {
        <Title text="My images"/>
        <div class="page-head">
            <h1>"My images"</h1>
            <a class="button primary" href="/upload/">"Upload image"</a>
        </div>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match gallery.await {
                    Ok(page) => view! { <Gallery page/> }.into_any(),
                    Err(err) => view! { <div class="alert error" role="alert"><p>{err.to_string()}</p></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Gallery(page: GalleryPage) -> impl IntoView {
    if page.total == 0 {
        return view! {
            <section class="empty-state">
                <p class="big">"No images yet."</p>
                <p>"Upload your first image: it will show up here, newest first."</p>
                <a class="button primary" href="/upload/">"Upload image"</a>
            </section>
        }
        .into_any();
    }
    let images = RwSignal::new(page.images);
    let open = RwSignal::new(None::<usize>);
    view! {
        <ul class="gallery" aria-label="Images">
            <For
                each=move || images.get().into_iter().enumerate()
                key=|(_, card)| (card.id, card.name.clone())
                children=move |(index, card)| view! { <Thumb card index open/> }
            />
        </ul>
        <Pagination page=page.page pages=page.pages/>
        <Lightbox images open/>
    }
    .into_any()
}

/// A thumbnail. Without JavaScript it links to the image's page; once
/// hydrated a click opens the lightbox instead.
#[component]
fn Thumb(card: ImageCard, index: usize, open: RwSignal<Option<usize>>) -> impl IntoView {
    let href = card.page_url();
    let srcset = card.srcset();
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
        </li>
    }
}

#[component]
fn Pagination(page: u64, pages: u64) -> impl IntoView {
    (pages > 1).then(|| {
        let link = |n: u64| format!("/images/?page={n}");
        view! {
            <nav class="pagination" aria-label="Pages">
                {(page > 1).then(|| view! { <a class="button" rel="prev" href=link(page - 1)>"← Newer"</a> })}
                <ol>
                    {(1..=pages)
                        .map(|n| {
                            if n == page {
                                view! { <li><span aria-current="page">{n}</span></li> }.into_any()
                            } else {
                                view! { <li><a href=link(n)>{n}</a></li> }.into_any()
                            }
                        })
                        .collect_view()}
                </ol>
                {(page < pages).then(|| view! { <a class="button" rel="next" href=link(page + 1)>"Older →"</a> })}
            </nav>
        }
    })
}

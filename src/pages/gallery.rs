use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{albums::album_choices, images::list_images},
    components::image_grid::{GalleryTools, ImageGrid},
    model::gallery::GalleryQuery,
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
        |q| list_images(q.page, q.q, q.sort, q.favourites, None, q.at),
    );
    // For the selection bar's "Add to album".
    let albums = Resource::new_blocking(|| (), |_| album_choices(0));

    view! {
        <Title text="My images"/>
        <div class="page-head">
            <h1>"My images"</h1>
            <a class="button primary" href="/upload/">"Upload image"</a>
        </div>
        {move || view! { <GalleryTools query=query.get() base="/images/".to_owned()/> }}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let albums = albums.await.unwrap_or_default();
                match gallery.await {
                    Ok(page) if page.total == 0 => view! { <EmptyGallery query=query.get_untracked()/> }.into_any(),
                    Ok(page) => view! { <ImageGrid page query=query.get_untracked() base="/images/".to_owned() albums/> }.into_any(),
                    Err(err) => view! { <div class="alert error" role="alert"><p>{err.to_string()}</p></div> }.into_any(),
                }
            })}
        </Suspense>
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

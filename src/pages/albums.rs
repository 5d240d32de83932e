use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::not_found::by_route_id;
use crate::{
    api::{
        albums::{album_choices, get_album, list_albums, CreateAlbum, DeleteAlbum, UpdateAlbum},
        images::list_images,
    },
    components::{
        confirm_form::ConfirmForm,
        escape::title_text,
        form::{use_form, Field, FormMessages, PageForm, TextAreaField},
        image_grid::{count_text, GalleryTools, ImageGrid},
        page::PageSection,
    },
    error::AppError,
    model::{
        album::{AlbumCard, AlbumChoice},
        gallery::{GalleryPage, GalleryQuery},
        image::{DESCRIPTION_MAX, NAME_MAX},
        share::ShareTarget,
    },
};

/// `/albums/`: the user's albums as a grid of covers.
#[component]
pub fn AlbumsPage() -> impl IntoView {
    let albums = Resource::new_blocking(|| (), |_| list_albums());
    view! {
        <Title text="Albums"/>
        <div class="page-head">
            <h1>"Albums"</h1>
            <a class="button primary" href="/albums/new/">"New album"</a>
        </div>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match albums.await {
                    Ok(list) if list.is_empty() => view! {
                        <section class="empty-state">
                            <p class="big">"No albums yet."</p>
                            <p>"An album gathers images under a name; an image can be in several."</p>
                        </section>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="gallery albums" aria-label="Albums">
                            {list.into_iter().map(|album| view! { <AlbumTile album/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <div class="alert error" role="alert"><p>{err.to_string()}</p></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AlbumTile(album: AlbumCard) -> impl IntoView {
    view! {
        <li class="thumb album-tile">
            <a href=album.page_url()>
                {match album.cover.clone() {
                    Some(cover) => view! {
                        <img src=cover.url width=cover.width height=cover.height loading="lazy" alt=""/>
                    }.into_any(),
                    None => view! { <span class="album-empty-cover" aria-hidden="true">"▦"</span> }.into_any(),
                }}
                <span class="thumb-name">{album.name.clone()}</span>
                <span class="album-count muted">{count_text(album.count)}</span>
            </a>
        </li>
    }
}

/// `/albums/new/`
#[component]
pub fn NewAlbumPage() -> impl IntoView {
    let form = use_form::<CreateAlbum>();
    let errors = form.errors;
    view! {
        <PageSection title="New album">
            <PageForm form action="/albums/new/" submit="Create album">
                <Field name="name" label="Name" errors value=form.value("name") maxlength=NAME_MAX autofocus=true/>
                <TextAreaField name="description" label="Description (optional)" errors optional=true
                    text=form.value("description") maxlength=DESCRIPTION_MAX/>
            </PageForm>
            <p class="muted"><a href="/albums/">"Cancel"</a></p>
        </PageSection>
    }
}

/// `/albums/<id>/?q=…&sort=…&favourites=1&page=N`: one album's images, with
/// the gallery's search, order, paging and lightbox, and its own edit and
/// delete forms.
#[component]
pub fn AlbumPage() -> impl IntoView {
    let query = use_query_map().with_untracked(|p| GalleryQuery::from_params(|name| p.get(name)));
    by_route_id(
        move |id| load_album(id, query.clone()),
        |page| view! { <Album page/> },
    )
}

/// Everything an album's page shows, in one load: its page has a single
/// `Suspense`. (With a component inside the `Suspend` making resources of
/// its own, Leptos could render that component, throw it away and render
/// it again: every query ran twice, and once a response never came.)
#[derive(Clone, Serialize, Deserialize)]
struct AlbumPageData {
    album: AlbumCard,
    query: GalleryQuery,
    images: Result<GalleryPage, AppError>,
    /// The other albums, for the selection bar's "Add to album".
    albums: Vec<AlbumChoice>,
}

async fn load_album(id: i32, mut query: GalleryQuery) -> Result<AlbumPageData, AppError> {
    let album = get_album(id).await?;
    query.album = Some(id);
    let images = list_images(
        query.page,
        query.q.clone(),
        query.sort,
        query.favourites,
        query.album,
        query.at,
    )
    .await;
    let mut albums = album_choices(0).await.unwrap_or_default();
    albums.retain(|a| a.id != id);
    Ok(AlbumPageData {
        album,
        query,
        images,
        albums,
    })
}

#[component]
fn Album(page: AlbumPageData) -> impl IntoView {
    let AlbumPageData {
        album,
        query,
        images,
        albums,
    } = page;
    let base = album.page_url();
    let album_id = album.id;
    let edit = use_form::<UpdateAlbum>();
    let errors = edit.errors;
    let delete = use_form::<DeleteAlbum>();
    let name = edit.value_or("name", &album.name);
    let description = edit.value_or("description", &album.description);
    let question = format!(
        "Delete the album “{}”? Its images stay in your gallery.",
        album.name
    );
    view! {
        <Title text=title_text(&album.name)/>
        <p><a href="/albums/">"← Albums"</a></p>
        <div class="page-head">
            <h1>{album.name.clone()}</h1>
            <div class="actions">
                <a class="button" href=ShareTarget::Album(album_id).new_share_url()>"Share"</a>
                <a class="button primary" href=format!("/upload/?album={album_id}")>"Upload to this album"</a>
            </div>
        </div>
        {(!album.description.is_empty()).then(|| view! { <p class="description">{album.description.clone()}</p> })}
        <div class="album-actions">
            <details class="card" open=move || !errors.get().is_empty()>
                <summary>"Edit album"</summary>
                <PageForm form=edit submit="Save album">
                    <input type="hidden" name="id" value=album_id/>
                    <Field name="name" label="Name" errors value=name maxlength=NAME_MAX/>
                    <TextAreaField name="description" label="Description (optional)" errors optional=true
                        text=description maxlength=DESCRIPTION_MAX/>
                </PageForm>
            </details>
            <ConfirmForm action=format!("/albums/{album_id}/delete/") question class="inline".to_owned()>
                <input type="hidden" name="id" value=album_id/>
                <button type="submit" class="danger">"Delete album"</button>
            </ConfirmForm>
            <FormMessages errors=delete.errors/>
        </div>
        <GalleryTools query=query.clone() base=base.clone()/>
        {match images {
            Ok(page) if page.total == 0 => view! {
                <section class="empty-state">
                    <p class="big">"Nothing here yet."</p>
                    <p>"Add images from an image's page (“Add to album”), or upload straight into this album."</p>
                </section>
            }.into_any(),
            Ok(page) => view! { <ImageGrid page query base albums in_album=album_id/> }.into_any(),
            Err(err) => view! { <div class="alert error" role="alert"><p>{err.to_string()}</p></div> }.into_any(),
        }}
    }
}

//! On an image's page: the albums it is in ("Remove from album", "Use as
//! cover") and "Add to album" with a choice of the others. Plain forms that
//! come back to the page.

use leptos::prelude::*;

use super::form::{use_form, FormMessages};
use crate::{
    api::albums::{AddToAlbum, RemoveFromAlbum, SetAlbumCover},
    error::AppError,
    model::album::{album_url, AlbumChoice},
};

/// `choices`: every album of the user, each saying whether it holds the
/// image (loaded with the page: no resource of its own).
#[component]
pub fn AlbumMembership(
    choices: Result<Vec<AlbumChoice>, AppError>,
    image_id: i32,
    back: String,
) -> impl IntoView {
    view! {
        <section class="image-albums" aria-labelledby="image-albums-heading">
            <h2 id="image-albums-heading">"Albums"</h2>
            {match choices {
                Ok(list) => view! { <Membership list image_id back/> }.into_any(),
                Err(err) => view! { <p class="field-error" role="alert">{err.to_string()}</p> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Membership(list: Vec<AlbumChoice>, image_id: i32, back: String) -> impl IntoView {
    let add = use_form::<AddToAlbum>();
    let (inside, outside): (Vec<_>, Vec<_>) = list.into_iter().partition(|a| a.contains);
    let none_at_all = inside.is_empty() && outside.is_empty();
    let add_form = (!outside.is_empty()).then(|| {
        let back = back.clone();
        view! {
            <form method="post" action="/albums/add/" class="add-to-album">
                <input type="hidden" name="image" value=image_id/>
                <input type="hidden" name="back" value=back/>
                <label for="add-to-album-choice">"Album"</label>
                <select id="add-to-album-choice" name="album">
                    {outside.into_iter().map(|a| view! { <option value=a.id>{a.name}</option> }).collect_view()}
                </select>
                <button type="submit">"Add to album"</button>
            </form>
            <FormMessages errors=add.errors/>
        }
    });
    view! {
        {none_at_all.then(|| view! {
            <p class="muted">"No albums yet. " <a href="/albums/new/">"New album"</a></p>
        })}
        {(!inside.is_empty()).then(|| view! {
            <ul class="album-list">
                {inside.into_iter().map(|a| view! { <AlbumRow album=a image_id back=back.clone()/> }).collect_view()}
            </ul>
        })}
        {add_form}
    }
}

#[component]
fn AlbumRow(album: AlbumChoice, image_id: i32, back: String) -> impl IntoView {
    let remove = use_form::<RemoveFromAlbum>();
    let cover = use_form::<SetAlbumCover>();
    let fields = move |back: String| {
        view! {
            <input type="hidden" name="album" value=album.id/>
            <input type="hidden" name="image" value=image_id/>
            <input type="hidden" name="back" value=back/>
        }
    };
    view! {
        <li>
            <a href=album_url(album.id)>{album.name.clone()}</a>
            <form method="post" action="/albums/cover/" class="inline">
                {fields(back.clone())}
                <button type="submit" class="link-button">"Use as cover"</button>
            </form>
            <form method="post" action="/albums/remove/" class="inline">
                {fields(back)}
                <button type="submit" class="link-button">"Remove from album"</button>
            </form>
            <FormMessages errors=remove.errors/>
            <FormMessages errors=cover.errors/>
        </li>
    }
}

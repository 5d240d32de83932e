use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::not_found::NotFoundPage;
use crate::{
    api::images::{get_image, TrashImage, UpdateImage},
    components::{
        album_membership::AlbumMembership,
        escape::title_text,
        favourite::FavouriteButton,
        form::{submit_handler, use_form_action, FormMessages},
        image_form::EditImageForm,
    },
    error::AppError,
    model::{image::ImageCard, share::ShareTarget},
};

fn image_id() -> Memo<Option<i32>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|id| id.parse().ok()))
}

/// Loads the image of the route, then renders `body` (or the 404 page).
fn with_image<V: IntoView + 'static>(
    body: impl Fn(ImageCard) -> V + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let id = image_id();
    let image = Resource::new_blocking(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_image(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match image.await {
                    Ok(card) => body(card).into_any(),
                    Err(AppError::NotFound) => view! { <NotFoundPage/> }.into_any(),
                    Err(err) => view! { <div class="alert error" role="alert"><p>{err.to_string()}</p></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/images/<id>/`: the display copy, its name and description, its star,
/// the form to edit it, "Download" and "Move to trash".
#[component]
pub fn ImageDetailPage() -> impl IntoView {
    with_image(|card| view! { <ImageDetail card/> })
}

#[component]
fn ImageDetail(card: ImageCard) -> impl IntoView {
    let form = use_form_action::<UpdateImage>(vec![]);
    let errors = form.errors;
    let name = form.value_or("name", &card.name);
    let description = form.value_or("description", &card.description);
    let trash = use_form_action::<TrashImage>(vec![]);
    let favourite = RwSignal::new(card.favourite);
    view! {
        <Title text=title_text(&card.name)/>
        <p><a href="/images/">"← My images"</a></p>
        <article class="image-detail">
            <figure>
                <img src=card.display_url.clone() width=card.width height=card.height alt=card.name.clone()/>
            </figure>
            <div class="image-info">
                <div class="title-row">
                    <h1>{card.name.clone()}</h1>
                    <FavouriteButton id=card.id favourite on_change=Callback::new(move |v| favourite.set(v)) back=card.page_url()/>
                </div>
                <p class="description">{card.description.clone()}</p>
                <details class="card" open=move || !errors.get().is_empty()>
                    <summary>"Edit name and description"</summary>
                    <EditImageForm card=card.clone() action=form.action errors name description/>
                </details>
                <div class="actions">
                    <a class="button" href=card.download_url() download="">"Download"</a>
                    <a class="button" href=ShareTarget::Images(vec![card.id]).new_share_url()>"Share"</a>
                    <form method="post" action=format!("/images/{}/trash/", card.id) class="inline" on:submit=submit_handler(trash.action)>
                        <input type="hidden" name="id" value=card.id/>
                        <button type="submit" class="danger">"Move to trash"</button>
                    </form>
                </div>
                <FormMessages errors=trash.errors/>
                <AlbumMembership image_id=card.id back=card.page_url()/>
            </div>
        </article>
    }
}

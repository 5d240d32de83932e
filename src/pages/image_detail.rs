use leptos::prelude::*;
use leptos_meta::Title;

use super::not_found::by_route_id;
use crate::{
    api::{
        albums::album_choices,
        images::{get_image, TrashImage, UpdateImage},
    },
    components::{
        album_membership::AlbumMembership,
        escape::title_text,
        favourite::FavouriteButton,
        form::{use_form, FormMessages},
        image_form::EditImageForm,
    },
    error::AppError,
    model::{album::AlbumChoice, image::ImageCard, share::ShareTarget},
};

/// `/images/<id>/`: the display copy, its name and description, its star,
/// the form to edit it, "Download" and "Move to trash".
#[component]
pub fn ImageDetailPage() -> impl IntoView {
    by_route_id(
        load_image,
        |(card, choices)| view! { <ImageDetail card choices/> },
    )
}

/// The image and its album choices in one load: the page has a single
/// `Suspense` (see `AlbumPageData` in `albums.rs` for why).
async fn load_image(id: i32) -> Result<(ImageCard, Result<Vec<AlbumChoice>, AppError>), AppError> {
    let card = get_image(id).await?;
    Ok((card, album_choices(id).await))
}

#[component]
fn ImageDetail(card: ImageCard, choices: Result<Vec<AlbumChoice>, AppError>) -> impl IntoView {
    let form = use_form::<UpdateImage>();
    let errors = form.errors;
    let name = form.value_or("name", &card.name);
    let description = form.value_or("description", &card.description);
    let trash = use_form::<TrashImage>();
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
                    <EditImageForm card=card.clone() errors name description/>
                </details>
                <div class="actions">
                    <a class="button" href=card.download_url() download="">"Download"</a>
                    <a class="button" href=ShareTarget::Images(vec![card.id]).new_share_url()>"Share"</a>
                    <form method="post" action=format!("/images/{}/trash/", card.id) class="inline">
                        <input type="hidden" name="id" value=card.id/>
                        <button type="submit" class="danger">"Move to trash"</button>
                    </form>
                </div>
                <FormMessages errors=trash.errors/>
                <AlbumMembership choices image_id=card.id back=card.page_url()/>
            </div>
        </article>
    }
}

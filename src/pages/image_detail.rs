use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::not_found::NotFoundPage;
use crate::{
    api::images::{get_image, DeleteImage, UpdateImage},
    components::{
        escape::title_text,
        form::{submit_handler, use_form_action, FormMessages},
        image_form::EditImageForm,
    },
    error::AppError,
    model::image::ImageCard,
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

/// `/images/<id>/`: the display copy, its name and description, and the
/// forms to edit and delete it.
#[component]
pub fn ImageDetailPage() -> impl IntoView {
    with_image(|card| view! { <ImageDetail card/> })
}

#[component]
fn ImageDetail(card: ImageCard) -> impl IntoView {
    let form = use_form_action::<UpdateImage>(vec![]);
    let errors = form.errors;
    // What a failed plain post typed, else the saved values.
    let typed = |field: &str, saved: &str| {
        let value = form.value(field);
        if value.is_empty() {
            saved.to_owned()
        } else {
            value
        }
    };
    let name = typed("name", &card.name);
    let description = typed("description", &card.description);
    let delete_url = format!("{}delete/", card.page_url());
    view! {
        <Title text=title_text(&card.name)/>
        <p><a href="/images/">"← My images"</a></p>
        <article class="image-detail">
            <figure>
                <img src=card.display_url.clone() width=card.width height=card.height alt=card.name.clone()/>
            </figure>
            <div class="image-info">
                <h1>{card.name.clone()}</h1>
                <p class="description">{card.description.clone()}</p>
                <details class="card" open=move || !errors.get().is_empty()>
                    <summary>"Edit name and description"</summary>
                    <EditImageForm card=card.clone() action=form.action errors name description/>
                </details>
                <a class="button danger" href=delete_url>"Delete…"</a>
            </div>
        </article>
    }
}

/// `/images/<id>/delete/`: asks before deleting (the no-JavaScript way; the
/// lightbox asks with a dialog).
#[component]
pub fn ImageDeletePage() -> impl IntoView {
    with_image(|card| {
        let id = card.id;
        let form = use_form_action::<DeleteImage>(vec![]);
        view! {
            <Title text="Delete image"/>
            <section class="card narrow">
                <h1>"Delete image"</h1>
                <img class="delete-preview" src=card.thumb_400_url.clone() width=card.width height=card.height alt=card.name.clone()/>
                <p>"Delete “" {card.name.clone()} "”? This cannot be undone."</p>
                <form method="post" action=format!("/images/{id}/delete/") on:submit=submit_handler(form.action)>
                    <FormMessages errors=form.errors/>
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" class="danger">"Delete"</button>
                </form>
                <p class="muted"><a href=card.page_url()>"Cancel"</a></p>
            </section>
        }
    })
}

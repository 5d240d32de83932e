use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    components::escape::title_text,
    components::form::{
        submit_handler, use_form_action, FieldMessages, FormMessages, SubmitButton, TextArea,
    },
    error::AppError,
    images::ImageCard,
    pages::{images::UpdateImage, not_found::NotFoundPage},
};

/// One of the current user's images; anyone else's is "not found".
#[server(prefix = "/api", endpoint = "get_image")]
pub async fn get_image(id: i32) -> Result<ImageCard, AppError> {
    use crate::server::{auth::accounts::RequestCtx, images, with_status};
    with_status(
        async {
            let ctx = RequestCtx::current()?;
            let user = ctx.require_user()?;
            Ok(images::card(
                &images::find_own(&ctx.state, user.id, id).await?,
            ))
        }
        .await,
    )
}

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
    let form = use_form_action::<UpdateImage>("edit-image", vec![]);
    let errors = form.errors;
    let typed = |field: &str, saved: &str| {
        let value = form.value(field);
        if value.is_empty() {
            saved.to_owned()
        } else {
            value
        }
    };
    let name_value = typed("name", &card.name);
    let description_value = typed("description", &card.description);
    let id = card.id;
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
                    <form method="post" action=format!("/images/{id}/") novalidate on:submit=submit_handler(form.action)>
                        <FormMessages errors/>
                        <input type="hidden" name="id" value=id/>
                        <div class="field">
                            <label for="id_name">"Name"</label>
                            <input id="id_name" name="name" value=name_value maxlength=255 required/>
                            <FieldMessages errors field="name"/>
                        </div>
                        <div class="field">
                            <label for="id_description">"Description"</label>
                            <TextArea id="id_description" name="description" rows=5 maxlength=5000 text=description_value/>
                            <FieldMessages errors field="description"/>
                        </div>
                        <SubmitButton label="Save changes" pending=form.action.pending().into()/>
                    </form>
                </details>
                <a class="button danger" href=format!("/images/{id}/delete/")>"Delete…"</a>
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
        view! {
            <Title text="Delete image"/>
            <section class="card narrow">
                <h1>"Delete image"</h1>
                <img class="delete-preview" src=card.thumb_400_url.clone() width=card.width height=card.height alt=card.name.clone()/>
                <p>"Delete “" {card.name.clone()} "”? This cannot be undone."</p>
                <form method="post" action=format!("/images/{id}/delete/")>
                    <button type="submit" class="danger">"Delete"</button>
                </form>
                <p class="muted"><a href=format!("/images/{id}/")>"Cancel"</a></p>
            </section>
        }
    })
}

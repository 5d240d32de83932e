use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{albums::album_choices, images::UploadImage},
    components::{
        form::{use_feedback, FormMessages},
        uploader::Uploader,
        usage_bar::UsageBar,
    },
    error::FieldErrors,
};

/// `/upload/`: a multipart form posted to this URL. The [`Uploader`]
/// island adds drag & drop, several files, progress and cancel.
#[component]
pub fn UploadPage() -> impl IntoView {
    let feedback = use_feedback::<UploadImage>();
    let errors: FieldErrors = feedback
        .error
        .as_ref()
        .map(|e| e.field_errors())
        .unwrap_or_default();
    // `?album=<id>` (an album's "Upload to this album"), or what a failed
    // post chose.
    let chosen = feedback.value("album");
    let query = use_query_map();
    let album = chosen
        .parse::<i32>()
        .ok()
        .or_else(|| query.with_untracked(|q| q.get("album").and_then(|a| a.parse().ok())));
    let albums = Resource::new_blocking(|| (), |_| album_choices(0));
    let name = feedback.value("name");
    let description = feedback.value("description");
    view! {
        <Title text="Upload image"/>
        <section class="card upload-card">
            <h1>"Upload image"</h1>
            <FormMessages errors=Signal::stored(errors.clone())/>
            <UsageBar/>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    let (name, description, errors) = (name.clone(), description.clone(), errors.clone());
                    Suspend::new(async move {
                        let albums = albums.await.unwrap_or_default();
                        view! { <Uploader errors name description albums album/> }
                    })
                }}
            </Suspense>
        </section>
    }
}

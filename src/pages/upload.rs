use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::images::UploadImage,
    components::{
        form::{use_feedback, FormMessages},
        uploader::Uploader,
    },
    error::FieldErrors,
};

/// `/upload/`: a multipart form posted to this URL. Once hydrated, the
/// [`Uploader`] adds drag & drop, several files, progress and cancel.
#[component]
pub fn UploadPage() -> impl IntoView {
    let feedback = use_feedback::<UploadImage>();
    let errors: Signal<FieldErrors> = Signal::stored(
        feedback
            .error
            .as_ref()
            .map(|e| e.field_errors())
            .unwrap_or_default(),
    );
    view! {
        <Title text="Upload image"/>
        <section class="card upload-card">
            <h1>"Upload image"</h1>
            <FormMessages errors/>
            <Uploader errors name=feedback.value("name") description=feedback.value("description")/>
        </section>
    }
}

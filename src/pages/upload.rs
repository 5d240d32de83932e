use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{
    form::{FormFeedback, FormMessages},
    uploader::Uploader,
};
use crate::error::FieldErrors;

/// `/upload/`: a multipart form posted to this URL. Once hydrated, the
/// [`Uploader`] adds drag & drop, several files, progress and cancel.
#[component]
pub fn UploadPage() -> impl IntoView {
    let feedback = SharedValue::new(|| {
        use_context::<FormFeedback>()
            .filter(|f| f.form == "upload")
            .unwrap_or_default()
    })
    .into_inner();
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

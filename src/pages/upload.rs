use leptos::prelude::*;
use leptos_meta::Title;

/// `/upload/`: behind login. Uploading itself comes with the images feature.
#[component]
pub fn UploadPage() -> impl IntoView {
    view! {
        <Title text="Upload image"/>
        <section class="empty-state">
            <h1>"Upload image"</h1>
            <p>"Uploading is not available yet."</p>
        </section>
    }
}

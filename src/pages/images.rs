use leptos::prelude::*;
use leptos_meta::Title;

/// `/images/`: the gallery. Behind login; the images themselves come with
/// the images feature.
#[component]
pub fn ImagesPage() -> impl IntoView {
    view! {
        <Title text="My images"/>
        <section class="empty-state">
            <h1>"My images"</h1>
            <p>"Your gallery is empty for now."</p>
            <a class="button primary" href="/upload/">"Upload an image"</a>
        </section>
    }
}

use leptos::prelude::*;
use leptos_meta::Title;

/// `/`: what Cloudtalents is, and the way in.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Welcome"/>
        <section class="hero">
            <h1>"Welcome to Cloudtalents"</h1>
            <p class="lead">
                "Upload your images with a name and a description, and browse them in your own gallery."
            </p>
            <div class="actions">
                <a class="button primary" href="/register/">"Sign up"</a>
                <a class="button" href="/login/">"Log in"</a>
            </div>
        </section>
    }
}

use leptos::prelude::*;

use crate::components::page::PageSection;

/// `/`: what Cloudtalents is, and the way in.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <PageSection title="Welcome" heading="Welcome to Cloudtalents" class="hero">
            <p class="lead">
                "Upload your images with a name and a description, and browse them in your own gallery."
            </p>
            <div class="actions">
                <a class="button primary" href="/register/">"Sign up"</a>
                <a class="button" href="/login/">"Log in"</a>
            </div>
        </PageSection>
    }
}

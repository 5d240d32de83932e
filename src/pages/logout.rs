use leptos::prelude::*;

use crate::components::page::PageSection;

/// `/logout/`: logging out is a POST (the navbar button); a GET only asks.
#[component]
pub fn LogoutPage() -> impl IntoView {
    view! {
        <PageSection title="Log out">
            <p>"Do you want to log out of Cloudtalents?"</p>
            <form method="post" action="/logout/">
                <button type="submit" class="primary">"Log out"</button>
            </form>
        </PageSection>
    }
}

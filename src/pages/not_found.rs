use leptos::prelude::*;

use crate::components::{navbar::on_share_link, page::PageSection};

/// Any path no route matches. On the server it also sets the status to 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }

    view! {
        <PageSection title="Page not found" class="not-found">
            <p>"There is nothing at this address. It may have moved, expired or been withdrawn, or the link may be mistyped."</p>
            {(!on_share_link()).then(|| view! { <a class="button primary" href="/">"Back to the start"</a> })}
        </PageSection>
    }
}

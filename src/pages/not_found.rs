//! The 404 page, and the loader of pages about one thing (`/<kind>/:id/`)
//! that falls back to it.

use std::future::Future;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{de::DeserializeOwned, Serialize};

use crate::{
    components::{navbar::on_share_link, page::PageSection},
    error::AppError,
};

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

/// Loads `fetch(id)` for the route's `:id` (the whole page waits for it,
/// as a browser without JavaScript needs), then renders `body`. A bad or
/// unknown id (anyone else's thing included) is the 404 page; another
/// error says its sentence.
pub fn by_route_id<T, Fut, V>(
    fetch: impl Fn(i32) -> Fut + Send + Sync + 'static,
    body: impl Fn(T) -> V + Send + Sync + Copy + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i32>().ok())
    });
    let item = Resource::new_blocking(
        move || id.get(),
        move |id| {
            let loading = id.map(&fetch);
            async move {
                match loading {
                    Some(loading) => loading.await,
                    None => Err(AppError::NotFound),
                }
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match item.await {
                    Ok(item) => body(item).into_any(),
                    Err(AppError::NotFound) => view! { <NotFoundPage/> }.into_any(),
                    Err(err) => view! { <div class="alert error" role="alert"><p>{err.to_string()}</p></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

//! `/s/<token>`: a share link as its visitor sees it, with no account:
//! first the password form when the link has one, then the images. It
//! names no owner and links nowhere else in the app. A token that is
//! wrong, expired or revoked gets the very same 404 page.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::not_found::NotFoundPage;
use crate::{
    api::shares::{shared_page, UnlockShare},
    components::{
        form::{use_form, Field, PageForm},
        page::PageSection,
        shared_gallery::SharedGalleryView,
    },
    error::AppError,
    model::share::SharedView,
};

#[component]
pub fn SharedPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let page = move || {
        query.with(|q| {
            q.get("page")
                .and_then(|p| p.parse::<u64>().ok())
                .unwrap_or(1)
        })
    };
    let view_of = Resource::new_blocking(
        move || (token(), page()),
        |(token, page)| shared_page(token, page),
    );
    view! {
        <Meta name="robots" content="noindex, nofollow"/>
        <Meta name="referrer" content="no-referrer"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match view_of.await {
                    Ok(SharedView::Open(gallery)) => view! {
                        <Title text=gallery.title.clone()/>
                        <SharedGalleryView gallery/>
                    }.into_any(),
                    Ok(SharedView::Locked) => view! { <PasswordForm/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFoundPage/> }.into_any(),
                    Err(err) => view! { <div class="alert error" role="alert"><p>{err.to_string()}</p></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The link's password, posted to the link itself.
#[component]
fn PasswordForm() -> impl IntoView {
    let form = use_form::<UnlockShare>();
    let params = use_params_map();
    let token = params.with_untracked(|p| p.get("token").unwrap_or_default());
    view! {
        <Title text="Password required"/>
        <PageSection title="Password required" class="narrow">
            <p>"This link is protected. Type the password you were given to see what it shows."</p>
            <PageForm form submit="Open">
                <input type="hidden" name="token" value=token/>
                <Field name="password" label="Password" errors=form.errors input_type="password"
                    autocomplete="current-password" autofocus=true/>
            </PageForm>
        </PageSection>
    }
}

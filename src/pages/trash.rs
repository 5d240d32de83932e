use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::trash::{list_trash, DeleteForever, EmptyTrash, RestoreImage},
    components::{
        confirm_form::ConfirmForm,
        form::{use_form, FormMessages},
        pagination::Pagination,
    },
    model::trash::{TrashPage, TrashedImage},
};

/// `/trash/?page=N`: images moved to the trash, to restore or delete for
/// good; they go by themselves after `TRASH_DAYS`.
#[component]
pub fn TrashPage() -> impl IntoView {
    let params = use_query_map();
    let page = move || {
        params
            .read()
            .get("page")
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(1)
    };
    let trash = Resource::new_blocking(page, list_trash);
    view! {
        <Title text="Trash"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match trash.await {
                    Ok(page) => view! { <Trash page/> }.into_any(),
                    Err(err) => view! { <div class="alert error" role="alert"><p>{err.to_string()}</p></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Trash(page: TrashPage) -> impl IntoView {
    let empty = use_form::<EmptyTrash>();
    let head = view! {
        <div class="page-head">
            <h1>"Trash"</h1>
            {(page.total > 0).then(|| view! {
                <ConfirmForm action="/trash/empty/".to_owned() class="inline".to_owned()
                    question="Delete everything in the trash forever? This cannot be undone.".to_owned()>
                    <button type="submit" class="danger">"Empty trash"</button>
                </ConfirmForm>
            })}
        </div>
        <FormMessages errors=empty.errors/>
    };
    if page.total == 0 {
        return view! {
            {head}
            <section class="empty-state">
                <p class="big">"The trash is empty."</p>
                <p>{format!("Images you move to the trash stay here for {} days, then are deleted for good.", page.keep_days)}</p>
            </section>
        }
        .into_any();
    }
    view! {
        {head}
        <p class="muted">{format!(
            "{} in the trash. Each is deleted for good {} days after it was trashed.",
            if page.total == 1 { "1 image".to_owned() } else { format!("{} images", page.total) },
            page.keep_days
        )}</p>
        <ul class="gallery trash" aria-label="Images in the trash">
            {page.images.into_iter().map(|item| view! { <TrashedItem item/> }).collect_view()}
        </ul>
        <Pagination page=page.page pages=page.pages link=|n| format!("/trash/?page={n}")/>
    }
    .into_any()
}

#[component]
fn TrashedItem(item: TrashedImage) -> impl IntoView {
    let card = item.card;
    let id = card.id;
    let restore = use_form::<RestoreImage>();
    let delete = use_form::<DeleteForever>();
    let question = format!("Delete “{}” forever? This cannot be undone.", card.name);
    view! {
        <li class="thumb trashed">
            <figure>
                <img src=item.thumb_url width=card.width height=card.height loading="lazy" alt=card.name.clone()/>
                <figcaption>
                    <span class="thumb-name">{card.name.clone()}</span>
                    <span class="muted">"Deleted for good on " <time datetime=item.purge_on.clone()>{item.purge_on.clone()}</time></span>
                </figcaption>
            </figure>
            <div class="trash-actions">
                <form method="post" action=format!("/trash/{id}/restore/")>
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" aria-describedby=format!("trashed-{id}")>"Restore"</button>
                </form>
                <ConfirmForm action=format!("/trash/{id}/delete/") question>
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" class="danger">"Delete forever"</button>
                </ConfirmForm>
            </div>
            <span id=format!("trashed-{id}") class="visually-hidden">{card.name}</span>
            <FormMessages errors=restore.errors/>
            <FormMessages errors=delete.errors/>
        </li>
    }
}

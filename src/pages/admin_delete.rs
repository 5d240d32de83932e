use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    api::admin::{user_to_delete, DeleteUser},
    components::form::{use_form, FormMessages},
    model::{admin::ManagedUser, user::format_bytes},
};

/// `/admin/users/{id}/delete/`: what deleting a user removes, and the
/// button that does it (the confirmation, with or without JavaScript).
#[component]
pub fn DeleteUserPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|n| n.parse::<i32>().ok()).unwrap_or(0));
    let user = Resource::new_blocking(id, user_to_delete);
    view! {
        <Title text="Delete user"/>
        <section class="card narrow">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(user) => view! { <ConfirmDelete user/> }.into_any(),
                        Err(err) => view! { <h1>"Page not found"</h1><p>{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ConfirmDelete(user: ManagedUser) -> impl IntoView {
    let form = use_form::<DeleteUser>();
    let id = user.id;
    let images = match user.images {
        1 => "1 image".to_owned(),
        n => format!("{n} images"),
    };
    view! {
        <h1>{format!("Delete {}?", user.username)}</h1>
        <p>{format!(
            "This deletes the account {} for good, with its {images} ({}), albums and share links. They are logged out at once. It cannot be undone.",
            user.username,
            format_bytes(user.stored_bytes)
        )}</p>
        <form method="post" action=format!("/admin/users/{id}/delete/")>
            <FormMessages errors=form.errors/>
            <input type="hidden" name="id" value=id/>
            <div class="actions">
                <button type="submit" class="primary">"Delete user for good"</button>
                <a class="button" href="/admin/">"Cancel"</a>
            </div>
        </form>
    }
}

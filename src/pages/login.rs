use leptos::{html::Input, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    components::form::{submit_handler, use_form_action, Field, FormMessages, SubmitButton},
    error::AppError,
};

/// Logs in; answers where to go next (`next` if it is a path on this site).
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use crate::server::{auth::accounts, with_status};
    with_status(
        async {
            let ctx = accounts::RequestCtx::current()?;
            accounts::log_in(&ctx, &username, &password).await?;
            Ok(accounts::safe_next(next.as_deref()))
        }
        .await,
    )
}

/// `/login/` (`?next=` the page to return to)
#[component]
pub fn LoginPage() -> impl IntoView {
    let password = NodeRef::<Input>::new();
    let form = use_form_action::<Login>("login", vec![password]);
    let errors = form.errors;
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();

    view! {
        <Title text="Log in"/>
        <section class="card narrow">
            <h1>"Log in"</h1>
            // No `action`: the form posts to this very URL, `?next=` included.
            <form method="post" novalidate on:submit=submit_handler(form.action)>
                <FormMessages errors/>
                <input type="hidden" name="next" value=next/>
                <Field name="username" label="Username" errors autocomplete="username"
                    value=form.value("username") autofocus=true/>
                <Field name="password" label="Password" errors input_type="password"
                    autocomplete="current-password" node_ref=password/>
                <SubmitButton label="Log in" pending=form.action.pending().into()/>
            </form>
            <p class="muted">"New here? " <a href="/register/">"Sign up"</a></p>
        </section>
    }
}

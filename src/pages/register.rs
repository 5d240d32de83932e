use leptos::{html::Input, prelude::*};
use leptos_meta::Title;

use crate::{
    components::form::{submit_handler, use_form_action, Field, FormMessages, SubmitButton},
    error::AppError,
};

/// Creates the account and logs it in; answers where to go next.
#[server(prefix = "/api", endpoint = "register")]
pub async fn register(
    username: String,
    password: String,
    password_confirm: String,
) -> Result<String, AppError> {
    use crate::server::{auth::accounts, with_status};
    with_status(
        async {
            let ctx = accounts::RequestCtx::current()?;
            accounts::register(&ctx, &username, &password, &password_confirm).await?;
            Ok("/upload/".to_owned())
        }
        .await,
    )
}

/// `/register/`
#[component]
pub fn RegisterPage() -> impl IntoView {
    let password = NodeRef::<Input>::new();
    let password_confirm = NodeRef::<Input>::new();
    let form = use_form_action::<Register>("register", vec![password, password_confirm]);
    let errors = form.errors;

    view! {
        <Title text="Sign up"/>
        <section class="card narrow">
            <h1>"Sign up"</h1>
            <form method="post" action="/register/" novalidate on:submit=submit_handler(form.action)>
                <FormMessages errors/>
                <Field name="username" label="Username" errors autocomplete="username"
                    value=form.value("username") maxlength=150 autofocus=true
                    help="Up to 150 characters: letters, digits and @ . + - _ only."/>
                <Field name="password" label="Password" errors input_type="password"
                    autocomplete="new-password" node_ref=password
                    help="At least 8 characters, not entirely numeric, not a common password, not like your username."/>
                <Field name="password_confirm" label="Password again" errors input_type="password"
                    autocomplete="new-password" node_ref=password_confirm/>
                <SubmitButton label="Sign up" pending=form.action.pending().into()/>
            </form>
            <p class="muted">"Already have an account? " <a href="/login/">"Log in"</a></p>
        </section>
    }
}

use leptos::{html::Input, prelude::*};
use leptos_meta::Title;

use crate::{
    api::accounts::Register,
    components::form::{submit_handler, use_form_action, Field, FormMessages, SubmitButton},
    model::user::{PASSWORD_HELP, USERNAME_HELP, USERNAME_MAX},
};

/// `/register/`
#[component]
pub fn RegisterPage() -> impl IntoView {
    let password = NodeRef::<Input>::new();
    let password_confirm = NodeRef::<Input>::new();
    let form = use_form_action::<Register>(vec![password, password_confirm]);
    let errors = form.errors;

    view! {
        <Title text="Sign up"/>
        <section class="card narrow">
            <h1>"Sign up"</h1>
            <form method="post" action="/register/" novalidate on:submit=submit_handler(form.action)>
                <FormMessages errors/>
                <Field name="username" label="Username" errors autocomplete="username"
                    value=form.value("username") maxlength=USERNAME_MAX autofocus=true
                    help=USERNAME_HELP/>
                <Field name="password" label="Password" errors input_type="password"
                    autocomplete="new-password" node_ref=password
                    help=PASSWORD_HELP/>
                <Field name="password_confirm" label="Password again" errors input_type="password"
                    autocomplete="new-password" node_ref=password_confirm/>
                <SubmitButton label="Sign up" pending=form.action.pending().into()/>
            </form>
            <p class="muted">"Already have an account? " <a href="/login/">"Log in"</a></p>
        </section>
    }
}

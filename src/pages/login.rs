use leptos::{html::Input, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::accounts::Login,
    components::form::{submit_handler, use_form_action, Field, FormMessages, SubmitButton},
};

/// `/login/` (`?next=` the page to return to)
#[component]
pub fn LoginPage() -> impl IntoView {
    let password = NodeRef::<Input>::new();
    let form = use_form_action::<Login>(vec![password]);
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

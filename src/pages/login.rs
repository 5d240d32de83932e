use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::accounts::Login,
    components::{
        form::{use_form, Field, PageForm},
        page::PageSection,
    },
};

/// `/login/` (`?next=` the page to return to)
#[component]
pub fn LoginPage() -> impl IntoView {
    let form = use_form::<Login>();
    let errors = form.errors;
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();

    view! {
        <PageSection title="Log in">
            // No `action`: the form posts to this very URL, `?next=` included.
            <PageForm form submit="Log in">
                <input type="hidden" name="next" value=next/>
                <Field name="username" label="Username" errors autocomplete="username"
                    value=form.value("username") autofocus=true/>
                <Field name="password" label="Password" errors input_type="password"
                    autocomplete="current-password"/>
            </PageForm>
            <p class="muted">"New here? " <a href="/register/">"Sign up"</a></p>
        </PageSection>
    }
}

use leptos::{html::Input, prelude::*};

use crate::{
    api::accounts::Register,
    components::{
        form::{use_form_action, Field, PageForm},
        page::PageSection,
    },
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
        <PageSection title="Sign up">
            <PageForm form action="/register/" submit="Sign up">
                <Field name="username" label="Username" errors autocomplete="username"
                    value=form.value("username") maxlength=USERNAME_MAX autofocus=true
                    help=USERNAME_HELP/>
                <Field name="password" label="Password" errors input_type="password"
                    autocomplete="new-password" node_ref=password
                    help=PASSWORD_HELP/>
                <Field name="password_confirm" label="Password again" errors input_type="password"
                    autocomplete="new-password" node_ref=password_confirm/>
            </PageForm>
            <p class="muted">"Already have an account? " <a href="/login/">"Log in"</a></p>
        </PageSection>
    }
}

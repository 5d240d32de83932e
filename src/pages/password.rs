use leptos::{html::Input, prelude::*};

use crate::{
    api::accounts::ChangePassword,
    components::{
        form::{use_form_action, Field, PageForm},
        page::PageSection,
        usage_bar::UsageBar,
    },
    model::user::PASSWORD_HELP,
};

/// `/password/`
#[component]
pub fn PasswordPage() -> impl IntoView {
    let inputs = [NodeRef::<Input>::new(), NodeRef::new(), NodeRef::new()];
    let form = use_form_action::<ChangePassword>(inputs.to_vec());
    let errors = form.errors;

    view! {
        <PageSection title="Change password">
            <PageForm form action="/password/" submit="Change my password">
                <Field name="old_password" label="Old password" errors input_type="password"
                    autocomplete="current-password" node_ref=inputs[0] autofocus=true/>
                <Field name="new_password" label="New password" errors input_type="password"
                    autocomplete="new-password" node_ref=inputs[1]
                    help=PASSWORD_HELP/>
                <Field name="new_password_confirm" label="New password again" errors input_type="password"
                    autocomplete="new-password" node_ref=inputs[2]/>
            </PageForm>
            <p class="muted">"Changing it logs you out everywhere else."</p>
        </PageSection>
        <section class="card narrow" aria-labelledby="storage-heading">
            <h2 id="storage-heading">"Storage"</h2>
            <UsageBar/>
        </section>
    }
}

/// `/password/done/`
#[component]
pub fn PasswordDonePage() -> impl IntoView {
    view! {
        <PageSection title="Password changed">
            <p>"Your password was changed. Your other sessions have been logged out."</p>
            <a class="button primary" href="/images/">"Go to my images"</a>
        </PageSection>
    }
}

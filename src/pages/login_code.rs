use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::accounts::LoginCode,
    components::{
        form::{use_form, Field, PageForm},
        page::PageSection,
    },
    model::account::CODE_HELP,
};

/// `/login/code/`: the second step of a two-factor login, after the
/// password (`?next=` the page to return to).
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let form = use_form::<LoginCode>();
    let errors = form.errors;
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();

    view! {
        <PageSection title="Two-factor login">
            <p>"Open your authenticator app and enter the code it shows for Cloudtalents."</p>
            // No `action`: the form posts to this very URL, `?next=` included.
            <PageForm form submit="Verify">
                <input type="hidden" name="next" value=next/>
                <Field name="code" label="Code" errors autocomplete="one-time-code"
                    autofocus=true help=CODE_HELP/>
            </PageForm>
            <p class="muted">"Lost your device? Enter one of your recovery codes instead. "
                <a href="/login/">"Start again"</a></p>
        </PageSection>
    }
}

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::accounts::{check_signup, Register},
    components::{
        form::{use_form, Field, PageForm},
        page::PageSection,
    },
    model::user::{PASSWORD_HELP, USERNAME_HELP, USERNAME_MAX},
};

/// `/register/`, or `/register/?invite=<token>` from an invitation link.
/// When sign-up is by invitation (or closed) and the link has none that is
/// valid, the page says so instead of showing the form.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let form = use_form::<Register>();
    let errors = form.errors;
    // From the link, or from the failed post being shown again.
    let invite = use_query_map()
        .with_untracked(|q| q.get("invite"))
        .filter(|i| !i.is_empty())
        .unwrap_or_else(|| form.value("invite"));
    let status = Resource::new_blocking(
        {
            let invite = invite.clone();
            move || invite.clone()
        },
        check_signup,
    );
    let username = form.value("username");

    view! {
        <PageSection title="Sign up">
            <Suspense fallback=|| ()>
                {move || {
                    let (username, invite) = (username.clone(), invite.clone());
                    Suspend::new(async move {
                        let status = status.await.ok()?;
                        Some(match status.refusal() {
                            Some(refusal) => view! {
                                <div class="alert notice" role="status"><p>{refusal}</p></div>
                            }.into_any(),
                            None => view! {
                                <PageForm form action="/register/" submit="Sign up">
                                    <input type="hidden" name="invite" value=invite/>
                                    <Field name="username" label="Username" errors autocomplete="username"
                                        value=username maxlength=USERNAME_MAX autofocus=true
                                        help=USERNAME_HELP/>
                                    <Field name="password" label="Password" errors input_type="password"
                                        autocomplete="new-password"
                                        help=PASSWORD_HELP/>
                                    <Field name="password_confirm" label="Password again" errors
                                        input_type="password" autocomplete="new-password"/>
                                </PageForm>
                            }.into_any(),
                        })
                    })
                }}
            </Suspense>
            <p class="muted">"Already have an account? " <a href="/login/">"Log in"</a></p>
        </PageSection>
    }
}

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{
        accounts::ChangePassword,
        two_factor::{get_two_factor_status, DisableTwoFactor},
    },
    components::{
        form::{use_form, Field, PageForm},
        page::PageSection,
        usage_bar::UsageBar,
    },
    model::{
        account::{TwoFactorStatus, CODE_HELP, TWO_FACTOR_SETUP_PATH},
        user::PASSWORD_HELP,
    },
};

/// `/account/`: change the password, two-factor login, storage used, and
/// a link to the activity log.
#[component]
pub fn AccountPage() -> impl IntoView {
    let form = use_form::<ChangePassword>();
    let errors = form.errors;
    let status = Resource::new_blocking(|| (), |_| get_two_factor_status());
    let turned_off =
        use_query_map().with_untracked(|q| q.get("two-factor").as_deref() == Some("off"));

    view! {
        <Title text="Account"/>
        <section class="card narrow" aria-labelledby="password-heading">
            <h1>"Account"</h1>
            <h2 id="password-heading">"Change password"</h2>
            <PageForm form action="/account/" submit="Change my password">
                <Field name="old_password" label="Old password" errors input_type="password"
                    autocomplete="current-password"/>
                <Field name="new_password" label="New password" errors input_type="password"
                    autocomplete="new-password"
                    help=PASSWORD_HELP/>
                <Field name="new_password_confirm" label="New password again" errors input_type="password"
                    autocomplete="new-password"/>
            </PageForm>
            <p class="muted">"Changing it logs you out everywhere else."</p>
        </section>
        <section class="card narrow" aria-labelledby="two-factor-heading">
            <h2 id="two-factor-heading">"Two-factor login"</h2>
            {turned_off.then(|| view! {
                <div class="alert success" role="status"><p>"Two-factor login is off."</p></div>
            })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    status.await.ok().map(|status| view! { <TwoFactorSection status/> })
                })}
            </Suspense>
        </section>
        <section class="card narrow" aria-labelledby="storage-heading">
            <h2 id="storage-heading">"Storage"</h2>
            <UsageBar/>
        </section>
        <section class="card narrow" aria-labelledby="activity-heading">
            <h2 id="activity-heading">"Activity"</h2>
            <p>"Logins, password and two-factor changes, share links and deletions on your account: "
                <a href="/account/activity/">"see your activity"</a>"."</p>
        </section>
    }
}

#[component]
fn TwoFactorSection(status: TwoFactorStatus) -> impl IntoView {
    if !status.enabled {
        let why = if status.required {
            "This server requires it: turn it on to go on using Cloudtalents."
        } else {
            "Off. With it on, logging in also needs a code from an app on your phone, so a stolen password is not enough."
        };
        return view! {
            <p>{why}</p>
            <a class="button primary" href=TWO_FACTOR_SETUP_PATH>"Set up two-factor login"</a>
        }
        .into_any();
    }
    let form = use_form::<DisableTwoFactor>();
    let errors = form.errors;
    let left = match status.recovery_codes_left {
        1 => "1 unused recovery code".to_owned(),
        n => format!("{n} unused recovery codes"),
    };
    view! {
        <p>{format!("On. Logging in asks for a code from your authenticator app. You have {left}.")}</p>
        {(!status.required).then(|| view! {
            <h3>"Turn off two-factor login"</h3>
            <PageForm form action="/account/two-factor/off/" submit="Turn off two-factor login">
                <Field name="password" label="Password" errors input_type="password"
                    autocomplete="current-password"/>
                <Field name="code" label="Code" errors autocomplete="one-time-code"
                    help=CODE_HELP/>
            </PageForm>
        })}
    }
    .into_any()
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

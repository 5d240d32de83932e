use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::two_factor::{begin_two_factor_setup, fresh_recovery_codes, EnableTwoFactor},
    components::form::{use_form, Field, PageForm},
    model::account::TwoFactorSetup,
};

/// `/account/two-factor/`: the key as a QR code and as text, confirmed by
/// one code from the app.
#[component]
pub fn TwoFactorSetupPage() -> impl IntoView {
    let setup = Resource::new_blocking(|| (), |_| begin_two_factor_setup());
    view! {
        <Title text="Set up two-factor login"/>
        <section class="card narrow">
            <h1>"Set up two-factor login"</h1>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match setup.await {
                        Ok(TwoFactorSetup::Pending { secret, qr_svg, required }) => {
                            view! { <SetupSteps secret qr_svg required/> }.into_any()
                        }
                        Ok(TwoFactorSetup::AlreadyOn) => view! {
                            <p>"Two-factor login is on for your account."</p>
                            <a class="button" href="/account/">"Back to your account"</a>
                        }.into_any(),
                        Err(err) => view! { <p class="alert error" role="alert">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SetupSteps(secret: String, qr_svg: String, required: bool) -> impl IntoView {
    let form = use_form::<EnableTwoFactor>();
    let errors = form.errors;
    view! {
        {required.then(|| view! {
            <div class="alert notice" role="status">
                <p>"This server requires two-factor login. Set it up to go on."</p>
            </div>
        })}
        <ol class="steps">
            <li>"Install an authenticator app on your phone (any app for one-time codes)."</li>
            <li>
                "Scan this QR code with it, or type the secret key in by hand."
                <div class="qr-code" inner_html=qr_svg></div>
                <label for="secret-key">"Secret key"</label>
                <input id="secret-key" class="secret-key" type="text" readonly value=secret
                    autocomplete="off" spellcheck="false"/>
            </li>
            <li>"Enter the 6-digit code the app shows."</li>
        </ol>
        <PageForm form action="/account/two-factor/" submit="Turn on two-factor login">
            <Field name="code" label="Code" errors autocomplete="one-time-code"
                autofocus=true/>
        </PageForm>
    }
}

/// `/account/two-factor/codes/`: the recovery codes, shown once.
#[component]
pub fn RecoveryCodesPage() -> impl IntoView {
    let codes = Resource::new_blocking(|| (), |_| fresh_recovery_codes());
    view! {
        <Title text="Recovery codes"/>
        <section class="card narrow">
            <h1>"Two-factor login is on"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match codes.await {
                        Ok(codes) if !codes.is_empty() => view! {
                            <p>"Keep these recovery codes somewhere safe, such as a password manager. Each logs you in once without your phone. They are shown only this once."</p>
                            <ul class="recovery-codes" aria-label="Recovery codes">
                                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Ok(_) => view! {
                            <p>"Your recovery codes were shown when you turned two-factor login on, and are not shown again."</p>
                        }.into_any(),
                        Err(err) => view! { <p class="alert error" role="alert">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <a class="button primary" href="/images/">"Go to my images"</a>
        </section>
    }
}

//! The fields of a share link's form, the same for a new link and an edit:
//! title, message, expiry, password and "Allow download".

use leptos::prelude::*;

use super::{
    form::{Field, FieldMessages, TextAreaField},
    hydrated::count_hydrated_island,
};
use crate::{
    error::FieldErrors,
    model::share::{ShareOptions, MESSAGE_MAX, SHARE_PASSWORD_MAX, TITLE_MAX},
};

/// What the form starts with.
#[derive(Clone, Default)]
pub struct ShareFormValues {
    pub title: String,
    pub message: String,
    /// The chosen `expires` value; `keep` (an edit) adds a choice that
    /// leaves the expiry as it is, labelled `keep_label`.
    pub expires: String,
    pub keep_label: Option<String>,
    pub expires_on: String,
    pub has_password: bool,
    pub allow_download: bool,
}

#[component]
pub fn ShareFormFields(
    options: ShareOptions,
    values: ShareFormValues,
    errors: Signal<FieldErrors>,
) -> impl IntoView {
    let mut choices: Vec<(String, String)> = values
        .keep_label
        .map(|label| ("keep".to_owned(), label))
        .into_iter()
        .collect();
    choices.extend(options.expiries);
    view! {
        <Field name="title" label="Title (optional)" errors value=values.title maxlength=TITLE_MAX optional=true/>
        <TextAreaField name="message" label="Message (optional)" errors text=values.message
            rows=3 maxlength=MESSAGE_MAX optional=true/>
        <ExpiryFields choices chosen=values.expires limit=options.limit expires_on=values.expires_on
            errors=errors.get_untracked()/>
        <Field name="password" label=if values.has_password { "New password (optional)" } else { "Password (optional)" }
            errors input_type="password" autocomplete="new-password" maxlength=SHARE_PASSWORD_MAX optional=true
            help="Visitors must type it before they see anything."/>
        {values.has_password.then(|| view! {
            <div class="field checkbox">
                <input id="id_remove_password" type="checkbox" name="remove_password" value="on"/>
                <label for="id_remove_password">"Remove the password"</label>
            </div>
        })}
        <div class="field checkbox">
            <input id="id_allow_download" type="checkbox" name="allow_download" value="on"
                checked=values.allow_download/>
            <label for="id_allow_download">"Allow download"</label>
        </div>
    }
}

/// "Expires" and "Expiry date". An island: the date field shows only once
/// "On a date" is chosen (without JavaScript, always).
#[island]
fn ExpiryFields(
    /// `(value, label)` in order.
    choices: Vec<(String, String)>,
    chosen: String,
    limit: Option<String>,
    expires_on: String,
    errors: FieldErrors,
) -> impl IntoView {
    count_hydrated_island();
    let errors = Signal::stored(errors);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let selected = RwSignal::new(chosen.clone());
    view! {
        <div class="field">
            <label for="id_expires">"Expires"</label>
            <select id="id_expires" name="expires" aria-describedby="id_expires_error"
                on:change=move |ev| selected.set(event_target_value(&ev))>
                {choices.into_iter().map(|(value, label)| {
                    let is_chosen = value == chosen;
                    view! { <option value=value selected=is_chosen>{label}</option> }
                }).collect_view()}
            </select>
            {limit.map(|limit| view! { <p class="help">{limit}</p> })}
            <div id="id_expires_error" class="field-errors"><FieldMessages errors field="expires"/></div>
        </div>
        <div class="field" hidden=move || hydrated.get() && selected.get() != "date">
            <label for="id_expires_on">"Expiry date"</label>
            <input id="id_expires_on" type="date" name="expires_on" value=expires_on
                aria-describedby="id_expires_on_error"/>
            <p class="help">"Used with “On a date”: the link works until the end of that day (UTC)."</p>
            <div id="id_expires_on_error" class="field-errors"><FieldMessages errors field="expires_on"/></div>
        </div>
    }
}

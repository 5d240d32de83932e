//! Form pieces shared by every form page, and the way a form page works:
//!
//! - The `<form>` is a plain post to the page's own URL (or to its
//!   `action`), where `server::http::forms::submit::<S>` runs the page's
//!   server function `S` with the same fields. On an error the server
//!   renders the same page again, with the error's status, the messages and
//!   what was typed ([`FormFeedback`], found by the page through `S`); on
//!   success it redirects (303). Forms are not islands, so this is so with
//!   JavaScript too: a page ships code only for its islands.
//! - Inside an island (the lightbox's edit form) [`submit_handler`] runs the
//!   server function instead, without leaving the page.

use leptos::{prelude::*, server_fn::ServerFn};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::error::{AppError, FieldErrors};

/// What the server hands a form page it renders after a failed plain post.
/// Only non-secret fields are kept in `values`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FormFeedback {
    /// Whose feedback this is: [`form_key`] of the form's server function
    /// (or, for the upload, of `api::images::UploadImage`).
    pub form: String,
    pub values: Vec<(String, String)>,
    pub error: Option<AppError>,
}

impl FormFeedback {
    pub fn value(&self, name: &str) -> String {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// The key that ties a form's feedback to the form: its server function's
/// type. Compared on the server only (the page takes its feedback there).
pub fn form_key<S: 'static>() -> &'static str {
    std::any::type_name::<S>()
}

/// The feedback of a failed plain post of form `S` on this page, if any.
pub fn use_feedback<S: 'static>() -> FormFeedback {
    use_context::<FormFeedback>()
        .filter(|f| f.form == form_key::<S>())
        .unwrap_or_default()
}

/// The state of one form page: what a failed plain post of `S` left.
pub struct FormState<S: 'static> {
    pub feedback: StoredValue<FormFeedback>,
    pub errors: Signal<FieldErrors>,
    form: std::marker::PhantomData<fn() -> S>,
}

impl<S: 'static> Clone for FormState<S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S: 'static> Copy for FormState<S> {}

impl<S: 'static> FormState<S> {
    pub fn value(&self, name: &str) -> String {
        self.feedback.with_value(|f| f.value(name))
    }

    /// What a failed plain post typed into `name`, else `saved`: an edit
    /// form's starting value.
    pub fn value_or(&self, name: &str, saved: &str) -> String {
        let typed = self.value(name);
        if typed.is_empty() {
            saved.to_owned()
        } else {
            typed
        }
    }
}

/// Sets up a form page whose server function is `S`.
pub fn use_form<S: 'static>() -> FormState<S> {
    let feedback = use_feedback::<S>();
    let errors = feedback
        .error
        .as_ref()
        .map(AppError::field_errors)
        .unwrap_or_default();
    FormState {
        feedback: StoredValue::new(feedback),
        errors: Signal::stored(errors),
        form: std::marker::PhantomData,
    }
}

/// The submit handler for a form inside an island: runs the server function
/// instead of posting the page. If the form cannot be read as the function's
/// arguments, the browser's ordinary post goes ahead.
pub fn submit_handler<S>(action: ServerAction<S>) -> impl Fn(leptos::ev::SubmitEvent) + Copy
where
    S: ServerFn + DeserializeOwned + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    move |ev: leptos::ev::SubmitEvent| {
        use leptos::form::FromFormData;
        if let Ok(args) = S::from_event(&ev) {
            ev.prevent_default();
            action.dispatch(args);
        }
    }
}

/// A form page's form: a plain post to `action` (or to this very URL when
/// there is none); the form's messages, `children` (its fields) and the
/// submit button.
#[component]
pub fn PageForm<S: 'static>(
    form: FormState<S>,
    #[prop(optional)] action: Option<&'static str>,
    submit: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <form method="post" action=action novalidate>
            <FormMessages errors=form.errors/>
            {children()}
            <button type="submit" class="primary">{submit}</button>
        </form>
    }
}

/// Messages about the whole form.
#[component]
pub fn FormMessages(errors: Signal<FieldErrors>) -> impl IntoView {
    view! {
        {move || {
            let form = errors.get().form;
            (!form.is_empty())
                .then(|| {
                    view! {
                        <div class="alert error" role="alert">
                            {form.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
                        </div>
                    }
                })
        }}
    }
}

/// A labelled input with its messages below it.
#[component]
pub fn Field(
    name: &'static str,
    label: &'static str,
    errors: Signal<FieldErrors>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(into, default = String::new())] value: String,
    #[prop(optional)] help: Option<&'static str>,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional)] autofocus: bool,
    /// Not required (a label should then say "optional").
    #[prop(optional)]
    optional: bool,
) -> impl IntoView {
    view! {
        <FieldFrame name label errors help>
            <input
                id=input_id(name)
                name=name
                type=input_type
                value=value
                autocomplete=autocomplete
                maxlength=maxlength
                autofocus=autofocus
                required=!optional
                aria-invalid=move || has_error(errors, name).to_string()
                aria-describedby=error_id(name)
            />
        </FieldFrame>
    }
}

/// A labelled `<textarea>` with its messages below it, marked up as
/// [`Field`] is.
#[component]
pub fn TextAreaField(
    name: &'static str,
    label: &'static str,
    errors: Signal<FieldErrors>,
    #[prop(into)] text: String,
    #[prop(default = 4)] rows: u32,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional)] help: Option<&'static str>,
    #[prop(into, optional)] help_hidden: Signal<bool>,
    #[prop(optional)] on_input: Option<Callback<String>>,
    #[prop(optional)] optional: bool,
) -> impl IntoView {
    view! {
        <FieldFrame name label errors help help_hidden>
            <TextArea id=input_id(name) name rows maxlength text on_input optional
                invalid=Signal::derive(move || has_error(errors, name))
                described_by=Some(error_id(name))/>
        </FieldFrame>
    }
}

fn input_id(name: &str) -> String {
    format!("id_{name}")
}

fn error_id(name: &str) -> String {
    format!("id_{name}_error")
}

/// Whether `errors` hold a message for the field `name`.
pub fn has_error(errors: Signal<FieldErrors>, name: &str) -> bool {
    errors.with(|e| e.for_field(name).next().is_some())
}

/// What every labelled control shares: the label, the control itself
/// (`children`, which names [`error_id`] in `aria-describedby`), help (that
/// `help_hidden` may hide, e.g. until hydrated) and the field's messages.
#[component]
fn FieldFrame(
    name: &'static str,
    label: &'static str,
    errors: Signal<FieldErrors>,
    help: Option<&'static str>,
    #[prop(into, optional)] help_hidden: Signal<bool>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:has-error=move || has_error(errors, name)>
            <label for=input_id(name)>{label}</label>
            {children()}
            {help.map(|h| view! { <p class="help" hidden=move || help_hidden.get()>{h}</p> })}
            <div id=error_id(name) class="field-errors">
                <FieldMessages errors field=name/>
            </div>
        </div>
    }
}

/// The messages for one field, one paragraph each.
#[component]
pub fn FieldMessages(errors: Signal<FieldErrors>, field: &'static str) -> impl IntoView {
    move || {
        errors
            .get()
            .for_field(field)
            .map(|m| view! { <p class="field-error">{m.to_owned()}</p> })
            .collect_view()
    }
}

/// Replaces the messages in `place` (a field's `id_<name>_error`) with
/// `messages`, as [`FieldMessages`] renders them: for code that updates the
/// server's HTML in the browser rather than hydrating it.
#[cfg(feature = "hydrate")]
pub fn write_field_messages<'a>(
    place: &leptos::web_sys::Element,
    messages: impl IntoIterator<Item = &'a str>,
) {
    place.set_text_content(None);
    for message in messages {
        if let Ok(p) = document().create_element("p") {
            p.set_class_name("field-error");
            p.set_text_content(Some(message));
            let _ = place.append_child(&p);
        }
    }
}

/// The submit button of a form inside an island; disabled while its server
/// function runs.
#[component]
pub fn SubmitButton(label: &'static str, pending: Signal<bool>) -> impl IntoView {
    view! {
        <button type="submit" class="primary" disabled=move || pending.get()>
            {move || if pending.get() { "Please wait…" } else { label }}
        </button>
    }
}

/// A `<textarea>` holding `text`, escaped on the server (see
/// [`super::escape`]). Use this (through [`TextAreaField`]), never a bare
/// `<textarea>{text}</textarea>`.
#[component]
pub fn TextArea(
    #[prop(into)] id: String,
    name: &'static str,
    #[prop(into)] text: String,
    rows: u32,
    #[prop(optional_no_strip)] maxlength: Option<usize>,
    #[prop(optional_no_strip)] on_input: Option<Callback<String>>,
    #[prop(into, optional)] invalid: Signal<bool>,
    #[prop(optional_no_strip)] described_by: Option<String>,
    #[prop(optional)] optional: bool,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let text = super::escape::escape_text(&text);
    view! {
        <textarea
            id=id
            name=name
            rows=rows
            maxlength=maxlength
            required=!optional
            aria-invalid=move || invalid.get().to_string()
            aria-describedby=described_by
            on:input=move |ev| {
                if let Some(cb) = on_input {
                    cb.run(event_target_value(&ev));
                }
            }
        >
            {text}
        </textarea>
    }
}

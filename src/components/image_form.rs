//! The form that renames and re-describes an image, on the image's page
//! (where it also posts without JavaScript) and in the gallery's lightbox.

use leptos::prelude::*;

use super::form::{submit_handler, Field, FormMessages, SubmitButton, TextAreaField};
use crate::{
    api::images::UpdateImage,
    error::FieldErrors,
    model::image::{ImageCard, DESCRIPTION_MAX, NAME_MAX},
};

/// `name` and `description` start as given (the saved values, or what a
/// failed plain post typed). With `action` (in the lightbox, an island) the
/// form runs it in place; without, it is a plain post. `on_cancel` adds a
/// Cancel button.
#[component]
pub fn EditImageForm(
    card: ImageCard,
    #[prop(optional)] action: Option<ServerAction<UpdateImage>>,
    errors: Signal<FieldErrors>,
    #[prop(into)] name: String,
    #[prop(into)] description: String,
    #[prop(optional)] on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <form class="edit-form" method="post" action=card.page_url() novalidate
            on:submit=move |ev| if let Some(action) = action { submit_handler(action)(ev) }>
            <FormMessages errors/>
            <input type="hidden" name="id" value=card.id/>
            <Field name="name" label="Name" errors value=name maxlength=NAME_MAX/>
            <TextAreaField name="description" label="Description" errors text=description
                rows=5 maxlength=DESCRIPTION_MAX/>
            <div class="form-actions">
                <SubmitButton label="Save changes"
                    pending=Signal::derive(move || action.is_some_and(|a| a.pending().get()))/>
                {on_cancel.map(|cancel| view! {
                    <button type="button" on:click=move |_| cancel.run(())>"Cancel"</button>
                })}
            </div>
        </form>
    }
}

//! A plain post that asks first.

use leptos::prelude::*;

use super::hydrated::count_hydrated_island;

/// A `<form method="post">` to `action` whose submit asks `question` first
/// and is dropped when the answer is no. An island: the post itself stays a
/// plain one (the server answers it with a redirect, or the page again with
/// its messages). Without JavaScript it goes straight ahead, so use it where
/// the step can be undone or was asked for before.
#[island]
pub fn ConfirmForm(
    action: String,
    question: String,
    #[prop(optional)] class: Option<String>,
    children: Children,
) -> impl IntoView {
    count_hydrated_island();
    let ask = move |ev: leptos::ev::SubmitEvent| {
        if !window().confirm_with_message(&question).unwrap_or(false) {
            ev.prevent_default();
        }
    };
    view! {
        <form method="post" action=action class=class on:submit=ask>
            {children()}
        </form>
    }
}

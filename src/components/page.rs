//! The frame of a simple page: its title in the document and a section
//! with its heading.

use leptos::prelude::*;
use leptos_meta::Title;

/// `<title>`, then `<section class=…>` with an `<h1>` (the title, unless
/// `heading` says otherwise) and `children`. For titles we write; a title
/// holding user text goes through `escape::title_text` instead.
#[component]
pub fn PageSection(
    title: &'static str,
    #[prop(optional)] heading: Option<&'static str>,
    #[prop(default = "card narrow")] class: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <Title text=title/>
        <section class=class>
            <h1>{heading.unwrap_or(title)}</h1>
            {children()}
        </section>
    }
}

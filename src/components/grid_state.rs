//! What a grid's island and its lightbox share once the page is live: the
//! page's images in order, which are starred, and which one the lightbox
//! shows.
//!
//! The thumbnails are HTML from the server and are not hydrated (#13: no
//! view code, props or keyed list for them in the first load, and no JSON
//! copy of the page in the HTML). These signals are the truth in the
//! browser; the thumbnails follow them through [`dom`].

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct GridState {
    /// The page's images, in order (one moved to the trash leaves).
    pub order: RwSignal<Vec<i32>>,
    /// Those of them that are favourites.
    pub starred: RwSignal<Vec<i32>>,
    /// The image the lightbox shows.
    pub open: RwSignal<Option<i32>>,
}

impl GridState {
    pub fn new() -> Self {
        Self {
            order: RwSignal::new(Vec::new()),
            starred: RwSignal::new(Vec::new()),
            open: RwSignal::new(None),
        }
    }

    pub fn is_starred(&self, id: i32) -> bool {
        self.starred.with(|s| s.contains(&id))
    }

    pub fn set_starred(&self, id: i32, on: bool) {
        self.starred.update(|s| {
            s.retain(|&i| i != id);
            if on {
                s.push(id);
            }
        });
    }

    /// Where image `id` is on the page now, if it still is.
    pub fn position(&self, id: i32) -> Option<usize> {
        self.order
            .with_untracked(|v| v.iter().position(|&i| i == id))
    }

    /// Moved to the trash: it leaves the page.
    pub fn remove(&self, id: i32) {
        self.order.update(|v| v.retain(|&i| i != id));
        self.starred.update(|v| v.retain(|&i| i != id));
        #[cfg(feature = "hydrate")]
        dom::remove_thumb(id);
    }

    /// Renamed in the lightbox: its thumbnail says so.
    pub fn rename(&self, _id: i32, _name: &str) {
        #[cfg(feature = "hydrate")]
        dom::rename_thumb(_id, _name);
    }
}

impl Default for GridState {
    fn default() -> Self {
        Self::new()
    }
}

/// The thumbnails' HTML as [`Thumb`](super::image_grid) renders it:
/// `li.thumb[data-id]` holding the checkbox `.select-box`, the link, its
/// `.thumb-name`, and the star's `form.favourite`.
#[cfg(feature = "hydrate")]
pub mod dom {
    use leptos::{prelude::*, wasm_bindgen::JsCast};
    use web_sys::{Element, EventTarget, HtmlInputElement};

    use crate::components::{favourite::star_face, selection::select_label};

    /// The id of the thumbnail holding `target`, with the nearest element
    /// from `target` up that matches `selector` (the link, the form, …).
    pub fn thumb_at(target: Option<EventTarget>, selector: &str) -> Option<(i32, Element)> {
        let hit = target?
            .dyn_into::<Element>()
            .ok()?
            .closest(selector)
            .ok()??;
        let id = hit
            .closest("li.thumb")
            .ok()??
            .get_attribute("data-id")?
            .parse()
            .ok()?;
        Some((id, hit))
    }

    /// The thumbnails under `root`, in order.
    pub fn thumbs(root: &Element) -> Vec<(i32, Element)> {
        let Ok(list) = root.query_selector_all("li.thumb[data-id]") else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
            .filter_map(|li| Some((li.get_attribute("data-id")?.parse().ok()?, li)))
            .collect()
    }

    /// The page's images in order, and those starred, as the server sent them.
    pub fn read(root: &Element) -> (Vec<i32>, Vec<i32>) {
        let thumbs = thumbs(root);
        let starred = thumbs
            .iter()
            .filter(|(_, li)| {
                li.query_selector("button.star[aria-pressed=\"true\"]")
                    .ok()
                    .flatten()
                    .is_some()
            })
            .map(|(id, _)| *id)
            .collect();
        (thumbs.into_iter().map(|(id, _)| id).collect(), starred)
    }

    pub fn show_selected(root: &Element, selected: &[i32]) {
        for (id, li) in thumbs(root) {
            let on = selected.contains(&id);
            let _ = li.class_list().toggle_with_force("selected", on);
            if let Some(Ok(box_)) = li
                .query_selector(".select-box")
                .ok()
                .flatten()
                .map(|el| el.dyn_into::<HtmlInputElement>())
            {
                box_.set_checked(on);
            }
        }
    }

    pub fn show_starred(root: &Element, starred: &[i32]) {
        for (id, li) in thumbs(root) {
            let on = starred.contains(&id);
            let (text, title) = star_face(on);
            if let Ok(Some(button)) = li.query_selector("button.star") {
                let _ = button.set_attribute("aria-pressed", if on { "true" } else { "false" });
                let _ = button.set_attribute("title", title);
                button.set_text_content(Some(text));
            }
            // What the plain post would ask for: the other state.
            if let Ok(Some(wanted)) = li.query_selector("input[name=\"favourite\"]") {
                let _ = wanted.set_attribute("value", if on { "false" } else { "true" });
            }
        }
    }

    fn thumb(id: i32) -> Option<Element> {
        document()
            .query_selector(&format!("li.thumb[data-id=\"{id}\"]"))
            .ok()
            .flatten()
    }

    pub fn remove_thumb(id: i32) {
        if let Some(li) = thumb(id) {
            li.remove();
        }
    }

    pub fn rename_thumb(id: i32, name: &str) {
        let Some(li) = thumb(id) else { return };
        if let Ok(Some(label)) = li.query_selector(".thumb-name") {
            label.set_text_content(Some(name));
        }
        if let Ok(Some(img)) = li.query_selector("img") {
            let _ = img.set_attribute("alt", name);
        }
        if let Ok(Some(box_)) = li.query_selector(".select-box") {
            let _ = box_.set_attribute("aria-label", &select_label(name));
        }
    }
}

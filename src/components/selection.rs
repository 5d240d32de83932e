//! Selecting images in a grid and acting on them: "Move to trash", "Add to
//! album", "New album" (of the selection), "Remove from album" (inside an
//! album) and "Download" (a ZIP).
//!
//! Without JavaScript every thumbnail has a checkbox belonging to the bar's
//! form, which posts to `/images/bulk/` (Download: a GET of `/images/zip/`).
//! Hydrated, "Select" switches a selection mode on: a click selects, Shift
//! selects a range, Ctrl/Cmd toggles (and starts the mode), `a` selects the
//! whole page, Esc leaves; the buttons call `api::images::bulk_images` (through
//! `api::call`, the light client).

use leptos::{
    html::{Input, Select},
    prelude::*,
    task::spawn_local,
};

use crate::{
    api::{call::call, images::BulkImages},
    model::{
        album::AlbumChoice,
        gallery::{zip_url, BulkAction},
        image::NAME_MAX,
        share::ShareTarget,
    },
};

/// The selection of one grid.
#[derive(Clone, Copy)]
pub struct Selection {
    pub hydrated: RwSignal<bool>,
    pub active: RwSignal<bool>,
    pub ids: RwSignal<Vec<i32>>,
    /// Where a Shift-click range starts (an index on the page).
    anchor: RwSignal<Option<usize>>,
    /// The page's images, in order.
    order: RwSignal<Vec<i32>>,
}

impl Selection {
    pub fn new(order: RwSignal<Vec<i32>>) -> Self {
        let hydrated = RwSignal::new(false);
        Effect::new(move |_| hydrated.set(true));
        Self {
            hydrated,
            active: RwSignal::new(false),
            ids: RwSignal::new(Vec::new()),
            anchor: RwSignal::new(None),
            order,
        }
    }

    pub fn contains(&self, id: i32) -> bool {
        self.ids.with(|ids| ids.contains(&id))
    }

    fn set(&self, id: i32, on: bool) {
        self.ids.update(|ids| {
            ids.retain(|&i| i != id);
            if on {
                ids.push(id);
            }
        });
    }

    /// A click on the thumbnail of image `id` with the keys held. Answers
    /// whether the click was taken (else it opens the lightbox).
    pub fn click(&self, id: i32, shift: bool, toggle: bool) -> bool {
        if !self.active.get_untracked() && !toggle {
            return false;
        }
        self.active.set(true);
        let Some(index) = self.position(id) else {
            return true;
        };
        match self.anchor.get_untracked() {
            Some(start) if shift => {
                let (from, to) = (start.min(index), start.max(index));
                let range: Vec<i32> = self
                    .order
                    .with_untracked(|v| v[from..=to.min(v.len() - 1)].to_vec());
                for id in range {
                    self.set(id, true);
                }
            }
            _ => {
                let on = !self.contains(id);
                self.set(id, on);
                self.anchor.set(Some(index));
            }
        }
        true
    }

    pub fn toggle_box(&self, id: i32, on: bool) {
        self.set(id, on);
        self.anchor.set(self.position(id));
    }

    /// Where image `id` is on the page now (the lightbox may have trashed
    /// some before it), if it still is.
    fn position(&self, id: i32) -> Option<usize> {
        self.order
            .with_untracked(|v| v.iter().position(|&i| i == id))
    }

    fn select_page(&self) {
        self.ids.set(self.order.get_untracked());
    }

    fn leave(&self) {
        self.active.set(false);
        self.ids.set(Vec::new());
        self.anchor.set(None);
    }
}

/// The bar over a grid: "Select", the count, and the actions. `albums`
/// feed "Add to album"; `in_album` adds "Remove from album"; `back` is
/// where the plain form comes back to; `lightbox_open` mutes the keys
/// while the lightbox has them; `message` is what the bar says (an error
/// when the flag is set), of its own actions or of the grid's.
#[component]
pub fn SelectionBar(
    selection: Selection,
    albums: Vec<AlbumChoice>,
    in_album: Option<i32>,
    back: String,
    lightbox_open: Signal<bool>,
    message: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let Selection {
        hydrated,
        active,
        ids,
        ..
    } = selection;
    let album_choice = NodeRef::<Select>::new();
    let new_album_name = NodeRef::<Input>::new();
    let none_selected = move || hydrated.get() && ids.with(Vec::is_empty);

    Effect::new(move |_| {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if !active.get_untracked() || lightbox_open.get_untracked() || typing(&ev) {
                return;
            }
            match ev.key().as_str() {
                "a" if !ev.ctrl_key() && !ev.meta_key() => selection.select_page(),
                "Escape" => selection.leave(),
                _ => return,
            }
            ev.prevent_default();
        });
        on_cleanup(move || handle.remove());
    });

    // What the server did shows by reloading, except "Add to album": the
    // page stays as it is, so it says so.
    let run = move |action: BulkAction| {
        let chosen = ids.get_untracked();
        let adding = matches!(action, BulkAction::AddToAlbum(_));
        spawn_local(async move {
            match call(BulkImages {
                action,
                ids: chosen.clone(),
            })
            .await
            {
                Ok(Some(next)) => {
                    let _ = window().location().set_href(&next);
                }
                Ok(None) if adding => {
                    message.set(Some((
                        false,
                        format!("Added {} to the album.", chosen.len()),
                    )));
                    selection.leave();
                }
                Ok(None) => {
                    let _ = window().location().reload();
                }
                Err(err) => message.set(Some((true, err.to_string()))),
            }
        });
    };
    // Hydrated, a button does its work here instead of posting the form.
    let on = move |what: &'static str| {
        move |ev: leptos::ev::MouseEvent| {
            ev.prevent_default();
            if ids.with_untracked(Vec::is_empty) {
                return;
            }
            match what {
                "trash" => run(BulkAction::Trash),
                "remove" => {
                    if let Some(album) = in_album {
                        run(BulkAction::RemoveFromAlbum(album))
                    }
                }
                "new" => {
                    let name = new_album_name
                        .get_untracked()
                        .map(|input| input.value())
                        .unwrap_or_default();
                    run(BulkAction::NewAlbum(name))
                }
                "add" => {
                    let album = album_choice
                        .get_untracked()
                        .and_then(|s| s.value().parse::<i32>().ok());
                    if let Some(album) = album {
                        run(BulkAction::AddToAlbum(album))
                    }
                }
                "share" => {
                    let url = ShareTarget::Images(ids.get_untracked()).new_share_url();
                    let _ = window().location().set_href(&url);
                }
                _ => {
                    let _ = window().location().set_href(&zip_url(&ids.get_untracked()));
                }
            }
        }
    };

    view! {
        <div class="selection-bar" class:active=move || active.get()>
            <button type="button" class="select-toggle" aria-pressed=move || active.get().to_string()
                hidden=move || !hydrated.get()
                on:click=move |_| if active.get_untracked() { selection.leave() } else { active.set(true) }>
                "Select"
            </button>
            <form id="selection" method="post" action="/images/bulk/" class="selection-actions"
                hidden=move || hydrated.get() && !active.get()>
                <input type="hidden" name="back" value=back/>
                {in_album.map(|album| view! { <input type="hidden" name="in_album" value=album/> })}
                <span class="selection-count" role="status">
                    {move || if hydrated.get() {
                        format!("{} selected", ids.with(Vec::len))
                    } else {
                        "Tick images, then:".to_owned()
                    }}
                </span>
                <button type="submit" name="action" value="trash" class="danger"
                    disabled=none_selected on:click=on("trash")>"Move to trash"</button>
                {(!albums.is_empty()).then(|| view! {
                    <label for="selection-album" class="visually-hidden">"Album to add to"</label>
                    <select id="selection-album" name="album" node_ref=album_choice>
                        {albums.into_iter().map(|a| view! { <option value=a.id>{a.name}</option> }).collect_view()}
                    </select>
                    <button type="submit" name="action" value="add" disabled=none_selected on:click=on("add")>"Add to album"</button>
                })}
                <label for="selection-new-album" class="visually-hidden">"New album name"</label>
                <input id="selection-new-album" type="text" name="new_album" maxlength=NAME_MAX
                    placeholder="New album name" node_ref=new_album_name/>
                <button type="submit" name="action" value="new" disabled=none_selected on:click=on("new")>"New album"</button>
                {in_album.map(|_| view! {
                    <button type="submit" name="action" value="remove" disabled=none_selected
                        on:click=on("remove")>"Remove from album"</button>
                })}
                <button type="submit" name="action" value="share" disabled=none_selected
                    on:click=on("share")>"Share"</button>
                <button type="submit" formmethod="get" formaction="/images/zip/"
                    disabled=none_selected on:click=on("download")>"Download"</button>
            </form>
            {move || message.get().map(|(is_error, text)| view! {
                <p class=if is_error { "field-error" } else { "muted" } role="status">{text}</p>
            })}
        </div>
    }
}

/// Whether a key press is typing into a field (its keys are not ours).
fn typing(ev: &leptos::ev::KeyboardEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
        .unwrap_or(false)
}

/// A thumbnail's checkbox's name (`Select “name”`).
pub fn select_label(name: &str) -> String {
    format!("Select “{name}”")
}

//! The upload form. Server-rendered it is one plain multipart form (name,
//! description, file, in that order), and that HTML stays. Once live (the
//! island [`UploadForm`] around it) it also takes several files at once, by
//! picking or by drag & drop: the first file added fetches the queue (the
//! `upload_queue` chunk), which lists and sends them. The page's first load
//! carries only the island's few handlers (#13).

use leptos::prelude::*;

use super::{
    form::{has_error, Field, FieldMessages, TextAreaField},
    hydrated::count_hydrated_island,
};
use crate::{
    error::FieldErrors,
    model::{
        album::AlbumChoice,
        image::{DESCRIPTION_MAX, NAME_MAX},
    },
};

/// The upload form: what a failed plain post answered (`errors`, and the
/// `name` and `description` typed), the user's `albums` to upload into and
/// the `album` chosen at first.
#[component]
pub fn Uploader(
    errors: FieldErrors,
    name: String,
    description: String,
    albums: Vec<AlbumChoice>,
    album: Option<i32>,
) -> impl IntoView {
    let errors = Signal::stored(errors);
    view! {
        <UploadForm>
            <ul class="upload-queue" aria-label="Files to upload" hidden></ul>
            <Field name="name" label="Name" errors value=name maxlength=NAME_MAX/>
            <TextAreaField name="description" label="Description" errors text=description
                maxlength=DESCRIPTION_MAX help="Shared by every image in the list above."
                help_hidden=true/>
            {(!albums.is_empty()).then(|| view! {
                <div class="field" class:has-error=has_error(errors, "album")>
                    <label for="id_album">"Album"</label>
                    <select id="id_album" name="album" aria-describedby="id_album_error">
                        <option value="" selected=album.is_none()>"No album"</option>
                        {albums.into_iter().map(|a| view! {
                            <option value=a.id selected=album == Some(a.id)>{a.name}</option>
                        }).collect_view()}
                    </select>
                    <div id="id_album_error" class="field-errors">
                        <FieldMessages errors field="album"/>
                    </div>
                </div>
            })}
            <div class="dropzone">
                <label for="id_image">"Image file"</label>
                <input id="id_image" name="image" type="file" required
                    accept="image/jpeg,image/png,image/gif,image/webp" aria-describedby="id_image_error"/>
                <p class="help">
                    "JPEG, PNG, GIF or WebP."
                    <span class="when-live" hidden>" Pick several, or drop them here."</span>
                </p>
                <div id="id_image_error" class="field-errors">
                    <FieldMessages errors field="image"/>
                </div>
            </div>
            <button type="submit" class="primary">"Upload"</button>
        </UploadForm>
    }
}

/// An island: the upload form's `<form>`, around its fields (`children`,
/// the server's HTML, not hydrated). Lazy: only the upload page fetches it.
#[island(lazy)]
fn UploadForm(children: Children) -> impl IntoView {
    count_hydrated_island();
    let form = NodeRef::<leptos::html::Form>::new();
    #[cfg(feature = "hydrate")]
    let live = live::Live::new(form);
    view! {
        <form method="post" action="/upload/" enctype="multipart/form-data" novalidate node_ref=form
            on:change=move |_ev| {
                #[cfg(feature = "hydrate")]
                live.picked(_ev);
            }
            on:dragover=move |_ev| {
                #[cfg(feature = "hydrate")]
                live.dragging(_ev, true);
            }
            on:dragleave=move |_ev| {
                #[cfg(feature = "hydrate")]
                live.dragging(_ev, false);
            }
            on:drop=move |_ev| {
                #[cfg(feature = "hydrate")]
                live.dropped(_ev);
            }
            on:submit=move |_ev| {
                #[cfg(feature = "hydrate")]
                live.submit(_ev);
            }>
            {children()}
        </form>
    }
}

/// The form's handlers, in the browser.
#[cfg(feature = "hydrate")]
mod live {
    use leptos::{
        ev::{DragEvent, Event, SubmitEvent},
        prelude::*,
        task::spawn_local,
        wasm_bindgen::JsCast,
    };
    use web_sys::{Element, File, FileList, HtmlInputElement};

    use crate::components::{
        form::write_field_messages,
        upload_queue::{start_queue, QueueLink},
    };

    /// Where the queue's chunk is.
    #[derive(Clone, Copy, PartialEq)]
    enum Queue {
        NotLoaded,
        /// Loading or loaded: it takes the files from here on.
        Started,
        /// It could not load: the form stays a plain one.
        Failed,
    }

    #[derive(Clone, Copy)]
    pub struct Live {
        form: NodeRef<leptos::html::Form>,
        link: QueueLink,
        queue: StoredValue<Queue>,
    }

    impl Live {
        /// Once live, the file input takes several files, and says so.
        pub fn new(form: NodeRef<leptos::html::Form>) -> Self {
            Effect::new(move |_| {
                let Some(form) = form.get() else { return };
                if let Some(input) = file_input(&form) {
                    input.set_multiple(true);
                }
                if let Ok(Some(hint)) = form.query_selector(".when-live") {
                    let _ = hint.remove_attribute("hidden");
                }
            });
            Self {
                form,
                link: QueueLink::default(),
                queue: StoredValue::new(Queue::NotLoaded),
            }
        }

        /// Files picked with the input join the queue; the input is emptied
        /// so a plain post cannot send them a second time.
        pub fn picked(&self, ev: Event) {
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                .filter(|input| input.type_() == "file")
            else {
                return;
            };
            if self.queue.get_value() == Queue::Failed {
                return;
            }
            let files = input.files().map(list).unwrap_or_default();
            input.set_value("");
            self.add(files);
        }

        pub fn dragging(&self, ev: DragEvent, over: bool) {
            if let Some(zone) = dropzone(&ev) {
                ev.prevent_default();
                let _ = zone.class_list().toggle_with_force("dragging", over);
            }
        }

        pub fn dropped(&self, ev: DragEvent) {
            let Some(zone) = dropzone(&ev) else { return };
            ev.prevent_default();
            let _ = zone.class_list().remove_1("dragging");
            let files = ev
                .data_transfer()
                .and_then(|dt| dt.files())
                .map(list)
                .unwrap_or_default();
            self.add(files);
        }

        /// Nothing queued: the browser posts the form as usual.
        pub fn submit(&self, ev: SubmitEvent) {
            if self.link.queued.get_untracked() == 0 {
                return;
            }
            ev.prevent_default();
            self.link.submitted.notify();
        }

        fn add(&self, files: Vec<File>) {
            if files.is_empty() {
                return;
            }
            self.link.incoming.update_value(|v| v.extend(files));
            self.link.added.notify();
            if self.queue.get_value() != Queue::NotLoaded {
                return;
            }
            let Some(form) = self.form.get_untracked() else {
                return;
            };
            self.queue.set_value(Queue::Started);
            let (link, queue) = (self.link, self.queue);
            spawn_local(async move {
                let failed = match start_queue(link, form.clone()).await {
                    Ok(true) => return,
                    Ok(false) => "the form has no queue".to_owned(),
                    Err(err) => err.to_string(),
                };
                leptos::logging::warn!("{failed}: the form stays a plain one");
                queue.set_value(Queue::Failed);
                if let Some(input) = file_input(&form) {
                    input.set_multiple(false);
                }
                if let Ok(Some(place)) = form.query_selector("#id_image_error") {
                    write_field_messages(
                        &place,
                        ["Sending several files could not start. Pick one file again, then press Upload."],
                    );
                }
            });
        }
    }

    fn file_input(form: &Element) -> Option<HtmlInputElement> {
        form.query_selector("#id_image").ok()??.dyn_into().ok()
    }

    fn dropzone(ev: &DragEvent) -> Option<Element> {
        ev.target()?
            .dyn_into::<Element>()
            .ok()?
            .closest(".dropzone")
            .ok()?
    }

    fn list(files: FileList) -> Vec<File> {
        (0..files.length()).filter_map(|i| files.get(i)).collect()
    }
}

//! The upload form. Server-rendered it is one plain multipart form (name,
//! description, file, in that order). Hydrated, it also takes several files
//! at once, by picking or by drag & drop; each is listed first with its
//! preview, a name from its file name (which can be edited), a progress bar
//! and a cancel button, then the description they share. The fields are
//! checked before any byte is sent; uploads go one after another to the same
//! `POST /upload/`, and one that fails does not hold up the others.

use leptos::prelude::*;

use super::{
    form::{Field, FieldMessages, TextAreaField},
    hydrated::count_hydrated_island,
};
use crate::{
    error::FieldErrors,
    model::{
        album::AlbumChoice,
        image::{validate_fields, DESCRIPTION_MAX, NAME_MAX},
    },
};

// Sending and Done are set by the browser-only code.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq)]
enum Status {
    Waiting,
    Sending,
    Done,
    Failed,
    Cancelled,
}

impl Status {
    /// The item's `data-status` (what tests and styles match).
    fn as_str(self) -> &'static str {
        match self {
            Status::Waiting => "waiting",
            Status::Sending => "sending",
            Status::Done => "done",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
        }
    }
}

/// One file in the queue (the `File` itself lives in browser-only storage).
#[derive(Clone, Copy)]
struct Item {
    id: u32,
    name: RwSignal<String>,
    size: u64,
    /// A `blob:` URL of the file, for its preview.
    preview: Option<StoredValue<String>>,
    progress: RwSignal<f64>,
    status: RwSignal<Status>,
    error: RwSignal<Option<String>>,
}

/// An island: the one interactive part of the upload page. Lazy: only the
/// upload page fetches its code (WASM chunks of its own).
#[island(lazy)]
pub fn Uploader(
    /// What a failed plain post answered.
    errors: FieldErrors,
    name: String,
    description: String,
    /// The user's albums, to choose one to upload into.
    albums: Vec<AlbumChoice>,
    /// The album chosen at first.
    album: Option<i32>,
) -> impl IntoView {
    count_hydrated_island();
    let album_value = RwSignal::new(album.map(|a| a.to_string()).unwrap_or_default());
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let queue = RwSignal::new(Vec::<Item>::new());
    let description_value = RwSignal::new(description.clone());
    let busy = RwSignal::new(false);
    let dragging = RwSignal::new(false);

    #[cfg(feature = "hydrate")]
    let files = browser::Files::new();
    #[cfg(feature = "hydrate")]
    let add_files = move |list: Vec<web_sys::File>| {
        for file in list {
            let id = files.add(file.clone());
            queue.update(|q| {
                q.push(Item {
                    id,
                    name: RwSignal::new(browser::stem(&file.name())),
                    size: file.size() as u64,
                    preview: browser::preview_url(&file).map(StoredValue::new),
                    progress: RwSignal::new(0.0),
                    status: RwSignal::new(Status::Waiting),
                    error: RwSignal::new(None),
                })
            });
        }
    };

    let on_pick = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        add_files(browser::take_input_files(&_ev));
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        #[cfg(feature = "hydrate")]
        add_files(browser::dropped_files(&ev));
    };
    // Checked here before any byte is sent: the shared description once
    // (its message under its field), each name under its file.
    let checked = RwSignal::new(None::<FieldErrors>);
    let shown_errors = Signal::derive(move || checked.get().unwrap_or_else(|| errors.clone()));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        // Nothing queued: the browser posts the form as usual.
        if queue.with(Vec::is_empty) {
            return;
        }
        ev.prevent_default();
        let description = description_value.get_untracked();
        let mut shared = FieldErrors::default();
        let mut all_valid = true;
        for item in queue.get_untracked() {
            if !matches!(
                item.status.get_untracked(),
                Status::Waiting | Status::Failed
            ) {
                continue;
            }
            let found = validate_fields(&item.name.get_untracked(), &description);
            let name_error = found.for_field("name").next().map(str::to_owned);
            item.error.set(name_error.clone());
            if name_error.is_some() {
                item.status.set(Status::Failed);
            }
            all_valid &= found.is_empty();
            shared.fields = found
                .fields
                .into_iter()
                .filter(|(field, _)| field == "description")
                .collect();
        }
        checked.set(Some(shared));
        if !all_valid {
            return;
        }
        // A second press retries what failed.
        for item in queue.get_untracked() {
            if item.status.get_untracked() == Status::Failed {
                item.status.set(Status::Waiting);
            }
        }
        #[cfg(feature = "hydrate")]
        browser::upload_all(
            files,
            queue,
            (description, album_value.get_untracked()),
            busy,
        );
    };
    let cancel = move |item: Item| {
        #[cfg(feature = "hydrate")]
        files.abort(item.id);
        match item.status.get_untracked() {
            Status::Waiting => queue.update(|q| q.retain(|i| i.id != item.id)),
            Status::Sending => item.status.set(Status::Cancelled),
            _ => {}
        }
    };

    view! {
        <form method="post" action="/upload/" enctype="multipart/form-data" novalidate on:submit=on_submit>
            <ul class="upload-queue" aria-label="Files to upload" hidden=move || queue.with(Vec::is_empty)>
                <For each=move || queue.get() key=|item| item.id let:item>
                    <QueueItem item cancel/>
                </For>
            </ul>
            <Show when=move || queue.with(Vec::is_empty)>
                <Field name="name" label="Name" errors=shown_errors value=name.clone() maxlength=NAME_MAX/>
            </Show>
            <TextAreaField name="description" label="Description" errors=shown_errors text=description
                maxlength=DESCRIPTION_MAX help="Shared by every image in the list above."
                help_hidden=Signal::derive(move || queue.with(|q| q.len() < 2))
                on_input=Callback::new(move |v| description_value.set(v))/>
            {(!albums.is_empty()).then(|| view! {
                <div class="field">
                    <label for="id_album">"Album"</label>
                    <select id="id_album" name="album" on:change=move |ev| album_value.set(event_target_value(&ev))>
                        <option value="" selected=album.is_none()>"No album"</option>
                        {albums.into_iter().map(|a| view! {
                            <option value=a.id selected=album == Some(a.id)>{a.name}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
            <div
                class="dropzone"
                class:dragging=move || dragging.get()
                on:dragover=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    dragging.set(true);
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <label for="id_image">"Image file"</label>
                <input id="id_image" name="image" type="file" required
                    accept="image/jpeg,image/png,image/gif,image/webp"
                    multiple=move || hydrated.get()
                    on:change=on_pick/>
                <p class="help">
                    "JPEG, PNG, GIF or WebP."
                    <span hidden=move || !hydrated.get()>" Pick several, or drop them here."</span>
                </p>
                <FieldMessages errors=shown_errors field="image"/>
            </div>
            <button type="submit" class="primary" disabled=move || busy.get()>
                {move || match queue.with(|q| q.iter().filter(|i| matches!(i.status.get(), Status::Waiting | Status::Failed)).count()) {
                    0 | 1 => "Upload".to_owned(),
                    n => format!("Upload {n} images"),
                }}
            </button>
        </form>
    }
}

/// One queued file: preview, editable name, progress, size, status, cancel.
#[component]
fn QueueItem(item: Item, cancel: impl Fn(Item) + Copy + Send + Sync + 'static) -> impl IntoView {
    view! {
        <li class="upload-item" data-status=move || item.status.get().as_str()>
            {item.preview.map(|url| view! { <img class="upload-preview" src=url.get_value() alt="" width="56" height="56"/> })}
            <label>
                <span class="visually-hidden">"Name"</span>
                <input aria-label="Name" maxlength=NAME_MAX prop:value=move || item.name.get()
                    aria-invalid=move || item.error.get().is_some().to_string()
                    disabled=move || item.status.get() != Status::Waiting && item.status.get() != Status::Failed
                    on:input=move |ev| item.name.set(event_target_value(&ev))/>
            </label>
            <progress max="1" value=move || item.progress.get() aria-label="Upload progress"></progress>
            <span class="upload-size">{file_size(item.size)}</span>
            <span class="upload-status">{move || match item.status.get() {
                Status::Waiting => "Waiting",
                Status::Sending => "Uploading…",
                Status::Done => "Done",
                Status::Failed => "Failed",
                Status::Cancelled => "Cancelled",
            }}</span>
            <button type="button" class="link-button" aria-label="Cancel"
                hidden=move || matches!(item.status.get(), Status::Done | Status::Cancelled)
                on:click=move |_| cancel(item)>"Cancel"</button>
            {move || item.error.get().map(|e| view! { <p class="field-error">{e}</p> })}
        </li>
    }
}

/// A file size as people read it: KB below a megabyte, else MB to one
/// decimal (in whole numbers: float formatting would add kilobytes of WASM).
fn file_size(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{} KB", bytes.div_ceil(1_000).max(1))
    } else {
        let tenths = (bytes + 50_000) / 100_000;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_as_kb_or_mb() {
        use super::file_size;
        assert_eq!(file_size(0), "1 KB");
        assert_eq!(file_size(48_213), "49 KB");
        assert_eq!(file_size(999_999), "1000 KB");
        assert_eq!(file_size(2_345_678), "2.3 MB");
        assert_eq!(file_size(1_000_000), "1.0 MB");
        assert_eq!(file_size(9_960_000), "10.0 MB");
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{File, FormData, ProgressEvent, XmlHttpRequest};

    use super::{Item, Status};
    use crate::error::AppError;

    /// The last id given, the queued files, and the requests under way (a
    /// few each: lists, not maps, keep the hashing code out of the WASM).
    type FileTable = (u32, Vec<(u32, File)>, Vec<(u32, XmlHttpRequest)>);

    /// The queued files and their requests, kept in the browser only.
    #[derive(Clone, Copy)]
    pub struct Files {
        inner: StoredValue<FileTable, LocalStorage>,
    }

    impl Files {
        pub fn new() -> Self {
            Self {
                inner: StoredValue::new_local((0, Vec::new(), Vec::new())),
            }
        }

        pub fn add(&self, file: File) -> u32 {
            self.inner
                .try_update_value(|(next, files, _)| {
                    *next += 1;
                    files.push((*next, file));
                    *next
                })
                .unwrap_or(0)
        }

        fn file(&self, id: u32) -> Option<File> {
            self.inner.with_value(|(_, files, _)| {
                files.iter().find(|(i, _)| *i == id).map(|(_, f)| f.clone())
            })
        }

        fn set_request(&self, id: u32, xhr: Option<XmlHttpRequest>) {
            self.inner.update_value(|(_, _, reqs)| {
                reqs.retain(|(i, _)| *i != id);
                if let Some(x) = xhr {
                    reqs.push((id, x));
                }
            });
        }

        pub fn abort(&self, id: u32) {
            self.inner.update_value(|(_, files, reqs)| {
                for (_, xhr) in reqs.iter().filter(|(i, _)| *i == id) {
                    let _ = xhr.abort();
                }
                reqs.retain(|(i, _)| *i != id);
                files.retain(|(i, _)| *i != id);
            });
        }
    }

    /// A `blob:` URL showing `file` (kept for the page's life: the queue is
    /// short and the page is left when it is done).
    pub fn preview_url(file: &File) -> Option<String> {
        web_sys::Url::create_object_url_with_blob(file).ok()
    }

    /// The file name without its extension, as the image's default name.
    pub fn stem(file_name: &str) -> String {
        match file_name.rsplit_once('.') {
            Some((stem, _)) if !stem.is_empty() => stem.to_owned(),
            _ => file_name.to_owned(),
        }
    }

    /// The picked files; the input is emptied so a plain post cannot send
    /// them a second time.
    pub fn take_input_files(ev: &leptos::ev::Event) -> Vec<File> {
        let input: web_sys::HtmlInputElement = event_target(ev);
        let files = input.files().map(list).unwrap_or_default();
        input.set_value("");
        files
    }

    pub fn dropped_files(ev: &leptos::ev::DragEvent) -> Vec<File> {
        ev.data_transfer()
            .and_then(|dt| dt.files())
            .map(list)
            .unwrap_or_default()
    }

    fn list(files: web_sys::FileList) -> Vec<File> {
        (0..files.length()).filter_map(|i| files.get(i)).collect()
    }

    /// Sends the waiting items one after another with the shared
    /// (description, album); a failure is marked on its item and the next
    /// goes on. When every item is done, goes to the album (or the gallery);
    /// if some failed, stays for them to be fixed and sent again.
    pub fn upload_all(
        files: Files,
        queue: RwSignal<Vec<Item>>,
        shared: (String, String),
        busy: RwSignal<bool>,
    ) {
        let next = queue.with_untracked(|q| {
            q.iter()
                .find(|i| i.status.get_untracked() == Status::Waiting)
                .copied()
        });
        let Some(item) = next else {
            busy.set(false);
            let all_done = queue.with_untracked(|q| {
                q.iter()
                    .all(|i| matches!(i.status.get_untracked(), Status::Done | Status::Cancelled))
            });
            if all_done
                && queue
                    .with_untracked(|q| q.iter().any(|i| i.status.get_untracked() == Status::Done))
            {
                let next = match shared.1.parse::<i32>() {
                    Ok(album) => crate::model::album::album_url(album),
                    Err(_) => "/images/".to_owned(),
                };
                let _ = window().location().set_href(&next);
            }
            return;
        };
        busy.set(true);
        let Some(file) = files.file(item.id) else {
            item.status.set(Status::Cancelled);
            return upload_all(files, queue, shared, busy);
        };
        item.status.set(Status::Sending);
        item.error.set(None);
        item.progress.set(0.0);
        let sent = shared.clone();
        let done = move |result: Result<(), String>| {
            files.set_request(item.id, None);
            if item.status.get_untracked() == Status::Cancelled {
                // Cancelled meanwhile: nothing to report.
            } else {
                match result {
                    Ok(()) => {
                        item.progress.set(1.0);
                        item.status.set(Status::Done);
                    }
                    Err(message) => {
                        item.status.set(Status::Failed);
                        item.error.set(Some(message));
                    }
                }
            }
            upload_all(files, queue, shared.clone(), busy);
        };
        match send(&file, &item.name.get_untracked(), &sent, item, done.clone()) {
            Ok(xhr) => files.set_request(item.id, Some(xhr)),
            Err(message) => done(Err(message)),
        }
    }

    fn send(
        file: &File,
        name: &str,
        (description, album): &(String, String),
        item: Item,
        done: impl Fn(Result<(), String>) + Clone + 'static,
    ) -> Result<XmlHttpRequest, String> {
        let js = |e: wasm_bindgen::JsValue| format!("{e:?}");
        let form = FormData::new().map_err(js)?;
        form.append_with_str("name", name).map_err(js)?;
        form.append_with_str("description", description)
            .map_err(js)?;
        form.append_with_str("album", album).map_err(js)?;
        form.append_with_blob_and_filename("image", file, &file.name())
            .map_err(js)?;

        let xhr = XmlHttpRequest::new().map_err(js)?;
        xhr.open("POST", "/upload/").map_err(js)?;
        xhr.set_request_header("Accept", "application/json")
            .map_err(js)?;

        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                // Keep the last sliver for the server's processing.
                item.progress.set((e.loaded() / e.total()).min(0.98));
            }
        });
        xhr.upload()
            .map_err(js)?
            .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        on_progress.forget();

        let request = xhr.clone();
        let on_done = done.clone();
        let on_load = Closure::<dyn FnMut()>::new(move || {
            let status = request.status().unwrap_or(0);
            if (200..300).contains(&status) {
                on_done(Ok(()));
            } else {
                let body = request.response_text().ok().flatten().unwrap_or_default();
                let message = serde_json::from_str::<AppError>(&body)
                    .map(|e| e.sentence())
                    .unwrap_or_else(|_| format!("The upload failed (HTTP {status})."));
                on_done(Err(message));
            }
        });
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        on_load.forget();
        let on_error = Closure::<dyn FnMut()>::new(move || {
            done(Err(
                "The connection failed. Check your network and try again.".to_owned(),
            ))
        });
        xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();

        xhr.send_with_opt_form_data(Some(&form)).map_err(js)?;
        Ok(xhr)
    }
}

//! Sending the queue: one `POST /upload/` after another, with progress
//! and cancel (XMLHttpRequest: `fetch` reports no upload progress).

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{File, FormData, ProgressEvent, XmlHttpRequest};

use super::queue::{Item, Status};
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
            && queue.with_untracked(|q| q.iter().any(|i| i.status.get_untracked() == Status::Done))
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

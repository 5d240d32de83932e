//! The upload queue: a chunk of its own, fetched when the first file is
//! added to the upload form (`uploader`), so the upload page's first load
//! carries only the form's small island (#13).
//!
//! Each file is listed with its preview, a name from its file name (which
//! can be edited), its size, a progress bar and a cancel button. The fields
//! are checked before any byte is sent; uploads go one after another to the
//! same `POST /upload/`, and one that fails does not hold up the others.
//! The rest of the form stays the server's HTML: the queue hides the single
//! file's name field, shows the description's help, names the button and
//! shows the description's messages there.

/// A file size as people read it: KB below a megabyte, else MB to one
/// decimal (in whole numbers: float formatting would add kilobytes of WASM).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
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
mod browser;
#[cfg(feature = "hydrate")]
pub use queue::{start_queue, QueueLink};

/// The queue itself, in the browser.
#[cfg(feature = "hydrate")]
mod queue {
    use leptos::{prelude::*, wasm_bindgen::JsCast, wasm_split::SplitLoaderError};
    use web_sys::{Element, File, FormData, HtmlElement, HtmlFormElement};

    use super::{browser, file_size};
    use crate::{
        components::form::write_field_messages,
        error::FieldErrors,
        model::image::{validate_fields, NAME_MAX},
    };

    #[derive(Clone, Copy, PartialEq)]
    pub(super) enum Status {
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

        fn label(self) -> &'static str {
            match self {
                Status::Waiting => "Waiting",
                Status::Sending => "Uploading…",
                Status::Done => "Done",
                Status::Failed => "Failed",
                Status::Cancelled => "Cancelled",
            }
        }

        /// Still to send (again, for a failed one).
        pub(super) fn to_send(self) -> bool {
            matches!(self, Status::Waiting | Status::Failed)
        }
    }

    /// One file in the queue (the `File` itself lives in browser-only storage).
    #[derive(Clone, Copy)]
    pub(super) struct Item {
        pub(super) id: u32,
        pub(super) name: RwSignal<String>,
        pub(super) size: u64,
        /// A `blob:` URL of the file, for its preview.
        pub(super) preview: Option<StoredValue<String>>,
        pub(super) progress: RwSignal<f64>,
        pub(super) status: RwSignal<Status>,
        pub(super) error: RwSignal<Option<String>>,
    }

    /// One queued file: preview, editable name, progress, size, status, cancel.
    #[component]
    fn QueueItem(
        item: Item,
        cancel: impl Fn(Item) + Copy + Send + Sync + 'static,
    ) -> impl IntoView {
        view! {
            <li class="upload-item" data-status=move || item.status.get().as_str()>
                {item.preview.map(|url| view! { <img class="upload-preview" src=url.get_value() alt="" width="56" height="56"/> })}
                <label>
                    <span class="visually-hidden">"Name"</span>
                    <input aria-label="Name" maxlength=NAME_MAX prop:value=move || item.name.get()
                        aria-invalid=move || item.error.get().is_some().to_string()
                        disabled=move || !item.status.get().to_send()
                        on:input=move |ev| item.name.set(event_target_value(&ev))/>
                </label>
                <progress max="1" value=move || item.progress.get() aria-label="Upload progress"></progress>
                <span class="upload-size">{file_size(item.size)}</span>
                <span class="upload-status">{move || item.status.get().label()}</span>
                <button type="button" class="link-button" aria-label="Cancel"
                    hidden=move || matches!(item.status.get(), Status::Done | Status::Cancelled)
                    on:click=move |_| cancel(item)>"Cancel"</button>
                {move || item.error.get().map(|e| view! { <p class="field-error">{e}</p> })}
            </li>
        }
    }

    /// What the form's island and the queue share.
    #[derive(Clone, Copy)]
    pub struct QueueLink {
        /// Files added on the form, not yet taken into the queue.
        pub incoming: StoredValue<Vec<File>, LocalStorage>,
        /// Told when files were added.
        pub added: Trigger,
        /// How many files are queued (none: the form posts as usual).
        pub queued: RwSignal<usize>,
        /// Told when the form is submitted with files queued.
        pub submitted: Trigger,
    }

    impl Default for QueueLink {
        fn default() -> Self {
            Self {
                incoming: StoredValue::new_local(Vec::new()),
                added: Trigger::new(),
                queued: RwSignal::new(0),
                submitted: Trigger::new(),
            }
        }
    }

    /// The split point: the queue's code is the `upload_queue` chunk. It
    /// lists the queue in `form`'s `ul.upload-queue` (built here, never
    /// hydrated) and follows `link` from then on.
    #[leptos::wasm_split::wasm_split(upload_queue, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn start_queue(link: QueueLink, form: HtmlFormElement) -> Result<bool, SplitLoaderError> {
        let Some(list) =
            find(&form, "ul.upload-queue").and_then(|el| el.dyn_into::<HtmlElement>().ok())
        else {
            return Ok(false);
        };
        let shown = list.clone();
        leptos::mount::mount_to(list, move || queue_view(link, form, shown)).forget();
        Ok(true)
    }

    /// The queue's list (mounted in `list`), and its signals and effects:
    /// created here, they belong to the mounted view's owner, which lives
    /// as long as the page (not to whatever owner the caller had).
    fn queue_view(link: QueueLink, form: HtmlFormElement, list: HtmlElement) -> impl IntoView {
        let files = browser::Files::new();
        let queue = RwSignal::new(Vec::<Item>::new());
        let busy = RwSignal::new(false);
        let cancel = move |item: Item| {
            files.abort(item.id);
            match item.status.get_untracked() {
                Status::Waiting => queue.update(|q| q.retain(|i| i.id != item.id)),
                Status::Sending => item.status.set(Status::Cancelled),
                _ => {}
            }
        };

        // New files join the queue. Their signals belong to the queue's
        // owner, not to this effect's (which a second run would dispose).
        let owner = Owner::current();
        Effect::new(move |_| {
            link.added.track();
            for file in link
                .incoming
                .try_update_value(std::mem::take)
                .unwrap_or_default()
            {
                let id = files.add(file.clone());
                let new_item = || Item {
                    id,
                    name: RwSignal::new(browser::stem(&file.name())),
                    size: file.size() as u64,
                    preview: browser::preview_url(&file).map(StoredValue::new),
                    progress: RwSignal::new(0.0),
                    status: RwSignal::new(Status::Waiting),
                    error: RwSignal::new(None),
                };
                let item = match &owner {
                    Some(owner) => owner.with(new_item),
                    None => new_item(),
                };
                queue.update(|q| q.push(item));
            }
        });

        // The rest of the form follows the queue.
        let form_el: Element = form.clone().into();
        Effect::new(move |_| {
            let (queued, to_send) = queue.with(|q| {
                (
                    q.len(),
                    q.iter().filter(|i| i.status.get().to_send()).count(),
                )
            });
            link.queued.set(queued);
            list.set_hidden(queued == 0);
            // One file's own name field, or a name per file in the list.
            if let Some(field) =
                find(&form_el, "#id_name").and_then(|el| el.closest(".field").ok().flatten())
            {
                set_hidden(&field, queued > 0);
            }
            if let Some(help) = find(&form_el, "#id_description")
                .and_then(|el| el.parent_element())
                .and_then(|f| f.query_selector(".help").ok().flatten())
            {
                set_hidden(&help, queued < 2);
            }
            if let Some(button) = find(&form_el, "button[type=\"submit\"]") {
                let label = match to_send {
                    0 | 1 => "Upload".to_owned(),
                    n => format!("Upload {n} images"),
                };
                button.set_text_content(Some(&label));
                let _ = if busy.get() {
                    button.set_attribute("disabled", "")
                } else {
                    button.remove_attribute("disabled")
                };
            }
        });

        // Checked here before any byte is sent: the shared description once
        // (its message under its field), each name under its file.
        Effect::watch(
            move || link.submitted.track(),
            move |_, _, _| {
                let (description, album) = shared_fields(&form);
                let mut shared = FieldErrors::default();
                let mut all_valid = true;
                for item in queue.get_untracked() {
                    if !item.status.get_untracked().to_send() {
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
                show_description_errors(&form, &shared);
                if !all_valid {
                    return;
                }
                // A second press retries what failed.
                for item in queue.get_untracked() {
                    if item.status.get_untracked() == Status::Failed {
                        item.status.set(Status::Waiting);
                    }
                }
                browser::upload_all(files, queue, (description, album), busy);
            },
            false,
        );
        view! {
            <For each=move || queue.get() key=|item| item.id let:item>
                <QueueItem item cancel/>
            </For>
        }
    }

    fn find(root: &Element, selector: &str) -> Option<Element> {
        root.query_selector(selector).ok().flatten()
    }

    fn set_hidden(el: &Element, hidden: bool) {
        let _ = if hidden {
            el.set_attribute("hidden", "")
        } else {
            el.remove_attribute("hidden")
        };
    }

    /// The description and the album chosen (empty when none), as typed.
    fn shared_fields(form: &HtmlFormElement) -> (String, String) {
        let Ok(data) = FormData::new_with_form(form) else {
            return (String::new(), String::new());
        };
        let field = |name: &str| data.get(name).as_string().unwrap_or_default();
        (field("description"), field("album"))
    }

    /// The description's messages under it, as the server would render them.
    fn show_description_errors(form: &HtmlFormElement, errors: &FieldErrors) {
        let messages: Vec<&str> = errors.for_field("description").collect();
        if let Some(area) = find(form, "#id_description") {
            let _ = area.set_attribute(
                "aria-invalid",
                if messages.is_empty() { "false" } else { "true" },
            );
            if let Ok(Some(field)) = area.closest(".field") {
                let _ = field
                    .class_list()
                    .toggle_with_force("has-error", !messages.is_empty());
            }
        }
        if let Some(place) = find(form, "#id_description_error") {
            write_field_messages(&place, messages);
        }
    }
}

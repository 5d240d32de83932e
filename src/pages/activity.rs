use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::activity::{all_activity, my_activity},
    components::pagination::Pagination,
    model::activity::{ActivityEntry, ActivityView},
};

fn page_of(query: &leptos_router::params::ParamsMap) -> u64 {
    query.get("page").and_then(|n| n.parse().ok()).unwrap_or(1)
}

fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// `/account/activity/?page=N`: the user's own activity log.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let query = use_query_map();
    let log = Resource::new_blocking(move || query.with(page_of), my_activity);
    view! {
        <Title text="Activity"/>
        <section class="card">
            <h1>"Your activity"</h1>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match log.await {
                        Ok(view) => {
                            let link = |n| format!("/account/activity/?page={n}");
                            view! { <ActivityTable view link show_user=false/> }.into_any()
                        }
                        Err(err) => view! { <p class="alert error" role="alert">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/admin/activity/?user=…&kind=…&page=N`: everyone's activity (admins
/// only; others get "not found").
#[component]
pub fn AdminActivityPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        query.with(|q| {
            (
                q.get("user").unwrap_or_default(),
                q.get("kind").unwrap_or_default(),
                page_of(q),
            )
        })
    };
    let log = Resource::new_blocking(filters, |(user, kind, page)| all_activity(user, kind, page));
    view! {
        <Title text="Activity log"/>
        <section class="card">
            <h1>"Activity log"</h1>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match log.await {
                        Ok(view) => view! { <AdminActivity view/> }.into_any(),
                        Err(err) => view! { <p>{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn AdminActivity(view: ActivityView) -> impl IntoView {
    let (user, kind) = (view.user.clone(), view.kind.clone());
    let kinds = view.kinds.clone();
    let link = move |n| {
        format!(
            "/admin/activity/?user={}&kind={}&page={n}",
            encode(&user),
            encode(&kind)
        )
    };
    view! {
        <form method="get" action="/admin/activity/" class="inline search" role="search">
            <label for="activity-user">"User"</label>
            <input id="activity-user" type="search" name="user" value=view.user.clone()/>
            <label for="activity-kind">"Kind"</label>
            <select id="activity-kind" name="kind">
                <option value="" selected=view.kind.is_empty()>"Any"</option>
                {kinds.into_iter().map(|(value, words)| {
                    let selected = value == view.kind;
                    view! { <option value=value selected=selected>{words}</option> }
                }).collect_view()}
            </select>
            <button type="submit">"Filter"</button>
        </form>
        <ActivityTable view link show_user=true/>
    }
}

#[component]
fn ActivityTable(
    view: ActivityView,
    link: impl Fn(u64) -> String + 'static,
    show_user: bool,
) -> impl IntoView {
    let count = match view.total {
        1 => "1 entry".to_owned(),
        n => format!("{n} entries"),
    };
    let summary = format!("{count}. Entries are kept for {} days.", view.kept_days);
    if view.entries.is_empty() {
        return view! { <p>"Nothing recorded yet."</p><p class="muted">{summary}</p> }.into_any();
    }
    view! {
        <p class="muted">{summary}</p>
        <div class="table-scroll">
            <table class="activity">
                <thead>
                    <tr>
                        <th scope="col">"When (UTC)"</th>
                        {show_user.then(|| view! { <th scope="col">"User"</th> })}
                        <th scope="col">"What"</th>
                        <th scope="col">"Details"</th>
                        <th scope="col">"By"</th>
                        <th scope="col">"Address"</th>
                    </tr>
                </thead>
                <tbody>
                    {view.entries.into_iter().map(|entry| view! { <EntryRow entry show_user/> }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pagination page=view.page pages=view.pages link/>
    }
    .into_any()
}

#[component]
fn EntryRow(entry: ActivityEntry, show_user: bool) -> impl IntoView {
    view! {
        <tr>
            <td>{entry.at}</td>
            {show_user.then(|| view! { <td>{entry.username}</td> })}
            <th scope="row">{entry.what}</th>
            <td>{entry.detail}</td>
            <td>{entry.by}</td>
            <td>{entry.address}</td>
        </tr>
    }
}

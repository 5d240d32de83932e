//! The owner's share links: `/shares/` lists them, `/shares/new/` makes one
//! (of `?album=<id>` or `?images=<id>,<id>…`), `/shares/<id>/` edits one.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::not_found::{by_route_id, NotFoundPage};
use crate::{
    api::shares::{
        get_share, list_shares, share_form_options, CreateShare, RevokeShare, UpdateShare,
    },
    components::{
        confirm_form::ConfirmForm,
        copy_link::CopyLink,
        form::{use_form, FormMessages, PageForm},
        share_form::{ShareFormFields, ShareFormValues},
    },
    error::AppError,
    model::share::{ShareCard, ShareOptions},
};

/// `/shares/?created=<id>`: every link, newest first; a new one on top.
#[component]
pub fn SharesPage() -> impl IntoView {
    let query = use_query_map();
    let created = move || query.with(|q| q.get("created").and_then(|id| id.parse::<i32>().ok()));
    let shares = Resource::new_blocking(|| (), |_| list_shares());
    view! {
        <Title text="Shared links"/>
        <h1>"Shared links"</h1>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match shares.await {
                    Ok(list) if list.is_empty() => view! {
                        <section class="empty-state">
                            <p class="big">"You have not shared anything yet."</p>
                            <p>"Use “Share” on an image, an album or a selection to make a link for people without an account."</p>
                        </section>
                    }.into_any(),
                    Ok(list) => {
                        let created = created();
                        view! {
                            <ul class="share-list">
                                {list.into_iter().map(|card| {
                                    let fresh = Some(card.id) == created;
                                    view! { <ShareItem card fresh/> }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                    Err(err) => view! { <div class="alert error" role="alert"><p>{err.to_string()}</p></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ShareItem(card: ShareCard, fresh: bool) -> impl IntoView {
    let id = card.id;
    let revoke = use_form::<RevokeShare>();
    let heading = if card.title.is_empty() {
        card.what.clone()
    } else {
        card.title.clone()
    };
    let question = format!(
        "Revoke the link to {}? Anyone who has it loses access at once.",
        card.what
    );
    let link_id = format!("share-link-{id}");
    view! {
        <li class="card share" class:fresh=fresh aria-labelledby=format!("share-{id}")>
            {fresh.then(|| view! { <p class="alert success" role="status">"Link created. Copy it and send it to the people you want to see it."</p> })}
            <h2 id=format!("share-{id}")>{heading}</h2>
            {(!card.title.is_empty()).then(|| view! { <p class="muted">{card.what.clone()}</p> })}
            {match card.url.clone() {
                Some(url) => view! {
                    <div class="share-link"><CopyLink id=link_id.clone() url/></div>
                }.into_any(),
                None => view! {
                    <p class="muted">"This link still works, but cannot be shown again: the server’s secret key changed since it was made. Make a new link to send it anew."</p>
                }.into_any(),
            }}
            <dl class="share-facts">
                <dt>"Created"</dt><dd>{card.created.clone()}</dd>
                <dt>"Expires"</dt>
                <dd>{match (&card.expires, card.expired) {
                    (None, _) => "Never".to_owned(),
                    (Some(at), true) => format!("Expired {at}"),
                    (Some(at), false) => at.clone(),
                }}</dd>
                <dt>"Views"</dt><dd>{card.views}</dd>
                <dt>"Downloads"</dt><dd>{card.downloads}</dd>
                <dt>"Last opened"</dt><dd>{card.last_opened.clone().unwrap_or_else(|| "Never".to_owned())}</dd>
                <dt>"Password"</dt><dd>{if card.has_password { "Yes" } else { "No" }}</dd>
                <dt>"Download allowed"</dt><dd>{if card.allow_download { "Yes" } else { "No" }}</dd>
            </dl>
            <div class="share-actions">
                <a class="button" href=card.edit_url() aria-describedby=format!("share-{id}")>"Edit"</a>
                <ConfirmForm action=format!("/shares/{id}/revoke/") question class="inline".to_owned()>
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" class="danger" aria-describedby=format!("share-{id}")>"Revoke"</button>
                </ConfirmForm>
            </div>
            <FormMessages errors=revoke.errors/>
        </li>
    }
}

/// `/shares/new/?album=<id>` or `?images=<id>,…`: the form for a new link.
#[component]
pub fn NewSharePage() -> impl IntoView {
    let query = use_query_map();
    let target = move || {
        query.with(|q| {
            (
                q.get("album")
                    .and_then(|a| a.parse::<i32>().ok())
                    .unwrap_or(0),
                q.get("images").unwrap_or_default(),
            )
        })
    };
    let options =
        Resource::new_blocking(target, |(album, images)| share_form_options(album, images));
    view! {
        <Title text="Share"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (album, images) = target();
                match options.await {
                    Ok(options) => view! { <NewShare options album images/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFoundPage/> }.into_any(),
                    Err(err) => view! { <div class="alert error" role="alert"><p>{err.to_string()}</p></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NewShare(options: ShareOptions, album: i32, images: String) -> impl IntoView {
    let form = use_form::<CreateShare>();
    let values = ShareFormValues {
        title: form.value("title"),
        message: form.value("message"),
        expires: form.value_or("expires", &options.default_expiry),
        keep_label: None,
        expires_on: form.value("expires_on"),
        has_password: false,
        allow_download: form.feedback.with_value(|f| f.error.is_none())
            || !form.value("allow_download").is_empty(),
    };
    let what = options.what.clone();
    view! {
        <h1>"Share " {what}</h1>
        <p class="muted">"Anyone with the link can see what it shows, without an account, until it expires or you revoke it. They never see your name or your other images."</p>
        // Posts to this very URL, so that a refused form comes back with
        // its target in the query.
        <PageForm form submit="Create link">
            <input type="hidden" name="album" value=album/>
            <input type="hidden" name="images" value=images/>
            <ShareFormFields options values errors=form.errors/>
        </PageForm>
    }
}

/// `/shares/<id>/`: change a link's title, message, expiry, password or
/// downloads.
#[component]
pub fn EditSharePage() -> impl IntoView {
    view! {
        <Title text="Edit link"/>
        {by_route_id(get_share, |(card, options)| view! { <EditShare card options/> })}
    }
}

#[component]
fn EditShare(card: ShareCard, options: ShareOptions) -> impl IntoView {
    let form = use_form::<UpdateShare>();
    let failed = form.feedback.with_value(|f| f.error.is_some());
    let keep_label = match (&card.expires, card.expired) {
        (None, _) => "Unchanged: never".to_owned(),
        (Some(at), true) => format!("Unchanged: expired {at}"),
        (Some(at), false) => format!("Unchanged: {at}"),
    };
    let values = ShareFormValues {
        title: form.value_or("title", &card.title),
        message: form.value_or("message", &card.message),
        expires: form.value_or("expires", "keep"),
        keep_label: Some(keep_label),
        expires_on: form.value_or("expires_on", card.expires_on.as_deref().unwrap_or("")),
        has_password: card.has_password,
        allow_download: if failed {
            !form.value("allow_download").is_empty()
        } else {
            card.allow_download
        },
    };
    view! {
        <p><a href="/shares/">"← Shared links"</a></p>
        <h1>"Edit link: " {card.what.clone()}</h1>
        <PageForm form submit="Save link">
            <input type="hidden" name="id" value=card.id/>
            <ShareFormFields options values errors=form.errors/>
        </PageForm>
    }
}

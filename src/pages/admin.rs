use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::admin::{
        admin_overview, CreateInvitation, SetUserActive, SetUserQuota, WithdrawInvitation,
    },
    components::{
        confirm_form::ConfirmForm,
        form::{has_error, use_form, FieldMessages, FormMessages, FormState},
        pagination::Pagination,
    },
    model::{
        admin::{AdminView, ManagedInvitation, ManagedUser},
        user::format_bytes,
    },
};

/// `/admin/?q=…&page=N`: the users (search, disable, enable, quota) and
/// the invitation links. Admins only: to anyone else it is "not found".
#[component]
pub fn AdminPage() -> impl IntoView {
    let params = use_query_map();
    let query = move || {
        params.with(|p| {
            let q = p.get("q").unwrap_or_default();
            let page = p.get("page").and_then(|n| n.parse().ok()).unwrap_or(1);
            (q, page)
        })
    };
    let overview = Resource::new_blocking(query, |(q, page)| admin_overview(q, page));
    // The invitation just made (`?invitation=<id>`), to point it out.
    let made = params.with_untracked(|p| p.get("invitation").and_then(|n| n.parse::<i32>().ok()));
    // The user just deleted (`?deleted=<name>`).
    let deleted = params
        .with_untracked(|p| p.get("deleted"))
        .filter(|n| !n.is_empty());
    view! {
        <Title text="Admin"/>
        {deleted.map(|name| view! {
            <div class="alert success" role="status"><p>{format!("{name} was deleted, with everything they stored.")}</p></div>
        })}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => view! { <Admin overview made/> }.into_any(),
                    Err(err) => view! {
                        <section class="card narrow">
                            <h1>"Page not found"</h1>
                            <p>{err.to_string()}</p>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Admin(overview: AdminView, made: Option<i32>) -> impl IntoView {
    let AdminView {
        users,
        query,
        page,
        pages,
        total,
        invitations,
        default_quota,
    } = overview;
    let link_query = query.clone();
    let count = match total {
        1 => "1 user".to_owned(),
        n => format!("{n} users"),
    };
    view! {
        <div class="page-head">
            <h1>"Admin"</h1>
            <a class="button" href="/admin/activity/">"Activity log"</a>
        </div>
        <section aria-labelledby="users-heading">
            <h2 id="users-heading">"Users"</h2>
            <form method="get" action="/admin/" class="inline search" role="search">
                <label for="user-search">"Search users"</label>
                <input id="user-search" type="search" name="q" value=query.clone()/>
                <button type="submit">"Search"</button>
            </form>
            <p class="muted">{format!(
                "{count}. Default quota: {default_quota}. Quotas take sizes such as 2GB or 500MiB, or unlimited; empty is the default."
            )}</p>
            <div class="table-scroll">
                <table class="users">
                    <thead>
                        <tr>
                            <th scope="col">"User"</th>
                            <th scope="col">"Images"</th>
                            <th scope="col">"Stored"</th>
                            <th scope="col">"Last login"</th>
                            <th scope="col">"2FA"</th>
                            <th scope="col">"Quota"</th>
                            <th scope="col">"Access"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {users.into_iter().map(|user| view! { <UserRow user/> }).collect_view()}
                    </tbody>
                </table>
            </div>
            <Pagination page pages link=move |n| {
                let q: String = form_urlencoded::byte_serialize(link_query.as_bytes()).collect();
                format!("/admin/?q={q}&page={n}")
            }/>
        </section>
        <Invitations invitations made/>
    }
}

/// Whether a form of the row or item `id` shows its messages: those of a
/// failed plain post that named it (every row's form finds the page's one
/// failed post).
fn is_about<S: 'static>(
    form: FormState<S>,
    id: i32,
) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    let posted = form.value("id").parse::<i32>().ok();
    move || posted == Some(id)
}

#[component]
fn UserRow(user: ManagedUser) -> impl IntoView {
    let id = user.id;
    let quota = use_form::<SetUserQuota>();
    let access = use_form::<SetUserActive>();
    let (quota_shown, access_shown) = (is_about(quota, id), is_about(access, id));
    let name = user.username.clone();
    let quota_id = format!("quota-{id}");
    let quota_error_id = format!("quota-{id}-error");
    let role = match (user.is_admin, user.is_active) {
        (_, false) => " (disabled)",
        (true, true) => " (admin)",
        (false, true) => "",
    };
    let question = format!(
        "Disable {name}? They are logged out at once, cannot log in, and their share links stop working."
    );
    view! {
        <tr class:disabled=!user.is_active>
            <th scope="row">{user.username.clone()}<span class="muted">{role}</span></th>
            <td>{user.images}</td>
            <td>{format_bytes(user.stored_bytes)}</td>
            <td>{if user.last_login.is_empty() { "never".to_owned() } else { user.last_login.clone() }}</td>
            <td>{if user.two_factor { "on" } else { "off" }}</td>
            <td>
                <form method="post" action=format!("/admin/users/{id}/quota/") class="inline">
                    <input type="hidden" name="id" value=id/>
                    <label for=quota_id.clone() class="visually-hidden">{format!("Quota for {name}")}</label>
                    <input id=quota_id type="text" name="quota" size="9" value=user.own_quota.clone()
                        placeholder="default" aria-describedby=quota_error_id.clone()
                        aria-invalid=move || (quota_shown() && has_error(quota.errors, "quota")).to_string()/>
                    <button type="submit">"Set quota"<span class="visually-hidden">{format!(" for {name}")}</span></button>
                </form>
                <Show when=quota_shown><FormMessages errors=quota.errors/></Show>
                <div id=quota_error_id class="field-errors">
                    <Show when=quota_shown><FieldMessages errors=quota.errors field="quota"/></Show>
                </div>
            </td>
            <td>
                {if user.is_active {
                    let whom = format!(" {name}");
                    view! {
                        <ConfirmForm action=format!("/admin/users/{id}/access/") question class="inline".to_owned()>
                            <input type="hidden" name="id" value=id/>
                            <button type="submit" class="danger">"Disable"<span class="visually-hidden">{whom}</span></button>
                        </ConfirmForm>
                    }.into_any()
                } else {
                    view! {
                        <form method="post" action=format!("/admin/users/{id}/access/") class="inline">
                            <input type="hidden" name="id" value=id/>
                            <input type="hidden" name="active" value="true"/>
                            <button type="submit">"Enable"<span class="visually-hidden">{format!(" {name}")}</span></button>
                        </form>
                    }.into_any()
                }}
                <Show when=access_shown><FormMessages errors=access.errors/></Show>
                <a class="button danger" href=format!("/admin/users/{id}/delete/")>
                    "Delete"<span class="visually-hidden">{format!(" {name}")}</span>
                </a>
            </td>
        </tr>
    }
}

#[component]
fn Invitations(invitations: Vec<ManagedInvitation>, made: Option<i32>) -> impl IntoView {
    let made = made.filter(|id| invitations.iter().any(|i| i.id == *id));
    let create = use_form::<CreateInvitation>();
    let errors = create.errors;
    let field_error =
        move |field: &'static str| move || errors.get().for_field(field).next().map(str::to_owned);
    view! {
        <section id="invitations" aria-labelledby="invitations-heading" class="card">
            <h2 id="invitations-heading">"Invitations"</h2>
            <p class="muted">"Sign-up by invitation (SIGNUP=invite) takes these links. Anyone with a link can sign up while it lasts."</p>
            <form method="post" action="/admin/invitations/new/" class="inline invite-form">
                <FormMessages errors/>
                <label for="invite-uses">"Sign-ups allowed"</label>
                <input id="invite-uses" type="number" name="uses" min="1" max="1000" value="1" required
                    aria-describedby="invite-uses-error"/>
                <label for="invite-days">"Valid for days"</label>
                <input id="invite-days" type="number" name="days" min="1" max="365" value="7" required
                    aria-describedby="invite-days-error"/>
                <button type="submit" class="primary">"Make invitation link"</button>
                <span id="invite-uses-error" class="field-error">{field_error("uses")}</span>
                <span id="invite-days-error" class="field-error">{field_error("days")}</span>
            </form>
            {made.map(|_| view! {
                <div class="alert success" role="status">
                    <p>"Invitation link made: it is the first below. Copy it and send it to the person you invite."</p>
                </div>
            })}
            {if invitations.is_empty() {
                view! { <p>"No invitation links can be used now."</p> }.into_any()
            } else {
                view! {
                    <ul class="invitations">
                        {invitations.into_iter().map(|invitation| view! { <InvitationItem invitation/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn InvitationItem(invitation: ManagedInvitation) -> impl IntoView {
    let id = invitation.id;
    let withdraw = use_form::<WithdrawInvitation>();
    let shown = is_about(withdraw, id);
    let link_id = format!("invitation-{id}");
    let expires = if invitation.expires_on.is_empty() {
        "does not expire".to_owned()
    } else {
        format!("valid until {}", invitation.expires_on)
    };
    view! {
        <li>
            <label for=link_id.clone()>{format!(
                "Invitation link ({} of {} used, {expires})",
                invitation.uses, invitation.max_uses
            )}</label>
            {match invitation.link {
                Some(link) => view! {
                    <input id=link_id type="text" readonly value=link class="invitation-link"/>
                }.into_any(),
                None => view! {
                    <input id=link_id type="text" readonly value="(made under another server key)"/>
                }.into_any(),
            }}
            <ConfirmForm action=format!("/admin/invitations/{id}/withdraw/") class="inline".to_owned()
                question="Withdraw this invitation? Its link stops working.".to_owned()>
                <input type="hidden" name="id" value=id/>
                <button type="submit" class="danger">"Withdraw"<span class="visually-hidden">{format!(" invitation {id}")}</span></button>
            </ConfirmForm>
            <Show when=shown><FormMessages errors=withdraw.errors/></Show>
        </li>
    }
}

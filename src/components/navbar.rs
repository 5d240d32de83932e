use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::theme_toggle::ThemeToggle;
use crate::model::user::use_current_user;

/// Whether this page is under a share link, whose visitors get no way into
/// the rest of the app (and no sight of who is logged in).
pub fn on_share_link() -> bool {
    use_location()
        .pathname
        .with_untracked(|p| p.starts_with("/s/"))
}

#[component]
pub fn NavBar() -> impl IntoView {
    if on_share_link() {
        return view! {
            <header class="navbar">
                <nav class="container navbar-inner" aria-label="Main">
                    <span class="brand">"Cloudtalents"</span>
                    <ul class="nav-links"><li><ThemeToggle/></li></ul>
                </nav>
            </header>
        }
        .into_any();
    }
    let links = match use_current_user() {
        Some(user) => view! {
            <li><a href="/upload/">"Upload image"</a></li>
            <li><a href="/images/">"My images"</a></li>
            <li><a href="/albums/">"Albums"</a></li>
            <li><a href="/shares/">"Shared links"</a></li>
            <li><a href="/trash/">"Trash"</a></li>
            {user.is_admin.then(|| view! { <li><a href="/admin/">"Admin"</a></li> })}
            <li><a class="username" href="/account/" title="Account">{user.username}</a></li>
            <li>
                <form method="post" action="/logout/" class="inline">
                    <button type="submit" class="link-button">"Log out"</button>
                </form>
            </li>
        }
        .into_any(),
        None => view! {
            <li><a href="/register/">"Sign up"</a></li>
            <li><a href="/login/">"Log in"</a></li>
        }
        .into_any(),
    };
    view! {
        <header class="navbar">
            <nav class="container navbar-inner" aria-label="Main">
                <a class="brand" href="/">"Cloudtalents"</a>
                <ul class="nav-links">
                    {links}
                    <li><ThemeToggle/></li>
                </ul>
            </nav>
        </header>
    }
    .into_any()
}

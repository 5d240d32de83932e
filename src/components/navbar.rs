use leptos::prelude::*;

use super::theme_toggle::ThemeToggle;
use crate::model::user::use_current_user;

#[component]
pub fn NavBar() -> impl IntoView {
    let links = match use_current_user() {
        Some(user) => view! {
            <li><a href="/upload/">"Upload image"</a></li>
            <li><a href="/images/">"My images"</a></li>
            <li><a href="/albums/">"Albums"</a></li>
            <li><a href="/trash/">"Trash"</a></li>
            <li><a class="username" href="/password/" title="Change password">{user.username}</a></li>
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
}

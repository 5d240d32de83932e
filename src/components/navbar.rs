use leptos::prelude::*;

use super::theme_toggle::ThemeToggle;

#[component]
pub fn NavBar() -> impl IntoView {
    view! {
        <header class="navbar">
            <nav class="container navbar-inner" aria-label="Main">
                <a class="brand" href="/">"Cloudtalents"</a>
                <ul class="nav-links">
                    <li><a href="/register/">"Sign up"</a></li>
                    <li><a href="/login/">"Log in"</a></li>
                    <li><ThemeToggle/></li>
                </ul>
            </nav>
        </header>
    }
}

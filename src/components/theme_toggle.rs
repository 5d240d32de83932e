//! Light/dark theme switch. It only works once the WASM has hydrated the
//! page, so it stays hidden until then (and the browser tests use it as proof
//! that hydration happened). The choice is kept in a cookie, which the server
//! reads to render `<html data-theme>` on the next page load.

use leptos::prelude::*;

use super::hydrated::count_hydrated_island;

pub const THEME_COOKIE: &str = "theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    /// The theme a `Cookie:` header asks for, if any.
    pub fn from_cookie_header(header: &str) -> Option<Self> {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == THEME_COOKIE)
            .and_then(|(_, value)| Self::parse(value))
    }

    /// The theme of the request being rendered (server side).
    pub fn from_request() -> Option<Self> {
        #[cfg(feature = "ssr")]
        {
            let parts = use_context::<http::request::Parts>()?;
            parts
                .headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(Self::from_cookie_header)
        }
        #[cfg(not(feature = "ssr"))]
        None
    }
}

#[island]
pub fn ThemeToggle() -> impl IntoView {
    count_hydrated_island();
    let hydrated = RwSignal::new(false);
    let dark = RwSignal::new(false);

    // Effects run only in the browser, after hydration.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        dark.set(browser::current() == Theme::Dark);
        hydrated.set(true);
    });

    let toggle = move |_| {
        let next = if dark.get_untracked() {
            Theme::Light
        } else {
            Theme::Dark
        };
        dark.set(next == Theme::Dark);
        #[cfg(feature = "hydrate")]
        browser::apply(next);
    };

    view! {
        <button
            type="button"
            class="theme-toggle"
            // Invisible until hydrated, but holding its place: appearing
            // must not move the navbar (no layout shift).
            class:unhydrated=move || !hydrated.get()
            aria-pressed=move || dark.get().to_string()
            title="Switch between light and dark theme"
            on:click=toggle
        >
            {move || if dark.get() { "Light theme" } else { "Dark theme" }}
        </button>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::JsCast;

    use super::{Theme, THEME_COOKIE};

    /// The theme in force: the `<html data-theme>` the server rendered, else
    /// the system preference.
    pub fn current() -> Theme {
        let window = leptos::prelude::window();
        let explicit = window
            .document()
            .and_then(|d| d.document_element())
            .and_then(|html| html.get_attribute("data-theme"))
            .and_then(|v| Theme::parse(&v));
        explicit.unwrap_or_else(|| {
            let prefers_dark = window
                .match_media("(prefers-color-scheme: dark)")
                .ok()
                .flatten()
                .is_some_and(|m| m.matches());
            if prefers_dark {
                Theme::Dark
            } else {
                Theme::Light
            }
        })
    }

    pub fn apply(theme: Theme) {
        let Some(document) = leptos::prelude::window().document() else {
            return;
        };
        if let Some(html) = document.document_element() {
            let _ = html.set_attribute("data-theme", theme.as_str());
        }
        if let Ok(html_document) = document.dyn_into::<web_sys::HtmlDocument>() {
            let _ = html_document.set_cookie(&format!(
                "{THEME_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                theme.as_str()
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_theme_cookie_among_others() {
        assert_eq!(
            Theme::from_cookie_header("id=abc; theme=dark; x=y"),
            Some(Theme::Dark)
        );
        assert_eq!(Theme::from_cookie_header("theme=light"), Some(Theme::Light));
        assert_eq!(Theme::from_cookie_header("theme=purple"), None);
        assert_eq!(Theme::from_cookie_header("xtheme=dark"), None);
        assert_eq!(Theme::from_cookie_header(""), None);
    }
}

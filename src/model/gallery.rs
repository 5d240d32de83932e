//! What a gallery page asks for (search words, order, favourites only, page)
//! and what it gets back. The query lives in the URL (`/images/?q=…`), so a
//! result page can be bookmarked and works without JavaScript.

use serde::{Deserialize, Serialize};

use super::image::ImageCard;

pub const PAGE_SIZE: u64 = 24;
/// Longest search, in characters; longer input is cut, not refused.
pub const SEARCH_MAX: usize = 200;
/// Search words beyond this many are ignored.
const SEARCH_WORDS_MAX: usize = 8;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Name,
    Edited,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Newest, Sort::Oldest, Sort::Name, Sort::Edited];

    /// Its value in the URL.
    pub fn param(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Name => "name",
            Sort::Edited => "edited",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Newest => "Newest first",
            Sort::Oldest => "Oldest first",
            Sort::Name => "Name A→Z",
            Sort::Edited => "Recently edited",
        }
    }

    /// Anything unknown is the default order.
    pub fn from_param(value: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| s.param() == value)
            .unwrap_or_default()
    }
}

/// One gallery request, as the URL carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GalleryQuery {
    /// The search, as typed (trimmed, at most [`SEARCH_MAX`] characters).
    pub q: String,
    /// Ignored while searching: results come best match first.
    pub sort: Sort,
    pub favourites: bool,
    /// 1-based.
    pub page: u64,
    /// Only this album's images (from the route, not the query string).
    pub album: Option<i32>,
}

impl Default for GalleryQuery {
    fn default() -> Self {
        Self {
            q: String::new(),
            sort: Sort::default(),
            favourites: false,
            page: 1,
            album: None,
        }
    }
}

impl GalleryQuery {
    /// Reads the URL's parameters (`param("q")` …); bad values fall back to
    /// the defaults rather than failing the page.
    pub fn from_params(param: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            q: param("q").map(|q| clean_search(&q)).unwrap_or_default(),
            sort: param("sort")
                .map(|s| Sort::from_param(&s))
                .unwrap_or_default(),
            favourites: param("favourites").is_some_and(|v| v == "1" || v == "on" || v == "true"),
            page: param("page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1)
                .max(1),
            album: None,
        }
    }

    pub fn is_search(&self) -> bool {
        !search_words(&self.q).is_empty()
    }

    /// The URL of page `page` of this query under `base` (`/images/`);
    /// defaults are left out, so the plain gallery stays `/images/`.
    pub fn url(&self, base: &str, page: u64) -> String {
        let mut params = form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            params.append_pair("q", &self.q);
        }
        if self.sort != Sort::default() {
            params.append_pair("sort", self.sort.param());
        }
        if self.favourites {
            params.append_pair("favourites", "1");
        }
        if page > 1 {
            params.append_pair("page", &page.to_string());
        }
        let params = params.finish();
        if params.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{params}")
        }
    }
}

/// Trims and shortens a search as typed.
pub fn clean_search(q: &str) -> String {
    q.trim().chars().take(SEARCH_MAX).collect()
}

/// The words of a search: runs of letters and digits, lowercased; anything
/// else separates words (and so can never reach a query as syntax).
pub fn search_words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(SEARCH_WORDS_MAX)
        .map(str::to_lowercase)
        .collect()
}

/// What the selection bar does to the selected images.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkAction {
    Trash,
    AddToAlbum(i32),
    RemoveFromAlbum(i32),
    /// Makes an album of this name holding the selection.
    NewAlbum(String),
}

impl BulkAction {
    /// From a form's `action` (`trash`, `add`, `remove`, `new`), `album`
    /// (the one chosen to add to), `in_album` (the one shown) and
    /// `new_album` (a new album's name) fields.
    pub fn from_form(
        action: &str,
        album: Option<i32>,
        in_album: Option<i32>,
        new_album: &str,
    ) -> Option<Self> {
        match action {
            "trash" => Some(BulkAction::Trash),
            "add" => album.map(BulkAction::AddToAlbum),
            "remove" => in_album.map(BulkAction::RemoveFromAlbum),
            "new" => Some(BulkAction::NewAlbum(new_album.to_owned())),
            _ => None,
        }
    }
}

/// The URL of the ZIP of images `ids`.
pub fn zip_url(ids: &[i32]) -> String {
    let mut params = form_urlencoded::Serializer::new(String::new());
    for id in ids {
        params.append_pair("ids", &id.to_string());
    }
    format!("/images/zip/?{}", params.finish())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GalleryPage {
    pub images: Vec<ImageCard>,
    /// 1-based.
    pub page: u64,
    pub pages: u64,
    pub total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> GalleryQuery {
        GalleryQuery::from_params(|name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn urls_keep_the_query_and_leave_out_defaults() {
        assert_eq!(query(&[]).url("/images/", 1), "/images/");
        let q = query(&[("q", " Café & co "), ("sort", "name"), ("favourites", "1")]);
        assert_eq!(
            q.url("/images/", 3),
            "/images/?q=Caf%C3%A9+%26+co&sort=name&favourites=1&page=3"
        );
        assert_eq!(query(&[("sort", "bogus"), ("page", "-2")]), query(&[]));
    }

    #[test]
    fn search_words_are_letters_and_digits_only() {
        assert_eq!(
            search_words(r#"Cat* "OR" dog-2"#),
            ["cat", "or", "dog", "2"]
        );
        assert!(search_words(" ** () ").is_empty());
        assert_eq!(search_words("a b c d e f g h i j").len(), SEARCH_WORDS_MAX);
    }
}

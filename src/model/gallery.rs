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

/// Where a gallery page starts. Pages follow one another by the image
/// next to them (keyset paging), so a page costs the same at any depth of
/// a large library; search results, ranked per query, go by number.
///
/// On the wire (a server function's argument, a page's links) it is one
/// short string: `start`, `7`, `after:17`, `before:9` or `last`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum PageAt {
    /// The start of the order.
    #[default]
    Start,
    /// Page `n` of the order (`page=n`), skipping the pages before it.
    Number(u64),
    /// The images after this one (`after=<id>`).
    After(i32),
    /// The images before this one (`before=<id>`).
    Before(i32),
    /// The end of the order (`page=last`).
    Last,
}

impl From<PageAt> for String {
    fn from(at: PageAt) -> String {
        match at {
            PageAt::Start => "start".to_owned(),
            PageAt::Number(n) => n.to_string(),
            PageAt::After(id) => format!("after:{id}"),
            PageAt::Before(id) => format!("before:{id}"),
            PageAt::Last => "last".to_owned(),
        }
    }
}

impl TryFrom<String> for PageAt {
    type Error = &'static str;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        const BAD: &str = "not a page position";
        Ok(match value.split_once(':') {
            None if value == "start" => PageAt::Start,
            None if value == "last" => PageAt::Last,
            None => PageAt::Number(value.parse().map_err(|_| BAD)?),
            Some(("after", id)) => PageAt::After(id.parse().map_err(|_| BAD)?),
            Some(("before", id)) => PageAt::Before(id.parse().map_err(|_| BAD)?),
            Some(_) => return Err(BAD),
        })
    }
}

/// One gallery request, as the URL carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GalleryQuery {
    /// The search, as typed (trimmed, at most [`SEARCH_MAX`] characters).
    pub q: String,
    /// Ignored while searching: results come best match first.
    pub sort: Sort,
    pub favourites: bool,
    /// Where the page starts.
    pub at: PageAt,
    /// The page's number as the link that led here says it (1-based);
    /// shown, not trusted: the server clamps it.
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
            at: PageAt::Start,
            page: 1,
            album: None,
        }
    }
}

impl GalleryQuery {
    /// Reads the URL's parameters (`param("q")` …); bad values fall back to
    /// the defaults rather than failing the page.
    pub fn from_params(param: impl Fn(&str) -> Option<String>) -> Self {
        let id = |name: &str| param(name).and_then(|v| v.parse::<i32>().ok());
        let page_param = param("page");
        let page = page_param
            .as_deref()
            .and_then(|p| p.parse().ok())
            .unwrap_or(1u64)
            .max(1);
        let at = match (id("after"), id("before"), page_param.as_deref()) {
            (Some(after), _, _) => PageAt::After(after),
            (None, Some(before), _) => PageAt::Before(before),
            (None, None, Some("last")) => PageAt::Last,
            _ if page > 1 => PageAt::Number(page),
            _ => PageAt::Start,
        };
        Self {
            q: param("q").map(|q| clean_search(&q)).unwrap_or_default(),
            sort: param("sort")
                .map(|s| Sort::from_param(&s))
                .unwrap_or_default(),
            favourites: param("favourites").is_some_and(|v| v == "1" || v == "on" || v == "true"),
            at,
            page,
            album: None,
        }
    }

    pub fn is_search(&self) -> bool {
        !search_words(&self.q).is_empty()
    }

    /// The URL of the page at `at`, numbered `page`, of this query under
    /// `base` (`/images/`); defaults are left out, so the plain gallery
    /// stays `/images/`.
    pub fn url(&self, base: &str, at: PageAt, page: u64) -> String {
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
        match at {
            PageAt::Start => {}
            PageAt::Number(n) if n <= 1 => {}
            PageAt::Number(n) => {
                params.append_pair("page", &n.to_string());
            }
            PageAt::After(id) | PageAt::Before(id) => {
                let name = if matches!(at, PageAt::After(_)) {
                    "after"
                } else {
                    "before"
                };
                params.append_pair(name, &id.to_string());
                params.append_pair("page", &page.max(1).to_string());
            }
            PageAt::Last => {
                params.append_pair("page", "last");
            }
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
    /// Where this page starts, as its URL says it (after the server's
    /// fallbacks: a cursor past the end shows the last page).
    pub at: PageAt,
    /// 1-based.
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    /// Where the pages before and after this one, and the last one,
    /// start; `None` where there is no such page (the first page is
    /// always [`PageAt::Start`]).
    pub prev: Option<PageAt>,
    pub next: Option<PageAt>,
    pub last: Option<PageAt>,
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
        assert_eq!(query(&[]).url("/images/", PageAt::Start, 1), "/images/");
        let q = query(&[("q", " Café & co "), ("sort", "name"), ("favourites", "1")]);
        assert_eq!(
            q.url("/images/", PageAt::Number(3), 3),
            "/images/?q=Caf%C3%A9+%26+co&sort=name&favourites=1&page=3"
        );
        assert_eq!(query(&[("sort", "bogus"), ("page", "-2")]), query(&[]));
    }

    #[test]
    fn page_positions_round_trip_through_the_url() {
        let plain = query(&[]);
        for (at, page, url) in [
            (PageAt::Start, 1, "/images/"),
            (PageAt::Number(1), 1, "/images/"),
            (PageAt::Number(4), 4, "/images/?page=4"),
            (PageAt::After(17), 5, "/images/?after=17&page=5"),
            (PageAt::Before(9), 2, "/images/?before=9&page=2"),
            (PageAt::Last, 1, "/images/?page=last"),
        ] {
            assert_eq!(plain.url("/images/", at, page), url);
            let (_, params) = url.split_once('?').unwrap_or((url, ""));
            let pairs: Vec<(String, String)> = form_urlencoded::parse(params.as_bytes())
                .into_owned()
                .collect();
            let back = GalleryQuery::from_params(|name| {
                pairs
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
            });
            let expected = match at {
                PageAt::Number(1) => PageAt::Start,
                other => other,
            };
            assert_eq!(back.at, expected, "{url}");
        }
        // A cursor that is not an image id is ignored.
        assert_eq!(query(&[("after", "x'--")]).at, PageAt::Start);
        for at in [
            PageAt::Start,
            PageAt::Number(3),
            PageAt::After(17),
            PageAt::Before(-2),
            PageAt::Last,
        ] {
            assert_eq!(PageAt::try_from(String::from(at)), Ok(at));
        }
        assert!(PageAt::try_from("after:x".to_owned()).is_err());
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

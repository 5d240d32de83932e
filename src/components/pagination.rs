//! Page links under a grid: plain links, so paging works without
//! JavaScript and every page has its own URL.

use leptos::prelude::*;

use crate::model::gallery::PageAt;

/// How many page numbers are linked on each side of the current one.
const AROUND: u64 = 2;

/// Links to the pages of a list now on `page` (of `pages`): the first,
/// the last and those around the current one, so a long list does not
/// print thousands of links; `link(n)` is page `n`'s URL. `external`:
/// each link loads a whole page from the server rather than a client-side
/// navigation (a share link's page, whose password cookie only its own
/// path receives).
#[component]
pub fn Pagination(
    page: u64,
    pages: u64,
    link: impl Fn(u64) -> String + 'static,
    #[prop(optional)] external: bool,
) -> impl IntoView {
    let rel = move |r: &str| {
        if external {
            format!("{r} external").trim().to_owned()
        } else {
            r.to_owned()
        }
    };
    (pages > 1).then(|| {
        view! {
            <nav class="pagination" aria-label="Pages">
                {(page > 1).then(|| view! { <a class="button" rel=rel("prev") href=link(page - 1)>"← Previous"</a> })}
                <ol>
                    {shown_pages(page, pages)
                        .into_iter()
                        .map(|n| match n {
                            None => view! { <li aria-hidden="true">"…"</li> }.into_any(),
                            Some(n) if n == page => view! { <li><span aria-current="page">{n}</span></li> }.into_any(),
                            Some(n) => view! { <li><a rel=rel("") href=link(n)>{n}</a></li> }.into_any(),
                        })
                        .collect_view()}
                </ol>
                {(page < pages).then(|| view! { <a class="button" rel=rel("next") href=link(page + 1)>"Next →"</a> })}
            </nav>
        }
    })
}

/// The page numbers to link, in order, with `None` where numbers are left
/// out.
fn shown_pages(page: u64, pages: u64) -> Vec<Option<u64>> {
    let low = page.saturating_sub(AROUND).max(1);
    let high = (page + AROUND).min(pages);
    let mut shown = Vec::new();
    if low > 1 {
        shown.push(Some(1));
        if low > 2 {
            shown.push(None);
        }
    }
    shown.extend((low..=high).map(Some));
    if high < pages {
        if high + 1 < pages {
            shown.push(None);
        }
        shown.push(Some(pages));
    }
    shown
}

/// Steps through a list paged by position (the gallery's keyset pages):
/// first, previous, next and last, with the page's number between.
/// `link(at, n)` is the URL of the page starting at `at`, numbered `n`.
#[component]
pub fn PageSteps(
    page: u64,
    pages: u64,
    prev: Option<PageAt>,
    next: Option<PageAt>,
    last: Option<PageAt>,
    link: impl Fn(PageAt, u64) -> String + 'static,
) -> impl IntoView {
    (prev.is_some() || next.is_some()).then(|| {
        view! {
            <nav class="pagination" aria-label="Pages">
                {prev.map(|at| view! {
                    <a class="button" href=link(PageAt::Start, 1)>"« First"</a>
                    <a class="button" rel="prev" href=link(at, page.saturating_sub(1).max(1))>"← Previous"</a>
                })}
                <span class="page-of" aria-current="page">{format!("Page {page} of {pages}")}</span>
                {next.map(|at| view! { <a class="button" rel="next" href=link(at, page + 1)>"Next →"</a> })}
                {last.map(|at| view! { <a class="button" href=link(at, pages)>"Last »"</a> })}
            </nav>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::shown_pages;

    #[test]
    fn long_lists_link_the_ends_and_the_pages_around() {
        let all = |v: &[u64]| v.iter().map(|&n| Some(n)).collect::<Vec<_>>();
        assert_eq!(shown_pages(1, 3), all(&[1, 2, 3]));
        assert_eq!(
            shown_pages(1, 9),
            [all(&[1, 2, 3]), vec![None], all(&[9])].concat()
        );
        assert_eq!(
            shown_pages(50, 4000),
            [
                all(&[1]),
                vec![None],
                all(&[48, 49, 50, 51, 52]),
                vec![None],
                all(&[4000])
            ]
            .concat()
        );
        assert_eq!(shown_pages(4, 6), all(&[1, 2, 3, 4, 5, 6]));
    }
}

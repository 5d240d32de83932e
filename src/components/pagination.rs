//! Page links under a grid: plain links, so paging works without
//! JavaScript and every page has its own URL.

use leptos::prelude::*;

/// Links to pages `1..=pages` of a list now on `page`; `link(n)` is page
/// `n`'s URL. `external`: each link loads a whole page from the server
/// rather than a client-side navigation (a share link's page, whose
/// password cookie only its own path receives).
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
                    {(1..=pages)
                        .map(|n| {
                            if n == page {
                                view! { <li><span aria-current="page">{n}</span></li> }.into_any()
                            } else {
                                view! { <li><a rel=rel("") href=link(n)>{n}</a></li> }.into_any()
                            }
                        })
                        .collect_view()}
                </ol>
                {(page < pages).then(|| view! { <a class="button" rel=rel("next") href=link(page + 1)>"Next →"</a> })}
            </nav>
        }
    })
}

//! How much of their quota a user has used: a labelled `<meter>` and the
//! same in words.

use leptos::prelude::*;

use crate::{api::accounts::storage_used, model::user::StorageUsage};

/// "Storage used: 1.9 GB of 2 GB" with a meter that turns to the warning
/// colour past 80 % and the error colour past 95 % (the browser's own
/// `low`/`high` rules); just the total when there is no quota.
#[component]
pub fn UsageBar() -> impl IntoView {
    let usage = Resource::new_blocking(|| (), |_| storage_used());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                usage.await.ok().map(|usage| view! { <UsageMeter usage/> })
            })}
        </Suspense>
    }
}

#[component]
fn UsageMeter(usage: StorageUsage) -> impl IntoView {
    let summary = usage.summary();
    match usage.quota_bytes {
        Some(quota) => {
            // A meter's numbers are floats; bytes in GB keep them readable
            // in the markup.
            let gb = |bytes: u64| bytes as f64 / 1e9;
            let max = gb(quota).max(f64::MIN_POSITIVE);
            view! {
                <div class="usage">
                    <label for="storage-used">"Storage used"</label>
                    <meter id="storage-used" min="0" max=max value=gb(usage.used_bytes).min(max)
                        low=max * 0.8 high=max * 0.95 optimum="0">{summary.clone()}</meter>
                    <span class="usage-text">{summary}</span>
                </div>
            }
            .into_any()
        }
        None => view! {
            <p class="usage">"Storage used: " <span class="usage-text">{summary}</span></p>
        }
        .into_any(),
    }
}

use leptos::prelude::*;
use leptos_meta::Title;

/// `/logout/`: logging out is a POST (the navbar button); a GET only asks.
#[component]
pub fn LogoutPage() -> impl IntoView {
    view! {
        <Title text="Log out"/>
        <section class="card narrow">
            <h1>"Log out"</h1>
            <p>"Do you want to log out of Cloudtalents?"</p>
            <form method="post" action="/logout/">
                <button type="submit" class="primary">"Log out"</button>
            </form>
        </section>
    }
}

//! The HTML shell and the route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::{
    components::{navbar::NavBar, theme_toggle::Theme},
    model::user::provide_current_user,
    pages::{
        account::{AccountPage, PasswordDonePage},
        activity::{ActivityPage, AdminActivityPage},
        admin::AdminPage,
        admin_delete::DeleteUserPage,
        albums::{AlbumPage, AlbumsPage, NewAlbumPage},
        gallery::ImagesPage,
        home::HomePage,
        image_detail::ImageDetailPage,
        login::LoginPage,
        login_code::LoginCodePage,
        logout::LogoutPage,
        not_found::NotFoundPage,
        register::RegisterPage,
        shared::SharedPage,
        shares::{EditSharePage, NewSharePage, SharesPage},
        trash::TrashPage,
        two_factor::{RecoveryCodesPage, TwoFactorSetupPage},
        upload::UploadPage,
    },
};

/// The whole document, rendered on the server only. `<html data-theme>` comes
/// from the visitor's theme cookie so the page never flashes the wrong theme.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    let theme = Theme::from_request().map(Theme::as_str);
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=theme>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Scripts only from us or carrying this response's nonce (Leptos puts it on
/// its inline hydration scripts); WASM may be compiled; nothing may frame us.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:; connect-src 'self' blob:; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_current_user();

    view! {
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Title formatter=|page: String| {
            if page.is_empty() { "Cloudtalents".to_owned() } else { format!("{page} · Cloudtalents") }
        }/>
        <Router>
            <NavBar/>
            <main class="container">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage/>
                    // Async: the form waits for the sign-up mode (a page
                    // without JavaScript gets it whole).
                    <Route path=path!("/register/") view=RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/login/") view=LoginPage/>
                    <Route path=path!("/login/code/") view=LoginCodePage/>
                    <Route path=path!("/logout/") view=LogoutPage/>
                    <Route path=path!("/password/done/") view=PasswordDonePage/>
                    // The account page and its forms' URLs (a failed plain
                    // post shows the page again at the form's URL).
                    <Route path=path!("/account/") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/two-factor/off/") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/two-factor/") view=TwoFactorSetupPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/two-factor/codes/") view=RecoveryCodesPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/activity/") view=ActivityPage ssr=SsrMode::Async/>
                    // Behind login: see `server::http::layers::PROTECTED_PATHS`.
                    // Async: pages with data arrive whole, for browsers without
                    // JavaScript (streamed parts would need a script to land).
                    <Route path=path!("/images/") view=ImagesPage ssr=SsrMode::Async/>
                    <Route path=path!("/images/:id/") view=ImageDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/upload/") view=UploadPage ssr=SsrMode::Async/>
                    <Route path=path!("/trash/") view=TrashPage ssr=SsrMode::Async/>
                    <Route path=path!("/albums/") view=AlbumsPage ssr=SsrMode::Async/>
                    <Route path=path!("/albums/new/") view=NewAlbumPage/>
                    <Route path=path!("/albums/:id/") view=AlbumPage ssr=SsrMode::Async/>
                    <Route path=path!("/shares/") view=SharesPage ssr=SsrMode::Async/>
                    // Admins only (others: 404). A failed plain post of one
                    // of its forms shows the page again at the form's URL.
                    <Route path=path!("/admin/") view=AdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users/:id/quota/") view=AdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users/:id/access/") view=AdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/invitations/new/") view=AdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users/:id/delete/") view=DeleteUserPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/activity/") view=AdminActivityPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/invitations/:id/withdraw/") view=AdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/shares/new/") view=NewSharePage ssr=SsrMode::Async/>
                    <Route path=path!("/shares/:id/") view=EditSharePage ssr=SsrMode::Async/>
                    // Open to anyone with the link; see `pages::shared`.
                    <Route path=path!("/s/:token") view=SharedPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

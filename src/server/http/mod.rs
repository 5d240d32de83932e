//! The axum router: Leptos pages and server functions, the no-JavaScript
//! form posts, uploads, media, `/healthz`, static files, and the layers
//! every request goes through.

pub mod forms;
pub mod health;
pub mod layers;
pub mod media;
pub mod selection;
pub mod shared;
pub mod upload;

use std::{
    collections::HashSet,
    sync::{Arc, OnceLock},
    time::Duration,
};

use axum::{
    body::Body,
    extract::{DefaultBodyLimit, Request},
    http::{header, HeaderValue, Response},
    middleware::{from_fn, from_fn_with_state},
    routing::{get, post},
    Router,
};
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower::ServiceBuilder;
use tower_http::{
    compression::{
        predicate::{NotForContentType, Predicate},
        CompressionLayer, DefaultPredicate,
    },
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};
use tracing::Span;

use super::{
    auth::{client_ip, csrf, session},
    state::AppState,
};
use crate::{
    api::{accounts, admin, albums, images, shares, trash, two_factor},
    app::{shell, App},
};
use forms::submit;

/// The Leptos pages' routes, found once per process. Finding them runs
/// the app with resource loading switched off by a process-wide flag
/// (leptos_server's `SuppressResourceLoad`): a resource first polled
/// anywhere in the process meanwhile, by a request to another router
/// built here (the tests run many servers in one process), waits forever
/// (leptos-rs/leptos#4773). Once, before any router exists, nothing can be
/// serving yet.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Every route inside the layers (sessions, CSRF, security headers): a
/// route added to the returned router later would be outside them.
pub fn router(state: AppState) -> Router {
    let page_routes = page_routes();
    let page_paths: Arc<HashSet<String>> =
        Arc::new(page_routes.iter().map(|r| r.path().to_owned()).collect());
    let leptos_options = state.leptos_options.clone();

    let routes = Router::new()
        .route("/healthz", get(health::healthz))
        // Each form page's plain post runs its server function.
        .route("/register/", post(submit::<accounts::Register>))
        .route("/login/", post(submit::<accounts::Login>))
        .route("/login/code/", post(submit::<accounts::LoginCode>))
        .route("/logout/", post(submit::<accounts::Logout>))
        .route("/account/", post(submit::<accounts::ChangePassword>))
        .route(
            "/account/two-factor/",
            post(submit::<two_factor::EnableTwoFactor>),
        )
        .route(
            "/account/two-factor/off/",
            post(submit::<two_factor::DisableTwoFactor>),
        )
        .route("/images/{id}/", post(submit::<images::UpdateImage>))
        .route(
            "/images/{id}/favourite/",
            post(submit::<images::SetFavourite>),
        )
        .route("/images/{id}/trash/", post(submit::<images::TrashImage>))
        .route("/images/{id}/download/", get(media::download))
        .route("/images/bulk/", post(selection::bulk_post))
        .route("/images/zip/", get(selection::zip))
        .route("/trash/{id}/restore/", post(submit::<trash::RestoreImage>))
        .route("/trash/{id}/delete/", post(submit::<trash::DeleteForever>))
        .route("/trash/empty/", post(submit::<trash::EmptyTrash>))
        .route("/albums/new/", post(submit::<albums::CreateAlbum>))
        .route("/albums/{id}/", post(submit::<albums::UpdateAlbum>))
        .route("/albums/{id}/delete/", post(submit::<albums::DeleteAlbum>))
        .route("/albums/add/", post(submit::<albums::AddToAlbum>))
        .route("/albums/remove/", post(submit::<albums::RemoveFromAlbum>))
        .route("/albums/cover/", post(submit::<albums::SetAlbumCover>))
        .route("/trash/{id}/thumb/", get(media::trashed_thumb))
        .route("/shares/new/", post(submit::<shares::CreateShare>))
        .route(
            "/admin/users/{id}/quota/",
            post(submit::<admin::SetUserQuota>),
        )
        .route(
            "/admin/users/{id}/access/",
            post(submit::<admin::SetUserActive>),
        )
        .route(
            "/admin/users/{id}/delete/",
            post(submit::<admin::DeleteUser>),
        )
        .route(
            "/admin/invitations/new/",
            post(submit::<admin::CreateInvitation>),
        )
        .route(
            "/admin/invitations/{id}/withdraw/",
            post(submit::<admin::WithdrawInvitation>),
        )
        .route("/shares/{id}/", post(submit::<shares::UpdateShare>))
        .route("/shares/{id}/revoke/", post(submit::<shares::RevokeShare>))
        // A share link: its password form, its images, its downloads.
        .route("/s/{token}", post(submit::<shares::UnlockShare>))
        .route("/s/{token}/media/{id}/{copy}", get(shared::media))
        .route("/s/{token}/download/{id}", get(shared::download))
        .route("/s/{token}/zip", get(shared::zip))
        .route(
            "/upload/",
            post(upload::upload).layer(DefaultBodyLimit::max(
                (state.config.uploads.max_bytes + upload::FORM_OVERHEAD) as usize,
            )),
        )
        .route("/media/{key}/{file}", get(media::serve))
        .leptos_routes(&state, page_routes, move || shell(leptos_options.clone()))
        // Files under the site root (/pkg/*, /favicon.svg, …); anything else
        // renders the app's 404 page with status 404.
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state.clone());

    // Around the whole router, outermost first. (`Router::layer` would wrap
    // every route in all of them, and axum clones a route's whole stack of
    // boxed services on each request: a tenth of a gallery page's CPU.)
    // Axum empties a HEAD response's body inside these now, so a HEAD
    // answer is not compressed; its GET is.
    let layered = ServiceBuilder::new()
        // One line per request: method, path, status and duration.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<Body>| {
                    let path = layers::loggable_path(req.uri().path());
                    tracing::info_span!("http", method = %req.method(), path = %path)
                })
                .on_request(())
                .on_response(|res: &Response<_>, latency: Duration, _span: &Span| {
                    tracing::info!(
                        status = res.status().as_u16(),
                        ms = format_args!("{:.1}", latency.as_secs_f64() * 1000.0),
                        "request"
                    );
                }),
        )
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // ZIPs of images do not shrink; don't spend CPU on them.
        .layer(CompressionLayer::new().compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new("application/zip")),
        ))
        .layer(from_fn_with_state(
            state.leptos_options.hash_files,
            layers::cache_control,
        ))
        .layer(from_fn_with_state(page_paths, layers::add_trailing_slash))
        .layer(from_fn_with_state(state.clone(), csrf::reject_cross_site))
        .layer(from_fn_with_state(state.clone(), client_ip::add_client_ip))
        .layer(session::layer(state.session_store.clone(), &state.config))
        .layer(from_fn_with_state(
            state.clone(),
            session::load_current_user,
        ))
        .layer(from_fn(layers::guard_pages))
        .layer(from_fn(layers::share_link_headers))
        .layer(from_fn(layers::server_fn_error_status))
        .service(routes);
    Router::new().fallback_service(layered)
}

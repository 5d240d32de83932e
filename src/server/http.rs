//! The axum router: Leptos pages and server functions, the no-JavaScript
//! form posts, `/healthz`, static files, and the layers every request goes
//! through.

use std::{collections::HashSet, sync::Arc, time::Duration};

use axum::{
    body::Body,
    extract::{DefaultBodyLimit, Request, State},
    http::{header, HeaderValue, Method, Response, StatusCode},
    middleware::{from_fn, from_fn_with_state, Next},
    response::{IntoResponse, Redirect},
    routing::{get, post},
    Router,
};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::{
    compression::CompressionLayer, set_header::SetResponseHeaderLayer, trace::TraceLayer,
};
use tracing::Span;

use super::{
    auth::{client_ip, csrf, session},
    forms, health, images,
    state::AppState,
};
use crate::app::{shell, App};

/// Pages only a logged-in user may see; others are sent to log in first.
pub const PROTECTED_PATHS: &[&str] = &["/images/", "/upload/", "/password/"];
/// Pages a logged-in user has no use for; they go to their gallery.
const LOGGED_OUT_ONLY: &[&str] = &["/", "/login/", "/register/"];

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let page_paths: Arc<HashSet<String>> =
        Arc::new(routes.iter().map(|r| r.path().to_owned()).collect());
    let leptos_options = state.leptos_options.clone();

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/register/", post(forms::register))
        .route("/login/", post(forms::login))
        .route("/logout/", post(forms::logout))
        .route("/password/", post(forms::change_password))
        .route(
            "/upload/",
            post(images::upload::upload).layer(DefaultBodyLimit::max(
                (state.config.uploads.max_bytes + images::upload::FORM_OVERHEAD) as usize,
            )),
        )
        .route("/images/{id}/", post(forms::update_image))
        .route("/images/{id}/delete/", post(forms::delete_image))
        .route("/media/{key}/{file}", get(images::media::serve))
        .leptos_routes(&state, routes, move || shell(leptos_options.clone()))
        // Files under the site root (/pkg/*, /favicon.svg, …); anything else
        // renders the app's 404 page with status 404.
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // Layers: the last added runs first on the way in.
        .layer(from_fn(server_fn_error_status))
        .layer(from_fn(guard_pages))
        .layer(from_fn_with_state(state.clone(), session::load_current_user))
        .layer(session::layer(state.session_store.clone(), &state.config))
        .layer(from_fn_with_state(state.clone(), client_ip::add_client_ip))
        .layer(from_fn_with_state(state.clone(), csrf::reject_cross_site))
        .layer(from_fn_with_state(page_paths, add_trailing_slash))
        .layer(from_fn_with_state(state.leptos_options.hash_files, cache_control))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // One line per request: method, path, status and duration.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<Body>| {
                    tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
                })
                .on_request(())
                .on_response(|res: &Response<Body>, latency: Duration, _span: &Span| {
                    tracing::info!(
                        status = res.status().as_u16(),
                        ms = format_args!("{:.1}", latency.as_secs_f64() * 1000.0),
                        "request"
                    );
                }),
        )
        .with_state(state)
}

/// Logged-out visitors of a protected page go to `/login/?next=<page>`;
/// logged-in visitors of `/`, `/login/` or `/register/` go to `/images/`.
async fn guard_pages(req: Request, next: Next) -> Response<Body> {
    let path = req.uri().path();
    let logged_in = req.extensions().get::<session::CurrentUser>().is_some();
    let is_page_request = matches!(*req.method(), Method::GET | Method::HEAD | Method::POST);
    if is_page_request && !logged_in && PROTECTED_PATHS.iter().any(|p| path.starts_with(p)) {
        let here = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or(path);
        let target = format!("/login/?next={}", url_encode(here));
        return Redirect::to(&target).into_response();
    }
    if logged_in && req.method() == Method::GET && LOGGED_OUT_ONLY.contains(&path) {
        return Redirect::to("/images/").into_response();
    }
    next.run(req).await
}

/// server_fn answers every error it meets before our code runs (a missing
/// or malformed argument) with 500. Our errors carry their own status, so
/// restore it: a bad request is the client's fault, not ours.
async fn server_fn_error_status(req: Request, next: Next) -> Response<Body> {
    let is_server_fn = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_server_fn || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    if let Ok(err) = serde_json::from_slice::<crate::error::AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(err.status()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// `/register` → 308 `/register/`, as the old app did for its URLs.
async fn add_trailing_slash(
    State(page_paths): State<Arc<HashSet<String>>>,
    req: Request,
    next: Next,
) -> Response<Body> {
    let path = req.uri().path();
    if matches!(*req.method(), Method::GET | Method::HEAD) && !path.ends_with('/') {
        let with_slash = format!("{path}/");
        if page_paths.contains(&with_slash) {
            let query = req
                .uri()
                .query()
                .map(|q| format!("?{q}"))
                .unwrap_or_default();
            return (
                StatusCode::PERMANENT_REDIRECT,
                [(header::LOCATION, format!("{with_slash}{query}"))],
            )
                .into_response();
        }
    }
    next.run(req).await
}

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Pages are per-user and must not be stored by shared caches. Build output
/// under /pkg/ is immutable when its names carry content hashes; otherwise
/// browsers revalidate it (cheap: ServeDir answers 304 from Last-Modified).
async fn cache_control(
    State(hashed_assets): State<bool>,
    req: Request,
    next: Next,
) -> Response<Body> {
    let is_asset = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    if res.headers().contains_key(header::CACHE_CONTROL) {
        return res;
    }
    if is_asset && hashed_assets && res.status().is_success() {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
        return res;
    }
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let value = if is_html {
        "private, no-cache"
    } else {
        "public, no-cache"
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

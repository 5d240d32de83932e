//! The axum router: Leptos pages and server functions, `/healthz`, static
//! files, and the layers every response goes through.

use std::time::Duration;

use axum::{
    body::Body,
    http::{header, HeaderValue, Request, Response},
    routing::get,
    Router,
};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::{
    compression::CompressionLayer, set_header::SetResponseHeaderLayer, trace::TraceLayer,
};
use tracing::Span;

use super::{health, state::AppState};
use crate::app::{shell, App};

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();

    Router::new()
        .route("/healthz", get(health::healthz))
        .leptos_routes(&state, routes, move || shell(leptos_options.clone()))
        // Files under the site root (/pkg/*, /favicon.svg, …); anything else
        // renders the app's 404 page with status 404.
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::map_response(cache_control))
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

/// Pages are per-user and must not be stored by shared caches; build output
/// under /pkg/ keeps a stable name between builds, so browsers revalidate it
/// (cheap: ServeDir answers 304 from Last-Modified).
async fn cache_control(mut res: Response<Body>) -> Response<Body> {
    if res.headers().contains_key(header::CACHE_CONTROL) {
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

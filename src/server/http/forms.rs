//! Plain form posts: how every form page's form is sent (forms are not
//! islands). A form page's `POST` runs the page's server function (the one
//! an island would call), with the arguments read from the same fields (and from the
//! route: `/images/{id}/` names the image). Success redirects (303) to the
//! function's answer; an error renders the same page again with the
//! messages, what was typed (never passwords) and the error's status.

use axum::{
    body::Body,
    extract::{rejection::RawPathParamsRejection, RawPathParams, Request, State},
    http::{request::Parts, Method},
    response::{IntoResponse, Redirect, Response},
};
use leptos::{
    prelude::provide_context,
    reactive::{computed::ScopedFuture, owner::Owner},
    server_fn::ServerFn,
};
use leptos_axum::ResponseOptions;
use serde::de::DeserializeOwned;

use crate::{
    api::FormSuccess,
    app::shell,
    components::form::{form_key, FormFeedback},
    error::AppError,
    server::state::AppState,
};

use super::layers::url_encode;

/// Far more than any of our forms holds; uploads have their own handler.
const BODY_LIMIT: usize = 256 * 1024;
/// Echoing back a 10 000-character value helps nobody.
const ECHO_MAX_CHARS: usize = 6_000;

/// The handler of a form page's `POST` whose server function is `S`.
pub async fn submit<S>(
    State(state): State<AppState>,
    // Absent on routes without parameters (`/login/`).
    path_params: Result<RawPathParams, RawPathParamsRejection>,
    req: Request,
) -> Response
where
    S: ServerFn<Error = AppError> + DeserializeOwned + 'static,
    S::Output: FormSuccess,
{
    let (parts, body) = req.into_parts();
    let route_params: Vec<(String, String)> = path_params
        .map(|params| {
            params
                .iter()
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .collect()
        })
        .unwrap_or_default();
    let fields = match read_fields(body).await {
        Ok(mut fields) => {
            // The route's parameters win over fields of the same name.
            fields.retain(|(name, _)| !route_params.iter().any(|(p, _)| p == name));
            fields.extend(route_params);
            fields
        }
        Err(error) => return render(state, parts, feedback::<S>(vec![], error)).await,
    };
    let echoed = echo(&fields);
    let response = ResponseOptions::default();
    let result = match serde_urlencoded::to_string(&fields)
        .ok()
        .and_then(|encoded| serde_urlencoded::from_str::<S>(&encoded).ok())
    {
        Some(args) => run(&state, &parts, response.clone(), args).await,
        None => Err(AppError::BadRequest(
            "the form is missing a field or has a malformed one".into(),
        )),
    };
    match result {
        Ok(success) => {
            let mut res = Redirect::to(&success.next_url()).into_response();
            // What the function set (a cookie) goes with the redirect.
            if let Ok(set) = response.0.read() {
                for (name, value) in &set.headers {
                    res.headers_mut().append(name, value.clone());
                }
            }
            res
        }
        Err(AppError::Unauthenticated) => {
            Redirect::to(&format!("/login/?next={}", url_encode(parts.uri.path()))).into_response()
        }
        Err(error) => render(state, parts, feedback::<S>(echoed, error)).await,
    }
}

async fn read_fields(body: Body) -> Result<Vec<(String, String)>, AppError> {
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| AppError::BadRequest("the form is too large".into()))?;
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes).map_err(|e| {
        AppError::BadRequest(format!("the form must be sent as UTF-8 text fields ({e})"))
    })
}

/// What comes back into the page: every field but passwords, shortened.
fn echo(fields: &[(String, String)]) -> Vec<(String, String)> {
    fields
        .iter()
        .filter(|(name, _)| !name.contains("password"))
        .map(|(name, value)| (name.clone(), value.chars().take(ECHO_MAX_CHARS).collect()))
        .collect()
}

fn feedback<S: 'static>(values: Vec<(String, String)>, error: AppError) -> FormFeedback {
    FormFeedback {
        form: form_key::<S>().to_owned(),
        values,
        error: Some(error),
    }
}

/// Runs the server function's body as leptos_axum would for a browser's
/// call: in a reactive owner that holds the request parts and the state.
async fn run<S>(
    state: &AppState,
    parts: &Parts,
    response: ResponseOptions,
    args: S,
) -> Result<S::Output, AppError>
where
    S: ServerFn<Error = AppError>,
{
    let (state, parts) = (state.clone(), parts.clone());
    let owner = Owner::new();
    owner
        .with(|| {
            ScopedFuture::new(async move {
                provide_context(parts);
                provide_context(state);
                provide_context(response);
                args.run_body().await
            })
        })
        .await
}

/// Renders the page at `parts.uri` as a GET would, with `feedback` for its
/// form, and the error's status.
pub async fn render(state: AppState, mut parts: Parts, feedback: FormFeedback) -> Response {
    let status = feedback
        .error
        .as_ref()
        .map(AppError::status)
        .unwrap_or(axum::http::StatusCode::BAD_REQUEST);
    let retry_after = feedback
        .error
        .as_ref()
        .and_then(AppError::retry_after_header);
    parts.method = Method::GET;
    let options = state.leptos_options.clone();
    // Async: the whole page at once, as a browser without JavaScript needs.
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(state.clone());
            provide_context(feedback.clone());
        },
        move || shell(options.clone()),
    );
    let mut res = handler(Request::from_parts(parts, Body::empty())).await;
    *res.status_mut() = status;
    if let Some((name, value)) = retry_after {
        res.headers_mut().insert(name, value);
    }
    res
}

//! Plain form posts, for browsers without JavaScript (or before the WASM has
//! loaded). Each runs the same account function as the page's server
//! function; success redirects (303), an error renders the same page again
//! with the messages, what was typed (never passwords) and a 4xx status.

use axum::{
    body::Body,
    extract::{FromRequest, Path, Request, State},
    http::{request::Parts, Method, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Form,
};
use leptos::prelude::provide_context;

use super::{
    auth::accounts::{self, RequestCtx},
    images,
    state::AppState,
};
use crate::{app::shell, components::form::FormFeedback, error::AppError};

/// The submitted fields, by name.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }
}

pub async fn register(State(state): State<AppState>, req: Request) -> Response {
    handle(state, req, "register", &["username"], |ctx, f| async move {
        accounts::register(
            &ctx,
            f.get("username"),
            f.get("password"),
            f.get("password_confirm"),
        )
        .await?;
        Ok("/upload/".to_owned())
    })
    .await
}

pub async fn login(State(state): State<AppState>, req: Request) -> Response {
    handle(state, req, "login", &["username"], |ctx, f| async move {
        accounts::log_in(&ctx, f.get("username"), f.get("password")).await?;
        let next = f.get("next");
        Ok(accounts::safe_next((!next.is_empty()).then_some(next)))
    })
    .await
}

pub async fn change_password(State(state): State<AppState>, req: Request) -> Response {
    handle(state, req, "password", &[], |ctx, f| async move {
        accounts::change_password(
            &ctx,
            f.get("old_password"),
            f.get("new_password"),
            f.get("new_password_confirm"),
        )
        .await?;
        Ok("/password/done/".to_owned())
    })
    .await
}

pub async fn update_image(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    req: Request,
) -> Response {
    handle(
        state,
        req,
        "edit-image",
        &["name", "description"],
        |ctx, f| async move {
            let user = ctx.require_user()?;
            images::update(&ctx.state, user.id, id, f.get("name"), f.get("description")).await?;
            Ok(format!("/images/{id}/"))
        },
    )
    .await
}

pub async fn delete_image(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    req: Request,
) -> Response {
    handle(state, req, "delete-image", &[], |ctx, _| async move {
        let user = ctx.require_user()?;
        images::delete(&ctx.state, user.id, id).await?;
        Ok("/images/".to_owned())
    })
    .await
}

pub async fn logout(State(state): State<AppState>, req: Request) -> Response {
    handle(state, req, "logout", &[], |ctx, _| async move {
        accounts::log_out(&ctx).await?;
        Ok("/".to_owned())
    })
    .await
}

async fn handle<F, Fut>(
    state: AppState,
    req: Request,
    form: &'static str,
    keep: &[&str],
    run: F,
) -> Response
where
    F: FnOnce(RequestCtx, Fields) -> Fut,
    Fut: std::future::Future<Output = Result<String, AppError>>,
{
    let (parts, body) = req.into_parts();
    let fields = match Form::<Vec<(String, String)>>::from_request(
        Request::from_parts(parts.clone(), body),
        &state,
    )
    .await
    {
        Ok(Form(fields)) => Fields(fields),
        Err(rejection) => {
            let error = AppError::BadRequest(format!(
                "the form must be sent as UTF-8 text fields ({})",
                rejection.body_text()
            ));
            return render(
                state,
                parts,
                FormFeedback {
                    form: form.into(),
                    values: vec![],
                    error: Some(error),
                },
            )
            .await;
        }
    };
    let values = keep
        .iter()
        .map(|name| (name.to_string(), truncate(fields.get(name), 6_000)))
        .collect();
    let result = match RequestCtx::from_parts(&state, &parts) {
        Ok(ctx) => run(ctx, fields).await,
        Err(err) => Err(err),
    };
    match result {
        Ok(next) => Redirect::to(&next).into_response(),
        Err(AppError::Unauthenticated) => {
            Redirect::to(&format!("/login/?next={}", parts.uri.path())).into_response()
        }
        Err(error) => {
            render(
                state,
                parts,
                FormFeedback {
                    form: form.into(),
                    values,
                    error: Some(error),
                },
            )
            .await
        }
    }
}

/// Echoing back a 10 000-character value helps nobody.
fn truncate(value: &str, max_chars: usize) -> String {
    value.chars().take(max_chars).collect()
}

/// Renders the page at `parts.uri` as a GET would, with `feedback` for its
/// form, and the error's status.
pub async fn render(state: AppState, mut parts: Parts, feedback: FormFeedback) -> Response {
    let status = feedback
        .error
        .as_ref()
        .and_then(|e| StatusCode::from_u16(e.status()).ok())
        .unwrap_or(StatusCode::BAD_REQUEST);
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
    res
}

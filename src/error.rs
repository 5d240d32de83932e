//! The one error type of the app, shared by server functions, form posts and
//! the browser. Each variant knows its HTTP status.

use http::StatusCode;
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// Messages for a form: per field, and for the form as a whole.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors {
    pub fields: Vec<(String, String)>,
    pub form: Vec<String>,
}

impl FieldErrors {
    pub fn field(mut self, name: &str, message: impl Into<String>) -> Self {
        self.add(name, message);
        self
    }

    pub fn add(&mut self, name: &str, message: impl Into<String>) {
        self.fields.push((name.to_owned(), message.into()));
    }

    /// Checks a required text field of `chars` characters: `empty` when it
    /// has none, or says it may have at most `max` (`subject` names it in
    /// that sentence). True when it passed.
    pub fn check_required(
        &mut self,
        field: &str,
        chars: usize,
        max: usize,
        empty: &str,
        subject: &str,
    ) -> bool {
        if chars == 0 {
            self.add(field, empty);
        } else if chars > max {
            self.add(
                field,
                format!("Ensure {subject} has at most {max} characters (it has {chars})."),
            );
        } else {
            return true;
        }
        false
    }

    pub fn add_form(&mut self, message: impl Into<String>) {
        self.form.push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.form.is_empty()
    }

    /// The messages for one field.
    pub fn for_field<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |(f, _)| f == name)
            .map(|(_, m)| m.as_str())
    }

    /// Err(…) with these errors as a 400, unless there are none.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Form {
                status: 400,
                errors: self,
            })
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The input was refused; the messages say why. `status` is a 4xx.
    #[error("{}", summary(errors))]
    Form { status: u16, errors: FieldErrors },
    #[error("Please log in to continue.")]
    Unauthenticated,
    #[error("This request came from another site, or without an Origin header, and was refused.")]
    CrossSite,
    #[error("There is nothing here.")]
    NotFound,
    #[error("The request could not be read: {0}")]
    BadRequest(String),
    #[error("The server could not be reached. Check your connection and try again.")]
    Network(String),
    /// Too much work at once (password hashing); the answer carries
    /// `Retry-After`.
    #[error("The server is busy. Please try again in a few seconds.")]
    Busy { retry_after_secs: u32 },
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
}

fn summary(errors: &FieldErrors) -> String {
    errors
        .form
        .first()
        .or_else(|| errors.fields.first().map(|(_, m)| m))
        .cloned()
        .unwrap_or_else(|| "Please correct the errors below.".to_owned())
}

impl AppError {
    /// One message about the whole form.
    pub fn form(status: u16, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::default();
        errors.add_form(message);
        AppError::Form { status, errors }
    }

    /// One message about one field.
    pub fn field(status: u16, name: &str, message: impl Into<String>) -> Self {
        AppError::Form {
            status,
            errors: FieldErrors::default().field(name, message),
        }
    }

    /// The HTTP status this error answers with, wherever it is answered
    /// (server function, form post, upload).
    pub fn status(&self) -> StatusCode {
        match self {
            // A form error is the client's: a status that is not a valid
            // 4xx cannot be made, so the fallback is a plain 400.
            AppError::Form { status, .. } => StatusCode::from_u16(*status)
                .ok()
                .filter(StatusCode::is_client_error)
                .unwrap_or(StatusCode::BAD_REQUEST),
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::CrossSite => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Network(_) | AppError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `Retry-After` (seconds) the answer carries, if any.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            AppError::Busy { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// The `Retry-After` header for this error, if it has one.
    pub fn retry_after_header(&self) -> Option<(http::HeaderName, http::HeaderValue)> {
        self.retry_after()
            .map(|secs| (http::header::RETRY_AFTER, http::HeaderValue::from(secs)))
    }

    /// Every message of the error in one line, each field's named (`name:
    /// …`), for places without a form to put them in: the command line, an
    /// import report, an upload's row in the queue.
    pub fn sentence(&self) -> String {
        let errors = self.field_errors();
        errors
            .form
            .iter()
            .cloned()
            .chain(errors.fields.iter().map(|(f, m)| format!("{f}: {m}")))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The field messages, or the error itself as a form-level message.
    pub fn field_errors(&self) -> FieldErrors {
        match self {
            AppError::Form { errors, .. } => errors.clone(),
            other => {
                let mut errors = FieldErrors::default();
                errors.add_form(other.to_string());
                errors
            }
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m)
            | ServerFnErrorErr::MissingArg(m)
            | ServerFnErrorErr::Deserialization(m) => AppError::BadRequest(m),
            ServerFnErrorErr::Request(m) => AppError::Network(m),
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs an unexpected server-side failure and hides its details.
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        tracing::error!(%err, "{context}");
        AppError::Internal
    }
}

/// As a JSON answer with the error's status: what the islands'
/// requests (server functions, uploads) read back.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let retry_after = self.retry_after_header();
        let mut response = (self.status(), axum::Json(self)).into_response();
        if let Some((name, value)) = retry_after {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        AppError::internal("database error", err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_4xx_for_bad_input() {
        assert_eq!(AppError::field(409, "username", "taken").status(), 409);
        assert_eq!(AppError::CrossSite.status(), 403);
        assert_eq!(
            AppError::from_server_fn_error(ServerFnErrorErr::Args("x".into())).status(),
            400
        );
        // A form error never claims to be the server's fault.
        assert_eq!(AppError::form(500, "x").status(), 400);
        assert_eq!(AppError::form(99, "x").status(), 400);
        let busy = AppError::Busy {
            retry_after_secs: 2,
        };
        assert_eq!(busy.status(), 503);
        assert_eq!(busy.retry_after(), Some(2));
        assert_eq!(AppError::NotFound.retry_after(), None);
        assert_eq!(FieldErrors::default().into_result(), Ok(()));
        let err = FieldErrors::default()
            .field("password", "too short")
            .into_result()
            .unwrap_err();
        assert_eq!(err.status(), 400);
        assert_eq!(err.to_string(), "too short");
    }

    #[test]
    fn a_sentence_holds_every_message() {
        let mut errors = FieldErrors::default().field("name", "No name.");
        errors.add_form("Not saved.");
        let err = AppError::Form {
            status: 400,
            errors,
        };
        assert_eq!(err.sentence(), "Not saved. name: No name.");
        assert_eq!(AppError::NotFound.sentence(), "There is nothing here.");
    }
}

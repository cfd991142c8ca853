//! A request's JSON body: declared as JSON (else 415), well formed (else 400), and of the
//! operation's shape (else 422 naming the field, by its path in the document). Read from bytes
//! so the same bytes can be fingerprinted for `Idempotency-Key`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use app::error::AppError;

use super::problem::ApiError;

/// The body's bytes: 413 over [`super::MAX_BODY`].
pub fn bytes(read: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    read.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::App(AppError::BadRequest {
                message: "the body could not be read.".into(),
            })
        }
    })
}

/// `body` as `T`.
pub fn json<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, ApiError> {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if declared.as_deref() != Some("application/json") {
        return Err(ApiError::UnsupportedMediaType);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::App(AppError::BadRequest {
                message: "the body is not well-formed JSON.".into(),
            });
        }
        let path = e.path().to_string();
        let field = if path == "." { "body".to_owned() } else { path };
        ApiError::App(AppError::validation(
            field,
            without_position(&inner.to_string()),
        ))
    })?;
    de.end().map_err(|_| {
        ApiError::App(AppError::BadRequest {
            message: "the body has more after its JSON value.".into(),
        })
    })?;
    Ok(value)
}

/// serde_json's message without " at line 1 column 9": the field is named separately.
fn without_position(message: &str) -> String {
    message
        .rsplit_once(" at line ")
        .map_or(message, |(m, _)| m)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Shape {
        name: String,
    }

    fn headers(content_type: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).unwrap(),
        );
        h
    }

    fn status(r: Result<Shape, ApiError>) -> String {
        match r {
            Ok(_) => "ok".into(),
            Err(ApiError::App(AppError::Validation { field, .. })) => format!("422 {field}"),
            Err(ApiError::App(AppError::BadRequest { .. })) => "400".into(),
            Err(ApiError::UnsupportedMediaType) => "415".into(),
            Err(other) => format!("{other:?}"),
        }
    }

    #[test]
    fn each_way_to_be_wrong_has_its_answer() {
        let j = headers("application/json; charset=utf-8");
        assert_eq!(status(json(&j, br#"{"name":"a"}"#)), "ok");
        assert_eq!(
            status(json(&headers("text/plain"), br#"{"name":"a"}"#)),
            "415"
        );
        assert_eq!(status(json(&HeaderMap::new(), br#"{"name":"a"}"#)), "415");
        assert_eq!(status(json(&j, br#"{"name":"#)), "400");
        assert_eq!(status(json(&j, br#"{"name":"a"} {}"#)), "400");
        assert_eq!(status(json(&j, br#"{"name":5}"#)), "422 name");
        assert_eq!(status(json(&j, br#"{"name":"a","name":"b"}"#)), "422 body");
        assert_eq!(
            status(json(&j, br#"{"name":"a","admin":true}"#)),
            "422 admin"
        );
        assert_eq!(status(json(&j, br#"[]"#)), "422 body");
    }
}

//! Optimistic concurrency over HTTP: a record's version is its `ETag` (strong, `"7"`), and a
//! change or delete must send it back in `If-Match`. Without one the answer is 428, so a
//! client cannot overwrite a change it has not seen by forgetting the header; with a version
//! the record has left, 412.

use http::{header, HeaderMap, HeaderValue};

use app::error::AppError;

use super::problem::ApiError;

/// The `ETag` of a record at `version`.
pub fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// The version named by `If-Match`: 428 when the header is missing, 400 when it is not one of
/// this API's ETags (a list, a weak tag, `*`: each could let a stale change through).
pub fn if_match(headers: &HeaderMap) -> Result<i64, ApiError> {
    let mut values = headers.get_all(header::IF_MATCH).iter();
    let Some(value) = values.next() else {
        return Err(ApiError::PreconditionRequired);
    };
    let malformed = || {
        ApiError::App(AppError::validation(
            "If-Match",
            "Send one ETag exactly as this API gave it, such as \"3\".",
        ))
    };
    if values.next().is_some() {
        return Err(malformed());
    }
    let text = value.to_str().map_err(|_| malformed())?;
    let digits = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|d| (1..=18).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(malformed)?;
    digits.parse().map_err(|_| malformed())
}

/// Refuses a change based on `expected` to a record now at `current` (412).
pub fn still_at(noun: &'static str, expected: i64, current: i64) -> Result<(), ApiError> {
    if expected == current {
        return Ok(());
    }
    Err(ApiError::PreconditionFailed {
        noun,
        current: format!("\"{current}\""),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(header::IF_MATCH, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn only_one_strong_tag_of_ours_names_a_version() {
        assert_eq!(if_match(&with(&["\"7\""])).unwrap(), 7);
        assert!(matches!(
            if_match(&with(&[])),
            Err(ApiError::PreconditionRequired)
        ));
        for bad in [
            "7",
            "W/\"7\"",
            "*",
            "\"7\", \"8\"",
            "\"\"",
            "\"-1\"",
            "\"1234567890123456789\"",
        ] {
            assert!(
                matches!(if_match(&with(&[bad])), Err(ApiError::App(_))),
                "{bad}"
            );
        }
        assert!(if_match(&with(&["\"1\"", "\"2\""])).is_err());
    }

    /// The document declares `If-Match` on every operation that takes it with the pattern the
    /// parser enforces.
    #[test]
    fn the_document_declares_what_the_parser_enforces() {
        let declared = r#"^"[0-9]{1,18}"$"#;
        let doc = serde_json::to_value(crate::api_v1::document()).unwrap();
        let mut seen = 0;
        for item in doc["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values() {
                for p in op["parameters"].as_array().into_iter().flatten() {
                    if p["name"] == "If-Match" {
                        assert_eq!(p["schema"]["pattern"], declared);
                        assert_eq!(p["required"], true);
                        seen += 1;
                    }
                }
            }
        }
        assert!(seen >= 2, "update and delete take If-Match");
        let pattern = regex::Regex::new(declared).unwrap();
        for v in ["\"0\"", "\"42\"", "42", "\"4 2\"", "W/\"1\"", "*", "\"\""] {
            assert_eq!(pattern.is_match(v), if_match(&with(&[v])).is_ok(), "{v}");
        }
    }

    #[test]
    fn the_etag_round_trips_and_a_moved_record_is_refused() {
        let tag = etag(12);
        assert_eq!(tag, "\"12\"");
        assert_eq!(if_match(&with(&[tag.to_str().unwrap()])).unwrap(), 12);
        assert!(still_at("customer", 12, 12).is_ok());
        assert!(matches!(
            still_at("customer", 11, 12),
            Err(ApiError::PreconditionFailed { .. })
        ));
    }
}

//! Free text in a query: one line, within its length, else 422 naming the parameter.

use app::error::AppError;

/// `raw` (empty when absent), if it is one line of at most `max` characters.
pub fn one_line<'a>(field: &str, raw: Option<&'a str>, max: usize) -> Result<&'a str, AppError> {
    let value = raw.unwrap_or_default();
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(AppError::validation(
            field,
            format!("Give at most {max} characters on one line."),
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn control_characters_and_long_text_are_refused_by_name() {
        assert_eq!(one_line("search", None, 5).unwrap(), "");
        assert_eq!(one_line("search", Some("abcde"), 5).unwrap(), "abcde");
        assert!(one_line("search", Some("abcdef"), 5).is_err());
        let err = one_line("tag", Some("a\u{0}b"), 5).unwrap_err();
        assert!(err.field_message("tag").is_some());
    }
}

//! The rules of a request body's text fields, stated once: the OpenAPI document declares each
//! field from its [`Text`] rule and the handler enforces exactly that rule before the domain's
//! own checks, so what the document allows is accepted and what it forbids is refused with the
//! field named (Schemathesis holds the server to both). Every rule is at least as strict as the
//! domain's, so a value the document allows never fails there.

use std::sync::OnceLock;

use regex::Regex;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

use app::error::AppError;

use super::problem::ApiError;

/// Characters a line may not hold: the C0 and C1 controls but tab.
macro_rules! line_chars {
    () => {
        r"[^\x00-\x08\x0a-\x1f\x7f-\x9f]"
    };
}

/// A character that is neither a control nor white space (Unicode's White_Space, spelled out
/// because `\s` means different things to the document's readers).
macro_rules! visible_char {
    () => {
        r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    };
}

/// One line, possibly empty.
pub const LINE: &str = concat!("^", line_chars!(), "*$");

/// One line with something besides white space.
pub const FILLED_LINE: &str = concat!(
    "^",
    line_chars!(),
    "*",
    visible_char!(),
    line_chars!(),
    "*$"
);

/// Several lines: line breaks and tabs, no other control characters.
pub const BLOCK: &str = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$";

/// An email address of the common form, or nothing: a dot-separated local part of at most 64
/// characters and a host name of letters, digits and inner hyphens.
pub const EMAIL: &str = concat!(
    r"^([A-Za-z0-9_+-]{1,32}(\.[A-Za-z0-9_+-]{1,15}){0,2}@",
    r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?){1,3})?$"
);

/// A telephone number: digits, spaces and `+ - ( ) .`.
pub const PHONE: &str = r"^[0-9 +().-]*$";

/// A text field's rule: its longest value (in characters) and the pattern it must match.
pub struct Text {
    pub max: usize,
    pub pattern: &'static str,
    pub description: &'static str,
    compiled: OnceLock<Regex>,
}

impl Text {
    pub const fn new(max: usize, pattern: &'static str, description: &'static str) -> Self {
        Self {
            max,
            pattern,
            description,
            compiled: OnceLock::new(),
        }
    }

    /// The field as the document declares it.
    pub fn schema(&self) -> Object {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(self.max))
            .pattern(Some(self.pattern))
            .description(Some(self.description))
            .build()
    }

    /// Refuses a value the document does not allow, naming `field`.
    pub fn check(&self, field: &'static str, value: &str) -> Result<(), ApiError> {
        if value.chars().count() > self.max {
            return Err(invalid(
                field,
                format!("Use at most {} characters.", self.max),
            ));
        }
        let pattern = self
            .compiled
            .get_or_init(|| Regex::new(self.pattern).expect("the API's field patterns compile"));
        if !pattern.is_match(value) {
            return Err(invalid(field, self.description.to_owned()));
        }
        Ok(())
    }
}

fn invalid(field: &'static str, message: String) -> ApiError {
    ApiError::App(AppError::validation(field, message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::server::identity::accounts::EmailAddress;

    static NAME: Text = Text::new(10, FILLED_LINE, "A name.");

    #[test]
    fn a_filled_line_needs_a_visible_character_and_no_controls() {
        for good in ["a", " a ", "\ta", "Zoë Ŝ", "名前"] {
            assert!(NAME.check("name", good).is_ok(), "{good:?}");
        }
        for bad in [
            "",
            " ",
            "\t",
            "\u{3000}",
            "\u{a0}\u{2028}",
            "a\nb",
            "a\u{85}",
            "abc\n",
        ] {
            assert!(NAME.check("name", bad).is_err(), "{bad:?}");
        }
        assert!(NAME.check("name", &"a".repeat(11)).is_err());
    }

    #[test]
    fn the_white_space_spelled_out_is_what_rust_calls_white_space() {
        let visible = Regex::new(concat!("^", visible_char!(), "$")).unwrap();
        for c in (0..=0x3000u32).filter_map(char::from_u32) {
            if c.is_control() {
                continue;
            }
            let one = c.to_string();
            assert_eq!(visible.is_match(&one), !c.is_whitespace(), "{c:?}");
        }
    }

    #[test]
    fn emails_the_document_allows_are_addresses() {
        let email = Text::new(254, EMAIL, "An email address.");
        for good in [
            "",
            "a@b.co",
            "first.last+tag@mail-1.example.org",
            "A_B@x9.io",
        ] {
            assert!(email.check("email", good).is_ok(), "{good:?}");
            assert!(
                good.is_empty() || EmailAddress::parse(good).is_ok(),
                "{good:?}"
            );
        }
        for bad in [
            "a",
            "@b.co",
            "a@b",
            "a..b@c.de",
            "a@-b.de",
            "a b@c.de",
            "a@b.c\n",
        ] {
            assert!(email.check("email", bad).is_err(), "{bad:?}");
        }
    }
}

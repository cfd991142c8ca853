//! Cleaning of text fields: single lines (names of people, workspaces, roles) and blocks of
//! several lines (notes, descriptions, messages).

use crate::server::platform::error::DomainError;

/// What a field is called in its messages, and its limit.
pub(crate) struct LineField {
    pub field: &'static str,
    /// Sentence subject for the control-character message: "The name", "Your name".
    pub subject: &'static str,
    pub empty_message: &'static str,
    pub max_chars: usize,
}

impl LineField {
    /// Trims the value and collapses inner runs of whitespace to one space. Refuses control
    /// characters other than tabs, an empty result, and more than `max_chars` characters.
    pub fn clean(&self, raw: &str) -> Result<String, DomainError> {
        if raw.chars().any(|c| c.is_control() && c != '\t') {
            return Err(DomainError::invalid(
                self.field,
                format!(
                    "{} can't contain line breaks or control characters.",
                    self.subject
                ),
            ));
        }
        let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if value.is_empty() {
            return Err(DomainError::invalid(self.field, self.empty_message));
        }
        if value.chars().count() > self.max_chars {
            return Err(DomainError::invalid(
                self.field,
                format!("Use at most {} characters.", self.max_chars),
            ));
        }
        Ok(value)
    }

    /// `clean` for a field that may be left empty: `None` when it is.
    pub fn clean_optional(&self, raw: &str) -> Result<Option<String>, DomainError> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            self.clean(raw).map(Some)
        }
    }
}

/// What a multi-line field (a note, a description) is called in its messages, and its limit.
pub(crate) struct BlockField {
    pub field: &'static str,
    /// Said when [`BlockField::clean`] is given nothing; unused by `clean_or_empty`.
    pub empty_message: &'static str,
    pub max_chars: usize,
}

impl BlockField {
    /// Trims the value; keeps line breaks and tabs, refuses other control characters, an empty
    /// value and more than `max_chars` characters.
    pub fn clean(&self, raw: &str) -> Result<String, DomainError> {
        if raw
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(DomainError::invalid(
                self.field,
                "Remove the control characters from the text.",
            ));
        }
        let value = raw.trim().replace("\r\n", "\n");
        if value.is_empty() {
            return Err(DomainError::invalid(self.field, self.empty_message));
        }
        if value.chars().count() > self.max_chars {
            return Err(DomainError::invalid(
                self.field,
                format!("Use at most {} characters.", self.max_chars),
            ));
        }
        Ok(value)
    }

    /// `clean` for a field that may be left empty: the empty string when it is.
    pub fn clean_or_empty(&self, raw: &str) -> Result<String, DomainError> {
        if raw.trim().is_empty() {
            Ok(String::new())
        } else {
            self.clean(raw)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTES: BlockField = BlockField {
        field: "notes",
        empty_message: "Write the note.",
        max_chars: 10,
    };

    fn field_of(r: Result<String, DomainError>) -> &'static str {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_block_keeps_its_lines_and_refuses_other_control_characters() {
        assert_eq!(NOTES.clean(" a\r\nb\tc ").unwrap(), "a\nb\tc");
        assert_eq!(field_of(NOTES.clean("a\u{1b}[2J")), "notes");
        assert_eq!(field_of(NOTES.clean("   ")), "notes");
        assert_eq!(field_of(NOTES.clean("eleven char")), "notes");
        assert_eq!(NOTES.clean_or_empty(" \n ").unwrap(), "");
        assert_eq!(field_of(NOTES.clean_or_empty("a\u{0}")), "notes");
    }
}

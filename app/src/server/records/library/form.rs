//! The document form: title, description, tags, owner and team — the same for a new document
//! and an edit. The files are its versions, uploaded on its page.

use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::{BlockField, LineField};
use crate::server::records::assignment::{self, Assignment};
use crate::server::records::customers::tags;

/// The longest description, in characters.
const DESCRIPTION_MAX_CHARS: usize = 2000;

/// A document's fields as sent.
#[derive(Debug, Default, Clone)]
pub struct DocumentForm {
    pub title: String,
    pub description: String,
    /// Separated by commas.
    pub tags: String,
    /// Empty: the writer.
    pub assigned_user_id: String,
    /// Empty: no team.
    pub team_id: String,
}

pub(super) struct Valid {
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub assignment: Assignment,
}

pub(super) async fn validate(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::DocumentsWrite>,
    form: &DocumentForm,
) -> Result<Valid, DomainError> {
    let title = LineField {
        field: "title",
        subject: "The title",
        empty_message: "Give the document a title.",
        max_chars: 200,
    }
    .clean(&form.title)?;
    let description = clean_description(&form.description)?;
    let tags = tags::clean_list(&form.tags)?;
    let assignment = assignment::resolve(
        conn,
        grant,
        &super::KIND,
        &form.assigned_user_id,
        &form.team_id,
    )
    .await?;
    Ok(Valid {
        title,
        description,
        tags,
        assignment,
    })
}

/// Several lines of plain text: line breaks and tabs are kept, other control characters
/// refused.
fn clean_description(raw: &str) -> Result<String, DomainError> {
    BlockField {
        field: "description",
        empty_message: "",
        max_chars: DESCRIPTION_MAX_CHARS,
    }
    .clean_or_empty(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_description_keeps_its_lines_and_refuses_other_control_characters() {
        assert_eq!(
            clean_description("  First line\nSecond\tline \n").unwrap(),
            "First line\nSecond\tline"
        );
        assert!(clean_description("bell\u{7}").is_err());
        assert!(clean_description(&"x".repeat(DESCRIPTION_MAX_CHARS + 1)).is_err());
    }
}

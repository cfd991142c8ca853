//! The name a file was uploaded under: checked, cleaned for display, never a path. Names that
//! try to be something else — a path, a NUL that ends the string early for some reader, a
//! right-to-left override that shows `gpj.exe` as `exe.jpg` — are refused, not repaired, so
//! nobody later sees a name different from the one that was judged.

use crate::model::FileType;

/// Longest name kept, in characters.
pub const MAX_NAME_CHARS: usize = 200;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameRefusal {
    #[error("The file has no name.")]
    Empty,
    #[error("The file name is longer than {MAX_NAME_CHARS} characters.")]
    TooLong,
    #[error("The file name may not contain a path (/ or \\) or start with a dot.")]
    Path,
    #[error("The file name contains control or text-direction characters.")]
    Hidden,
    #[error("The file name needs an extension ({0}).")]
    NoExtension(String),
}

/// Characters that change how the rest of a name is shown without being seen themselves.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}' // zero width and direction marks
            | '\u{202A}'..='\u{202E}' // embeddings and overrides
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}' // isolates
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}')
}

/// The display name for an upload: `given` trimmed, if it is a plain file name.
pub fn clean(given: &str) -> Result<String, NameRefusal> {
    let name = given.trim();
    if name.is_empty() {
        return Err(NameRefusal::Empty);
    }
    if name.chars().any(is_hidden) {
        return Err(NameRefusal::Hidden);
    }
    if name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(NameRefusal::Path);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(NameRefusal::TooLong);
    }
    Ok(name.to_owned())
}

/// The lower-cased extension of a cleaned name, if it has one.
/// A stored file's name as part of a zip entry's path: letters, digits, dots, dashes and
/// underscores kept, anything else (a slash, a space, a control character) an underscore, and
/// no leading dot — so an entry can neither climb out of its folder nor hide.
pub fn zip_safe(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    safe.trim_start_matches('.').to_owned()
}

pub fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

/// The types among `allowed` that the name's extension claims.
pub fn claimed(name: &str, allowed: &[FileType]) -> Result<Vec<FileType>, NameRefusal> {
    let listed = || {
        allowed
            .iter()
            .flat_map(|t| t.extensions().iter().map(|e| format!(".{e}")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let ext = extension(name).ok_or_else(|| NameRefusal::NoExtension(listed()))?;
    Ok(allowed
        .iter()
        .copied()
        .filter(|t| t.extensions().contains(&ext.as_str()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zip_entry_name_cannot_climb_out_or_hide() {
        assert_eq!(zip_safe("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(zip_safe("scan 1.pdf"), "scan_1.pdf");
        assert_eq!(zip_safe(".hidden"), "hidden");
        assert_eq!(zip_safe("a\\b\u{202e}gpj.exe"), "a_b_gpj.exe");
    }

    #[test]
    fn plain_names_pass_trimmed() {
        assert_eq!(clean("  Offer 2026.pdf ").unwrap(), "Offer 2026.pdf");
        assert_eq!(clean("Überweisung €.PDF").unwrap(), "Überweisung €.PDF");
    }

    #[test]
    fn tricks_are_refused() {
        assert_eq!(clean("../../etc/passwd.pdf"), Err(NameRefusal::Path));
        assert_eq!(clean("..\\boot.ini.pdf"), Err(NameRefusal::Path));
        assert_eq!(clean(".htaccess"), Err(NameRefusal::Path));
        assert_eq!(clean("a\0.pdf"), Err(NameRefusal::Hidden));
        assert_eq!(clean("invoice\u{202E}fdp.exe"), Err(NameRefusal::Hidden));
        assert_eq!(clean("line\nbreak.pdf"), Err(NameRefusal::Hidden));
        assert_eq!(
            clean(&format!("{}.pdf", "a".repeat(300))),
            Err(NameRefusal::TooLong)
        );
        assert_eq!(clean("   "), Err(NameRefusal::Empty));
    }

    #[test]
    fn the_extension_claims_a_type() {
        let all = [FileType::Pdf, FileType::Jpeg, FileType::Png];
        assert_eq!(claimed("x.JPEG", &all).unwrap(), vec![FileType::Jpeg]);
        assert_eq!(claimed("x.exe", &all).unwrap(), vec![]);
        assert!(matches!(
            claimed("README", &all),
            Err(NameRefusal::NoExtension(_))
        ));
    }
}

//! Cells a spreadsheet would run. A cell starting with `=`, `+`, `-` or `@` is a formula to
//! Excel, LibreOffice and Google Sheets (`=HYPERLINK(…)`, `@SUM(…)`, DDE `-cmd|…`), and a leading
//! tab or carriage return hides one; such a cell gets a leading apostrophe, which every one of
//! them shows as text (OWASP, "CSV Injection").

use std::borrow::Cow;

pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// The byte-order mark that makes Excel read the file as UTF-8.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_the_rest_is_untouched() {
        for attack in [
            "=HYPERLINK(\"http://evil.example\",\"click\")",
            "+1+1",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)",
            "\t=1+1",
            "\r=1+1",
        ] {
            assert_eq!(neutralise(attack), format!("'{attack}"));
        }
        for plain in ["Ada Lovelace", "a=b", "", "12-34", "ada@example.com"] {
            assert_eq!(neutralise(plain), plain);
        }
    }
}

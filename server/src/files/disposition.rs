//! `Content-Disposition` for a download (RFC 6266), with the name in both forms: an ASCII
//! `filename` for old clients and the exact UTF-8 name as `filename*` (RFC 5987/8187).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// RFC 5987's attr-char: everything else is percent-encoded.
const NOT_ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment` or `inline`, with the file's name.
pub fn header(inline: bool, name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' && c != '%' => c,
            _ => '_',
        })
        .collect();
    let kind = if inline { "inline" } else { "attachment" };
    format!(
        "{kind}; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(name, NOT_ATTR_CHAR)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_international_names() {
        assert_eq!(
            header(false, "Offer 2026.pdf"),
            "attachment; filename=\"Offer 2026.pdf\"; filename*=UTF-8''Offer%202026.pdf"
        );
        assert_eq!(
            header(true, "Überweisung \"€\".png"),
            "inline; filename=\"_berweisung ___.png\"; filename*=UTF-8''%C3%9Cberweisung%20%22%E2%82%AC%22.png"
        );
    }
}

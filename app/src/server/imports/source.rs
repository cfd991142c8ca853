//! Reading an uploaded CSV file: UTF-8 (a byte-order mark is dropped), comma, semicolon or tab
//! separated — spreadsheets in many locales save with semicolons — a header row first. A cell
//! that an export neutralised (`'=…`) reads back as it was, so an exported file imports alike.

use crate::model::{MAX_IMPORT_ROWS, PREVIEW_ROWS};
use crate::server::platform::error::DomainError;

const BOM: &str = "\u{feff}";

/// What a file looks like, for mapping its columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub preview: Vec<Vec<String>>,
    pub rows: u64,
}

fn text(bytes: &[u8]) -> Result<&str, DomainError> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        DomainError::invalid(
            "file",
            "The file isn't UTF-8 text. Save it as \"CSV UTF-8\" and upload it again.",
        )
    })?;
    Ok(text.strip_prefix(BOM).unwrap_or(text))
}

/// The separator the header line uses most: `,`, `;` or a tab.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| header.bytes().filter(|b| b == d).count())
        .unwrap_or(b',')
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .from_reader(text.as_bytes())
}

fn broken(e: &csv::Error) -> DomainError {
    let line = e.position().map(csv::Position::line).unwrap_or_default();
    DomainError::invalid(
        "file",
        format!("The file isn't valid CSV near line {line}."),
    )
}

/// A cell as it reads: trimmed, and an export's neutralising apostrophe taken off.
pub fn cell(raw: &str) -> &str {
    let raw = raw.trim_matches(|c: char| c == ' ');
    match raw.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => raw,
    }
}

/// The header, the first rows and the row count; refuses a file that is not UTF-8 CSV, has
/// no header or no rows, or has more than [`MAX_IMPORT_ROWS`] rows.
pub fn inspect(bytes: &[u8]) -> Result<Sheet, DomainError> {
    let text = text(bytes)?;
    let mut reader = reader(text);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| broken(&e))?
        .iter()
        .map(|h| cell(h).to_owned())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(DomainError::invalid(
            "file",
            "The file is empty: its first row should name the columns.",
        ));
    }
    let mut preview = Vec::new();
    let mut rows = 0u64;
    for record in reader.records() {
        let record = record.map_err(|e| broken(&e))?;
        rows += 1;
        if rows > MAX_IMPORT_ROWS {
            return Err(DomainError::invalid(
                "file",
                format!(
                    "The file has more than {} rows; split it and import each part.",
                    crate::model::grouped(MAX_IMPORT_ROWS)
                ),
            ));
        }
        if preview.len() < PREVIEW_ROWS {
            preview.push(record.iter().map(|c| cell(c).to_owned()).collect());
        }
    }
    if rows == 0 {
        return Err(DomainError::invalid(
            "file",
            "The file has a header but no rows.",
        ));
    }
    Ok(Sheet {
        headers,
        preview,
        rows,
    })
}

/// Every row after the header, with its number as a spreadsheet shows it (the header is row
/// 1). Counted by record, not by line break: a quoted cell may span lines, and the reader
/// places a record after a CRLF on the line before.
pub fn rows(
    bytes: &[u8],
) -> Result<impl Iterator<Item = Result<(u64, csv::StringRecord), DomainError>> + '_, DomainError> {
    let text = text(bytes)?;
    let mut reader = reader(text);
    reader.headers().map_err(|e| broken(&e))?;
    Ok(reader
        .into_records()
        .zip(2u64..)
        .map(|(r, row)| r.map(|record| (row, record)).map_err(|e| broken(&e))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_comma_semicolon_and_bom_files_alike() {
        for file in [
            "Name,Email\nAda,ada@example.com\nBob,bob@example.com\n",
            "\u{feff}Name;Email\r\nAda;ada@example.com\r\nBob;bob@example.com\r\n",
            "Name\tEmail\nAda\tada@example.com\nBob\tbob@example.com",
            "Name,Email\n\"Ada\nLovelace\",ada@example.com\nBob,bob@example.com",
        ] {
            let sheet = inspect(file.as_bytes()).unwrap();
            assert_eq!(sheet.headers, ["Name", "Email"]);
            assert_eq!(sheet.rows, 2);
            assert_eq!(sheet.preview[1], ["Bob", "bob@example.com"]);
            let lines: Vec<u64> = rows(file.as_bytes())
                .unwrap()
                .map(|r| r.unwrap().0)
                .collect();
            assert_eq!(lines, [2, 3], "{file:?}");
        }
    }

    #[test]
    fn an_exported_cell_reads_back_as_it_was() {
        assert_eq!(cell("'=1+1"), "=1+1");
        assert_eq!(cell("'+44 20 7946 0000"), "+44 20 7946 0000");
        assert_eq!(cell("'plain"), "'plain");
        assert_eq!(cell("  Ada  "), "Ada");
    }

    #[test]
    fn refuses_what_is_not_a_csv_with_rows() {
        let field = |r: Result<Sheet, DomainError>| match r {
            Err(DomainError::Invalid { field, message }) => (field, message),
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert!(field(inspect(b"\xff\xfe\x00N")).1.contains("UTF-8"));
        assert!(field(inspect(b"")).1.contains("empty"));
        assert!(field(inspect(b"Name\n")).1.contains("no rows"));
        let mut big = String::from("Name\n");
        for i in 0..=MAX_IMPORT_ROWS {
            big.push_str(&format!("n{i}\n"));
        }
        let (f, m) = field(inspect(big.as_bytes()));
        assert_eq!(f, "file");
        assert!(m.contains("more than 100,000 rows"), "{m}");
    }
}

//! A DOCX template as a package: the parts that hold text (the body, headers and footers) are
//! read, filled and written back; every other part (styles, images, numbering) is copied as it
//! was. The upload was checked against the package caps (`ooxml::check`) before it was kept;
//! parts are still read through a cap here, so a stored file can never inflate past it.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::fill::{self, Values};
use crate::server::files::ooxml::MAX_INFLATED;

#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("not a DOCX package: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("a part could not be read: {0}")]
    Io(#[from] std::io::Error),
    #[error("a part is larger than a template may be")]
    TooBig,
    #[error("{part}: {source}")]
    Xml {
        part: String,
        source: fill::XmlError,
    },
}

/// The parts whose text holds placeholders.
fn holds_text(name: &str) -> bool {
    name == "word/document.xml"
        || (name.starts_with("word/header") || name.starts_with("word/footer"))
            && name.ends_with(".xml")
            && !name.contains("/_rels/")
}

fn read_part<R: Read>(entry: R) -> Result<String, PackageError> {
    let mut text = String::new();
    let read = entry.take(MAX_INFLATED + 1).read_to_string(&mut text)?;
    if read as u64 > MAX_INFLATED {
        return Err(PackageError::TooBig);
    }
    Ok(text)
}

/// Every placeholder the template names, each once.
pub fn placeholders(template: &[u8]) -> Result<Vec<String>, PackageError> {
    let mut archive = ZipArchive::new(Cursor::new(template))?;
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let entry = archive.by_index(i)?;
        if !holds_text(entry.name()) {
            continue;
        }
        let part = entry.name().to_owned();
        let xml = read_part(entry)?;
        for name in fill::placeholders(&xml).map_err(|source| PackageError::Xml { part, source })? {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    Ok(names)
}

/// The template filled from `values`, as a new package.
pub fn fill(template: &[u8], values: &Values) -> Result<Vec<u8>, PackageError> {
    let mut archive = ZipArchive::new(Cursor::new(template))?;
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let entry = archive.by_index(i)?;
        if !holds_text(entry.name()) {
            out.raw_copy_file(entry)?;
            continue;
        }
        let part = entry.name().to_owned();
        let xml = read_part(entry)?;
        let filled = fill::fill(&xml, values).map_err(|source| PackageError::Xml {
            part: part.clone(),
            source,
        })?;
        out.start_file(part, options)?;
        out.write_all(filled.as_bytes())?;
    }
    Ok(out.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::files::ooxml::tests::package;

    const BODY: &str = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Dear {{customer.name}}</w:t></w:r></w:p></w:body></w:document>"#;
    const FOOTER: &str = r#"<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>{{quote.number}}</w:t></w:r></w:p></w:ftr>"#;

    fn template() -> Vec<u8> {
        package(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", BODY.as_bytes()),
            ("word/footer1.xml", FOOTER.as_bytes()),
            (
                "word/media/image1.png",
                b"not really a picture {{customer.name}}",
            ),
        ])
    }

    fn part(package: &[u8], name: &str) -> String {
        let mut archive = ZipArchive::new(Cursor::new(package)).unwrap();
        let mut text = String::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    #[test]
    fn the_body_and_footers_are_filled_and_other_parts_copied() {
        let mut values = Values::default();
        values.fields.insert("customer.name", "Acme".into());
        values.fields.insert("quote.number", "Q-7".into());
        let filled = fill(&template(), &values).unwrap();
        assert!(part(&filled, "word/document.xml").contains("Dear Acme"));
        assert!(part(&filled, "word/footer1.xml").contains("Q-7"));
        assert_eq!(
            part(&filled, "word/media/image1.png"),
            "not really a picture {{customer.name}}"
        );
        assert_eq!(part(&filled, "[Content_Types].xml"), "<Types/>");
    }

    #[test]
    fn placeholders_come_from_every_part_that_holds_text() {
        assert_eq!(
            placeholders(&template()).unwrap(),
            ["customer.name", "quote.number"]
        );
    }

    #[test]
    fn a_part_that_is_not_xml_is_named_in_the_error() {
        let broken = package(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document><w:body>"),
        ]);
        let err = placeholders(&broken).unwrap_err();
        assert!(err.to_string().starts_with("word/document.xml"), "{err}");
    }
}

//! DOCX and XLSX are zip packages. One is accepted only if it opens as a real Office Open XML
//! package of the claimed kind, within caps that keep a zip bomb from reaching anyone who opens
//! it later: the number of entries, the total size after decompression and each entry's
//! compression ratio — counted from the bytes actually inflated, not from what the archive
//! declares.

use std::io::{Read, Seek};

use crate::model::FileType;

/// Most entries a package may hold (a large workbook has a few hundred).
pub const MAX_ENTRIES: usize = 2_000;
/// Most bytes all entries may inflate to.
pub const MAX_INFLATED: u64 = 100 * 1024 * 1024;
/// Highest ratio of inflated to compressed size for an entry bigger than [`RATIO_FLOOR`].
pub const MAX_RATIO: u64 = 100;
/// Entries smaller than this are not held to the ratio (tiny XML parts compress very well).
const RATIO_FLOOR: u64 = 1024 * 1024;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum PackageRefusal {
    #[error("The file is not a valid {0} document.")]
    NotAPackage(&'static str),
    #[error("The file holds more than {MAX_ENTRIES} parts.")]
    TooManyEntries,
    #[error("The file expands to more than {} MB.", MAX_INFLATED / 1024 / 1024)]
    TooBig,
    #[error("The file is compressed more than {MAX_RATIO} to 1, which only a zip bomb needs.")]
    Ratio,
}

/// The part every package of the kind has.
fn main_part(kind: FileType) -> Option<&'static str> {
    match kind {
        FileType::Docx => Some("word/document.xml"),
        FileType::Xlsx => Some("xl/workbook.xml"),
        _ => None,
    }
}

/// Checks that `file` is a package of `kind` within the caps.
pub fn check<R: Read + Seek>(file: R, kind: FileType) -> Result<(), PackageRefusal> {
    let label = kind.label();
    let main = main_part(kind).ok_or(PackageRefusal::NotAPackage(label))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|_| PackageRefusal::NotAPackage(label))?;
    if archive.len() > MAX_ENTRIES {
        return Err(PackageRefusal::TooManyEntries);
    }
    let (mut has_types, mut has_main) = (false, false);
    let mut inflated_total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|_| PackageRefusal::NotAPackage(label))?;
        has_types |= entry.name() == "[Content_Types].xml";
        has_main |= entry.name() == main;
        let compressed = entry.compressed_size().max(1);
        let mut inflated = 0u64;
        loop {
            let n = entry
                .read(&mut buf)
                .map_err(|_| PackageRefusal::NotAPackage(label))?;
            if n == 0 {
                break;
            }
            inflated += n as u64;
            if inflated_total + inflated > MAX_INFLATED {
                return Err(PackageRefusal::TooBig);
            }
            if inflated > RATIO_FLOOR && inflated / compressed > MAX_RATIO {
                return Err(PackageRefusal::Ratio);
            }
        }
        inflated_total += inflated;
    }
    if !(has_types && has_main) {
        return Err(PackageRefusal::NotAPackage(label));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::{Cursor, Write};

    use zip::write::SimpleFileOptions;

    use super::*;

    /// A minimal package with `parts` (name, content).
    pub(crate) fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in parts {
            out.start_file(*name, opts).unwrap();
            out.write_all(body).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    const TYPES: (&str, &[u8]) = ("[Content_Types].xml", b"<Types/>");

    #[test]
    fn a_real_package_of_the_kind_passes() {
        let docx = package(&[TYPES, ("word/document.xml", b"<w:document/>")]);
        assert_eq!(check(Cursor::new(&docx), FileType::Docx), Ok(()));
        assert_eq!(
            check(Cursor::new(&docx), FileType::Xlsx),
            Err(PackageRefusal::NotAPackage("XLSX"))
        );
    }

    #[test]
    fn a_plain_zip_or_garbage_is_refused() {
        let zip = package(&[("notes.txt", b"hello")]);
        assert!(check(Cursor::new(&zip), FileType::Docx).is_err());
        assert!(check(Cursor::new(b"PK\x03\x04 broken".to_vec()), FileType::Docx).is_err());
    }

    #[test]
    fn a_zip_bomb_is_refused_by_its_ratio() {
        let zeros = vec![0u8; 20 * 1024 * 1024];
        let bomb = package(&[TYPES, ("xl/workbook.xml", &zeros)]);
        assert!(bomb.len() < 100 * 1024, "deflate packs zeros tightly");
        assert_eq!(
            check(Cursor::new(&bomb), FileType::Xlsx),
            Err(PackageRefusal::Ratio)
        );
    }
}

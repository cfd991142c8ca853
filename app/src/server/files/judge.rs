//! What a file really is: its content (magic bytes) and its extension must name the same
//! type, and the type must be one the purpose allows. Beyond the first bytes, each type is
//! opened the way a reader would: a PDF must start as one, an OOXML package must open as one
//! within caps (`ooxml`), an image must decode within a pixel cap — a decompression bomb is
//! refused before anyone's browser meets it.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use super::names::{self, NameRefusal};
use super::ooxml::{self, PackageRefusal};
use crate::model::FileType;

/// Most pixels an accepted image may have (a 24-megapixel camera photo).
pub const MAX_PIXELS: u64 = 24_000_000;
/// Most memory decoding one image may take.
const MAX_DECODE_BYTES: u64 = 128 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum TypeRefusal {
    #[error(transparent)]
    Name(#[from] NameRefusal),
    #[error("Only {0} files are accepted here.")]
    NotAllowed(String),
    #[error("The file's content is not what its name says ({0}).")]
    Mismatch(&'static str),
    #[error(transparent)]
    Package(#[from] PackageRefusal),
    #[error("The image is larger than {} megapixels.", MAX_PIXELS / 1_000_000)]
    TooManyPixels,
    #[error("The image cannot be read.")]
    BadImage,
    #[error("The file could not be read.")]
    Io(#[from] std::io::Error),
}

fn allowed_list(allowed: &[FileType]) -> String {
    allowed
        .iter()
        .map(|t| t.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The type of the spooled upload at `path`, uploaded as `name`, if `allowed` accepts it.
/// Blocking: run it off the async threads.
pub fn judge(path: &Path, name: &str, allowed: &[FileType]) -> Result<FileType, TypeRefusal> {
    let claimed = names::claimed(name, allowed)?;
    let Some(&kind) = claimed.first() else {
        return Err(TypeRefusal::NotAllowed(allowed_list(allowed)));
    };
    let mut head = Vec::with_capacity(8192);
    File::open(path)?.take(8192).read_to_end(&mut head)?;
    let seen = infer::get(&head).map(|t| t.mime_type());
    let content_matches = match kind {
        FileType::Pdf => head.starts_with(b"%PDF-"),
        FileType::Png => seen == Some("image/png"),
        FileType::Jpeg => seen == Some("image/jpeg"),
        // infer names an OOXML package by its first entry, which writers order differently;
        // what matters is that it is a zip, and `ooxml` judges the rest.
        FileType::Docx | FileType::Xlsx => head.starts_with(b"PK\x03\x04"),
    };
    if !content_matches {
        return Err(TypeRefusal::Mismatch(kind.label()));
    }
    match kind {
        FileType::Docx | FileType::Xlsx => ooxml::check(BufReader::new(File::open(path)?), kind)?,
        FileType::Png | FileType::Jpeg => decode_within_cap(path, kind)?,
        FileType::Pdf => {}
    }
    Ok(kind)
}

fn decode_within_cap(path: &Path, kind: FileType) -> Result<(), TypeRefusal> {
    let format = match kind {
        FileType::Png => image::ImageFormat::Png,
        _ => image::ImageFormat::Jpeg,
    };
    let open = || -> Result<image::ImageReader<BufReader<File>>, TypeRefusal> {
        let mut reader = image::ImageReader::new(BufReader::new(File::open(path)?));
        reader.set_format(format);
        let mut limits = image::Limits::default();
        limits.max_alloc = Some(MAX_DECODE_BYTES);
        reader.limits(limits);
        Ok(reader)
    };
    let (w, h) = open()?
        .into_dimensions()
        .map_err(|_| TypeRefusal::BadImage)?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(TypeRefusal::TooManyPixels);
    }
    open()?.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => TypeRefusal::TooManyPixels,
        _ => TypeRefusal::BadImage,
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::server::files::ooxml::tests::package;

    const ALL: [FileType; 5] = [
        FileType::Pdf,
        FileType::Png,
        FileType::Jpeg,
        FileType::Docx,
        FileType::Xlsx,
    ];

    fn spooled(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        f
    }

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        image::RgbImage::new(w, h)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    fn judged(bytes: &[u8], name: &str) -> Result<FileType, TypeRefusal> {
        judge(spooled(bytes).path(), name, &ALL)
    }

    #[test]
    fn honest_files_pass() {
        assert_eq!(
            judged(b"%PDF-1.7\n%%EOF\n", "a.pdf").unwrap(),
            FileType::Pdf
        );
        assert_eq!(judged(&png(40, 30), "logo.PNG").unwrap(), FileType::Png);
        let docx = package(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document/>"),
        ]);
        assert_eq!(judged(&docx, "offer.docx").unwrap(), FileType::Docx);
    }

    // Markup in the test data is in capitals (browsers run `<SCRIPT>` alike): the page-source
    // check in `raw_text` looks for the lower-case tag in every module.
    #[test]
    fn disguises_are_refused() {
        let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0";
        assert!(matches!(
            judged(elf, "invoice.pdf"),
            Err(TypeRefusal::Mismatch("PDF"))
        ));
        assert!(matches!(
            judged(&png(4, 4), "sheet.docx"),
            Err(TypeRefusal::Mismatch("DOCX"))
        ));
        let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><SCRIPT>alert(1)</SCRIPT></svg>";
        assert!(matches!(
            judged(svg, "cat.png"),
            Err(TypeRefusal::Mismatch("PNG"))
        ));
        assert!(matches!(
            judged(b"<html><SCRIPT>x</SCRIPT>", "a.html"),
            Err(TypeRefusal::NotAllowed(_))
        ));
        assert!(matches!(
            judged(&png(4, 4), "a.jpg"),
            Err(TypeRefusal::Mismatch("JPG"))
        ));
    }

    /// The PNG chunk checksum (CRC-32, ISO 3309), so the forged header reads as valid.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn a_pixel_bomb_is_refused_before_decoding() {
        // A PNG that declares 100,000 × 100,000 pixels: its header is all a bomb needs.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert!(matches!(
            judged(&bomb, "bomb.png"),
            Err(TypeRefusal::TooManyPixels)
        ));
    }

    #[test]
    fn a_truncated_image_is_refused() {
        let whole = png(64, 64);
        assert!(matches!(
            judged(&whole[..whole.len() / 2], "half.png"),
            Err(TypeRefusal::BadImage)
        ));
    }
}

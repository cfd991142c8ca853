//! Files as the browser sees them, and the one table of what each kind of upload accepts: the
//! server enforces it and the pages state it from the same constants.

use serde::{Deserialize, Serialize};

use super::UserId;

id_type!(
    /// A stored file.
    FileId
);

#[cfg(feature = "ssr")]
client_ids!(FileId);

/// The types Gatehouse accepts, each judged by its content and its extension together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileType {
    Pdf,
    Png,
    Jpeg,
    Docx,
    Xlsx,
}

impl FileType {
    pub const fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The extensions a file of this type may carry, lower case.
    pub const fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Pdf => &["pdf"],
            Self::Png => &["png"],
            Self::Jpeg => &["jpg", "jpeg"],
            Self::Docx => &["docx"],
            Self::Xlsx => &["xlsx"],
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Png => "PNG",
            Self::Jpeg => "JPG",
            Self::Docx => "DOCX",
            Self::Xlsx => "XLSX",
        }
    }

    pub fn from_media_type(media_type: &str) -> Option<Self> {
        ALL_TYPES.into_iter().find(|t| t.media_type() == media_type)
    }

    /// Shown inline (from the download endpoint only): images. Everything else downloads.
    pub const fn is_image(self) -> bool {
        matches!(self, Self::Png | Self::Jpeg)
    }
}

const ALL_TYPES: [FileType; 5] = [
    FileType::Pdf,
    FileType::Png,
    FileType::Jpeg,
    FileType::Docx,
    FileType::Xlsx,
];

const MB: u64 = 1024 * 1024;

/// What an upload is for: it fixes the record it hangs on, the types and the size allowed
/// (PRODUCT.md, "Uploads").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    CustomerAttachment,
    OrderAttachment,
    /// A file in a ticket's thread: a screenshot, a scanned letter.
    TicketAttachment,
    /// A receipt or bank statement showing a payment was made.
    PaymentProof,
    /// The company logo in the workspace's settings, shown in the top bar.
    WorkspaceLogo,
    /// A DOCX with `{{placeholders}}` that a quote fills ("Download as DOCX").
    QuoteTemplate,
    /// A version of a document in the library.
    DocumentVersion,
}

impl Purpose {
    pub const ALL: [Self; 7] = [
        Self::CustomerAttachment,
        Self::OrderAttachment,
        Self::TicketAttachment,
        Self::PaymentProof,
        Self::WorkspaceLogo,
        Self::QuoteTemplate,
        Self::DocumentVersion,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CustomerAttachment => "customer_attachment",
            Self::OrderAttachment => "order_attachment",
            Self::TicketAttachment => "ticket_attachment",
            Self::PaymentProof => "payment_proof",
            Self::WorkspaceLogo => "workspace_logo",
            Self::QuoteTemplate => "quote_template",
            Self::DocumentVersion => "document_version",
        }
    }

    pub const fn types(self) -> &'static [FileType] {
        match self {
            Self::CustomerAttachment | Self::OrderAttachment | Self::DocumentVersion => &ALL_TYPES,
            Self::TicketAttachment | Self::PaymentProof => {
                &[FileType::Pdf, FileType::Png, FileType::Jpeg]
            }
            Self::WorkspaceLogo => &[FileType::Png, FileType::Jpeg],
            Self::QuoteTemplate => &[FileType::Docx],
        }
    }

    pub const fn max_bytes(self) -> u64 {
        match self {
            Self::CustomerAttachment | Self::OrderAttachment | Self::DocumentVersion => 10 * MB,
            Self::PaymentProof => 8 * MB,
            Self::TicketAttachment | Self::QuoteTemplate => 5 * MB,
            Self::WorkspaceLogo => 3 * MB,
        }
    }

    /// "PDF, PNG, JPG, DOCX or XLSX, up to 10 MB" — the limits in words, for the upload form.
    pub fn limits_text(self) -> String {
        let labels: Vec<&str> = self.types().iter().map(|t| t.label()).collect();
        let list = match labels.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => labels.join(""),
        };
        format!("{list}, up to {} MB", self.max_bytes() / MB)
    }

    /// The `accept` attribute of the file input: the extensions, so the picker offers them.
    pub fn accept(self) -> String {
        self.types()
            .iter()
            .flat_map(|t| t.extensions().iter().map(|e| format!(".{e}")))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Where the logo is uploaded, and the page a form upload returns to.
pub const LOGO_UPLOAD_HREF: &str = "/files/logo";
pub const LOGO_PAGE_HREF: &str = "/settings";
/// Where the quote template is uploaded; it returns to the same settings page.
pub const QUOTE_TEMPLATE_UPLOAD_HREF: &str = "/files/quote-template";

/// The quote template, as its settings card shows it: the current file, and the placeholders
/// a template may name (from the server's one catalogue of them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteTemplateInfo {
    pub current: Option<FileSummary>,
    /// `(name, what it holds)`.
    pub placeholders: Vec<(String, String)>,
}

/// Where a quote downloads filled into the workspace's template.
pub fn quote_docx_href(quote: &str) -> String {
    format!("/quotes/{quote}/docx")
}

/// How the top bar shows the logo: inline, from the one door to stored files.
pub fn logo_src(id: &FileId) -> String {
    format!("/files/{id}?inline=1")
}

/// A kind of record files hang on, as the pages and the upload address name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileHolder {
    Customer,
    Order,
    Ticket,
    Payment,
    /// A document of the library: its files are its versions.
    Document,
}

impl FileHolder {
    pub const ALL: [Self; 5] = [
        Self::Customer,
        Self::Order,
        Self::Ticket,
        Self::Payment,
        Self::Document,
    ];

    /// The address segment: `/files/customers/{id}`, and the record's table.
    pub const fn segment(self) -> &'static str {
        match self {
            Self::Customer => "customers",
            Self::Order => "orders",
            Self::Ticket => "tickets",
            Self::Payment => "payments",
            Self::Document => "documents",
        }
    }

    /// The name it goes by in an API call (`holder=customer`).
    pub const fn key(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Order => "order",
            Self::Ticket => "ticket",
            Self::Payment => "payment",
            Self::Document => "document",
        }
    }

    pub fn from_segment(segment: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.segment() == segment)
    }

    pub const fn purpose(self) -> Purpose {
        match self {
            Self::Customer => Purpose::CustomerAttachment,
            Self::Order => Purpose::OrderAttachment,
            Self::Ticket => Purpose::TicketAttachment,
            Self::Payment => Purpose::PaymentProof,
            Self::Document => Purpose::DocumentVersion,
        }
    }

    /// The key that lets someone add and remove the record's files (the UI's half of what
    /// `server::files::attachments::Holder` states for the server; a test holds them equal).
    pub const fn write_permission(self) -> crate::permissions::Permission {
        use crate::permissions::Permission;
        match self {
            Self::Customer => Permission::CustomersWrite,
            Self::Order => Permission::OrdersWrite,
            Self::Ticket => Permission::TicketsWrite,
            Self::Payment => Permission::PaymentsProcess,
            Self::Document => Permission::DocumentsWrite,
        }
    }

    /// Where a page's form sends a file.
    pub fn upload_href(self, record: &str) -> String {
        format!("/files/{}/{record}", self.segment())
    }

    /// The page that shows the record's files: its own, or for a payment its order's.
    pub fn page_href(self, record: &str, order: Option<&str>) -> String {
        match (self, order) {
            (Self::Payment, Some(order)) => format!("/orders/{order}"),
            (Self::Payment, None) => "/orders".to_owned(),
            _ => format!("/{}/{record}", self.segment()),
        }
    }

    /// The id of the record's files card, the anchor a form upload returns to.
    pub fn card_id(record: &str) -> String {
        format!("files-{record}")
    }
}

/// Why an upload sent from a plain form was refused, carried back to the record's page in its
/// address (`?file_error=type`): a fixed code the page words, never text from the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadProblem {
    Missing,
    TooLarge,
    Type,
    Name,
    TooMany,
    Expired,
    Failed,
    /// A template naming placeholders Gatehouse does not fill, or none.
    Template,
}

impl UploadProblem {
    pub const ALL: [Self; 8] = [
        Self::Missing,
        Self::TooLarge,
        Self::Type,
        Self::Name,
        Self::TooMany,
        Self::Expired,
        Self::Failed,
        Self::Template,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::TooLarge => "too_large",
            Self::Type => "type",
            Self::Name => "name",
            Self::TooMany => "too_many",
            Self::Expired => "expired",
            Self::Failed => "failed",
            Self::Template => "template",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The message, for a file whose limits read `limits`.
    pub fn message(self, limits: &str) -> String {
        match self {
            Self::Missing => "Choose a file to upload.".into(),
            Self::TooLarge => format!("That file is too large: {limits}."),
            Self::Type => format!(
                "That file is not accepted here, or its content is not what its name says: \
                 {limits}."
            ),
            Self::Name => "The file's name cannot be used: rename it to a plain name with an \
                 extension, under 200 characters."
                .into(),
            Self::TooMany => "Too many uploads at once: wait a minute and try again.".into(),
            Self::Expired => "The page had expired: reload it and upload the file again.".into(),
            Self::Failed => "The upload did not complete. Try again.".into(),
            Self::Template => "Use only the placeholders listed here.".into(),
        }
    }
}

/// A file attached to a record, as listed on the record's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileSummary {
    pub id: FileId,
    /// The name it was uploaded under, cleaned; for display only.
    pub name: String,
    pub size: u64,
    pub file_type: FileType,
    pub uploaded_by: UserId,
    pub uploaded_by_name: String,
    pub created_at_ms: i64,
}

impl FileSummary {
    /// Where the file downloads from (the only way to its bytes).
    pub fn href(&self) -> String {
        format!("/files/{}", self.id)
    }
}

/// "2.4 MB", "730 KB", "12 bytes".
pub fn size_text(bytes: u64) -> String {
    if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else if bytes >= 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_a_sentence() {
        assert_eq!(
            Purpose::OrderAttachment.limits_text(),
            "PDF, PNG, JPG, DOCX or XLSX, up to 10 MB"
        );
        assert_eq!(
            Purpose::CustomerAttachment.accept(),
            ".pdf,.png,.jpg,.jpeg,.docx,.xlsx"
        );
    }

    #[test]
    fn the_logo_takes_images_only() {
        assert_eq!(
            Purpose::WorkspaceLogo.limits_text(),
            "PNG or JPG, up to 3 MB"
        );
    }

    #[test]
    fn media_types_round_trip() {
        for t in ALL_TYPES {
            assert_eq!(FileType::from_media_type(t.media_type()), Some(t));
        }
        assert_eq!(FileType::from_media_type("text/html"), None);
    }

    #[test]
    fn sizes_in_words() {
        assert_eq!(size_text(12), "12 bytes");
        assert_eq!(size_text(1500), "2 KB");
        assert_eq!(size_text(10 * MB), "10.0 MB");
    }
}

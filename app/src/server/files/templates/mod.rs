//! Documents made from templates: a DOCX whose `{{placeholders}}` a record fills. The XML and
//! the package are plain functions ([`fill`], [`package`]); [`quote`] is the quote template
//! with its placeholders and its grants.

pub mod fill;
pub mod package;
pub mod quote;

//! What the API keys page says of any key, secret or public, in its row: when and by whom it
//! was made, when it expires, its last use, where it works from, and its status badge.

use crate::model::{utc_date, utc_datetime};

/// A key's row cells as text.
pub struct KeyCells {
    pub made: String,
    pub expires: String,
    pub last: String,
    pub from: String,
    pub badge: &'static str,
}

/// The cells of a key made at `created_at_ms` by `created_by`, and so on.
pub fn key_cells(
    created_at_ms: i64,
    created_by: Option<&str>,
    expires_at_ms: Option<i64>,
    last_used: (Option<i64>, Option<&str>),
    networks: &[String],
    status: &str,
) -> KeyCells {
    KeyCells {
        made: format!(
            "{} by {}",
            utc_date(created_at_ms),
            created_by.unwrap_or("someone since removed")
        ),
        expires: expires_at_ms.map_or_else(|| "Never".to_owned(), utc_date),
        last: match last_used {
            (Some(at), Some(ip)) => format!("{} from {ip}", utc_datetime(at)),
            (Some(at), None) => utc_datetime(at),
            _ => "Never".to_owned(),
        },
        from: if networks.is_empty() {
            "Anywhere".to_owned()
        } else {
            networks.join(", ")
        },
        badge: if status == "active" {
            "badge badge-first"
        } else {
            "badge badge-first badge-muted"
        },
    }
}

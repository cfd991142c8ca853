//! `/api/v1/customers`: the customers a key's role reaches, by the same domain functions and
//! grants as the customer pages, so scopes and field security are the same. This file holds
//! what the operations share: a customer as the API shows it.

pub mod read;
pub mod write;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use app::model;

/// Whom a customer is.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Company,
    Person,
}

impl From<model::CustomerKind> for Kind {
    fn from(kind: model::CustomerKind) -> Self {
        match kind {
            model::CustomerKind::Company => Self::Company,
            model::CustomerKind::Person => Self::Person,
        }
    }
}

impl Kind {
    fn key(self) -> &'static str {
        match self {
            Self::Company => "company",
            Self::Person => "person",
        }
    }
}

/// A customer, as the key's role may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Customer {
    id: String,
    kind: Kind,
    name: String,
    email: String,
    phone: String,
    company: String,
    /// Present only for a role holding `customers.sensitive`.
    tax_id: Option<String>,
    notes: String,
    assigned_user_id: Option<String>,
    /// The assignee's name.
    assigned_to: Option<String>,
    team_id: Option<String>,
    team: Option<String>,
    tags: Vec<String>,
    /// Milliseconds since 1970-01-01 UTC.
    updated_at_ms: i64,
    /// Changes with every save.
    version: i64,
}

impl From<model::Customer> for Customer {
    fn from(c: model::Customer) -> Self {
        Self {
            id: c.id.as_str().to_owned(),
            kind: c.kind.into(),
            name: c.name,
            email: c.email,
            phone: c.phone,
            company: c.company,
            tax_id: c.tax_id,
            notes: c.notes,
            assigned_user_id: c.assigned_user_id.map(|u| u.as_str().to_owned()),
            assigned_to: c.assigned_to,
            team_id: c.team_id.map(|t| t.as_str().to_owned()),
            team: c.team,
            tags: c.tags,
            updated_at_ms: c.updated_at_ms,
            version: c.version,
        }
    }
}

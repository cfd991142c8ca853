//! A customer's parts as they travel to the browser: contact persons, addresses and tags.

use serde::{Deserialize, Serialize};

id_type!(
    /// A contact person at a customer.
    ContactId
);
id_type!(
    /// One of a customer's addresses.
    AddressId
);
#[cfg(feature = "ssr")]
client_ids!(ContactId, AddressId);

/// A person to talk to at a customer company.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: ContactId,
    pub name: String,
    /// Their role at the company; may be empty.
    pub role: String,
    pub email: String,
    pub phone: String,
}

/// What an address is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressKind {
    Billing,
    Shipping,
    Office,
}

impl AddressKind {
    pub const ALL: [AddressKind; 3] = [Self::Billing, Self::Shipping, Self::Office];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Billing => "billing",
            Self::Shipping => "shipping",
            Self::Office => "office",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Billing => "Billing",
            Self::Shipping => "Shipping",
            Self::Office => "Office",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// A postal address of a customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub id: AddressId,
    pub kind: AddressKind,
    pub street: String,
    pub city: String,
    pub postcode: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    /// The country's English name.
    pub country_name: String,
}

/// Everything hanging off one customer, with the customer's version it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerParts {
    pub contacts: Vec<Contact>,
    pub addresses: Vec<Address>,
    /// The customer's version after the latest change; a change names it.
    pub version: i64,
}

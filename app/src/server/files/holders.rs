//! The kinds of record files hang on, each declared once: the keys that read and write its
//! files, the `files` column naming it, and its record kind (whose scope decides reach).

use crate::error::AppError;
use crate::model::{CustomerId, DocumentId, FileHolder, OrderId, PaymentId, Purpose, TicketId};
use crate::permissions::{keys, Key};
use crate::server::records::kind::RecordKind;
use crate::server::records::{customers, library, orders, payments, tickets};

/// A kind of record files hang on.
pub trait Holder {
    /// Reading the record reads its files.
    type Read: Key;
    /// Writing the record adds and removes its files.
    type Write: Key;
    const HOLDER: FileHolder;
    const PURPOSE: Purpose = Self::HOLDER.purpose();
    /// The `files` column naming the record.
    const COLUMN: &'static str;
    fn kind() -> &'static RecordKind;
    /// The record's id as a client sent it, checked for shape by its own type; look-ups bind
    /// it to the caller's reach.
    fn record_id(raw: &str) -> Result<String, AppError>;
}

pub struct OnCustomer;
impl Holder for OnCustomer {
    type Read = keys::CustomersRead;
    type Write = keys::CustomersWrite;
    const HOLDER: FileHolder = FileHolder::Customer;
    const COLUMN: &'static str = "customer_id";
    fn kind() -> &'static RecordKind {
        &customers::KIND
    }
    fn record_id(raw: &str) -> Result<String, AppError> {
        Ok(CustomerId::from_client(raw)?.as_str().to_owned())
    }
}

pub struct OnOrder;
impl Holder for OnOrder {
    type Read = keys::OrdersRead;
    type Write = keys::OrdersWrite;
    const HOLDER: FileHolder = FileHolder::Order;
    const COLUMN: &'static str = "order_id";
    fn kind() -> &'static RecordKind {
        &orders::KIND
    }
    fn record_id(raw: &str) -> Result<String, AppError> {
        Ok(OrderId::from_client(raw)?.as_str().to_owned())
    }
}

/// Files in a ticket's thread: whoever works on the ticket adds them.
pub struct OnTicket;
impl Holder for OnTicket {
    type Read = keys::TicketsRead;
    type Write = keys::TicketsWrite;
    const HOLDER: FileHolder = FileHolder::Ticket;
    const COLUMN: &'static str = "ticket_id";
    fn kind() -> &'static RecordKind {
        &tickets::KIND
    }
    fn record_id(raw: &str) -> Result<String, AppError> {
        Ok(TicketId::from_client(raw)?.as_str().to_owned())
    }
}

/// Proof of a payment. A bank statement shows what the masked reference hides, so reading it
/// takes the key that unmasks references, and adding it the key that takes payments.
pub struct OnPayment;
impl Holder for OnPayment {
    type Read = keys::PaymentsRead;
    type Write = keys::PaymentsProcess;
    const HOLDER: FileHolder = FileHolder::Payment;
    const COLUMN: &'static str = "payment_id";
    fn kind() -> &'static RecordKind {
        &payments::KIND
    }
    fn record_id(raw: &str) -> Result<String, AppError> {
        Ok(PaymentId::from_client(raw)?.as_str().to_owned())
    }
}

/// A document of the library: each file is a version of it.
pub struct OnDocument;
impl Holder for OnDocument {
    type Read = keys::DocumentsRead;
    type Write = keys::DocumentsWrite;
    const HOLDER: FileHolder = FileHolder::Document;
    const COLUMN: &'static str = "document_id";
    fn kind() -> &'static RecordKind {
        &library::KIND
    }
    fn record_id(raw: &str) -> Result<String, AppError> {
        Ok(DocumentId::from_client(raw)?.as_str().to_owned())
    }
}

/// Runs `$body` with `$H` bound to the [`Holder`] of the [`FileHolder`] `$holder`: the one
/// place a holder named in a request becomes its declaration.
#[macro_export]
macro_rules! for_holder {
    ($holder:expr, $H:ident => $body:expr) => {{
        use $crate::model::FileHolder;
        use $crate::server::files::holders as h;
        match $holder {
            FileHolder::Customer => {
                type $H = h::OnCustomer;
                $body
            }
            FileHolder::Order => {
                type $H = h::OnOrder;
                $body
            }
            FileHolder::Ticket => {
                type $H = h::OnTicket;
                $body
            }
            FileHolder::Payment => {
                type $H = h::OnPayment;
                $body
            }
            FileHolder::Document => {
                type $H = h::OnDocument;
                $body
            }
        }
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_and_the_server_agree_on_each_holders_write_key() {
        for holder in FileHolder::ALL {
            let (write, table, purpose) = for_holder!(holder, H => (
                <<H as Holder>::Write as Key>::PERMISSION,
                H::kind().table,
                H::PURPOSE,
            ));
            assert_eq!(holder.write_permission(), write);
            assert_eq!(for_holder!(holder, H => H::HOLDER), holder);
            assert_eq!(holder.segment(), table);
            assert_eq!(holder.purpose(), purpose);
        }
    }
}

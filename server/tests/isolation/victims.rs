//! The victim workspace's business records, each carrying a secret a stranger must never read:
//! a product, a quote and an order with lines, a payment with a pending refund approval, a
//! licence, a ticket with a reply and an internal note, and the customer's contact person,
//! address and tag.

use app::permissions::keys::ProductsWrite;
use app::server::platform::db::Db;
use app::server::platform::testing::Fixture;

/// A product with a secret name and description, priced and stocked.
pub async fn victim_product(db: &Db, f: &Fixture) -> String {
    use app::server::records::products::{self, ProductForm};
    let form = ProductForm {
        sku: "A-SKU-1".into(),
        name: "Secret Product A".into(),
        description: "A-PRODUCT-SECRET".into(),
        unit_price: "10".into(),
        stock: "5".into(),
        active: true,
        ..ProductForm::default()
    };
    let write = f.grant::<ProductsWrite>().await;
    let made = products::create(db, &f.clock, &write, &form).await.unwrap();
    made.id.as_str().to_owned()
}

/// Confirms the order and takes a payment with a secret reference against it.
async fn victim_payment(
    db: &Db,
    f: &Fixture,
    order: &app::model::OrderId,
    version: i64,
) -> (String, String) {
    use app::permissions::keys::{OrdersRead, OrdersWrite, PaymentsProcess};
    use app::server::records::{orders, payments};
    orders::flow::confirm(
        db,
        &f.clock,
        &f.grant::<OrdersWrite>().await,
        order,
        version,
    )
    .await
    .unwrap();
    let form = payments::actions::PaymentForm {
        order_id: order.as_str().into(),
        method: "card".into(),
        amount: "1".into(),
        reference: "A-PAYMENT-SECRET".into(),
        paid_on: String::new(),
    };
    payments::actions::take(db, &f.clock, &f.grant::<PaymentsProcess>().await, &form)
        .await
        .unwrap();
    let payment = payments::for_order(db, &f.grant::<OrdersRead>().await, order)
        .await
        .unwrap()
        .payments[0]
        .id
        .clone();
    (
        payment.as_str().to_owned(),
        victim_approval(db, f, &payment).await,
    )
}

/// Refunds over 0.50 need approval: the victim's refund of the whole payment waits, with a
/// secret reason.
async fn victim_approval(db: &Db, f: &Fixture, payment: &app::model::PaymentId) -> String {
    use app::permissions::keys::{OrdersRefund, PaymentsRefund, SettingsWrite};
    use app::server::records::payments::{actions, approvals};
    use app::server::workspace::sales_terms::{self, TermsForm};
    let terms = TermsForm {
        currency: "EUR".into(),
        refund_approval_over: "0.50".into(),
        ..TermsForm::default()
    };
    sales_terms::set(db, &f.clock, &f.grant::<SettingsWrite>().await, &terms)
        .await
        .unwrap();
    let refund = f.grant::<PaymentsRefund>().await;
    let outcome = actions::refund(db, &f.clock, &refund, payment, 1, "1", "A-REFUND-SECRET")
        .await
        .unwrap();
    assert_eq!(outcome, app::model::RefundOutcome::AwaitingApproval);
    approvals::list(db, &f.clock, &f.grant::<OrdersRefund>().await, true)
        .await
        .unwrap()[0]
        .id
        .as_str()
        .to_owned()
}

pub struct VictimDocuments {
    pub quote: String,
    pub quote_line: String,
    pub order: String,
    pub order_line: String,
    pub payment: String,
    pub approval: String,
    pub licence: String,
    pub ticket: String,
}

/// A draft quote and a draft order for the victim's customer, each with a line and a secret in
/// its title or notes.
pub async fn victim_documents(
    db: &Db,
    f: &Fixture,
    customer: &str,
    product: &str,
) -> VictimDocuments {
    use app::permissions::keys::{CustomersRead, OrdersWrite, QuotesWrite};
    use app::server::records::documents::{header::HeaderForm, lines::LineForm};
    use app::server::records::{orders, quotes};
    let customers = f.grant::<CustomersRead>().await;
    let header = HeaderForm {
        customer_id: customer.into(),
        notes: "A-ORDER-SECRET".into(),
        ..HeaderForm::default()
    };
    let line = LineForm {
        product_id: product.into(),
        quantity: "2".into(),
        discount: String::new(),
    };
    let quotes_write = f.grant::<QuotesWrite>().await;
    let form = quotes::QuoteForm {
        header: header.clone(),
        title: "A-QUOTE-SECRET".into(),
        valid_until: String::new(),
    };
    let q = quotes::create(db, &f.clock, &quotes_write, &customers, &form)
        .await
        .unwrap();
    let q = quotes::add_line(db, &f.clock, &quotes_write, &q.quote.id, 1, &line)
        .await
        .unwrap();
    let orders_write = f.grant::<OrdersWrite>().await;
    let o = orders::create(db, &f.clock, &orders_write, &customers, &header)
        .await
        .unwrap();
    let o = orders::add_line(db, &f.clock, &orders_write, &o.order.id, 1, &line)
        .await
        .unwrap();
    let (payment, approval) = victim_payment(db, f, &o.order.id, o.order.header.version).await;
    let licence = victim_licence(db, f, customer, product).await;
    let ticket = victim_ticket(db, f, customer).await;
    VictimDocuments {
        ticket,
        licence,
        payment,
        approval,
        quote: q.quote.id.as_str().into(),
        quote_line: q.lines[0].id.as_str().into(),
        order: o.order.id.as_str().into(),
        order_line: o.lines[0].id.as_str().into(),
    }
}

/// A licence of the victim's product for its customer, with secret notes.
async fn victim_licence(db: &Db, f: &Fixture, customer: &str, product: &str) -> String {
    use app::permissions::keys::{CustomersRead, LicencesWrite};
    use app::server::records::licences::{self, LicenceForm, TermsForm};
    let form = LicenceForm {
        product_id: product.into(),
        customer_id: customer.into(),
        terms: TermsForm {
            seats: "5".into(),
            notes: "A-LICENCE-SECRET".into(),
            ..TermsForm::default()
        },
    };
    let write = f.grant::<LicencesWrite>().await;
    let customers = f.grant::<CustomersRead>().await;
    licences::create(db, &f.clock, &write, &customers, &form)
        .await
        .unwrap()
        .licence
        .id
        .as_str()
        .to_owned()
}

/// A library document with a secret title, description and tag, owned by `owner` in `team`.
pub async fn victim_library_document(db: &Db, f: &Fixture, owner: &str, team: &str) -> String {
    use app::permissions::keys::DocumentsWrite;
    use app::server::records::library::{self, DocumentForm};
    let form = DocumentForm {
        title: "A-DOCUMENT-SECRET title".into(),
        description: "A-DOCUMENT-SECRET description".into(),
        tags: "A-DOCUMENT-SECRET".into(),
        assigned_user_id: owner.into(),
        team_id: team.into(),
    };
    let write = f.grant::<DocumentsWrite>().await;
    library::create(db, &f.clock, &write, &form)
        .await
        .unwrap()
        .id
        .as_str()
        .to_owned()
}

/// A ticket with a secret subject, first message and internal note.
async fn victim_ticket(db: &Db, f: &Fixture, customer: &str) -> String {
    use app::model::MessageKind;
    use app::permissions::keys::{CustomersRead, TicketsWrite};
    use app::server::records::tickets::{self, thread, EditForm, TicketForm};
    let form = TicketForm {
        customer_id: customer.into(),
        fields: EditForm {
            subject: "A-TICKET-SECRET".into(),
            ..EditForm::default()
        },
        message: "A-TICKET-SECRET message".into(),
    };
    let write = f.grant::<TicketsWrite>().await;
    let customers = f.grant::<CustomersRead>().await;
    let made = tickets::create(db, &f.clock, &write, &customers, &form)
        .await
        .unwrap();
    thread::add_message(
        db,
        &f.clock,
        &write,
        &made.ticket.id,
        MessageKind::Note,
        "A-NOTE-OF-TICKET",
    )
    .await
    .unwrap();
    made.ticket.id.as_str().to_owned()
}

/// A contact person, an address and a tag on the victim's customer (at its first version), each
/// with a secret. Returns the contact's and the address's ids.
pub async fn victim_parts(db: &Db, f: &Fixture, customer: &str) -> (String, String) {
    use app::model::CustomerId;
    use app::permissions::keys::CustomersWrite;
    use app::server::records::customers::{addresses, contacts, tags, AddressForm, ContactForm};
    let write = f.grant::<CustomersWrite>().await;
    let id = CustomerId::from_client(customer).unwrap();
    let contact = ContactForm {
        name: "A-CONTACT-SECRET".into(),
        ..ContactForm::default()
    };
    let p = contacts::add(db, &f.clock, &write, &id, 1, &contact)
        .await
        .unwrap();
    let address = AddressForm {
        kind: "billing".into(),
        street: "A-STREET-SECRET".into(),
        city: "Leeds".into(),
        country: "GB".into(),
        ..AddressForm::default()
    };
    let p = addresses::add(db, &f.clock, &write, &id, p.version, &address)
        .await
        .unwrap();
    tags::set(db, &f.clock, &write, &id, p.version, "A-TAG-SECRET")
        .await
        .unwrap();
    (
        p.contacts[0].id.as_str().into(),
        p.addresses[0].id.as_str().into(),
    )
}

/// A PDF named with a secret, attached to the victim's `record` of `H`. Its bytes are stored in
/// a directory of their own: a stranger who got past the checks would find the row, never these.
pub async fn victim_file<H: app::server::files::attachments::Holder>(
    db: &Db,
    f: &Fixture,
    record: &str,
) -> String {
    use app::server::files::attachments;
    use app::server::files::spool;
    let dir = tempfile::tempdir().unwrap();
    let storage = app::server::platform::testing::disk_storage(dir.path());
    let body = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(
        b"%PDF-1.7\nA-FILE-SECRET\n%%EOF\n",
    ))]);
    let upload = spool::spool(storage.spool_dir(), body, 1024).await.unwrap();
    let write = f.grant::<H::Write>().await;
    attachments::attach::<H>(
        db,
        &f.clock,
        &storage,
        &write,
        record,
        "A-FILE-SECRET.pdf",
        upload,
    )
    .await
    .unwrap()
    .id
    .as_str()
    .to_owned()
}

/// The victim's quote template, whose text is a secret; returns its file id.
pub async fn victim_template(db: &Db, f: &Fixture) -> String {
    use app::server::files::spool;
    use app::server::files::templates::quote;
    let dir = tempfile::tempdir().unwrap();
    let storage = app::server::platform::testing::disk_storage(dir.path());
    let bytes = app::server::platform::testing::docx(&["{{customer.name}} A-FILE-SECRET"]);
    let body = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(bytes))]);
    let upload = spool::spool(storage.spool_dir(), body, 1 << 20)
        .await
        .unwrap();
    let settings = f.grant::<app::permissions::keys::SettingsWrite>().await;
    quote::set(
        db,
        &f.clock,
        &storage,
        &settings,
        "A-FILE-SECRET.docx",
        upload,
    )
    .await
    .unwrap()
    .id
    .as_str()
    .to_owned()
}

/// An import waiting for its mapping, whose file names a secret column and row. Its bytes are
/// stored in a directory of their own, as the victim's file's are.
pub async fn victim_import(db: &Db, f: &Fixture) -> String {
    use app::permissions::keys::CustomersImport;
    use app::server::files::spool;
    use app::server::imports;
    use app::server::records::customers::import::CustomerImport;
    let dir = tempfile::tempdir().unwrap();
    let storage = app::server::platform::testing::disk_storage(dir.path());
    let body = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(
        b"Name,A-IMPORT-SECRET\nA-IMPORT-SECRET row,x\n",
    ))]);
    let upload = spool::spool(storage.spool_dir(), body, 1024).await.unwrap();
    let grant = f.grant::<CustomersImport>().await;
    let bulk = grant.bulk().unwrap();
    imports::receive::<CustomerImport>(db, &f.clock, &storage, &bulk, "A-IMPORT-SECRET.csv", upload)
        .await
        .unwrap()
        .as_str()
        .to_owned()
}

/// A finished background export of the victim's customers, its file in a directory of its own.
pub async fn victim_export(db: &Db, f: &Fixture) -> String {
    use app::model::{ExportList, ExportStatus};
    use app::permissions::keys::{CustomersExport, CustomersRead};
    use app::server::exports::customers::Customers;
    use app::server::exports::kit::Address;
    use app::server::exports::stream::Request;
    use app::server::exports::{background, runs};
    let dir = tempfile::tempdir().unwrap();
    let storage = app::server::platform::testing::disk_storage(dir.path());
    let address = Address::default();
    let asked = Request::<Customers> {
        read: f.grant::<CustomersRead>().await,
        export: f.grant::<CustomersExport>().await,
        address: &address,
        raw: "",
        ip: None,
        background: true,
    };
    let id = background::start::<Customers>(db, &f.clock, &storage, asked)
        .await
        .unwrap();
    let grant = f.grant::<CustomersExport>().await;
    for _ in 0..200 {
        let found = runs::find(db, &grant, ExportList::CUSTOMERS, &id, f.clock.now_ms())
            .await
            .unwrap();
        if found.view.status != ExportStatus::Running {
            assert_eq!(found.view.status, ExportStatus::Done);
            return id.as_str().to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the victim's export did not finish");
}

//! A customer's contact persons, addresses and tags against real SQLite and PostgreSQL: each
//! change names the customer's version and moves it on, is refused by field or as stale without
//! changing anything, reaches only customers within the writer's scope and workspace, and is in
//! the customer's history; tags filter the list and go on many customers at once.

use app::model::{AddressKind, ContactId, Customer, CustomerId, UserId};
use app::permissions::keys::{CustomersDelete, CustomersRead, CustomersWrite};
use app::server::access::grants;
use app::server::identity::workspaces::WorkspaceName;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::records::bulk::Selection;
use app::server::records::customers::{
    self, addresses, contacts, parts, tags, AddressForm, ContactForm, CustomerForm, ListQuery,
};

use super::support::message;

const PARTS: [&str; 4] = [
    "customers",
    "customer_contacts",
    "customer_addresses",
    "customer_tags",
];

async fn customer(f: &Fixture, name: &str, assigned: &UserId) -> Customer {
    let form = CustomerForm {
        name: name.into(),
        assigned_user_id: assigned.as_str().into(),
        ..CustomerForm::default()
    };
    customers::create(&f.db, &f.clock, &f.grant::<CustomersWrite>().await, &form)
        .await
        .unwrap()
}

fn contact(name: &str, email: &str) -> ContactForm {
    ContactForm {
        name: name.into(),
        role: "Buyer".into(),
        email: email.into(),
        phone: "+44 20 7946 0000".into(),
    }
}

fn address(kind: &str, country: &str) -> AddressForm {
    AddressForm {
        kind: kind.into(),
        street: "1 Canal Street".into(),
        city: "Manchester".into(),
        postcode: "M1 3HE".into(),
        country: country.into(),
    }
}

/// Every part table's rows and the customers' versions, to see that a refusal changes nothing.
async fn state(t: &TestDb) -> (Vec<(String, i64)>, Vec<String>) {
    (
        t.row_counts(&PARTS).await,
        t.rows_as_text("SELECT name, version FROM customers ORDER BY name")
            .await,
    )
}

/// A stale version and each bad field are refused, by name, and change nothing.
async fn refusals_change_nothing(t: &TestDb, f: &Fixture, c: &Customer, version: i64) {
    let label = t.backend().name();
    let write = f.grant::<CustomersWrite>().await;
    let (db, clock) = (&f.db, &f.clock);
    let ada = contact("Ada Lovelace", "");
    let before = state(t).await;
    let stale = contacts::add(db, clock, &write, &c.id, version - 1, &ada).await;
    assert!(
        message(stale.unwrap_err()).contains("changed by someone else"),
        "{label}"
    );
    for (bad, field) in [
        (contact("", ""), "contact_name"),
        (contact("Bo", "not-an-address"), "contact_email"),
        (
            ContactForm {
                phone: "ring ring".into(),
                ..contact("Bo", "")
            },
            "contact_phone",
        ),
        (
            ContactForm {
                role: "r".repeat(101),
                ..contact("Bo", "")
            },
            "contact_role",
        ),
    ] {
        let e = contacts::add(db, clock, &write, &c.id, version, &bad).await;
        assert!(
            message(e.unwrap_err()).starts_with(field),
            "{label}: {bad:?}"
        );
    }
    for (bad, field) in [
        (address("home", "GB"), "kind"),
        (address("billing", "XX"), "country"),
        (address("billing", "United Kingdom"), "country"),
        (
            AddressForm {
                street: "  ".into(),
                ..address("office", "GB")
            },
            "street",
        ),
    ] {
        let e = addresses::add(db, clock, &write, &c.id, version, &bad).await;
        assert!(
            message(e.unwrap_err()).starts_with(field),
            "{label}: {bad:?}"
        );
    }
    assert_eq!(state(t).await, before, "{label}: refusals change nothing");
}

/// The Owner adds, refuses and removes contacts and addresses; each change is one version and
/// one history entry with the list before and after.
async fn contacts_and_addresses_move_the_version(t: &TestDb, f: &Fixture, c: &Customer) {
    let label = t.backend().name();
    let write = f.grant::<CustomersWrite>().await;
    let (db, clock) = (&f.db, &f.clock);
    let ada = contact("Ada Lovelace", "Ada@Example.com");
    let p = contacts::add(db, clock, &write, &c.id, c.version, &ada)
        .await
        .unwrap();
    assert_eq!(p.version, c.version + 1, "{label}");
    assert_eq!(p.contacts.len(), 1, "{label}");
    assert_eq!(p.contacts[0].email, "Ada@Example.com", "{label}");

    refusals_change_nothing(t, f, c, p.version).await;

    let p = addresses::add(
        db,
        clock,
        &write,
        &c.id,
        p.version,
        &address("shipping", "de"),
    )
    .await
    .unwrap();
    let a = &p.addresses[0];
    assert_eq!(
        (a.kind, a.country.as_str(), a.country_name.as_str()),
        (AddressKind::Shipping, "DE", "Germany"),
        "{label}"
    );
    let unknown = ContactId::from_client("0190f5a2-0000-7000-8000-00000000dead").unwrap();
    let e = contacts::remove(db, clock, &write, &c.id, p.version, &unknown).await;
    assert!(matches!(e, Err(DomainError::NotFound)), "{label}");
    let gone = p.contacts[0].id.clone();
    let p = contacts::remove(db, clock, &write, &c.id, p.version, &gone)
        .await
        .unwrap();
    assert!(p.contacts.is_empty(), "{label}");
    let p = addresses::remove(
        db,
        clock,
        &write,
        &c.id,
        p.version,
        &p.addresses[0].id.clone(),
    )
    .await
    .unwrap();
    assert_eq!(p.version, c.version + 4, "{label}");

    let logged = t
        .strings(&format!(
            "SELECT action || ' ' || COALESCE(before_state, '') || ' ' || COALESCE(after_state, '') \
             FROM audit_log WHERE target LIKE '%{}%' ORDER BY id",
            c.id
        ))
        .await;
    let actions: Vec<&str> = logged
        .iter()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "customer.create",
            "customer.contact_added",
            "customer.address_added",
            "customer.contact_removed",
            "customer.address_removed"
        ],
        "{label}"
    );
    assert!(logged[1].contains("Ada Lovelace"), "{label}: {logged:?}");
}

/// Tags: set as a whole at a version, one per key, shown on the customer and the list, and a
/// list filter that ignores case.
async fn tags_filter_the_list(t: &TestDb, f: &Fixture, c: &Customer, other: &Customer) {
    let label = t.backend().name();
    let write = f.grant::<CustomersWrite>().await;
    let read = f.grant::<CustomersRead>().await;
    let (db, clock) = (&f.db, &f.clock);
    let now = customers::get(db, &read, &c.id).await.unwrap();
    let tagged = tags::set(
        db,
        clock,
        &write,
        &c.id,
        now.version,
        " vip, Trade fair ,VIP",
    )
    .await
    .unwrap();
    assert_eq!(tagged.tags, ["Trade fair", "vip"], "{label}");
    let before = state(t).await;
    let stale = tags::set(db, clock, &write, &c.id, now.version, "other").await;
    assert!(
        message(stale.unwrap_err()).contains("changed by someone else"),
        "{label}"
    );
    let bad = tags::set(db, clock, &write, &c.id, tagged.version, "ok,bad\u{1b}tag").await;
    assert!(message(bad.unwrap_err()).starts_with("tags"), "{label}");
    assert_eq!(state(t).await, before, "{label}");

    let query = ListQuery {
        tag: Some("VIP".into()),
        ..ListQuery::default()
    };
    let listed = customers::list(db, &read, &query).await.unwrap();
    let found: Vec<&CustomerId> = listed.items.iter().map(|c| &c.id).collect();
    assert_eq!(found, [&c.id], "{label}");
    assert_eq!(listed.items[0].tags, ["Trade fair", "vip"], "{label}");
    let all = customers::list(db, &read, &ListQuery::default())
        .await
        .unwrap();
    let untagged = all.items.iter().find(|x| x.id == other.id).unwrap();
    assert!(untagged.tags.is_empty(), "{label}");
    let history = t
        .strings("SELECT after_state FROM audit_log WHERE action = 'customer.tags_set'")
        .await;
    assert_eq!(history.len(), 1, "{label}");
    assert!(history[0].contains("Trade fair"), "{label}: {history:?}");
}

/// A bulk tag puts one tag on every chosen customer in one transaction and one entry; a
/// customer already carrying it keeps one.
async fn bulk_tag_is_one_entry(t: &TestDb, f: &Fixture, ids: &[&CustomerId]) {
    let label = t.backend().name();
    let write = f.grant::<CustomersWrite>().await;
    let bulk = write.bulk().unwrap();
    let joined: Vec<&str> = ids.iter().map(|id| id.as_str()).collect();
    let selection = Selection::parse(&joined.join(",")).unwrap();
    let bad = tags::bulk_tag(&f.db, &f.clock, &bulk, &selection, "a,b").await;
    assert!(message(bad.unwrap_err()).starts_with("tag"), "{label}");
    let n = tags::bulk_tag(&f.db, &f.clock, &bulk, &selection, "VIP")
        .await
        .unwrap();
    assert_eq!(n, ids.len(), "{label}");
    let rows = t
        .rows_as_text("SELECT customer_id, tag FROM customer_tags WHERE tag_key = 'vip'")
        .await;
    assert_eq!(rows.len(), ids.len(), "{label}: one each: {rows:?}");
    let logged = t
        .strings("SELECT action || ' ' || target FROM audit_log WHERE action = 'customer.bulk_tag'")
        .await;
    assert_eq!(
        logged,
        [format!("customer.bulk_tag {} customers", ids.len())],
        "{label}"
    );
}

/// Staff reach the parts of their own customers only, and another workspace's grant reaches
/// none; deleting a customer takes its parts with it.
async fn scope_and_workspace_confine_parts(t: &TestDb, f: &Fixture, c: &Customer) {
    let label = t.backend().name();
    let (db, clock) = (&f.db, &f.clock);
    let grace = f
        .add_member("grace@example.com", "Grace Hopper", "Staff")
        .await;
    let staff_read = f.grant_of::<CustomersRead>(&grace).await.unwrap();
    let staff_write = f.grant_of::<CustomersWrite>(&grace).await.unwrap();
    let version = customers::get(db, &f.grant::<CustomersRead>().await, &c.id)
        .await
        .unwrap()
        .version;
    let before = state(t).await;
    assert!(matches!(
        parts::get(db, &staff_read, &c.id).await,
        Err(DomainError::NotFound)
    ));
    let add = contacts::add(db, clock, &staff_write, &c.id, version, &contact("X", "")).await;
    assert!(matches!(add, Err(DomainError::NotFound)), "{label}");
    let tag = tags::set(db, clock, &staff_write, &c.id, version, "mine").await;
    assert!(matches!(tag, Err(DomainError::NotFound)), "{label}");
    let own = customer(f, "Grace's own", &grace).await;
    let p = contacts::add(
        db,
        clock,
        &staff_write,
        &own.id,
        own.version,
        &contact("Y", ""),
    )
    .await
    .unwrap();
    assert_eq!(p.contacts.len(), 1, "{label}");

    let other = app::server::identity::accounts::create_workspace(
        db,
        clock,
        &f.owner,
        &WorkspaceName::parse("Elsewhere Ltd").unwrap(),
    )
    .await
    .unwrap();
    let elsewhere = grants::require::<CustomersWrite>(db, clock, &f.owner, &other.id)
        .await
        .unwrap();
    let e = addresses::add(
        db,
        clock,
        &elsewhere,
        &c.id,
        version,
        &address("office", "GB"),
    )
    .await;
    assert!(matches!(e, Err(DomainError::NotFound)), "{label}");
    let after = state(t).await;
    assert_eq!(
        after.0[1].1,
        before.0[1].1 + 1,
        "{label}: only Grace's contact"
    );

    let delete = f.grant::<CustomersDelete>().await;
    customers::delete(db, clock, &delete, &own.id, None)
        .await
        .unwrap();
    let left = t
        .strings(&format!(
            "SELECT id FROM customer_contacts WHERE customer_id = '{}'",
            own.id
        ))
        .await;
    assert!(
        left.is_empty(),
        "{label}: the contact went with its customer"
    );
}

#[tokio::test]
async fn contacts_addresses_and_tags_are_changes_of_their_customer() {
    for t in backends().await {
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let c = customer(&f, "Difference Engines", &f.owner).await;
        let other = customer(&f, "Jacquard Looms", &f.owner).await;
        contacts_and_addresses_move_the_version(&t, &f, &c).await;
        tags_filter_the_list(&t, &f, &c, &other).await;
        bulk_tag_is_one_entry(&t, &f, &[&c.id, &other.id]).await;
        scope_and_workspace_confine_parts(&t, &f, &c).await;
    }
}

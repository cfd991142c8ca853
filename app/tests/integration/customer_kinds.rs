//! Companies and people against real SQLite and PostgreSQL: a customer is one or the other, the
//! list filters by it, only a company has contact persons, a company keeps its contacts rather
//! than becoming a person that silently loses them, and a save that leaves the kind out keeps it.

use app::model::{Customer, CustomerKind};
use app::permissions::keys::{CustomersRead, CustomersWrite};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture};
use app::server::records::customers::{self, contacts, ContactForm, CustomerForm, ListQuery};

fn form(kind: &str, name: &str) -> CustomerForm {
    CustomerForm {
        kind: kind.into(),
        name: name.into(),
        ..CustomerForm::default()
    }
}

fn edit(c: &Customer, kind: &str) -> CustomerForm {
    CustomerForm {
        kind: kind.into(),
        name: c.name.clone(),
        ..CustomerForm::default()
    }
}

fn buyer() -> ContactForm {
    ContactForm {
        name: "Charles Babbage".into(),
        ..ContactForm::default()
    }
}

async fn names(f: &Fixture, kind: Option<CustomerKind>) -> Vec<String> {
    let read = f.grant::<CustomersRead>().await;
    let q = ListQuery {
        kind,
        ..ListQuery::default()
    };
    let page = customers::list(&f.db, &read, &q).await.unwrap();
    page.items.into_iter().map(|c| c.name).collect()
}

#[tokio::test]
async fn a_customer_is_a_company_or_a_person() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let write = f.grant::<CustomersWrite>().await;
        let (db, w) = (&f.db, &write);

        let firm = customers::create(db, &clock, w, &form("", "Analytical Engines Ltd"))
            .await
            .unwrap();
        assert_eq!(firm.kind, CustomerKind::Company, "{label}: the default");
        let ada = customers::create(db, &clock, w, &form("person", "Ada Byron"))
            .await
            .unwrap();
        assert_eq!(ada.kind, CustomerKind::Person, "{label}");
        let before = t.row_counts(&["customers"]).await;
        let refused = customers::create(db, &clock, w, &form("robot", "R2"))
            .await
            .unwrap_err();
        assert!(
            matches!(refused, DomainError::Invalid { field: "kind", .. }),
            "{label}: {refused:?}"
        );
        assert_eq!(t.row_counts(&["customers"]).await, before, "{label}");

        assert_eq!(names(&f, Some(CustomerKind::Person)).await, ["Ada Byron"]);
        assert_eq!(
            names(&f, Some(CustomerKind::Company)).await,
            ["Analytical Engines Ltd"]
        );
        assert_eq!(names(&f, None).await.len(), 2, "{label}");

        // A person has no contact persons: refused, and the version stays.
        let refused = contacts::add(db, &clock, w, &ada.id, ada.version, &buyer())
            .await
            .unwrap_err();
        assert!(
            matches!(refused, DomainError::Conflict(_)),
            "{label}: {refused:?}"
        );
        let read = f.grant::<CustomersRead>().await;
        let unchanged = customers::get(db, &read, &ada.id).await.unwrap();
        assert_eq!(unchanged.version, ada.version, "{label}");

        // A company with a contact does not become a person until the contact is gone.
        let parts = contacts::add(db, &clock, w, &firm.id, firm.version, &buyer())
            .await
            .unwrap();
        let refused = customers::update(
            db,
            &clock,
            w,
            &firm.id,
            parts.version,
            &edit(&firm, "person"),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(refused, DomainError::Invalid { field: "kind", .. }),
            "{label}: {refused:?}"
        );
        let still = customers::get(db, &read, &firm.id).await.unwrap();
        assert_eq!(
            (still.kind, still.version),
            (CustomerKind::Company, parts.version)
        );
        let contact = parts.contacts[0].id.clone();
        let parts = contacts::remove(db, &clock, w, &firm.id, parts.version, &contact)
            .await
            .unwrap();
        let now_person = customers::update(
            db,
            &clock,
            w,
            &firm.id,
            parts.version,
            &edit(&firm, "person"),
        )
        .await
        .unwrap();
        assert_eq!(now_person.kind, CustomerKind::Person, "{label}");

        // A save that leaves the kind out keeps it.
        let kept = customers::update(db, &clock, w, &ada.id, ada.version, &edit(&ada, ""))
            .await
            .unwrap();
        assert_eq!(kept.kind, CustomerKind::Person, "{label}");
    }
}

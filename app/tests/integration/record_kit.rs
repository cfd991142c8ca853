//! The record kit against real SQLite and PostgreSQL: the optimistic version, how catalogues and
//! records reached through another are scoped, and the registry of kinds.

use app::model::CustomerId;
use app::permissions::{keys, Resource, Scope};
use app::server::access::grants;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture};
use app::server::records::customers::{self, CustomerForm};
use app::server::records::kinds;

fn named(name: &str) -> CustomerForm {
    CustomerForm {
        name: name.into(),
        ..CustomerForm::default()
    }
}

#[tokio::test]
async fn an_update_based_on_an_old_version_is_refused_and_changes_nothing() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let write = f.grant::<keys::CustomersWrite>().await;
        let read = f.grant::<keys::CustomersRead>().await;
        let made = customers::create(&t.db, &clock, &write, &named("Babbage"))
            .await
            .unwrap();
        assert_eq!(made.version, 1, "{label}");
        // Two people opened version 1; the first save wins and moves the version on.
        let first = customers::update(&t.db, &clock, &write, &made.id, 1, &named("First"))
            .await
            .unwrap();
        assert_eq!(first.version, 2, "{label}");
        let second = customers::update(&t.db, &clock, &write, &made.id, 1, &named("Second")).await;
        match second {
            Err(DomainError::Conflict(message)) => {
                assert!(
                    message.contains("changed by someone else"),
                    "{label}: {message}"
                )
            }
            other => panic!("{label}: expected a conflict, got {other:?}"),
        }
        let now = customers::get(&t.db, &read, &made.id).await.unwrap();
        assert_eq!((now.name.as_str(), now.version), ("First", 2), "{label}");
        // A record out of reach is still not found, whatever version is named.
        let stranger = CustomerId::from_client("01900000-0000-7000-8000-000000000000").unwrap();
        assert!(
            matches!(
                customers::update(&t.db, &clock, &write, &stranger, 1, &named("x")).await,
                Err(DomainError::Conflict(_) | DomainError::NotFound)
            ),
            "{label}"
        );
        assert!(matches!(
            customers::get(&t.db, &read, &stranger).await,
            Err(DomainError::NotFound)
        ));
    }
}

#[tokio::test]
async fn catalogues_reach_everything_and_payments_follow_their_orders() {
    for t in backends().await {
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let held = grants::held(&t.db, &clock, &grace, &f.workspace)
            .await
            .unwrap();
        let access = held.access();
        assert_eq!(access.scope(Resource::Orders), Scope::Assigned);
        assert_eq!(access.scope(Resource::Products), Scope::All);
        assert_eq!(
            access.scope(Resource::Payments),
            access.scope(Resource::Orders)
        );
    }
}

#[test]
fn every_kind_is_registered_once_and_customers_is_one() {
    assert!(kinds::KINDS.iter().any(|k| k.table == "customers"));
    for kind in kinds::KINDS {
        assert_eq!(kinds::of(kind.resource).unwrap().table, kind.table);
        assert!(Resource::ALL.contains(&kind.resource));
    }
}

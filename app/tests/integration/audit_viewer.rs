//! The audit viewer's filters against real SQLite and PostgreSQL: each narrows the page to the
//! entries it names — by person, by action or family, by target, by day — and a bad value is
//! refused with its field named.

use app::model::AuditFilter;
use app::permissions::keys::{AuditRead, TeamWrite};
use app::server::access::audit;
use app::server::audit::selection::Selection;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture};
use app::server::workspace::teams;

#[tokio::test]
async fn each_filter_narrows_the_trail_to_what_it_names() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::System).await;
        let write = f.grant::<TeamWrite>().await;
        let mut made = Vec::new();
        for name in ["Ops", "Sales", "Support"] {
            made.push(teams::create(&t.db, &f.clock, &write, name).await.unwrap());
        }
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let read = f.grant::<AuditRead>().await;
        let select = |filter: AuditFilter| {
            let (db, read) = (t.db.clone(), &read);
            async move { Selection::parse(&db, read, &filter).await }
        };
        let page = |selection: Selection| {
            let (db, read) = (t.db.clone(), &read);
            async move { audit::list(&db, read, &selection, None).await.unwrap() }
        };

        let everything = page(Selection::default()).await;
        assert!(everything.entries.len() >= 4, "{label}");
        assert!(
            everything.actors.iter().any(|(id, _)| id == grace.as_str()),
            "{label}"
        );

        let family = page(
            select(AuditFilter {
                action: "team.".into(),
                ..AuditFilter::default()
            })
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(family.entries.len(), 3, "{label}: the three teams");
        assert!(
            family.entries.iter().all(|e| e.action == "team.create"),
            "{label}"
        );
        assert!(family
            .entries
            .iter()
            .all(|e| e.seq > 0 && e.entry_hash.len() == 64));

        let one = page(
            select(AuditFilter {
                target: made[1].as_str().into(),
                ..AuditFilter::default()
            })
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(one.entries.len(), 1, "{label}");
        assert_eq!(
            one.entries[0].target, "Sales",
            "{label}: named where it still exists"
        );

        let by_owner = page(
            select(AuditFilter {
                actor: f.owner.as_str().into(),
                action: "team.create".into(),
                ..AuditFilter::default()
            })
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(by_owner.entries.len(), 3, "{label}");
        let by_grace = page(
            select(AuditFilter {
                actor: grace.as_str().into(),
                ..AuditFilter::default()
            })
            .await
            .unwrap(),
        )
        .await;
        assert!(
            by_grace.entries.len() < everything.entries.len()
                && by_grace
                    .entries
                    .iter()
                    .all(|e| e.actor.as_deref() == Some("Grace Hopper")),
            "{label}: only what Grace did: {:?}",
            by_grace.entries
        );

        let today = chrono::Utc::now().date_naive();
        let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
        let in_days = |from: String, until: String| AuditFilter {
            from,
            until,
            ..AuditFilter::default()
        };
        let around = page(
            select(in_days(
                day(today.pred_opt().unwrap()),
                day(today.succ_opt().unwrap()),
            ))
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(around.entries.len(), everything.entries.len(), "{label}");
        let long_ago = page(
            select(in_days("2001-01-01".into(), "2001-12-31".into()))
                .await
                .unwrap(),
        )
        .await;
        assert!(long_ago.entries.is_empty(), "{label}");

        for (filter, field) in [
            (
                AuditFilter {
                    actor: "<b>x</b>".into(),
                    ..AuditFilter::default()
                },
                "actor",
            ),
            (
                AuditFilter {
                    action: "team.%".into(),
                    ..AuditFilter::default()
                },
                "action",
            ),
            (
                AuditFilter {
                    target: "x\n".repeat(40),
                    ..AuditFilter::default()
                },
                "target",
            ),
            (in_days("2026-02-01".into(), "2026-01-01".into()), "until"),
            (in_days("yesterday".into(), String::new()), "from"),
        ] {
            match select(filter).await {
                Err(DomainError::Invalid { field: named, .. }) => {
                    assert_eq!(named, field, "{label}")
                }
                other => panic!("{label}: {field}: {other:?}"),
            }
        }
    }
}

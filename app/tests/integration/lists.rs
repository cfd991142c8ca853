//! The list kit against real SQLite and PostgreSQL: sorting by each direction with keyset pages
//! that agree with one long page, the assignee, team and days-created filters, the filter
//! choices a scope offers, and every bad list parameter refused by name.

use std::time::Duration;

use app::model::{ListFilters, UserId};
use app::permissions::keys::{CustomersRead, CustomersWrite, ProductsRead, TeamWrite};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture};
use app::server::records::customers::{self, CustomerForm, ListQuery};
use app::server::records::listing::ListParams;
use app::server::records::products;
use app::server::workspace::teams;

const DAY: Duration = Duration::from_secs(86_400);

/// 2026-11-24 00:00 UTC.
const START_MS: i64 = 1_795_478_400_000;

fn query(filters: ListFilters) -> ListQuery {
    ListQuery {
        list: ListParams {
            filters,
            ..ListParams::default()
        },
        ..ListQuery::default()
    }
}

fn sorted(sort: &str) -> ListFilters {
    ListFilters {
        sort: sort.into(),
        ..ListFilters::default()
    }
}

async fn names(
    f: &Fixture,
    read: &app::server::access::grants::Grant<CustomersRead>,
    q: &ListQuery,
) -> Vec<String> {
    customers::list(&f.db, read, q)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.name)
        .collect()
}

/// Every page of a list of `limit` rows at a time, joined.
async fn paged(
    f: &Fixture,
    read: &app::server::access::grants::Grant<CustomersRead>,
    filters: &ListFilters,
    limit: u32,
) -> Vec<String> {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = customers::list(
            &f.db,
            read,
            &ListQuery {
                list: ListParams {
                    filters: filters.clone(),
                    after: after.clone(),
                    limit: Some(limit),
                    ..ListParams::default()
                },
                ..ListQuery::default()
            },
        )
        .await
        .unwrap();
        all.extend(page.items.into_iter().map(|c| c.name));
        match page.next {
            Some(next) => after = Some(next),
            None => return all,
        }
    }
}

fn field(e: DomainError) -> &'static str {
    match e {
        DomainError::Invalid { field, .. } => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[tokio::test]
async fn lists_sort_both_ways_and_filter_by_assignee_team_and_days() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START_MS);
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let team_write = f.grant::<TeamWrite>().await;
        let team = teams::create(&f.db, &clock, &team_write, "Difference")
            .await
            .unwrap();
        teams::add_member(&f.db, &clock, &team_write, &team, &grace)
            .await
            .unwrap();
        let write = f.grant::<CustomersWrite>().await;
        // One customer a day; names and emails sort in different orders.
        let seeded: [(&str, &str, &UserId, bool); 5] = [
            ("Delta", "b@example.com", &f.owner, false),
            ("alpha", "e@example.com", &grace, true),
            ("Echo", "a@example.com", &f.owner, true),
            ("bravo", "d@example.com", &grace, false),
            ("Charlie", "c@example.com", &f.owner, false),
        ];
        for (name, email, assigned, in_team) in seeded {
            let form = CustomerForm {
                name: name.into(),
                email: email.into(),
                assigned_user_id: assigned.as_str().into(),
                team_id: if in_team {
                    team.as_str().into()
                } else {
                    String::new()
                },
                ..CustomerForm::default()
            };
            customers::create(&f.db, &clock, &write, &form)
                .await
                .unwrap();
            clock.advance(DAY);
        }
        let read = f.grant::<CustomersRead>().await;

        let by_name = ["alpha", "bravo", "Charlie", "Delta", "Echo"];
        assert_eq!(
            names(&f, &read, &ListQuery::default()).await,
            by_name,
            "{label}"
        );
        let by_name_down: Vec<&str> = by_name.iter().rev().copied().collect();
        assert_eq!(
            names(&f, &read, &query(sorted("-name"))).await,
            by_name_down,
            "{label}"
        );
        let by_email = ["Echo", "Delta", "Charlie", "bravo", "alpha"];
        assert_eq!(
            names(&f, &read, &query(sorted("email"))).await,
            by_email,
            "{label}"
        );
        // Keyset pages of two walk the same order as one long page, both ways.
        for sort in ["email", "-email", "-name", ""] {
            assert_eq!(
                paged(&f, &read, &sorted(sort), 2).await,
                names(&f, &read, &query(sorted(sort))).await,
                "{label}: {sort}"
            );
        }

        let mine = ListFilters {
            assignee: "me".into(),
            ..ListFilters::default()
        };
        assert_eq!(
            names(&f, &read, &query(mine)).await,
            ["Charlie", "Delta", "Echo"],
            "{label}"
        );
        let graces = ListFilters {
            assignee: grace.as_str().into(),
            sort: "-email".into(),
            ..ListFilters::default()
        };
        assert_eq!(
            names(&f, &read, &query(graces)).await,
            ["alpha", "bravo"],
            "{label}"
        );
        let in_team = ListFilters {
            team: team.as_str().into(),
            ..ListFilters::default()
        };
        assert_eq!(
            names(&f, &read, &query(in_team)).await,
            ["alpha", "Echo"],
            "{label}"
        );
        // Created 2026-11-25 to 2026-11-27: the second to the fourth customer.
        let days = ListFilters {
            from: "2026-11-25".into(),
            until: "2026-11-27".into(),
            ..ListFilters::default()
        };
        assert_eq!(
            names(&f, &read, &query(days)).await,
            ["alpha", "bravo", "Echo"],
            "{label}"
        );
        let since = ListFilters {
            from: "2026-11-28".into(),
            ..ListFilters::default()
        };
        assert_eq!(
            names(&f, &read, &query(since)).await,
            ["Charlie"],
            "{label}"
        );

        // The Owner may narrow to anyone and any team; Grace (scope "assigned") only to
        // herself, and sees no team names.
        let everyone = customers::list(&f.db, &read, &ListQuery::default())
            .await
            .unwrap()
            .choices;
        assert_eq!(everyone.people.len(), 2, "{label}");
        assert_eq!(everyone.teams.len(), 1, "{label}");
        let graces_read = f.grant_of::<CustomersRead>(&grace).await.unwrap();
        let hers = customers::list(&f.db, &graces_read, &ListQuery::default())
            .await
            .unwrap();
        assert_eq!(hers.choices.people.len(), 1, "{label}");
        assert_eq!(hers.choices.people[0].user_id, grace, "{label}");
        assert!(hers.choices.teams.is_empty(), "{label}");
        // Her filter by another person cannot widen her reach.
        let owners = ListFilters {
            assignee: f.owner.as_str().into(),
            ..ListFilters::default()
        };
        assert!(
            names(&f, &graces_read, &query(owners)).await.is_empty(),
            "{label}"
        );
    }
}

#[tokio::test]
async fn bad_list_parameters_are_refused_by_name() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START_MS);
        let f = Fixture::new(&t.db, &clock).await;
        let read = f.grant::<CustomersRead>().await;
        let bad = [
            (sorted("tax_id"), "sort"),
            (sorted("-"), "sort"),
            (sorted("name; DROP TABLE customers"), "sort"),
            (
                ListFilters {
                    assignee: "<script>".into(),
                    ..ListFilters::default()
                },
                "assignee",
            ),
            (
                ListFilters {
                    team: "../teams".into(),
                    ..ListFilters::default()
                },
                "team",
            ),
            (
                ListFilters {
                    from: "2026-13-01".into(),
                    ..ListFilters::default()
                },
                "from",
            ),
            (
                ListFilters {
                    from: "2026-11-02".into(),
                    until: "2026-11-01".into(),
                    ..ListFilters::default()
                },
                "until",
            ),
        ];
        for (filters, expected) in bad {
            let refused = customers::list(&f.db, &read, &query(filters.clone())).await;
            assert_eq!(
                field(refused.unwrap_err()),
                expected,
                "{label}: {filters:?}"
            );
        }
        // The catalogue has no assignees or teams to filter on.
        let catalogue = f.grant::<ProductsRead>().await;
        let refused = products::list(
            &f.db,
            &catalogue,
            &products::ListQuery {
                list: ListParams {
                    filters: ListFilters {
                        assignee: "me".into(),
                        ..ListFilters::default()
                    },
                    ..ListParams::default()
                },
            },
        )
        .await;
        assert_eq!(field(refused.unwrap_err()), "assignee", "{label}");
        let by_price = products::ListQuery {
            list: ListParams {
                filters: sorted("-price"),
                ..ListParams::default()
            },
        };
        products::list(&f.db, &catalogue, &by_price).await.unwrap();
    }
}

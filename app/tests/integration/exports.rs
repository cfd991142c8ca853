//! The customer export against real SQLite and PostgreSQL: the file holds the list as the
//! person sees it (scope, cap, filters), every page of it; the tax id column only with
//! `customers.sensitive`; cells a spreadsheet would run are text; a role without "data export
//! allowed" is refused; each export is recorded with its row count.

use futures::StreamExt;

use app::model::UserId;
use app::permissions::keys::{CustomersExport, CustomersWrite, RolesWrite, TeamWrite};
use app::server::access::assignments;
use app::server::access::role_editor::{self, RoleDraft};
use app::server::exports::customers::Customers;
use app::server::exports::kit::{Address, Exporter};
use app::server::exports::stream;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture};
use app::server::records::customers::{self, CustomerForm};
use app::server::records::listing::ExportBatch;

/// The whole export of list `E` as `person` takes it with the address `pairs`, as text.
pub async fn export_text<E: Exporter>(
    f: &Fixture,
    person: &UserId,
    pairs: &[(&str, &str)],
) -> Result<String, DomainError> {
    let pairs = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let address = Address::parse(pairs, E::OWN).expect("the list's own parameters");
    let asked = stream::Request::<E> {
        read: f.grant_of::<E::Read>(person).await?,
        export: f.grant_of::<E::Export>(person).await?,
        address: &address,
        raw: "",
        ip: Some("203.0.113.5"),
        background: false,
    };
    let walk = stream::start::<E>(&f.db, &f.clock, asked).await?;
    let mut chunks = std::pin::pin!(walk.into_stream());
    let mut bytes = Vec::new();
    while let Some(chunk) = chunks.next().await {
        bytes.extend_from_slice(&chunk?);
    }
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "the file opens as UTF-8 in Excel"
    );
    Ok(String::from_utf8(bytes[3..].to_vec()).expect("UTF-8"))
}

/// [`export_text`] parsed: (header, rows).
pub async fn exported<E: Exporter>(
    f: &Fixture,
    person: &UserId,
    pairs: &[(&str, &str)],
) -> (Vec<String>, Vec<Vec<String>>) {
    let text = export_text::<E>(f, person, pairs).await.unwrap();
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

pub fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no {name} in {header:?}"))
}

#[tokio::test]
async fn an_export_is_the_list_as_its_reader_sees_it_and_is_recorded() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let write = f.grant::<CustomersWrite>().await;
        // More than one batch, so the walk over cursors is part of what is tested.
        let many = ExportBatch::ROWS as usize + 5;
        for i in 0..many {
            let form = CustomerForm {
                name: format!("Customer {i:05}"),
                tax_id: format!("TAX-{i:05}"),
                ..CustomerForm::default()
            };
            customers::create(&f.db, &clock, &write, &form)
                .await
                .unwrap();
        }
        let hostile = CustomerForm {
            kind: "person".into(),
            name: "=HYPERLINK(\"http://evil.example\",\"Click\")".into(),
            company: "@SUM(1+1)".into(),
            notes: "line one\nline two, \"quoted\"".into(),
            tax_id: "-2+3+cmd|' /C calc'!A0".into(),
            ..CustomerForm::default()
        };
        customers::create(&f.db, &clock, &write, &hostile)
            .await
            .unwrap();

        let (header, rows) = exported::<Customers>(&f, &f.owner, &[]).await;
        assert_eq!(
            rows.len(),
            many + 1,
            "{label}: every customer, across batches"
        );
        let (name, tax, notes) = (
            column(&header, "Name"),
            column(&header, "Tax id"),
            column(&header, "Notes"),
        );
        let evil = rows.iter().find(|r| r[name].contains("HYPERLINK")).unwrap();
        assert_eq!(
            evil[name], "'=HYPERLINK(\"http://evil.example\",\"Click\")",
            "{label}"
        );
        assert_eq!(evil[column(&header, "Company")], "'@SUM(1+1)");
        assert_eq!(evil[tax], "'-2+3+cmd|' /C calc'!A0");
        assert_eq!(
            evil[notes], "line one\nline two, \"quoted\"",
            "{label}: quoting keeps the text"
        );
        let mut ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), many + 1, "{label}: no row twice");

        // Filters of the list apply: only people.
        let (_, rows) = exported::<Customers>(&f, &f.owner, &[("kind", "person")]).await;
        assert_eq!(rows.len(), 1, "{label}");

        let recorded = t
            .rows_as_text(
                "SELECT list, row_count, ip, columns FROM data_exports ORDER BY row_count",
            )
            .await;
        assert_eq!(recorded.len(), 2, "{label}: {recorded:?}");
        assert!(
            recorded[0].contains("row_count=Some(1)"),
            "{label}: {recorded:?}"
        );
        assert!(
            recorded[1].contains(&format!("row_count=Some({})", many + 1)),
            "{label}"
        );
        assert!(recorded[1].contains("203.0.113.5") && recorded[1].contains("Tax id"));
    }
}

#[tokio::test]
async fn field_security_scope_and_the_export_restriction_hold_in_the_file() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let write = f.grant::<CustomersWrite>().await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        for (name, assignee) in [("Hers", grace.as_str()), ("Not hers", "")] {
            let form = CustomerForm {
                name: name.into(),
                tax_id: "SECRET-TAX".into(),
                assigned_user_id: assignee.into(),
                ..CustomerForm::default()
            };
            customers::create(&f.db, &clock, &write, &form)
                .await
                .unwrap();
        }

        // Staff's role does not allow exports (nor hold the key).
        assert!(matches!(
            f.grant_of::<CustomersExport>(&grace).await,
            Err(DomainError::Forbidden)
        ));

        // "Exporter": read and export her own customers, no sensitive fields.
        let exporter = role_editor::create(
            &t.db,
            &clock,
            &f.grant::<RolesWrite>().await,
            &RoleDraft {
                name: "Exporter".into(),
                permissions: vec!["customers.read".into(), "customers.export".into()],
                scopes: vec![("customers".into(), "assigned".into())],
                allow_export: true,
                ..RoleDraft::default()
            },
        )
        .await
        .unwrap();
        let team = f.grant::<TeamWrite>().await;
        assignments::assign(&t.db, &clock, &team, &grace, &exporter, "")
            .await
            .unwrap();
        assignments::unassign(&t.db, &clock, &team, &grace, &f.role("Staff").await)
            .await
            .unwrap();
        let (header, rows) = exported::<Customers>(&f, &grace, &[]).await;
        assert!(!header.iter().any(|h| h == "Tax id"), "{label}: {header:?}");
        assert_eq!(rows.len(), 1, "{label}: her scope");
        assert_eq!(rows[0][column(&header, "Name")], "Hers");
        assert!(
            !rows.concat().iter().any(|c| c.contains("SECRET-TAX")),
            "{label}"
        );

        // The same role with exports not allowed: the key alone is not enough.
        let no_export = role_editor::create(
            &t.db,
            &clock,
            &f.grant::<RolesWrite>().await,
            &RoleDraft {
                name: "Key without leave".into(),
                permissions: vec!["customers.read".into(), "customers.export".into()],
                scopes: vec![("customers".into(), "assigned".into())],
                allow_export: false,
                ..RoleDraft::default()
            },
        )
        .await
        .unwrap();
        assignments::assign(&t.db, &clock, &team, &grace, &no_export, "")
            .await
            .unwrap();
        assignments::unassign(&t.db, &clock, &team, &grace, &exporter)
            .await
            .unwrap();
        let grant = f.grant_of::<CustomersExport>(&grace).await.unwrap();
        assert!(
            matches!(grant.export(), Err(DomainError::Forbidden)),
            "{label}"
        );
        assert!(
            matches!(
                export_text::<Customers>(&f, &grace, &[]).await,
                Err(DomainError::Forbidden)
            ),
            "{label}: the whole export is refused"
        );
    }
}

//! CSV imports against real SQLite and PostgreSQL: every row checked and each refused row
//! reported with its line, field and reason; "import nothing" writes nothing, "import the valid
//! rows" writes exactly those; duplicates refused or updating their record as chosen; an
//! exported file imports back to the same customers; a run can be cancelled; only the uploader
//! reaches an import, and a role needs the key and bulk work.

use std::time::Duration;

use bytes::Bytes;

use app::model::{
    CustomerKind, ImportId, ImportPlan, ImportStatus, ImportView, OnDuplicate, OnRefusal,
};
use app::permissions::keys::{
    CustomersImport, CustomersRead, CustomersWrite, RolesWrite, TeamWrite,
};
use app::server::access::assignments;
use app::server::access::role_editor::{self, RoleDraft};
use app::server::exports::customers::Customers;
use app::server::files::spool;
use app::server::files::storage::Storage;
use app::server::imports::{self, kit::Importer};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, disk_storage, Fixture};
use app::server::records::customers::import::CustomerImport;
use app::server::records::customers::{self, CustomerForm, ListQuery};

pub(super) async fn upload<I: Importer>(
    f: &Fixture,
    storage: &Storage,
    grant: &app::server::access::grants::Grant<I::Key>,
    text: &str,
) -> Result<ImportId, DomainError> {
    let chunks = vec![Ok::<_, std::io::Error>(Bytes::copy_from_slice(
        text.as_bytes(),
    ))];
    let spooled = spool::spool(storage.spool_dir(), futures::stream::iter(chunks), 20 << 20)
        .await
        .unwrap();
    imports::receive::<I>(
        &f.db,
        &f.clock,
        storage,
        &grant.bulk()?,
        "people.csv",
        spooled,
    )
    .await
}

/// Starts the import and waits for its run to end.
pub(super) async fn run<I: Importer>(
    f: &Fixture,
    storage: &Storage,
    id: &ImportId,
    plan: ImportPlan,
    update: Option<app::server::access::grants::Grant<I::UpdateKey>>,
) -> ImportView {
    let grant = f.grant::<I::Key>().await;
    imports::start::<I>(&f.db, &f.clock, storage, grant, update, id, plan)
        .await
        .unwrap();
    finished::<I>(f, id).await
}

async fn finished<I: Importer>(f: &Fixture, id: &ImportId) -> ImportView {
    let grant = f.grant::<I::Key>().await;
    for _ in 0..600 {
        let view = imports::view::<I>(&f.db, &grant, id).await.unwrap();
        if view.status.finished() {
            return view;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the import did not finish in 30 s");
}

/// The plan that maps each field to the column of the same header.
pub(super) fn plan_by_header(
    view: &ImportView,
    on_refusal: OnRefusal,
    on_duplicate: OnDuplicate,
) -> ImportPlan {
    ImportPlan {
        columns: view
            .fields
            .iter()
            .filter_map(|f| f.guess.map(|g| (f.key.clone(), g)))
            .collect(),
        on_refusal,
        on_duplicate,
        team_id: String::new(),
    }
}

async fn customer_names(f: &Fixture) -> Vec<String> {
    let read = f.grant::<CustomersRead>().await;
    let mut names: Vec<String> = customers::list(&f.db, &read, &ListQuery::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.name)
        .collect();
    names.sort();
    names
}

const MIXED: &str = "Name,Email,Phone,Kind,Tags\n\
    Ada Lovelace,ada@engines.example,+44 20 7946 0000,person,vip; london\n\
    ,nobody@example.com,,,\n\
    Charles Babbage,not-an-email,,,\n\
    Analytical Engines Ltd,office@engines.example,,company,\n\
    Ada Again,ADA@engines.example,,person,\n\
    Grace Hopper,grace@navy.example,(555) 0100,robot,\n\
    Mary Somerville,mary@example.com,,,\n";

#[tokio::test]
async fn every_row_is_checked_and_import_nothing_writes_nothing() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::System).await;
        let dir = tempfile::tempdir().unwrap();
        let storage = disk_storage(dir.path());
        let grant = f.grant::<CustomersImport>().await;

        let id = upload::<CustomerImport>(&f, &storage, &grant, MIXED)
            .await
            .unwrap();
        let view = imports::view::<CustomerImport>(&f.db, &grant, &id)
            .await
            .unwrap();
        assert_eq!(view.status, ImportStatus::Mapping, "{label}");
        assert_eq!(view.total_rows, 7);
        assert_eq!(view.headers, ["Name", "Email", "Phone", "Kind", "Tags"]);
        assert_eq!(view.preview.len(), 5, "{label}: the first five rows");
        let guessed: Vec<(String, Option<u32>)> = view
            .fields
            .iter()
            .map(|f| (f.key.clone(), f.guess))
            .collect();
        assert!(guessed.contains(&("email".into(), Some(1))), "{guessed:?}");
        assert!(guessed.contains(&("kind".into(), Some(3))), "{guessed:?}");
        assert!(guessed.contains(&("company".into(), None)), "{guessed:?}");

        let plan = plan_by_header(&view, OnRefusal::ImportNothing, OnDuplicate::Refuse);
        let done = run::<CustomerImport>(&f, &storage, &id, plan, None).await;
        assert_eq!(done.status, ImportStatus::Refused, "{label}");
        assert_eq!((done.created_rows, done.refused_rows), (0, 4), "{label}");
        assert!(
            customer_names(&f).await.is_empty(),
            "{label}: nothing written"
        );
        let problems: Vec<(u64, &str)> = done
            .problems
            .iter()
            .map(|p| (p.line, p.field.as_str()))
            .collect();
        assert_eq!(
            problems,
            [(3, "name"), (4, "email"), (6, "email"), (7, "kind")],
            "{label}"
        );
        assert_eq!(done.problems[2].message, "Repeats the email of row 2.");

        let (file, report) = imports::report::<CustomerImport>(&f.db, &grant, &id)
            .await
            .unwrap();
        assert_eq!(file, "people.csv");
        let report = String::from_utf8(report).unwrap();
        assert!(
            report.starts_with("\u{feff}Row,Field,Reason\n3,name,"),
            "{report}"
        );
        assert_eq!(report.lines().count(), 5, "{label}: a line per refused row");

        let objects = std::fs::read_dir(dir.path().join("files/objects")).map_or(0, |d| d.count());
        let queued = t.strings("SELECT object_key FROM orphaned_objects").await;
        assert_eq!(
            queued.len(),
            1,
            "{label}: the file is queued for removal ({objects} stored)"
        );

        // The same file, importing the valid rows: exactly those.
        let id = upload::<CustomerImport>(&f, &storage, &grant, MIXED)
            .await
            .unwrap();
        let view = imports::view::<CustomerImport>(&f.db, &grant, &id)
            .await
            .unwrap();
        let plan = plan_by_header(&view, OnRefusal::ImportValid, OnDuplicate::Refuse);
        let done = run::<CustomerImport>(&f, &storage, &id, plan, None).await;
        assert_eq!(done.status, ImportStatus::Done, "{label}");
        assert_eq!((done.created_rows, done.refused_rows), (3, 4), "{label}");
        assert_eq!(
            customer_names(&f).await,
            ["Ada Lovelace", "Analytical Engines Ltd", "Mary Somerville"],
            "{label}"
        );
        let read = f.grant::<CustomersRead>().await;
        let ada = customers::list(&f.db, &read, &ListQuery::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|c| c.name == "Ada Lovelace")
            .unwrap();
        assert_eq!(ada.kind, CustomerKind::Person);
        assert_eq!(ada.phone, "+44 20 7946 0000");
        assert_eq!(ada.tags, ["london", "vip"]);
        assert_eq!(
            ada.assigned_user_id.as_ref(),
            Some(&f.owner),
            "assigned to the importer"
        );

        // A second start of a finished import is refused.
        let again = imports::start::<CustomerImport>(
            &f.db,
            &f.clock,
            &storage,
            f.grant::<CustomersImport>().await,
            None,
            &id,
            ImportPlan::default(),
        )
        .await;
        assert!(matches!(again, Err(DomainError::Conflict(_))), "{label}");
    }
}

#[tokio::test]
async fn a_duplicate_is_refused_or_updates_its_customer_as_chosen() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::System).await;
        let dir = tempfile::tempdir().unwrap();
        let storage = disk_storage(dir.path());
        let write = f.grant::<CustomersWrite>().await;
        let form = CustomerForm {
            name: "Ada L.".into(),
            email: "ada@engines.example".into(),
            company: "Engines".into(),
            ..CustomerForm::default()
        };
        let before = customers::create(&f.db, &f.clock, &write, &form)
            .await
            .unwrap();
        let file =
            "Email,Name,Notes\nADA@engines.example,Ada Lovelace,=1+1\nnew@example.com,New One,\n";
        let grant = f.grant::<CustomersImport>().await;

        let id = upload::<CustomerImport>(&f, &storage, &grant, file)
            .await
            .unwrap();
        let view = imports::view::<CustomerImport>(&f.db, &grant, &id)
            .await
            .unwrap();
        let refuse = plan_by_header(&view, OnRefusal::ImportValid, OnDuplicate::Refuse);
        let done = run::<CustomerImport>(&f, &storage, &id, refuse, None).await;
        assert_eq!(
            (done.created_rows, done.updated_rows, done.refused_rows),
            (1, 0, 1),
            "{label}"
        );
        assert_eq!(
            done.problems[0].message,
            "A customer with this email already exists."
        );

        let id = upload::<CustomerImport>(&f, &storage, &grant, file)
            .await
            .unwrap();
        let update = plan_by_header(&view, OnRefusal::ImportValid, OnDuplicate::Update);
        // Updating needs the write key's grant: the domain refuses without it.
        let refused = imports::start::<CustomerImport>(
            &f.db,
            &f.clock,
            &storage,
            f.grant::<CustomersImport>().await,
            None,
            &id,
            update.clone(),
        )
        .await;
        assert!(matches!(refused, Err(DomainError::Forbidden)), "{label}");
        let done = run::<CustomerImport>(&f, &storage, &id, update, Some(write)).await;
        // Both rows now match: the second one the customer the first import created.
        assert_eq!(
            (done.created_rows, done.updated_rows, done.refused_rows),
            (0, 2, 0),
            "{label}"
        );
        let read = f.grant::<CustomersRead>().await;
        let after = customers::get(&f.db, &read, &before.id).await.unwrap();
        assert_eq!(
            after.name, "Ada Lovelace",
            "{label}: the mapped fields changed"
        );
        assert_eq!(
            after.notes, "=1+1",
            "{label}: stored as text, as it was written"
        );
        assert_eq!(after.company, "Engines", "{label}: an unmapped field stays");
        assert_eq!(
            after.version,
            before.version + 1,
            "{label}: the version moved on"
        );

        // Restricted at her request: her row is refused with the reason, the other one still
        // updates, and nothing of hers changes.
        t.db_exec(&format!(
            "UPDATE customers SET restricted_at = 1 WHERE id = '{}'",
            before.id.as_str()
        ))
        .await;
        let file = "Email,Name\nada@engines.example,Ada Byron\nnew@example.com,New Two\n";
        let id = upload::<CustomerImport>(&f, &storage, &grant, file)
            .await
            .unwrap();
        let view = imports::view::<CustomerImport>(&f.db, &grant, &id)
            .await
            .unwrap();
        let update = plan_by_header(&view, OnRefusal::ImportValid, OnDuplicate::Update);
        let write = f.grant::<CustomersWrite>().await;
        let done = run::<CustomerImport>(&f, &storage, &id, update, Some(write)).await;
        assert_eq!(
            (done.created_rows, done.updated_rows, done.refused_rows),
            (0, 1, 1),
            "{label}: {:?}",
            done.problems
        );
        assert_eq!(
            (done.problems[0].line, done.problems[0].field.as_str()),
            (2, "email"),
            "{label}"
        );
        assert_eq!(
            done.problems[0].message,
            app::server::privacy::restriction::RESTRICTED
        );
        let kept = customers::get(&f.db, &read, &before.id).await.unwrap();
        assert_eq!(
            (kept.name.as_str(), kept.version),
            ("Ada Lovelace", after.version),
            "{label}"
        );
        assert!(
            customer_names(&f).await.contains(&"New Two".to_owned()),
            "{label}"
        );
    }
}

/// The whole customer export as the owner takes it.
async fn export_all(f: &Fixture) -> String {
    super::exports::export_text::<Customers>(f, &f.owner, &[])
        .await
        .unwrap()
}

#[tokio::test]
async fn an_exported_file_imports_back_to_the_same_customers() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::System).await;
        let dir = tempfile::tempdir().unwrap();
        let storage = disk_storage(dir.path());
        let write = f.grant::<CustomersWrite>().await;
        for (name, kind, email, phone, tax, notes, tags) in [
            (
                "Ada Lovelace",
                "person",
                "ada@example.com",
                "+44 20 7946 0000",
                "GB123",
                "=HYPERLINK(\"x\")",
                "vip, london",
            ),
            (
                "Engines, Ltd",
                "company",
                "",
                "-1",
                "",
                "line one\nline \"two\"",
                "",
            ),
            (
                "Grace Hopper",
                "person",
                "grace@example.com",
                "",
                "US-9",
                "@SUM(1)",
                "navy",
            ),
        ] {
            let form = CustomerForm {
                name: name.into(),
                kind: kind.into(),
                email: email.into(),
                phone: phone.into(),
                tax_id: tax.into(),
                notes: notes.into(),
                ..CustomerForm::default()
            };
            let c = customers::create(&f.db, &f.clock, &write, &form)
                .await
                .unwrap();
            customers::tags::set(&f.db, &f.clock, &write, &c.id, c.version, tags)
                .await
                .unwrap();
        }
        let snapshot = |list: Vec<app::model::Customer>| {
            let mut rows: Vec<_> = list
                .into_iter()
                .map(|c| {
                    (
                        c.name,
                        c.kind.key(),
                        c.email,
                        c.phone,
                        c.company,
                        c.tax_id,
                        c.notes,
                        c.tags,
                    )
                })
                .collect();
            rows.sort();
            rows
        };
        let read = f.grant::<CustomersRead>().await;
        let before = snapshot(
            customers::list(&f.db, &read, &ListQuery::default())
                .await
                .unwrap()
                .items,
        );
        let file = export_all(&f).await;
        t.db_exec("DELETE FROM customers").await;

        let grant = f.grant::<CustomersImport>().await;
        let id = upload::<CustomerImport>(&f, &storage, &grant, &file)
            .await
            .unwrap();
        let view = imports::view::<CustomerImport>(&f.db, &grant, &id)
            .await
            .unwrap();
        let plan = plan_by_header(&view, OnRefusal::ImportNothing, OnDuplicate::Refuse);
        let done = run::<CustomerImport>(&f, &storage, &id, plan, None).await;
        assert_eq!(
            (done.status, done.created_rows),
            (ImportStatus::Done, 3),
            "{label}: {done:?}"
        );
        let after = snapshot(
            customers::list(&f.db, &read, &ListQuery::default())
                .await
                .unwrap()
                .items,
        );
        assert_eq!(
            after, before,
            "{label}: export then import gives the same customers"
        );
    }
}

#[tokio::test]
async fn a_cancelled_all_or_nothing_import_writes_nothing() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::System).await;
        let dir = tempfile::tempdir().unwrap();
        let storage = disk_storage(dir.path());
        let mut file = String::from("Name,Email\n");
        for i in 0..60_000 {
            file.push_str(&format!("Person {i},p{i}@example.com\n"));
        }
        let grant = f.grant::<CustomersImport>().await;
        let id = upload::<CustomerImport>(&f, &storage, &grant, &file)
            .await
            .unwrap();
        let view = imports::view::<CustomerImport>(&f.db, &grant, &id)
            .await
            .unwrap();
        let plan = plan_by_header(&view, OnRefusal::ImportNothing, OnDuplicate::Refuse);
        imports::start::<CustomerImport>(
            &f.db,
            &f.clock,
            &storage,
            f.grant().await,
            None,
            &id,
            plan,
        )
        .await
        .unwrap();
        imports::cancel::<CustomerImport>(&f.db, &grant, &id)
            .await
            .unwrap();
        let done = finished::<CustomerImport>(&f, &id).await;
        assert_eq!(done.status, ImportStatus::Cancelled, "{label}: {done:?}");
        assert_eq!(done.created_rows, 0, "{label}");
        assert!(
            customer_names(&f).await.is_empty(),
            "{label}: nothing written"
        );
        let gone = imports::cancel::<CustomerImport>(&f.db, &grant, &id).await;
        assert!(matches!(gone, Err(DomainError::Conflict(_))), "{label}");
    }
}

#[tokio::test]
async fn only_the_uploader_with_the_key_and_bulk_work_reaches_an_import() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::System).await;
        let dir = tempfile::tempdir().unwrap();
        let storage = disk_storage(dir.path());
        let grant = f.grant::<CustomersImport>().await;
        let id = upload::<CustomerImport>(&f, &storage, &grant, "Name\nAda\n")
            .await
            .unwrap();

        // Another administrator holds the key, but the import is not theirs.
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Owner")
            .await;
        let hers = f.grant_of::<CustomersImport>(&grace).await.unwrap();
        let seen = imports::view::<CustomerImport>(&f.db, &hers, &id).await;
        assert!(matches!(seen, Err(DomainError::NotFound)), "{label}");
        let report = imports::report::<CustomerImport>(&f.db, &hers, &id).await;
        assert!(matches!(report, Err(DomainError::NotFound)), "{label}");

        // A role with the key whose restrictions forbid bulk work cannot upload at all.
        let no_bulk = role_editor::create(
            &t.db,
            &f.clock,
            &f.grant::<RolesWrite>().await,
            &RoleDraft {
                name: "Importer without bulk".into(),
                permissions: vec!["customers.read".into(), "customers.import".into()],
                allow_bulk: false,
                ..RoleDraft::default()
            },
        )
        .await
        .unwrap();
        let alan = f
            .add_member("alan@example.com", "Alan Turing", "Staff")
            .await;
        let team = f.grant::<TeamWrite>().await;
        assignments::assign(&t.db, &f.clock, &team, &alan, &no_bulk, "")
            .await
            .unwrap();
        let his = f.grant_of::<CustomersImport>(&alan).await.unwrap();
        assert!(matches!(his.bulk(), Err(DomainError::Forbidden)), "{label}");

        // Staff does not hold customers.import.
        let mary = f
            .add_member("mary@example.com", "Mary Somerville", "Staff")
            .await;
        assert!(matches!(
            f.grant_of::<CustomersImport>(&mary).await,
            Err(DomainError::Forbidden)
        ));

        // A file that is not CSV text is refused on `file`, and nothing is kept.
        let bad = upload::<CustomerImport>(&f, &storage, &grant, "Name\n").await;
        assert!(
            matches!(&bad, Err(DomainError::Invalid { field: "file", message }) if message.contains("no rows")),
            "{label}: {bad:?}"
        );
    }
}

//! The quote template against real SQLite and PostgreSQL and each storage back end: python-docx
//! (a third party) writes a template with a placeholder split across runs, a table row per
//! line and a footer; Gatehouse fills it from a quote; python-docx reads the result back. A
//! template naming unknown placeholders, or none, or not a DOCX at all is refused and stores
//! nothing; a quote out of reach or in another workspace is not found.

use std::path::{Path, PathBuf};
use std::process::Command;

use bytes::Bytes;

use app::model::{QuoteId, UploadProblem};
use app::permissions::keys::{
    CustomersRead, CustomersWrite, ProductsWrite, QuotesRead, QuotesWrite, SettingsWrite,
};
use app::server::access::grants;
use app::server::files::attachments::FileError;
use app::server::files::spool::{self, Spooled};
use app::server::files::storage::Storage;
use app::server::files::templates::quote;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, storages, Fixture, TestDb};
use app::server::records::documents::header::HeaderForm;
use app::server::records::documents::lines::LineForm;
use app::server::records::quotes::{self, QuoteForm};
use app::server::records::{customers, products};

/// 2026-11-24 00:00 UTC.
const START: i64 = 1_795_478_400_000;

/// The python with python-docx, or `None` (the test is skipped unless it must run).
fn python_docx() -> Option<String> {
    match std::env::var("GATEHOUSE_TEST_PYTHON_DOCX") {
        Ok(python) => Some(python),
        Err(_) if std::env::var_os("GATEHOUSE_REQUIRE_DOCX").is_some() => {
            panic!("GATEHOUSE_REQUIRE_DOCX is set but GATEHOUSE_TEST_PYTHON_DOCX is not")
        }
        Err(_) => None,
    }
}

fn docx_tool(python: &str, mode: &str, path: &Path) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/docx/docx_tool.py");
    let out = Command::new(python)
        .arg(script)
        .arg(mode)
        .arg(path)
        .output()
        .expect("run python-docx");
    assert!(
        out.status.success(),
        "python-docx {mode}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

async fn spooled(storage: &Storage, bytes: Vec<u8>) -> Spooled {
    let body = futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from(bytes))]);
    spool::spool(storage.spool_dir(), body, 20 * 1024 * 1024)
        .await
        .unwrap()
}

/// A quote for "Babbage & <Co>" with two lines.
async fn a_quote(f: &Fixture) -> QuoteId {
    let customer = customers::create(
        &f.db,
        &f.clock,
        &f.grant::<CustomersWrite>().await,
        &customers::CustomerForm {
            name: "Babbage & <Co>".into(),
            ..customers::CustomerForm::default()
        },
    )
    .await
    .unwrap();
    let write = f.grant::<QuotesWrite>().await;
    let form = QuoteForm {
        header: HeaderForm {
            customer_id: customer.id.as_str().into(),
            ..HeaderForm::default()
        },
        title: "Two engines".into(),
        valid_until: "2026-12-31".into(),
    };
    let q = quotes::create(
        &f.db,
        &f.clock,
        &write,
        &f.grant::<CustomersRead>().await,
        &form,
    )
    .await
    .unwrap();
    let mut version = q.quote.header.version;
    for (sku, price, quantity) in [("ENGINE-1", "1,234.50", "2"), ("GEAR-7", "19.99", "3")] {
        let product = products::create(
            &f.db,
            &f.clock,
            &f.grant::<ProductsWrite>().await,
            &products::ProductForm {
                sku: sku.into(),
                name: format!("Product {sku}"),
                unit_price: price.into(),
                active: true,
                ..products::ProductForm::default()
            },
        )
        .await
        .unwrap();
        let line = LineForm {
            product_id: product.id.as_str().into(),
            quantity: quantity.into(),
            discount: String::new(),
        };
        let q = quotes::add_line(&f.db, &f.clock, &write, &q.quote.id, version, &line)
            .await
            .unwrap();
        version = q.quote.header.version;
    }
    q.quote.id
}

async fn template_rows(t: &TestDb) -> Vec<String> {
    t.strings("SELECT name FROM files WHERE purpose = 'quote_template' ORDER BY name")
        .await
}

fn refused(r: Result<app::model::FileSummary, FileError>) -> (UploadProblem, String) {
    match r {
        Err(FileError::Refused { problem, message }) => (problem, message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_quote_fills_a_template_python_docx_wrote_and_reads() {
    let Some(python) = python_docx() else { return };
    let scratch = tempfile::tempdir().unwrap();
    let made: PathBuf = scratch.path().join("template.docx");
    docx_tool(&python, "make", &made);
    let template = std::fs::read(&made).unwrap();
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let id = a_quote(&f).await;
        let settings = f.grant::<SettingsWrite>().await;
        let read = f.grant::<QuotesRead>().await;
        let dir = tempfile::tempdir().unwrap();
        for storage in storages(dir.path(), None) {
            let label = format!("{label}, {}", storage.backend());
            let upload = spooled(&storage, template.clone()).await;
            quote::set(
                &f.db,
                &clock,
                &storage,
                &settings,
                "Quote template.docx",
                upload,
            )
            .await
            .unwrap();
            let filled = quote::render(&f.db, &clock, &storage, &read, &id, (None, None))
                .await
                .unwrap();
            assert_eq!(filled.name, "Q-1.docx", "{label}");
            let out = scratch.path().join("filled.docx");
            std::fs::write(&out, &filled.bytes).unwrap();
            let text: serde_json::Value =
                serde_json::from_str(&docx_tool(&python, "read", &out)).unwrap();
            assert_eq!(
                text["paragraphs"],
                serde_json::json!([
                    "Quote Q-1",
                    "Dear Babbage & <Co>, here is our offer, valid until 2026-12-31.",
                    "Subtotal 2,528.97 EUR; tax 0.00 EUR; total 2,528.97 EUR"
                ]),
                "{label}"
            );
            assert_eq!(
                text["table"],
                serde_json::json!([
                    ["Product", "Quantity", "Unit price", "Total"],
                    ["Product ENGINE-1", "2", "1,234.50 EUR", "2,469.00 EUR"],
                    ["Product GEAR-7", "3", "19.99 EUR", "59.97 EUR"]
                ]),
                "{label}: the row naming a line repeats per line"
            );
            assert_eq!(
                text["footer"],
                serde_json::json!(["Analytical Engines"]),
                "{label}"
            );
        }
        // One template per workspace: each upload replaced the one before it.
        assert_eq!(template_rows(&t).await, ["Quote template.docx"], "{label}");
        let downloads = t
            .strings("SELECT file_name FROM file_downloads ORDER BY at, file_name")
            .await;
        assert!(
            downloads.iter().all(|n| n == "Q-1.docx") && !downloads.is_empty(),
            "{label}"
        );
    }
}

#[tokio::test]
async fn bad_templates_are_refused_and_stored_nowhere() {
    let Some(python) = python_docx() else { return };
    let scratch = tempfile::tempdir().unwrap();
    let made = scratch.path().join("template.docx");
    docx_tool(&python, "make", &made);
    let good = std::fs::read(&made).unwrap();
    let with = |from: &str, to: &str| rewrite(&good, from, to);
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let settings = f.grant::<SettingsWrite>().await;
        let dir = tempfile::tempdir().unwrap();
        let storage = storages(dir.path(), None).remove(0);
        let png = {
            let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
            bytes.resize(100, 0);
            bytes
        };
        for (bytes, name, expected, says) in [
            (
                with("{{workspace.name}}", "{{customer.tax_id}}"),
                "t.docx",
                UploadProblem::Template,
                "{{customer.tax_id}}",
            ),
            (
                strip_placeholders(&good),
                "t.docx",
                UploadProblem::Template,
                "no {{placeholders}}",
            ),
            (
                repack(&good, |name, xml| {
                    if name == "word/document.xml" {
                        "<w:document><w:body>".into()
                    } else {
                        xml
                    }
                }),
                "t.docx",
                UploadProblem::Template,
                "cannot be read: save it again",
            ),
            (png, "t.docx", UploadProblem::Type, ""),
            (good.clone(), "t.pdf", UploadProblem::Type, ""),
        ] {
            let upload = spooled(&storage, bytes).await;
            let (problem, message) =
                refused(quote::set(&f.db, &clock, &storage, &settings, name, upload).await);
            assert_eq!(problem, expected, "{label}: {message}");
            assert!(message.contains(says), "{label}: {message}");
        }
        assert!(template_rows(&t).await.is_empty(), "{label}");
        let stored = std::fs::read_dir(dir.path().join("files"))
            .map(|d| d.count())
            .unwrap_or(0);
        assert_eq!(stored, 0, "{label}: no bytes kept");
    }
}

#[tokio::test]
async fn a_quote_out_of_reach_or_in_another_workspace_is_not_found() {
    let Some(python) = python_docx() else { return };
    let scratch = tempfile::tempdir().unwrap();
    let made = scratch.path().join("template.docx");
    docx_tool(&python, "make", &made);
    let template = std::fs::read(&made).unwrap();
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let id = a_quote(&f).await;
        let dir = tempfile::tempdir().unwrap();
        let storage = storages(dir.path(), None).remove(0);
        let settings = f.grant::<SettingsWrite>().await;
        let upload = spooled(&storage, template.clone()).await;
        quote::set(&f.db, &clock, &storage, &settings, "t.docx", upload)
            .await
            .unwrap();
        // Staff reach only quotes assigned to them or their team: the owner's is out of reach.
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let hers = f.grant_of::<QuotesRead>(&grace).await.unwrap();
        let e = quote::render(&f.db, &clock, &storage, &hers, &id, (None, None)).await;
        assert!(
            matches!(e, Err(FileError::Domain(DomainError::NotFound))),
            "{label}"
        );
        use app::server::identity::{accounts, workspaces::WorkspaceName};
        let name = WorkspaceName::parse("Elsewhere Engines").unwrap();
        let other = accounts::create_workspace(&f.db, &clock, &f.owner, &name)
            .await
            .unwrap();
        let there = grants::require::<QuotesRead>(&f.db, &clock, &f.owner, &other.id)
            .await
            .unwrap();
        let e = quote::render(&f.db, &clock, &storage, &there, &id, (None, None)).await;
        assert!(
            matches!(e, Err(FileError::Domain(DomainError::NotFound))),
            "{label}"
        );
        // With the template removed, even the owner's own quote has nothing to fill.
        quote::remove(&f.db, &storage, &settings).await.unwrap();
        let mine = f.grant::<QuotesRead>().await;
        let e = quote::render(&f.db, &clock, &storage, &mine, &id, (None, None)).await;
        assert!(
            matches!(e, Err(FileError::Domain(DomainError::NotFound))),
            "{label}"
        );
        assert!(template_rows(&t).await.is_empty(), "{label}");
    }
}

/// The package with `from` replaced by `to` in its body.
fn rewrite(package: &[u8], from: &str, to: &str) -> Vec<u8> {
    repack(package, |name, xml| {
        if name.starts_with("word/") && name.ends_with(".xml") {
            xml.replace(from, to)
        } else {
            xml
        }
    })
}

/// The package with every `{{` … `}}` pair's braces taken out.
fn strip_placeholders(package: &[u8]) -> Vec<u8> {
    repack(package, |_, xml| xml.replace("{{", "").replace("}}", ""))
}

fn repack(package: &[u8], change: impl Fn(&str, String) -> String) -> Vec<u8> {
    use std::io::{Cursor, Read, Write};
    let mut archive = zip::ZipArchive::new(Cursor::new(package)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().to_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let bytes = match String::from_utf8(bytes) {
            Ok(text) => change(&name, text).into_bytes(),
            Err(e) => e.into_bytes(),
        };
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

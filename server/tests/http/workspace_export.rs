//! `GET /workspace/export.zip` over HTTP: an Owner takes the whole workspace in one zip — the
//! lists as CSV, the trail proving itself offline, the stored files byte for byte, a manifest
//! whose digests match — and the taking is in the trail; a Manager holding the same keys but
//! not the Owner role is refused, and the refusal is recorded; a stranger gets nothing.

use std::io::Read;

use reqwest::multipart::{Form, Part};
use reqwest::{header, StatusCode};

use app::server::audit::offline;
use app::server::audit::signing::AuditKey;
use app::server::platform::clock::Clock;
use app::server::platform::digest::sha256_hex;
use app::server::platform::testing::{Fixture, FIXTURE_PASSWORD};

use super::files::new_customer;
use super::support::{cookie_client, csrf_token, signed_in, TestServer};

fn entry(archive: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, path: &str) -> Vec<u8> {
    let mut out = Vec::new();
    archive
        .by_name(path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[tokio::test]
async fn an_owner_takes_the_whole_workspace_and_nobody_else_does() {
    let s = TestServer::sqlite().await;
    let f = Fixture::new(&s.db.db, &Clock::System).await;
    f.add_member("mallory@example.com", "Mallory Manager", "Manager")
        .await;
    let owner = signed_in(&s, "ada@example.com", FIXTURE_PASSWORD).await;
    let customer = new_customer(&owner, &s).await;
    let pdf = {
        let mut body = b"%PDF-1.7\n".to_vec();
        body.extend((0..20_000u32).map(|i| (i % 251) as u8));
        body.extend_from_slice(b"\n%%EOF\n");
        body
    };
    let token = csrf_token(&owner, &s).await;
    let form = Form::new().part(
        "file",
        Part::bytes(pdf.clone()).file_name("Angebot <img src=x> (final).pdf"),
    );
    let res = owner
        .post(s.url(&format!("/files/customers/{customer}")))
        .header("x-csrf-token", token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let key = AuditKey::generate();
    app::server::audit::checkpoints::sign_heads(&s.db.db, &Clock::System, &key)
        .await
        .unwrap();

    let res = owner
        .get(s.url("/workspace/export.zip"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h[header::CONTENT_TYPE], "application/zip");
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
    let disposition = h[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"workspace-analytical-engines-"),
        "{disposition}"
    );
    let body = res.bytes().await.unwrap().to_vec();
    assert_eq!(
        h[header::CONTENT_LENGTH].to_str().unwrap(),
        body.len().to_string()
    );
    assert_eq!(
        h[header::ETAG].to_str().unwrap(),
        format!("\"{}\"", sha256_hex(&body))
    );

    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(body)).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&entry(&mut zip, "manifest.json")).unwrap();
    assert_eq!(manifest["format"], "gatehouse.workspace-export/1");
    assert_eq!(manifest["workspace"]["name"], "Analytical Engines");
    let entries = manifest["entries"].as_array().unwrap();
    // Every entry is there, with the digest the manifest gives.
    for e in entries {
        let path = e["path"].as_str().unwrap();
        let bytes = entry(&mut zip, path);
        assert_eq!(e["size"], bytes.len() as u64, "{path}");
        assert_eq!(e["sha256"], sha256_hex(&bytes), "{path}");
    }
    let paths: Vec<&str> = entries
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    for list in app::model::ExportList::ALL {
        let path = format!("records/{}.csv", list.name);
        assert!(paths.contains(&path.as_str()), "{path} in {paths:?}");
    }
    let customers = String::from_utf8(entry(&mut zip, "records/customers.csv")).unwrap();
    assert!(customers.contains("Files Ltd"), "{customers}");
    let listed = entries
        .iter()
        .find(|e| e["path"] == "records/customers.csv")
        .unwrap();
    assert_eq!(listed["rows"], 1);

    // The stored file, byte for byte, under a name that stays in its folder.
    let file = entries
        .iter()
        .find(|e| e["purpose"] == "customer_attachment")
        .expect("the attachment is listed");
    assert_eq!(file["name"], "Angebot <img src=x> (final).pdf");
    let path = file["path"].as_str().unwrap();
    assert!(
        path.starts_with("files/") && path.ends_with("-Angebot__img_src_x___final_.pdf"),
        "{path}"
    );
    assert_eq!(entry(&mut zip, path), pdf);

    // The trail proves itself with nothing but the public key.
    let trail = entry(&mut zip, "audit/trail.ndjson");
    let proved = offline::verify(trail.as_slice(), &key.public()).unwrap();
    assert!(proved.complete);
    let workspace = f.workspace.as_str().to_owned();
    assert_eq!(proved.workspace, workspace);

    // The taking is recorded, with the archive's digest; each list's export too.
    let recorded =
        s.db.strings("SELECT a.after_state FROM audit_log a WHERE a.action = 'workspace.export'")
            .await;
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    let after: serde_json::Value = serde_json::from_str(&recorded[0]).unwrap();
    assert_eq!(
        after["sha256"],
        h[header::ETAG].to_str().unwrap().trim_matches('"')
    );
    assert_eq!(after["entries"], entries.len());

    // A Manager holds settings.write and audit.read but is not an Owner: refused, recorded.
    let manager = signed_in(&s, "mallory@example.com", FIXTURE_PASSWORD).await;
    let res = manager
        .get(s.url("/workspace/export.zip"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_ne!(
        res.headers()[header::CONTENT_TYPE],
        "application/zip",
        "nothing of the archive"
    );
    app::server::audit::refusals::flush(&s.db.db, &s.refusals, None)
        .await
        .unwrap();
    let refused =
        s.db.strings(
            "SELECT a.action || '|' || a.target || '|' || u.display_name FROM audit_log a \
             JOIN users u ON u.id = a.actor_ref WHERE a.outcome = 'refused'",
        )
        .await;
    assert_eq!(refused, ["owner.refused|settings.write|Mallory Manager"]);

    // Someone not signed in gets nothing either; no second export was recorded.
    let res = cookie_client()
        .get(s.url("/workspace/export.zip"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        s.db.strings("SELECT id FROM audit_log WHERE action = 'workspace.export'")
            .await
            .len(),
        1
    );
    s.stop().await.unwrap();
}

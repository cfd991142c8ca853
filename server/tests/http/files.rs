//! Uploads and downloads over HTTP as an attacker sends them: disguised types, bombs, path and
//! direction tricks in names, oversized bodies declared and streamed, no CSRF token, extra and
//! duplicated fields. Each is refused with nothing left in the database or the store. And an
//! honest file comes back byte for byte, with headers that keep it from running as the app.

use std::io::Write;

use reqwest::multipart::{Form, Part};
use reqwest::{header, StatusCode};

use super::demo_client;
use super::support::{api, csrf_token, TestServer};

const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0";
/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn pdf() -> Vec<u8> {
    let mut body = b"%PDF-1.7\n".to_vec();
    body.extend((0..50_000u32).map(|i| (i % 251) as u8));
    body.extend_from_slice(b"\n%%EOF\n");
    body
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The 1×1 PNG claiming 100,000 × 100,000 pixels, with a valid header checksum.
fn pixel_bomb() -> Vec<u8> {
    let mut png = PNG.to_vec();
    png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

/// An XLSX-shaped zip whose workbook inflates 200 MB of zeros.
fn zip_bomb() -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    out.start_file("[Content_Types].xml", opts).unwrap();
    out.write_all(b"<Types/>").unwrap();
    out.start_file("xl/workbook.xml", opts).unwrap();
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..200 {
        out.write_all(&zeros).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn file(name: &str, bytes: Vec<u8>) -> Form {
    Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()))
}

pub(super) async fn new_customer(c: &reqwest::Client, s: &TestServer) -> String {
    let created: serde_json::Value = api(c, s, "/api/customers/create")
        .await
        .form(&[
            ("name", "Files Ltd"),
            ("email", "files@example.com"),
            ("phone", ""),
            ("company", ""),
            ("tax_id", ""),
            ("notes", ""),
            ("assigned_user_id", ""),
            ("team_id", ""),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    created["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a customer: {created}"))
        .to_owned()
}

async fn send(
    c: &reqwest::Client,
    s: &TestServer,
    customer: &str,
    form: Form,
) -> reqwest::Response {
    let token = csrf_token(c, s).await;
    c.post(s.url(&format!("/files/customers/{customer}")))
        .header("x-csrf-token", token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn stored_objects(s: &TestServer) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
    }
    walk(&s.data.path().join("files")) + walk(&s.data.path().join("spool"))
}

#[tokio::test]
async fn hostile_uploads_are_refused_and_leave_nothing_behind() {
    for db in app::server::platform::testing::backends().await {
        let label = db.backend().name();
        let s = TestServer::start(db, &[]).await;
        let c = demo_client(&s).await;
        let customer = new_customer(&c, &s).await;
        let long = format!("{}.pdf", "a".repeat(300));
        let cases: Vec<(&str, &str, Vec<u8>)> = vec![
            ("an executable named .pdf", "invoice.pdf", ELF.to_vec()),
            ("a PNG named .docx", "offer.docx", PNG.to_vec()),
            (
                "an SVG with script named .png",
                "cat.png",
                b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec(),
            ),
            (
                "HTML",
                "page.html",
                b"<html><script>alert(1)</script></html>".to_vec(),
            ),
            ("a zip bomb named .xlsx", "sheet.xlsx", zip_bomb()),
            ("a pixel bomb", "photo.png", pixel_bomb()),
            ("a path", "../../etc/cron.d/x.pdf", pdf()),
            ("a right-to-left override", "invoice\u{202E}fdp.exe", pdf()),
            ("a 300-character name", long.as_str(), pdf()),
        ];
        for (what, name, bytes) in cases {
            let res = send(&c, &s, &customer, file(name, bytes)).await;
            let status = res.status();
            let body: serde_json::Value = res.json().await.unwrap();
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{label}: {what}: {body}"
            );
            assert_eq!(body["field"], "file", "{label}: {what}: the field is named");
        }
        // A NUL in the name does not get past the multipart parser.
        let res = send(&c, &s, &customer, file("a\0.pdf", pdf())).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{label}: a NUL");

        // Just under the limit passes (and leaves a row and an object, counted below).
        let mut big = pdf();
        big.resize(10 * 1024 * 1024 - 1024, b'%');
        let res = send(&c, &s, &customer, file("big but allowed.pdf", big)).await;
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "{label}: 10 MB less 1 KB"
        );

        // Over the 10 MB limit, streamed without a length: cut off as it arrives.
        let chunks = (0..12).map(|_| Ok::<_, std::io::Error>(vec![b'%'; 1024 * 1024]));
        let stream = reqwest::Body::wrap_stream(futures::stream::iter(chunks));
        let form = Form::new().part("file", Part::stream(stream).file_name("big.pdf"));
        let res = send(&c, &s, &customer, form).await;
        assert_eq!(
            res.status(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "{label}: streamed"
        );

        // Declared over the largest body any upload may have: refused before it is read.
        let token = csrf_token(&c, &s).await;
        let res = c
            .post(s.url(&format!("/files/customers/{customer}")))
            .header("x-csrf-token", token)
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
            .body(vec![b'x'; 11 * 1024 * 1024])
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "{label}: declared"
        );

        // No CSRF token: neither the header nor a first field.
        let res = c
            .post(s.url(&format!("/files/customers/{customer}")))
            .multipart(file("plain.pdf", pdf()))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{label}: no token");

        // Extra, duplicated and misnamed fields.
        let twice = file("one.pdf", pdf()).part("file", Part::bytes(pdf()).file_name("two.pdf"));
        let extra = file("one.pdf", pdf()).text("customer_id", "elsewhere");
        let misnamed = Form::new().part("upload", Part::bytes(pdf()).file_name("one.pdf"));
        for (what, form) in [("twice", twice), ("extra", extra), ("misnamed", misnamed)] {
            let res = send(&c, &s, &customer, form).await;
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{label}: {what}");
        }

        // Another workspace's record, and a record that does not exist.
        let res = send(
            &c,
            &s,
            "01890000-0000-7000-8000-000000000000",
            file("x.pdf", pdf()),
        )
        .await;
        assert_eq!(
            res.status(),
            StatusCode::NOT_FOUND,
            "{label}: unknown record"
        );

        assert_eq!(
            s.db.row_counts(&["files"]).await[0].1,
            1,
            "{label}: only the allowed one"
        );
        assert_eq!(stored_objects(&s), 1, "{label}: nothing else on disk");
        s.stop().await.unwrap();
    }
}

#[tokio::test]
async fn a_file_downloads_byte_identical_and_cannot_run_as_the_app() {
    let s = TestServer::sqlite().await;
    let c = demo_client(&s).await;
    let customer = new_customer(&c, &s).await;
    let body = pdf();
    let name = "Angebot <img src=x onerror=alert(1)> €.pdf";
    let res = send(&c, &s, &customer, file(name, body.clone())).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let added: serde_json::Value = res.json().await.unwrap();
    let id = added["id"].as_str().unwrap().to_owned();
    assert_eq!(added["name"], name);

    let res = c.get(s.url(&format!("/files/{id}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let disposition = h[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    assert!(
        disposition.ends_with("filename*=UTF-8''Angebot%20%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%20%E2%82%AC.pdf"),
        "{disposition}"
    );
    let policies: Vec<&str> = h
        .get_all(header::CONTENT_SECURITY_POLICY)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        policies.iter().any(|p| p.starts_with("sandbox")),
        "{policies:?}"
    );
    assert_eq!(h[header::ACCEPT_RANGES], "bytes");
    assert_eq!(res.bytes().await.unwrap().as_ref(), body.as_slice());

    let res = c
        .get(s.url(&format!("/files/{id}")))
        .header(header::RANGE, "bytes=0-9")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        res.headers()[header::CONTENT_RANGE],
        format!("bytes 0-9/{}", body.len()).as_str()
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), &body[..10]);
    let res = c
        .get(s.url(&format!("/files/{id}")))
        .header(header::RANGE, "bytes=99999999-")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    // A PDF asked for inline still downloads; an image may show inline.
    let res = c
        .get(s.url(&format!("/files/{id}?inline=1")))
        .send()
        .await
        .unwrap();
    assert!(res.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let png = send(&c, &s, &customer, file("logo.png", PNG.to_vec())).await;
    let png: serde_json::Value = png.json().await.unwrap();
    let res = c
        .get(s.url(&format!("/files/{}?inline=1", png["id"].as_str().unwrap())))
        .send()
        .await
        .unwrap();
    assert!(res.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("inline"));

    // Every download is recorded, with who and from where.
    let logged =
        s.db.rows_as_text(&format!(
            "SELECT user_id, ip FROM file_downloads WHERE file_id = '{id}'"
        ))
        .await;
    assert_eq!(logged.len(), 4, "{logged:?}");
    assert!(
        logged.iter().all(|row| row.contains("127.0.0.1")),
        "{logged:?}"
    );
    // And each is in the workspace's trail, in the same shape as everything else there.
    let trail =
        s.db.strings(&format!(
            "SELECT outcome || '|' || ip FROM audit_log WHERE action = 'file.download' \
             AND target = '{id}'"
        ))
        .await;
    assert_eq!(trail, ["done|127.0.0.1"; 4]);

    // The name is shown as text on the customer's page, never as markup.
    let page = c
        .get(s.url(&format!("/customers/{customer}")))
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Angebot &lt;img src=x onerror=alert(1)&gt; €.pdf"),
        "the name is listed, escaped"
    );
    assert!(!html.contains("<img src=x"), "no planted element");

    // Without a session: 401.
    let res = super::client()
        .get(s.url(&format!("/files/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn a_plain_form_upload_returns_to_the_record_page() {
    let s = TestServer::sqlite().await;
    let c = demo_client(&s).await;
    let customer = new_customer(&c, &s).await;
    let page = c
        .get(s.url(&format!("/customers/{customer}")))
        .send()
        .await
        .unwrap();
    let token = super::support::page_token(&page.text().await.unwrap());
    for (name, bytes, outcome) in [
        ("scan.pdf", pdf(), "?file=added"),
        ("scan.pdf", ELF.to_vec(), "?file_error=type"),
    ] {
        let form = Form::new()
            .text("csrf_token", token.clone())
            .part("file", Part::bytes(bytes).file_name(name));
        let res = c
            .post(s.url(&format!("/files/customers/{customer}")))
            .header(header::ACCEPT, "text/html")
            .multipart(form)
            .send()
            .await
            .unwrap();
        // The cookie client follows the redirect: it lands on the record's page, naming the
        // card (the `#files-…` fragment stays with the browser, not the request).
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.url().as_str(),
            s.url(&format!("/customers/{customer}{outcome}&on={customer}")),
            "{name}"
        );
    }
    // A payment's proof goes back to the order its form names — only ever a path here, built
    // from an id: anything else sends the page to the order list.
    let (payment, order) = (
        "01890000-0000-7000-8000-00000000000a",
        "01890000-0000-7000-8000-00000000000b",
    );
    for (asked, back) in [
        (order.to_owned(), format!("/orders/{order}")),
        ("//evil.example/x".to_owned(), "/orders".to_owned()),
        ("https://evil.example".to_owned(), "/orders".to_owned()),
    ] {
        let form = Form::new()
            .text("csrf_token", token.clone())
            .part("file", Part::bytes(pdf()).file_name("receipt.pdf"));
        let res = c
            .post(s.url(&format!("/files/payments/{payment}")))
            .query(&[("order", asked.as_str())])
            .header(header::ACCEPT, "text/html")
            .multipart(form)
            .send()
            .await
            .unwrap();
        let url = res.url().clone();
        assert_eq!(url.host_str(), Some("127.0.0.1"), "{asked}");
        assert_eq!(url.path(), back, "{asked}");
        assert!(
            url.query().unwrap_or_default().starts_with("file_error="),
            "{asked}: {url}"
        );
    }
    assert_eq!(s.db.row_counts(&["files"]).await[0].1, 1);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn the_company_logo_is_an_image_set_by_settings_writers_and_shown_to_members() {
    let s = TestServer::sqlite().await;
    let c = demo_client(&s).await;
    let token = csrf_token(&c, &s).await;
    let post = |form: Form, token: String| {
        c.post(s.url("/files/logo"))
            .header("x-csrf-token", token)
            .multipart(form)
            .send()
    };
    for (name, bytes) in [("logo.pdf", pdf()), ("logo.png", ELF.to_vec())] {
        let res = post(file(name, bytes), token.clone()).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
    }
    let res = post(file("logo.png", PNG.to_vec()), token.clone())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let first: serde_json::Value = res.json().await.unwrap();
    let res = post(file("logo-2.png", PNG.to_vec()), token.clone())
        .await
        .unwrap();
    let second: serde_json::Value = res.json().await.unwrap();
    let me: serde_json::Value = api(&c, &s, "/api/accounts/me")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        me["logo"], second["id"],
        "the newer logo replaced the first"
    );
    assert_eq!(
        s.db.row_counts(&["files"]).await[0].1,
        1,
        "the first is gone, row and bytes"
    );
    let gone = c
        .get(s.url(&format!("/files/{}", first["id"].as_str().unwrap())))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);

    let page = c
        .get(s.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let src = format!("/files/{}?inline=1", second["id"].as_str().unwrap());
    assert!(page.contains(&src), "the top bar shows the logo");
    let res = c.get(s.url(&src)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("inline"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);

    let res = api(&c, &s, "/api/files/remove_logo")
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(s.db.row_counts(&["files"]).await[0].1, 0);
    s.stop().await.unwrap();
}

//! The quote template over HTTP as an attacker sends it: no CSRF token, a template naming a
//! sensitive field, markup in its text; then a quote downloaded filled, with the headers every
//! file answer has, and nothing for a stranger or a malformed id.

use reqwest::multipart::{Form, Part};
use reqwest::{header, StatusCode};

use app::server::files::templates::package;
use app::server::platform::testing::{docx, docx_body};

use super::demo_client;
use super::support::{api, csrf_token, TestServer};

fn template(paragraphs: &[&str]) -> Form {
    Form::new().part(
        "file",
        Part::bytes(docx(paragraphs)).file_name("Offer.docx"),
    )
}

/// A customer whose name carries markup, and a quote for it; returns the quote's id.
async fn new_quote(c: &reqwest::Client, s: &TestServer) -> String {
    let customer: serde_json::Value = api(c, s, "/api/customers/create")
        .await
        .form(&[
            ("name", "<img src=x onerror=alert(1)> Ltd"),
            ("email", ""),
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
    let quote: serde_json::Value = api(c, s, "/api/quotes/create")
        .await
        .form(&[
            ("customer_id", customer["id"].as_str().unwrap()),
            ("title", "Templates"),
            ("valid_until", ""),
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
    quote["quote"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a quote: {quote}"))
        .to_owned()
}

#[tokio::test]
async fn a_template_is_checked_on_upload_and_a_quote_downloads_filled_into_it() {
    let s = TestServer::sqlite().await;
    let c = demo_client(&s).await;
    let post = |form: Form, token: Option<String>| {
        let req = c.post(s.url("/files/quote-template")).multipart(form);
        match token {
            Some(token) => req.header("x-csrf-token", token),
            None => req,
        }
        .send()
    };
    let good = [
        "Quote {{quote.number}} for {{customer.name}} <b onmouseover=alert(1)>",
        "{{totals.total}}",
    ];
    let res = post(template(&good), None).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let token = csrf_token(&c, &s).await;
    let res = post(template(&["{{customer.tax_id}}"]), Some(token.clone()))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("{{customer.tax_id}}"),
        "the refusal names it: {body}"
    );
    assert_eq!(s.db.row_counts(&["files"]).await[0].1, 0, "nothing stored");

    let res = post(template(&good), Some(token.clone())).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let info: serde_json::Value = api(&c, &s, "/api/files/quote_template")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["current"]["name"], "Offer.docx");
    let catalogue = info["placeholders"].as_array().unwrap();
    assert!(
        catalogue.contains(&serde_json::json!(["customer.name", "The customer's name"])),
        "{catalogue:?}"
    );
    assert!(
        !catalogue.iter().any(|p| p[0] == "customer.tax_id"),
        "no sensitive field"
    );

    let quote = new_quote(&c, &s).await;
    let reference = "Q-1";
    let res = c
        .get(s.url(&format!("/quotes/{quote}/docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(
        h[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let disposition = h[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment") && disposition.contains(&format!("{reference}.docx")),
        "{disposition}"
    );
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(h[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .starts_with("sandbox"));
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"));
    assert!(
        package::placeholders(&bytes).unwrap().is_empty(),
        "every placeholder was filled"
    );
    // Markup in the template and in the customer's name is text in the document, never markup.
    let body = docx_body(&bytes);
    assert!(
        body.contains(
            "Quote Q-1 for &lt;img src=x onerror=alert(1)&gt; Ltd &lt;b onmouseover=alert(1)&gt;"
        ),
        "{body}"
    );
    assert!(!body.contains("<img") && !body.contains("<b "), "{body}");
    let recorded = s.db.strings("SELECT file_name FROM file_downloads").await;
    assert_eq!(recorded, [format!("{reference}.docx")]);

    for path in [
        "/quotes/not-an-id/docx",
        "/quotes/00000000-0000-0000-0000-000000000000/docx",
    ] {
        let res = c.get(s.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let res = super::client()
        .get(s.url(&format!("/quotes/{quote}/docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let res = api(&c, &s, "/api/files/remove_quote_template")
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = c
        .get(s.url(&format!("/quotes/{quote}/docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "no template, nothing to fill"
    );
    s.stop().await.unwrap();
}

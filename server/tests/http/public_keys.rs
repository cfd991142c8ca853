//! Public API keys over HTTP: made on the API keys page (shown whole, no password), they read
//! the workspace's published catalogue — its active products, nothing else — and nothing of
//! another workspace's; a secret key is no public key and a public key opens no private
//! endpoint; revoked or out-of-network keys are 401 like unknown ones, and the trail says so.

use reqwest::{header, StatusCode};
use serde_json::Value;

use app::server::audit::refusals;
use app::server::platform::clock::Clock;
use app::server::platform::testing::{Fixture, FIXTURE_PASSWORD};

use super::api_keys::{make_key, problem};
use super::support::{api, signed_in, TestServer};

async fn product(c: &reqwest::Client, s: &TestServer, sku: &str, price: &str, active: bool) {
    let mut form = vec![
        ("sku", sku),
        ("name", "A <b>bold</b> lamp"),
        ("description", "Bright."),
        ("unit_price", price),
        ("currency", ""),
        ("stock", "7"),
    ];
    if active {
        form.push(("active", "on"));
    }
    let res = api(c, s, "/api/products/create")
        .await
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{sku}");
}

async fn make_public(c: &reqwest::Client, s: &TestServer, form: &[(&str, &str)]) -> Value {
    let res = api(c, s, "/api/api_keys/create_public")
        .await
        .form(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn catalogue(s: &TestServer, query: &str, key: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(s.url(&format!("/api/v1/public/products{query}")))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_public_key_reads_the_published_catalogue_and_nothing_else() {
    let s = TestServer::sqlite().await;
    let f = Fixture::new(&s.db.db, &Clock::System).await;
    let owner = signed_in(&s, "ada@example.com", FIXTURE_PASSWORD).await;
    product(&owner, &s, "LAMP-2", "25.00", true).await;
    product(&owner, &s, "lamp-1", "19.99", true).await;
    product(&owner, &s, "OLD-9", "5.00", false).await;

    let made = make_public(&owner, &s, &[("name", "Web shop")]).await;
    let key = made["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("pk_") && key.len() == 25, "{key}");
    let listed: Value = api(&owner, &s, "/api/api_keys/list")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["public_keys"][0]["key"], key.as_str(), "shown whole");

    // Active products only, by SKU whatever its case, a page at a time; no stock, no ids.
    let res = catalogue(&s, "?limit=1", &key).await;
    assert_eq!(res.status(), StatusCode::OK);
    let link = res.headers()[header::LINK].to_str().unwrap().to_owned();
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["data"][0]["sku"], "lamp-1", "{page}");
    assert_eq!(page["data"][0]["unit_price_minor"], 1999);
    assert_eq!(
        page["data"][0]["name"], "A <b>bold</b> lamp",
        "markup stays data"
    );
    assert!(page["data"][0].get("stock").is_none() && page["data"][0].get("id").is_none());
    assert_eq!(
        link,
        "</api/v1/public/products?limit=1&after=lamp-1>; rel=\"next\""
    );
    let page: Value = catalogue(&s, "?limit=1&after=lamp-1", &key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["data"][0]["sku"], "LAMP-2", "{page}");
    assert!(page.get("next").is_none(), "OLD-9 is not published: {page}");

    // Keys stay in their lanes.
    let manager = f.role("Manager").await;
    let (_, secret) = make_key(
        &owner,
        &s,
        &[
            ("name", "Back office"),
            ("role_id", manager.as_str()),
            ("password", FIXTURE_PASSWORD),
        ],
    )
    .await;
    let secret = secret["secret"].as_str().unwrap().to_owned();
    problem(
        catalogue(&s, "", &secret).await,
        StatusCode::UNAUTHORIZED,
        "a secret key on a public endpoint",
    )
    .await;
    let res = reqwest::Client::new()
        .get(s.url("/api/v1/customers"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    problem(
        res,
        StatusCode::UNAUTHORIZED,
        "a public key on a private endpoint",
    )
    .await;
    problem(
        catalogue(&s, "?limit=0", &key).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a page of none",
    )
    .await;
    problem(
        catalogue(&s, "?stock=1", &key).await,
        StatusCode::BAD_REQUEST,
        "an unknown parameter",
    )
    .await;

    // Limited to a network the tests do not call from: refused, and in the trail.
    let limited = make_public(
        &owner,
        &s,
        &[("name", "Kiosk"), ("allowed_networks", "203.0.113.0/24")],
    )
    .await;
    problem(
        catalogue(&s, "", limited["key"].as_str().unwrap()).await,
        StatusCode::UNAUTHORIZED,
        "out of its network",
    )
    .await;

    // Revoked: 401 at once, like an unknown key.
    let res = api(&owner, &s, "/api/api_keys/revoke_public")
        .await
        .form(&[("id", made["id"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    problem(
        catalogue(&s, "", &key).await,
        StatusCode::UNAUTHORIZED,
        "revoked",
    )
    .await;
    let mut unknown = key.clone().into_bytes();
    unknown[3] = if unknown[3] == b'A' { b'B' } else { b'A' };
    problem(
        catalogue(&s, "", &String::from_utf8(unknown).unwrap()).await,
        StatusCode::UNAUTHORIZED,
        "a broken checksum",
    )
    .await;

    refusals::flush(&s.db.db, &s.refusals, None).await.unwrap();
    let trail =
        s.db.strings(
            "SELECT action || ' ' || actor_kind FROM audit_log \
         WHERE action LIKE 'api_key.%public' OR action = 'api_key.refused' ORDER BY seq",
        )
        .await;
    for expected in [
        "api_key.create_public person",
        "api_key.revoke_public person",
        "api_key.refused api_key",
    ] {
        assert!(trail.iter().any(|t| t == expected), "{expected}: {trail:?}");
    }

    // Another workspace's key reads its own (empty) catalogue, not this one's.
    let other = f.other_workspace("Difference Engines").await;
    let switched = api(&owner, &s, "/api/accounts/switch_workspace")
        .await
        .form(&[("workspace_id", other.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), StatusCode::OK);
    let theirs = make_public(&owner, &s, &[("name", "Elsewhere shop")]).await;
    let page: Value = catalogue(&s, "", theirs["key"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["data"], serde_json::json!([]), "{page}");
    s.stop().await.unwrap();
}

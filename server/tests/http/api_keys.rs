//! Secret API keys over HTTP, as an outside client uses them: a key made on the API keys page
//! reads the customers its role reaches through `/api/v1/`, with the secret shown once and
//! kept only as a keyed hash; every kind of bad key gets the same 401 problem; a browser's
//! session cookie opens nothing there; a narrow role gets 403 problems; another workspace's
//! customer is 404; a revoked, expired or out-of-network key is 401 at once; the trail names
//! the key.

use reqwest::{header, StatusCode};
use serde_json::Value;

use app::server::audit::refusals;
use app::server::platform::clock::Clock;
use app::server::platform::testing::{Fixture, FIXTURE_PASSWORD};

use super::files::new_customer;
use super::support::{api, signed_in, TestServer};

pub(super) async fn make_key(
    c: &reqwest::Client,
    s: &TestServer,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let res = api(c, s, "/api/api_keys/create")
        .await
        .form(form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn call(s: &TestServer, path: &str, key: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(s.url(path))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
}

/// Checks `res` is a problem with `status` and returns its body.
pub(super) async fn problem(res: reqwest::Response, status: StatusCode, what: &str) -> Value {
    assert_eq!(res.status(), status, "{what}");
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "application/problem+json",
        "{what}"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], status.as_u16(), "{what}: {body}");
    assert!(
        body["title"].is_string() && body["detail"].is_string(),
        "{what}: {body}"
    );
    body
}

#[tokio::test]
async fn a_key_reads_what_its_role_reaches_until_it_is_revoked() {
    let s = TestServer::sqlite().await;
    let f = Fixture::new(&s.db.db, &Clock::System).await;
    let owner = signed_in(&s, "ada@example.com", FIXTURE_PASSWORD).await;
    let customer = new_customer(&owner, &s).await;
    let manager = f.role("Manager").await;

    let (status, made) = make_key(
        &owner,
        &s,
        &[
            ("name", "Billing sync"),
            ("role_id", manager.as_str()),
            ("password", FIXTURE_PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{made}");
    let secret = made["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("sk_") && secret.len() == 57, "{secret}");
    let stored = s.db.strings("SELECT secret_hash FROM api_keys").await;
    assert_eq!(stored.len(), 1);
    assert!(
        !stored[0].contains(&secret[3..]),
        "only a keyed hash of the secret is kept"
    );
    assert_ne!(
        stored[0],
        app::server::platform::digest::sha256_hex(secret.as_bytes()),
        "a keyed hash, not a plain digest anyone could check a guess against"
    );
    let listed: Value = api(&owner, &s, "/api/api_keys/list")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is never shown again"
    );
    assert_eq!(listed["keys"][0]["status"], "active");
    assert!(
        listed["roles"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["name"] != "Owner"),
        "a key never acts as an Owner: {listed}"
    );

    // The key reads the customers; the list names the next page in a Link header.
    let res = call(&s, "/api/v1/customers?limit=1", &secret).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["data"][0]["id"], customer.as_str(), "{page}");
    let res = call(&s, &format!("/api/v1/customers/{customer}"), &secret).await;
    assert_eq!(res.status(), StatusCode::OK);
    let one: Value = res.json().await.unwrap();
    assert_eq!(one["name"], "Files Ltd");

    // Bad input is a problem naming what is wrong.
    let body = problem(
        call(&s, "/api/v1/customers?limit=0", &secret).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a page of none",
    )
    .await;
    assert_eq!(body["field"], "limit");
    problem(
        call(&s, "/api/v1/customers?role=owner", &secret).await,
        StatusCode::BAD_REQUEST,
        "an unknown parameter",
    )
    .await;
    problem(
        call(&s, "/api/v1/customers/not-an-id", &secret).await,
        StatusCode::NOT_FOUND,
        "a malformed id",
    )
    .await;
    problem(
        call(&s, "/api/v1/nothing-here", &secret).await,
        StatusCode::NOT_FOUND,
        "an unknown address",
    )
    .await;

    // Every bad key is the same 401, with the scheme to use.
    let mut wrong_checksum = secret.clone().into_bytes();
    wrong_checksum[56] = if wrong_checksum[56] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let wrong_checksum = String::from_utf8(wrong_checksum).unwrap();
    let (_, unknown) = app::server::integrations::api_keys::tokens::mint();
    let mut answers = Vec::new();
    for bad in ["", "sk_nonsense", wrong_checksum.as_str(), unknown.as_str()] {
        let res = call(&s, "/api/v1/customers", bad).await;
        assert_eq!(
            res.headers()[header::WWW_AUTHENTICATE],
            "Bearer realm=\"gatehouse\""
        );
        answers.push(problem(res, StatusCode::UNAUTHORIZED, bad).await);
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");

    // The browser's session is not a way in.
    let res = owner.get(s.url("/api/v1/customers")).send().await.unwrap();
    problem(res, StatusCode::UNAUTHORIZED, "a session cookie").await;

    // A key under a role without customers.read (every base role has it: a role that grants
    // nothing) is refused.
    s.db.db_exec(&format!(
        "INSERT INTO roles (id, workspace_id, name, description, created_at) \
         VALUES ('00000000-0000-7000-8000-00000000e0e0', '{}', 'Nothing', '', 0)",
        f.workspace.as_str()
    ))
    .await;
    let (status, narrow) = make_key(
        &owner,
        &s,
        &[
            ("name", "Nothing reader"),
            ("role_id", "00000000-0000-7000-8000-00000000e0e0"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{narrow}");
    let narrow = narrow["secret"].as_str().unwrap().to_owned();
    problem(
        call(&s, "/api/v1/customers", &narrow).await,
        StatusCode::FORBIDDEN,
        "a role without customers.read",
    )
    .await;

    // A key of another workspace does not find this one's customer.
    let other = f.other_workspace("Difference Engines").await;
    let switched = api(&owner, &s, "/api/accounts/switch_workspace")
        .await
        .form(&[("workspace_id", other.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), StatusCode::OK);
    let other_manager =
        s.db.strings(&format!(
            "SELECT id FROM roles WHERE workspace_id = '{}' AND base_role = 'manager'",
            other.as_str()
        ))
        .await
        .remove(0);
    let (status, stranger) = make_key(
        &owner,
        &s,
        &[("name", "Elsewhere"), ("role_id", other_manager.as_str())],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{stranger}");
    let stranger = stranger["secret"].as_str().unwrap().to_owned();
    problem(
        call(&s, &format!("/api/v1/customers/{customer}"), &stranger).await,
        StatusCode::NOT_FOUND,
        "another workspace's customer",
    )
    .await;
    let page: Value = call(&s, "/api/v1/customers", &stranger)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["data"].as_array().map(Vec::len), Some(0), "{page}");

    // Revoked: 401 at once, like an unknown key.
    let switched = api(&owner, &s, "/api/accounts/switch_workspace")
        .await
        .form(&[("workspace_id", f.workspace.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), StatusCode::OK);
    let id = made["key"]["id"].as_str().unwrap();
    let res = api(&owner, &s, "/api/api_keys/revoke")
        .await
        .form(&[("id", id)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    problem(
        call(&s, "/api/v1/customers", &secret).await,
        StatusCode::UNAUTHORIZED,
        "a revoked key",
    )
    .await;

    // The trail names the key for its refusals, and the person for making and revoking it.
    refusals::flush(&s.db.db, &s.refusals, None).await.unwrap();
    let trail =
        s.db.strings(
            "SELECT action || ' ' || actor_kind FROM audit_log \
             WHERE action LIKE 'api_key.%' OR actor_kind = 'api_key' ORDER BY seq",
        )
        .await;
    for expected in [
        "api_key.create person",
        "api_key.revoke person",
        "permission.refused api_key",
    ] {
        assert!(trail.iter().any(|t| t == expected), "{expected}: {trail:?}");
    }
}

#[tokio::test]
async fn a_key_limited_to_a_network_or_a_day_stops_outside_them() {
    let s = TestServer::sqlite().await;
    let f = Fixture::new(&s.db.db, &Clock::System).await;
    let owner = signed_in(&s, "ada@example.com", FIXTURE_PASSWORD).await;
    let staff = f.role("Staff").await;

    // Refused forms make nothing and name the field.
    for (form, field) in [
        (vec![("name", ""), ("role_id", staff.as_str())], "name"),
        (vec![("name", "Sync"), ("role_id", "")], "role_id"),
        (
            vec![
                ("name", "Sync"),
                ("role_id", f.role("Owner").await.as_str()),
            ],
            "role_id",
        ),
        (
            vec![
                ("name", "Sync"),
                ("role_id", staff.as_str()),
                ("expires_on", "2001-01-01"),
            ],
            "expires_on",
        ),
        (
            vec![
                ("name", "Sync"),
                ("role_id", staff.as_str()),
                ("allowed_networks", "10.0.0.0/8, not-a-network"),
            ],
            "allowed_networks",
        ),
    ] {
        let (status, body) = make_key(&owner, &s, &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {body}");
        assert!(body.to_string().contains(field), "{field}: {body}");
    }
    assert_eq!(s.db.row_counts(&["api_keys"]).await[0].1, 0);

    // The tests' client calls from loopback: a key limited elsewhere is refused.
    let (status, elsewhere) = make_key(
        &owner,
        &s,
        &[
            ("name", "Office only"),
            ("role_id", staff.as_str()),
            ("allowed_networks", "203.0.113.0/24"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{elsewhere}");
    assert_eq!(elsewhere["key"]["allowed_networks"][0], "203.0.113.0/24");
    let res = call(
        &s,
        "/api/v1/customers",
        elsewhere["secret"].as_str().unwrap(),
    )
    .await;
    problem(res, StatusCode::UNAUTHORIZED, "outside its networks").await;
    let (status, here) = make_key(
        &owner,
        &s,
        &[
            ("name", "Loopback"),
            ("role_id", staff.as_str()),
            ("allowed_networks", "127.0.0.1, ::1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{here}");
    let res = call(&s, "/api/v1/customers", here["secret"].as_str().unwrap()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let last: Vec<String> =
        s.db.strings("SELECT last_used_ip FROM api_keys WHERE name = 'Loopback'")
            .await;
    assert_eq!(last, ["127.0.0.1"]);

    // Past its last day a key is 401, like an unknown one.
    let (status, brief) = make_key(
        &owner,
        &s,
        &[("name", "Brief"), ("role_id", staff.as_str())],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{brief}");
    s.db.db_exec("UPDATE api_keys SET expires_at = 1 WHERE name = 'Brief'")
        .await;
    let res = call(&s, "/api/v1/customers", brief["secret"].as_str().unwrap()).await;
    problem(res, StatusCode::UNAUTHORIZED, "an expired key").await;

    refusals::flush(&s.db.db, &s.refusals, None).await.unwrap();
    let refused =
        s.db.strings("SELECT actor_kind FROM audit_log WHERE action = 'api_key.refused'")
            .await;
    assert_eq!(
        refused,
        ["api_key"],
        "the out-of-network call is in the trail"
    );
}

#[tokio::test]
async fn a_key_past_its_budget_waits_and_other_keys_do_not() {
    use server::rate_limits::API_KEY_BURST;
    let s = TestServer::sqlite().await;
    let f = Fixture::new(&s.db.db, &Clock::System).await;
    let owner = signed_in(&s, "ada@example.com", FIXTURE_PASSWORD).await;
    let staff = f.role("Staff").await;
    let mut secrets = Vec::new();
    for name in ["Busy", "Quiet"] {
        let (status, made) =
            make_key(&owner, &s, &[("name", name), ("role_id", staff.as_str())]).await;
        assert_eq!(status, StatusCode::OK, "{made}");
        secrets.push(made["secret"].as_str().unwrap().to_owned());
    }
    // The budget refills while the calls go out: the refusal comes at the burst or after it.
    let client = reqwest::Client::new();
    let mut refused = None;
    for sent in 1..=API_KEY_BURST * 3 {
        let res = client
            .get(s.url("/api/v1/customers?limit=1"))
            .bearer_auth(&secrets[0])
            .send()
            .await
            .unwrap();
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(sent > API_KEY_BURST, "refused after {sent} calls");
            refused = Some(res);
            break;
        }
        assert_eq!(res.status(), StatusCode::OK);
    }
    let res = refused.expect("a key past its budget is refused");
    assert!(
        res.headers()[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    problem(res, StatusCode::TOO_MANY_REQUESTS, "over its budget").await;
    let other = call(&s, "/api/v1/customers", &secrets[1]).await;
    assert_eq!(
        other.status(),
        StatusCode::OK,
        "another key has its own budget"
    );
}

#[tokio::test]
async fn the_contract_and_its_reference_page_need_no_key_and_say_the_same() {
    let s = TestServer::sqlite().await;
    let res = reqwest::get(s.url("/api/v1/openapi.json")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    assert_eq!(
        paths,
        [
            "/api/v1/customers",
            "/api/v1/customers/{id}",
            "/api/v1/public/products"
        ]
    );
    for scheme in ["secret_key", "public_key"] {
        assert_eq!(
            doc["components"]["securitySchemes"][scheme]["scheme"],
            "bearer"
        );
    }
    assert_eq!(
        doc["paths"]["/api/v1/public/products"]["get"]["security"][0]["public_key"],
        serde_json::json!([]),
        "the public operation names the public key instead"
    );
    let operations: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| format!("{} {path}", method.to_uppercase()))
        })
        .collect();
    assert_eq!(operations.len(), 6, "{operations:?}");

    let res = reqwest::get(s.url("/api/v1/reference")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("default-src"));
    let html = res.text().await.unwrap();
    for operation in &operations {
        assert!(html.contains(operation.as_str()), "{operation}");
    }
    let problem_type = call(&s, "/api/v1/customers", "")
        .await
        .json::<Value>()
        .await
        .unwrap()["type"]
        .as_str()
        .unwrap()
        .to_owned();
    let anchor = problem_type.rsplit('#').next().unwrap();
    assert!(
        html.contains(&format!("id=\"{anchor}\"")),
        "{problem_type} is described on the page"
    );
}

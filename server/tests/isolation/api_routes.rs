//! The REST API under the isolation matrix: every operation of its OpenAPI document (the same
//! declarations the router is built from), called with keys of another workspace (one for each
//! role a key may have) and with the victim's own revoked and expired keys, with the victim's
//! ids, a body and the victim customer's current `If-Match`. Strangers' keys find nothing of
//! the victim's and change nothing of it; dead keys open nothing; the victim workspace does not
//! change.

use reqwest::StatusCode;

use app::model::{RoleId, UserId, WorkspaceId};
use app::permissions::keys::{IntegrationsManage, TeamRead};
use app::server::access::{grants, roles};
use app::server::identity::reauth::unsafe_assume_reauthenticated;
use app::server::identity::{accounts, passwords};
use app::server::integrations::api_keys::{self, public, KeyForm};
use app::server::platform::clock::Clock;
use app::server::platform::db::Db;
use app::server::platform::testing::{self, FIXTURE_PASSWORD};

use super::matrix::SECRETS;
use super::support::{api, signed_in, TestServer};

/// A key of `user` in `workspace` acting under `role`: its secret.
async fn key(db: &Db, user: &UserId, workspace: &WorkspaceId, role: &RoleId, name: &str) -> String {
    let clock = Clock::System;
    let manage = grants::require::<IntegrationsManage>(db, &clock, user, workspace)
        .await
        .unwrap();
    let form = KeyForm {
        name: name.into(),
        role_id: role.as_str().into(),
        ..KeyForm::default()
    };
    let checked = api_keys::check(db, &clock, &manage, &form).await.unwrap();
    api_keys::create(
        db,
        &clock,
        &manage,
        &unsafe_assume_reauthenticated(user),
        checked,
    )
    .await
    .unwrap()
    .secret
}

/// A workspace of strangers with a secret key for each base role a key may act under, and a
/// public key (the last).
async fn strangers_keys(db: &Db) -> Vec<(String, String)> {
    let clock = Clock::System;
    let carol = accounts::sign_up(
        db,
        &clock,
        &passwords::Hasher::new(2),
        accounts::SignUp {
            email: "carol@example.com".into(),
            name: "Carol Keyholder".into(),
            password: passwords::Password::new(FIXTURE_PASSWORD),
            workspace_name: "Keyholders".into(),
        },
    )
    .await
    .unwrap();
    let (user, workspace) = (carol.user_id, carol.workspace.id);
    let read = grants::require::<TeamRead>(db, &clock, &user, &workspace)
        .await
        .unwrap();
    let mut keys = Vec::new();
    for role in roles::options(db, &read).await.unwrap() {
        if role.name != "Owner" {
            let secret = key(db, &user, &workspace, &role.id, &role.name).await;
            keys.push((format!("a stranger's {} key", role.name), secret));
        }
    }
    assert_eq!(keys.len(), 3, "Manager, Staff and Guest");
    let manage = grants::require::<IntegrationsManage>(db, &clock, &user, &workspace)
        .await
        .unwrap();
    let form = public::PublicKeyForm {
        name: "Stranger shop".into(),
        ..public::PublicKeyForm::default()
    };
    let made = public::create(db, &clock, &manage, &form).await.unwrap();
    keys.push(("a stranger's public key".to_owned(), made.key));
    keys
}

#[tokio::test]
async fn no_key_but_a_live_one_of_the_workspace_reaches_it_through_the_api() {
    for db in testing::backends().await {
        let label = db.backend().name();
        let s = TestServer::start(db, &[]).await;
        let v = super::victim(&s.db.db).await;
        let strangers = strangers_keys(&s.db.db).await;
        let manager =
            s.db.strings(&format!(
                "SELECT id FROM roles WHERE workspace_id = '{}' AND base_role = 'manager'",
                v.workspace
            ))
            .await
            .remove(0);
        let ada = signed_in(&s, "ada@example.com", FIXTURE_PASSWORD).await;
        let mut dead = Vec::new();
        for name in ["Revoked", "Expired"] {
            let made: serde_json::Value = api(&ada, &s, "/api/api_keys/create")
                .await
                .form(&[
                    ("name", name),
                    ("role_id", manager.as_str()),
                    ("password", FIXTURE_PASSWORD),
                ])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            dead.push(made["secret"].as_str().unwrap().to_owned());
        }
        let (revoked, expired) = (&dead[0], &dead[1]);
        s.db.db_exec("UPDATE api_keys SET revoked_at = 1 WHERE name = 'Revoked'")
            .await;
        s.db.db_exec("UPDATE api_keys SET expires_at = 1 WHERE name = 'Expired'")
            .await;
        let before = super::snapshot(&s.db, &v).await;
        let client = reqwest::Client::new();
        let mut calls = 0;
        let doc = serde_json::to_value(server::api_v1::document()).unwrap();
        let operations: Vec<(String, String)> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(route, item)| {
                item.as_object()
                    .unwrap()
                    .keys()
                    .map(move |method| (method.to_uppercase(), route.clone()))
            })
            .collect();
        assert!(operations.len() >= 5, "{operations:?}");
        for (method, route) in &operations {
            let path = route.replace("{id}", &v.customer);
            let one = route.contains("{id}");
            // What a stranger's key may get: its own workspace's list, or a customer made there;
            // never the victim's record, which is not found (or out of the key's role).
            // A public endpoint takes public keys only, and they open nothing else.
            let public_route = route.starts_with("/api/v1/public/");
            let strangers_may = |who: &str| -> &[u16] {
                let public_key = who.contains("public");
                match (method.as_str(), one) {
                    _ if public_key != public_route => &[401],
                    ("GET", false) => &[200],
                    ("POST", false) => &[201, 403],
                    (_, true) => &[403, 404],
                    _ => unreachable!("{method} {route}"),
                }
            };
            for (who, secret, expected) in strangers
                .iter()
                .map(|(who, secret)| (who.as_str(), secret, strangers_may(who)))
                .chain([
                    ("the victim's revoked key", revoked, &[401][..]),
                    ("the victim's expired key", expired, &[401][..]),
                ])
            {
                let res = client
                    .request(method.parse().unwrap(), s.url(&path))
                    .bearer_auth(secret)
                    .header("If-Match", "\"1\"")
                    .header(
                        "Idempotency-Key",
                        format!("{who}-{method}-{route}").replace(' ', "-"),
                    )
                    .json(&serde_json::json!({ "name": "A stranger's customer" }))
                    .send()
                    .await
                    .unwrap();
                let status = res.status();
                let body = res.text().await.unwrap();
                assert!(
                    expected.contains(&status.as_u16()),
                    "{label}: {who} {method} {path}: {status} {body}"
                );
                assert!(status != StatusCode::INTERNAL_SERVER_ERROR);
                for secret in SECRETS {
                    assert!(
                        !body.contains(secret),
                        "{label}: {who} read {secret:?} through {path}"
                    );
                }
                assert!(!body.contains(&v.customer), "{label}: {who} {path}: {body}");
                calls += 1;
            }
        }
        assert_eq!(calls, operations.len() * 6);
        assert_eq!(
            before,
            super::snapshot(&s.db, &v).await,
            "{label}: the victim workspace changed"
        );
        s.stop().await.unwrap();
    }
}

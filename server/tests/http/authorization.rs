//! Workspace isolation and permission checks over HTTP, as an attacker calls the endpoints.

use super::*;

#[tokio::test]
async fn each_person_sees_only_their_own_workspaces_and_strangers_see_none() {
    for db in testing::backends().await {
        let label = db.backend().name();
        let s = TestServer::start(db, &[]).await;
        let anonymous = api(&cookie_client(), &s, "/api/workspaces/list")
            .await
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "{label}");
        let err: serde_json::Value = anonymous.json().await.unwrap();
        assert_eq!(err["kind"], "unauthenticated", "{label}");
        let page = client().get(s.url("/workspaces")).send().await.unwrap();
        let page = page.text().await.unwrap();
        assert!(
            !page.contains("Northwind"),
            "{label}: a stranger saw a workspace"
        );

        let ada = cookie_client();
        assert_eq!(
            sign_up(&ada, &s, "ada@example.com").await.status(),
            StatusCode::OK
        );
        assert_eq!(
            workspace_names(&ada, &s).await,
            ["Analytical Engines"],
            "{label}"
        );
        let page = ada
            .get(s.url("/workspaces"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("Analytical Engines") && !page.contains("Northwind"),
            "{label}"
        );

        let demo = demo_client(&s).await;
        let mut expected: Vec<String> = server::demo::WORKSPACES
            .iter()
            .map(|n| (*n).to_owned())
            .collect();
        expected.sort();
        assert_eq!(workspace_names(&demo, &s).await, expected, "{label}");
        s.stop().await.unwrap();
    }
}

/// Eve owns her workspace but has not confirmed her address: no invitations yet; and a role
/// id from her workspace is no role in the demo's.
async fn invitations_need_a_confirmed_inviter_and_a_local_role(
    s: &TestServer,
    eve: &reqwest::Client,
    demo: &reqwest::Client,
    label: &str,
) {
    let roles: Vec<serde_json::Value> = api(eve, s, "/api/team/roles")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let staff = roles.iter().find(|r| r["name"] == "Staff").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = api(eve, s, "/api/team/invite")
        .await
        .form(&[("email", "friend@example.com"), ("role_id", staff.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT, "{label}");
    let err: serde_json::Value = res.json().await.unwrap();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("Confirm your own email"),
        "{label}: {err}"
    );
    // A role id from Eve's workspace is no role in the demo's.
    let demo_roles: Vec<serde_json::Value> = api(demo, s, "/api/team/roles")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = api(demo, s, "/api/team/invite")
        .await
        .form(&[("email", "friend@example.com"), ("role_id", staff.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
    assert!(
        demo_roles.iter().all(|r| r["id"] != staff.as_str()),
        "{label}"
    );
    assert_eq!(s.db.row_counts(&["invitations"]).await[0].1, 0, "{label}");
}

#[tokio::test]
async fn team_endpoints_take_the_workspace_from_the_session_and_check_permissions() {
    for db in testing::backends().await {
        let label = db.backend().name();
        let s = TestServer::start(db, &[]).await;
        let anonymous = cookie_client();
        for path in [
            "/api/team/members",
            "/api/team/invitations",
            "/api/team/roles",
        ] {
            let res = api(&anonymous, &s, path).await.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{label}: {path}");
        }

        // The demo Owner's own id, as seen by the demo.
        let demo = demo_client(&s).await;
        let members: Vec<serde_json::Value> = api(&demo, &s, "/api/team/members")
            .await
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(members.len(), 1, "{label}");
        let demo_id = members[0]["user_id"].as_str().unwrap().to_owned();

        // Someone from another workspace aims at the demo Owner by id: not found, unchanged.
        let eve = cookie_client();
        sign_up(&eve, &s, "eve@example.com").await;
        for path in ["/api/team/deactivate", "/api/team/end_sessions"] {
            let res = api(&eve, &s, path)
                .await
                .form(&[("user_id", demo_id.as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{label}: {path}");
        }
        let me: serde_json::Value = api(&demo, &s, "/api/accounts/me")
            .await
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            me["email"],
            server::demo::DEMO_EMAIL,
            "{label}: demo signed out"
        );

        invitations_need_a_confirmed_inviter_and_a_local_role(&s, &eve, &demo, label).await;
        s.stop().await.unwrap();
    }
}

#[tokio::test]
async fn customers_of_another_workspace_answer_404_to_every_endpoint() {
    let s = TestServer::sqlite().await;
    let (ada, eve) = (cookie_client(), cookie_client());
    sign_up(&ada, &s, "ada@example.com").await;
    sign_up(&eve, &s, "eve@example.com").await;
    let created: serde_json::Value = api(&ada, &s, "/api/customers/create")
        .await
        .form(&[
            ("name", "Babbage & Co"),
            ("email", ""),
            ("phone", ""),
            ("company", ""),
            ("tax_id", "GB 1"),
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
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["tax_id"], "GB 1");
    let before = s.db.strings("SELECT name || tax_id FROM customers").await;

    let fields = [
        ("id", id.as_str()),
        ("version", "1"),
        ("name", "Mine now"),
        ("email", ""),
        ("phone", ""),
        ("company", ""),
        ("tax_id", ""),
        ("notes", ""),
        ("assigned_user_id", ""),
        ("team_id", ""),
    ];
    for path in [
        "/api/customers/get",
        "/api/customers/update",
        "/api/customers/delete",
    ] {
        let res = api(&eve, &s, path)
            .await
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        let anonymous = api(&cookie_client(), &s, path)
            .await
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let theirs: serde_json::Value = api(&eve, &s, "/api/customers/list")
        .await
        .form(&[("search", "")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["items"], serde_json::json!([]));
    assert_eq!(
        s.db.strings("SELECT name || tax_id FROM customers").await,
        before
    );
    s.stop().await.unwrap();
}

#[tokio::test]
async fn the_role_endpoints_refuse_escalation_and_self_edit_however_they_are_called() {
    use app::server::platform::testing::{Fixture, FIXTURE_PASSWORD};
    let s = TestServer::sqlite().await;
    let f = Fixture::new(&s.db.db, &Clock::System).await;
    f.add_member("mallory@example.com", "Mallory Manager", "Manager")
        .await;
    let c = cookie_client();
    let signed_in = api(&c, &s, "/api/accounts/sign_in")
        .await
        .form(&[
            ("email", "mallory@example.com"),
            ("password", FIXTURE_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);
    let call = |path: &'static str, body: serde_json::Value| {
        let c = c.clone();
        let s = &s;
        async move {
            let res = api(&c, s, path).await.json(&body).send().await.unwrap();
            let status = res.status();
            (status, res.json::<serde_json::Value>().await.unwrap())
        }
    };
    let (status, err) = call(
        "/api/roles/create",
        serde_json::json!({"role": {"name": "Biller", "permissions": ["billing.manage"]}}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["field"], "permissions");
    let manager = f.role("Manager").await;
    let (status, err) = call(
        "/api/roles/update",
        serde_json::json!({"id": manager.as_str(), "role": {"name": "Manager", "permissions": ["billing.manage"]}}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        err["message"],
        "You can't edit a role you hold. Ask another admin."
    );
    let (status, id) = call(
        "/api/roles/create",
        serde_json::json!({"role": {"name": "Readers", "permissions": ["customers.read"], "scopes": ["customers:team"]}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, diff) = call(
        "/api/roles/preview",
        serde_json::json!({"id": id, "role": {"name": "Readers", "permissions": ["customers.read", "customers.export"]}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(diff, "grants customers.export — affects 0 users");
    assert_eq!(
        s.db.strings(
            "SELECT action FROM audit_log WHERE action LIKE 'role.%' AND action <> 'role.assign'"
        )
        .await,
        ["role.create"],
        "refusals change nothing"
    );
    s.stop().await.unwrap();
}

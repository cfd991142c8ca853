//! The stored-markup sweep's money part: a payment reference, a refund reason, and approval
//! comments from a second person, each the hostile string.

use reqwest::StatusCode;

use super::super::support::{api, cookie_client, TestServer};
use super::HOSTILE;

/// Confirms the order and takes a payment whose reference is the hostile string, then refunds
/// part of it giving the string as the reason.
pub(super) async fn pay_with_hostile_text(
    c: &reqwest::Client,
    s: &TestServer,
    label: &str,
    order: &str,
) {
    let post = |path: &'static str, form: Vec<(&'static str, String)>| async move {
        let res = api(c, s, path).await.form(&form).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{label}: {path}");
        res
    };
    post(
        "/api/orders/confirm",
        vec![("id", order.into()), ("version", "3".into())],
    )
    .await;
    let taken = vec![
        ("order_id", order.to_owned()),
        ("method", "card".into()),
        ("amount", "1".into()),
        ("reference", HOSTILE.into()),
        ("paid_on", String::new()),
    ];
    post("/api/payments/take", taken).await;
    let payments: serde_json::Value =
        post("/api/payments/for_order", vec![("order_id", order.into())])
            .await
            .json()
            .await
            .unwrap();
    let payment = &payments["payments"][0];
    assert_eq!(
        payment["reference"], HOSTILE,
        "{label}: the Owner sees it whole"
    );
    let refund = vec![
        ("id", payment["id"].as_str().unwrap().to_owned()),
        ("version", payment["version"].to_string()),
        ("amount", "0.50".into()),
        ("reason", HOSTILE.into()),
    ];
    post("/api/payments/refund", refund).await;
}

/// Refunds over 0.10 need approval: the Owner asks for one giving the hostile string as the
/// reason, and a Manager — made through the domain, signed in over HTTP — rejects it with the
/// string as the comment and approves another with it.
pub(super) async fn plant_in_approvals(
    c: &reqwest::Client,
    s: &TestServer,
    label: &str,
    order: &str,
) {
    let terms = [
        ("currency", "EUR"),
        ("tax_rate", ""),
        ("refund_approval_over", "0.10"),
        ("approval_expiry_days", ""),
    ];
    let res = api(c, s, "/api/settings/set_sales_terms")
        .await
        .form(&terms)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{label}: sales terms");
    for _ in 0..2 {
        let payments: serde_json::Value = api(c, s, "/api/payments/for_order")
            .await
            .form(&[("order_id", order)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let payment = &payments["payments"][0];
        let version = payment["version"].to_string();
        let refund = [
            ("id", payment["id"].as_str().unwrap()),
            ("version", version.as_str()),
            ("amount", "0.20"),
            ("reason", HOSTILE),
        ];
        let res = api(c, s, "/api/payments/refund")
            .await
            .form(&refund)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.json::<serde_json::Value>().await.unwrap(),
            "awaiting_approval",
            "{label}"
        );
    }
    let manager = a_manager_signed_in(c, s).await;
    let waiting: serde_json::Value = api(&manager, s, "/api/approvals/list")
        .await
        .form(&[("pending", "on")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for (i, path) in ["/api/approvals/reject", "/api/approvals/approve"]
        .into_iter()
        .enumerate()
    {
        let id = waiting[i]["id"].as_str().unwrap();
        let res = api(&manager, s, path)
            .await
            .form(&[("id", id), ("comment", HOSTILE)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{label}: {path}");
    }
}

/// A Manager of the Owner's workspace (`c`'s), invited and accepted through the domain, with a
/// session of their own.
async fn a_manager_signed_in(c: &reqwest::Client, s: &TestServer) -> reqwest::Client {
    use app::permissions::keys::{TeamRead, TeamWrite};
    use app::server::access::{grants, roles};
    use app::server::identity::passwords::{Hasher, Password};
    use app::server::workspace::invitations;
    let me: Option<app::model::CurrentUser> = api(c, s, "/api/accounts/me")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let me = me.expect("the Owner is signed in");
    let (db, clock) = (&s.db.db, app::server::platform::clock::Clock::System);
    let (owner, workspace) = (me.id, me.workspace.id);
    let read = grants::require::<TeamRead>(db, &clock, &owner, &workspace)
        .await
        .unwrap();
    let manager = roles::options(db, &read)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.name == "Manager")
        .unwrap();
    let write = grants::require::<TeamWrite>(db, &clock, &owner, &workspace)
        .await
        .unwrap();
    let invite = invitations::Invite {
        email: "mona@example.com".into(),
        role_id: manager.id.as_str().to_owned(),
    };
    let sent = invitations::invite(db, &clock, &write, true, invite)
        .await
        .unwrap();
    let password = "copper meadow violin tundra";
    invitations::accept_new(
        db,
        &clock,
        &Hasher::new(2),
        &sent.token,
        "Mona Manager",
        &Password::new(password),
    )
    .await
    .unwrap();
    let m = cookie_client();
    let res = api(&m, s, "/api/accounts/sign_in")
        .await
        .form(&[("email", "mona@example.com"), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the manager signs in");
    m
}

//! Rate limits over HTTP: a flood from one address, and per-address budgets behind a configured proxy.

use super::*;

#[tokio::test]
async fn a_sign_in_flood_from_one_address_gets_429_with_retry_after_before_any_hashing() {
    let s = TestServer::sqlite().await;
    let c = cookie_client();
    let token = csrf_token(&c, &s).await;
    let attempt = |i: u32, forwarded: &'static str| {
        c.post(s.url("/api/accounts/sign_in"))
            .header("x-csrf-token", &token)
            // Not a trusted header here: it must not buy a fresh budget.
            .header("x-forwarded-for", forwarded)
            .form(&[
                ("email", format!("nobody{i}@example.com")),
                ("password", "wrong horse battery staple".to_owned()),
            ])
            .send()
    };
    let mut statuses = Vec::new();
    let started = std::time::Instant::now();
    for i in 0..server::rate_limits::PER_IP_BURST + 5 {
        let forwarded = if i % 2 == 0 {
            "203.0.113.1"
        } else {
            "198.51.100.2"
        };
        let res = attempt(i, forwarded).await.unwrap();
        statuses.push(res.status());
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            let retry: u64 = header(&res, "retry-after").parse().unwrap();
            assert!((1..=60).contains(&retry), "{retry}");
            let err: serde_json::Value = res.json().await.unwrap();
            assert_eq!(err["kind"], "rate_limited");
        }
    }
    // The whole burst is admitted first. After it, refusals — but the budget refills one
    // request a second, so on a slow machine an admitted request can land among them: no more
    // than the seconds the flood took (plus one for the partly refilled second).
    let burst = server::rate_limits::PER_IP_BURST as usize;
    let refills = started.elapsed().as_secs() as usize + 1;
    assert!(
        statuses[..burst]
            .iter()
            .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{statuses:?}"
    );
    assert!(
        statuses[burst..]
            .iter()
            .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY || *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let admitted = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert!(
        admitted <= burst + refills,
        "{refills} refills: {statuses:?}"
    );
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Refused requests did no work: only the admitted ones left a failed-sign-in event.
    assert_eq!(
        s.db.strings("SELECT kind FROM security_events").await.len(),
        admitted
    );
    s.stop().await.unwrap();
}

#[tokio::test]
async fn behind_a_configured_proxy_each_forwarded_address_has_its_own_budget() {
    let s = TestServer::start(
        testing::sqlite().await,
        &["--client-ip-header", "X-Forwarded-For"],
    )
    .await;
    let c = cookie_client();
    let token = csrf_token(&c, &s).await;
    for round in 0..2 {
        for i in 0..server::rate_limits::PER_IP_BURST {
            let res = c
                .post(s.url("/api/accounts/sign_in"))
                .header("x-csrf-token", &token)
                .header("x-forwarded-for", format!("10.0.0.{round}"))
                .form(&[
                    ("email", format!("nobody{round}-{i}@example.com")),
                    ("password", "wrong horse battery staple".to_owned()),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{round}/{i}"
            );
        }
    }
    let ips =
        s.db.strings("SELECT DISTINCT ip FROM security_events ORDER BY ip")
            .await;
    assert_eq!(ips, ["10.0.0.0", "10.0.0.1"]);
    s.stop().await.unwrap();
}

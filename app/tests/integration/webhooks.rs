//! Webhooks against real SQLite and PostgreSQL: a record change writes one delivery per
//! enabled endpoint that hears it, in its own transaction; two workers delivering at once
//! attempt each delivery once; a failure is retried with back-off and, after eight attempts,
//! failed; an endpoint failing for days is disabled with an alert; an edit on a stale
//! version is refused; the secret is kept sealed.

use std::time::Duration;

use app::model::{Customer, WebhookEndpointId};
use app::permissions::keys::{CustomersWrite, IntegrationsManage};
use app::server::identity::reauth::unsafe_assume_reauthenticated;
use app::server::integrations::webhooks::delivery::deliver_due;
use app::server::integrations::webhooks::endpoints::{self, EndpointForm};
use app::server::integrations::webhooks::targets::TargetPolicy;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture};
use app::server::records::customers::{self, CustomerForm};

/// Targets on this machine allowed: the receivers here are loopback ports nobody listens on.
const LOCAL: TargetPolicy = TargetPolicy {
    require_https: false,
    allow_private: true,
};
/// Nothing listens on the discard port: every attempt fails at once with "connection refused".
const NOBODY: &str = "http://127.0.0.1:9/hook";

/// An endpoint made by the fixture's Owner, hearing `events`.
pub async fn endpoint(f: &Fixture, url: &str, events: &[&str]) -> (WebhookEndpointId, String) {
    let manage = f.grant::<IntegrationsManage>().await;
    let form = EndpointForm {
        description: "Mirror".into(),
        events: events.iter().map(|e| (*e).to_owned()).collect(),
    };
    let checked = endpoints::check(&LOCAL, url, &form).unwrap();
    let proof = unsafe_assume_reauthenticated(&f.owner);
    let made = endpoints::create(&f.db, &f.clock, &manage, &proof, checked)
        .await
        .unwrap();
    (made.endpoint.id, made.secret)
}

async fn customer(f: &Fixture, name: &str) -> Customer {
    let form = CustomerForm {
        name: name.into(),
        ..CustomerForm::default()
    };
    customers::create(&f.db, &f.clock, &f.grant::<CustomersWrite>().await, &form)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_change_is_queued_for_exactly_the_endpoints_that_hear_it() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_796_589_432_000);
        let f = Fixture::new(&t.db, &clock).await;
        let (creates, secret) =
            endpoint(&f, "http://127.0.0.1:9/creates", &["customer.create"]).await;
        let (every, _) = endpoint(&f, "http://127.0.0.1:9/every", &["customer.*"]).await;
        let (orders, _) = endpoint(&f, "http://127.0.0.1:9/orders", &["order.*"]).await;
        let (off, _) = endpoint(&f, "http://127.0.0.1:9/off", &["*"]).await;
        let manage = f.grant::<IntegrationsManage>().await;
        let quiet = EndpointForm {
            description: "Off".into(),
            events: vec!["*".into()],
        };
        endpoints::update(&f.db, &clock, &manage, &off, 1, &quiet, false)
            .await
            .unwrap();

        let made = customer(&f, "Analytical Engines").await;
        let mut form = CustomerForm {
            name: "Analytical Engines Ltd".into(),
            ..CustomerForm::default()
        };
        customers::update(
            &f.db,
            &clock,
            &f.grant::<CustomersWrite>().await,
            &made.id,
            made.version,
            &form,
        )
        .await
        .unwrap();
        form.name = String::new();
        let refused = customers::update(
            &f.db,
            &clock,
            &f.grant::<CustomersWrite>().await,
            &made.id,
            made.version + 1,
            &form,
        )
        .await;
        assert!(refused.is_err(), "{label}: a refused change");

        let queued = t
            .strings(
                "SELECT d.endpoint_id || ' ' || m.event_type FROM webhook_deliveries d \
                 JOIN webhook_messages m ON m.id = d.message_id ORDER BY m.created_at, m.event_type, d.endpoint_id",
            )
            .await;
        let mut expected = vec![
            format!("{} customer.create", creates.as_str()),
            format!("{} customer.create", every.as_str()),
            format!("{} customer.update", every.as_str()),
        ];
        expected[..2].sort();
        let mut got = queued.clone();
        got[..2].sort();
        assert_eq!(
            got, expected,
            "{label}: nothing for {orders:?} or the disabled {off:?}"
        );
        let payload = t
            .strings("SELECT payload FROM webhook_messages WHERE event_type = 'customer.update'")
            .await
            .remove(0);
        let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
        assert_eq!(
            payload["data"]["after"]["name"], "Analytical Engines Ltd",
            "{label}"
        );
        assert_eq!(
            payload["data"]["before"]["name"], "Analytical Engines",
            "{label}"
        );

        let stored = t
            .strings("SELECT secret_sealed FROM webhook_endpoints")
            .await;
        assert!(
            stored.iter().all(|s| !s.contains(&secret[6..])),
            "{label}: the secret is sealed"
        );
        let stale = endpoints::update(&f.db, &clock, &manage, &off, 1, &quiet, true).await;
        assert!(
            matches!(stale, Err(DomainError::Conflict(_))),
            "{label}: {stale:?}"
        );
    }
}

#[tokio::test]
async fn two_workers_attempt_each_delivery_once_then_back_off_until_failed() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_796_589_432_000);
        let f = Fixture::new(&t.db, &clock).await;
        endpoint(&f, NOBODY, &["customer.create"]).await;
        for n in 0..12 {
            customer(&f, &format!("Customer {n}")).await;
        }
        let client = LOCAL.client().unwrap();
        let other = t.reopen().await;
        let (a, b) = tokio::join!(
            deliver_due(&f.db, &clock, &LOCAL, &client, 50),
            deliver_due(&other, &clock, &LOCAL, &client, 50),
        );
        assert_eq!(a.unwrap() + b.unwrap(), 12, "{label}: each claimed by one");
        let attempts = t
            .strings("SELECT CAST(COUNT(*) AS TEXT) FROM webhook_attempts")
            .await;
        assert_eq!(attempts, ["12"], "{label}");
        let error = t
            .strings("SELECT error FROM webhook_attempts")
            .await
            .remove(0);
        assert!(error.starts_with("Could not connect"), "{label}: {error}");
        let pending = t
            .strings("SELECT CAST(next_attempt_at AS TEXT) FROM webhook_deliveries WHERE status = 'pending'")
            .await;
        assert_eq!(pending.len(), 12, "{label}");
        for next in pending {
            let wait = next.parse::<i64>().unwrap() - clock.now_ms();
            assert!(
                (4_000..=6_000).contains(&wait),
                "{label}: 5 s ± 20 %: {wait}"
            );
        }
        assert_eq!(
            deliver_due(&f.db, &clock, &LOCAL, &client, 50)
                .await
                .unwrap(),
            0,
            "{label}: nothing is due before its time"
        );

        // Seven more failures, each after its wait: then the delivery is failed for good.
        for _ in 0..7 {
            clock.advance(Duration::from_secs(13 * 3_600));
            assert_eq!(
                deliver_due(&f.db, &clock, &LOCAL, &client, 50)
                    .await
                    .unwrap(),
                12,
                "{label}"
            );
        }
        let states = t
            .strings(
                "SELECT DISTINCT status || ' ' || CAST(attempts AS TEXT) FROM webhook_deliveries",
            )
            .await;
        assert_eq!(states, ["failed 8"], "{label}");
        clock.advance(Duration::from_secs(13 * 3_600));
        assert_eq!(
            deliver_due(&f.db, &clock, &LOCAL, &client, 50)
                .await
                .unwrap(),
            0,
            "{label}"
        );
        other.close().await;
    }
}

#[tokio::test]
async fn an_endpoint_failing_for_days_is_disabled_with_an_alert() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_796_589_432_000);
        let f = Fixture::new(&t.db, &clock).await;
        let (id, _) = endpoint(&f, NOBODY, &["*"]).await;
        customer(&f, "First").await;
        let client = LOCAL.client().unwrap();
        deliver_due(&f.db, &clock, &LOCAL, &client, 50)
            .await
            .unwrap();
        let manage = f.grant::<IntegrationsManage>().await;
        let view = endpoints::view(&f.db, &manage).await.unwrap();
        assert_eq!(
            view.endpoints[0].failing_since_ms,
            Some(clock.now_ms()),
            "{label}"
        );
        assert!(
            view.endpoints[0].enabled,
            "{label}: one failure is not days"
        );

        clock.advance(Duration::from_secs(6 * 24 * 3_600));
        customer(&f, "Second").await;
        deliver_due(&f.db, &clock, &LOCAL, &client, 50)
            .await
            .unwrap();
        let view = endpoints::view(&f.db, &manage).await.unwrap();
        let e = &view.endpoints[0];
        assert_eq!(e.id, id, "{label}");
        assert!(!e.enabled, "{label}: disabled after days of failures");
        assert!(
            e.disabled_reason
                .as_deref()
                .unwrap_or("")
                .contains("five days"),
            "{label}"
        );
        let alerts = t.strings("SELECT kind FROM alerts").await;
        assert!(
            alerts.contains(&"webhook.disabled".to_owned()),
            "{label}: {alerts:?}"
        );

        // Its pending deliveries are not sent while it is off.
        customer(&f, "Third").await;
        let queued = t
            .strings("SELECT CAST(COUNT(*) AS TEXT) FROM webhook_deliveries WHERE status = 'pending' AND attempts = 0")
            .await;
        assert_eq!(
            queued,
            ["0"],
            "{label}: a disabled endpoint hears nothing new"
        );
    }
}

//! The session store against real SQLite and PostgreSQL.

use std::time::Duration;

use app::server::audit::append::Origin;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::backends;
use app::server::web::session_store::DbSessionStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::SessionStore;

const START_MS: i64 = 1_795_478_400_000;

/// A record as tower-sessions makes one: its expiry dated on the system clock. The store keeps
/// the remaining time on the application's (here: manual) clock.
fn record(expires_in: Duration, value: &str) -> Record {
    let expiry = time::OffsetDateTime::now_utc() + expires_in;
    let mut data = std::collections::HashMap::new();
    data.insert("workspace".to_owned(), serde_json::json!(value));
    Record {
        id: Id::default(),
        data,
        expiry_date: expiry,
    }
}

#[tokio::test]
async fn a_session_round_trips_and_only_its_hash_is_stored() {
    for t in backends().await {
        let label = t.backend().name();
        let store = DbSessionStore::new(t.db.clone(), Clock::manual(START_MS));
        let mut rec = record(Duration::from_secs(1800), "acme");
        store.create(&mut rec).await.unwrap();
        let loaded = store.load(&rec.id).await.unwrap().expect("session loads");
        assert_eq!(loaded.data, rec.data, "{label}");
        let drift = (loaded.expiry_date - rec.expiry_date).abs();
        assert!(drift < time::Duration::seconds(1), "{label}: {drift}");

        let stored = t.strings("SELECT id_hash FROM sessions").await;
        assert_eq!(stored.len(), 1, "{label}");
        assert_ne!(
            stored[0],
            rec.id.to_string(),
            "{label}: raw session id stored"
        );
        assert!(
            store.load(&Id::default()).await.unwrap().is_none(),
            "{label}"
        );
    }
}

#[tokio::test]
async fn save_replaces_data_and_renews_expiry() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START_MS);
        let store = DbSessionStore::new(t.db.clone(), clock.clone());
        let mut rec = record(Duration::from_secs(60), "acme");
        store.create(&mut rec).await.unwrap();

        clock.advance(Duration::from_secs(50));
        let mut renewed = record(Duration::ZERO, "globex");
        renewed.id = rec.id;
        renewed.expiry_date = rec.expiry_date + Duration::from_secs(50);
        store.save(&renewed).await.unwrap();

        clock.advance(Duration::from_secs(30));
        let loaded = store
            .load(&rec.id)
            .await
            .unwrap()
            .expect("renewed session loads");
        assert_eq!(loaded.data["workspace"], "globex", "{label}");
        assert_eq!(t.row_counts(&["sessions"]).await[0].1, 1, "{label}");
    }
}

#[tokio::test]
async fn expired_sessions_do_not_load_and_are_swept() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START_MS);
        let store = DbSessionStore::new(t.db.clone(), clock.clone());
        let mut short = record(Duration::from_secs(60), "a");
        let mut long = record(Duration::from_secs(3600), "b");
        store.create(&mut short).await.unwrap();
        store.create(&mut long).await.unwrap();

        clock.advance(Duration::from_secs(60));
        assert!(store.load(&short.id).await.unwrap().is_none(), "{label}");
        assert!(store.load(&long.id).await.unwrap().is_some(), "{label}");
        assert_eq!(store.delete_expired().await.unwrap(), 1, "{label}");
        assert_eq!(t.row_counts(&["sessions"]).await[0].1, 1, "{label}");
    }
}

#[tokio::test]
async fn a_second_process_sees_the_session_and_a_deletion_ends_it_for_both() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START_MS);
        let first = DbSessionStore::new(t.db.clone(), clock.clone());
        // An independent pool on the same database, as a second server process would open.
        let second = DbSessionStore::new(t.reopen().await, clock.clone());
        let mut rec = record(Duration::from_secs(600), "acme");
        first.create(&mut rec).await.unwrap();
        assert_eq!(
            second.load(&rec.id).await.unwrap().map(|r| r.data),
            Some(rec.data.clone()),
            "{label}"
        );

        second.delete(&rec.id).await.unwrap();
        assert!(first.load(&rec.id).await.unwrap().is_none(), "{label}");
    }
}

#[tokio::test]
async fn people_list_and_revoke_only_their_own_sessions() {
    use app::server::identity::accounts::{self, SignUp};
    use app::server::identity::passwords::{Hasher, Password};
    use app::server::identity::sessions;

    let hasher = Hasher::new(2);
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START_MS);
        let store = DbSessionStore::new(t.db.clone(), clock.clone());
        let mut users = Vec::new();
        for email in ["ada@example.com", "bob@example.com"] {
            let input = SignUp {
                email: email.into(),
                name: "Someone".into(),
                password: Password::new("quiet lantern orbit mango"),
                workspace_name: "Place".into(),
            };
            users.push(
                accounts::sign_up(&t.db, &clock, &hasher, input)
                    .await
                    .unwrap()
                    .user_id,
            );
        }
        let signed_in = |user: &app::model::UserId, ua: &str| {
            let mut rec = record(Duration::from_secs(1800), "x");
            rec.data.insert(
                "auth".into(),
                serde_json::json!({ "user_id": user.as_str(), "ip": "192.0.2.7", "user_agent": ua }),
            );
            rec
        };
        let mut ada_laptop = signed_in(
            &users[0],
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
        );
        let mut ada_phone = signed_in(&users[0], "curl/8.5.0");
        let mut bob = signed_in(&users[1], "curl/8.5.0");
        for rec in [&mut ada_laptop, &mut ada_phone, &mut bob] {
            store.create(rec).await.unwrap();
        }

        let listed = sessions::list_for_user(&t.db, &clock, &users[0], Some(ada_laptop.id))
            .await
            .unwrap();
        assert_eq!(listed.len(), 2, "{label}");
        let current: Vec<_> = listed.iter().filter(|s| s.current).collect();
        assert_eq!(current.len(), 1, "{label}");
        assert_eq!(current[0].device, "Firefox 128 on Windows 10", "{label}");
        assert_eq!(current[0].ip.as_deref(), Some("192.0.2.7"), "{label}");

        // Bob's session cannot be ended by Ada, and looks like one that does not exist.
        let bobs = sessions::list_for_user(&t.db, &clock, &users[1], None)
            .await
            .unwrap();
        let err = sessions::revoke(
            &t.db,
            &clock,
            &users[0],
            &bobs[0].handle,
            &Origin::default(),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, DomainError::NotFound), "{label}: {err:?}");
        assert!(store.load(&bob.id).await.unwrap().is_some(), "{label}");

        let phone = listed.iter().find(|s| !s.current).unwrap();
        sessions::revoke(&t.db, &clock, &users[0], &phone.handle, &Origin::default())
            .await
            .unwrap();
        assert!(
            store.load(&ada_phone.id).await.unwrap().is_none(),
            "{label}"
        );

        store.create(&mut ada_phone).await.unwrap();
        assert_eq!(
            sessions::revoke_others(
                &t.db,
                &clock,
                &users[0],
                Some(ada_laptop.id),
                &Origin::default()
            )
            .await
            .unwrap(),
            1,
            "{label}"
        );
        assert!(
            store.load(&ada_laptop.id).await.unwrap().is_some(),
            "{label}"
        );
        assert!(store.load(&bob.id).await.unwrap().is_some(), "{label}");
        // Ada's two revocations are in her workspace's trail; the refused one left nothing.
        let revoked = t
            .strings(&format!(
                "SELECT actor_ref FROM audit_log WHERE action = 'session.revoked' \
                 AND target = '{}'",
                users[0].as_str()
            ))
            .await;
        assert_eq!(revoked, [users[0].as_str(); 2], "{label}");
        let bobs_trail = t
            .strings(&format!(
                "SELECT id FROM audit_log WHERE action = 'session.revoked' AND target = '{}'",
                users[1].as_str()
            ))
            .await;
        assert!(bobs_trail.is_empty(), "{label}");
    }
}

//! Network rules against real SQLite and PostgreSQL.

use std::net::IpAddr;

use app::permissions::keys::SettingsWrite;
use app::server::access::grants::{self, Grant};
use app::server::audit::append::Origin;
use app::server::identity::accounts;
use app::server::identity::authentication::{self, NETWORK_DENIED};
use app::server::identity::passwords::Password;
use app::server::identity::workspaces::WorkspaceName;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::workspace::ip_rules::{self, NewRule};

fn field(e: DomainError) -> String {
    match e {
        DomainError::Invalid { field, message } => format!("{field}: {message}"),
        other => panic!("expected a field error, got {other:?}"),
    }
}

fn entry(kind: &str, cidr: &str) -> NewRule {
    NewRule {
        kind: kind.into(),
        cidr: cidr.into(),
        ..NewRule::default()
    }
}

/// Nothing is stored for a refused entry.
async fn bad_entries_are_named_and_the_editor_is_warned(
    t: &TestDb,
    f: &Fixture,
    grant: &Grant<SettingsWrite>,
    office: Option<IpAddr>,
) {
    let label = t.backend().name();
    // Malformed entries, bad kinds and strangers are refused by field; nothing is stored.
    for (form, expected) in [
        (entry("deny", "203.0.113.0/33"), "cidr"),
        (entry("deny", "not-an-address"), "cidr"),
        (entry("deny", ""), "cidr"),
        (entry("deny", "2001:db8::/129"), "cidr"),
        (entry("maybe", "203.0.113.0/24"), "kind"),
        (
            NewRule {
                user_id: "someone-else".into(),
                ..entry("deny", "198.51.100.0/24")
            },
            "user_id",
        ),
        (
            NewRule {
                note: "line\nbreak".into(),
                ..entry("deny", "198.51.100.0/24")
            },
            "note",
        ),
    ] {
        let e = ip_rules::add(&t.db, &f.clock, grant, &form, office)
            .await
            .unwrap_err();
        assert!(field(e).starts_with(expected), "{label}: {form:?}");
    }
    assert_eq!(t.row_counts(&["ip_rules"]).await[0].1, 0, "{label}");

    // Denying the editor's own range needs their confirmation.
    let e = ip_rules::add(
        &t.db,
        &f.clock,
        grant,
        &entry("deny", "203.0.113.0/24"),
        office,
    )
    .await
    .unwrap_err();
    assert!(
        field(e)
            .starts_with("block_me_too: This entry would block your own address (203.0.113.10)"),
        "{label}"
    );
    assert_eq!(t.row_counts(&["ip_rules"]).await[0].1, 0, "{label}");
}

/// The office range and a personal home address let the editor in; elsewhere is denied and
/// recorded.
async fn an_allow_list_decides_sign_in(
    t: &TestDb,
    f: &Fixture,
    grant: &Grant<SettingsWrite>,
    office: Option<IpAddr>,
) {
    let label = t.backend().name();
    // An allow list with the office: the editor stays in; then a home address elsewhere.
    ip_rules::add(
        &t.db,
        &f.clock,
        grant,
        &entry("allow", "203.0.113.0/24"),
        office,
    )
    .await
    .unwrap();
    let dup = ip_rules::add(
        &t.db,
        &f.clock,
        grant,
        &entry("allow", "203.0.113.7/24"),
        office,
    )
    .await
    .unwrap_err();
    assert!(
        field(dup).starts_with("cidr: This entry is already"),
        "{label}"
    );
    ip_rules::add(
        &t.db,
        &f.clock,
        grant,
        &NewRule {
            user_id: f.owner.as_str().into(),
            note: "Home".into(),
            ..entry("allow", "2001:db8:1::/48")
        },
        office,
    )
    .await
    .unwrap();
    let listed = ip_rules::list(&t.db, grant).await.unwrap();
    assert_eq!(listed.len(), 2, "{label}");
    assert_eq!(
        listed[1].person.as_deref(),
        Some("Ada Lovelace <ada@example.com>")
    );

    let sign_in = |ip: &'static str| f.sign_in("ada@example.com", ip);
    sign_in("203.0.113.99").await.unwrap();
    sign_in("2001:db8:1::5").await.unwrap();
    sign_in("::ffff:203.0.113.99").await.unwrap();
    let e = sign_in("198.51.100.1").await.unwrap_err();
    assert_eq!(field(e), format!("email: {NETWORK_DENIED}"), "{label}");
    assert_eq!(
        t.strings("SELECT ip FROM security_events WHERE kind = 'network_denied'")
            .await,
        vec!["198.51.100.1".to_owned()],
        "{label}"
    );
    // A wrong password from a denied network still gets the usual answer first.
    let wrong = authentication::authenticate(
        &t.db,
        &f.clock,
        &f.hasher,
        "ada@example.com",
        &Password::new("wrong horse battery staple"),
        &Origin::new(Some("198.51.100.1".into()), None),
    )
    .await
    .unwrap_err();
    assert!(field(wrong).starts_with("password:"), "{label}");
}

/// Removing the only entry that admits the editor is refused from there, allowed from home.
async fn the_editor_cannot_remove_their_own_way_in(
    t: &TestDb,
    grant: &Grant<SettingsWrite>,
    office: Option<IpAddr>,
) {
    let label = t.backend().name();
    // Removing the office entry would shut the editor out: refused.
    let listed = ip_rules::list(&t.db, grant).await.unwrap();
    let office_rule = listed.iter().find(|r| r.cidr == "203.0.113.0/24").unwrap();
    let e = ip_rules::remove(&t.db, grant, &office_rule.id, office)
        .await
        .unwrap_err();
    assert!(matches!(e, DomainError::Conflict(_)), "{label}: {e:?}");
    // From home it is fine (the personal entry still lets them in).
    ip_rules::remove(
        &t.db,
        grant,
        &office_rule.id,
        Some("2001:db8:1::5".parse().unwrap()),
    )
    .await
    .unwrap();
}

/// A sign-in from elsewhere lands in a workspace without rules, whose grant cannot touch the
/// first one's entries.
async fn another_workspace_neither_blocks_nor_edits(
    t: &TestDb,
    f: &Fixture,
    grant: &Grant<SettingsWrite>,
) {
    let label = t.backend().name();
    // A second workspace with no rules: a sign-in from elsewhere lands there instead.
    let other = accounts::create_workspace(
        &t.db,
        &f.clock,
        &f.owner,
        &WorkspaceName::parse("Difference Engines").unwrap(),
    )
    .await
    .unwrap();
    let who = f
        .sign_in("ada@example.com", "198.51.100.1")
        .await
        .unwrap()
        .who;
    assert_eq!(who.workspace_id, other.id, "{label}");
    // Its settings grant cannot remove the first workspace's entries.
    let other_grant = grants::require::<SettingsWrite>(&t.db, &f.clock, &f.owner, &other.id)
        .await
        .unwrap();
    let home = ip_rules::list(&t.db, grant).await.unwrap()[0].id.clone();
    assert!(matches!(
        ip_rules::remove(&t.db, &other_grant, &home, None).await,
        Err(DomainError::NotFound)
    ));
    assert_eq!(t.row_counts(&["ip_rules"]).await[0].1, 1, "{label}");
}

#[tokio::test]
async fn entries_are_validated_guard_the_editor_and_decide_sign_in() {
    for t in backends().await {
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let grant = f.grant::<SettingsWrite>().await;
        let office = Some("203.0.113.10".parse().unwrap());

        bad_entries_are_named_and_the_editor_is_warned(&t, &f, &grant, office).await;
        an_allow_list_decides_sign_in(&t, &f, &grant, office).await;
        the_editor_cannot_remove_their_own_way_in(&t, &grant, office).await;
        another_workspace_neither_blocks_nor_edits(&t, &f, &grant).await;
    }
}

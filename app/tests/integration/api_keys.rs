//! Secret API keys against real SQLite and PostgreSQL: a key acts under a role its maker could
//! hand out, never Owner; at every call its role is narrowed to what its maker holds then, so
//! it shrinks when they lose a role and stops when they leave; revoking stops it at once; the
//! page lists each key's status and last use, never its secret; the trail records both. A
//! public key reads its workspace's published catalogue until it is revoked.

use app::permissions::keys::{
    CustomersRead, CustomersWrite, IntegrationsManage, ProductsWrite, RolesWrite, TeamWrite,
};
use app::server::access::refusals::Refusals;
use app::server::access::{assignments, role_deletion, role_editor};
use app::server::audit::append::Origin;
use app::server::identity::reauth::unsafe_assume_reauthenticated;
use app::server::integrations::api_keys::authenticate::{authenticate, KeyError};
use app::server::integrations::api_keys::{self, public, why, KeyForm};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture};
use app::server::records::products::{self, catalogue, ProductForm};
use app::server::workspace::members;

use super::support::{draft, message};

fn form(name: &str, role: &str) -> KeyForm {
    KeyForm {
        name: name.into(),
        role_id: role.into(),
        ..KeyForm::default()
    }
}

#[tokio::test]
async fn a_key_never_outgrows_its_maker_and_stops_with_their_access() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let integrator = role_editor::create(
            &f.db,
            &clock,
            &f.grant::<RolesWrite>().await,
            &draft(
                "Integrator",
                &["customers.read", "customers.write", "integrations.manage"],
            ),
        )
        .await
        .unwrap();
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let team = f.grant::<TeamWrite>().await;
        assignments::assign(&f.db, &clock, &team, &grace, &integrator, "")
            .await
            .unwrap();
        let manage = f.grant_of::<IntegrationsManage>(&grace).await.unwrap();

        // Only roles within her own access are offered and accepted; never Owner.
        let offered = api_keys::view(&f.db, &clock, &manage).await.unwrap().roles;
        let names: Vec<&str> = offered.iter().map(|r| r.name.as_str()).collect();
        assert!(
            names.contains(&"Integrator") && names.contains(&"Staff"),
            "{label}: {names:?}"
        );
        assert!(
            !names.contains(&"Owner") && !names.contains(&"Manager"),
            "{label}: {names:?}"
        );
        for role in ["Manager", "Owner"] {
            let id = f.role(role).await;
            let refused = api_keys::check(&f.db, &clock, &manage, &form("Too much", id.as_str()))
                .await
                .unwrap_err();
            assert!(message(refused).starts_with("role_id: "), "{label}: {role}");
        }

        let checked = api_keys::check(&f.db, &clock, &manage, &form("Sync", integrator.as_str()))
            .await
            .unwrap();
        let someone_else = unsafe_assume_reauthenticated(&f.owner);
        let refused = api_keys::create(&f.db, &clock, &manage, &someone_else, checked).await;
        assert!(
            matches!(refused, Err(DomainError::Forbidden)),
            "{label}: another's proof"
        );
        let checked = api_keys::check(&f.db, &clock, &manage, &form("Sync", integrator.as_str()))
            .await
            .unwrap();
        let proof = unsafe_assume_reauthenticated(&grace);
        let made = api_keys::create(&f.db, &clock, &manage, &proof, checked)
            .await
            .unwrap();
        let again =
            api_keys::check(&f.db, &clock, &manage, &form("Sync", integrator.as_str())).await;
        assert!(
            again.is_ok(),
            "{label}: the name is checked when the key is made"
        );
        let checked = again.unwrap();
        let duplicate = api_keys::create(&f.db, &clock, &manage, &proof, checked).await;
        assert_eq!(
            message(duplicate.unwrap_err()),
            "name: Another key has this name. Choose another.",
            "{label}"
        );

        let refusals = Refusals::default();
        let origin = || Origin::new(Some("198.51.100.9".into()), Some("sync/1.0"));
        let call = || authenticate(&f.db, &clock, &refusals, &made.secret, origin());
        let held = call().await.unwrap();
        assert!(held.grant::<CustomersWrite>().is_ok(), "{label}");
        assert_eq!(held.key(), Some(&made.key.id), "{label}");
        assert_eq!(held.user(), &grace, "{label}: the maker's reach applies");
        let listed = api_keys::view(&f.db, &clock, &manage).await.unwrap().keys;
        assert_eq!(
            listed[0].last_used_ip.as_deref(),
            Some("198.51.100.9"),
            "{label}"
        );
        assert_eq!(listed[0].status, "active", "{label}");
        assert!(!format!("{listed:?}").contains(&made.secret), "{label}");

        let owner_manage = f.grant::<IntegrationsManage>().await;
        let why = |permission: &'static str| {
            why::why(&f.db, &clock, &owner_manage, &made.key.id, permission, None)
        };
        let verdict = why("integrations.manage").await.unwrap();
        assert!(verdict.allowed, "{label}: {verdict:?}");
        assert_eq!(
            verdict.reasons,
            [
                "The key “Sync” acts under the role Integrator, which grants integrations.manage.",
                "Its maker, Grace Hopper, holds integrations.manage now.",
            ],
            "{label}"
        );
        let verdict = why("customers.delete").await.unwrap();
        assert!(!verdict.allowed, "{label}: not in the role");
        assert!(verdict.reasons[0].ends_with("which does not grant customers.delete."));

        // Grace loses the Integrator role: the key keeps only what Staff and Integrator share.
        assignments::unassign(&f.db, &clock, &team, &grace, &integrator)
            .await
            .unwrap();
        let held = call().await.unwrap();
        assert!(held.grant::<CustomersRead>().is_ok(), "{label}");
        assert!(
            held.grant::<IntegrationsManage>().is_err(),
            "{label}: narrowed to Staff"
        );
        let verdict = why("integrations.manage").await.unwrap();
        assert!(!verdict.allowed, "{label}: the why agrees with the call");
        assert_eq!(
            verdict.reasons[1],
            "Its maker, Grace Hopper, does not hold integrations.manage now, and a key never \
             holds more than its maker.",
            "{label}"
        );
        let other = f.grant::<IntegrationsManage>().await;
        let refused = why::why(&f.db, &clock, &other, &made.key.id, "no.such", None).await;
        assert!(message(refused.unwrap_err()).starts_with("permission: "));
        // Grace leaves: the key stops.
        members::deactivate(&f.db, &clock, &team, &grace)
            .await
            .unwrap();
        assert!(
            matches!(call().await, Err(KeyError::Refused)),
            "{label}: maker deactivated"
        );
        members::reactivate(&f.db, &clock, &team, &grace)
            .await
            .unwrap();
        assert!(call().await.is_ok(), "{label}: back with her");

        // Revoked by the Owner: stops at once, and says so in the list and in the why.
        api_keys::revoke(&f.db, &clock, &owner_manage, &made.key.id)
            .await
            .unwrap();
        assert!(
            matches!(call().await, Err(KeyError::Refused)),
            "{label}: revoked"
        );
        let listed = api_keys::view(&f.db, &clock, &owner_manage)
            .await
            .unwrap()
            .keys;
        assert_eq!(listed[0].status, "revoked", "{label}");
        let verdict = why("customers.read").await.unwrap();
        assert_eq!(
            (verdict.allowed, verdict.reasons),
            (
                false,
                vec!["The key “Sync” is revoked: it can do nothing.".to_owned()]
            ),
            "{label}"
        );

        // Deleting a role a key acts under asks where its keys go, and moves them there.
        let roles = f.grant::<RolesWrite>().await;
        let refused = role_deletion::delete(&f.db, &clock, &roles, &integrator, None).await;
        assert_eq!(
            message(refused.unwrap_err()),
            "reassign_to: API keys act under this role: choose the role they move to.",
            "{label}"
        );
        let staff = f.role("Staff").await;
        role_deletion::delete(&f.db, &clock, &roles, &integrator, Some(staff.as_str()))
            .await
            .unwrap();
        let listed = api_keys::view(&f.db, &clock, &owner_manage)
            .await
            .unwrap()
            .keys;
        assert_eq!(listed[0].role, "Staff", "{label}");

        let trail = t
            .strings(
                "SELECT action || ' ' || actor_kind || ' ' || target FROM audit_log \
                 WHERE action LIKE 'api_key.%' ORDER BY seq",
            )
            .await;
        let id = made.key.id.as_str();
        assert_eq!(
            trail,
            [
                format!("api_key.create person {id}"),
                format!("api_key.revoke person {id}"),
            ],
            "{label}"
        );
    }
}

#[tokio::test]
async fn a_public_key_reads_its_workspace_catalogue_until_revoked() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let write = f.grant::<ProductsWrite>().await;
        for (sku, active) in [("B-2", true), ("a-1", true), ("C-3", false)] {
            let form = ProductForm {
                sku: sku.into(),
                name: format!("Product {sku}"),
                unit_price: "2.50".into(),
                active,
                ..ProductForm::default()
            };
            products::create(&f.db, &clock, &write, &form)
                .await
                .unwrap();
        }
        let manage = f.grant::<IntegrationsManage>().await;
        let form = public::PublicKeyForm {
            name: "Shop".into(),
            ..public::PublicKeyForm::default()
        };
        let made = public::create(&f.db, &clock, &manage, &form).await.unwrap();
        let refusals = Refusals::default();
        let origin = Origin::new(Some("198.51.100.9".into()), None);
        let caller = public::authenticate(&f.db, &clock, &refusals, &made.key, &origin)
            .await
            .unwrap();
        assert_eq!(caller.workspace(), &f.workspace, "{label}");
        let (page, next) = catalogue::page(&f.db, &caller, "", 1).await.unwrap();
        assert_eq!(page[0].sku, "a-1", "{label}");
        assert_eq!(page[0].unit_price_minor, 250, "{label}");
        assert_eq!(next.as_deref(), Some("a-1"), "{label}");
        let (page, next) = catalogue::page(&f.db, &caller, "a-1", 5).await.unwrap();
        let skus: Vec<&str> = page.iter().map(|p| p.sku.as_str()).collect();
        assert_eq!(
            (skus, next),
            (vec!["B-2"], None),
            "{label}: C-3 is not published"
        );
        let listed = public::list(&f.db, &clock, &manage).await.unwrap();
        assert_eq!(
            listed[0].last_used_ip.as_deref(),
            Some("198.51.100.9"),
            "{label}"
        );

        public::revoke(&f.db, &clock, &manage, &made.id)
            .await
            .unwrap();
        let refused = public::authenticate(&f.db, &clock, &refusals, &made.key, &origin).await;
        assert!(
            matches!(refused, Err(KeyError::Refused)),
            "{label}: revoked"
        );
        let secret_as_public =
            public::authenticate(&f.db, &clock, &refusals, "sk_nothing", &origin).await;
        assert!(
            matches!(secret_as_public, Err(KeyError::Refused)),
            "{label}"
        );
    }
}

#[tokio::test]
async fn an_idempotency_key_replays_refuses_waits_and_is_taken_over_when_abandoned() {
    use app::server::integrations::idempotency::{self, Answer, Claim};
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let manage = f.grant::<IntegrationsManage>().await;
        let staff = f.role("Staff").await;
        let checked = api_keys::check(&f.db, &clock, &manage, &form("Retries", staff.as_str()))
            .await
            .unwrap();
        let proof = unsafe_assume_reauthenticated(&f.owner);
        let made = api_keys::create(&f.db, &clock, &manage, &proof, checked)
            .await
            .unwrap();
        let refusals = Refusals::default();
        let held = authenticate(&f.db, &clock, &refusals, &made.secret, Origin::default())
            .await
            .unwrap();
        let grant = held.grant::<CustomersWrite>().unwrap();
        let reserve = |print: &'static str| idempotency::reserve(&f.db, &grant, "k-1", print);

        assert!(matches!(reserve("a").await, Ok(Claim::First(_))), "{label}");
        // Its request is still running: the retry waits.
        assert!(
            matches!(reserve("a").await, Err(DomainError::Conflict(_))),
            "{label}"
        );
        // Its process died: after five minutes the reservation is taken over, once.
        clock.advance(std::time::Duration::from_millis(
            idempotency::ABANDONED_AFTER_MS as u64 + 1,
        ));
        let Ok(Claim::First(taken)) = reserve("a").await else {
            panic!("{label}: an abandoned reservation is taken over");
        };
        let answer = Answer {
            status: 201,
            body: "{}".into(),
            location: Some("/api/v1/customers/x".into()),
        };
        idempotency::keep(&f.db, &grant, taken, &answer)
            .await
            .unwrap();
        let Ok(Claim::Replay(replayed)) = reserve("a").await else {
            panic!("{label}: the kept answer is replayed");
        };
        assert_eq!(replayed, answer, "{label}");
        let other = reserve("b").await.unwrap_err();
        assert!(message(other).starts_with("Idempotency-Key: "), "{label}");
    }
}

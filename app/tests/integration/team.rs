//! Team management against real SQLite and PostgreSQL: permission checks, invitations from
//! sending to accepting, deactivation and the guardrails around Owners.

use std::time::Duration;

use app::model::UserId;
use app::permissions::keys::TeamWrite;
use app::permissions::Permission;
use app::server::access::grants::{self, Grant};
use app::server::audit::append::Origin;
use app::server::identity::accounts::{self, SignUp};
use app::server::identity::authentication::{self, SignedIn};
use app::server::identity::passwords::{Hasher, Password};
use app::server::platform::clock::Clock;
use app::server::platform::db::Db;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, TestDb};
use app::server::workspace::invitations::{self, Invite};
use app::server::{access::roles, workspace::members};

const START_MS: i64 = 1_795_478_400_000;
const PASSWORD: &str = "quiet lantern orbit mango";

struct World {
    t: TestDb,
    clock: Clock,
    hasher: Hasher,
    owner: SignedIn,
}

impl World {
    async fn new(t: TestDb) -> Self {
        let clock = Clock::manual(START_MS);
        let hasher = Hasher::new(2);
        let account = accounts::sign_up(
            &t.db,
            &clock,
            &hasher,
            SignUp {
                email: "ada@example.com".into(),
                name: "Ada Lovelace".into(),
                password: Password::new(PASSWORD),
                workspace_name: "Analytical Engines".into(),
            },
        )
        .await
        .unwrap();
        accounts::mark_email_verified(&t.db, &clock, &account.user_id)
            .await
            .unwrap();
        let owner = SignedIn {
            user_id: account.user_id,
            workspace_id: account.workspace.id,
        };
        Self {
            t,
            clock,
            hasher,
            owner,
        }
    }

    fn db(&self) -> &Db {
        &self.t.db
    }

    fn label(&self) -> &'static str {
        self.t.backend().name()
    }

    async fn grant<K: app::permissions::Key>(&self, who: &UserId) -> Result<Grant<K>, DomainError> {
        grants::require::<K>(self.db(), &self.clock, who, &self.owner.workspace_id).await
    }

    async fn role_id(&self, name: &str) -> String {
        let g = self
            .grant::<app::permissions::keys::TeamRead>(&self.owner.user_id)
            .await
            .unwrap();
        roles::options(self.db(), &g)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.name == name)
            .unwrap()
            .id
            .as_str()
            .to_owned()
    }

    async fn invite(&self, by: &UserId, email: &str, role: &str) -> Result<String, DomainError> {
        let g = self.grant::<TeamWrite>(by).await?;
        let input = Invite {
            email: email.into(),
            role_id: self.role_id(role).await,
        };
        Ok(invitations::invite(self.db(), &self.clock, &g, true, input)
            .await?
            .token)
    }

    /// Invites `email` as `role` and accepts as a new account; returns the new member.
    async fn add_member(&self, email: &str, name: &str, role: &str) -> UserId {
        let token = self.invite(&self.owner.user_id, email, role).await.unwrap();
        invitations::accept_new(
            self.db(),
            &self.clock,
            &self.hasher,
            &token,
            name,
            &Password::new(PASSWORD),
        )
        .await
        .unwrap()
        .user_id
    }

    async fn sign_in(&self, email: &str) -> Result<SignedIn, DomainError> {
        authentication::authenticate(
            self.db(),
            &self.clock,
            &self.hasher,
            email,
            &Password::new(PASSWORD),
            &Origin::default(),
        )
        .await
        .map(|checked| checked.who)
    }
}

fn field(e: &DomainError) -> &'static str {
    match e {
        DomainError::Invalid { field, .. } => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_invitee_without_an_account_joins_with_the_role_and_a_confirmed_address() {
    for t in backends().await {
        let w = World::new(t).await;
        let label = w.label();
        let token = w
            .invite(&w.owner.user_id, "Grace@Example.com", "Staff")
            .await
            .unwrap();
        assert_eq!(
            w.t.strings("SELECT token_hash FROM invitations")
                .await
                .len(),
            1
        );
        assert!(
            !w.t.strings("SELECT token_hash FROM invitations").await[0].contains(&token),
            "{label}: raw token stored"
        );
        let preview = invitations::preview(w.db(), &w.clock, &token)
            .await
            .unwrap();
        assert_eq!(preview.workspace_name, "Analytical Engines", "{label}");
        assert_eq!(preview.role, "Staff", "{label}");
        assert_eq!(
            preview.invited_by.as_deref(),
            Some("Ada Lovelace"),
            "{label}"
        );
        assert!(!preview.has_account, "{label}");

        // A weak password is refused and nothing is used up.
        let weak = invitations::accept_new(
            w.db(),
            &w.clock,
            &w.hasher,
            &token,
            "Grace Hopper",
            &Password::new("gracehopper1"),
        )
        .await
        .unwrap_err();
        assert_eq!(field(&weak), "password", "{label}");

        let who = invitations::accept_new(
            w.db(),
            &w.clock,
            &w.hasher,
            &token,
            "Grace Hopper",
            &Password::new(PASSWORD),
        )
        .await
        .unwrap();
        assert_eq!(who.workspace_id, w.owner.workspace_id, "{label}");
        let me =
            app::server::web::auth::current_user(w.db(), &w.clock, &who.user_id, &who.workspace_id)
                .await
                .unwrap()
                .unwrap();
        assert!(
            me.email_verified,
            "{label}: following the link proves the address"
        );
        let staff: Vec<Permission> = {
            let mut keys = app::server::access::roles::BaseRole::Staff
                .default_permissions()
                .to_vec();
            keys.sort();
            keys
        };
        assert_eq!(me.permissions, staff, "{label}: Staff");
        assert!(!me.can(Permission::TeamWrite), "{label}");

        // The link works once.
        let again = invitations::accept_new(
            w.db(),
            &w.clock,
            &w.hasher,
            &token,
            "Someone Else",
            &Password::new(PASSWORD),
        )
        .await
        .unwrap_err();
        assert_eq!(field(&again), "token", "{label}");
        assert!(invitations::preview(w.db(), &w.clock, &token)
            .await
            .is_err());
        assert_eq!(w.t.row_counts(&["users"]).await[0].1, 2, "{label}");
    }
}

#[tokio::test]
async fn an_existing_account_confirms_with_its_password_and_gains_a_workspace() {
    for t in backends().await {
        let w = World::new(t).await;
        let label = w.label();
        let other = accounts::sign_up(
            w.db(),
            &w.clock,
            &w.hasher,
            SignUp {
                email: "grace@example.com".into(),
                name: "Grace Hopper".into(),
                password: Password::new(PASSWORD),
                workspace_name: "Compilers Ltd".into(),
            },
        )
        .await
        .unwrap();
        let token = w
            .invite(&w.owner.user_id, "GRACE@example.com", "Manager")
            .await
            .unwrap();
        assert!(
            invitations::preview(w.db(), &w.clock, &token)
                .await
                .unwrap()
                .has_account
        );
        let wrong = invitations::accept_existing(
            w.db(),
            &w.clock,
            &w.hasher,
            &token,
            &Password::new("not her password at all"),
        )
        .await
        .unwrap_err();
        assert_eq!(field(&wrong), "password", "{label}");
        let who = invitations::accept_existing(
            w.db(),
            &w.clock,
            &w.hasher,
            &token,
            &Password::new(PASSWORD),
        )
        .await
        .unwrap();
        assert_eq!(who.user_id, other.user_id, "{label}");
        assert_eq!(who.workspace_id, w.owner.workspace_id, "{label}");
        let me =
            app::server::web::auth::current_user(w.db(), &w.clock, &who.user_id, &who.workspace_id)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(me.workspaces.len(), 2, "{label}");
        assert!(me.can(Permission::TeamWrite), "{label}: Manager");
    }
}

#[tokio::test]
async fn expired_revoked_and_resent_links_stop_working() {
    for t in backends().await {
        let w = World::new(t).await;
        let label = w.label();
        let write = w.grant::<TeamWrite>(&w.owner.user_id).await.unwrap();
        let read = w
            .grant::<app::permissions::keys::TeamRead>(&w.owner.user_id)
            .await
            .unwrap();

        let old = w
            .invite(&w.owner.user_id, "a@example.com", "Staff")
            .await
            .unwrap();
        let pending = invitations::list_pending(w.db(), &w.clock, &read)
            .await
            .unwrap();
        assert_eq!(pending.len(), 1, "{label}");
        let resent = invitations::resend(w.db(), &w.clock, &write, &pending[0].id)
            .await
            .unwrap();
        assert!(
            invitations::preview(w.db(), &w.clock, &old).await.is_err(),
            "{label}"
        );
        assert!(invitations::preview(w.db(), &w.clock, &resent.token)
            .await
            .is_ok());

        // A second invite to an open address is refused: resend instead.
        let twice = w
            .invite(&w.owner.user_id, "A@example.com", "Guest")
            .await
            .unwrap_err();
        assert_eq!(field(&twice), "email", "{label}");

        invitations::revoke(w.db(), &w.clock, &write, &pending[0].id)
            .await
            .unwrap();
        assert!(invitations::preview(w.db(), &w.clock, &resent.token)
            .await
            .is_err());
        assert!(
            invitations::list_pending(w.db(), &w.clock, &read)
                .await
                .unwrap()
                .is_empty(),
            "{label}"
        );
        assert!(matches!(
            invitations::revoke(w.db(), &w.clock, &write, &pending[0].id).await,
            Err(DomainError::NotFound)
        ));

        let late = w
            .invite(&w.owner.user_id, "b@example.com", "Staff")
            .await
            .unwrap();
        w.clock.advance(Duration::from_millis(
            invitations::INVITATION_TTL_MS as u64 + 1,
        ));
        let expired = invitations::list_pending(w.db(), &w.clock, &read)
            .await
            .unwrap();
        assert!(expired[0].expired, "{label}: listed as expired");
        let refused = invitations::accept_new(
            w.db(),
            &w.clock,
            &w.hasher,
            &late,
            "Late Comer",
            &Password::new(PASSWORD),
        )
        .await
        .unwrap_err();
        assert_eq!(field(&refused), "token", "{label}");
        assert_eq!(w.t.row_counts(&["users"]).await[0].1, 1, "{label}");
    }
}

/// Inviting with a role of another workspace is refused by field.
async fn a_role_of_another_workspace_is_no_role_here(w: &World) {
    let label = w.label();
    let g = w.grant::<TeamWrite>(&w.owner.user_id).await.unwrap();
    let elsewhere = accounts::sign_up(
        w.db(),
        &w.clock,
        &w.hasher,
        SignUp {
            email: "eve@example.com".into(),
            name: "Eve".into(),
            password: Password::new(PASSWORD),
            workspace_name: "Elsewhere".into(),
        },
    )
    .await
    .unwrap();
    let foreign_role =
        w.t.strings(&format!(
            "SELECT id FROM roles WHERE workspace_id = '{}' AND base_role = 'staff'",
            elsewhere.workspace.id
        ))
        .await
        .remove(0);
    let e = invitations::invite(
        w.db(),
        &w.clock,
        &g,
        true,
        Invite {
            email: "z@example.com".into(),
            role_id: foreign_role,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "role_id", "{label}");
}

#[tokio::test]
async fn inviting_needs_the_permission_a_confirmed_address_and_owner_for_owners() {
    for t in backends().await {
        let w = World::new(t).await;
        let label = w.label();
        let staff = w.add_member("s@example.com", "Sam Staff", "Staff").await;
        let manager = w
            .add_member("m@example.com", "Mia Manager", "Manager")
            .await;

        assert!(matches!(
            w.invite(&staff, "x@example.com", "Guest").await,
            Err(DomainError::Forbidden)
        ));
        let owner_by_manager = w
            .invite(&manager, "x@example.com", "Owner")
            .await
            .unwrap_err();
        assert_eq!(field(&owner_by_manager), "role_id", "{label}");
        w.invite(&manager, "x@example.com", "Staff").await.unwrap();

        let member = w
            .invite(&w.owner.user_id, "s@example.com", "Guest")
            .await
            .unwrap_err();
        assert_eq!(field(&member), "email", "{label}: already a member");

        let g = w.grant::<TeamWrite>(&w.owner.user_id).await.unwrap();
        let unverified = invitations::invite(
            w.db(),
            &w.clock,
            &g,
            false,
            Invite {
                email: "y@example.com".into(),
                role_id: w.role_id("Staff").await,
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(unverified, DomainError::Conflict(_)), "{label}");

        for (email, role_id, bad) in [
            ("", w.role_id("Staff").await, "email"),
            ("not an address", w.role_id("Staff").await, "email"),
            (&"x".repeat(10_000), w.role_id("Staff").await, "email"),
            ("z@example.com", "no-such-role".to_owned(), "role_id"),
        ] {
            let e = invitations::invite(
                w.db(),
                &w.clock,
                &g,
                true,
                Invite {
                    email: email.to_owned(),
                    role_id,
                },
            )
            .await
            .unwrap_err();
            assert_eq!(field(&e), bad, "{label}: {email:.20}");
        }
        a_role_of_another_workspace_is_no_role_here(&w).await;
        // Two accepted, one open; none of the refused ones left a row.
        assert_eq!(w.t.row_counts(&["invitations"]).await[0].1, 3, "{label}");
    }
}

#[tokio::test]
async fn deactivation_refuses_sign_in_and_guards_owners_and_oneself() {
    for t in backends().await {
        let w = World::new(t).await;
        let label = w.label();
        let staff = w.add_member("s@example.com", "Sam Staff", "Staff").await;
        let manager = w
            .add_member("m@example.com", "Mia Manager", "Manager")
            .await;
        let as_owner = w.grant::<TeamWrite>(&w.owner.user_id).await.unwrap();
        let as_manager = w.grant::<TeamWrite>(&manager).await.unwrap();

        members::deactivate(w.db(), &w.clock, &as_manager, &staff)
            .await
            .unwrap();
        let refused = w.sign_in("s@example.com").await.unwrap_err();
        assert!(
            refused.to_string().contains("no active workspace"),
            "{label}: {refused}"
        );
        assert!(
            app::server::web::auth::current_user(w.db(), &w.clock, &staff, &w.owner.workspace_id)
                .await
                .unwrap()
                .is_none(),
            "{label}: a running session of theirs stops resolving"
        );
        let read = w
            .grant::<app::permissions::keys::TeamRead>(&w.owner.user_id)
            .await
            .unwrap();
        let listed = members::list(w.db(), &w.clock, &read, None).await.unwrap();
        assert_eq!(listed.len(), 3, "{label}");
        assert!(!listed.iter().find(|m| m.user_id == staff).unwrap().active);
        assert!(
            listed
                .iter()
                .find(|m| m.user_id == w.owner.user_id)
                .unwrap()
                .is_you
        );

        members::reactivate(w.db(), &w.clock, &as_manager, &staff)
            .await
            .unwrap();
        assert_eq!(w.sign_in("s@example.com").await.unwrap().user_id, staff);

        // Guardrails.
        let own = members::deactivate(w.db(), &w.clock, &as_owner, &w.owner.user_id)
            .await
            .unwrap_err();
        assert!(matches!(own, DomainError::Conflict(_)), "{label}: {own:?}");
        assert!(matches!(
            members::deactivate(w.db(), &w.clock, &as_manager, &w.owner.user_id).await,
            Err(DomainError::Forbidden)
        ));
        // Someone of another workspace is not found here, as a user who does not exist.
        let eve = accounts::sign_up(
            w.db(),
            &w.clock,
            &w.hasher,
            SignUp {
                email: "eve@example.com".into(),
                name: "Eve".into(),
                password: Password::new(PASSWORD),
                workspace_name: "Elsewhere".into(),
            },
        )
        .await
        .unwrap();
        assert!(matches!(
            members::deactivate(w.db(), &w.clock, &as_owner, &eve.user_id).await,
            Err(DomainError::NotFound)
        ));
        assert!(w.sign_in("eve@example.com").await.is_ok(), "{label}");

        // An Owner may deactivate another Owner; that one's permissions go with it.
        let co_owner = w.add_member("o@example.com", "Otto Owner", "Owner").await;
        members::deactivate(w.db(), &w.clock, &as_owner, &co_owner)
            .await
            .unwrap();
        assert!(matches!(
            w.grant::<app::permissions::keys::TeamRead>(&co_owner).await,
            Err(DomainError::Forbidden)
        ));
        assert!(w.sign_in("s@example.com").await.is_ok(), "{label}");
    }
}

//! The other workspace the isolation matrix's calls come from: an Owner and one member of each
//! other base role, each signed in over HTTP with a session of their own.

use app::permissions::keys::TeamRead;
use app::server::platform::clock::Clock;
use app::server::platform::testing::FIXTURE_PASSWORD;

use super::support::{cookie_client, signed_in, TestServer};

/// The other workspace: an Owner and one member of each other base role, signed in over HTTP.
pub async fn strangers(s: &TestServer) -> Vec<(&'static str, reqwest::Client)> {
    use app::server::{
        access::grants, access::roles, identity::accounts, identity::passwords::Hasher,
        workspace::invitations,
    };
    let db = &s.db.db;
    let clock = Clock::System;
    let hasher = Hasher::new(2);
    let owner = accounts::sign_up(
        db,
        &clock,
        &hasher,
        accounts::SignUp {
            email: "bob@example.com".into(),
            name: "Bob Stranger".into(),
            password: app::server::identity::passwords::Password::new(FIXTURE_PASSWORD),
            workspace_name: "Elsewhere".into(),
        },
    )
    .await
    .unwrap();
    accounts::mark_email_verified(db, &clock, &owner.user_id)
        .await
        .unwrap();
    let options = roles::options(
        db,
        &grants::require::<TeamRead>(db, &clock, &owner.user_id, &owner.workspace.id)
            .await
            .unwrap(),
    )
    .await
    .unwrap();
    let mut callers = vec![("nobody", cookie_client())];
    for (role, email) in [
        ("Owner", "bob@example.com"),
        ("Manager", "mallory@example.com"),
        ("Staff", "sam@example.com"),
        ("Guest", "gus@example.com"),
    ] {
        if role != "Owner" {
            let role_id = options
                .iter()
                .find(|r| r.name == role)
                .unwrap()
                .id
                .as_str()
                .to_owned();
            let sent = invitations::invite(
                db,
                &clock,
                &grants::require::<app::permissions::keys::TeamWrite>(
                    db,
                    &clock,
                    &owner.user_id,
                    &owner.workspace.id,
                )
                .await
                .unwrap(),
                true,
                invitations::Invite {
                    email: email.into(),
                    role_id,
                },
            )
            .await
            .unwrap();
            invitations::accept_new(
                db,
                &clock,
                &hasher,
                &sent.token,
                role,
                &app::server::identity::passwords::Password::new(FIXTURE_PASSWORD),
            )
            .await
            .unwrap();
        }
        callers.push((role, signed_in(s, email, FIXTURE_PASSWORD).await));
    }
    callers
}

//! The demo seed: a demo Owner of six workspaces, so a newcomer sees a populated app at once.
//! Safe to repeat. Its password is published in the README, so production mode refuses it.

use app::server::identity::accounts::{self, SignUp};
use app::server::identity::passwords::{Hasher, Password};
use app::server::identity::workspaces::{self, WorkspaceName};
use app::server::platform::clock::Clock;
use app::server::platform::db::Db;
use app::server::platform::error::DomainError;

pub const DEMO_EMAIL: &str = "demo@gatehouse.test";
pub const DEMO_PASSWORD: &str = "velvet orbit harbor lantern";

pub const WORKSPACES: &[&str] = &[
    "Northwind Traders",
    "Acme Corporation",
    "Globex Consulting",
    "Zürich Dental Group",
    "Umbrella Health",
    "Initech Software",
];

/// Returns how many workspaces it added.
pub async fn seed(db: &Db, clock: &Clock, hasher: &Hasher) -> Result<usize, DomainError> {
    let password = Password::new(DEMO_PASSWORD);
    let mut added = 0;
    // Looked up, not signed in with: a seed must not count as a (failed) sign-in.
    let owner = match accounts::user_by_email(db, DEMO_EMAIL).await? {
        Some(user) => user,
        None => {
            let input = SignUp {
                email: DEMO_EMAIL.into(),
                name: "Demo Owner".into(),
                password,
                workspace_name: WORKSPACES[0].into(),
            };
            added += 1;
            accounts::sign_up(db, clock, hasher, input).await?.user_id
        }
    };
    // The demo address is undeliverable; confirm it so the demo can invite people.
    accounts::mark_email_verified(db, clock, &owner).await?;
    let existing: Vec<String> = workspaces::list_for_member(db, &owner)
        .await?
        .into_iter()
        .map(|w| w.name)
        .collect();
    for raw in WORKSPACES {
        if existing.iter().any(|name| name == raw) {
            continue;
        }
        accounts::create_workspace(db, clock, &owner, &WorkspaceName::parse(raw)?).await?;
        added += 1;
    }
    Ok(added)
}

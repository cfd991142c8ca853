//! The demo seed: a demo Owner of six workspaces, each with colleagues in a sales and a support
//! team and a working company's records, so a newcomer sees a populated app at once. Safe to
//! repeat. Its password is published in the README, so production mode refuses it.

mod catalogue;
mod customer_parts;
mod customers;
mod draw;
mod names;
mod payments;
mod people;
mod records;
mod rows;
mod sales;
mod support;

use app::model::UserId;
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

/// The demo Owner and workspaces with their people and records; returns how many workspaces it
/// added. `scale` multiplies the first workspace's records (see [`draw::Counts`]).
pub async fn seed(
    db: &Db,
    clock: &Clock,
    hasher: &Hasher,
    scale: usize,
) -> Result<usize, DomainError> {
    let (owner, added) = seed_workspaces(db, clock, hasher).await?;
    let all = workspaces::list_for_member(db, &owner).await?;
    let mut filled = false;
    for (index, raw) in WORKSPACES.iter().enumerate() {
        let Some(workspace) = all.iter().find(|w| w.name == *raw) else {
            continue;
        };
        let staff = people::ensure(db, clock, hasher, &owner, &workspace.id).await?;
        if !records::is_empty(db, clock, &owner, &workspace.id).await? {
            continue;
        }
        people::set_terms(db, clock, &owner, &workspace.id, index).await?;
        let counts = draw::Counts::at(if index == 0 { scale } else { 1 });
        let started = std::time::Instant::now();
        let written = records::fill(
            db,
            clock,
            &owner,
            &workspace.id,
            &staff,
            index as u64,
            &counts,
        )
        .await?;
        tracing::info!(
            workspace = raw,
            %written,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "demo records written"
        );
        filled = true;
    }
    if filled {
        db.refresh_statistics().await?;
    }
    Ok(added)
}

/// Only the demo Owner and their empty workspaces: what the HTTP tests need, in a fraction of
/// the time. Returns the Owner and how many workspaces it added.
pub async fn seed_workspaces(
    db: &Db,
    clock: &Clock,
    hasher: &Hasher,
) -> Result<(UserId, usize), DomainError> {
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
    Ok((owner, added))
}

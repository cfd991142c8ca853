//! Who decides a campaign's items: the members named when it started — each holding
//! `team.write` then — or, for a campaign that names none, every holder of `team.write`. The
//! named reviewers are also the ones its reminders go to.

use std::collections::HashSet;

use sqlx::Row;

use crate::model::{ReviewerOption, UserId, WorkspaceId};
use crate::permissions::{keys, Permission};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::workspace::recipients::{self, Holder};

/// The members who may be named: the active holders of `team.write`.
pub async fn candidates<K: crate::permissions::Key>(
    db: &Db,
    clock: &Clock,
    grant: &Grant<K>,
) -> Result<Vec<Holder>, DomainError> {
    recipients::holders(db, clock, grant.workspace(), Permission::TeamWrite).await
}

/// The candidates as the start form offers them.
pub async fn options(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamRead>,
) -> Result<Vec<ReviewerOption>, DomainError> {
    Ok(candidates(db, clock, grant)
        .await?
        .into_iter()
        .map(|h| ReviewerOption {
            id: h.user.as_str().to_owned(),
            name: h.name,
        })
        .collect())
}

/// The chosen reviewers, each checked against the candidates: a member who does not hold
/// `team.write` (or of another workspace, or made up) is refused on `reviewers`.
pub(super) fn chosen<'h>(
    ids: &[String],
    candidates: &'h [Holder],
) -> Result<Vec<&'h Holder>, DomainError> {
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    for id in ids.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
        if !seen.insert(id) {
            continue;
        }
        let holder = candidates
            .iter()
            .find(|h| h.user.as_str() == id)
            .ok_or_else(|| {
                DomainError::invalid(
                    "reviewers",
                    "Choose reviewers among the members who may manage the team.",
                )
            })?;
        found.push(holder);
    }
    Ok(found)
}

/// Names `reviewers` on campaign `review`, inside the start's transaction.
pub(super) async fn name(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    review: &str,
    reviewers: &[&Holder],
) -> Result<(), DomainError> {
    for holder in reviewers {
        sqlx::query(
            "INSERT INTO access_review_reviewers (review_id, workspace_id, user_id, person_name) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(review)
        .bind(workspace.as_str())
        .bind(holder.user.as_str())
        .bind(&holder.name)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The reviewers named on `review`, by name; empty when none were.
pub(super) async fn named(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    review: &str,
) -> Result<Vec<(UserId, String)>, DomainError> {
    let rows = sqlx::query(
        "SELECT user_id, person_name FROM access_review_reviewers \
         WHERE workspace_id = $1 AND review_id = $2 ORDER BY person_name, user_id",
    )
    .bind(workspace.as_str())
    .bind(review)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                UserId::from_db(r.try_get("user_id")?),
                r.try_get("person_name")?,
            ))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DomainError::from)
}

/// Whether `user` decides `review`'s items: one of its named reviewers, or anyone (holding
/// `team.write`, which the caller checked) when it names none.
pub(super) fn may_decide(named: &[(UserId, String)], user: &UserId) -> bool {
    named.is_empty() || named.iter().any(|(id, _)| id == user)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holder(id: &str) -> Holder {
        Holder {
            user: UserId::from_db(id.to_owned()),
            name: id.to_uppercase(),
            email: format!("{id}@example.com"),
        }
    }

    #[test]
    fn reviewers_are_chosen_among_the_candidates_once_each() {
        let candidates = [holder("ada"), holder("mary")];
        let ids = [" mary ".to_owned(), "mary".to_owned(), String::new()];
        let found = chosen(&ids, &candidates).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "MARY");
        match chosen(&["mallory".to_owned()], &candidates) {
            Err(DomainError::Invalid { field, .. }) => assert_eq!(field, "reviewers"),
            other => panic!("{other:?}", other = other.map(|v| v.len())),
        }
    }

    #[test]
    fn a_campaign_without_named_reviewers_is_anyones_to_decide() {
        let ada = UserId::from_db("ada".into());
        let mary = UserId::from_db("mary".into());
        assert!(may_decide(&[], &ada));
        let named = [(mary.clone(), "Mary".to_owned())];
        assert!(may_decide(&named, &mary));
        assert!(!may_decide(&named, &ada));
    }
}

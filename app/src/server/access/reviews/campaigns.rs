//! Starting an access review and reading campaigns. A campaign is a snapshot: each active
//! member's role assignments in scope as it began, with the keys each role gave and when the
//! person last signed in, so the reviewers and the report see what was true then.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use sqlx::Row;

use crate::model::{ReviewDetail, ReviewItem, ReviewPerson, ReviewSummary};
use crate::permissions::{keys, Key, Permission};
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::{combine, Grant};
use crate::server::access::role_loading;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::LineField;
use crate::server::workspace::login_hours;

use super::{reviewers, summary, SUMMARY_SQL};
use crate::server::platform::days;

/// The newest campaigns the list shows.
const SHOWN: i64 = 100;
/// A new campaign is due this many days ahead unless another day is chosen.
pub const DEFAULT_DAYS: u64 = 14;
/// The latest due day a campaign may have.
const MAX_DAYS: u64 = 366;

const NAME: LineField = LineField {
    field: "name",
    subject: "The name",
    empty_message: "Name the review, for example “Q4 access review”.",
    max_chars: 200,
};

/// A campaign as typed in the form.
#[derive(Debug, Clone, Default)]
pub struct CampaignForm {
    pub name: String,
    /// Role ids; empty: every role.
    pub roles: Vec<String>,
    /// User ids of holders of `team.write`; empty: any of them decides.
    pub reviewers: Vec<String>,
    /// `YYYY-MM-DD`; empty: [`DEFAULT_DAYS`] from today.
    pub due_on: String,
}

/// A campaign, checked (the roles are checked against the workspace when it starts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    pub name: String,
    pub roles: Vec<String>,
    pub due_on: NaiveDate,
}

impl CampaignForm {
    /// Checks each field in the form's order; the first bad one is named.
    pub fn parse(&self, today: NaiveDate) -> Result<Campaign, DomainError> {
        let name = NAME.clean(&self.name)?;
        let mut roles: Vec<String> = self
            .roles
            .iter()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect();
        roles.sort();
        roles.dedup();
        let latest = today + Days::new(MAX_DAYS);
        let due_on = match self.due_on.trim() {
            "" => today + Days::new(DEFAULT_DAYS),
            raw => days::parse(raw, "due_on")?,
        };
        if due_on < today || due_on > latest {
            return Err(DomainError::invalid(
                "due_on",
                "Choose a due day from today to a year ahead.",
            ));
        }
        Ok(Campaign {
            name,
            roles,
            due_on,
        })
    }
}

/// The workspace's today, for forms and summaries.
pub async fn workspace_today<K: Key>(
    db: &Db,
    clock: &Clock,
    grant: &Grant<K>,
) -> Result<NaiveDate, DomainError> {
    login_hours::today(db, clock, grant.workspace()).await
}

/// One assignment as it stands when a campaign starts.
struct Snapshot {
    user_id: String,
    name: String,
    email: String,
    last_sign_in_ms: Option<i64>,
    role_id: String,
    role_name: String,
}

/// Starts a campaign over the active members' current assignments of the chosen roles (every
/// role when none is chosen); returns its number. Needs `team.write`.
pub async fn start(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    form: &CampaignForm,
) -> Result<i64, DomainError> {
    let now = clock.now_ms();
    let campaign = form.parse(workspace_today(db, clock, grant).await?)?;
    let workspace = grant.workspace().as_str();
    let names = role_names(db, grant).await?;
    let mut scope = Vec::new();
    for id in &campaign.roles {
        let name = names.get(id).ok_or_else(|| {
            DomainError::invalid("roles", "Choose roles of this workspace, or none for all.")
        })?;
        scope.push(name.clone());
    }
    let candidates = reviewers::candidates(db, clock, grant).await?;
    let named = reviewers::chosen(&form.reviewers, &candidates)?;
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.email, m.last_sign_in_ms, a.role_id \
         FROM role_assignments a JOIN memberships m \
           ON m.workspace_id = a.workspace_id AND m.user_id = a.user_id \
         JOIN users u ON u.id = a.user_id \
         WHERE a.workspace_id = $1 AND m.deactivated_at IS NULL \
           AND (a.expires_at IS NULL OR a.expires_at > $2) \
         ORDER BY u.display_name, u.id, a.role_id",
    )
    .bind(workspace)
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    let mut items = Vec::new();
    for row in rows {
        let role_id: String = row.try_get("role_id")?;
        if !campaign.roles.is_empty() && !campaign.roles.contains(&role_id) {
            continue;
        }
        items.push(Snapshot {
            user_id: row.try_get("id")?,
            name: row.try_get("display_name")?,
            email: row.try_get("email")?,
            last_sign_in_ms: row.try_get("last_sign_in_ms")?,
            role_name: names.get(&role_id).cloned().unwrap_or_default(),
            role_id,
        });
    }
    if items.is_empty() {
        return Err(DomainError::invalid(
            "roles",
            "No active member holds these roles: there is nothing to review.",
        ));
    }
    let mut role_ids: Vec<String> = items.iter().map(|i| i.role_id.clone()).collect();
    role_ids.sort();
    role_ids.dedup();
    let contents = role_loading::role_contents(db, grant.workspace(), &role_ids).await?;
    let role_keys: HashMap<&str, String> = role_ids
        .iter()
        .map(|id| {
            let keys: Vec<&str> = combine(&[id.as_str()], &contents)
                .permissions
                .iter()
                .map(Permission::key)
                .collect();
            (id.as_str(), serde_json::json!(keys).to_string())
        })
        .collect();

    let mut tx = grant.begin(db, true).await?;
    let number: i64 = sqlx::query(
        "SELECT COALESCE(MAX(number), 0) + 1 AS n FROM access_reviews WHERE workspace_id = $1",
    )
    .bind(workspace)
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    let id = uuid::Uuid::now_v7().to_string();
    let due_on = campaign.due_on.format("%Y-%m-%d").to_string();
    sqlx::query(
        "INSERT INTO access_reviews (id, workspace_id, number, name, scope, due_on, status, \
         started_by, started_at_ms) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8)",
    )
    .bind(&id)
    .bind(workspace)
    .bind(number)
    .bind(&campaign.name)
    .bind(serde_json::json!(scope).to_string())
    .bind(&due_on)
    .bind(grant.user().as_str())
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        DomainError::on_unique(e, || {
            DomainError::Conflict("Another review started at the same moment; try again.".into())
        })
    })?;
    reviewers::name(&mut tx, grant.workspace(), &id, &named).await?;
    for item in &items {
        sqlx::query(
            "INSERT INTO access_review_items (review_id, workspace_id, user_id, role_id, \
             person_name, person_email, role_name, role_keys, last_sign_in_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(workspace)
        .bind(&item.user_id)
        .bind(&item.role_id)
        .bind(&item.name)
        .bind(&item.email)
        .bind(&item.role_name)
        .bind(
            role_keys
                .get(item.role_id.as_str())
                .cloned()
                .unwrap_or_default(),
        )
        .bind(item.last_sign_in_ms)
        .execute(&mut *tx)
        .await?;
    }
    let change = Change {
        action: "access_review.start",
        target: &id,
        before: None,
        after: Some(serde_json::json!({
            "number": number,
            "name": campaign.name,
            "roles": scope,
            "due_on": due_on,
            "reviewers": named.iter().map(|h| h.name.as_str()).collect::<Vec<_>>(),
            "assignments": items.len(),
        })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(number)
}

async fn role_names<K: Key>(
    db: &Db,
    grant: &Grant<K>,
) -> Result<HashMap<String, String>, DomainError> {
    let rows = sqlx::query("SELECT id, name FROM roles WHERE workspace_id = $1")
        .bind(grant.workspace().as_str())
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DomainError::from)
}

/// The workspace's newest campaigns with their progress. Needs `team.read`.
pub async fn list(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamRead>,
) -> Result<Vec<ReviewSummary>, DomainError> {
    let today = workspace_today(db, clock, grant).await?;
    let mut tx = grant.begin(db, false).await?;
    let rows = sqlx::query(&format!(
        "{SUMMARY_SQL} WHERE r.workspace_id = $1 ORDER BY r.number DESC LIMIT $2"
    ))
    .bind(grant.workspace().as_str())
    .bind(SHOWN)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    rows.iter()
        .map(|r| summary(r, today))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DomainError::from)
}

/// A campaign of the grant's workspace with every person under review; 404 for any other.
/// `editable` is left false for the caller to set. Needs `team.read`.
pub async fn detail(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamRead>,
    id: &str,
) -> Result<ReviewDetail, DomainError> {
    let today = workspace_today(db, clock, grant).await?;
    let mut tx = grant.begin(db, false).await?;
    let row = sqlx::query(&format!(
        "{SUMMARY_SQL} WHERE r.workspace_id = $1 AND r.id = $2"
    ))
    .bind(grant.workspace().as_str())
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound)?;
    let rows = sqlx::query(
        "SELECT i.user_id, i.role_id, i.person_name, i.person_email, i.role_name, i.role_keys, \
         i.last_sign_in_ms, i.decision, i.outcome, d.display_name AS decided_name \
         FROM access_review_items i LEFT JOIN users d ON d.id = i.decided_by \
         WHERE i.workspace_id = $1 AND i.review_id = $2 \
         ORDER BY i.person_name, i.user_id, i.role_name",
    )
    .bind(grant.workspace().as_str())
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let named = reviewers::named(&mut tx, grant.workspace(), id).await?;
    tx.commit().await?;
    let mut people: Vec<ReviewPerson> = Vec::new();
    for r in &rows {
        let user_id: String = r.try_get("user_id")?;
        let keys: String = r.try_get("role_keys")?;
        let keys: Vec<String> = serde_json::from_str::<Vec<String>>(&keys)
            .unwrap_or_default()
            .iter()
            .filter_map(|k| Permission::from_key(k))
            .map(|p| p.label().to_owned())
            .collect();
        let item = ReviewItem {
            role_id: r.try_get("role_id")?,
            role_name: r.try_get("role_name")?,
            keys,
            decision: r.try_get("decision")?,
            decided_by: r.try_get("decided_name")?,
            outcome: r
                .try_get::<Option<String>, _>("outcome")?
                .map(|o| super::closing::outcome_words(&o).to_owned()),
        };
        match people.last_mut() {
            Some(p) if p.user_id == user_id => p.items.push(item),
            _ => people.push(ReviewPerson {
                is_you: user_id == grant.user().as_str(),
                user_id,
                name: r.try_get("person_name")?,
                email: r.try_get("person_email")?,
                last_sign_in_ms: r.try_get("last_sign_in_ms")?,
                items: vec![item],
            }),
        }
    }
    Ok(ReviewDetail {
        summary: summary(&row, today)?,
        people,
        editable: false,
        may_decide: reviewers::may_decide(&named, grant.user()),
        reviewers: named.into_iter().map(|(_, name)| name).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn form(name: &str, due: &str) -> CampaignForm {
        CampaignForm {
            name: name.into(),
            roles: vec![" b ".into(), "a".into(), "b".into(), String::new()],
            reviewers: Vec::new(),
            due_on: due.into(),
        }
    }

    #[test]
    fn a_campaign_is_due_within_a_year_and_defaults_to_two_weeks() {
        let today = day("2026-12-06");
        let c = form("  Q4   review ", "").parse(today).unwrap();
        assert_eq!(c.name, "Q4 review");
        assert_eq!(c.due_on, day("2026-12-20"));
        assert_eq!(c.roles, vec!["a".to_owned(), "b".to_owned()]);
        assert_eq!(form("x", "2026-12-06").parse(today).unwrap().due_on, today);
        for (name, due, field) in [
            ("", "", "name"),
            ("a\nb", "", "name"),
            ("x", "2026-12-05", "due_on"),
            ("x", "2027-12-08", "due_on"),
            ("x", "06/12/2026", "due_on"),
        ] {
            match form(name, due).parse(today) {
                Err(DomainError::Invalid { field: f, .. }) => assert_eq!(f, field, "{name}/{due}"),
                other => panic!("{name}/{due}: {other:?}"),
            }
        }
    }
}

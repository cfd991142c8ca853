//! Appending one entry to a workspace's trail: the one place an entry is written, so every
//! entry — a change, a sign-in, a refusal — has the same shape and joins the chain the same way.

use crate::model::{ApiKeyId, AutomationId, UserId, WorkspaceId};
use crate::server::audit::chain::{self, Content, Detail};
use crate::server::integrations::webhooks::announced;
use crate::server::integrations::webhooks::outbox::{self, Message};
use crate::server::platform::error::DomainError;

/// A user agent is kept to this many characters: it is shown, never parsed for decisions.
pub const USER_AGENT_MAX: usize = 512;

/// Where a request came from, as the server determined it: the client's address (the peer, or
/// the trusted proxy header) and the user agent it sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Origin {
    pub fn new(ip: Option<String>, user_agent: Option<&str>) -> Self {
        Self {
            ip,
            user_agent: user_agent.map(|ua| ua.chars().take(USER_AGENT_MAX).collect()),
        }
    }
}

/// An automation at work, and how deep in a chain of automations' changes its run is (1: a
/// person's change started it), so the changes it makes start runs one deeper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Automated {
    pub id: AutomationId,
    pub depth: i64,
}

/// Who acted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor<'a> {
    /// A signed-in member, or the account an event is about acting on itself.
    Person(&'a UserId),
    /// A secret API key, acting under its role.
    ApiKey(&'a ApiKeyId),
    /// An automation, acting under its role.
    Automation(&'a AutomationId),
    /// Someone not signed in: a sign-in attempt before the account is proved.
    Visitor,
    /// The server on its own schedule (a lock expiring, a purge).
    System,
}

impl Actor<'_> {
    fn kind(self) -> &'static str {
        match self {
            Self::Person(_) => "person",
            Self::ApiKey(_) => "api_key",
            Self::Automation(_) => "automation",
            Self::Visitor => "visitor",
            Self::System => "system",
        }
    }
}

/// A member acting in a workspace, from where: whom a change is recorded against. `user` is
/// the member whose reach applies; `key`, when an API key of theirs made the call, or
/// `automation`, when an automation of theirs runs, is the actor the trail names.
#[derive(Clone, Copy, Debug)]
pub struct Acting<'a> {
    pub workspace: &'a WorkspaceId,
    pub user: &'a UserId,
    pub key: Option<&'a ApiKeyId>,
    pub automation: Option<&'a Automated>,
    pub origin: Option<&'a Origin>,
}

impl<'a> Acting<'a> {
    /// Whom the trail names: the key when a key acted, else the person.
    pub fn actor(&self) -> Actor<'a> {
        match (self.automation, self.key) {
            (Some(automated), _) => Actor::Automation(&automated.id),
            (None, Some(key)) => Actor::ApiKey(key),
            (None, None) => Actor::Person(self.user),
        }
    }
}

/// How an action ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// Not allowed: a missing key, a locked account, a network rule.
    Refused,
    /// Tried and wrong: a wrong password or code.
    Failed,
}

impl Outcome {
    pub const ALL: [Self; 3] = [Self::Done, Self::Refused, Self::Failed];

    pub fn key(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Refused => "refused",
            Self::Failed => "failed",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.key() == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_viewer_offers_exactly_the_outcomes() {
        let offered: Vec<&str> = crate::model::AUDIT_OUTCOMES
            .iter()
            .map(|(k, _)| *k)
            .collect();
        let known: Vec<&str> = Outcome::ALL.iter().map(|o| o.key()).collect();
        assert_eq!(offered, known);
        assert_eq!(Outcome::parse("refused"), Some(Outcome::Refused));
        assert_eq!(Outcome::parse("Refused"), None);
    }

    #[test]
    fn a_long_user_agent_is_cut() {
        let origin = Origin::new(None, Some(&"x".repeat(2_000)));
        assert_eq!(origin.user_agent.map(|ua| ua.len()), Some(USER_AGENT_MAX));
    }
}

/// One entry to append.
#[derive(Debug)]
pub struct Event<'a> {
    pub actor: Actor<'a>,
    /// What was done, as `noun.verb` (`role.update`, `sign_in.failed`).
    pub action: &'a str,
    /// What it was done to: an id, or a permission key for a refusal.
    pub target: &'a str,
    pub outcome: Outcome,
    pub reason: Option<&'a str>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub origin: Option<&'a Origin>,
    /// How many times it happened (refusals are counted per minute); 1 otherwise.
    pub count: i64,
    pub at_ms: i64,
}

/// Appends `event` to `workspace`'s chain inside the caller's transaction, so the entry lands
/// with what it records or not at all. The entry is written as the workspace's (PostgreSQL's
/// row-level security admits it for the rest of that transaction).
pub async fn append(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    event: Event<'_>,
) -> Result<(), DomainError> {
    crate::server::platform::db::set_workspace(conn, workspace).await?;
    let head = chain::lock_head(conn, workspace).await?;
    let id = uuid::Uuid::now_v7().to_string();
    let actor = match event.actor {
        Actor::Person(user) => Some(user.as_str()),
        Actor::ApiKey(key) => Some(key.as_str()),
        Actor::Automation(id) => Some(id.as_str()),
        Actor::Visitor | Actor::System => None,
    };
    // The column with a foreign key to people holds only people; `actor_ref`, which the chain
    // covers, holds whichever actor it was.
    let person = match event.actor {
        Actor::Person(user) => Some(user.as_str()),
        _ => None,
    };
    let origin = event.origin.cloned().unwrap_or_default();
    let content = Content {
        workspace: workspace.as_str(),
        seq: head.seq + 1,
        id: &id,
        actor,
        action: event.action,
        target: event.target,
        before: event.before.as_deref(),
        after: event.after.as_deref(),
        at_ms: event.at_ms,
        detail: Some(Detail {
            actor_kind: Some(event.actor.kind()),
            outcome: event.outcome.key(),
            reason: event.reason,
            ip: origin.ip.as_deref(),
            user_agent: origin.user_agent.as_deref(),
            count: Some(event.count),
        }),
    };
    let next = chain::Head {
        seq: content.seq,
        hash: chain::hash(&head.hash, &content),
    };
    sqlx::query(
        "INSERT INTO audit_log (id, workspace_id, actor_id, action, target, before_state, \
         after_state, created_at, seq, actor_ref, prev_hash, entry_hash, actor_kind, outcome, \
         reason, ip, user_agent, count) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $18, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(&id)
    .bind(workspace.as_str())
    .bind(person)
    .bind(event.action)
    .bind(event.target)
    .bind(content.before)
    .bind(content.after)
    .bind(content.at_ms)
    .bind(next.seq)
    .bind(&head.hash)
    .bind(&next.hash)
    .bind(event.actor.kind())
    .bind(event.outcome.key())
    .bind(event.reason)
    .bind(origin.ip.as_deref())
    .bind(origin.user_agent.as_deref())
    .bind(event.count)
    .bind(actor)
    .execute(&mut *conn)
    .await?;
    chain::advance(conn, workspace, &next).await?;
    // Approval decisions and privacy-request steps are announced to webhooks from here, where
    // each is recorded whoever made it (a requester confirms as a visitor); record changes are
    // announced by the record kit's history, alerts where they are raised.
    if event.outcome == Outcome::Done && announced::is_flow(event.action) {
        let state = |text: Option<&str>| {
            text.map(|t| serde_json::from_str::<serde_json::Value>(t).unwrap_or_else(|_| t.into()))
        };
        let message = Message {
            event_type: event.action,
            data: serde_json::json!({
                "id": event.target,
                "before": state(content.before),
                "after": state(content.after),
            }),
            at_ms: event.at_ms,
        };
        outbox::enqueue(conn, workspace, message).await?;
    }
    Ok(())
}

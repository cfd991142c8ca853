//! Which entries of the trail the viewer and its export select: the checked form of the
//! viewer's filters. Each filter is one SQL condition an index serves; a bad value is refused
//! with its field named.

use crate::model::AuditFilter;
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::audit::append::Outcome;
use crate::server::platform::days;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::sql::Sql;
use crate::server::workspace::login_hours::time_zone;

/// The checked filters. Built only by [`Selection::parse`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    actor: Option<String>,
    action: Option<Action>,
    outcome: Option<Outcome>,
    target: Option<String>,
    /// `[start, end)` in ms on the workspace's calendar.
    written: Option<(i64, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Action {
    Exact(String),
    /// Every action that starts with this family name and a dot.
    Family(String),
}

impl Selection {
    pub async fn parse(
        db: &Db,
        grant: &Grant<keys::AuditRead>,
        filter: &AuditFilter,
    ) -> Result<Self, DomainError> {
        let actor = match filter.actor.trim() {
            "" => None,
            id if id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') => {
                Some(id.to_owned())
            }
            _ => {
                return Err(DomainError::invalid(
                    "actor",
                    "Choose a person from the list.",
                ))
            }
        };
        let action = action(&filter.action)?;
        let outcome = match filter.outcome.trim() {
            "" => None,
            key => Some(Outcome::parse(key).ok_or_else(|| {
                DomainError::invalid("outcome", "Choose done, refused or failed.")
            })?),
        };
        let target = match filter.target.trim() {
            "" => None,
            t if t.chars().count() <= 64 && !t.chars().any(char::is_control) => Some(t.to_owned()),
            _ => {
                return Err(DomainError::invalid(
                    "target",
                    "Give the id of a record, role or person (at most 64 characters).",
                ))
            }
        };
        let written = match days::range(&filter.from, &filter.until)? {
            Some(range) => Some(range.span_ms(time_zone(db, grant.workspace()).await?)),
            None => None,
        };
        Ok(Self {
            actor,
            action,
            outcome,
            target,
            written,
        })
    }

    /// Appends ` AND …` for each filter, over the audit log aliased `a`.
    pub fn push_where(&self, sql: &mut Sql) {
        if let Some(actor) = &self.actor {
            sql.push(" AND a.actor_ref = ").arg(actor.as_str());
        }
        match &self.action {
            Some(Action::Exact(action)) => {
                sql.push(" AND a.action = ").arg(action.as_str());
            }
            // A range rather than LIKE: `_` would be a wildcard, and the range uses the index.
            Some(Action::Family(family)) => {
                sql.push(" AND a.action >= ")
                    .arg(format!("{family}."))
                    .push(" AND a.action < ")
                    .arg(format!("{family}/"));
            }
            None => {}
        }
        match self.outcome {
            // Entries from before outcomes were recorded were all changes made.
            Some(Outcome::Done) => {
                sql.push(" AND (a.outcome = 'done' OR a.outcome IS NULL)");
            }
            Some(other) => {
                sql.push(" AND a.outcome = ").arg(other.key());
            }
            None => {}
        }
        if let Some(target) = &self.target {
            sql.push(" AND a.target = ").arg(target.as_str());
        }
        if let Some((start, end)) = self.written {
            sql.push(" AND a.created_at >= ")
                .int(start)
                .push(" AND a.created_at < ")
                .int(end);
        }
    }
}

/// An action (`role.update`) or a family of them (`role.`, `customer.note.`): lower-case words
/// joined by dots.
fn action(raw: &str) -> Result<Option<Action>, DomainError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let (name, family) = match raw.strip_suffix('.') {
        Some(name) => (name, true),
        None => (raw, false),
    };
    let words = name
        .split('.')
        .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
    if raw.len() > 64 || !words {
        return Err(DomainError::invalid(
            "action",
            "Give an action such as role.update, or a family such as role.",
        ));
    }
    Ok(Some(match family {
        true => Action::Family(name.to_owned()),
        false => Action::Exact(name.to_owned()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_and_families_are_told_apart_and_anything_else_refused() {
        assert_eq!(action("").unwrap(), None);
        assert_eq!(
            action("role.update").unwrap(),
            Some(Action::Exact("role.update".into()))
        );
        assert_eq!(
            action("role.").unwrap(),
            Some(Action::Family("role".into()))
        );
        assert_eq!(
            action("team.add_member").unwrap(),
            Some(Action::Exact("team.add_member".into()))
        );
        for bad in [
            "role..",
            ".",
            "Role.update",
            "role.%",
            "role update",
            "a'--",
            &"a".repeat(65),
        ] {
            assert!(action(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_family_is_a_range_not_a_pattern() {
        let selection = Selection {
            action: Some(Action::Family("team".into())),
            ..Selection::default()
        };
        let mut sql = Sql::default();
        selection.push_where(&mut sql);
        assert_eq!(sql.text(), " AND a.action >= $1 AND a.action < $2");
    }
}

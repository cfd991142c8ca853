//! Record history: each create, change and delete of a record is written to the audit log in
//! the transaction of the change itself, with who made it and — for a change — only the fields
//! that differ, before and after. A sensitive field is recorded as changed, never by value:
//! the log's readers need not hold the key that shows it. The same event goes to the webhook
//! outbox and starts the automations it triggers, in the same transaction.

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::kind::RecordKind;
use crate::permissions::Key;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::integrations::automations::trigger;
use crate::server::integrations::webhooks::outbox::{self, Message};
use crate::server::platform::clock::Clock;
use crate::server::platform::error::DomainError;

/// Fields that are bookkeeping, not content.
const BOOKKEEPING: &[&str] = &["id", "version", "updated_at_ms"];

/// A record's fields as the log compares them.
pub fn fields(record: &impl Serialize) -> Value {
    let mut value = serde_json::to_value(record).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        for field in BOOKKEEPING {
            map.remove(*field);
        }
    }
    value
}

/// The fields that differ, each side; for anything but two objects, both whole.
fn changed(before: Value, after: Value) -> (Value, Value) {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let (mut was, mut is) = (Map::new(), Map::new());
            for (key, now) in a {
                let then = b.get(&key).cloned().unwrap_or(Value::Null);
                if then != now {
                    was.insert(key.clone(), then);
                    is.insert(key, now);
                }
            }
            (Value::Object(was), Value::Object(is))
        }
        (b, a) => (b, a),
    }
}

/// Replaces the value of each sensitive field of `kind` that `state` carries.
fn mask(kind: &RecordKind, state: &mut Value) {
    if let Value::Object(map) = state {
        for sensitive in kind.sensitive {
            if let Some(v) = map.get_mut(sensitive.field) {
                if !v.is_null() {
                    *v = Value::String("(sensitive)".into());
                }
            }
        }
    }
}

/// What happened to one record.
pub struct Event<'a> {
    /// "create", "update", "delete", "line_added", "sent", …: logged as `{noun}.{action}`.
    pub action: &'a str,
    pub id: &'a str,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Writes the event to the log inside the caller's transaction `conn`.
pub async fn record<K: Key>(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<K>,
    kind: &RecordKind,
    event: Event<'_>,
) -> Result<(), DomainError> {
    let action = format!("{}.{}", kind.noun, event.action);
    // Automations test the whole record, sensitive fields masked as everywhere else.
    if let Some(mut whole) = event.after.clone().or_else(|| event.before.clone()) {
        mask(kind, &mut whole);
        let change = trigger::Change {
            event_type: &action,
            record_id: event.id,
            record: &whole,
            at_ms: clock.now_ms(),
        };
        trigger::start(conn, grant.acting(), change).await?;
    }
    let (mut before, mut after) = match (event.before, event.after) {
        (Some(b), Some(a)) => {
            let (b, a) = changed(b, a);
            (Some(b), Some(a))
        }
        other => other,
    };
    for state in [&mut before, &mut after].into_iter().flatten() {
        mask(kind, state);
    }
    // Webhook receivers get what the trail records, sensitive fields masked alike.
    let message = Message {
        event_type: &action,
        data: json!({
            "id": event.id,
            "kind": kind.noun,
            "action": event.action,
            "before": before,
            "after": after,
        }),
        at_ms: clock.now_ms(),
    };
    outbox::enqueue(conn, grant.workspace(), message).await?;
    let change = Change {
        action: &action,
        target: event.id,
        before,
        after,
    };
    audit::record(conn, clock, grant.acting(), change).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_change_keeps_only_the_fields_that_differ() {
        let (was, is) = changed(
            json!({"name": "Ada", "email": "a@x", "tax_id": "GB1"}),
            json!({"name": "Ada", "email": "ada@x", "tax_id": "GB2"}),
        );
        assert_eq!(was, json!({"email": "a@x", "tax_id": "GB1"}));
        assert_eq!(is, json!({"email": "ada@x", "tax_id": "GB2"}));
        let mut state = is;
        mask(&crate::server::records::customers::KIND, &mut state);
        assert_eq!(state, json!({"email": "ada@x", "tax_id": "(sensitive)"}));
    }
}

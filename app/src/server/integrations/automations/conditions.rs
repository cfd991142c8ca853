//! Whether an automation's conditions hold of a record: every one must. A condition compares
//! one field of the record, as its history records it, with a value — without regard to case
//! or surrounding white space, so "High" is "high". A field the record lacks is empty.

use serde_json::Value;

use crate::model::{Condition, ConditionOp};

/// Whether every condition holds of `record` (a JSON object).
pub fn hold(conditions: &[Condition], record: &Value) -> bool {
    conditions.iter().all(|c| holds(c, record))
}

fn holds(condition: &Condition, record: &Value) -> bool {
    let field = text(record.get(&condition.field).unwrap_or(&Value::Null));
    let wanted = condition.value.trim().to_lowercase();
    match condition.op {
        ConditionOp::Is => field == wanted,
        ConditionOp::IsNot => field != wanted,
        ConditionOp::Contains => field.contains(&wanted),
        ConditionOp::IsEmpty => field.is_empty(),
        ConditionOp::IsNotEmpty => !field.is_empty(),
    }
}

/// A field's value as the comparison sees it: lower-cased, trimmed text; a list joined by
/// commas; nothing for `null`.
fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.trim().to_lowercase(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        other => other.to_string().to_lowercase(),
    }
}

/// The conditions as stored; a stored value that does not read is no condition that holds.
pub fn stored(raw: &str) -> Option<Vec<Condition>> {
    serde_json::from_str(raw).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn when(field: &str, op: ConditionOp, value: &str) -> Condition {
        Condition {
            field: field.into(),
            op,
            value: value.into(),
        }
    }

    #[test]
    fn conditions_compare_without_regard_to_case_and_all_must_hold() {
        let ticket = json!({"priority": "high", "subject": "Printer on fire", "team_id": null});
        assert!(hold(
            &[when("priority", ConditionOp::Is, " High ")],
            &ticket
        ));
        assert!(!hold(
            &[when("priority", ConditionOp::IsNot, "high")],
            &ticket
        ));
        assert!(hold(
            &[when("subject", ConditionOp::Contains, "FIRE")],
            &ticket
        ));
        assert!(hold(&[when("team_id", ConditionOp::IsEmpty, "")], &ticket));
        assert!(hold(&[when("missing", ConditionOp::IsEmpty, "")], &ticket));
        assert!(!hold(
            &[
                when("priority", ConditionOp::Is, "high"),
                when("subject", ConditionOp::Contains, "water"),
            ],
            &ticket
        ));
        assert!(hold(&[], &ticket), "no condition: always");
    }

    #[test]
    fn lists_and_numbers_read_as_text() {
        let customer = json!({"tags": ["VIP", "North"], "version": 3});
        assert!(hold(
            &[when("tags", ConditionOp::Contains, "vip")],
            &customer
        ));
        assert!(hold(&[when("version", ConditionOp::Is, "3")], &customer));
        assert_eq!(stored("not json"), None);
    }
}

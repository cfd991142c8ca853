//! The statements behind `customers`: a builder that keeps `$n` placeholders right while
//! optional clauses come and go, and the grant's scope and max-records cap as WHERE clauses.

use super::grants::Grant;
use crate::permissions::Scope;

/// A statement under construction: text with `$n` placeholders and the values they take, in
/// order. Keeps placeholder numbers right while optional clauses come and go.
#[derive(Default)]
pub(super) struct Sql {
    text: String,
    args: Vec<Arg>,
}

pub(super) enum Arg {
    Text(String),
    Int(i64),
}

impl Sql {
    pub(super) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub(super) fn arg(&mut self, value: impl Into<String>) -> &mut Self {
        self.args.push(Arg::Text(value.into()));
        let n = self.args.len();
        self.text.push_str(&format!("${n}"));
        self
    }

    pub(super) fn int(&mut self, value: i64) -> &mut Self {
        self.args.push(Arg::Int(value));
        let n = self.args.len();
        self.text.push_str(&format!("${n}"));
        self
    }

    pub(super) fn query(&self) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
        let mut q = sqlx::query(&self.text);
        for arg in &self.args {
            q = match arg {
                Arg::Text(s) => q.bind(s.as_str()),
                Arg::Int(n) => q.bind(*n),
            };
        }
        q
    }
}

/// The WHERE clause that confines `c` (a customers row) to the grant's workspace and scope.
pub(super) fn scope_filter(sql: &mut Sql, grant: &Grant) {
    sql.push(" c.workspace_id = ")
        .arg(grant.workspace().as_str());
    let me = grant.user().as_str();
    let team = |sql: &mut Sql| {
        sql.push(
            " OR c.team_id IN (SELECT tm.team_id FROM team_members tm WHERE tm.workspace_id = ",
        )
        .arg(grant.workspace().as_str())
        .push(" AND tm.user_id = ")
        .arg(me)
        .push(")");
    };
    match grant.scope() {
        Scope::All => {}
        Scope::Assigned => {
            sql.push(" AND c.assigned_user_id = ").arg(me);
        }
        Scope::Team => {
            sql.push(" AND (c.assigned_user_id = ").arg(me);
            team(sql);
            sql.push(")");
        }
        Scope::Department => {
            sql.push(" AND (c.assigned_user_id = ").arg(me);
            team(sql);
            sql.push(
                " OR c.assigned_user_id IN (SELECT peer.user_id FROM memberships mine \
                 JOIN memberships peer ON peer.workspace_id = mine.workspace_id \
                 AND peer.department_id = mine.department_id WHERE mine.workspace_id = ",
            )
            .arg(grant.workspace().as_str())
            .push(" AND mine.user_id = ")
            .arg(me)
            .push("))");
        }
    }
}

/// With a "max records visible" restriction, confines `c` to the first that many records of
/// the grant's reach in list order: lists, counts and look-ups by id see the same window.
pub(super) fn cap_filter(sql: &mut Sql, grant: &Grant) {
    if let Some(cap) = grant.restrictions().max_records {
        sql.push(" AND c.id IN (SELECT c.id FROM customers c WHERE");
        scope_filter(sql, grant);
        sql.push(" ORDER BY c.name_key, c.id LIMIT ")
            .int(i64::from(cap))
            .push(")");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_arguments() {
        let mut sql = Sql::default();
        sql.push("a = ")
            .arg("x")
            .push(" AND b = ")
            .int(3)
            .push(" AND c = ")
            .arg("y");
        assert_eq!(sql.text, "a = $1 AND b = $2 AND c = $3");
        assert_eq!(sql.args.len(), 3);
    }
}

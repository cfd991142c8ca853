//! A statement under construction, for the record kit's clauses that come and go.

/// A statement under construction: text with `$n` placeholders and the values they take, in
/// order. Keeps placeholder numbers right while optional clauses come and go.
#[derive(Default)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
}

enum Arg {
    Text(String),
    Int(i64),
}

impl Sql {
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn arg(&mut self, value: impl Into<String>) -> &mut Self {
        self.args.push(Arg::Text(value.into()));
        let n = self.args.len();
        self.text.push_str(&format!("${n}"));
        self
    }

    pub fn int(&mut self, value: i64) -> &mut Self {
        self.args.push(Arg::Int(value));
        let n = self.args.len();
        self.text.push_str(&format!("${n}"));
        self
    }

    /// The statement's text, placeholders and all.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// `SELECT COUNT(*) AS n FROM (<this>)`: how many rows the statement finds.
    pub fn counted(self) -> Self {
        Self {
            text: format!("SELECT COUNT(*) AS n FROM ({}) counted", self.text),
            args: self.args,
        }
    }

    pub fn query(&self) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
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

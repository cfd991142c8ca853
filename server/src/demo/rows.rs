//! Many rows written with few statements: the demo inserts millions of rows for the
//! benchmarks, and one statement per row would take an hour on PostgreSQL.

use sqlx::AnyConnection;

/// A column's value.
pub enum Value {
    Text(String),
    Int(i64),
    MaybeText(Option<String>),
    MaybeInt(Option<i64>),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Self::Int(n)
    }
}

impl From<Option<String>> for Value {
    fn from(s: Option<String>) -> Self {
        Self::MaybeText(s)
    }
}

impl From<Option<i64>> for Value {
    fn from(n: Option<i64>) -> Self {
        Self::MaybeInt(n)
    }
}

/// Rows of several tables waiting to be written, in the order their foreign keys need: a
/// statement's worth gathered in any one writes them all, parents first.
pub struct Tables {
    batches: Vec<Batch>,
}

struct Batch {
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Value>>,
    written: usize,
}

/// Bound parameters per statement: under SQLite's limit of 32,766 and PostgreSQL's 65,535.
const PARAMETERS: usize = 30_000;

impl Tables {
    /// `tables`: each table's name and columns, parents before children.
    pub fn new(tables: &[(&'static str, &'static [&'static str])]) -> Self {
        Self {
            batches: tables
                .iter()
                .map(|&(table, columns)| Batch {
                    table,
                    columns,
                    rows: Vec::new(),
                    written: 0,
                })
                .collect(),
        }
    }

    /// Adds a row to the `index`th table; call [`Tables::settle`] between records.
    pub fn push(&mut self, index: usize, row: Vec<Value>) {
        let batch = &mut self.batches[index];
        debug_assert_eq!(row.len(), batch.columns.len(), "{}", batch.table);
        batch.rows.push(row);
    }

    /// Writes everything gathered once any table has a statement's worth.
    pub async fn settle(&mut self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        if self
            .batches
            .iter()
            .any(|b| (b.rows.len() + 1) * b.columns.len() > PARAMETERS)
        {
            for batch in &mut self.batches {
                batch.flush(conn).await?;
            }
        }
        Ok(())
    }

    /// Writes the rest; how many rows each table got.
    pub async fn finish(mut self, conn: &mut AnyConnection) -> Result<Vec<usize>, sqlx::Error> {
        for batch in &mut self.batches {
            batch.flush(conn).await?;
        }
        Ok(self.batches.iter().map(|b| b.written).collect())
    }
}

impl Batch {
    async fn flush(&mut self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        if self.rows.is_empty() {
            return Ok(());
        }
        // Placeholders written out for each database: the Any driver's query builder writes
        // `?`, which PostgreSQL does not take, and SQLite looks each `$n` up by name (a
        // statement of thousands took twenty times as long).
        let numbered = conn.backend_name() == "PostgreSQL";
        let width = self.columns.len();
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ",
            self.table,
            self.columns.join(", ")
        );
        for r in 0..self.rows.len() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..width {
                if c > 0 {
                    sql.push_str(", ");
                }
                if numbered {
                    sql.push_str(&format!("${}", r * width + c + 1));
                } else {
                    sql.push('?');
                }
            }
            sql.push(')');
        }
        let rows = std::mem::take(&mut self.rows);
        self.written += rows.len();
        let mut query = sqlx::query(&sql);
        for value in rows.into_iter().flatten() {
            query = match value {
                Value::Text(v) => query.bind(v),
                Value::Int(v) => query.bind(v),
                Value::MaybeText(v) => query.bind(v),
                Value::MaybeInt(v) => query.bind(v),
            };
        }
        query.execute(&mut *conn).await?;
        Ok(())
    }
}

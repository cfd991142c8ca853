//! Bulk data for the examples that measure at scale: rows written straight to the tables in
//! large statements (the domain's one-at-a-time writes would take hours for a million).

use std::time::Instant;

use app::server::platform::testing::TestDb;

const BATCH: usize = 500;

/// `count` customers in `workspace`: every tenth is Grace's, another tenth her team's, the rest
/// the owner's.
pub async fn customers(
    t: &TestDb,
    count: usize,
    workspace: &str,
    owner: &str,
    grace: &str,
    team: &str,
) {
    let started = Instant::now();
    for batch in 0..count / BATCH {
        let values: Vec<String> = (0..BATCH)
            .map(|i| {
                let n = batch * BATCH + i;
                // Every tenth customer is Grace's; another tenth belongs to her team.
                let (assignee, team_id) = match n % 10 {
                    0 => (grace, "NULL".to_owned()),
                    1 => (owner, format!("'{team}'")),
                    _ => (owner, "NULL".to_owned()),
                };
                let name = format!("Customer {:07}", (n * 7_919) % count);
                format!(
                    "('{n:036}', '{workspace}', '{name}', '{}', 'buyer{n}@example.com', \
                     'Company {}', 'DE{n:09}', '{assignee}', {team_id}, 0, 0)",
                    name.to_lowercase(),
                    n % 5_000
                )
            })
            .collect();
        t.db_exec(&format!(
            "INSERT INTO customers (id, workspace_id, name, name_key, email, company, tax_id, \
             assigned_user_id, team_id, created_at, updated_at) VALUES {}",
            values.join(", ")
        ))
        .await;
    }
    t.db_exec("ANALYZE").await;
    eprintln!(
        "  filled {count} customers in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

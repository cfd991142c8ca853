//! The last Owner stays, even against a race: two Owners who deactivate each other at the same
//! moment, on real SQLite and PostgreSQL, leave exactly one of them active — the second
//! transaction counts the Owners after the first commits.

use app::permissions::keys::TeamWrite;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture};
use app::server::workspace::members;

#[tokio::test]
async fn two_owners_removing_each_other_at_once_leave_one() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::manual(1_796_675_832_000)).await;
        let bo = f.add_member("bo@example.com", "Bo", "Owner").await;
        let by_ada = f.grant::<TeamWrite>().await;
        let by_bo = f.grant_of::<TeamWrite>(&bo).await.unwrap();
        // A race is won or lost by timing: run it often enough to meet the bad interleaving.
        for round in 0..10 {
            let (first, second) = tokio::join!(
                members::deactivate(&f.db, &f.clock, &by_ada, &bo),
                members::deactivate(&f.db, &f.clock, &by_bo, &f.owner),
            );
            assert!(
                first.is_ok() != second.is_ok(),
                "{label} round {round}: {first:?} {second:?}"
            );
            let bo_won = second.is_ok();
            let refused = [first, second].into_iter().find_map(Result::err).unwrap();
            assert!(
                // Refused as the last Owner, or because the one asking was deactivated first.
                matches!(&refused, DomainError::Conflict(m) if m.contains("last Owner"))
                    || matches!(refused, DomainError::Forbidden),
                "{label} round {round}: {refused:?}"
            );
            let owners = t
                .strings(&format!(
                    "SELECT user_id FROM memberships WHERE workspace_id = '{}' \
                     AND deactivated_at IS NULL",
                    f.workspace.as_str()
                ))
                .await;
            assert_eq!(owners.len(), 1, "{label} round {round}: {owners:?}");
            // The one left lets the other back in for the next round.
            let (survivor, other) = if bo_won {
                (&by_bo, &f.owner)
            } else {
                (&by_ada, &bo)
            };
            members::reactivate(&f.db, &f.clock, survivor, other)
                .await
                .unwrap();
        }
    }
}

//! The trail's own schedule: sign each grown chain's head every ten minutes, verify every chain
//! every six hours, purge what each workspace no longer keeps once a day. Slots follow the wall
//! clock, and each slot is claimed ([`claims`]) so it runs once however many server processes
//! share the database. A process that claims a slot and dies before running it leaves that slot
//! undone; the next one comes round.

use crate::server::platform::claims;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

const MINUTE_MS: i64 = 60_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    Sign,
    Verify,
    Purge,
}

impl Job {
    pub const ALL: [Self; 3] = [Self::Sign, Self::Verify, Self::Purge];

    /// The job's name in `scheduled_runs`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sign => "audit.sign",
            Self::Verify => "audit.verify",
            Self::Purge => "audit.purge",
        }
    }

    pub fn period_ms(self) -> i64 {
        match self {
            Self::Sign => 10 * MINUTE_MS,
            Self::Verify => 6 * 60 * MINUTE_MS,
            Self::Purge => 24 * 60 * MINUTE_MS,
        }
    }

    /// The slot `now_ms` falls in, named by when it starts ("2026-12-06 18:00 UTC").
    pub fn slot(self, now_ms: i64) -> String {
        let start = now_ms - now_ms.rem_euclid(self.period_ms());
        crate::model::utc_datetime(start)
    }
}

/// The jobs whose current slot `holder` has just claimed: for this process to run now. Every
/// other caller in the same slot gets none of them.
pub async fn claim_due(db: &Db, now_ms: i64, holder: &str) -> Result<Vec<Job>, DomainError> {
    let mut won = Vec::new();
    for job in Job::ALL {
        if claims::claim(db, job.name(), &job.slot(now_ms), holder, now_ms).await? {
            won.push(job);
        }
    }
    Ok(won)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_the_wall_clock() {
        // 2026-12-06 20:37:12 UTC.
        let now = 1_796_589_432_000;
        assert_eq!(Job::Sign.slot(now), "2026-12-06 20:30 UTC");
        assert_eq!(Job::Verify.slot(now), "2026-12-06 18:00 UTC");
        assert_eq!(Job::Purge.slot(now), "2026-12-06 00:00 UTC");
        assert_eq!(Job::Sign.slot(now + 10 * MINUTE_MS), "2026-12-06 20:40 UTC");
    }
}

//! Time as a dependency, so expiry and timeouts are tested by moving a clock, not by sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Clone, Debug)]
pub enum Clock {
    System,
    /// A clock that moves only when told to; shared by clones.
    Manual(Arc<AtomicI64>),
}

impl Clock {
    pub fn manual(start_ms: i64) -> Self {
        Self::Manual(Arc::new(AtomicI64::new(start_ms)))
    }

    /// Milliseconds since the Unix epoch, UTC.
    pub fn now_ms(&self) -> i64 {
        match self {
            Self::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                .unwrap_or(0),
            Self::Manual(ms) => ms.load(Ordering::SeqCst),
        }
    }

    /// Moves a manual clock forward. The system clock cannot be moved; asking is a bug in a test.
    pub fn advance(&self, by: Duration) {
        match self {
            Self::System => panic!("the system clock cannot be advanced"),
            Self::Manual(ms) => {
                let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
                ms.fetch_add(by, Ordering::SeqCst);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced_and_clones_share_it() {
        let clock = Clock::manual(1_000);
        let other = clock.clone();
        assert_eq!(clock.now_ms(), 1_000);
        other.advance(Duration::from_secs(90));
        assert_eq!(clock.now_ms(), 91_000);
    }

    #[test]
    fn system_clock_is_after_2025() {
        assert!(Clock::System.now_ms() > 1_735_689_600_000);
    }
}

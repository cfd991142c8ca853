//! What every demo generator draws from: the seeded random draw, the workspace's terms and
//! people, the clock, and how many records of each kind a scale asks for.

use chrono::{Days, NaiveDate};
use rand::rngs::StdRng;
use rand::Rng;

use app::server::records::money::Currency;

use super::people::Staff;

pub const DAY_MS: i64 = 86_400_000;
/// How far back the demo company's history reaches.
const HISTORY_DAYS: i64 = 540;

/// How many records of each kind a workspace gets at scale 1.
pub struct Counts {
    pub customers: usize,
    pub products: usize,
    pub quotes: usize,
    pub orders: usize,
    pub tickets: usize,
    pub licences: usize,
}

impl Counts {
    pub fn at(scale: usize) -> Self {
        let scale = scale.max(1);
        Self {
            customers: 2_000 * scale,
            products: 200 * scale,
            quotes: 1_500 * scale,
            orders: 3_000 * scale,
            tickets: 400 * scale,
            licences: 300 * scale,
        }
    }
}

/// What every generator needs: the draw, the workspace's terms and people, and the clock.
pub struct Fill<'s> {
    pub rng: StdRng,
    pub workspace: String,
    pub staff: &'s Staff,
    pub now_ms: i64,
    pub currency: Currency,
    pub tax_bp: i64,
}

impl Fill<'_> {
    pub fn id(&self) -> String {
        uuid::Uuid::now_v7().to_string()
    }

    /// A moment in the company's history, more of them recent than old.
    pub fn past_ms(&mut self) -> i64 {
        let f: f64 = self.rng.random::<f64>().powf(1.3);
        self.now_ms - (f * (HISTORY_DAYS * DAY_MS) as f64) as i64 - self.rng.random_range(0..DAY_MS)
    }

    /// The moment of the `k`th of `n` events spread over the company's history in order, more
    /// of them recent than old.
    pub fn at_fraction(&mut self, k: usize, n: usize) -> i64 {
        let t = k as f64 / n.max(1) as f64;
        let age = (1.0 - t).powf(1.3) * (HISTORY_DAYS * DAY_MS) as f64;
        self.now_ms - age as i64 - self.rng.random_range(0..DAY_MS / 4)
    }

    pub fn day_of(ms: i64) -> NaiveDate {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| t.date_naive())
            .unwrap_or_default()
    }

    pub fn day_string(day: NaiveDate) -> String {
        day.format("%Y-%m-%d").to_string()
    }

    pub fn days_after(ms: i64, days: u64) -> NaiveDate {
        Self::day_of(ms)
            .checked_add_days(Days::new(days))
            .unwrap_or_default()
    }

    pub fn pick<'a>(&mut self, list: &'a [String]) -> &'a str {
        &list[self.rng.random_range(0..list.len())]
    }

    pub fn chance(&mut self, percent: u32) -> bool {
        self.rng.random_range(0..100) < percent
    }
}

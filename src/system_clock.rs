//! The host's real clock.

use chrono::{DateTime, Utc};

/// The system clock: the one place the library reads the time of day.
///
/// Library logic takes time from an [`oms_core::Clock`]; hosts pass this one in production
/// and a fixed or manual clock in tests.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl oms_core::Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one sanctioned read of the wall clock
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

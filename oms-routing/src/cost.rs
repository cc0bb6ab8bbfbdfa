//! Operational cost estimates in fixed point.
//!
//! Routing costs (shipment, per-km, handling) are estimates the engines compare millions of
//! times per second, not customer money, so they are held as whole **millionths** of the
//! currency unit in an `i64`. Inputs are exact decimals rounded once to the millionth (half
//! away from zero); sums are exact integer additions (saturating at about 9.2 trillion
//! currency units, far above any real cost). The one place a float enters is distance: the
//! per-km part of a shipment is `cost_per_km × km` with `km` the haversine distance as `f64`,
//! rounded to the nearest millionth. So each shipment is within half a millionth of the exact
//! value and an order with `n` shipments within `n / 2` millionths, well inside the scenario
//! format's tolerance of 0.001 per order.

use std::fmt;
use std::iter::Sum;
use std::ops::Add;

use rust_decimal::{Decimal, RoundingStrategy};

/// Largest cost parameter accepted (per shipment, per km, per unit or per lane), in currency units.
pub const MAX_COST_PARAMETER: i64 = 1_000_000_000;

const SCALE: u32 = 6;
const MICROS: i64 = 1_000_000;

/// A cost estimate: a whole number of millionths of the currency unit.
///
/// ```
/// use oms_routing::Cost;
/// use rust_decimal_macros::dec;
/// let c = Cost::from_decimal(dec!(6.00)).unwrap() + Cost::from_decimal(dec!(0.1234567)).unwrap();
/// assert_eq!(c.to_decimal(), dec!(6.123457)); // rounded once, to the millionth
/// assert_eq!(c.to_string(), "6.123457");
/// assert_eq!(Cost::from_decimal(dec!(2.5)).unwrap().to_string(), "2.5000"); // at least 4 decimals
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cost(i64);

impl Cost {
    /// No cost.
    pub const ZERO: Cost = Cost(0);

    /// A cost from millionths of the currency unit.
    pub const fn from_micros(micros: i64) -> Cost {
        Cost(micros)
    }

    /// The cost in millionths of the currency unit.
    pub const fn micros(self) -> i64 {
        self.0
    }

    /// A decimal rounded to the millionth (half away from zero); `None` when it does not fit.
    pub fn from_decimal(value: Decimal) -> Option<Cost> {
        let rounded = value.round_dp_with_strategy(SCALE, RoundingStrategy::MidpointAwayFromZero);
        let scaled = rounded.checked_mul(Decimal::from(MICROS))?;
        i64::try_from(scaled).ok().map(Cost)
    }

    /// The exact decimal value (six decimal places).
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, SCALE)
    }

    /// `self` (a rate per km) times a distance, rounded to the nearest millionth.
    pub fn per_km(self, km: f64) -> Cost {
        // `as` saturates; the rate (< 2^53 millionths) converts to f64 exactly.
        Cost((self.0 as f64 * km).round() as i64)
    }

    /// Like [`Cost::per_km`] for non-negative rates and distances, without a libm call.
    pub(crate) fn per_km_fast(self, km: f64) -> Cost {
        Cost((self.0 as f64 * km + 0.5) as i64)
    }

    /// Like [`Cost::per_km`] but rounded down: a lower bound used while pruning.
    pub(crate) fn per_km_floor(self, km: f64) -> Cost {
        Cost(floor_per_km(self.0 as f64, km))
    }

    /// The rate as the float [`Cost::per_km_floor`] multiplies (exact below 2^53 millionths),
    /// for callers that keep it converted.
    pub(crate) fn rate_f64(self) -> f64 {
        self.0 as f64
    }
}

/// [`Cost::per_km_floor`] of a rate already converted by [`Cost::rate_f64`], in millionths.
#[inline(always)]
pub(crate) fn floor_per_km(rate: f64, km: f64) -> i64 {
    // Non-negative: truncation is floor, without a libm call.
    (rate * km) as i64
}

impl Cost {
    /// `self` per unit, times `units` (saturating).
    pub fn times(self, units: u32) -> Cost {
        Cost(self.0.saturating_mul(i64::from(units)))
    }
}

impl Add for Cost {
    type Output = Cost;
    fn add(self, rhs: Cost) -> Cost {
        Cost(self.0.saturating_add(rhs.0))
    }
}

impl Sum for Cost {
    fn sum<I: Iterator<Item = Cost>>(iter: I) -> Cost {
        iter.fold(Cost::ZERO, Add::add)
    }
}

impl fmt::Display for Cost {
    /// The exact value with at least four decimals (`12.9122`, `6.910627`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = self.to_decimal().normalize();
        if d.scale() < 4 {
            d.rescale(4);
        }
        write!(f, "{d}")
    }
}

impl serde::Serialize for Cost {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_inputs_once_half_away_from_zero() {
        assert_eq!(Cost::from_decimal(dec!(0.0000005)).unwrap().micros(), 1);
        assert_eq!(Cost::from_decimal(dec!(0.0000004)).unwrap().micros(), 0);
        assert_eq!(Cost::from_decimal(dec!(-0.0000005)).unwrap().micros(), -1);
        assert!(Cost::from_decimal(dec!(1e20)).is_none());
    }

    #[test]
    fn per_km_rounds_to_nearest_and_floor_is_a_bound() {
        let rate = Cost::from_decimal(dec!(0.0030)).unwrap();
        assert_eq!(rate.per_km(100.00001), Cost(300_000));
        assert!(rate.per_km_floor(123.4567) <= rate.per_km(123.4567));
    }

    #[test]
    fn displays_at_least_four_decimals() {
        assert_eq!(Cost(0).to_string(), "0.0000");
        assert_eq!(Cost(12_912_236).to_string(), "12.912236");
        assert_eq!(Cost(10_100_000).to_string(), "10.1000");
        assert_eq!(Cost(-1).to_string(), "-0.000001");
    }
}

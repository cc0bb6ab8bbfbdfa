//! What unit slots of a line paid, in whole minor units.
//!
//! The same split as [`LinePricing::for_units`] (each component spread evenly over the line's
//! units, earlier slots taking the spare minor units), computed on integers once per line
//! instead of through decimals once per component and range: refunds are on the hot path of
//! every return. A property test keeps the two equal.

use oms_core::{Currency, LinePricing, Money, MoneyError};
use rust_decimal::Decimal;

use crate::{ReturnableLine, Units};

/// Amounts in minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Paid {
    pub(crate) merchandise: i128,
    pub(crate) tax: i128,
    pub(crate) shipping: i128,
    pub(crate) shipping_tax: i128,
}

impl Paid {
    pub(crate) fn add(self, other: Paid) -> Paid {
        Paid {
            merchandise: self.merchandise + other.merchandise,
            tax: self.tax + other.tax,
            shipping: self.shipping + other.shipping,
            shipping_tax: self.shipping_tax + other.shipping_tax,
        }
    }
}

/// One component of a line spread over its units: `base` each, the first `spare` units one more.
#[derive(Debug, Clone, Copy)]
struct Spread {
    base: i128,
    spare: u32,
    negative: bool,
}

impl Spread {
    fn new(total: i128, units: u32) -> Spread {
        let n = units.max(1);
        let magnitude = total.unsigned_abs();
        // Amounts below 2^64 minor units (all real ones) divide in one machine instruction; the
        // remainders are below `n`, so they fit in a u32.
        let (base, spare) = match u64::try_from(magnitude) {
            Ok(m) => (u128::from(m / u64::from(n)), (m % u64::from(n)) as u32),
            Err(_) => (magnitude / u128::from(n), (magnitude % u128::from(n)) as u32),
        };
        // The quotient is at most the magnitude, which came from an i128.
        Spread { base: i128::try_from(base).unwrap_or(i128::MAX), spare, negative: total < 0 }
    }

    /// What units `0 .. k` paid.
    fn cumulative(&self, k: u32) -> i128 {
        let paid = i128::from(k) * self.base + i128::from(k.min(self.spare));
        if self.negative { -paid } else { paid }
    }

    fn range(&self, first: u32, end: u32) -> i128 {
        self.cumulative(end) - self.cumulative(first)
    }
}

/// One priced batch ready to price any run of its units.
#[derive(Debug, Clone, Copy)]
struct BatchPrices {
    quantity: u32,
    merchandise: Spread,
    tax: Spread,
    shipping: Spread,
    shipping_tax: Spread,
}

impl BatchPrices {
    #[inline]
    fn new(pricing: &LinePricing) -> Result<BatchPrices, MoneyError> {
        let currency = pricing.total.currency();
        let minor = |m: &Money| match m.currency() {
            c if c == currency => to_minor(m),
            other => Err(MoneyError::CurrencyMismatch { left: currency, right: other }),
        };
        let n = pricing.quantity;
        let merchandise = minor(&pricing.gross)? - minor(&pricing.line_discount)? - minor(&pricing.order_discount)?;
        Ok(BatchPrices {
            quantity: n,
            merchandise: Spread::new(merchandise, n),
            tax: Spread::new(minor(&pricing.tax)?, n),
            shipping: Spread::new(minor(&pricing.shipping)?, n),
            shipping_tax: Spread::new(minor(&pricing.shipping_tax)?, n),
        })
    }

    /// Units `first .. end` of the batch.
    fn range(&self, first: u32, end: u32) -> Paid {
        Paid {
            merchandise: self.merchandise.range(first, end),
            tax: self.tax.range(first, end),
            shipping: self.shipping.range(first, end),
            shipping_tax: self.shipping_tax.range(first, end),
        }
    }
}

/// A line's priced batches ready to price any set of its unit slots.
#[derive(Debug, Clone)]
pub(crate) struct SlotPrices<'a> {
    captured: BatchPrices,
    /// Batches added by modifications: rare, priced when a slot falls in them.
    added: &'a [LinePricing],
}

impl<'a> SlotPrices<'a> {
    /// # Errors
    /// [`MoneyError::NotInMinorUnits`] for amounts finer than the currency,
    /// [`MoneyError::CurrencyMismatch`] for amounts in another currency than the total.
    #[inline]
    pub(crate) fn new(line: &'a ReturnableLine) -> Result<SlotPrices<'a>, MoneyError> {
        Ok(SlotPrices { captured: BatchPrices::new(&line.pricing)?, added: &line.added })
    }

    /// What the slots paid; slot `n` is unit `n` of the batches end to end.
    ///
    /// # Errors
    /// [`MoneyError::InvalidWeights`] when a slot lies past the line's units; the errors of
    /// [`SlotPrices::new`] for an added batch.
    pub(crate) fn of(&self, units: &Units) -> Result<Paid, MoneyError> {
        let mut paid = Paid::default();
        for range in units.ranges() {
            let (first, end) = (range.first, range.first.saturating_add(range.count));
            if end <= self.captured.quantity {
                // The usual case: all within the units captured with the line.
                paid = paid.add(self.captured.range(first, end));
                continue;
            }
            let mut start = 0u32;
            let mut left = end - first;
            let mut batch = Some(self.captured);
            let mut added = self.added.iter();
            while left > 0 {
                let Some(prices) = batch else {
                    return Err(MoneyError::InvalidWeights { problem: "unit range reaches past the number of units" });
                };
                let stop = start.saturating_add(prices.quantity);
                let (from, to) = (first.max(start), end.min(stop));
                if from < to {
                    paid = paid.add(prices.range(from - start, to - start));
                    left -= to - from;
                }
                start = stop;
                batch = match added.next() {
                    Some(p) if left > 0 => Some(BatchPrices::new(p)?),
                    _ => None,
                };
            }
        }
        Ok(paid)
    }
}

/// The amount in minor units; [`Money::to_minor`] with a shortcut for the usual case of an
/// amount stored at exactly the currency's scale.
///
/// # Errors
/// [`MoneyError::NotInMinorUnits`] for an amount finer than its currency.
pub(crate) fn to_minor(m: &Money) -> Result<i128, MoneyError> {
    if m.amount().scale() == m.currency().minor_units() { Ok(m.amount().mantissa()) } else { m.to_minor() }
}

/// `minor × percent ÷ 100`, rounded half away from zero (the library's one rounding rule), on
/// integers; `None` on overflow.
pub(crate) fn percent_of(minor: i128, percent: Decimal) -> Option<i128> {
    let denominator = 10i128.checked_pow(percent.scale())?.checked_mul(100)?;
    let numerator = minor.checked_mul(percent.mantissa())?;
    let (quotient, remainder) = (numerator / denominator, numerator % denominator);
    Some(if remainder.unsigned_abs() * 2 >= denominator.unsigned_abs() {
        quotient + numerator.signum()
    } else {
        quotient
    })
}

/// Minor units as money.
///
/// # Errors
/// [`MoneyError::Overflow`] beyond what a decimal holds.
pub(crate) fn money(minor: i128, currency: Currency) -> Result<Money, MoneyError> {
    if minor == 0 {
        return Ok(Money::zero(currency));
    }
    if let Ok(small) = i64::try_from(minor) {
        return Ok(Money::from_minor(small, currency));
    }
    Decimal::try_from_i128_with_scale(minor, currency.minor_units())
        .map(|amount| Money::new(amount, currency))
        .map_err(|_| MoneyError::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oms_core::strategies::order_draft;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Integer percentages round exactly like `Money::checked_mul` then `Money::round`.
        #[test]
        fn percent_of_rounds_like_money(minor in -10_000_000i64..10_000_000, mantissa in 0i64..=10_000, scale in 0u32..4) {
            let percent = Decimal::new(mantissa, scale);
            for currency in [Currency::USD, Currency::JPY, Currency::KWD] {
                let expected = Money::from_minor(minor, currency)
                    .checked_mul(percent / Decimal::ONE_HUNDRED)
                    .unwrap()
                    .round()
                    .to_minor()
                    .unwrap();
                prop_assert_eq!(percent_of(i128::from(minor), percent), Some(expected));
            }
        }

        /// Slot prices equal `LinePricing::for_units`, component by component, for every run.
        #[test]
        fn slot_prices_equal_for_units(draft in order_draft(), cuts in proptest::collection::vec(0u32..=10, 0..4)) {
            let captured = oms_core::capture(&draft).unwrap();
            let order = crate::ReturnableOrder::all_delivered(&captured, chrono::DateTime::UNIX_EPOCH);
            for (line, returnable) in captured.lines.iter().zip(&order.lines) {
                let prices = SlotPrices::new(returnable).unwrap();
                let q = line.pricing.quantity;
                let mut bounds: Vec<u32> = cuts.iter().map(|c| c % (q + 1)).chain([0, q]).collect();
                bounds.sort_unstable();
                for pair in bounds.windows(2) {
                    let (first, count) = (pair[0], pair[1] - pair[0]);
                    let expected = line.pricing.for_units(first, count).unwrap();
                    let paid = prices.of(&Units::range(first, count)).unwrap();
                    let c = captured.currency;
                    prop_assert_eq!(money(paid.merchandise, c).unwrap(), expected.merchandise);
                    prop_assert_eq!(money(paid.tax, c).unwrap(), expected.tax);
                    prop_assert_eq!(money(paid.shipping, c).unwrap(), expected.shipping);
                    prop_assert_eq!(money(paid.shipping_tax, c).unwrap(), expected.shipping_tax);
                }
                prop_assert!(prices.of(&Units::range(q, 1)).is_err());
            }
        }
    }
}

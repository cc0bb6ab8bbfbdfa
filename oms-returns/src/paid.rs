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

/// One component of a line spread over its units: `base` each, the first `spare` units one
/// `unit` (a minor unit with the total's sign: -1, 0 or 1) more.
#[derive(Debug, Clone, Copy)]
struct Spread {
    base: i128,
    spare: u32,
    unit: i8,
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
        // Totals come from decimal mantissas (below 2^96 each, 2^98 for merchandise), so the
        // quotient fits an i128.
        let unit = total.signum();
        Spread { base: base as i128 * unit, spare, unit: unit as i8 }
    }

    /// What units `first .. end` paid (`first <= end <= n`): `count × base` plus a unit for
    /// each spare unit among them. Its magnitude is at most the total's, so when every total of
    /// the batch is within an `i64` (`narrow`) it is computed in 64 bits.
    #[inline]
    fn range(&self, first: u32, end: u32, narrow: bool) -> i128 {
        let (count, spare) = (end - first, end.min(self.spare) - first.min(self.spare));
        if narrow {
            // `base` is within an i64 here, so truncating keeps its value.
            i128::from(i64::from(count) * (self.base as i64) + i64::from(spare) * i64::from(self.unit))
        } else {
            i128::from(count) * self.base + i128::from(spare) * i128::from(self.unit)
        }
    }
}

/// One priced batch ready to price any run of its units.
#[derive(Debug, Clone, Copy)]
struct BatchPrices {
    quantity: u32,
    /// Every component's total is within an `i64` of minor units (all real amounts are).
    narrow: bool,
    merchandise: Spread,
    tax: Spread,
    shipping: Spread,
    shipping_tax: Spread,
}

impl BatchPrices {
    fn new(pricing: &LinePricing) -> Result<BatchPrices, MoneyError> {
        let currency = pricing.total.currency();
        let minor = |m: &Money| match m.currency() {
            c if c == currency => to_minor(m),
            other => Err(MoneyError::CurrencyMismatch { left: currency, right: other }),
        };
        let n = pricing.quantity;
        let merchandise = minor(&pricing.gross)? - minor(&pricing.line_discount)? - minor(&pricing.order_discount)?;
        let (tax, shipping, shipping_tax) =
            (minor(&pricing.tax)?, minor(&pricing.shipping)?, minor(&pricing.shipping_tax)?);
        let narrow = [merchandise, tax, shipping, shipping_tax].iter().all(|t| i64::try_from(*t).is_ok());
        Ok(BatchPrices {
            quantity: n,
            narrow,
            merchandise: Spread::new(merchandise, n),
            tax: Spread::new(tax, n),
            shipping: Spread::new(shipping, n),
            shipping_tax: Spread::new(shipping_tax, n),
        })
    }

    /// Units `first .. end` of the batch.
    #[inline]
    fn range(&self, first: u32, end: u32) -> Paid {
        Paid {
            merchandise: self.merchandise.range(first, end, self.narrow),
            tax: self.tax.range(first, end, self.narrow),
            shipping: self.shipping.range(first, end, self.narrow),
            shipping_tax: self.shipping_tax.range(first, end, self.narrow),
        }
    }
}

/// A line's priced batches ready to price any set of its unit slots; worked out once per line
/// when a [`PreparedOrder`](crate::PreparedOrder) is built.
#[derive(Debug, Clone)]
pub(crate) struct SlotPrices {
    captured: BatchPrices,
    /// Batches added by modifications (usually none: an empty vector allocates nothing).
    added: Vec<BatchPrices>,
}

impl SlotPrices {
    /// # Errors
    /// [`MoneyError::NotInMinorUnits`] for amounts finer than the currency,
    /// [`MoneyError::CurrencyMismatch`] for amounts in another currency than the total.
    pub(crate) fn new(line: &ReturnableLine) -> Result<SlotPrices, MoneyError> {
        Ok(SlotPrices {
            captured: BatchPrices::new(&line.pricing)?,
            added: match line.added.as_slice() {
                [] => Vec::new(),
                added => added.iter().map(BatchPrices::new).collect::<Result<_, _>>()?,
            },
        })
    }

    /// What the slots paid; slot `n` is unit `n` of the batches end to end.
    ///
    /// # Errors
    /// [`MoneyError::InvalidWeights`] when a slot lies past the line's units.
    pub(crate) fn of(&self, units: &Units) -> Result<Paid, MoneyError> {
        // The usual case: one run, within the units captured with the line.
        if let [(first, end)] = units.runs() {
            if *end <= self.captured.quantity {
                return Ok(self.captured.range(*first, *end));
            }
        }
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
            for prices in std::iter::once(&self.captured).chain(&self.added) {
                let stop = start.saturating_add(prices.quantity);
                let (from, to) = (first.max(start), end.min(stop));
                if from < to {
                    paid = paid.add(prices.range(from - start, to - start));
                    left -= to - from;
                }
                if left == 0 {
                    break;
                }
                start = stop;
            }
            if left > 0 {
                return Err(MoneyError::InvalidWeights { problem: "unit range reaches past the number of units" });
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
#[inline]
pub(crate) fn to_minor(m: &Money) -> Result<i128, MoneyError> {
    if m.amount().scale() == m.currency().minor_units() { Ok(m.amount().mantissa()) } else { m.to_minor() }
}

/// `100 × 10^scale` for every decimal scale (0 to 28): the denominator of a percentage.
const PERCENT_DENOMINATORS: [i128; 29] = {
    let mut table = [100i128; 29];
    let mut scale = 1;
    while scale < table.len() {
        table[scale] = table[scale - 1] * 10;
        scale += 1;
    }
    table
};

/// `minor × percent ÷ 100`, rounded half away from zero (the library's one rounding rule), on
/// integers; `None` on overflow.
pub(crate) fn percent_of(minor: i128, percent: Decimal) -> Option<i128> {
    let denominator = PERCENT_DENOMINATORS.get(usize::try_from(percent.scale()).ok()?).copied()?;
    let numerator = match (i64::try_from(minor), i64::try_from(percent.mantissa())) {
        // A 64 × 64-bit product always fits in 128 bits.
        (Ok(m), Ok(p)) => i128::from(m) * i128::from(p),
        _ => minor.checked_mul(percent.mantissa())?,
    };
    let (quotient, remainder) = divide(numerator, denominator);
    Some(if remainder.unsigned_abs() * 2 >= denominator.unsigned_abs() {
        quotient + numerator.signum()
    } else {
        quotient
    })
}

/// `total` minor units split over non-negative `weights` by largest remainder, exactly as
/// [`Money::allocate`] splits them (a property test keeps the two equal): each part the floor
/// of its exact share, the spare units one each to the largest remainders, earlier parts first
/// on ties.
///
/// # Errors
/// [`MoneyError::InvalidWeights`] when the weights sum to zero or one is negative,
/// [`MoneyError::Overflow`] for astronomically large inputs.
pub(crate) fn allocate(total: i128, weights: &[i128]) -> Result<Vec<i128>, MoneyError> {
    if weights.iter().any(|w| *w < 0) {
        return Err(MoneyError::InvalidWeights { problem: "a weight is negative" });
    }
    let sum = weights.iter().try_fold(0i128, |sum, w| sum.checked_add(*w)).ok_or(MoneyError::Overflow)?;
    if sum == 0 {
        return Err(MoneyError::InvalidWeights { problem: "weights sum to zero" });
    }
    let magnitude = total.checked_abs().ok_or(MoneyError::Overflow)?;
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let product = magnitude.checked_mul(*w).ok_or(MoneyError::Overflow)?;
        let (part, remainder) = divide(product, sum);
        parts.push(part);
        remainders.push((remainder, i));
    }
    // Each floor loses less than one unit, so fewer spare units than parts. They go to the
    // `spare` first keys (largest remainder, then earliest part): only which parts those are
    // matters, not their order, and the indices make every key distinct.
    let spare = usize::try_from(magnitude - parts.iter().sum::<i128>()).unwrap_or(0).min(remainders.len());
    if spare > 0 {
        remainders.select_nth_unstable_by(spare - 1, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, i) in remainders.iter().take(spare) {
            if let Some(part) = parts.get_mut(*i) {
                *part += 1;
            }
        }
    }
    if total < 0 {
        parts.iter_mut().for_each(|p| *p = -*p);
    }
    Ok(parts)
}

/// Quotient and remainder (`/` and `%`) of a positive divisor, in 64 bits when both fit:
/// an `i128` division is a library call several times slower.
#[inline]
fn divide(dividend: i128, divisor: i128) -> (i128, i128) {
    match (i64::try_from(dividend), i64::try_from(divisor)) {
        (Ok(n), Ok(d)) if d > 0 => (i128::from(n / d), i128::from(n % d)),
        _ => (dividend / divisor, dividend % divisor),
    }
}

/// Minor units as money. Zero is [`Money::zero`], as everywhere else in the library, so
/// amounts serialize the same whichever way they were computed.
///
/// # Errors
/// [`MoneyError::Overflow`] beyond what a decimal holds (96 bits).
#[inline]
pub(crate) fn money(minor: i128, currency: Currency) -> Result<Money, MoneyError> {
    if minor == 0 {
        return Ok(Money::zero(currency));
    }
    let magnitude = minor.unsigned_abs();
    if magnitude >> 96 != 0 {
        return Err(MoneyError::Overflow);
    }
    // The decimal's 96-bit mantissa in three words, at the currency's scale (0 to 3).
    let (lo, mid, hi) = (magnitude as u32, (magnitude >> 32) as u32, (magnitude >> 64) as u32);
    Ok(Money::new(Decimal::from_parts(lo, mid, hi, minor < 0, currency.minor_units()), currency))
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

        /// Integer allocation splits exactly as `Money::allocate`, in every currency.
        #[test]
        fn allocate_equals_money_allocate(
            total in -1_000_000i64..1_000_000,
            weights in proptest::collection::vec(prop_oneof![1 => Just(0i64), 4 => 0i64..100_000], 1..12),
        ) {
            let minor: Vec<i128> = weights.iter().map(|w| i128::from(*w)).collect();
            for currency in [Currency::USD, Currency::JPY, Currency::KWD] {
                let decimals: Vec<Decimal> =
                    weights.iter().map(|w| Money::from_minor(*w, currency).amount()).collect();
                let expected = Money::from_minor(total, currency).allocate(&decimals);
                let split = allocate(i128::from(total), &minor);
                match expected {
                    Ok(parts) => {
                        let split: Vec<Money> = split.unwrap().into_iter().map(|p| money(p, currency).unwrap()).collect();
                        prop_assert_eq!(split, parts);
                    }
                    Err(e) => prop_assert_eq!(split.unwrap_err(), e),
                }
            }
        }

        /// Minor units become the same money as `Money::from_minor` (zero included, so the
        /// wire format does not depend on the path), and round-trip through `to_minor` up to
        /// the 96 bits a decimal holds.
        #[test]
        fn money_equals_from_minor(minor in any::<i64>(), wide in -(1i128 << 96) + 1..(1i128 << 96)) {
            for currency in [Currency::USD, Currency::JPY, Currency::KWD] {
                let built = money(i128::from(minor), currency).unwrap();
                let expected = Money::from_minor(minor, currency);
                prop_assert_eq!(built, expected);
                prop_assert_eq!(serde_json::to_string(&built).unwrap(), serde_json::to_string(&expected).unwrap());
                prop_assert_eq!(to_minor(&money(wide, currency).unwrap()).unwrap(), wide);
            }
            prop_assert_eq!(money(1i128 << 96, Currency::USD), Err(MoneyError::Overflow));
        }
    }

    /// Amounts past 64 bits take the 128-bit division: percentages round the same way and
    /// splits still add up.
    #[test]
    fn percent_of_past_64_bits_rounds_like_money() {
        for minor in [10i128.pow(20) + 7, -(10i128.pow(20) + 5), 1i128 << 70] {
            for percent in [Decimal::new(125, 1), Decimal::new(15, 0), Decimal::new(3333, 2)] {
                let money = Money::new(Decimal::from_i128_with_scale(minor, 2), Currency::USD);
                let expected = money.checked_mul(percent / Decimal::ONE_HUNDRED).unwrap().round().to_minor().unwrap();
                assert_eq!(percent_of(minor, percent), Some(expected), "{minor} × {percent}%");
            }
        }
        let big: Vec<i128> = vec![1i128 << 40, 3, 1i128 << 39];
        let total = (1i128 << 70) + 1;
        let parts = allocate(total, &big).unwrap();
        assert_eq!(parts.iter().sum::<i128>(), total);
        // Each part within one unit of its exact share.
        for (part, weight) in parts.iter().zip(&big) {
            let exact = total * weight / big.iter().sum::<i128>();
            assert!((part - exact).abs() <= 1);
        }
    }

    /// Amounts past 2^64 minor units take the 128-bit path and still split like `for_units`.
    #[test]
    fn slot_prices_past_64_bits_equal_for_units() {
        let usd = |minor: i128| Money::new(Decimal::from_i128_with_scale(minor, 2), Currency::USD);
        let big = 1i128 << 70;
        let pricing = LinePricing {
            quantity: 7,
            unit_price: usd(big / 7),
            gross: usd(big + 5),
            line_discount: usd(3),
            order_discount: usd(1 << 65),
            tax: usd(big / 3 + 1),
            shipping: usd(11),
            shipping_tax: usd((1 << 66) + 4),
            total: usd(0),
        };
        let captured =
            oms_core::capture(&oms_core::testkit::fixtures::draft("O-1", "E-1", "C-1", &[("1", "TEE", 7)])).unwrap();
        let mut order = crate::ReturnableOrder::all_delivered(&captured, chrono::DateTime::UNIX_EPOCH);
        order.lines[0].pricing = pricing;
        let prices = SlotPrices::new(&order.lines[0]).unwrap();
        assert!(!prices.captured.narrow);
        for (first, count) in [(0, 7), (0, 1), (2, 3), (6, 1)] {
            let expected = pricing.for_units(first, count).unwrap();
            let paid = prices.of(&Units::range(first, count)).unwrap();
            assert_eq!(money(paid.merchandise, Currency::USD).unwrap(), expected.merchandise);
            assert_eq!(money(paid.tax, Currency::USD).unwrap(), expected.tax);
            assert_eq!(money(paid.shipping, Currency::USD).unwrap(), expected.shipping);
            assert_eq!(money(paid.shipping_tax, Currency::USD).unwrap(), expected.shipping_tax);
        }
    }
}

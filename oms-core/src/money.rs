//! Exact money: a decimal amount with its currency.
//!
//! # Rounding
//! The library rounds in exactly one way: to the currency's minor unit, **half away from
//! zero** (`0.125 USD` → `0.13 USD`, `-0.125 USD` → `-0.13 USD`), the convention of most
//! tax authorities and receipts. Rounding only happens where a method says it does
//! ([`Money::round`], and prices multiplied by quantities at capture). Amounts that are split
//! (discounts over lines, a line total over its units) are split with [`Money::allocate`],
//! which never rounds: it hands out whole minor units so the parts add up to the total.
//!
//! # Wire format
//! `{"amount": "12.34", "currency": "USD"}`. The amount is always a decimal *string*; JSON
//! numbers are refused so that no amount ever passes through a binary float.

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::Currency;

/// Why a money operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// Two amounts in different currencies were combined.
    #[error("cannot combine {left} with {right}")]
    CurrencyMismatch {
        /// Currency of the left operand.
        left: Currency,
        /// Currency of the right operand.
        right: Currency,
    },
    /// The currency code is not one the library knows.
    #[error("unknown currency {code:?}")]
    UnknownCurrency {
        /// The code as given.
        code: String,
    },
    /// The result does not fit in a decimal.
    #[error("amount overflow")]
    Overflow,
    /// The amount has more decimals than the currency's minor unit.
    #[error("{amount} has more decimals than {currency} allows ({minor_units})")]
    NotInMinorUnits {
        /// The amount as given.
        amount: Decimal,
        /// Its currency.
        currency: Currency,
        /// Decimal places the currency allows.
        minor_units: u32,
    },
    /// Weights for [`Money::allocate`] were empty, negative, or all zero.
    #[error("invalid allocation weights: {problem}")]
    InvalidWeights {
        /// What is wrong with them.
        problem: &'static str,
    },
}

/// An amount of money in one currency.
///
/// ```
/// use oms_core::{Currency, Money};
/// use rust_decimal_macros::dec;
///
/// let price = Money::new(dec!(19.99), Currency::USD);
/// let total = price.times(3)?.checked_add(Money::new(dec!(4.95), Currency::USD))?;
/// assert_eq!(total, Money::new(dec!(64.92), Currency::USD));
///
/// // Mixed currencies are refused, not converted.
/// assert!(total.checked_add(Money::new(dec!(1), Currency::EUR)).is_err());
///
/// // Splitting never loses a cent.
/// let parts = Money::new(dec!(10.00), Currency::USD).allocate(&[dec!(1), dec!(1), dec!(1)])?;
/// assert_eq!(parts.iter().map(|m| m.amount()).collect::<Vec<_>>(), [dec!(3.34), dec!(3.33), dec!(3.33)]);
/// # Ok::<(), oms_core::MoneyError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    #[serde(with = "crate::decimal_str")]
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// An amount in a currency, at whatever precision it is given (see [`Money::round`]).
    pub fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    /// Zero in `currency`.
    pub fn zero(currency: Currency) -> Money {
        Money::new(Decimal::ZERO, currency)
    }

    /// An amount given in minor units: `from_minor(1234, USD)` is 12.34 USD.
    pub fn from_minor(minor: i64, currency: Currency) -> Money {
        Money::new(Decimal::new(minor, currency.minor_units()), currency)
    }

    /// The decimal amount.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// True when the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// True when the amount is below zero.
    pub fn is_negative(&self) -> bool {
        self.amount < Decimal::ZERO
    }

    /// Sum of two amounts in the same currency.
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`] or [`MoneyError::Overflow`].
    pub fn checked_add(self, rhs: Money) -> Result<Money, MoneyError> {
        self.same_currency(rhs)?;
        let amount = self.amount.checked_add(rhs.amount).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// Difference of two amounts in the same currency.
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`] or [`MoneyError::Overflow`].
    pub fn checked_sub(self, rhs: Money) -> Result<Money, MoneyError> {
        self.same_currency(rhs)?;
        let amount = self.amount.checked_sub(rhs.amount).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// The amount multiplied by a decimal factor, unrounded.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`].
    pub fn checked_mul(self, factor: Decimal) -> Result<Money, MoneyError> {
        let amount = self.amount.checked_mul(factor).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// The amount multiplied by a quantity, unrounded.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`].
    pub fn times(self, quantity: u32) -> Result<Money, MoneyError> {
        self.checked_mul(Decimal::from(quantity))
    }

    /// Compares two amounts of the same currency.
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`]: amounts in different currencies have no order.
    pub fn checked_cmp(&self, other: &Money) -> Result<Ordering, MoneyError> {
        self.same_currency(*other)?;
        Ok(self.amount.cmp(&other.amount))
    }

    /// Sum of amounts, all in `currency` (zero when empty).
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`] or [`MoneyError::Overflow`].
    pub fn sum<'a>(currency: Currency, amounts: impl IntoIterator<Item = &'a Money>) -> Result<Money, MoneyError> {
        amounts.into_iter().try_fold(Money::zero(currency), |acc, m| acc.checked_add(*m))
    }

    /// The amount rounded to the currency's minor unit, half away from zero.
    pub fn round(self) -> Money {
        let amount =
            self.amount.round_dp_with_strategy(self.currency.minor_units(), RoundingStrategy::MidpointAwayFromZero);
        Money::new(amount, self.currency)
    }

    /// True when the amount is a whole number of minor units (`12.30` USD yes, `12.305` no).
    pub fn is_in_minor_units(&self) -> bool {
        self.amount.normalize().scale() <= self.currency.minor_units()
    }

    /// The amount as a whole number of minor units: 12.34 USD is 1234.
    ///
    /// # Errors
    /// [`MoneyError::NotInMinorUnits`] when the amount has finer precision than the currency.
    pub fn to_minor(&self) -> Result<i128, MoneyError> {
        let minor = self.currency.minor_units();
        let scale = self.amount.scale();
        let mantissa = self.amount.mantissa();
        if scale <= minor {
            // |mantissa| < 2^96 and the factor is at most 10^3: cannot overflow i128.
            Ok(mantissa * 10_i128.pow(minor - scale))
        } else {
            let divisor = 10_i128.pow(scale - minor);
            if mantissa % divisor == 0 { Ok(mantissa / divisor) } else { Err(self.not_in_minor_units()) }
        }
    }

    /// Builds an amount from minor units, failing only when it does not fit in a decimal.
    pub(crate) fn from_minor_i128(minor: i128, currency: Currency) -> Result<Money, MoneyError> {
        Decimal::try_from_i128_with_scale(minor, currency.minor_units())
            .map(|amount| Money::new(amount, currency))
            .map_err(|_| MoneyError::Overflow)
    }

    /// Splits the amount over `weights` by largest remainder.
    ///
    /// Each part gets the whole minor units of its exact share `total × weight ÷ Σweights`
    /// rounded toward zero; the minor units left over go one each to the parts with the largest
    /// remainders (ties to the earlier part). So the parts add up to the total exactly and each
    /// is within one minor unit of its exact share. The amount must already be in minor units.
    ///
    /// # Errors
    /// [`MoneyError::NotInMinorUnits`] for an unrounded total, [`MoneyError::InvalidWeights`]
    /// for no weights, a negative weight or weights summing to zero, [`MoneyError::Overflow`]
    /// for astronomically large inputs.
    pub fn allocate(self, weights: &[Decimal]) -> Result<Vec<Money>, MoneyError> {
        let total = self.to_minor()?;
        let weights = integer_weights(weights)?;
        allocate_minor(total, &weights)?.into_iter().map(|minor| Money::from_minor_i128(minor, self.currency)).collect()
    }

    /// The part of `self` that falls on units `first .. first + count` when the amount is
    /// spread evenly over `of` units by [`Money::allocate`] (earlier units take the spare minor
    /// units).
    ///
    /// Taking consecutive ranges and adding them up gives exactly the whole amount, so paying
    /// back a line's units a few at a time never drifts by a cent.
    ///
    /// ```
    /// use oms_core::{Currency, Money};
    /// use rust_decimal_macros::dec;
    /// let line = Money::new(dec!(10.00), Currency::USD);
    /// let one = line.share_of_units(0, 1, 3)?;
    /// let rest = line.share_of_units(1, 2, 3)?;
    /// assert_eq!((one.amount(), rest.amount()), (dec!(3.34), dec!(6.66)));
    /// # Ok::<(), oms_core::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::NotInMinorUnits`] for an unrounded amount; [`MoneyError::InvalidWeights`]
    /// when `of` is zero or the range reaches past `of`.
    pub fn share_of_units(self, first: u32, count: u32, of: u32) -> Result<Money, MoneyError> {
        let end = first
            .checked_add(count)
            .filter(|&end| end <= of && of > 0)
            .ok_or(MoneyError::InvalidWeights { problem: "unit range reaches past the number of units" })?;
        let total = self.to_minor()?;
        let cumulative = |k: u32| -> i128 {
            let (k, n) = (i128::from(k), i128::from(of));
            let (base, spare) = (total.abs() / n, total.abs() % n);
            total.signum() * (k * base + k.min(spare))
        };
        Money::from_minor_i128(cumulative(end) - cumulative(first), self.currency)
    }

    fn same_currency(&self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch { left: self.currency, right: other.currency })
        }
    }

    fn not_in_minor_units(&self) -> MoneyError {
        MoneyError::NotInMinorUnits {
            amount: self.amount,
            currency: self.currency,
            minor_units: self.currency.minor_units(),
        }
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

impl fmt::Display for Money {
    /// `12.30 USD`: at least the currency's minor units, more if the amount has them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut amount = self.amount;
        if amount.scale() < self.currency.minor_units() {
            amount.rescale(self.currency.minor_units());
        }
        write!(f, "{amount} {}", self.currency)
    }
}

/// Scales decimal weights to integers sharing one scale, so allocation is exact integer math.
fn integer_weights(weights: &[Decimal]) -> Result<Vec<i128>, MoneyError> {
    if weights.is_empty() {
        return Err(MoneyError::InvalidWeights { problem: "no weights" });
    }
    if weights.iter().any(|w| w.is_sign_negative() && !w.is_zero()) {
        return Err(MoneyError::InvalidWeights { problem: "a weight is negative" });
    }
    let scale = weights.iter().map(Decimal::scale).max().unwrap_or(0);
    weights
        .iter()
        .map(|w| {
            let factor = 10_i128.checked_pow(scale - w.scale()).ok_or(MoneyError::Overflow)?;
            w.mantissa().checked_mul(factor).ok_or(MoneyError::Overflow)
        })
        .collect()
}

/// Largest-remainder split of `total` minor units over non-negative integer weights.
pub(crate) fn allocate_minor(total: i128, weights: &[i128]) -> Result<Vec<i128>, MoneyError> {
    let weight_sum = weights.iter().try_fold(0_i128, |acc, &w| acc.checked_add(w)).ok_or(MoneyError::Overflow)?;
    if weight_sum == 0 {
        return Err(MoneyError::InvalidWeights { problem: "weights sum to zero" });
    }
    let magnitude = total.checked_abs().ok_or(MoneyError::Overflow)?;
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    let mut handed_out = 0_i128;
    for &w in weights {
        let product = magnitude.checked_mul(w).ok_or(MoneyError::Overflow)?;
        let part = product / weight_sum;
        handed_out += part;
        parts.push(part);
        remainders.push(product % weight_sum);
    }
    // Fewer spare units than parts, since each floor loses less than one unit.
    let spare = magnitude - handed_out;
    if spare > 0 {
        let mut order: Vec<usize> = (0..parts.len()).collect();
        order.sort_by(|&a, &b| remainders.get(b).cmp(&remainders.get(a)).then(a.cmp(&b)));
        for &index in order.iter().take(usize::try_from(spare).unwrap_or(usize::MAX)) {
            if let Some(part) = parts.get_mut(index) {
                *part += 1;
            }
        }
    }
    if total < 0 {
        parts.iter_mut().for_each(|p| *p = -*p);
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn usd(amount: Decimal) -> Money {
        Money::new(amount, Currency::USD)
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(usd(dec!(0.125)).round().amount(), dec!(0.13));
        assert_eq!(usd(dec!(-0.125)).round().amount(), dec!(-0.13));
        assert_eq!(Money::new(dec!(100.5), Currency::JPY).round().amount(), dec!(101));
        assert_eq!(Money::new(dec!(1.2345), Currency::KWD).round().amount(), dec!(1.235));
    }

    #[test]
    fn minor_units_are_exact() {
        assert_eq!(usd(dec!(12.34)).to_minor(), Ok(1234));
        assert_eq!(usd(dec!(12.3400)).to_minor(), Ok(1234));
        assert_eq!(Money::new(dec!(7), Currency::KWD).to_minor(), Ok(7000));
        assert!(usd(dec!(12.345)).to_minor().is_err());
        assert_eq!(Money::from_minor(1234, Currency::USD), usd(dec!(12.34)));
    }

    #[test]
    fn allocation_follows_largest_remainder() {
        let parts = usd(dec!(100)).allocate(&[dec!(1), dec!(2), dec!(3)]).unwrap();
        let amounts: Vec<_> = parts.iter().map(Money::amount).collect();
        assert_eq!(amounts, [dec!(16.67), dec!(33.33), dec!(50.00)]);
        let negative = usd(dec!(-0.05)).allocate(&[dec!(1), dec!(1)]).unwrap();
        assert_eq!(negative.iter().map(Money::amount).collect::<Vec<_>>(), [dec!(-0.03), dec!(-0.02)]);
        let zero_weight = usd(dec!(1)).allocate(&[dec!(0), dec!(3.5)]).unwrap();
        assert_eq!(zero_weight[0].amount(), dec!(0));
    }

    #[test]
    fn allocation_refuses_bad_weights() {
        assert!(usd(dec!(1)).allocate(&[]).is_err());
        assert!(usd(dec!(1)).allocate(&[dec!(0), dec!(0)]).is_err());
        assert!(usd(dec!(1)).allocate(&[dec!(-1), dec!(2)]).is_err());
        assert!(usd(dec!(1.001)).allocate(&[dec!(1)]).is_err());
    }

    #[test]
    fn unit_shares_add_up() {
        let line = Money::new(dec!(1.000), Currency::KWD);
        let parts: Vec<_> = (0..3).map(|u| line.share_of_units(u, 1, 3).unwrap().amount()).collect();
        assert_eq!(parts, [dec!(0.334), dec!(0.333), dec!(0.333)]);
        assert!(line.share_of_units(2, 2, 3).is_err());
        assert!(line.share_of_units(0, 0, 0).is_err());
    }

    #[test]
    fn wire_format_is_a_decimal_string() {
        let json = serde_json::to_string(&usd(dec!(12.30))).unwrap();
        assert_eq!(json, r#"{"amount":"12.30","currency":"USD"}"#);
        assert!(serde_json::from_str::<Money>(r#"{"amount":12.3,"currency":"USD"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"amount":"1","currency":"XXX"}"#).is_err());
    }

    #[test]
    fn display_shows_minor_units() {
        assert_eq!(usd(dec!(5)).to_string(), "5.00 USD");
        assert_eq!(Money::new(dec!(5), Currency::JPY).to_string(), "5 JPY");
    }
}

//! What was paid: per line, per unit, and for the order.
//!
//! Capture prices every line once; everything later that gives money back (cancellations,
//! returns) takes its amounts from here with [`LinePricing::for_units`], so the amounts paid
//! back for a line, unit by unit in any order of events, add up exactly to what was paid.

use serde::{Deserialize, Serialize};

use crate::{Money, MoneyError};

/// The price breakdown of one order line. All amounts are in minor units.
///
/// `total = gross - line_discount - order_discount + tax + shipping + shipping_tax`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinePricing {
    /// Units the amounts below cover.
    pub quantity: u32,
    /// Price of one unit as sent by the channel (may have more decimals than the currency).
    pub unit_price: Money,
    /// `unit_price × quantity`, rounded to minor units.
    pub gross: Money,
    /// Discounts given on this line.
    pub line_discount: Money,
    /// This line's share of the order-level discounts.
    pub order_discount: Money,
    /// Tax on the line.
    pub tax: Money,
    /// This line's share of the shipping charges.
    pub shipping: Money,
    /// This line's share of the tax on shipping.
    pub shipping_tax: Money,
    /// What the customer paid for the line.
    pub total: Money,
}

/// The amounts that fall on some units of a line; see [`LinePricing::for_units`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitAmounts {
    /// Merchandise after all discounts.
    pub merchandise: Money,
    /// Tax on the merchandise.
    pub tax: Money,
    /// Shipping charged.
    pub shipping: Money,
    /// Tax on the shipping.
    pub shipping_tax: Money,
    /// The sum of the four.
    pub total: Money,
}

impl LinePricing {
    /// Merchandise paid for: gross minus line and order discounts.
    ///
    /// # Errors
    /// [`MoneyError`] only for amounts built by hand in mixed currencies.
    pub fn merchandise(&self) -> Result<Money, MoneyError> {
        self.gross.checked_sub(self.line_discount)?.checked_sub(self.order_discount)
    }

    /// What was paid for units `first .. first + count` of the line.
    ///
    /// Each component is spread over the units with [`Money::share_of_units`], so taking
    /// consecutive ranges (units 0..1, then 1..3, ...) until the line is exhausted pays back
    /// exactly `total`, component by component, to the minor unit.
    ///
    /// # Errors
    /// [`MoneyError::InvalidWeights`] when the range reaches past the line's quantity.
    pub fn for_units(&self, first: u32, count: u32) -> Result<UnitAmounts, MoneyError> {
        let share = |m: Money| m.share_of_units(first, count, self.quantity);
        let merchandise = share(self.merchandise()?)?;
        let tax = share(self.tax)?;
        let shipping = share(self.shipping)?;
        let shipping_tax = share(self.shipping_tax)?;
        let total = merchandise.checked_add(tax)?.checked_add(shipping)?.checked_add(shipping_tax)?;
        Ok(UnitAmounts { merchandise, tax, shipping, shipping_tax, total })
    }
}

/// Order totals; they equal the sums over the lines to the minor unit.
///
/// `total = subtotal - discounts + shipping + tax`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderTotals {
    /// Sum of the lines' gross amounts.
    pub subtotal: Money,
    /// Line and order discounts.
    pub discounts: Money,
    /// Shipping charges.
    pub shipping: Money,
    /// Tax on merchandise and shipping.
    pub tax: Money,
    /// What the customer pays.
    pub total: Money,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;
    use rust_decimal_macros::dec;

    #[test]
    fn unit_ranges_add_up_to_the_line() {
        let usd = |d| Money::new(d, Currency::USD);
        let pricing = LinePricing {
            quantity: 3,
            unit_price: usd(dec!(10)),
            gross: usd(dec!(30.00)),
            line_discount: usd(dec!(0)),
            order_discount: usd(dec!(5.00)),
            tax: usd(dec!(2.00)),
            shipping: usd(dec!(1.00)),
            shipping_tax: usd(dec!(0.10)),
            total: usd(dec!(28.10)),
        };
        let first = pricing.for_units(0, 1).unwrap();
        let rest = pricing.for_units(1, 2).unwrap();
        assert_eq!(first.merchandise.amount(), dec!(8.34));
        assert_eq!(first.total.checked_add(rest.total).unwrap(), pricing.total);
        assert!(pricing.for_units(2, 2).is_err());
    }
}

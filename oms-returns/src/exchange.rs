//! Exchanges: the customer takes other goods instead of (some of) their money back.

use oms_core::{Currency, LineId, Money, MoneyError, OrderId, Sku};
use serde::{Deserialize, Serialize};

use crate::paid::money;
use crate::{PreparedOrder, Rma, RmaId};

/// The exchange a customer asks for with a return.
///
/// - **Even**: every replacement is a [`ExchangeItem::Swap`], the same line's item in another
///   variant at the same price: it is worth exactly what the returned units paid (merchandise
///   and tax), so nothing changes hands when they all come back.
/// - **Uneven**: some replacement is an [`ExchangeItem::Buy`] at the host's price: the
///   difference with the credit is refunded or charged when the RMA is refunded.
/// - **Advance** (`advance: true`): the replacement ships when the RMA is approved, before the
///   return arrives; if nothing arrives in time the RMA expires and the customer is charged the
///   replacement.
///
/// The replacement is new outbound demand ([`ReplacementDemand`]) for the host to turn into an
/// order and reserve: on approval for an advance exchange, on refund otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRequest {
    /// What the customer gets instead.
    pub items: Vec<ExchangeItem>,
    /// Ship the replacement now, before the return arrives.
    #[serde(default)]
    pub advance: bool,
}

/// One replacement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExchangeItem {
    /// `quantity` of the units returned on `line` replaced by `sku` at the same price.
    Swap {
        /// A line of the RMA.
        line: LineId,
        /// The replacement variant.
        sku: Sku,
        /// At most the units returned on the line.
        quantity: u32,
    },
    /// Another item at the host's price.
    Buy {
        /// The item.
        sku: Sku,
        /// How many.
        quantity: u32,
        /// Price of one unit before tax, in minor units.
        unit_price: Money,
        /// Tax on one unit, in minor units.
        unit_tax: Money,
    },
}

/// Even or uneven; see [`ExchangeRequest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExchangeKind {
    /// Only swaps at the same price.
    Even,
    /// Some replacement at another price.
    Uneven,
}

impl ExchangeRequest {
    /// Even when every item is a swap.
    pub fn kind(&self) -> ExchangeKind {
        if self.items.iter().all(|i| matches!(i, ExchangeItem::Swap { .. })) {
            ExchangeKind::Even
        } else {
            ExchangeKind::Uneven
        }
    }

    /// Checks the items against the RMA's lines and the order's currency.
    pub(crate) fn check(&self, currency: Currency, returned: impl Fn(&LineId) -> Option<u32>) -> Result<(), String> {
        if self.items.is_empty() {
            return Err("no replacement items".into());
        }
        for (i, item) in self.items.iter().enumerate() {
            match item {
                ExchangeItem::Swap { line, quantity, .. } => {
                    let Some(returned) = returned(line) else {
                        return Err(format!("items[{i}] swaps line {line}, which the return does not include"));
                    };
                    let swapped: u64 = self
                        .items
                        .iter()
                        .filter_map(|it| match it {
                            ExchangeItem::Swap { line: l, quantity: q, .. } if l == line => Some(u64::from(*q)),
                            _ => None,
                        })
                        .sum();
                    if *quantity == 0 || swapped > u64::from(returned) {
                        return Err(format!(
                            "items[{i}] swaps {swapped} units of line {line}, which returns {returned}"
                        ));
                    }
                }
                ExchangeItem::Buy { quantity, unit_price, unit_tax, .. } => {
                    if *quantity == 0 {
                        return Err(format!("items[{i}] has quantity 0"));
                    }
                    for (field, m) in [("unit_price", unit_price), ("unit_tax", unit_tax)] {
                        if m.currency() != currency || m.is_negative() || !m.is_in_minor_units() {
                            return Err(format!("items[{i}].{field} {m} must be a non-negative {currency} amount"));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// New outbound demand: what the host must ship to the customer for an exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplacementDemand {
    /// The original order.
    pub order: OrderId,
    /// The RMA it belongs to (a natural idempotency key for the new order).
    pub rma: RmaId,
    /// Shipped before the return arrives.
    pub advance: bool,
    /// What to ship, in the exchange's order.
    pub lines: Vec<ReplacementLine>,
    /// What the replacements are worth in total (merchandise and tax).
    pub value: Money,
}

/// One replacement to ship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplacementLine {
    /// The item.
    pub sku: Sku,
    /// How many.
    pub quantity: u32,
    /// Its merchandise value (already paid for by a swap; priced by the host for a buy).
    pub merchandise: Money,
    /// Its tax.
    pub tax: Money,
    /// The line whose units it replaces, for a swap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<LineId>,
}

/// The demand for an RMA's exchange. A swap is valued at the lowest `quantity` of the slots
/// the RMA holds on its line: the same slots the credit pays back first, so an even exchange
/// whose units all arrive settles at exactly zero.
pub(crate) fn replacement_demand(
    order: &PreparedOrder,
    rma: &Rma,
    exchange: &ExchangeRequest,
) -> Result<ReplacementDemand, MoneyError> {
    let currency = order.order().currency;
    let mut lines = Vec::with_capacity(exchange.items.len());
    for item in &exchange.items {
        let line = match item {
            ExchangeItem::Swap { line, sku, quantity } => {
                let units = rma.line(line).map(|l| l.units().lowest(*quantity)).unwrap_or_default();
                let paid = match order.line(line) {
                    Some((_, prices)) => prices.paid(&units)?,
                    None => crate::paid::Paid::default(),
                };
                ReplacementLine {
                    sku: sku.clone(),
                    quantity: *quantity,
                    merchandise: money(paid.merchandise, currency)?,
                    tax: money(paid.tax, currency)?,
                    replaces: Some(line.clone()),
                }
            }
            ExchangeItem::Buy { sku, quantity, unit_price, unit_tax } => ReplacementLine {
                sku: sku.clone(),
                quantity: *quantity,
                merchandise: unit_price.times(*quantity)?,
                tax: unit_tax.times(*quantity)?,
                replaces: None,
            },
        };
        lines.push(line);
    }
    let value =
        lines.iter().try_fold(Money::zero(currency), |sum, l| sum.checked_add(l.merchandise)?.checked_add(l.tax))?;
    Ok(ReplacementDemand {
        order: order.order().order_id.clone(),
        rma: rma.id().clone(),
        advance: exchange.advance,
        lines,
        value,
    })
}

//! Order drafts: orders as channels send them, before validation.
//!
//! A draft holds plain strings and decimals so that every problem can be reported by
//! [`capture`](crate::capture()) with the field and line it concerns, rather than failing
//! somewhere inside deserialization. Capture turns a draft into a validated, priced
//! [`OrderCaptured`](crate::OrderCaptured) event.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{Address, ChannelKind, HoldKind, Money};

/// A money amount as a channel sent it: a decimal and a currency code, checked at capture.
///
/// Same wire format as [`Money`]: `{"amount": "19.99", "currency": "USD"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyInput {
    /// The amount, a decimal string on the wire.
    #[serde(with = "crate::decimal_str")]
    pub amount: Decimal,
    /// ISO 4217 code.
    pub currency: String,
}

impl MoneyInput {
    /// An amount with a currency code.
    pub fn new(amount: Decimal, currency: impl Into<String>) -> MoneyInput {
        MoneyInput { amount, currency: currency.into() }
    }
}

impl From<Money> for MoneyInput {
    fn from(money: Money) -> Self {
        MoneyInput::new(money.amount(), money.currency().code())
    }
}

/// The channel an order draft came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelDraft {
    /// Kind of channel.
    pub kind: ChannelKind,
    /// Channel id.
    pub id: String,
    /// The channel's own order number; capture is idempotent on `(id, external_order_id)`.
    pub external_order_id: String,
}

/// An order as a channel sent it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderDraft {
    /// The id the OMS will know the order by, chosen by the host (a UUID, a sequence).
    pub order_id: String,
    /// Where the order came from.
    pub channel: ChannelDraft,
    /// Who placed it.
    pub customer_id: String,
    /// ISO 4217 code every amount of the order must use.
    pub currency: String,
    /// When the customer placed it.
    pub placed_at: DateTime<Utc>,
    /// Default ship-to address for lines that ship and name none of their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_to: Option<Address>,
    /// The lines, at least one.
    pub lines: Vec<LineDraft>,
    /// Order-level discounts, spread over the lines at capture.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discounts: Vec<DiscountDraft>,
    /// Shipping charges, spread over the lines that ship (all lines when none ship).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shipping: Vec<ChargeDraft>,
    /// Free-form attributes (gift message, B2B cost centre, ...); routing rules may read them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// Holds to place at capture, each over the whole order (payment not yet authorised, a
    /// fraud score to review, ...). The order is never visible without them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holds: Vec<HoldKind>,
}

/// One line of an order draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineDraft {
    /// Line id, unique within the order.
    pub line_id: String,
    /// The item.
    pub sku: String,
    /// Units ordered, at least 1.
    pub quantity: u32,
    /// Price of one unit before discounts, may have more decimals than the currency.
    pub unit_price: MoneyInput,
    /// Discounts on this line, as totals for the whole line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discounts: Vec<DiscountDraft>,
    /// Tax on the whole line, as computed by the host's tax engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax: Option<MoneyInput>,
    /// Ship to an address or pick up at a node.
    #[serde(default)]
    pub fulfillment: FulfillmentDraft,
}

impl LineDraft {
    /// A line shipped to the order's `ship_to`, with no discount or tax.
    pub fn new(line_id: impl Into<String>, sku: impl Into<String>, quantity: u32, unit_price: MoneyInput) -> LineDraft {
        LineDraft {
            line_id: line_id.into(),
            sku: sku.into(),
            quantity,
            unit_price,
            discounts: Vec::new(),
            tax: None,
            fulfillment: FulfillmentDraft::default(),
        }
    }
}

/// How a line reaches the customer, as the channel sent it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum FulfillmentDraft {
    /// Ship to `address`, or to the order's `ship_to` when absent.
    Ship {
        /// Address for this line only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<Address>,
    },
    /// Collect at a store or locker.
    Pickup {
        /// The pickup node id (required).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        node: Option<String>,
    },
}

impl Default for FulfillmentDraft {
    fn default() -> Self {
        FulfillmentDraft::Ship { address: None }
    }
}

/// A discount: a code or reason and the amount taken off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountDraft {
    /// Promotion code or reason.
    pub code: String,
    /// Amount off (positive).
    pub amount: MoneyInput,
}

/// A charge such as shipping, with its tax.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeDraft {
    /// What the charge is ("standard", "express", ...).
    pub code: String,
    /// Amount charged before tax.
    pub amount: MoneyInput,
    /// Tax on the charge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax: Option<MoneyInput>,
}

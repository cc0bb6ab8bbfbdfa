//! Capture: validate an order draft and price it.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::money::allocate_minor;

use crate::{
    Address, Adjustment, CapturedLine, ChannelId, ChannelRef, Charge, Currency, CustomerId, ExternalOrderId,
    FulfillmentDraft, FulfillmentIntent, HoldKind, IdError, LineId, LinePricing, Money, MoneyError, MoneyInput, NodeId,
    OrderCaptured, OrderDraft, OrderId, OrderTotals, Sku,
};

/// Most lines an order may have. Bounding it keeps every sum of amounts inside `i128`.
pub const MAX_LINES: usize = 10_000;
/// Longest accepted attribute key, in bytes.
const MAX_ATTRIBUTE_KEY: usize = 128;
/// Longest accepted attribute value, in bytes.
const MAX_ATTRIBUTE_VALUE: usize = 4096;

/// A draft refused by [`capture`]: which field, which line, and what is wrong.
///
/// `field` is a path into the draft such as `lines[1].unit_price.currency`; `line` is the id
/// of the line concerned, when there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}{}: {problem}", line_suffix(.line))]
#[non_exhaustive]
pub struct CaptureError {
    /// Path of the offending field in the draft.
    pub field: String,
    /// Id of the offending line, as given in the draft.
    pub line: Option<String>,
    /// What is wrong.
    pub problem: CaptureProblem,
}

fn line_suffix(line: &Option<String>) -> String {
    line.as_ref().map(|l| format!(" (line {l:?})")).unwrap_or_default()
}

/// What is wrong with a refused draft.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CaptureProblem {
    /// The order has no lines.
    #[error("an order needs at least one line")]
    NoLines,
    /// An id is empty, too long or has control characters.
    #[error(transparent)]
    InvalidId(IdError),
    /// More than [`MAX_LINES`] lines.
    #[error("{count} lines; an order may have at most {MAX_LINES}")]
    TooManyLines {
        /// Lines in the draft.
        count: usize,
    },
    /// Two lines share an id.
    #[error("line id is used by an earlier line")]
    DuplicateLineId,
    /// A line's quantity is zero.
    #[error("quantity must be at least 1")]
    ZeroQuantity,
    /// A currency code is not known.
    #[error("unknown currency {code:?}")]
    UnknownCurrency {
        /// The code as given.
        code: String,
    },
    /// An amount is not in the order's currency.
    #[error("amount is in {found}, the order is in {expected}")]
    CurrencyMismatch {
        /// The order's currency.
        expected: Currency,
        /// The amount's currency.
        found: Currency,
    },
    /// A price, discount, tax or charge is negative.
    #[error("amount {amount} is negative")]
    NegativeAmount {
        /// The amount as given.
        amount: Decimal,
    },
    /// A discount, tax or charge has more decimals than the currency's minor unit.
    #[error("amount {amount} has more decimals than {currency} allows")]
    TooPrecise {
        /// The amount as given.
        amount: Decimal,
        /// The order's currency.
        currency: Currency,
    },
    /// Discounts exceed what they discount.
    #[error("discount {discount} is larger than the price {price}")]
    DiscountExceedsPrice {
        /// Total discount.
        discount: Money,
        /// What it was taken off.
        price: Money,
    },
    /// A line ships but neither it nor the order has an address.
    #[error("a line that ships needs an address, on the line or in the order's ship_to")]
    MissingShipAddress,
    /// A pickup line names no pickup node.
    #[error("a pickup line needs a pickup node")]
    MissingPickupNode,
    /// An address field is missing or malformed.
    #[error("{problem}")]
    InvalidAddress {
        /// What is wrong with it.
        problem: &'static str,
    },
    /// An attribute key or value is empty, too long or has control characters.
    #[error("attribute {problem}")]
    InvalidAttribute {
        /// What is wrong with it.
        problem: &'static str,
    },
    /// Amounts too large to add up.
    #[error("amounts are too large to add up")]
    Overflow,
}

fn refuse(field: impl Into<String>, line: Option<&str>, problem: CaptureProblem) -> CaptureError {
    CaptureError { field: field.into(), line: line.map(str::to_owned), problem }
}

fn parse_id<T>(value: &str, field: impl FnOnce() -> String, line: Option<&str>) -> Result<T, CaptureError>
where
    T: TryFrom<String, Error = IdError> + for<'a> TryFrom<&'a str, Error = IdError>,
{
    T::try_from(value).map_err(|e| refuse(field(), line, CaptureProblem::InvalidId(e)))
}

/// Checks an amount's currency and sign, and optionally that it is in minor units.
fn money(
    input: &MoneyInput,
    currency: Currency,
    exact: bool,
    field: impl Fn() -> String,
    line: Option<&str>,
) -> Result<Money, CaptureError> {
    if input.currency != currency.code() {
        let found = Currency::from_code(&input.currency).ok_or_else(|| {
            refuse(
                format!("{}.currency", field()),
                line,
                CaptureProblem::UnknownCurrency { code: input.currency.clone() },
            )
        })?;
        return Err(refuse(
            format!("{}.currency", field()),
            line,
            CaptureProblem::CurrencyMismatch { expected: currency, found },
        ));
    }
    if input.amount.is_sign_negative() && !input.amount.is_zero() {
        return Err(refuse(field(), line, CaptureProblem::NegativeAmount { amount: input.amount }));
    }
    let m = Money::new(input.amount, currency);
    if exact && !m.is_in_minor_units() {
        return Err(refuse(field(), line, CaptureProblem::TooPrecise { amount: input.amount, currency }));
    }
    Ok(m)
}

fn address(address: &Address, prefix: impl Fn() -> String, line: Option<&str>) -> Result<(), CaptureError> {
    address.validate().map_err(|e| {
        refuse(format!("{}.{}", prefix(), e.field), line, CaptureProblem::InvalidAddress { problem: e.problem })
    })
}

/// A line validated but not yet given its shares of order-level amounts; amounts in minor units.
struct PendingLine {
    id: LineId,
    sku: Sku,
    quantity: u32,
    fulfillment: FulfillmentIntent,
    unit_price: Money,
    gross: i128,
    line_discount: i128,
    tax: i128,
}

/// A validated amount in minor units (cannot fail after `money(.., exact = true, ..)`).
fn minor(m: Money, field: impl Fn() -> String, line: Option<&str>) -> Result<i128, CaptureError> {
    m.to_minor()
        .map_err(|_| refuse(field(), line, CaptureProblem::TooPrecise { amount: m.amount(), currency: m.currency() }))
}

fn from_minor(
    minor: i128,
    currency: Currency,
    field: impl Fn() -> String,
    line: Option<&str>,
) -> Result<Money, CaptureError> {
    Money::from_minor_i128(minor, currency).map_err(|_| refuse(field(), line, CaptureProblem::Overflow))
}

/// Validates a draft and prices it into the event that starts the order's history.
///
/// Pricing, all in the order's currency and minor units:
/// 1. each line's `gross` is `unit_price × quantity`, rounded half away from zero;
/// 2. line discounts come off their line and may not exceed its gross;
/// 3. order-level discounts are spread over the lines by largest remainder, weighted by
///    what each line costs after its own discounts; they may not exceed that total;
/// 4. shipping charges and their tax are spread the same way over the lines that ship,
///    weighted by what those lines cost after discounts (by quantity if that is all zero);
///    over all lines when none ships;
/// 5. each line's total is what the customer paid for it; the order total is their sum.
///
/// # Errors
/// The first problem found, as a [`CaptureError`] naming the field and line.
///
/// ```
/// use oms_core::{capture, ChannelDraft, ChannelKind, LineDraft, MoneyInput, OrderDraft, FulfillmentDraft};
/// use rust_decimal_macros::dec;
///
/// let draft = OrderDraft {
///     order_id: "O-1".into(),
///     channel: ChannelDraft { kind: ChannelKind::Pos, id: "store-12".into(), external_order_id: "R-9".into() },
///     customer_id: "C-1".into(),
///     currency: "USD".into(),
///     placed_at: "2026-11-27T10:00:00Z".parse().unwrap(),
///     ship_to: None,
///     lines: vec![LineDraft {
///         fulfillment: FulfillmentDraft::Pickup { node: Some("store-12".into()) },
///         ..LineDraft::new("1", "MUG", 2, MoneyInput::new(dec!(7.50), "USD"))
///     }],
///     discounts: vec![],
///     shipping: vec![],
///     attributes: Default::default(),
///     holds: vec![],
/// };
/// let captured = capture(&draft)?;
/// assert_eq!(captured.totals.total.amount(), dec!(15.00));
///
/// let mut bad = draft.clone();
/// bad.lines[0].quantity = 0;
/// let err = capture(&bad).unwrap_err();
/// assert_eq!(err.field, "lines[0].quantity");
/// assert_eq!(err.line.as_deref(), Some("1"));
/// # Ok::<(), oms_core::CaptureError>(())
/// ```
pub fn capture(draft: &OrderDraft) -> Result<OrderCaptured, CaptureError> {
    let order_id: OrderId = parse_id(&draft.order_id, || "order_id".into(), None)?;
    let channel = ChannelRef {
        kind: draft.channel.kind,
        id: parse_id::<ChannelId>(&draft.channel.id, || "channel.id".into(), None)?,
        external_order_id: parse_id::<ExternalOrderId>(
            &draft.channel.external_order_id,
            || "channel.external_order_id".into(),
            None,
        )?,
    };
    let customer_id: CustomerId = parse_id(&draft.customer_id, || "customer_id".into(), None)?;
    let currency = Currency::from_code(&draft.currency)
        .ok_or_else(|| refuse("currency", None, CaptureProblem::UnknownCurrency { code: draft.currency.clone() }))?;
    if let Some(ship_to) = &draft.ship_to {
        address(ship_to, || "ship_to".into(), None)?;
    }
    let ship_to = draft.ship_to.clone().map(Arc::new);
    check_attributes(&draft.attributes)?;
    if draft.lines.is_empty() {
        return Err(refuse("lines", None, CaptureProblem::NoLines));
    }
    if draft.lines.len() > MAX_LINES {
        return Err(refuse("lines", None, CaptureProblem::TooManyLines { count: draft.lines.len() }));
    }

    let mut pending = Vec::with_capacity(draft.lines.len());
    for (i, line) in draft.lines.iter().enumerate() {
        let raw_id = Some(line.line_id.as_str());
        let at = |suffix: &str| format!("lines[{i}].{suffix}");
        let id: LineId = parse_id(&line.line_id, || at("line_id"), raw_id)?;
        // Orders have few lines: a scan beats hashing.
        if pending.iter().any(|p: &PendingLine| p.id == id) {
            return Err(refuse(at("line_id"), raw_id, CaptureProblem::DuplicateLineId));
        }
        let sku: Sku = parse_id(&line.sku, || at("sku"), raw_id)?;
        if line.quantity == 0 {
            return Err(refuse(at("quantity"), raw_id, CaptureProblem::ZeroQuantity));
        }
        let unit_price = money(&line.unit_price, currency, false, || at("unit_price"), raw_id)?;
        let gross = unit_price
            .times(line.quantity)
            .and_then(|m| m.round().to_minor())
            .map_err(|_| refuse(at("unit_price"), raw_id, CaptureProblem::Overflow))?;
        let mut line_discount = 0_i128;
        for (d, discount) in line.discounts.iter().enumerate() {
            let field = || at(&format!("discounts[{d}].amount"));
            let amount = minor(money(&discount.amount, currency, true, field, raw_id)?, field, raw_id)?;
            line_discount =
                line_discount.checked_add(amount).ok_or_else(|| refuse(field(), raw_id, CaptureProblem::Overflow))?;
        }
        if line_discount > gross {
            return Err(refuse(
                at("discounts"),
                raw_id,
                CaptureProblem::DiscountExceedsPrice {
                    discount: from_minor(line_discount, currency, || at("discounts"), raw_id)?,
                    price: from_minor(gross, currency, || at("unit_price"), raw_id)?,
                },
            ));
        }
        let tax = match &line.tax {
            Some(tax) => minor(money(tax, currency, true, || at("tax"), raw_id)?, || at("tax"), raw_id)?,
            None => 0,
        };
        let fulfillment = match &line.fulfillment {
            FulfillmentDraft::Ship { address: Some(own) } => {
                address(own, || at("fulfillment.address"), raw_id)?;
                FulfillmentIntent::Ship { address: Arc::new(own.clone()) }
            }
            FulfillmentDraft::Ship { address: None } => match &ship_to {
                Some(ship_to) => FulfillmentIntent::Ship { address: Arc::clone(ship_to) },
                None => return Err(refuse(at("fulfillment.address"), raw_id, CaptureProblem::MissingShipAddress)),
            },
            FulfillmentDraft::Pickup { node: Some(node) } => {
                FulfillmentIntent::Pickup { node: parse_id::<NodeId>(node, || at("fulfillment.node"), raw_id)? }
            }
            FulfillmentDraft::Pickup { node: None } => {
                return Err(refuse(at("fulfillment.node"), raw_id, CaptureProblem::MissingPickupNode));
            }
        };
        pending.push(PendingLine {
            id,
            sku,
            quantity: line.quantity,
            fulfillment,
            unit_price,
            gross,
            line_discount,
            tax,
        });
    }

    price(order_id, channel, customer_id, currency, ship_to, draft, pending)
}

/// Spreads order-level discounts and shipping over validated lines and builds the event.
///
/// All arithmetic is on whole minor units (exact integers); amounts become [`Money`] at the end.
fn price(
    order_id: OrderId,
    channel: ChannelRef,
    customer_id: CustomerId,
    currency: Currency,
    ship_to: Option<Arc<Address>>,
    draft: &OrderDraft,
    pending: Vec<PendingLine>,
) -> Result<OrderCaptured, CaptureError> {
    let overflow = |field: &str| refuse(field, None, CaptureProblem::Overflow);
    let mut discounts = Vec::with_capacity(draft.discounts.len());
    let mut order_discount = 0_i128;
    for (d, discount) in draft.discounts.iter().enumerate() {
        let field = || format!("discounts[{d}].amount");
        let amount = money(&discount.amount, currency, true, field, None)?;
        order_discount =
            order_discount.checked_add(minor(amount, field, None)?).ok_or_else(|| overflow("discounts"))?;
        discounts.push(Adjustment { code: discount.code.clone(), amount });
    }
    let mut shipping = Vec::with_capacity(draft.shipping.len());
    let (mut shipping_total, mut shipping_tax) = (0_i128, 0_i128);
    for (c, charge) in draft.shipping.iter().enumerate() {
        let field = || format!("shipping[{c}].amount");
        let amount = money(&charge.amount, currency, true, field, None)?;
        let tax = match &charge.tax {
            Some(tax) => money(tax, currency, true, || format!("shipping[{c}].tax"), None)?,
            None => Money::zero(currency),
        };
        shipping_total = shipping_total.checked_add(minor(amount, field, None)?).ok_or_else(|| overflow("shipping"))?;
        shipping_tax = shipping_tax.checked_add(minor(tax, field, None)?).ok_or_else(|| overflow("shipping"))?;
        shipping.push(Charge { code: charge.code.clone(), amount, tax });
    }

    // Order discounts are weighted by what each line costs after its own discounts.
    let net: Vec<i128> = pending.iter().map(|l| l.gross - l.line_discount).collect();
    let net_total = net.iter().try_fold(0_i128, |a, n| a.checked_add(*n)).ok_or_else(|| overflow("lines"))?;
    if order_discount > net_total {
        return Err(refuse(
            "discounts",
            None,
            CaptureProblem::DiscountExceedsPrice {
                discount: from_minor(order_discount, currency, || "discounts".into(), None)?,
                price: from_minor(net_total, currency, || "lines".into(), None)?,
            },
        ));
    }
    let order_discounts = spread(order_discount, &net).map_err(|_| overflow("discounts"))?;

    // Shipping falls on the lines that ship, weighted by what they cost after all discounts
    // (by quantity when that is zero everywhere), or on every line when none ships.
    let any_ships = pending.iter().any(|l| matches!(l.fulfillment, FulfillmentIntent::Ship { .. }));
    let bears_shipping = |l: &PendingLine| !any_ships || matches!(l.fulfillment, FulfillmentIntent::Ship { .. });
    let mut weights: Vec<i128> = pending
        .iter()
        .zip(&net)
        .zip(&order_discounts)
        .map(|((l, n), d)| if bears_shipping(l) { n - d } else { 0 })
        .collect();
    if weights.iter().all(|w| *w == 0) {
        weights = pending.iter().map(|l| if bears_shipping(l) { i128::from(l.quantity) } else { 0 }).collect();
    }
    let shipping_shares = spread(shipping_total, &weights).map_err(|_| overflow("shipping"))?;
    let shipping_tax_shares = spread(shipping_tax, &weights).map_err(|_| overflow("shipping"))?;

    let mut lines = Vec::with_capacity(pending.len());
    let (mut subtotal, mut discount_total, mut shipping_sum, mut tax_total, mut grand_total) = (0_i128, 0, 0, 0, 0);
    for (((line, order_discount), shipping), shipping_tax) in
        pending.into_iter().zip(order_discounts).zip(shipping_shares).zip(shipping_tax_shares)
    {
        // Terms are below 2^106 minor units (a decimal's range times 10^3) and there are at most
        // MAX_LINES lines, so these i128 sums stay far below 2^127.
        let total = line.gross - line.line_discount - order_discount + line.tax + shipping + shipping_tax;
        subtotal += line.gross;
        discount_total += line.line_discount + order_discount;
        shipping_sum += shipping;
        tax_total += line.tax + shipping_tax;
        grand_total += total;
        let id = line.id.as_str();
        let m = |v: i128| from_minor(v, currency, || "lines".into(), Some(id));
        let pricing = LinePricing {
            quantity: line.quantity,
            unit_price: line.unit_price,
            gross: m(line.gross)?,
            line_discount: m(line.line_discount)?,
            order_discount: m(order_discount)?,
            tax: m(line.tax)?,
            shipping: m(shipping)?,
            shipping_tax: m(shipping_tax)?,
            total: m(total)?,
        };
        lines.push(CapturedLine {
            id: line.id,
            sku: line.sku,
            quantity: line.quantity,
            fulfillment: line.fulfillment,
            pricing,
        });
    }
    let m = |v: i128| from_minor(v, currency, || "totals".into(), None);
    let totals = OrderTotals {
        subtotal: m(subtotal)?,
        discounts: m(discount_total)?,
        shipping: m(shipping_sum)?,
        tax: m(tax_total)?,
        total: m(grand_total)?,
    };

    Ok(OrderCaptured {
        order_id,
        channel,
        customer_id,
        currency,
        placed_at: draft.placed_at,
        ship_to,
        lines,
        discounts,
        shipping,
        totals,
        attributes: draft.attributes.clone(),
        holds: unique_holds(&draft.holds),
    })
}

/// Splits `amount` minor units over `weights` by largest remainder; zero needs no weights.
fn spread(amount: i128, weights: &[i128]) -> Result<Vec<i128>, MoneyError> {
    if amount == 0 {
        return Ok(vec![0; weights.len()]);
    }
    allocate_minor(amount, weights)
}

/// The draft's holds without repeats (a hold kind is either set or not), in draft order.
fn unique_holds(holds: &[HoldKind]) -> Vec<HoldKind> {
    let mut unique: Vec<HoldKind> = Vec::with_capacity(holds.len());
    for hold in holds {
        if !unique.contains(hold) {
            unique.push(hold.clone());
        }
    }
    unique
}

fn check_attributes(attributes: &BTreeMap<String, String>) -> Result<(), CaptureError> {
    for (key, value) in attributes {
        let problem = if key.is_empty() || key.len() > MAX_ATTRIBUTE_KEY || key.chars().any(char::is_control) {
            Some("keys must be 1 to 128 bytes without control characters")
        } else if value.len() > MAX_ATTRIBUTE_VALUE {
            Some("values must be at most 4096 bytes")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(refuse(format!("attributes.{key}"), None, CaptureProblem::InvalidAttribute { problem }));
        }
    }
    Ok(())
}

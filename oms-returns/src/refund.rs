//! Exact refunds: what the returned units paid, less fees, plus shipping by policy.

use std::cmp::Ordering;

use oms_core::{Currency, LineId, Money, MoneyError, OrderId, Sku};
use serde::{Deserialize, Serialize};

use crate::exchange::replacement_demand;
use crate::paid::{allocate, money, percent_of, to_minor};
use crate::{
    OrderReturns, Payer, PreparedOrder, ReasonRule, ReplacementDemand, RestockingFee, ReturnError, ReturnMethod,
    ReturnPolicy, ReturnReason, Rma, RmaId, Units,
};

/// What an RMA settled: the credit for what came back, the exchange set against it, and the
/// payment that results.
///
/// # How it is computed
/// 1. Each returned unit is paid back from its slot (see [`Units`]): its share of the line's
///    merchandise after line and order discounts, and of its tax, split as
///    [`LinePricing::for_units`](oms_core::LinePricing::for_units) splits them. The shares of
///    all slots add up to the line's total exactly, so partial refunds, in any order, never
///    drift by a minor unit.
/// 2. When the reason is the merchant's fault (and the policy says so), the units' shares of the
///    outbound shipping and its tax are paid back too.
/// 3. A restocking fee (percent of the merchandise, rounded half away from zero, or a fixed
///    amount per unit) is kept back per line, never more than the line's merchandise.
/// 4. A mail return whose reasons all make the customer pay return shipping has the label fee
///    kept back once, spread over the lines with [`Money::allocate`] and never more than the credit.
/// 5. When this refund pays back the last unit of the order, all outbound shipping not yet
///    refunded is added (if the policy says so), including the shares of units refunded outside
///    this crate, whose refunds cover merchandise and tax only.
/// 6. An exchange's replacements are set against the credit: the difference is refunded or
///    charged. A refund never takes the order's refunds past what was captured.
///
/// No shipping is refunded when the order says it was refunded outside in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    /// One credit per RMA line with units received, in request order.
    pub lines: Vec<CreditLine>,
    /// Outbound shipping paid back because the order is now fully returned, per order line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shipping: Vec<ShippingCredit>,
    /// The lines' totals plus the shipping credits.
    pub credit: Money,
    /// What the exchange's replacements are worth (zero without an exchange).
    pub replacement_value: Money,
    /// What changes hands: `credit - replacement_value`, as a refund or a charge.
    pub payment: Payment,
}

/// The credit for the received units of one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditLine {
    /// The order line.
    pub line: LineId,
    /// Its item.
    pub sku: Sku,
    /// The slots paid back.
    pub units: Units,
    /// Their merchandise after line and order discounts.
    pub merchandise: Money,
    /// Their tax.
    pub tax: Money,
    /// True when their share of outbound shipping is paid back (merchant at fault).
    pub with_shipping: bool,
    /// Their share of outbound shipping (zero unless `with_shipping`).
    pub shipping: Money,
    /// Its tax (zero unless `with_shipping`).
    pub shipping_tax: Money,
    /// Kept back for restocking.
    pub restocking_fee: Money,
    /// This line's part of the return label fee.
    pub label_fee: Money,
    /// `merchandise + tax + shipping + shipping_tax - restocking_fee - label_fee`.
    pub total: Money,
}

/// Outbound shipping paid back for units of a line once the whole order is returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingCredit {
    /// The order line.
    pub line: LineId,
    /// The slots whose shipping share is paid back.
    pub units: Units,
    /// The shipping.
    pub shipping: Money,
    /// Its tax.
    pub shipping_tax: Money,
}

/// Money that changes hands when an RMA settles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payment {
    /// Pay the customer back.
    Refund {
        /// How much (positive).
        amount: Money,
    },
    /// Charge the customer (an exchange worth more than the credit).
    Charge {
        /// How much (positive).
        amount: Money,
    },
    /// Nothing to pay (an even exchange, or nothing came back).
    Nothing,
}

/// Which way a [`PaymentInstruction`] goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentDirection {
    /// Money back to the customer.
    Refund,
    /// Money from the customer.
    Charge,
}

/// Why a [`PaymentInstruction`] exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PaymentReason {
    /// An RMA was refunded (with or without an exchange).
    Return,
    /// An advance exchange's return never arrived: the customer keeps both.
    AdvanceExchangeNotReturned,
}

/// An instruction for the host's payment provider. The library calls no payment service: the
/// host carries these out (from its outbox) against the order's payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentInstruction {
    /// The order whose payment to use.
    pub order: OrderId,
    /// The RMA; an RMA gives at most one instruction, so it is the idempotency key to pass on.
    pub rma: RmaId,
    /// Refund or charge.
    pub direction: PaymentDirection,
    /// How much (positive).
    pub amount: Money,
    /// Why.
    pub reason: PaymentReason,
}

impl Payment {
    /// The instruction to give the payment provider, if money changes hands.
    pub fn instruction(&self, order: &OrderId, rma: &RmaId, reason: PaymentReason) -> Option<PaymentInstruction> {
        let (direction, amount) = match *self {
            Payment::Refund { amount } => (PaymentDirection::Refund, amount),
            Payment::Charge { amount } => (PaymentDirection::Charge, amount),
            Payment::Nothing => return None,
        };
        Some(PaymentInstruction { order: order.clone(), rma: rma.clone(), direction, amount, reason })
    }

    /// The amount refunded (zero for a charge or nothing).
    pub fn refunded(&self, currency: Currency) -> Money {
        match *self {
            Payment::Refund { amount } => amount,
            _ => Money::zero(currency),
        }
    }
}

/// The settlement of an inspected RMA, and the replacement demand to release with it (for an
/// exchange that is not an advance one).
///
/// Amounts are worked out in minor units and become [`Money`] only in the result.
pub(crate) fn settle(
    returns: &OrderReturns,
    rma: &Rma,
    prepared: &PreparedOrder,
    policy: &ReturnPolicy,
) -> Result<(Settlement, Option<ReplacementDemand>), ReturnError> {
    let order = prepared.order();
    let order_id = &order.order_id;
    let failed = |source| ReturnError::Money { order: order_id.clone(), source };
    let currency = order.currency;
    let zero = Money::zero(currency);
    let waive_fees = rma.exchange().is_some() && policy.exchanges.waive_fees;
    let m = |minor| money(minor, currency).map_err(failed);

    let mut lines = Vec::with_capacity(rma.lines().len());
    let mut rules = RuleCache::new(policy);
    // Credit, net and the cap in minor units; money is built once, for the result.
    let mut credit = 0i128;
    for (i, rma_line) in rma.lines().iter().enumerate().filter(|(_, l)| l.received() > 0) {
        let (line, prices) = prepared
            .line_near(i, rma_line.line())
            .ok_or_else(|| ReturnError::UnknownLine { order: order_id.clone(), line: rma_line.line().clone() })?;
        // The lowest slots held are paid back first; the rest are released.
        let units = rma_line.units().lowest(rma_line.received());
        if units.max().is_some_and(|top| top >= prices.returnable_end()) {
            return Err(ReturnError::RefundedOutside {
                order: order_id.clone(),
                rma: rma.id().clone(),
                line: line.line_id.clone(),
            });
        }
        let paid = prices.paid(&units).map_err(failed)?;
        let rule = rules.get(rma_line.reason());
        let with_shipping = rule.is_some_and(|r| r.merchant_at_fault)
            && policy.shipping_refund.when_merchant_at_fault
            && !order.shipping_refunded_outside;
        let (shipping, shipping_tax) = if with_shipping { (paid.shipping, paid.shipping_tax) } else { (0, 0) };
        let fee = match rule.and_then(|r| r.restocking_fee) {
            Some(_) if waive_fees => 0,
            Some(RestockingFee::Percent { percent }) => {
                percent_of(paid.merchandise, percent).ok_or_else(|| failed(MoneyError::Overflow))?
            }
            Some(RestockingFee::PerUnit { amount }) => {
                amount.times(rma_line.received()).and_then(|fee| fee.to_minor()).map_err(failed)?
            }
            None => 0,
        };
        // Never negative, never more than the merchandise refunded.
        let restocking_fee = fee.clamp(0, paid.merchandise.max(0));
        let total = paid.merchandise + paid.tax + shipping + shipping_tax - restocking_fee;
        credit += total;
        lines.push(CreditLine {
            line: line.line_id.clone(),
            sku: line.sku.clone(),
            units,
            merchandise: m(paid.merchandise)?,
            tax: m(paid.tax)?,
            with_shipping,
            shipping: m(shipping)?,
            shipping_tax: m(shipping_tax)?,
            restocking_fee: m(restocking_fee)?,
            label_fee: zero,
            total: m(total)?,
        });
    }

    credit -= deduct_label_fee(&mut lines, rma, policy, waive_fees, currency).map_err(failed)?;
    let shipping = everything_returned_shipping(returns, prepared, policy, &lines).map_err(failed)?;
    for s in &shipping {
        credit += to_minor(&s.shipping).map_err(failed)? + to_minor(&s.shipping_tax).map_err(failed)?;
    }

    let (replacement_value, release) = match rma.exchange() {
        None => (zero, None),
        Some(exchange) => match rma.replacement() {
            Some(released) => (released.value, None),
            None => {
                let demand = replacement_demand(prepared, rma, exchange).map_err(failed)?;
                (demand.value, Some(demand))
            }
        },
    };
    let minor = |m: &Money| match m.currency() {
        c if c == currency => to_minor(m).map_err(failed),
        other => Err(failed(MoneyError::CurrencyMismatch { left: currency, right: other })),
    };
    let net = credit - minor(&replacement_value)?;
    let payment = match net.cmp(&0) {
        Ordering::Less => Payment::Charge { amount: m(-net)? },
        Ordering::Equal => Payment::Nothing,
        Ordering::Greater => Payment::Refund { amount: m(net)? },
    };

    if net > 0 {
        // What may still be refunded: captured, less refunds outside (both checked when the
        // order was prepared) and this order's earlier refunds.
        let mut available = prepared.refundable();
        for earlier in returns.rmas().iter().filter_map(|r| r.settlement()) {
            available -= minor(&earlier.payment.refunded(currency))?;
        }
        if net > available {
            return Err(ReturnError::RefundExceedsCaptured {
                order: order_id.clone(),
                rma: rma.id().clone(),
                refund: m(net)?,
                available: m(available)?,
            });
        }
    }
    let credit = m(credit)?;
    Ok((Settlement { lines, shipping, credit, replacement_value, payment }, release))
}

/// The policy's rule for a reason, remembering the last one looked up: an RMA's lines nearly
/// always share their reason.
struct RuleCache<'a> {
    policy: &'a ReturnPolicy,
    last: Option<(ReturnReason, Option<&'a ReasonRule>)>,
}

impl<'a> RuleCache<'a> {
    fn new(policy: &'a ReturnPolicy) -> RuleCache<'a> {
        RuleCache { policy, last: None }
    }

    fn get(&mut self, reason: ReturnReason) -> Option<&'a ReasonRule> {
        match self.last {
            Some((last, rule)) if last == reason => rule,
            _ => {
                let rule = self.policy.reason(reason);
                self.last = Some((reason, rule));
                rule
            }
        }
    }
}

/// Keeps the label fee back from a mail return whose reasons all make the customer pay,
/// spread over the lines by their totals as [`Money::allocate`] would; returns what was kept
/// back, in minor units.
fn deduct_label_fee(
    lines: &mut [CreditLine],
    rma: &Rma,
    policy: &ReturnPolicy,
    waive_fees: bool,
    currency: Currency,
) -> Result<i128, MoneyError> {
    let Some(fee) = policy.methods.mail.as_ref().and_then(|m| m.label_fee) else { return Ok(0) };
    let customer_pays =
        rma.lines().iter().all(|l| policy.reason(l.reason()).is_none_or(|r| r.return_shipping == Payer::Customer));
    if waive_fees || !customer_pays || *rma.method() != ReturnMethod::Mail || lines.is_empty() {
        return Ok(0);
    }
    if fee.currency() != currency {
        return Err(MoneyError::CurrencyMismatch { left: fee.currency(), right: currency });
    }
    let totals = lines.iter().map(|l| to_minor(&l.total)).collect::<Result<Vec<_>, _>>()?;
    let weights: Vec<i128> = totals.iter().map(|t| (*t).max(0)).collect();
    if weights.iter().all(|w| *w == 0) {
        return Ok(0);
    }
    // Never more than the credit it is kept from.
    let fee = to_minor(&fee)?.min(totals.iter().sum());
    for ((line, total), share) in lines.iter_mut().zip(totals).zip(allocate(fee, &weights)?) {
        line.label_fee = money(share, currency)?;
        line.total = money(total - share, currency)?;
    }
    Ok(fee)
}

/// All outbound shipping not yet paid back, when this settlement pays back the order's last unit
/// (and the shipping was not refunded outside).
fn everything_returned_shipping(
    returns: &OrderReturns,
    prepared: &PreparedOrder,
    policy: &ReturnPolicy,
    credited: &[CreditLine],
) -> Result<Vec<ShippingCredit>, MoneyError> {
    let order = prepared.order();
    if !policy.shipping_refund.when_everything_returned || order.shipping_refunded_outside {
        return Ok(Vec::new());
    }
    // Count first: the sets are only built when the order is fully paid back.
    let credited_on =
        |line: &LineId| credited.iter().filter(|c| &c.line == line).map(|c| u64::from(c.units.len())).sum::<u64>();
    let all_back = order.lines.iter().all(|l| {
        let in_returns = returns.ledger(&l.line_id).map_or(0, |ledger| u64::from(ledger.refunded().len()));
        u64::from(l.refunded_outside) + in_returns + credited_on(&l.line_id) >= u64::from(l.quantity())
    });
    if !all_back {
        return Ok(Vec::new());
    }
    let currency = order.currency;
    let mut out = Vec::new();
    for (line, prices) in prepared.lines() {
        // Every slot's share, including slots paid back outside: those refunds do not cover shipping.
        let mut shipping_refunded =
            returns.ledger(&line.line_id).map(|l| l.shipping_refunded().clone()).unwrap_or_default();
        for c in credited.iter().filter(|c| c.line == line.line_id && c.with_shipping) {
            shipping_refunded = shipping_refunded.union(&c.units);
        }
        let units = Units::range(0, line.quantity()).difference(&shipping_refunded);
        let paid = prices.paid(&units)?;
        if paid.shipping != 0 || paid.shipping_tax != 0 {
            out.push(ShippingCredit {
                line: line.line_id.clone(),
                units,
                shipping: money(paid.shipping, currency)?,
                shipping_tax: money(paid.shipping_tax, currency)?,
            });
        }
    }
    Ok(out)
}

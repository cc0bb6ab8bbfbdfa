//! The returns of one order: its RMAs and, per line, the unit slots they hold or paid back.
//!
//! All RMAs of an order share one stream, because they share limits: the units delivered and
//! the slots left to pay back. With one stream, two concurrent returns of the same order
//! conflict on the stream version instead of both passing the checks.

use std::collections::BTreeMap;

use oms_core::{Currency, LineId, Money, MoneyError, OrderId, Version};
use serde::{Deserialize, Serialize};

use crate::{ReturnError, ReturnEvent, Rma, RmaEventKind, RmaId, RmaStatus, Units};

/// Where the unit slots of one order line stand in this crate's RMAs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineLedger {
    held: Units,
    refunded: Units,
    shipping_refunded: Units,
}

impl LineLedger {
    /// Slots held by RMAs not yet refunded.
    pub fn held(&self) -> &Units {
        &self.held
    }

    /// Slots paid back.
    pub fn refunded(&self) -> &Units {
        &self.refunded
    }

    /// Slots whose share of outbound shipping was paid back (by an RMA at the merchant's fault,
    /// or when the whole order came back).
    pub fn shipping_refunded(&self) -> &Units {
        &self.shipping_refunded
    }

    /// Units in returns: held or paid back.
    pub fn in_returns(&self) -> u32 {
        self.held.len().saturating_add(self.refunded.len())
    }

    /// Held or paid back.
    pub fn taken(&self) -> Units {
        self.held.union(&self.refunded)
    }
}

/// The returns of one order, rebuilt from its [`ReturnEvent`]s.
///
/// Changed only by applying the events [`OrderReturns::decide`] and [`OrderReturns::expire`]
/// return; fields are private so no code can hold or pay back a unit without an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderReturns {
    order: OrderId,
    version: Version,
    rmas: Vec<Rma>,
    ledger: BTreeMap<LineId, LineLedger>,
}

impl OrderReturns {
    /// An order with no returns yet, at version 0.
    pub fn new(order: OrderId) -> OrderReturns {
        OrderReturns { order, version: Version::ZERO, rmas: Vec::new(), ledger: BTreeMap::new() }
    }

    /// Rebuilds an order's returns from its history.
    ///
    /// # Errors
    /// [`ReturnError::InvalidHistory`] for an event that does not fit (a corrupt or foreign stream).
    pub fn replay<'a>(
        order: OrderId,
        events: impl IntoIterator<Item = &'a ReturnEvent>,
    ) -> Result<OrderReturns, ReturnError> {
        let mut returns = OrderReturns::new(order);
        for event in events {
            returns.apply(event)?;
        }
        Ok(returns)
    }

    /// The order.
    pub fn order(&self) -> &OrderId {
        &self.order
    }

    /// How many events the returns have; the version to expect when appending the next ones.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The RMAs, in request order.
    pub fn rmas(&self) -> &[Rma] {
        &self.rmas
    }

    /// An RMA by id.
    pub fn rma(&self, id: &RmaId) -> Option<&Rma> {
        self.rmas.iter().find(|r| r.id() == id)
    }

    /// Where a line's unit slots stand (`None` when no RMA ever named the line).
    pub fn ledger(&self, line: &LineId) -> Option<&LineLedger> {
        self.ledger.get(line)
    }

    /// Refunded by this order's RMAs so far.
    ///
    /// # Errors
    /// [`MoneyError`] only for histories mixing currencies.
    pub fn refunded(&self, currency: Currency) -> Result<Money, MoneyError> {
        self.rmas
            .iter()
            .filter_map(|r| r.settlement())
            .try_fold(Money::zero(currency), |sum, s| sum.checked_add(s.payment.refunded(currency)))
    }

    /// Folds one event in and advances the version.
    ///
    /// Events returned by `decide` and `expire` always apply. An event that does not fit (an
    /// unknown RMA, a step the transition table refuses, slots already taken) is refused and
    /// leaves the returns unchanged.
    ///
    /// # Errors
    /// [`ReturnError::InvalidHistory`] naming the event's version and the problem.
    pub fn apply(&mut self, event: &ReturnEvent) -> Result<(), ReturnError> {
        let version = self.version.next();
        self.fold(event).map_err(|problem| ReturnError::InvalidHistory {
            order: self.order.clone(),
            version,
            problem,
        })?;
        self.version = version;
        Ok(())
    }

    fn fold(&mut self, event: &ReturnEvent) -> Result<(), String> {
        if let ReturnEvent::Requested { rma, method, lines, exchange } = event {
            if self.rma(rma).is_some() {
                return Err(format!("rma {rma} is requested twice"));
            }
            for (i, line) in lines.iter().enumerate() {
                let taken = self.ledger.get(&line.line).map(LineLedger::taken).unwrap_or_default();
                let earlier = lines.iter().take(i).any(|l| l.line == line.line);
                if line.units.is_empty() || earlier || taken.overlaps(&line.units) {
                    return Err(format!("rma {rma} line {} holds no units, or units already taken", line.line));
                }
            }
            for line in lines {
                let ledger = self.ledger.entry(line.line.clone()).or_default();
                ledger.held = ledger.held.union(&line.units);
            }
            self.rmas.push(Rma::requested(rma.clone(), method.clone(), lines, exchange.clone()));
            return Ok(());
        }

        let id = event.rma();
        let index = self.rmas.iter().position(|r| r.id() == id).ok_or_else(|| format!("unknown rma {id}"))?;
        let Some(rma) = self.rmas.get(index) else { return Err(format!("unknown rma {id}")) };
        let status = rma.status();
        let next = status.after(event.kind()).ok_or_else(|| format!("rma {id}: {} when {status}", event.kind()))?;

        // Check everything before changing anything, so a refused event leaves no trace.
        match event {
            ReturnEvent::Received { items, .. } => {
                for item in items {
                    let fits = rma
                        .line(&item.line)
                        .is_some_and(|l| u64::from(l.received()) + u64::from(item.quantity) <= u64::from(l.quantity()));
                    if !fits {
                        return Err(format!("rma {id} receives more of line {} than it holds", item.line));
                    }
                }
            }
            ReturnEvent::Refunded { settlement, .. } => {
                for credit in &settlement.lines {
                    let holds = rma.line(&credit.line).is_some_and(|l| l.units().contains_all(&credit.units));
                    if !holds {
                        return Err(format!("rma {id} pays back units of line {} it does not hold", credit.line));
                    }
                }
            }
            _ => {}
        }

        let released: Vec<(LineId, Units)> = match event.kind() {
            RmaEventKind::Rejected | RmaEventKind::Cancelled | RmaEventKind::Expired | RmaEventKind::Refunded => {
                rma.lines().iter().map(|l| (l.line().clone(), l.units().clone())).collect()
            }
            _ => Vec::new(),
        };
        for (line, units) in released {
            let ledger = self.ledger.entry(line).or_default();
            ledger.held = ledger.held.difference(&units);
        }
        let Some(rma) = self.rmas.get_mut(index) else { return Err(format!("unknown rma {id}")) };
        match event {
            ReturnEvent::Requested { .. } | ReturnEvent::Closed { .. } => {}
            ReturnEvent::Approved { expires_at, replacement, .. } => rma.approve(*expires_at, replacement.clone()),
            ReturnEvent::Rejected { reason, .. } | ReturnEvent::Cancelled { reason, .. } => {
                rma.set_remark(Some(reason.clone()));
            }
            ReturnEvent::Shipped { tracking, .. } => rma.set_remark(tracking.clone()),
            ReturnEvent::Received { node, items, unexpected, .. } => {
                let items: Vec<(LineId, u32)> = items.iter().map(|i| (i.line.clone(), i.quantity)).collect();
                rma.receive(node, &items, unexpected);
            }
            ReturnEvent::Inspected { inspections, .. } => rma.inspect(inspections),
            ReturnEvent::Refunded { settlement, replacement, .. } => {
                rma.settle((**settlement).clone(), replacement.clone());
                for credit in &settlement.lines {
                    let ledger = self.ledger.entry(credit.line.clone()).or_default();
                    ledger.refunded = ledger.refunded.union(&credit.units);
                    if credit.with_shipping {
                        ledger.shipping_refunded = ledger.shipping_refunded.union(&credit.units);
                    }
                }
                for shipping in &settlement.shipping {
                    let ledger = self.ledger.entry(shipping.line.clone()).or_default();
                    ledger.shipping_refunded = ledger.shipping_refunded.union(&shipping.units);
                }
            }
            ReturnEvent::Expired { .. } => {}
        }
        if let Some(rma) = self.rmas.get_mut(index) {
            rma.set_status(next);
        }
        Ok(())
    }

    /// RMAs in `status`.
    pub fn in_status(&self, status: RmaStatus) -> impl Iterator<Item = &Rma> {
        self.rmas.iter().filter(move |r| r.status() == status)
    }
}

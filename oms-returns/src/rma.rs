//! One return merchandise authorization (RMA) and its lifecycle. Every status change goes
//! through [`RmaStatus::after`], the one transition table.

use std::fmt;

use chrono::{DateTime, Utc};
use oms_core::{LineId, NodeId, Sku};
use serde::{Deserialize, Serialize};

use crate::{ExchangeRequest, Inspection, ReplacementDemand, ReturnMethod, ReturnReason, RmaId, Settlement, Units};

/// Where an RMA stands.
///
/// | from | step | to |
/// |---|---|---|
/// | requested | approved / rejected / cancelled | approved / rejected / cancelled |
/// | approved | shipped / received / expired / cancelled | in_transit / received / expired / cancelled |
/// | in_transit | received / expired | received / expired |
/// | received | received (more units) / inspected | received / inspected |
/// | inspected | refunded | refunded |
/// | refunded | closed | closed |
///
/// Rejected, cancelled, expired and closed are terminal. In-store returns go from approved
/// straight to received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RmaStatus {
    /// Asked for; waits for approval.
    Requested,
    /// Approved; waits for the goods.
    Approved,
    /// Refused (terminal).
    Rejected,
    /// Withdrawn before anything arrived (terminal).
    Cancelled,
    /// On its way back.
    InTransit,
    /// Some or all units arrived.
    Received,
    /// Every received unit has a disposition.
    Inspected,
    /// Money settled: refunded, or an exchange's difference refunded or charged.
    Refunded,
    /// Done (terminal).
    Closed,
    /// Nothing arrived in time (terminal).
    Expired,
}

/// The kinds of [`ReturnEvent`](crate::ReturnEvent): the steps of the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RmaEventKind {
    /// The customer asked.
    Requested,
    /// An agent or the policy approved.
    Approved,
    /// An agent refused.
    Rejected,
    /// The customer withdrew.
    Cancelled,
    /// The parcel left the customer.
    Shipped,
    /// Units arrived at a node.
    Received,
    /// Received units were inspected.
    Inspected,
    /// Money was settled.
    Refunded,
    /// Nothing arrived in time.
    Expired,
    /// The RMA was closed.
    Closed,
}

impl RmaStatus {
    /// Every status, in lifecycle order.
    pub const ALL: &'static [RmaStatus] = &[
        RmaStatus::Requested,
        RmaStatus::Approved,
        RmaStatus::Rejected,
        RmaStatus::Cancelled,
        RmaStatus::InTransit,
        RmaStatus::Received,
        RmaStatus::Inspected,
        RmaStatus::Refunded,
        RmaStatus::Closed,
        RmaStatus::Expired,
    ];

    /// The transition table: the status after `step`, or `None` when the step is not allowed.
    /// A request creates an RMA in [`RmaStatus::Requested`] and is never a transition.
    pub fn after(self, step: RmaEventKind) -> Option<RmaStatus> {
        use RmaEventKind as E;
        use RmaStatus as S;
        match (self, step) {
            (S::Requested, E::Approved) => Some(S::Approved),
            (S::Requested, E::Rejected) => Some(S::Rejected),
            (S::Requested | S::Approved, E::Cancelled) => Some(S::Cancelled),
            (S::Approved, E::Shipped) => Some(S::InTransit),
            (S::Approved | S::InTransit | S::Received, E::Received) => Some(S::Received),
            (S::Approved | S::InTransit, E::Expired) => Some(S::Expired),
            (S::Received, E::Inspected) => Some(S::Inspected),
            (S::Inspected, E::Refunded) => Some(S::Refunded),
            (S::Refunded, E::Closed) => Some(S::Closed),
            (_, _) => None,
        }
    }

    /// True while the RMA holds units of its lines (from request until refund or its end).
    pub fn holds_units(self) -> bool {
        matches!(
            self,
            RmaStatus::Requested
                | RmaStatus::Approved
                | RmaStatus::InTransit
                | RmaStatus::Received
                | RmaStatus::Inspected
        )
    }

    /// True when no step leads anywhere from here.
    pub fn is_terminal(self) -> bool {
        RmaEventKind::ALL.iter().all(|&step| self.after(step).is_none())
    }

    /// The status's name as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            RmaStatus::Requested => "requested",
            RmaStatus::Approved => "approved",
            RmaStatus::Rejected => "rejected",
            RmaStatus::Cancelled => "cancelled",
            RmaStatus::InTransit => "in_transit",
            RmaStatus::Received => "received",
            RmaStatus::Inspected => "inspected",
            RmaStatus::Refunded => "refunded",
            RmaStatus::Closed => "closed",
            RmaStatus::Expired => "expired",
        }
    }
}

impl RmaEventKind {
    /// Every kind, in lifecycle order.
    pub const ALL: &'static [RmaEventKind] = &[
        RmaEventKind::Requested,
        RmaEventKind::Approved,
        RmaEventKind::Rejected,
        RmaEventKind::Cancelled,
        RmaEventKind::Shipped,
        RmaEventKind::Received,
        RmaEventKind::Inspected,
        RmaEventKind::Refunded,
        RmaEventKind::Expired,
        RmaEventKind::Closed,
    ];

    /// The kind's `type` tag as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            RmaEventKind::Requested => "requested",
            RmaEventKind::Approved => "approved",
            RmaEventKind::Rejected => "rejected",
            RmaEventKind::Cancelled => "cancelled",
            RmaEventKind::Shipped => "shipped",
            RmaEventKind::Received => "received",
            RmaEventKind::Inspected => "inspected",
            RmaEventKind::Refunded => "refunded",
            RmaEventKind::Expired => "expired",
            RmaEventKind::Closed => "closed",
        }
    }
}

impl fmt::Display for RmaStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for RmaEventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A line of a request, as recorded: which unit slots of the order line the RMA holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestedLine {
    /// The order line.
    pub line: LineId,
    /// Its item.
    pub sku: Sku,
    /// The slots held, one per unit asked for (the lowest free ones).
    pub units: Units,
    /// Why.
    pub reason: ReturnReason,
    /// The customer's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Units that arrived but were not expected: more than asked for, or lines not in the RMA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnexpectedItem {
    /// The item, as identified at the dock.
    pub sku: Sku,
    /// How many.
    pub quantity: u32,
    /// The order line, when it is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<LineId>,
    /// What the receiver noted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A line of an RMA: what was asked for and what arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RmaLine {
    requested: RequestedLine,
    received: u32,
}

impl RmaLine {
    /// The order line.
    pub fn line(&self) -> &LineId {
        &self.requested.line
    }

    /// Its item.
    pub fn sku(&self) -> &Sku {
        &self.requested.sku
    }

    /// Units asked for.
    pub fn quantity(&self) -> u32 {
        self.requested.units.len()
    }

    /// The slots held.
    pub fn units(&self) -> &Units {
        &self.requested.units
    }

    /// Why.
    pub fn reason(&self) -> ReturnReason {
        self.requested.reason
    }

    /// The request as recorded.
    pub fn requested(&self) -> &RequestedLine {
        &self.requested
    }

    /// Units that arrived (never more than asked for; the rest is unexpected).
    pub fn received(&self) -> u32 {
        self.received
    }
}

/// One return: its lines, where it stands, and what it settled.
///
/// Part of [`OrderReturns`](crate::OrderReturns), which builds and changes it only from events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rma {
    id: RmaId,
    status: RmaStatus,
    method: ReturnMethod,
    lines: Vec<RmaLine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exchange: Option<ExchangeRequest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    received_at: Option<NodeId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    unexpected: Vec<UnexpectedItem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    inspections: Vec<Inspection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    replacement: Option<ReplacementDemand>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    settlement: Option<Box<Settlement>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    remark: Option<String>,
}

impl Rma {
    pub(crate) fn requested(
        id: RmaId,
        method: ReturnMethod,
        lines: &[RequestedLine],
        exchange: Option<ExchangeRequest>,
    ) -> Rma {
        Rma {
            id,
            status: RmaStatus::Requested,
            method,
            lines: lines.iter().map(|l| RmaLine { requested: l.clone(), received: 0 }).collect(),
            exchange,
            expires_at: None,
            received_at: None,
            unexpected: Vec::new(),
            inspections: Vec::new(),
            replacement: None,
            settlement: None,
            remark: None,
        }
    }

    /// The RMA's id.
    pub fn id(&self) -> &RmaId {
        &self.id
    }

    /// Where it stands.
    pub fn status(&self) -> RmaStatus {
        self.status
    }

    /// How the goods come back.
    pub fn method(&self) -> &ReturnMethod {
        &self.method
    }

    /// Its lines, in request order.
    pub fn lines(&self) -> &[RmaLine] {
        &self.lines
    }

    /// A line by order line id.
    pub fn line(&self, line: &LineId) -> Option<&RmaLine> {
        self.lines.iter().find(|l| l.line() == line)
    }

    /// The exchange asked for, if any.
    pub fn exchange(&self) -> Option<&ExchangeRequest> {
        self.exchange.as_ref()
    }

    /// When it expires if nothing arrives (set on approval).
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.expires_at
    }

    /// The node that received the goods.
    pub fn received_at(&self) -> Option<&NodeId> {
        self.received_at.as_ref()
    }

    /// Units that arrived unexpectedly.
    pub fn unexpected(&self) -> &[UnexpectedItem] {
        &self.unexpected
    }

    /// Inspection outcomes.
    pub fn inspections(&self) -> &[Inspection] {
        &self.inspections
    }

    /// The replacement demand, once released (on approval for advance exchanges, on refund
    /// otherwise).
    pub fn replacement(&self) -> Option<&ReplacementDemand> {
        self.replacement.as_ref()
    }

    /// What was settled, once refunded.
    pub fn settlement(&self) -> Option<&Settlement> {
        self.settlement.as_deref()
    }

    /// The rejection or cancellation reason, or the carrier and tracking number.
    pub fn remark(&self) -> Option<&str> {
        self.remark.as_deref()
    }

    /// Units received over all lines.
    pub fn units_received(&self) -> u64 {
        self.lines.iter().map(|l| u64::from(l.received)).sum()
    }

    pub(crate) fn set_status(&mut self, status: RmaStatus) {
        self.status = status;
    }

    pub(crate) fn approve(&mut self, expires_at: DateTime<Utc>, replacement: Option<ReplacementDemand>) {
        self.expires_at = Some(expires_at);
        if replacement.is_some() {
            self.replacement = replacement;
        }
    }

    pub(crate) fn set_remark(&mut self, remark: Option<String>) {
        self.remark = remark;
    }

    /// Records arrivals; the caller has checked they fit.
    pub(crate) fn receive(&mut self, node: &NodeId, items: &[(LineId, u32)], unexpected: &[UnexpectedItem]) {
        self.received_at = Some(node.clone());
        for (line, quantity) in items {
            if let Some(l) = self.lines.iter_mut().find(|l| l.line() == line) {
                l.received = l.received.saturating_add(*quantity);
            }
        }
        self.unexpected.extend_from_slice(unexpected);
    }

    pub(crate) fn inspect(&mut self, inspections: &[Inspection]) {
        self.inspections = inspections.to_vec();
    }

    pub(crate) fn settle(&mut self, settlement: Settlement, replacement: Option<ReplacementDemand>) {
        self.settlement = Some(Box::new(settlement));
        if replacement.is_some() {
            self.replacement = replacement;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_statuses_are_exactly_the_ends() {
        let terminal: Vec<_> = RmaStatus::ALL.iter().copied().filter(|s| s.is_terminal()).collect();
        assert_eq!(terminal, [RmaStatus::Rejected, RmaStatus::Cancelled, RmaStatus::Closed, RmaStatus::Expired]);
    }

    #[test]
    fn receiving_on_a_rejected_rma_is_not_a_transition() {
        assert_eq!(RmaStatus::Rejected.after(RmaEventKind::Received), None);
        assert_eq!(RmaStatus::Approved.after(RmaEventKind::Received), Some(RmaStatus::Received));
        assert_eq!(RmaStatus::Refunded.after(RmaEventKind::Refunded), None);
    }
}

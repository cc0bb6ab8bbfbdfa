//! Random lifecycle commands, valid and invalid, chosen against the order as it stands.

use chrono::Duration;
use proptest::prelude::*;

use crate::testkit::fixtures::{address, t0};
use crate::{
    AddedPrice, AllocationPlan, Change, FulfillmentChange, FulfillmentIntent, FulfillmentMethod, FulfillmentOrderId,
    HoldKind, HoldResolution, LineId, LineQuantity, LineStatus, Modification, Money, NodeId, Order, OrderCommand,
    ParkedDecision, PlannedAllocation, ReturnStep, ShipmentId,
};

/// The seed of one lifecycle command; [`LifecycleStep::command`] turns it into a command for
/// the order as it stands, naming its lines, fulfillment orders and shipments (or, now and
/// then, ones it does not have), so a sequence of steps walks the whole lifecycle and tries
/// what must be refused along the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LifecycleStep {
    kind: u8,
    line: u8,
    quantity: u32,
    pick: u8,
    flag: bool,
    days: u16,
}

/// One lifecycle step, weighted towards the commands that move an order forward.
pub fn lifecycle_step() -> impl Strategy<Value = LifecycleStep> {
    (0u8..100, any::<u8>(), 0u32..=6, any::<u8>(), any::<bool>(), 0u16..=60)
        .prop_map(|(kind, line, quantity, pick, flag, days)| LifecycleStep { kind, line, quantity, pick, flag, days })
}

const NODES: [&str; 3] = ["WH-1", "WH-2", "STORE-1"];

impl LifecycleStep {
    /// The command this step stands for on `order`.
    ///
    /// Most steps name a line or fulfillment order in the state the command acts on (a line
    /// with released units for a shipment, the fulfillment order an open modification waits
    /// for); some name any line, and a few name lines, fulfillment orders or shipments the
    /// order does not have.
    pub fn command(&self, order: &Order) -> OrderCommand {
        use LineStatus as S;
        let at = t0() + Duration::days(i64::from(self.days));
        let quantity = self.quantity;
        let reason = String::from("generated");
        let fo_in = |status| self.fulfillment_order(order, |f| f.units_in(status) > 0);
        let units_of = |fo: &FulfillmentOrderId, status| -> Vec<LineQuantity> {
            if self.flag {
                return Vec::new();
            }
            let line = match order.fulfillment_order(fo) {
                Some(f) => self.choose(f.lines().iter().filter(|l| l.buckets.get(status) > 0).map(|l| l.line.clone())),
                None => None,
            };
            vec![LineQuantity::new(line.unwrap_or_else(|| self.line_id(order)), quantity)]
        };
        match self.kind {
            0..=9 => OrderCommand::Reserve { line: self.line_in(order, &[S::Open, S::Backordered]), quantity },
            10..=12 => OrderCommand::Backorder {
                line: self.line_in(order, &[S::Open, S::Reserved]),
                quantity,
                at,
                expected_at: self.flag.then_some(at),
            },
            13 | 14 => OrderCommand::PlaceHold {
                hold: self.hold(),
                lines: if self.flag { vec![self.line_id(order)] } else { Vec::new() },
                note: None,
            },
            15..=17 => OrderCommand::ResolveHold {
                hold: order
                    .holds()
                    .first()
                    .filter(|_| self.pick % 5 != 0)
                    .map_or_else(|| self.hold(), |h| h.kind.clone()),
                resolution: if self.pick % 3 != 0 {
                    HoldResolution::Release
                } else {
                    HoldResolution::Reject { reason }
                },
            },
            18..=29 => {
                let line = self.line_in(order, &[S::Reserved, S::Open, S::Backordered]);
                OrderCommand::Allocate { plan: self.plan(order, line) }
            }
            30..=37 => OrderCommand::Release { fulfillment_order: (!self.flag).then(|| fo_in(S::Allocated)) },
            38..=43 => OrderCommand::Accept { fulfillment_order: fo_in(S::Released) },
            44..=47 => OrderCommand::ConfirmPick { fulfillment_order: fo_in(S::Released) },
            48 | 49 => {
                let fo = fo_in(S::Released);
                OrderCommand::Reject { lines: units_of(&fo, S::Released), fulfillment_order: fo, reason }
            }
            50 | 51 => {
                let fo = fo_in(S::Released);
                let lines = units_of(&fo, S::Released);
                OrderCommand::ShortPick { fulfillment_order: fo, lines, reason }
            }
            52..=59 => {
                let fo = fo_in(S::Released);
                OrderCommand::Ship {
                    lines: units_of(&fo, S::Released),
                    fulfillment_order: fo,
                    carrier: "UPS".into(),
                    tracking: format!("1Z{}", self.pick),
                }
            }
            60..=63 => OrderCommand::ConfirmDelivery { shipment: self.shipment(order) },
            64..=67 => {
                let fo = self.fulfillment_order(order, |f| f.method().is_pickup() && !f.is_closed());
                OrderCommand::MarkReadyForPickup { fulfillment_order: fo, at }
            }
            68..=71 => {
                let fo = fo_in(S::ReadyForPickup);
                OrderCommand::Collect { lines: units_of(&fo, S::ReadyForPickup), fulfillment_order: fo }
            }
            72 | 73 => OrderCommand::ResolveParked {
                line: self.line_in(order, &[S::Rejected]),
                quantity,
                decision: if self.flag { ParkedDecision::Reroute } else { ParkedDecision::Cancel { reason } },
            },
            74..=76 => OrderCommand::Cancel { line: self.line_id(order), quantity, reason },
            77 => OrderCommand::CancelOrder { reason },
            78 | 79 => {
                let fo = fo_in(S::CancelRequested);
                OrderCommand::ConfirmCancel { lines: units_of(&fo, S::CancelRequested), fulfillment_order: fo }
            }
            80 | 81 => {
                let fo = fo_in(S::CancelRequested);
                OrderCommand::DenyCancel { lines: units_of(&fo, S::CancelRequested), fulfillment_order: fo, reason }
            }
            82..=86 => {
                let line = self.line_in(order, &[S::Released, S::Allocated, S::Open]);
                OrderCommand::Modify { modification: self.modification(order, line) }
            }
            87..=89 => {
                let awaited = order
                    .pending_modification()
                    .and_then(|p| self.choose(p.awaiting().iter().filter(|f| !p.accepted().contains(f)).cloned()));
                OrderCommand::AnswerModification {
                    fulfillment_order: awaited.unwrap_or_else(|| fo_in(S::Released)),
                    accepted: self.pick % 4 != 0,
                    reason: None,
                }
            }
            90 => OrderCommand::WithdrawModification { reason },
            91 | 92 => OrderCommand::Expire { now: at },
            _ => {
                let (from, step) = match self.pick % 3 {
                    0 => (S::Delivered, ReturnStep::Requested),
                    1 => (S::ReturnRequested, ReturnStep::Received),
                    _ => (S::ReturnRequested, ReturnStep::Withdrawn),
                };
                OrderCommand::RecordReturn { line: self.line_in(order, &[from]), quantity, step }
            }
        }
    }

    /// One of `items`, by `pick`; `None` when there are none.
    fn choose<T>(&self, items: impl Iterator<Item = T>) -> Option<T> {
        let items: Vec<T> = items.collect();
        let n = items.len();
        items.into_iter().nth(usize::from(self.pick) % n.max(1))
    }

    /// Mostly a line with units in one of `statuses`; otherwise any line, or an unknown one.
    fn line_in(&self, order: &Order, statuses: &[LineStatus]) -> LineId {
        if self.line % 6 == 0 {
            return self.line_id(order);
        }
        self.choose(order.lines().iter().filter(|l| l.buckets().sum_of(statuses) > 0).map(|l| l.id().clone()))
            .unwrap_or_else(|| self.line_id(order))
    }

    /// Mostly a fulfillment order that `fits`; otherwise any, or an unknown one.
    fn fulfillment_order(&self, order: &Order, fits: impl Fn(&crate::FulfillmentOrder) -> bool) -> FulfillmentOrderId {
        let fitting = if self.line % 7 == 0 {
            None
        } else {
            self.choose(order.fulfillment_orders().iter().filter(|f| fits(f)).map(|f| f.id().clone()))
        };
        fitting.unwrap_or_else(|| {
            let fos = order.fulfillment_orders();
            match fos.get(usize::from(self.pick) % (fos.len() + 1)) {
                Some(f) => f.id().clone(),
                None => id("FO-99"),
            }
        })
    }

    fn line_id(&self, order: &Order) -> LineId {
        let lines = order.lines();
        match lines.get(usize::from(self.line) % (lines.len() + 1)) {
            Some(l) => l.id().clone(),
            None => id("NO-SUCH-LINE"),
        }
    }

    fn shipment(&self, order: &Order) -> ShipmentId {
        let shipments: Vec<&ShipmentId> = order
            .fulfillment_orders()
            .iter()
            .flat_map(|f| f.shipments().iter().filter(|s| !s.delivered || self.flag).map(|s| &s.id))
            .collect();
        match shipments.get(usize::from(self.pick) % (shipments.len() + 1)) {
            Some(s) => (*s).clone(),
            None => id("S-99"),
        }
    }

    fn hold(&self) -> HoldKind {
        match self.pick % 4 {
            0 => HoldKind::Payment,
            1 => HoldKind::Fraud,
            2 => HoldKind::AddressVerification,
            _ => HoldKind::Custom(id("age check")),
        }
    }

    /// A plan for the line that mostly fits how it reaches the customer.
    fn plan(&self, order: &Order, line: LineId) -> AllocationPlan {
        let node = id::<NodeId>(NODES[usize::from(self.pick) % NODES.len()]);
        let method = match order.line(&line).map(|l| l.fulfillment()) {
            _ if self.pick % 7 == 0 => FulfillmentMethod::ALL[usize::from(self.line) % 3],
            Some(FulfillmentIntent::Pickup { node: store }) if self.flag => {
                return AllocationPlan {
                    allocations: vec![PlannedAllocation {
                        line,
                        node: store.clone(),
                        quantity: self.quantity,
                        method: FulfillmentMethod::Pickup,
                    }],
                };
            }
            Some(FulfillmentIntent::Pickup { .. }) => FulfillmentMethod::TransferToPickupStore,
            _ => FulfillmentMethod::Ship,
        };
        AllocationPlan { allocations: vec![PlannedAllocation { line, node, quantity: self.quantity, method }] }
    }

    fn modification(&self, order: &Order, line: LineId) -> Modification {
        let currency = order.currency();
        let price = AddedPrice {
            unit_price: Money::from_minor(i64::from(self.pick) * 37, currency),
            discount: None,
            tax: Some(Money::from_minor(i64::from(self.pick % 5), currency)),
        };
        let change = match self.pick % 6 {
            0 if self.flag => {
                let to = match order.line(&line).map(|l| l.fulfillment()) {
                    Some(FulfillmentIntent::Pickup { .. }) => FulfillmentChange::Ship { address: None },
                    _ => FulfillmentChange::Pickup { node: id("STORE-2") },
                };
                Change::Fulfillment { line, to }
            }
            0 | 1 => Change::Quantity { line, quantity: self.quantity, price: Some(price) },
            2 => Change::ShipTo { line: self.flag.then_some(line), address: address() },
            3 => Change::RemoveLine { line },
            4 => Change::AddLine {
                line: id(&format!("ADDED-{}", self.days % 3)),
                sku: id("GIFT"),
                quantity: self.quantity,
                price,
                fulfillment: FulfillmentChange::Ship { address: None },
            },
            _ => Change::Fulfillment {
                line,
                to: if self.flag {
                    FulfillmentChange::Pickup { node: id("STORE-2") }
                } else {
                    FulfillmentChange::Ship { address: None }
                },
            },
        };
        Modification { changes: vec![change], reason: "generated".into() }
    }
}

/// Builds a fixed id used by the generator (all are valid).
fn id<T: std::str::FromStr>(text: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    text.parse().unwrap_or_else(|e| unreachable!("generator id {text:?} is valid: {e:?}"))
}

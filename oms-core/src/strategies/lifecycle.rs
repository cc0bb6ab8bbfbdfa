//! Random lifecycle commands, valid and invalid, chosen against the order as it stands.

use chrono::Duration;
use proptest::prelude::*;

use crate::testkit::fixtures::{address, t0};
use crate::{
    AddedPrice, AllocationPlan, Change, FulfillmentChange, FulfillmentIntent, FulfillmentMethod, FulfillmentOrderId,
    HoldKind, HoldResolution, LineId, LineQuantity, Modification, Money, NodeId, Order, OrderCommand, ParkedDecision,
    PlannedAllocation, ReturnStep, ShipmentId,
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
    (0u8..=31, any::<u8>(), 0u32..=6, any::<u8>(), any::<bool>(), 0u16..=60)
        .prop_map(|(kind, line, quantity, pick, flag, days)| LifecycleStep { kind, line, quantity, pick, flag, days })
}

const NODES: [&str; 3] = ["WH-1", "WH-2", "STORE-1"];

impl LifecycleStep {
    /// The command this step stands for on `order`.
    pub fn command(&self, order: &Order) -> OrderCommand {
        let at = t0() + Duration::days(i64::from(self.days));
        let line = self.line_id(order);
        let quantity = self.quantity;
        let fo = self.fulfillment_order(order);
        let units = |flag: bool| if flag { Vec::new() } else { vec![LineQuantity::new(line.clone(), quantity)] };
        let reason = String::from("generated");
        match self.kind {
            0..=2 => OrderCommand::Reserve { line, quantity },
            3 => OrderCommand::Backorder { line, quantity, at, expected_at: self.flag.then_some(at) },
            4 => OrderCommand::PlaceHold {
                hold: self.hold(),
                lines: if self.flag { vec![line] } else { Vec::new() },
                note: None,
            },
            5 => OrderCommand::ResolveHold {
                hold: self.hold(),
                resolution: if self.flag { HoldResolution::Release } else { HoldResolution::Reject { reason } },
            },
            6..=8 => OrderCommand::Allocate { plan: self.plan(order, line) },
            9 | 10 => OrderCommand::Release { fulfillment_order: (!self.flag).then_some(fo) },
            11 => OrderCommand::Accept { fulfillment_order: fo },
            12 => OrderCommand::ConfirmPick { fulfillment_order: fo },
            13 => OrderCommand::Reject { fulfillment_order: fo, lines: units(self.flag), reason },
            14 => OrderCommand::ShortPick { fulfillment_order: fo, lines: units(false), reason },
            15 | 16 => OrderCommand::Ship {
                fulfillment_order: fo,
                carrier: "UPS".into(),
                tracking: format!("1Z{}", self.pick),
                lines: units(self.flag),
            },
            17 => OrderCommand::ConfirmDelivery { shipment: self.shipment(order) },
            18 => OrderCommand::MarkReadyForPickup { fulfillment_order: fo, at },
            19 => OrderCommand::Collect { fulfillment_order: fo, lines: units(self.flag) },
            20 => OrderCommand::ResolveParked {
                line,
                quantity,
                decision: if self.flag { ParkedDecision::Reroute } else { ParkedDecision::Cancel { reason } },
            },
            21 | 22 => OrderCommand::Cancel { line, quantity, reason },
            23 => match self.pick % 4 {
                0 => OrderCommand::CancelOrder { reason },
                _ => OrderCommand::Cancel { line, quantity, reason },
            },
            24 => OrderCommand::ConfirmCancel { fulfillment_order: fo, lines: units(self.flag) },
            25 => OrderCommand::DenyCancel { fulfillment_order: fo, lines: units(self.flag), reason },
            26 | 27 => OrderCommand::Modify { modification: self.modification(order, line) },
            28 => OrderCommand::AnswerModification { fulfillment_order: fo, accepted: self.flag, reason: None },
            29 => OrderCommand::WithdrawModification { reason },
            30 => OrderCommand::Expire { now: at },
            _ => OrderCommand::RecordReturn {
                line,
                quantity,
                step: match self.pick % 3 {
                    0 => ReturnStep::Requested,
                    1 => ReturnStep::Received,
                    _ => ReturnStep::Withdrawn,
                },
            },
        }
    }

    fn line_id(&self, order: &Order) -> LineId {
        let lines = order.lines();
        match lines.get(usize::from(self.line) % (lines.len() + 1)) {
            Some(l) => l.id().clone(),
            None => id("NO-SUCH-LINE"),
        }
    }

    fn fulfillment_order(&self, order: &Order) -> FulfillmentOrderId {
        let fos = order.fulfillment_orders();
        match fos.get(usize::from(self.pick) % (fos.len() + 1)) {
            Some(f) => f.id().clone(),
            None => id("FO-99"),
        }
    }

    fn shipment(&self, order: &Order) -> ShipmentId {
        let shipments: Vec<&ShipmentId> =
            order.fulfillment_orders().iter().flat_map(|f| f.shipments().iter().map(|s| &s.id)).collect();
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

//! The JSON command API: [`Command`] in, [`Response`] (events or an error) out.
//!
//! A host that speaks JSON over its own transport deserializes a [`Request`] (a command with
//! an optional idempotency key and actor), calls [`Oms::handle`], and serializes the
//! [`Response`]. Every command and event is a serde enum tagged with `"type"` in snake_case.

use chrono::{DateTime, Utc};
use oms_core::{
    Actor, Clock, FulfillmentOrderId, IdempotencyKey, LineId, LineQuantity, Metadata, Modification, OrderCommand,
    OrderDraft, OrderId, OrderStore, ShipmentId,
};
use oms_inventory::InventoryStore;
use oms_returns::{
    ExchangeRequest, Inspection, ReceivedUnits, ReturnCommand, ReturnLineRequest, ReturnMethod, ReturnStore, RmaId,
    UnexpectedItem,
};
use serde::{Deserialize, Serialize};

use crate::{Error, Event, Oms, Outbox, Result};

/// A command to the OMS. Serialized with a `"type"` tag in snake_case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Command {
    /// Capture an order from any channel (idempotent on the channel's order number).
    Capture {
        /// The order as the channel sent it.
        draft: Box<OrderDraft>,
    },
    /// Hold network stock for the order's open units (backorder what is missing).
    Reserve {
        /// The order.
        order: OrderId,
    },
    /// Route the order's units and allocate them at the chosen nodes.
    Route {
        /// The order.
        order: OrderId,
    },
    /// Send fulfillment orders to their nodes (all releasable ones when none is named).
    Release {
        /// The order.
        order: OrderId,
        /// One fulfillment order, or all.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fulfillment_order: Option<FulfillmentOrderId>,
    },
    /// The node accepts a fulfillment order.
    Accept {
        /// The order.
        order: OrderId,
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
    },
    /// The node picked a fulfillment order.
    Pick {
        /// The order.
        order: OrderId,
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
    },
    /// The node rejects some units (all when `lines` is empty); they are routed again without it.
    Reject {
        /// The order.
        order: OrderId,
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The units, or all.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lines: Vec<LineQuantity>,
        /// Why.
        reason: String,
    },
    /// The node found units missing while picking; they are routed again without it.
    ShortPick {
        /// The order.
        order: OrderId,
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The missing units.
        lines: Vec<LineQuantity>,
        /// Why.
        reason: String,
    },
    /// A parcel left the node (some units, or all when `lines` is empty).
    Ship {
        /// The order.
        order: OrderId,
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The carrier.
        carrier: String,
        /// The tracking number.
        tracking: String,
        /// The units in the parcel, or all.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lines: Vec<LineQuantity>,
    },
    /// The carrier delivered a shipment.
    Deliver {
        /// The order.
        order: OrderId,
        /// The shipment.
        shipment: ShipmentId,
    },
    /// Units wait at the pickup store.
    ReadyForPickup {
        /// The order.
        order: OrderId,
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
    },
    /// The customer collected units (all when `lines` is empty).
    Collect {
        /// The order.
        order: OrderId,
        /// The fulfillment order.
        fulfillment_order: FulfillmentOrderId,
        /// The units, or all.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lines: Vec<LineQuantity>,
    },
    /// Cancel some units of a line, or the whole order when no line is given.
    Cancel {
        /// The order.
        order: OrderId,
        /// The line, or none for the whole order.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<LineId>,
        /// Units of the line (required with a line).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        quantity: Option<u32>,
        /// Why.
        reason: String,
    },
    /// A dry run of a modification: its events and money delta, nothing written.
    PreviewModification {
        /// The order.
        order: OrderId,
        /// The change.
        modification: Modification,
    },
    /// Apply a modification (address, quantity, lines, ship or pickup).
    Modify {
        /// The order.
        order: OrderId,
        /// The change.
        modification: Modification,
    },
    /// Any other lifecycle command (holds, cancel confirmations, modification answers, parked
    /// units, ...), as the order lifecycle defines it.
    Lifecycle {
        /// The order.
        order: OrderId,
        /// The command.
        command: OrderCommand,
    },
    /// The customer asks to return delivered units.
    RequestReturn {
        /// The order.
        order: OrderId,
        /// The return's id.
        rma: RmaId,
        /// By mail or in store.
        method: ReturnMethod,
        /// The units and reasons.
        lines: Vec<ReturnLineRequest>,
    },
    /// The customer asks to exchange delivered units for others.
    Exchange {
        /// The order.
        order: OrderId,
        /// The return's id.
        rma: RmaId,
        /// By mail or in store.
        method: ReturnMethod,
        /// The units going back, with reasons.
        lines: Vec<ReturnLineRequest>,
        /// What the customer gets instead.
        exchange: ExchangeRequest,
    },
    /// Returned units arrived at a node.
    ReceiveReturn {
        /// The order.
        order: OrderId,
        /// The return.
        rma: RmaId,
        /// The receiving node.
        node: oms_core::NodeId,
        /// The units per line (all expected when empty).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        items: Vec<ReceivedUnits>,
        /// Items that were not expected.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unexpected: Vec<UnexpectedItem>,
    },
    /// Received units were inspected, each with a disposition.
    InspectReturn {
        /// The order.
        order: OrderId,
        /// The return.
        rma: RmaId,
        /// Per line: units and disposition.
        inspections: Vec<Inspection>,
    },
    /// Settle a return: the refund (or exchange difference) instruction goes to the outbox.
    Refund {
        /// The order.
        order: OrderId,
        /// The return.
        rma: RmaId,
    },
    /// Any other return command (approve, reject, cancel, ship, close), as returns define it.
    Return {
        /// The order.
        order: OrderId,
        /// The command.
        command: ReturnCommand,
    },
    /// A stock command (receive, adjust, count, transfer, safety stock, ...). Stock commands
    /// need the request's idempotency key: a repeated key moves nothing.
    Stock {
        /// The command.
        command: oms_inventory::Command,
    },
    /// Expire what waited too long at `now`.
    Expire {
        /// The time to expire at.
        now: DateTime<Utc>,
    },
    /// Bring the inventory back in line with an order after an interruption.
    Recover {
        /// The order.
        order: OrderId,
    },
}

/// A command with who sends it and its idempotency key (both optional).
///
/// ```
/// let request: oms::Request = serde_json::from_str(
///     r#"{"type": "route", "order": "O-1", "key": "route-O-1", "actor": {"kind": "system"}}"#,
/// )?;
/// assert!(matches!(request.command, oms::Command::Route { .. }));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The command.
    #[serde(flatten)]
    pub command: Command,
    /// A retry with the same key does nothing new.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<IdempotencyKey>,
    /// Who sends it (the system when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Actor>,
}

/// What a command did: its events, or why it was refused.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Response {
    /// Done.
    Ok {
        /// What happened.
        events: Vec<Event>,
    },
    /// Refused or failed; a refusal changed nothing.
    Error {
        /// What went wrong.
        error: ErrorReport,
    },
}

/// An error as the JSON API reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorReport {
    /// Which part refused: `order`, `inventory`, `routing`, `returns`, `outbox`, `setup`.
    pub part: &'static str,
    /// True when the rules refused the command (nothing changed); false for an
    /// infrastructure failure worth retrying.
    pub refused: bool,
    /// The error in words.
    pub message: String,
}

impl ErrorReport {
    /// The report of an error.
    pub fn of(error: &Error) -> ErrorReport {
        let part = match error {
            Error::Order(_) => "order",
            Error::Inventory(_) => "inventory",
            Error::Routing(_) | Error::NotGeocoded { .. } => "routing",
            Error::Returns(_) => "returns",
            Error::Outbox(_) => "outbox",
            Error::Inconsistent { .. } => "consistency",
            Error::Setup { .. } => "setup",
        };
        ErrorReport { part, refused: error.is_refusal(), message: error.to_string() }
    }
}

impl<O, I, R, X, C> Oms<O, I, R, X, C>
where
    O: OrderStore,
    I: InventoryStore,
    R: ReturnStore,
    X: Outbox,
    C: Clock + 'static,
{
    /// Handles a JSON API request.
    pub fn handle(&self, request: &Request) -> Response {
        let metadata = Metadata {
            actor: request.actor.clone().unwrap_or(Actor::System),
            idempotency_key: request.key.clone(),
            causation: None,
        };
        match self.dispatch(&request.command, metadata) {
            Ok(events) => Response::Ok { events },
            Err(error) => Response::Error { error: ErrorReport::of(&error) },
        }
    }

    /// Runs a command.
    ///
    /// # Errors
    /// The command's refusal or failure.
    pub fn dispatch(&self, command: &Command, metadata: Metadata) -> Result<Vec<Event>> {
        use OrderCommand as Oc;
        let lifecycle = |order: &OrderId, command: Oc| self.execute(order, &command, metadata.clone());
        let returns = |order: &OrderId, command: ReturnCommand| self.return_command(order, &command, metadata.clone());
        match command.clone() {
            Command::Capture { draft } => self.capture(&draft, metadata),
            Command::Reserve { order } => self.reserve(&order, metadata),
            Command::Route { order } => self.route(&order, metadata),
            Command::Release { order, fulfillment_order } => lifecycle(&order, Oc::Release { fulfillment_order }),
            Command::Accept { order, fulfillment_order } => lifecycle(&order, Oc::Accept { fulfillment_order }),
            Command::Pick { order, fulfillment_order } => lifecycle(&order, Oc::ConfirmPick { fulfillment_order }),
            Command::Reject { order, fulfillment_order, lines, reason } => {
                lifecycle(&order, Oc::Reject { fulfillment_order, lines, reason })
            }
            Command::ShortPick { order, fulfillment_order, lines, reason } => {
                lifecycle(&order, Oc::ShortPick { fulfillment_order, lines, reason })
            }
            Command::Ship { order, fulfillment_order, carrier, tracking, lines } => {
                lifecycle(&order, Oc::Ship { fulfillment_order, carrier, tracking, lines })
            }
            Command::Deliver { order, shipment } => lifecycle(&order, Oc::ConfirmDelivery { shipment }),
            Command::ReadyForPickup { order, fulfillment_order } => {
                lifecycle(&order, Oc::MarkReadyForPickup { fulfillment_order, at: self.now() })
            }
            Command::Collect { order, fulfillment_order, lines } => {
                lifecycle(&order, Oc::Collect { fulfillment_order, lines })
            }
            Command::Cancel { order, line: None, reason, .. } => lifecycle(&order, Oc::CancelOrder { reason }),
            Command::Cancel { order, line: Some(line), quantity, reason } => {
                let Some(quantity) = quantity else {
                    return Err(Error::Order(oms_core::Error::Order(oms_core::OrderError::Invalid {
                        order,
                        line: Some(line),
                        problem: "a cancellation of a line needs a quantity".into(),
                    })));
                };
                lifecycle(&order, Oc::Cancel { line, quantity, reason })
            }
            Command::PreviewModification { order, modification } => self.preview_modification(&order, &modification),
            Command::Modify { order, modification } => lifecycle(&order, Oc::Modify { modification }),
            Command::Lifecycle { order, command } => self.execute(&order, &command, metadata),
            Command::RequestReturn { order, rma, method, lines } => {
                returns(&order, ReturnCommand::Request { rma, method, lines, exchange: None })
            }
            Command::Exchange { order, rma, method, lines, exchange } => {
                returns(&order, ReturnCommand::Request { rma, method, lines, exchange: Some(exchange) })
            }
            Command::ReceiveReturn { order, rma, node, items, unexpected } => {
                returns(&order, ReturnCommand::Receive { rma, node, items, unexpected })
            }
            Command::InspectReturn { order, rma, inspections } => {
                returns(&order, ReturnCommand::Inspect { rma, inspections })
            }
            Command::Refund { order, rma } => returns(&order, ReturnCommand::Refund { rma }),
            Command::Return { order, command } => returns(&order, command),
            Command::Stock { command } => match &metadata.idempotency_key {
                Some(key) => self.stock_command(key, &command),
                None => Err(Error::Setup {
                    field: "key".into(),
                    problem: "a stock command needs an idempotency key".into(),
                }),
            },
            Command::Expire { now } => self.expire(now, metadata),
            Command::Recover { order } => self.recover(&order, metadata),
        }
    }

    /// Runs a stock command (receive, adjust, count, ...) under its idempotency key.
    ///
    /// # Errors
    /// The inventory's refusal, or a store failure.
    pub fn stock_command(&self, key: &IdempotencyKey, command: &oms_inventory::Command) -> Result<Vec<Event>> {
        let now = self.now();
        let (_, feed) = self.stock.execute(key, command, now)?;
        self.publish(crate::integration::feed_messages(key.as_str(), &feed, now))?;
        Ok(feed.into_iter().map(Event::AvailabilityChanged).collect())
    }
}

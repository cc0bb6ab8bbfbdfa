//! Commands on captured orders, and the rules that turn them into events.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{LineId, LineStatus, Order, OrderError, OrderEvent};

/// A request to change an order. Serialized with a `"type"` tag in snake_case.
///
/// [`Order::decide`] either refuses it with an [`OrderError`] or returns the events that
/// carry it out; nothing changes until those events are applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum OrderCommand {
    /// Hold `quantity` units of a line against network stock, taking open units first, then backordered.
    Reserve {
        /// The line.
        line: LineId,
        /// Units to reserve.
        quantity: u32,
    },
    /// Put open units on backorder until stock arrives.
    Backorder {
        /// The line.
        line: LineId,
        /// Units to backorder.
        quantity: u32,
        /// When stock is expected, if known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expected_at: Option<DateTime<Utc>>,
    },
    /// Cancel units of a line that have not gone to a node: open first, then backordered, then reserved.
    Cancel {
        /// The line.
        line: LineId,
        /// Units to cancel.
        quantity: u32,
        /// Why, in words.
        reason: String,
    },
}

/// Statuses a cancellation may take units from, in the order it takes them.
const CANCELLABLE: [LineStatus; 3] = [LineStatus::Open, LineStatus::Backordered, LineStatus::Reserved];
/// Statuses a reservation may take units from, in the order it takes them.
const RESERVABLE: [LineStatus; 2] = [LineStatus::Open, LineStatus::Backordered];

impl Order {
    /// Decides what a command does to this order: the events to record, or why it is refused.
    ///
    /// Pure: reads the order, changes nothing. Apply the returned events to move on.
    ///
    /// # Errors
    /// [`OrderError`] naming the order, the line and the status that refused the command.
    pub fn decide(&self, command: &OrderCommand) -> Result<Vec<OrderEvent>, OrderError> {
        match command {
            OrderCommand::Reserve { line, quantity } => self.take(line, *quantity, &RESERVABLE, |from, quantity| {
                OrderEvent::LineReserved { line: line.clone(), from, quantity }
            }),
            OrderCommand::Backorder { line, quantity, expected_at } => {
                self.take(line, *quantity, &[LineStatus::Open], |from, quantity| OrderEvent::LineBackordered {
                    line: line.clone(),
                    from,
                    quantity,
                    expected_at: *expected_at,
                })
            }
            OrderCommand::Cancel { line, quantity, reason } => {
                self.take(line, *quantity, &CANCELLABLE, |from, quantity| OrderEvent::LineCancelled {
                    line: line.clone(),
                    from,
                    quantity,
                    reason: reason.clone(),
                })
            }
        }
    }

    /// Takes `quantity` units of a line from `sources` in order, one event per source used.
    fn take(
        &self,
        line_id: &LineId,
        quantity: u32,
        sources: &[LineStatus],
        event: impl Fn(LineStatus, u32) -> OrderEvent,
    ) -> Result<Vec<OrderEvent>, OrderError> {
        let line = self
            .line(line_id)
            .ok_or_else(|| OrderError::UnknownLine { order: self.id().clone(), line: line_id.clone() })?;
        if quantity == 0 {
            return Err(OrderError::ZeroQuantity { order: self.id().clone(), line: line_id.clone() });
        }
        let available: u64 = sources.iter().map(|&s| u64::from(line.buckets().get(s))).sum();
        if u64::from(quantity) > available {
            return Err(OrderError::NotEnoughUnits {
                order: self.id().clone(),
                line: line_id.clone(),
                statuses: sources.to_vec(),
                requested: quantity,
                available,
            });
        }
        let mut left = quantity;
        let mut events = Vec::with_capacity(1);
        for &status in sources {
            let taken = left.min(line.buckets().get(status));
            if taken > 0 {
                events.push(event(status, taken));
                left -= taken;
            }
        }
        Ok(events)
    }
}

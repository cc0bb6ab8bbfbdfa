//! The append contract's checks, shared by every [`OrderStore`](crate::OrderStore) adapter.

use crate::{
    ChannelId, CustomerId, ExpectedVersion, ExternalOrderId, OrderEnvelope, OrderEvent, OrderId, OrderSummary,
    StoreError, Version,
};

/// What a valid append of a new order adds to a store's indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrderIndex {
    /// The channel of the unique (channel, channel order number) pair.
    pub channel: ChannelId,
    /// The channel's order number.
    pub external_order_id: ExternalOrderId,
    /// The customer whose order list gains the order.
    pub customer: CustomerId,
    /// The entry for that list.
    pub summary: OrderSummary,
}

/// Checks an append against the [`OrderStore`](crate::OrderStore) contract, given the stream's
/// actual version: the expected version matches, the batch is not empty, its versions continue
/// the stream, a capture comes only first, and a new stream starts with the capture of this very
/// order. Returns the index entries a new order adds (the adapter still checks that its channel
/// order number is not taken, inside the same transaction).
///
/// Adapters call it inside their transaction, after reading the stream's version, so every
/// store refuses exactly the same writes.
///
/// # Errors
/// [`StoreError::Conflict`] or [`StoreError::InvalidWrite`].
pub fn check_append(
    order: &OrderId,
    expected: ExpectedVersion,
    actual: Version,
    events: &[OrderEnvelope],
) -> Result<Option<NewOrderIndex>, StoreError> {
    let invalid = |problem: String| StoreError::InvalidWrite { order: order.clone(), problem };
    if !expected.matches(actual) {
        return Err(StoreError::Conflict { order: order.clone(), expected, actual });
    }
    if events.is_empty() {
        return Err(invalid("an append needs at least one event".into()));
    }
    let mut next = actual.next();
    for envelope in events {
        if envelope.version != next {
            return Err(invalid(format!("event has version {} where {next} comes next", envelope.version)));
        }
        if envelope.version != Version::new(1) && matches!(envelope.event, OrderEvent::Captured(_)) {
            return Err(invalid("captured may only be the first event".into()));
        }
        next = next.next();
    }
    match events.first().map(|e| &e.event) {
        Some(OrderEvent::Captured(captured)) if actual == Version::ZERO => {
            if &captured.order_id != order {
                return Err(invalid(format!("stream starts with the capture of order {}", captured.order_id)));
            }
            Ok(Some(NewOrderIndex {
                channel: captured.channel.id.clone(),
                external_order_id: captured.channel.external_order_id.clone(),
                customer: captured.customer_id.clone(),
                summary: OrderSummary {
                    order_id: order.clone(),
                    channel: captured.channel.clone(),
                    placed_at: captured.placed_at,
                    total: captured.totals.total,
                },
            }))
        }
        _ if actual == Version::ZERO => Err(invalid("a new order must start with its capture".into())),
        _ => Ok(None),
    }
}

//! Small valid drafts and events for tests.

use chrono::{DateTime, TimeZone, Utc};
use rust_decimal::Decimal;

use crate::{
    Actor, Address, ChannelDraft, ChannelKind, Envelope, LineDraft, Metadata, MoneyInput, OrderDraft, OrderEnvelope,
    OrderEvent, Version, capture,
};

/// 2026-11-27T09:00:00Z: the instant fixtures use.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).single().unwrap_or_default()
}

/// A valid US address.
pub fn address() -> Address {
    Address {
        name: Some("Grace Hopper".into()),
        lines: vec!["1 Navy Way".into()],
        city: "Arlington".into(),
        region: Some("VA".into()),
        postal_code: Some("22202".into()),
        country: "US".into(),
        geo: crate::GeoPoint::new(38.8663, -77.0537).ok(),
    }
}

/// A web order in USD with one shipped line per `(line id, sku, quantity)`, each at 10.00.
pub fn draft(order_id: &str, external_id: &str, customer: &str, lines: &[(&str, &str, u32)]) -> OrderDraft {
    OrderDraft {
        order_id: order_id.into(),
        channel: ChannelDraft { kind: ChannelKind::Web, id: "web".into(), external_order_id: external_id.into() },
        customer_id: customer.into(),
        currency: "USD".into(),
        placed_at: t0(),
        ship_to: Some(address()),
        lines: lines
            .iter()
            .map(|&(id, sku, qty)| LineDraft::new(id, sku, qty, MoneyInput::new(Decimal::new(1000, 2), "USD")))
            .collect(),
        discounts: Vec::new(),
        shipping: Vec::new(),
        attributes: Default::default(),
        holds: Vec::new(),
    }
}

/// The capture event of a draft, as version 1 of its stream.
pub fn captured(draft: &OrderDraft) -> OrderEnvelope {
    let captured = capture(draft).expect("fixture drafts are valid");
    Envelope {
        version: Version::new(1),
        recorded_at: draft.placed_at,
        metadata: Metadata::by(Actor::System),
        event: OrderEvent::Captured(Box::new(captured)),
    }
}

/// An event wrapped in an envelope at `version`.
pub fn envelope(version: u64, event: OrderEvent) -> OrderEnvelope {
    Envelope { version: Version::new(version), recorded_at: t0(), metadata: Metadata::by(Actor::System), event }
}

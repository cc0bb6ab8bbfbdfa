//! Small delivered orders and commands for tests.

use chrono::{DateTime, Duration, Utc};
use oms_core::{
    Actor, ChannelDraft, ChannelKind, Envelope, LineDraft, Metadata, MoneyInput, OrderDraft, Version, capture,
};
use rust_decimal::Decimal;

use crate::{
    Disposition, Inspection, ReceivedUnits, RequestedLine, ReturnCommand, ReturnEnvelope, ReturnEvent,
    ReturnLineRequest, ReturnMethod, ReturnReason, ReturnableOrder, RmaId, Units,
};

pub use oms_core::testkit::fixtures::t0;

/// `days` days after [`t0`].
pub fn day(days: i64) -> DateTime<Utc> {
    t0() + Duration::days(days)
}

/// A web order in `currency` with one shipped line per `(line id, sku, quantity, unit price)`,
/// no tax, discount or shipping (add them to the draft).
pub fn draft(order_id: &str, currency: &str, lines: &[(&str, &str, u32, Decimal)]) -> OrderDraft {
    let mut draft = oms_core::testkit::fixtures::draft(order_id, &format!("E-{order_id}"), "C-1", &[]);
    draft.channel =
        ChannelDraft { kind: ChannelKind::Web, id: "web".into(), external_order_id: format!("E-{order_id}") };
    draft.currency = currency.into();
    draft.lines = lines
        .iter()
        .map(|&(id, sku, quantity, price)| LineDraft::new(id, sku, quantity, MoneyInput::new(price, currency)))
        .collect();
    draft
}

/// The draft captured, every unit delivered at [`t0`].
///
/// # Panics
/// When the draft does not capture.
pub fn delivered(draft: &OrderDraft) -> ReturnableOrder {
    let captured = capture(draft).unwrap_or_else(|e| panic!("fixture draft does not capture: {e}"));
    ReturnableOrder::all_delivered(&captured, t0())
}

/// Order `O-1` in USD: line `1` three `TEE` at 10.00, line `2` one `CAP` at 15.00, delivered at [`t0`].
pub fn tee_order() -> ReturnableOrder {
    delivered(&draft("O-1", "USD", &[("1", "TEE", 3, Decimal::new(1000, 2)), ("2", "CAP", 1, Decimal::new(1500, 2))]))
}

/// An id from text known to be valid.
///
/// # Panics
/// When the text is not a valid id.
pub fn rma(id: &str) -> RmaId {
    id.parse().unwrap()
}

/// A mail return of `(line, quantity, reason)`s.
pub fn request(rma_id: &str, lines: &[(&str, u32, ReturnReason)]) -> ReturnCommand {
    ReturnCommand::Request {
        rma: rma(rma_id),
        method: ReturnMethod::Mail,
        lines: lines.iter().map(|&(l, q, r)| ReturnLineRequest::new(l.parse().unwrap(), q, r)).collect(),
        exchange: None,
    }
}

/// `(line, quantity)`s arrive at `node`.
pub fn receive(rma_id: &str, node: &str, items: &[(&str, u32)]) -> ReturnCommand {
    ReturnCommand::Receive {
        rma: rma(rma_id),
        node: node.parse().unwrap(),
        items: items.iter().map(|&(l, q)| ReceivedUnits { line: l.parse().unwrap(), quantity: q }).collect(),
        unexpected: Vec::new(),
    }
}

/// Inspection outcomes `(line, quantity, disposition)`.
pub fn inspect(rma_id: &str, outcomes: &[(&str, u32, Disposition)]) -> ReturnCommand {
    ReturnCommand::Inspect {
        rma: rma(rma_id),
        inspections: outcomes
            .iter()
            .map(|&(l, q, d)| Inspection { line: l.parse().unwrap(), quantity: q, disposition: d })
            .collect(),
    }
}

/// Refund an RMA.
pub fn refund(rma_id: &str) -> ReturnCommand {
    ReturnCommand::Refund { rma: rma(rma_id) }
}

/// A `requested` event holding slots `first .. first + count` of line `1` (sku `TEE`).
pub fn requested_event(rma_id: &str, first: u32, count: u32) -> ReturnEvent {
    ReturnEvent::Requested {
        rma: rma(rma_id),
        method: ReturnMethod::Mail,
        lines: vec![RequestedLine {
            line: "1".parse().unwrap(),
            sku: "TEE".parse().unwrap(),
            units: Units::range(first, count),
            reason: ReturnReason::WrongSize,
            note: None,
        }],
        exchange: None,
    }
}

/// An event wrapped in an envelope at `version`, recorded at [`t0`] by the system.
pub fn envelope(version: u64, event: ReturnEvent) -> ReturnEnvelope {
    Envelope { version: Version::new(version), recorded_at: t0(), metadata: Metadata::by(Actor::System), event }
}

//! Shared set-up for the facade's end-to-end tests.
#![allow(dead_code)]

use oms::core::testkit::fixtures;
use oms::core::{Actor, FixedClock, Metadata, OrderDraft, OrderId};
use oms::{InMemoryOms, Setup};

pub const SETUP: &str = include_str!("../../examples/data/setup.json");

pub fn oms() -> InMemoryOms<FixedClock> {
    Setup::from_json(SETUP).unwrap().build().unwrap()
}

pub fn system() -> Metadata {
    Metadata::by(Actor::System)
}

pub fn id(s: &str) -> OrderId {
    s.parse().unwrap()
}

/// A web order shipping to Chicago.
pub fn chicago_order(order: &str, lines: &[(&str, &str, u32)]) -> OrderDraft {
    let mut draft = fixtures::draft(order, &format!("EXT-{order}"), "C-1", lines);
    let mut address = fixtures::address();
    address.city = "Chicago".into();
    address.geo = oms::core::GeoPoint::new(41.85, -87.65).ok();
    draft.ship_to = Some(address);
    draft
}

/// The setup's clock.
pub fn setup_now() -> chrono::DateTime<chrono::Utc> {
    Setup::from_json(SETUP).unwrap().now.unwrap()
}

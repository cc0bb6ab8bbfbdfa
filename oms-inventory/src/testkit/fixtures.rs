//! A small network and shorthands for tests.

use chrono::{DateTime, TimeZone, Utc};
use oms_core::{ChannelId, IdempotencyKey, NodeId, Sku};

use crate::{
    ChannelConfig, Command, DisplayRules, Inventory, InventoryConfig, NodeConfig, NodeKind, NodeSelector, Policy,
    ReservationId, Reserve, ReserveLine,
};

/// 2026-11-27T09:00:00Z: the instant fixtures use.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).single().unwrap()
}

/// A sku.
pub fn sku(s: &str) -> Sku {
    Sku::new(s).unwrap()
}
/// A node.
pub fn node(s: &str) -> NodeId {
    NodeId::new(s).unwrap()
}
/// A channel.
pub fn channel(s: &str) -> ChannelId {
    ChannelId::new(s).unwrap()
}
/// An idempotency key.
pub fn key(s: &str) -> IdempotencyKey {
    IdempotencyKey::new(s).unwrap()
}
/// A reservation id.
pub fn reservation(s: &str) -> ReservationId {
    ReservationId::new(s).unwrap()
}

/// Warehouses `WH-EAST` and `WH-WEST`, stores `STORE-NYC` and `STORE-SF`, vendor `VENDOR`.
/// Channels: `web` sells from every node; `marketplace` from the warehouses only, with 2 units
/// of channel safety stock and at most 50 advertised; `pos` from the stores only.
pub fn network() -> InventoryConfig {
    let nodes = vec![
        NodeConfig::new(node("WH-EAST"), NodeKind::Warehouse).tagged("us"),
        NodeConfig::new(node("WH-WEST"), NodeKind::Warehouse).tagged("us"),
        NodeConfig::new(node("STORE-NYC"), NodeKind::Store),
        NodeConfig::new(node("STORE-SF"), NodeKind::Store),
        NodeConfig::new(node("VENDOR"), NodeKind::Vendor),
    ];
    let mut marketplace = ChannelConfig::new(channel("marketplace"), NodeSelector::kinds([NodeKind::Warehouse]));
    marketplace.safety_stock = 2;
    marketplace.display = DisplayRules { cap: Some(50), ..DisplayRules::default() };
    let channels = vec![
        ChannelConfig::new(channel("web"), NodeSelector::all()),
        marketplace,
        ChannelConfig::new(channel("pos"), NodeSelector::kinds([NodeKind::Store])),
    ];
    InventoryConfig::new(nodes, channels)
}

/// An inventory over `config` with stock received: `(sku, node, units)`.
pub fn stocked(config: InventoryConfig, stock: &[(&str, &str, u32)]) -> Inventory {
    let mut inventory = Inventory::new(config).unwrap();
    for (i, &(s, n, units)) in stock.iter().enumerate() {
        let command = Command::Receive { sku: sku(s), node: node(n), quantity: units, supply: None };
        inventory.execute(&key(&format!("stock-{i}")), &command, t0()).unwrap();
    }
    inventory
}

/// An all-or-nothing reservation of network stock, `(sku, units)` per line, without expiry.
pub fn reserve(id: &str, on: &str, lines: &[(&str, u32)]) -> Command {
    Command::Reserve(Reserve {
        reservation: reservation(id),
        channel: channel(on),
        lines: lines.iter().map(|&(s, q)| ReserveLine::new(sku(s), q)).collect(),
        expires_at: None,
        policy: Policy::AllOrNothing,
    })
}

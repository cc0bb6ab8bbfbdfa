//! The inventory benches' workloads, shared by `inventory` (criterion) and `inventory_profile`
//! (fixed counts for callgrind and best-of-rounds timing).

use chrono::{DateTime, TimeZone, Utc};
use oms::core::{ChannelId, IdempotencyKey, NodeId, Sku};
use oms::inventory::{
    Batch, ChannelConfig, Command, DisplayRules, Inventory, InventoryConfig, Movement, NodeConfig, NodeKind,
    NodeSelector, Policy, Reason, ReservationId, Reserve, ReserveLine,
};

pub const NODES: usize = 5;

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap()
}

pub fn node(i: usize) -> NodeId {
    NodeId::new(format!("NODE-{i}")).unwrap()
}

/// Two warehouses, two stores, a vendor; web sells from all, a capped marketplace from the
/// warehouses, POS from the stores.
pub fn config() -> InventoryConfig {
    let kinds = [NodeKind::Warehouse, NodeKind::Warehouse, NodeKind::Store, NodeKind::Store, NodeKind::Vendor];
    let nodes = (0..NODES).map(|i| NodeConfig::new(node(i), kinds[i])).collect();
    let mut marketplace =
        ChannelConfig::new("marketplace".parse().unwrap(), NodeSelector::kinds([NodeKind::Warehouse]));
    marketplace.display = DisplayRules { cap: Some(50), ..DisplayRules::default() };
    marketplace.safety_stock = 2;
    let channels = vec![
        ChannelConfig::new("web".parse().unwrap(), NodeSelector::all()),
        marketplace,
        ChannelConfig::new("pos".parse().unwrap(), NodeSelector::kinds([NodeKind::Store])),
    ];
    InventoryConfig::new(nodes, channels)
}

pub fn sku(i: usize) -> Sku {
    Sku::new(format!("SKU-{i:07}")).unwrap()
}

/// Batch `i` of 1,000 receipts (200 skus at every node).
pub fn stock_batch(i: usize) -> Batch {
    let movements = (i * 200..(i + 1) * 200)
        .flat_map(|s| {
            let sku = sku(s);
            (0..NODES).map(move |n| Movement {
                sku: sku.clone(),
                node: node(n),
                reservation: None,
                reason: Reason::Receive { quantity: 100 + (s % 7) as u32, supply: None },
            })
        })
        .collect();
    Batch::new(IdempotencyKey::new(format!("stock-{i}")).unwrap(), t0(), movements)
}

/// Batches of 1,000 receipts stocking `skus` skus (a multiple of 200) at every node.
pub fn stock_batches(skus: usize) -> Vec<Batch> {
    (0..skus / 200).map(stock_batch).collect()
}

/// Batches of 1,000 adjustments (+1 / -1 alternating) over existing positions.
pub fn adjust_batches(skus: usize, movements: usize) -> Vec<Batch> {
    let all: Vec<Movement> = (0..movements)
        .map(|i| Movement {
            sku: sku((i * 7_919) % skus),
            node: node(i % NODES),
            reservation: None,
            reason: Reason::Adjust { delta: if i % 2 == 0 { 1 } else { -1 } },
        })
        .collect();
    all.chunks(1_000)
        .enumerate()
        .map(|(i, chunk)| Batch::new(IdempotencyKey::new(format!("adjust-{i}")).unwrap(), t0(), chunk.to_vec()))
        .collect()
}

/// An engine with `skus` skus (a multiple of 200) at every node, built a batch at a time so
/// the process's memory growth is the engine's.
pub fn stocked(skus: usize) -> Inventory {
    let mut inventory = Inventory::new(config()).unwrap();
    for i in 0..skus / 200 {
        inventory.apply(&stock_batch(i)).unwrap();
    }
    inventory
}

/// The reserve / release pair: 1,024 carts, each reserving 1 unit of one of 1,000 skus for web
/// (30 minutes), and their releases.
pub fn carts() -> (Vec<Command>, Vec<Command>) {
    let web: ChannelId = "web".parse().unwrap();
    let ids: Vec<ReservationId> = (0..1_024).map(|i| ReservationId::new(format!("CART-{i}")).unwrap()).collect();
    let reserves = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            Command::Reserve(Reserve {
                reservation: id.clone(),
                channel: web.clone(),
                lines: vec![ReserveLine::new(sku(i % 1_000), 1)],
                expires_at: Some(t0() + chrono::Duration::minutes(30)),
                policy: Policy::AllOrNothing,
            })
        })
        .collect();
    let releases = ids.iter().map(|id| Command::Release { reservation: id.clone() }).collect();
    (reserves, releases)
}

/// Fresh idempotency keys for `n` pairs, named after `round`.
pub fn pair_keys(round: &str, n: usize) -> Vec<(IdempotencyKey, IdempotencyKey)> {
    (0..n)
        .map(|i| {
            (
                IdempotencyKey::new(format!("r{round}-{i}")).unwrap(),
                IdempotencyKey::new(format!("x{round}-{i}")).unwrap(),
            )
        })
        .collect()
}

/// Executes the pairs: reserve the cart, then release it.
#[inline(always)]
pub fn run_pairs(
    inventory: &mut Inventory,
    keys: &[(IdempotencyKey, IdempotencyKey)],
    reserves: &[Command],
    releases: &[Command],
    now: DateTime<Utc>,
) {
    for (i, (reserve_key, release_key)) in keys.iter().enumerate() {
        let j = i % reserves.len();
        std::hint::black_box(inventory.execute(reserve_key, &reserves[j], now).unwrap().feed().len());
        std::hint::black_box(inventory.execute(release_key, &releases[j], now).unwrap().feed().len());
    }
}

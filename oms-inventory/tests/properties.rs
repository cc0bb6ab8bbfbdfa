//! Invariants, as properties over random streams of commands (valid and not):
//! on hand is the sum of the ledger, commitments never exceed what was available when taken,
//! refused commands change nothing, reservations match positions, replay equals state, the
//! feed matches a recount from scratch, and the store folds the ledger to the same positions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

use std::collections::BTreeMap;

use chrono::Duration;
use oms_core::{ChannelId, ExpectedVersion, NodeId, Sku};
use oms_inventory::testkit::fixtures::{key, t0};
use oms_inventory::*;
use proptest::prelude::*;

/// Channel figures recomputed from the positions alone, node by node (no classes, no running
/// sums): what the incremental figures must equal.
fn recount(inv: &Inventory, sku: &Sku) -> Vec<(ChannelId, i64, bool)> {
    let config = inv.config();
    let pool = |c: &ChannelConfig| -> Vec<&NodeConfig> { config.nodes.iter().filter(|n| c.nodes.matches(n)).collect() };
    let free = |n: &NodeId| inv.position(sku, n).map_or(0, |p| i64::from(p.free()));
    let supply = |nodes: &[&NodeConfig]| nodes.iter().map(|n| free(&n.id)).sum::<i64>();
    config
        .channels
        .iter()
        .map(|c| {
            let mine = pool(c);
            let mut atp = supply(&mine) - i64::from(c.safety_stock);
            for p in config.channels.iter().filter(|p| p.id != c.id) {
                let Some(protection) = p.protection else { continue };
                let theirs = pool(p);
                let shared: Vec<&NodeConfig> = mine.iter().copied().filter(|n| theirs.contains(n)).collect();
                if shared.is_empty() {
                    continue;
                }
                let own = supply(&theirs);
                let kept = match protection {
                    Protection::Units(n) => own.min(i64::from(n)),
                    Protection::Share(s) => s.of(own.max(0) as u64) as i64,
                };
                atp -= kept.min(supply(&shared)).max(0);
            }
            let backorderable = mine.iter().any(|n| inv.position(sku, &n.id).is_some_and(|p| p.backorder_allowed()));
            (c.id.clone(), atp, backorderable)
        })
        .collect()
}

fn check_reservations_match_positions(inv: &Inventory) -> Result<(), TestCaseError> {
    let mut held: BTreeMap<(Sku, NodeId), (u64, u64)> = BTreeMap::new();
    for r in inv.open_reservations() {
        prop_assert!(r.units.iter().any(|u| u.held > 0 || u.allocated > 0), "open reservation {} holds nothing", r.id);
        for u in r.units {
            let e = held.entry((u.sku, u.node)).or_default();
            e.0 += u64::from(u.held);
            e.1 += u64::from(u.allocated);
        }
    }
    for (s, n, p) in inv.positions() {
        let (reserved, allocated) = held.get(&(s.clone(), n.clone())).copied().unwrap_or_default();
        prop_assert_eq!((u64::from(p.reserved()), u64::from(p.allocated())), (reserved, allocated), "{} at {}", s, n);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Folding any stream into a position: on hand is the sum of the accepted movements'
    /// on-hand deltas, refused movements change nothing, and the counters stay consistent.
    #[test]
    fn on_hand_is_the_sum_of_the_movements(stream in strategies::movement_stream(60)) {
        let mut p = Position::default();
        let mut sum = 0i64;
        for reason in &stream {
            let before = p;
            match p.apply(reason) {
                Ok(()) => sum += reason.on_hand_delta(),
                Err(_) => prop_assert_eq!(p, before),
            }
            prop_assert_eq!(i64::from(p.on_hand()), sum);
            prop_assert!(p.unavailable() <= p.on_hand());
            prop_assert!(p.backorder_allowed() || p.atp() >= 0);
            if matches!(reason, Reason::Reserve { .. } | Reason::Allocate { .. }) && p != before && !p.backorder_allowed() {
                prop_assert!(p.balance() >= 0, "a commitment took more than was available: {:?}", p);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Random command streams over the fixture network.
    #[test]
    fn command_streams_keep_every_invariant(
        config in strategies::network(),
        commands in strategies::commands(60, true),
    ) {
        run(config, commands, true)?;
    }

    /// Without stock losses, no position is ever over-committed.
    #[test]
    fn without_losses_nothing_is_over_committed(
        config in strategies::network(),
        commands in strategies::commands(60, false),
    ) {
        run(config, commands, false)?;
    }
}

fn run(config: InventoryConfig, commands: Vec<(i64, Command)>, losses: bool) -> Result<(), TestCaseError> {
    let mut inv = Inventory::new(config.clone()).unwrap();
    let mut ledger: Vec<Batch> = Vec::new();
    let mut shown: BTreeMap<(Sku, ChannelId), Shown> = BTreeMap::new();
    let mut now = t0();
    for (i, (minutes, command)) in commands.iter().enumerate() {
        now += Duration::minutes(*minutes);
        let before = inv.clone();
        let k = key(&format!("k{i}"));
        let decided = inv.decide(&k, command, now);
        let (batch, feed) = match inv.execute(&k, command, now) {
            Err(e) => {
                prop_assert!(inv == before, "a refused command changed the inventory: {:?}", command);
                let same = decided.err().map(|d| d.to_string());
                prop_assert_eq!(same, Some(e.to_string()), "decide and execute refuse alike");
                continue;
            }
            Ok(done) => {
                // What `execute` records for the ledger is what `decide` would have written.
                let decided = decided.unwrap();
                let batch = done.batch();
                prop_assert_eq!(decided.batch(), batch.as_ref());
                prop_assert_eq!(decided.outcome(), &done.outcome());
                (batch, done.feed().to_vec())
            }
        };
        for event in &feed {
            let current = shown.entry((event.sku.clone(), event.channel.clone())).or_insert(Shown::NOTHING);
            prop_assert_eq!(*current, event.before, "event before does not match the last after");
            prop_assert_ne!(event.before, event.after);
            *current = event.after;
        }
        let Some(batch) = batch else {
            prop_assert!(feed.is_empty());
            continue;
        };
        // The batch expects every position it moves, and for a reservation every position of
        // its skus in the channel's pool, at the version the decision read.
        for e in batch.expected() {
            let read = before.version(&e.position.sku, &e.position.node);
            let want = if read.get() == 0 { ExpectedVersion::NoStream } else { ExpectedVersion::Exactly(read) };
            prop_assert_eq!(e.version, want, "{}", e.position);
        }
        let expects = |sku: &Sku, node: &NodeId| {
            batch.expected().iter().any(|e| e.position.sku == *sku && e.position.node == *node)
        };
        for m in batch.movements() {
            prop_assert!(expects(&m.sku, &m.node), "{} at {} moved but not expected", m.sku, m.node);
        }
        if let Command::Reserve(r) = command {
            let channel = config.channels.iter().find(|c| c.id == r.channel).unwrap();
            for line in &r.lines {
                for node in config.nodes.iter().filter(|n| channel.nodes.matches(n)) {
                    if before.position(&line.sku, &node.id).is_some() {
                        prop_assert!(expects(&line.sku, &node.id), "{} at {} read but not expected", line.sku, node.id);
                    }
                }
            }
        }
        // Commitments never exceed what was available at the position when taken.
        for m in batch.movements() {
            if matches!(m.reason, Reason::Reserve { .. } | Reason::Allocate { .. }) {
                let p = inv.position(&m.sku, &m.node).unwrap();
                prop_assert!(
                    p.backorder_allowed() || p.balance() >= 0,
                    "{} at {} over-committed: {:?}",
                    m.sku,
                    m.node,
                    p
                );
            }
        }
        if !losses {
            for (s, n, p) in inv.positions() {
                prop_assert!(p.backorder_allowed() || p.balance() >= 0, "{} at {} over-committed: {:?}", s, n, p);
            }
        }
        check_reservations_match_positions(&inv)?;
        // A repeated key changes nothing.
        let again = inv.clone();
        prop_assert!(inv.execute(&k, command, now).unwrap().is_duplicate());
        prop_assert!(inv == again);
        ledger.push(batch);
    }
    // Replay equals state.
    let replayed = Inventory::replay(config, &ledger).unwrap();
    prop_assert!(replayed == inv, "replay differs");
    // On hand is the sum of the ledger's movements, per position.
    let mut sums: BTreeMap<(Sku, NodeId), i64> = BTreeMap::new();
    for m in ledger.iter().flat_map(|b| b.movements()) {
        *sums.entry((m.sku.clone(), m.node.clone())).or_default() += m.reason.on_hand_delta();
    }
    for (s, n, p) in inv.positions() {
        prop_assert_eq!(i64::from(p.on_hand()), sums.get(&(s.clone(), n.clone())).copied().unwrap_or(0));
    }
    // Running figures and the feed match a recount from the positions.
    for s in inv.skus() {
        for (c, atp, backorderable) in recount(&inv, s) {
            let a = inv.availability(s, &c).unwrap();
            prop_assert_eq!((a.atp, a.backorderable), (atp, backorderable), "{} on {}", s, c);
            let rules = inv.config().channels.iter().find(|x| x.id == c).unwrap().display;
            let expected = Shown::of(atp, backorderable, &rules);
            prop_assert_eq!(a.shown, expected);
            prop_assert_eq!(
                shown.get(&(s.clone(), c.clone())).copied().unwrap_or(Shown::NOTHING),
                expected,
                "feed for {} on {}",
                s,
                c
            );
        }
    }
    // The store folds the same ledger to the same positions and versions.
    let store = InMemoryInventoryStore::new();
    for batch in &ledger {
        store.apply(batch).unwrap();
    }
    for (s, n, p) in inv.positions() {
        let stored = store.positions(&[PositionKey::new(s.clone(), n.clone())]).unwrap().pop().flatten().unwrap();
        prop_assert_eq!((stored.position, stored.version), (p, inv.version(&s, &n)));
        prop_assert_eq!(stored.inbound.as_slice(), inv.inbound(&s, &n));
    }
    Ok(())
}

//! Invariants, as properties: exact allocation, exact totals, buckets, replay, refusals.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

use oms_core::strategies::{currency, lifecycle_step, order_command, order_draft};
use oms_core::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Parts sum to the total exactly, and each is within one minor unit of its exact share.
    #[test]
    fn allocation_is_exact_and_fair(
        currency in currency(),
        total_minor in -10_000_000i64..10_000_000,
        weights in proptest::collection::vec((0i64..1_000_000, 0u32..4), 1..12),
    ) {
        let weights: Vec<Decimal> = weights.iter().map(|&(m, s)| Decimal::new(m, s)).collect();
        let total = Money::from_minor(total_minor, currency);
        let weight_sum: Decimal = weights.iter().sum();
        match total.allocate(&weights) {
            Err(_) => prop_assert!(weight_sum.is_zero()),
            Ok(parts) => {
                prop_assert_eq!(parts.len(), weights.len());
                let sum = Money::sum(currency, &parts).unwrap();
                prop_assert_eq!(sum, total);
                let unit = Decimal::new(1, currency.minor_units());
                for (part, w) in parts.iter().zip(&weights) {
                    let exact = total.amount() * *w / weight_sum;
                    prop_assert!((part.amount() - exact).abs() < unit, "part {} exact {}", part, exact);
                }
            }
        }
    }

    /// Unit shares over consecutive ranges add up to the amount.
    #[test]
    fn unit_shares_telescope(currency in currency(), minor in 0i64..1_000_000, of in 1u32..20, cut in 0u32..20) {
        let amount = Money::from_minor(minor, currency);
        let cut = cut.min(of);
        let head = amount.share_of_units(0, cut, of).unwrap();
        let tail = amount.share_of_units(cut, of - cut, of).unwrap();
        prop_assert_eq!(head.checked_add(tail).unwrap(), amount);
    }

    /// Every generated draft captures, and its totals add up to the lines to the minor unit.
    #[test]
    fn captured_totals_add_up(draft in order_draft()) {
        let c = capture(&draft).unwrap();
        let cur = c.currency;
        let lines_total = Money::sum(cur, c.lines.iter().map(|l| &l.pricing.total)).unwrap();
        prop_assert_eq!(lines_total, c.totals.total);
        let recomputed = c.totals.subtotal.checked_sub(c.totals.discounts).unwrap()
            .checked_add(c.totals.shipping).unwrap().checked_add(c.totals.tax).unwrap();
        prop_assert_eq!(recomputed, c.totals.total);
        let shipping: Money = c.shipping.iter().try_fold(Money::zero(cur), |a, s| a.checked_add(s.amount)).unwrap();
        prop_assert_eq!(shipping, c.totals.shipping);
        for line in &c.lines {
            prop_assert!(!line.pricing.total.is_negative());
            prop_assert!(line.pricing.total.is_in_minor_units());
            let all_units = line.pricing.for_units(0, line.quantity).unwrap();
            prop_assert_eq!(all_units.total, line.pricing.total);
        }
    }

    /// Random command sequences, valid and invalid: buckets always sum to the ordered quantity,
    /// refused commands change nothing, and replaying the events rebuilds the same order.
    #[test]
    fn commands_keep_every_invariant(
        (captured, commands) in order_draft().prop_filter_map("captures", |d| capture(&d).ok()).prop_flat_map(|c| {
            let lines = c.lines.iter().map(|l| l.id.clone()).collect();
            (Just(c), proptest::collection::vec(order_command(lines), 0..40))
        })
    ) {
        let mut order = Order::from_captured(&captured);
        let mut history = vec![OrderEvent::Captured(Box::new(captured))];
        prop_assert_eq!(&Order::replay(&history).unwrap(), &order);
        for command in &commands {
            let before = order.clone();
            match order.decide(command) {
                Err(_) => prop_assert_eq!(&order, &before),
                Ok(events) => {
                    for event in &events {
                        order.apply(event).unwrap();
                    }
                    history.extend(events);
                }
            }
            for line in order.lines() {
                prop_assert_eq!(line.buckets().total(), u64::from(line.quantity()));
            }
            prop_assert_eq!(order.version().get(), history.len() as u64);
        }
        prop_assert_eq!(Order::replay(&history).unwrap(), order.clone());
        let json = serde_json::to_string(&history).unwrap();
        let back: Vec<OrderEvent> = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(Order::replay(&back).unwrap(), order);
    }

    /// Random lifecycle sequences, valid and invalid, under both pickup-rejection policies.
    /// After every command: buckets sum to the ordered quantity, fulfillment orders account
    /// for every unit at a node, refused commands change nothing, money refunded never exceeds
    /// money paid. At the end, replaying the events (also through JSON) rebuilds the order,
    /// and an order with every unit cancelled has refunded exactly what was paid.
    #[test]
    fn lifecycle_keeps_every_invariant(
        (captured, steps, park) in order_draft().prop_filter_map("captures", |d| capture(&d).ok()).prop_flat_map(|c| {
            (Just(c), proptest::collection::vec(lifecycle_step(), 0..80), any::<bool>())
        })
    ) {
        let policy = LifecyclePolicy {
            rejected_pickups: if park { RejectedPickups::Park } else { RejectedPickups::Reroute },
            ..LifecyclePolicy::default()
        };
        let mut order = Order::from_captured(&captured);
        let mut history = vec![OrderEvent::Captured(Box::new(captured))];
        for step in &steps {
            let command = step.command(&order);
            let before = order.clone();
            match order.decide_with(&command, &policy) {
                Err(_) => prop_assert_eq!(&order, &before),
                Ok(events) => {
                    for event in &events {
                        if let Err(e) = order.apply(event) {
                            return Err(TestCaseError::fail(format!("{command:?} decided {event:?}, which does not apply: {e}")));
                        }
                    }
                    history.extend(events);
                }
            }
            check_invariants(&order)?;
            prop_assert_eq!(order.version().get(), history.len() as u64);
        }
        prop_assert_eq!(&Order::replay(&history).unwrap(), &order);
        let json = serde_json::to_string(&history).unwrap();
        let back: Vec<OrderEvent> = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(Order::replay(&back).unwrap(), order.clone());
        // Cancel whatever can still be cancelled: if that leaves every unit cancelled, the
        // refunds add up to exactly what was paid.
        if let Ok(events) = order.decide(&OrderCommand::CancelOrder { reason: "end".into() }) {
            for event in &events {
                order.apply(event).unwrap();
            }
        }
        if order.status() == OrderStatus::Cancelled {
            prop_assert_eq!(order.refunded(), order.paid());
        }
    }
}

fn check_invariants(order: &Order) -> Result<(), TestCaseError> {
    use LineStatus as S;
    for line in order.lines() {
        prop_assert_eq!(line.buckets().total(), u64::from(line.quantity()), "line {} buckets", line.id());
        let at_nodes =
            |status| -> u64 { order.fulfillment_orders().iter().map(|f| u64::from(f.units(line.id(), status))).sum() };
        for status in [S::Allocated, S::Released, S::CancelRequested, S::Shipped, S::ReadyForPickup] {
            prop_assert_eq!(u64::from(line.buckets().get(status)), at_nodes(status), "line {} {}", line.id(), status);
        }
        let delivered = line.buckets().sum_of(&[S::Delivered, S::ReturnRequested, S::Returned]);
        prop_assert_eq!(delivered, at_nodes(S::Delivered), "line {} delivered", line.id());
        prop_assert!(line.refunded_units() <= line.buckets().get(S::Cancelled), "line {} refunds", line.id());
    }
    prop_assert!(
        order.refunded().checked_cmp(&order.paid()).unwrap() != std::cmp::Ordering::Greater,
        "refunded {} of {} paid",
        order.refunded(),
        order.paid()
    );
    Ok(())
}

/// The lifecycle generator must reach every kind of event, or the property above tests less
/// than it claims: run a fixed set of generated sequences and count what they produce.
#[test]
fn lifecycle_generator_reaches_every_event() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut seen = std::collections::BTreeMap::<&'static str, usize>::new();
    let strategy = (order_draft(), proptest::collection::vec(lifecycle_step(), 80), any::<bool>());
    for _ in 0..300 {
        let (draft, steps, park) = strategy.new_tree(&mut runner).unwrap().current();
        let policy = LifecyclePolicy {
            rejected_pickups: if park { RejectedPickups::Park } else { RejectedPickups::Reroute },
            ..LifecyclePolicy::default()
        };
        let mut order = Order::from_captured(&capture(&draft).unwrap());
        for step in &steps {
            if let Ok(events) = order.decide_with(&step.command(&order), &policy) {
                for event in &events {
                    order.apply(event).unwrap();
                    *seen.entry(event.kind()).or_default() += 1;
                }
            }
        }
    }
    let all = [
        "line_reserved",
        "line_backordered",
        "hold_placed",
        "hold_released",
        "hold_rejected",
        "fulfillment_order_created",
        "line_allocated",
        "line_deallocated",
        "fulfillment_order_released",
        "fulfillment_order_accepted",
        "fulfillment_order_picked",
        "fulfillment_rejected",
        "parked_rerouted",
        "cancel_requested",
        "cancel_denied",
        "cancelled",
        "shipped",
        "shipment_delivered",
        "ready_for_pickup",
        "collected",
        "shipping_refunded",
        "modification_requested",
        "modification_answered",
        "modification_applied",
        "modification_closed",
        "ship_to_changed",
        "line_quantity_increased",
        "line_added",
        "fulfillment_changed",
        "fulfillment_redirected",
        "units_withdrawn",
        "return_recorded",
    ];
    let missing: Vec<&str> = all.iter().copied().filter(|k| !seen.contains_key(k)).collect();
    assert!(missing.is_empty(), "never generated: {missing:?}; seen: {seen:?}");
    if std::env::var_os("SHOW_COVERAGE").is_some() {
        println!("{seen:#?}");
    }
}

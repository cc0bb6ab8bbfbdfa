//! Invariants, as properties: exact allocation, exact totals, buckets, replay, refusals.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

use oms_core::strategies::{currency, order_command, order_draft};
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
}

//! Invariants, as properties: refunds never exceed what was paid and equal it when everything
//! comes back without fees; returns never exceed deliveries; replay equals state; refusals
//! write nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::Duration;
use oms_core::{Actor, ManualClock, Metadata, Money, Version};
use oms_returns::strategies::{reason, return_command, return_policy, returnable_order};
use oms_returns::testkit::fixtures::{day, inspect, receive, refund};
use oms_returns::*;
use proptest::prelude::*;

/// Refunded so far by the order's RMAs.
fn refunded(returns: &OrderReturns, order: &ReturnableOrder) -> Money {
    returns.refunded(order.currency).unwrap()
}

fn check_invariants(returns: &OrderReturns, order: &ReturnableOrder) -> Result<(), TestCaseError> {
    // Refunds never exceed what was captured.
    let available = order.captured.checked_sub(order.refunded_amount_outside).unwrap();
    prop_assert!(refunded(returns, order).checked_cmp(&available).unwrap().is_le());
    for line in &order.lines {
        let Some(ledger) = returns.ledger(&line.line_id) else { continue };
        // Units in returns never exceed units delivered and not returned elsewhere.
        prop_assert!(ledger.in_returns() <= line.delivered() - line.returned_outside, "line {}", line.line_id);
        // Slots are held or refunded, never both, and never below the outside refunds or past the line.
        prop_assert!(!ledger.held().overlaps(ledger.refunded()));
        prop_assert!(Units::range(0, line.quantity()).contains_all(ledger.shipping_refunded()));
        let allowed = Units::range(0, line.quantity() - line.refunded_outside);
        prop_assert!(allowed.contains_all(&ledger.taken()));
    }
    for rma in returns.rmas() {
        for line in rma.lines() {
            prop_assert!(line.received() <= line.quantity());
        }
        if let Some(settlement) = rma.settlement() {
            check_settlement(settlement, order)?;
        }
    }
    // What a line holds is exactly the slots of its open RMAs, which never share a slot.
    for line in &order.lines {
        let open: Vec<&Units> = returns
            .rmas()
            .iter()
            .filter(|r| r.status().holds_units())
            .filter_map(|r| r.line(&line.line_id).map(RmaLine::units))
            .collect();
        let union = open.iter().fold(Units::new(), |u, x| u.union(x));
        let held = returns.ledger(&line.line_id).map(|l| l.held().clone()).unwrap_or_default();
        prop_assert_eq!(&union, &held);
        prop_assert_eq!(open.iter().map(|u| u.len()).sum::<u32>(), held.len());
    }
    Ok(())
}

/// A settlement's amounts agree with each other: each credit line's total is its parts, the
/// credit is the lines plus the shipping credits, the payment is the credit less the exchange.
fn check_settlement(settlement: &Settlement, order: &ReturnableOrder) -> Result<(), TestCaseError> {
    let sum = |amounts: &[Money]| Money::sum(order.currency, amounts).unwrap();
    for line in &settlement.lines {
        let parts = sum(&[line.merchandise, line.tax, line.shipping, line.shipping_tax]);
        let kept = sum(&[line.restocking_fee, line.label_fee]);
        prop_assert_eq!(line.total, parts.checked_sub(kept).unwrap(), "line {}", line.line);
        prop_assert!(!line.restocking_fee.is_negative() && !line.label_fee.is_negative());
        prop_assert!(line.with_shipping || (line.shipping.is_zero() && line.shipping_tax.is_zero()));
    }
    let lines: Vec<Money> = settlement.lines.iter().map(|l| l.total).collect();
    let shipping: Vec<Money> = settlement.shipping.iter().flat_map(|s| [s.shipping, s.shipping_tax]).collect();
    prop_assert_eq!(settlement.credit, sum(&lines).checked_add(sum(&shipping)).unwrap());
    let net = settlement.credit.checked_sub(settlement.replacement_value).unwrap();
    let paid = match settlement.payment {
        Payment::Refund { amount } => amount,
        Payment::Charge { amount } => Money::zero(order.currency).checked_sub(amount).unwrap(),
        Payment::Nothing => Money::zero(order.currency),
    };
    prop_assert_eq!(net, paid);
    // Refunds and charges are positive; nothing to pay is `Nothing`.
    if let Payment::Refund { amount } | Payment::Charge { amount } = settlement.payment {
        prop_assert!(!amount.is_negative() && !amount.is_zero(), "payment {:?}", settlement.payment);
    }
    Ok(())
}

/// One step of a generated scenario, turned into a command against the current state.
#[derive(Debug, Clone)]
enum Step {
    /// Request `R-{rma}` for some lines (picked by index) and quantities.
    Request {
        rma: u8,
        lines: Vec<(proptest::sample::Index, u32, ReturnReason)>,
        /// An exchange on the first line: advance or not, swapped or bought at a price (minor units).
        exchange: Option<(bool, Option<i64>)>,
    },
    /// The next natural step of an existing RMA; `share` is the percentage received, `seed`
    /// picks dispositions and whether to reject or ship first.
    Advance { rma: proptest::sample::Index, share: u8, seed: u64 },
    /// Any command, valid or not.
    Random(ReturnCommand),
    /// The expiry sweep.
    Expire,
}

impl Step {
    fn command(&self, returns: &OrderReturns, order: &ReturnableOrder) -> Option<ReturnCommand> {
        match self {
            Step::Expire => None,
            Step::Random(command) => Some(command.clone()),
            Step::Request { rma, lines, exchange } => {
                let lines: Vec<ReturnLineRequest> = lines
                    .iter()
                    .map(|(i, q, r)| ReturnLineRequest::new(i.get(&order.lines).line_id.clone(), *q, *r))
                    .collect();
                let exchange = exchange.map(|(advance, price)| ExchangeRequest {
                    items: vec![match price {
                        None => ExchangeItem::Swap {
                            line: lines[0].line.clone(),
                            sku: "OTHER".parse().unwrap(),
                            quantity: 1,
                        },
                        Some(minor) => ExchangeItem::Buy {
                            sku: "UPGRADE".parse().unwrap(),
                            quantity: 1,
                            unit_price: Money::from_minor(minor, order.currency),
                            unit_tax: Money::from_minor(minor / 10, order.currency),
                        },
                    }],
                    advance,
                });
                Some(ReturnCommand::Request {
                    rma: format!("R-{rma}").parse().unwrap(),
                    method: ReturnMethod::Mail,
                    lines,
                    exchange,
                })
            }
            Step::Advance { rma, share, seed } => {
                if returns.rmas().is_empty() {
                    let line = order.lines[0].line_id.clone();
                    let lines = vec![ReturnLineRequest::new(line, 1, ReturnReason::WrongSize)];
                    let rma = "R-9".parse().unwrap();
                    return Some(ReturnCommand::Request { rma, method: ReturnMethod::Mail, lines, exchange: None });
                }
                let r = rma.get(returns.rmas());
                let id = r.id().clone();
                let left: u32 = r.lines().iter().map(|l| l.quantity() - l.received()).sum();
                Some(match r.status() {
                    RmaStatus::Requested if seed % 7 == 0 => ReturnCommand::Reject { rma: id, reason: "no".into() },
                    RmaStatus::Requested => ReturnCommand::Approve { rma: id },
                    RmaStatus::Approved if seed % 3 == 0 => ReturnCommand::Ship { rma: id, tracking: None },
                    RmaStatus::Approved | RmaStatus::InTransit => receive_share(r, *share),
                    RmaStatus::Received if left > 0 && *share > 60 => receive_share(r, *share),
                    RmaStatus::Received => {
                        let dispositions = [
                            Disposition::Restock,
                            Disposition::Damaged,
                            Disposition::Refurbish,
                            Disposition::ReturnToVendor,
                        ];
                        let inspections = r
                            .lines()
                            .iter()
                            .filter(|l| l.received() > 0)
                            .enumerate()
                            .map(|(i, l)| Inspection {
                                line: l.line().clone(),
                                quantity: l.received(),
                                disposition: dispositions[((seed >> (2 * i)) % 4) as usize],
                            })
                            .collect();
                        ReturnCommand::Inspect { rma: id, inspections }
                    }
                    RmaStatus::Inspected => ReturnCommand::Refund { rma: id },
                    _ => ReturnCommand::Close { rma: id },
                })
            }
        }
    }
}

/// Receives `share` percent of what each line still expects (at least one unit somewhere).
fn receive_share(rma: &Rma, share: u8) -> ReturnCommand {
    let mut items: Vec<ReceivedUnits> = rma
        .lines()
        .iter()
        .map(|l| ReceivedUnits {
            line: l.line().clone(),
            quantity: ((l.quantity() - l.received()) * u32::from(share)).div_ceil(100),
        })
        .filter(|i| i.quantity > 0)
        .collect();
    if items.is_empty() {
        if let Some(l) = rma.lines().iter().find(|l| l.received() < l.quantity()) {
            items.push(ReceivedUnits { line: l.line().clone(), quantity: 1 });
        }
    }
    ReturnCommand::Receive { rma: rma.id().clone(), node: "DC-1".parse().unwrap(), items, unexpected: vec![] }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random return scenarios through the service and store: mostly the next natural step of
    /// a random RMA (approve or reject, ship, receive part or all, inspect with random
    /// dispositions, refund, close), mixed with random commands valid or not and expiry sweeps
    /// as time passes. Every invariant holds after each step, a refused command writes nothing,
    /// and the stored history rebuilds exactly the state the service returned.
    #[test]
    fn commands_keep_every_invariant(
        (order, policy, steps) in returnable_order().prop_flat_map(|order| {
            let lines = order.lines.iter().map(|l| l.line_id.clone()).collect();
            let step = prop_oneof![
                3 => (
                    0u8..6,
                    proptest::collection::vec((any::<proptest::sample::Index>(), 1u32..=3, reason()), 1..=3),
                    proptest::option::weighted(0.3, (any::<bool>(), proptest::option::of(0i64..=20_000))),
                )
                    .prop_map(|(rma, lines, exchange)| Step::Request { rma, lines, exchange }),
                8 => (any::<proptest::sample::Index>(), 0u8..=100, any::<u64>())
                    .prop_map(|(rma, share, seed)| Step::Advance { rma, share, seed }),
                2 => return_command(lines, order.currency).prop_map(Step::Random),
                1 => Just(Step::Expire),
            ];
            let days = prop_oneof![9 => 0i64..=3, 1 => Just(25i64)];
            (Just(order.clone()), return_policy(order.currency), proptest::collection::vec((step, days), 1..40))
        })
    ) {
        let clock = Arc::new(ManualClock::new(day(1)));
        let service = ReturnService::new(InMemoryReturnStore::new(), clock.clone(), policy).unwrap();
        let meta = Metadata::by(Actor::System);
        let prepared = order.clone().prepare().unwrap();
        for (step, days) in steps {
            clock.advance(Duration::days(days));
            let before = service.returns(&order.order_id).unwrap();
            let outcome = match step.command(&before, &order) {
                Some(command) => service.execute(&prepared, &command, meta.clone()),
                None => service.expire(&order.order_id, meta.clone()),
            };
            let stored = service.returns(&order.order_id).unwrap();
            match outcome {
                Ok(done) => {
                    prop_assert_eq!(&done.returns, &stored);
                    prop_assert_eq!(stored.version().get(), before.version().get() + done.events.len() as u64);
                }
                Err(Error::Return(_)) => prop_assert_eq!(&stored, &before, "a refusal wrote events"),
                Err(other) => prop_assert!(false, "store failure: {other}"),
            }
            check_invariants(&stored, &order)?;
        }
        let history: Vec<ReturnEvent> =
            service.store().read(&order.order_id, Version::ZERO).unwrap().into_iter().map(|e| e.event).collect();
        prop_assert_eq!(
            OrderReturns::replay(order.order_id.clone(), &history).unwrap(),
            service.returns(&order.order_id).unwrap()
        );
    }

    /// Every delivered unit comes back, in random chunks and order, for random reasons, without
    /// fees: with the refunds made outside for cancelled units, the refunds add up to exactly
    /// what the customer paid, to the minor unit, modified lines and shipping included. With
    /// fees they never exceed it.
    #[test]
    fn everything_returned_refunds_exactly_what_was_paid(
        order in returnable_order(),
        sizes in proptest::collection::vec(1u32..=4, 64),
        keys in proptest::collection::vec(any::<u32>(), 64),
        reasons in proptest::collection::vec(reason(), 64),
        fees in return_policy(oms_core::Currency::USD).prop_map(|p| p.reasons),
        with_fees in any::<bool>(),
    ) {
        let mut policy = ReturnPolicy::standard();
        if with_fees {
            // Per-unit fees need the order's currency: keep only percent fees.
            policy.reasons = fees;
            for rule in policy.reasons.values_mut() {
                if matches!(rule.restocking_fee, Some(RestockingFee::PerUnit { .. })) {
                    rule.restocking_fee = None;
                }
            }
        }
        // One chunk per RMA: (line, quantity), shuffled by random keys.
        let mut chunks = Vec::new();
        let mut size = sizes.iter().cycle();
        for line in &order.lines {
            let mut left = line.delivered();
            while left > 0 {
                let take = (*size.next().unwrap()).min(left);
                chunks.push((line.line_id.clone(), take));
                left -= take;
            }
        }
        let mut keyed: Vec<_> = chunks.into_iter().zip(keys.iter().cycle()).collect();
        keyed.sort_by_key(|(_, key)| **key);

        let mut test = oms_returns::testkit::ReturnTest::new(order.clone(), policy).at(day(21));
        for (i, ((line, quantity), _)) in keyed.into_iter().enumerate() {
            let rma = format!("R-{i}");
            let id = line.to_string();
            test.run(ReturnCommand::Request {
                rma: rma.parse().unwrap(),
                method: ReturnMethod::Mail,
                lines: vec![ReturnLineRequest::new(line, quantity, reasons[i % reasons.len()])],
                exchange: None,
            });
            test.run(receive(&rma, "DC-1", &[(&id, quantity)]));
            test.run(inspect(&rma, &[(&id, quantity, Disposition::Restock)]));
            test.run(refund(&rma));
            check_invariants(test.returns(), &order)?;
        }
        // With what was refunded outside (cancelled units), everything paid comes back.
        let total = refunded(test.returns(), &order).checked_add(order.refunded_amount_outside).unwrap();
        if with_fees {
            prop_assert!(total.checked_cmp(&order.captured).unwrap().is_le());
        } else {
            prop_assert_eq!(total, order.captured);
        }
        for line in &order.lines {
            let ledger = test.returns().ledger(&line.line_id);
            prop_assert_eq!(ledger.map_or(0, |l| l.refunded().len()), line.quantity() - line.refunded_outside);
        }
    }

    /// The unit-slot set behaves like the set of slots it stands for.
    #[test]
    fn units_behave_like_sets(
        a in proptest::collection::btree_set(0u32..40, 0..20),
        b in proptest::collection::btree_set(0u32..40, 0..20),
        n in 0u32..25,
    ) {
        let units = |s: &BTreeSet<u32>| s.iter().fold(Units::new(), |u, &x| u.union(&Units::range(x, 1)));
        let slots = |u: &Units| -> BTreeSet<u32> { u.ranges().flat_map(|r| r.first..r.first + r.count).collect() };
        let (ua, ub) = (units(&a), units(&b));
        prop_assert_eq!(slots(&ua), a.clone());
        prop_assert_eq!(ua.len() as usize, a.len());
        prop_assert_eq!(slots(&ua.union(&ub)), a.union(&b).copied().collect::<BTreeSet<_>>());
        prop_assert_eq!(slots(&ua.difference(&ub)), a.difference(&b).copied().collect::<BTreeSet<_>>());
        prop_assert_eq!(ua.overlaps(&ub), !a.is_disjoint(&b));
        prop_assert_eq!(ua.contains_all(&ub), b.is_subset(&a));
        let bottom: BTreeSet<u32> = a.iter().take(n as usize).copied().collect();
        prop_assert_eq!(slots(&ua.lowest(n)), bottom);
        prop_assert_eq!((ua.min(), ua.max()), (a.first().copied(), a.last().copied()));
    }
}

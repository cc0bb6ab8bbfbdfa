//! The return service over a store and a clock: nothing written on refusal, retries, races, sweeps.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

use std::sync::Arc;

use chrono::Duration;
use oms_core::{Actor, ExpectedVersion, IdempotencyKey, ManualClock, Metadata, Version};
use oms_returns::testkit::fixtures::{day, inspect, receive, refund, request, rma, tee_order};
use oms_returns::*;
use rust_decimal_macros::dec;

fn system() -> Metadata {
    Metadata::by(Actor::System)
}

fn service() -> ReturnService<Arc<InMemoryReturnStore>, Arc<ManualClock>> {
    let clock = Arc::new(ManualClock::new(day(2)));
    ReturnService::new(Arc::new(InMemoryReturnStore::new()), clock, ReturnPolicy::standard()).unwrap()
}

#[test]
fn a_refused_command_writes_nothing() {
    let service = service();
    let order = tee_order().prepare().unwrap();
    let err = service.execute(&order, &request("R-1", &[("1", 4, ReturnReason::ChangedMind)]), system()).unwrap_err();
    assert!(matches!(err, Error::Return(ReturnError::Ineligible { .. })), "{err}");
    assert!(service.store().read(&order.order().order_id, Version::ZERO).unwrap().is_empty());
    assert_eq!(service.find(&rma("R-1")).unwrap(), None);

    service.execute(&order, &request("R-1", &[("1", 1, ReturnReason::ChangedMind)]), system()).unwrap();
    let err = service.execute(&order, &receive("R-2", "DC-1", &[("1", 1)]), system()).unwrap_err();
    assert!(matches!(err, Error::Return(ReturnError::UnknownRma { .. })), "{err}");
    assert_eq!(service.returns(&order.order().order_id).unwrap().version(), Version::new(2));
}

#[test]
fn a_retried_command_with_the_same_key_is_not_run_twice() {
    let service = service();
    let order = tee_order().prepare().unwrap();
    let key: IdempotencyKey = "refund-click-1".parse().unwrap();
    for command in [request("R-1", &[("1", 1, ReturnReason::ChangedMind)]), receive("R-1", "DC-1", &[("1", 1)])] {
        service.execute(&order, &command, system()).unwrap();
    }
    service.execute(&order, &inspect("R-1", &[("1", 1, Disposition::Restock)]), system()).unwrap();
    let first = service.execute(&order, &refund("R-1"), system().with_key(key.clone())).unwrap();
    let again = service.execute(&order, &refund("R-1"), system().with_key(key)).unwrap();
    assert!(!first.replayed && again.replayed);
    assert_eq!(again.events, first.events);
    assert_eq!(service.returns(&order.order().order_id).unwrap().version(), first.returns.version());
}

#[test]
fn two_concurrent_returns_of_one_order_conflict_instead_of_both_passing() {
    // Both writers load the same returns and each asks for two of the three tees.
    let store = InMemoryReturnStore::new();
    let order = tee_order().prepare().unwrap();
    let policy = ReturnPolicy::standard();
    let loaded = store.load_returns(&order.order().order_id).unwrap();
    let envelopes = |rma_id: &str| -> Vec<ReturnEnvelope> {
        let events =
            loaded.decide(&request(rma_id, &[("1", 2, ReturnReason::ChangedMind)]), &order, &policy, day(2)).unwrap();
        events.into_iter().enumerate().map(|(i, e)| oms_returns::testkit::fixtures::envelope(i as u64 + 1, e)).collect()
    };
    let (first, second) = (envelopes("R-1"), envelopes("R-2"));
    store.append(&order.order().order_id, ExpectedVersion::Exactly(loaded.version()), &first).unwrap();
    let lost = store.append(&order.order().order_id, ExpectedVersion::Exactly(loaded.version()), &second);
    assert!(matches!(lost, Err(ReturnStoreError::Conflict { .. })), "{lost:?}");
    // Reloaded, the second writer's request is refused by the rules: one tee is left.
    let reloaded = store.load_returns(&order.order().order_id).unwrap();
    let err =
        reloaded.decide(&request("R-2", &[("1", 2, ReturnReason::ChangedMind)]), &order, &policy, day(2)).unwrap_err();
    assert!(matches!(err, ReturnError::Ineligible { refusal: Refusal::TooMany { requested: 2, returnable: 1 }, .. }));
}

#[test]
fn the_expiry_sweep_expires_due_rmas_across_orders_once() {
    let clock = Arc::new(ManualClock::new(day(1)));
    let service = ReturnService::new(InMemoryReturnStore::new(), clock.clone(), ReturnPolicy::standard()).unwrap();
    let first = tee_order().prepare().unwrap();
    let mut second = tee_order();
    second.order_id = "O-2".parse().unwrap();
    let second = second.prepare().unwrap();
    service.execute(&first, &request("R-1", &[("1", 1, ReturnReason::ChangedMind)]), system()).unwrap();
    clock.advance(Duration::days(2));
    service.execute(&second, &request("R-2", &[("2", 1, ReturnReason::ChangedMind)]), system()).unwrap();
    service.execute(&second, &request("R-3", &[("1", 1, ReturnReason::ChangedMind)]), system()).unwrap();
    service.execute(&second, &receive("R-3", "DC-1", &[("1", 1)]), system()).unwrap();

    clock.advance(Duration::days(20)); // day 23: R-1 (due day 22) is late, R-2 (due day 24) is not
    let swept = service.expire_due(system()).unwrap();
    let expired: Vec<String> = swept.iter().flat_map(|x| &x.events).map(|e| e.event.rma().to_string()).collect();
    assert_eq!(expired, ["R-1"]);
    clock.advance(Duration::days(5));
    let swept = service.expire_due(system()).unwrap();
    let expired: Vec<String> = swept.iter().flat_map(|x| &x.events).map(|e| e.event.rma().to_string()).collect();
    assert_eq!(expired, ["R-2"], "R-3 received goods; R-1 expired already");
    assert!(service.store().awaiting_arrival(day(999)).unwrap().is_empty());
    assert!(service.expire_due(system()).unwrap().is_empty());
}

#[test]
fn eligibility_and_quotes_read_through_the_service() {
    let service = service();
    let order = tee_order().prepare().unwrap();
    service.execute(&order, &request("R-1", &[("1", 2, ReturnReason::ChangedMind)]), system()).unwrap();
    let eligibility = service.eligibility(&order, ReturnReason::ChangedMind).unwrap();
    let returnable: Vec<u32> = eligibility.lines.iter().map(|l| l.returnable).collect();
    assert_eq!(returnable, [1, 1]);
    service.execute(&order, &receive("R-1", "DC-1", &[("1", 2)]), system()).unwrap();
    service.execute(&order, &inspect("R-1", &[("1", 2, Disposition::Restock)]), system()).unwrap();
    let quote = service.quote(&order, &rma("R-1")).unwrap();
    assert_eq!(quote.payment, Payment::Refund { amount: oms_core::Money::new(dec!(20.00), order.order().currency) });
    assert_eq!(
        service.returns(&order.order().order_id).unwrap().rma(&rma("R-1")).unwrap().status(),
        RmaStatus::Inspected
    );
}

#[test]
fn an_invalid_policy_is_refused_up_front() {
    let mut policy = ReturnPolicy::standard();
    policy.reasons.get_mut(&ReturnReason::ChangedMind).unwrap().restocking_fee =
        Some(RestockingFee::Percent { percent: dec!(-5) });
    let refused = ReturnService::new(InMemoryReturnStore::new(), ManualClock::new(day(0)), policy);
    assert!(matches!(refused, Err(Error::Return(ReturnError::InvalidPolicy { .. }))));
}

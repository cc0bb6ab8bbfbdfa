//! The RMA lifecycle and every refusal: given commands, when a command, then events or an error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

use oms_core::{LineId, OrderId};
use oms_returns::testkit::ReturnTest;
use oms_returns::testkit::fixtures::{day, inspect, receive, refund, request, rma, t0, tee_order};
use oms_returns::*;
use petgraph::graph::DiGraph;
use petgraph::visit::Dfs;

fn line(id: &str) -> LineId {
    id.parse().unwrap()
}

fn order_id() -> OrderId {
    "O-1".parse().unwrap()
}

fn manual() -> ReturnPolicy {
    ReturnPolicy { auto_approve: false, ..ReturnPolicy::standard() }
}

#[test]
fn the_transition_table_reaches_every_status_and_ends_only_in_terminal_ones() {
    let mut graph = DiGraph::<RmaStatus, RmaEventKind>::new();
    let nodes: Vec<_> = RmaStatus::ALL.iter().map(|&s| graph.add_node(s)).collect();
    let node = |s: RmaStatus| nodes[RmaStatus::ALL.iter().position(|&x| x == s).unwrap()];
    for &from in RmaStatus::ALL {
        for &step in RmaEventKind::ALL {
            if let Some(to) = from.after(step) {
                graph.add_edge(node(from), node(to), step);
            }
        }
    }
    let mut reached = Vec::new();
    let mut dfs = Dfs::new(&graph, node(RmaStatus::Requested));
    while let Some(index) = dfs.next(&graph) {
        reached.push(graph[index]);
    }
    reached.sort();
    assert_eq!(reached, RmaStatus::ALL, "every status is reachable from requested");
    for &status in RmaStatus::ALL {
        let dead_end = graph.neighbors(node(status)).all(|n| graph[n] == status);
        assert_eq!(dead_end, status.is_terminal(), "{status}");
    }
    // No step ever leads back to requested: a request only creates.
    assert!(RmaStatus::ALL.iter().all(|s| RmaEventKind::ALL.iter().all(|&k| s.after(k) != Some(RmaStatus::Requested))));
}

#[test]
fn a_mail_return_walks_the_whole_lifecycle() {
    let mut test = ReturnTest::new(tee_order(), manual()).at(day(3));
    let kinds = |events: Vec<ReturnEvent>| events.iter().map(|e| e.kind()).collect::<Vec<_>>();
    assert_eq!(kinds(test.run(request("R-1", &[("1", 2, ReturnReason::WrongSize)]))), [RmaEventKind::Requested]);
    assert_eq!(kinds(test.run(ReturnCommand::Approve { rma: rma("R-1") })), [RmaEventKind::Approved]);
    let expires_at = test.returns().rma(&rma("R-1")).unwrap().expires_at();
    assert_eq!(expires_at, Some(day(3 + 21)));
    test.run(ReturnCommand::Ship { rma: rma("R-1"), tracking: Some("UPS 1Z999".into()) });
    assert_eq!(test.returns().rma(&rma("R-1")).unwrap().status(), RmaStatus::InTransit);
    test.run(receive("R-1", "DC-1", &[("1", 2)]));
    let inspected = test.run(inspect("R-1", &[("1", 1, Disposition::Restock), ("1", 1, Disposition::Refurbish)]));
    assert_eq!(inspected[0].stock_movements().len(), 2);
    test.run(refund("R-1"));
    test.run(ReturnCommand::Close { rma: rma("R-1") });
    let r = test.returns().rma(&rma("R-1")).unwrap();
    assert_eq!((r.status(), r.remark()), (RmaStatus::Closed, Some("UPS 1Z999")));
}

#[test]
fn returning_more_than_delivered_is_refused_naming_order_line_and_rule() {
    // Two of the three tees reached the customer.
    let mut order = tee_order();
    order.lines[0].deliveries[0].quantity = 2;
    let test = ReturnTest::new(order, ReturnPolicy::standard());
    let err = test.refuse(request("R-1", &[("1", 3, ReturnReason::ChangedMind)]));
    assert_eq!(
        err,
        ReturnError::Ineligible {
            order: order_id(),
            line: line("1"),
            refusal: Refusal::TooMany { requested: 3, returnable: 2 }
        }
    );
    assert_eq!(err.to_string(), "order O-1 line 1: 3 units asked for but 2 may be returned");
    assert!(test.returns().rmas().is_empty());
}

#[test]
fn units_in_open_returns_count_against_what_may_still_come_back() {
    let mut test = ReturnTest::new(tee_order(), ReturnPolicy::standard());
    test.run(request("R-1", &[("1", 2, ReturnReason::ChangedMind)]));
    let err = test.refuse(request("R-2", &[("1", 2, ReturnReason::ChangedMind)]));
    assert!(matches!(err, ReturnError::Ineligible { refusal: Refusal::TooMany { requested: 2, returnable: 1 }, .. }));
    test.run(request("R-2", &[("1", 1, ReturnReason::ChangedMind)]));
    let err = test.refuse(request("R-3", &[("1", 1, ReturnReason::ChangedMind)]));
    assert!(matches!(err, ReturnError::Ineligible { refusal: Refusal::AllReturned { delivered: 3 }, .. }), "{err}");
    // The two RMAs hold disjoint slots, lowest first.
    assert_eq!(test.returns().rma(&rma("R-1")).unwrap().lines()[0].units(), &Units::range(0, 2));
    assert_eq!(test.returns().rma(&rma("R-2")).unwrap().lines()[0].units(), &Units::range(2, 1));
}

#[test]
fn returns_outside_the_window_are_refused_with_the_closing_time() {
    let test = ReturnTest::new(tee_order(), ReturnPolicy::standard()).at(day(31));
    let err = test.refuse(request("R-1", &[("1", 1, ReturnReason::ChangedMind)]));
    assert_eq!(err.to_string(), format!("order O-1 line 1: the return window closed at {}", day(30)));
    // The last instant of the window is still inside it.
    let test = ReturnTest::new(tee_order(), ReturnPolicy::standard()).at(day(30));
    assert!(
        test.returns()
            .decide(
                &request("R-1", &[("1", 1, ReturnReason::ChangedMind)]),
                &test.prepared(),
                &ReturnPolicy::standard(),
                day(30)
            )
            .is_ok()
    );
}

#[test]
fn windows_follow_the_channel_and_the_sku_group() {
    let mut policy = ReturnPolicy::standard();
    policy.channel_window_days.insert("web".parse().unwrap(), 60);
    policy.sku_groups.push(SkuGroupRule {
        group: "headwear".parse().unwrap(),
        skus: ["CAP".parse().unwrap()].into(),
        window_days: 7,
    });
    let test = ReturnTest::new(tee_order(), policy.clone()).at(day(45));
    let eligibility =
        test.returns().eligibility(&test.prepared(), &policy, ReturnReason::ChangedMind, day(45)).unwrap();
    let tee = &eligibility.lines[0];
    let cap = &eligibility.lines[1];
    assert_eq!((tee.returnable, tee.closes_at), (3, Some(day(60))));
    assert_eq!((cap.returnable, cap.refusal.clone()), (0, Some(Refusal::WindowClosed { closed_at: day(7) })));
}

#[test]
fn a_late_delivery_opens_its_own_window() {
    // Two tees on day 0, the third on day 20: on day 40 only the third may come back.
    let mut order = tee_order();
    order.lines[0].deliveries = vec![
        Delivery { quantity: 2, at: t0(), pickup_node: None },
        Delivery { quantity: 1, at: day(20), pickup_node: None },
    ];
    let test = ReturnTest::new(order, ReturnPolicy::standard()).at(day(40));
    let err = test.refuse(request("R-1", &[("1", 2, ReturnReason::ChangedMind)]));
    assert!(matches!(err, ReturnError::Ineligible { refusal: Refusal::TooMany { requested: 2, returnable: 1 }, .. }));
}

#[test]
fn final_sale_items_come_back_only_when_the_merchant_is_at_fault() {
    let mut policy = ReturnPolicy::standard();
    policy.final_sale.insert("TEE".parse().unwrap());
    policy.non_returnable.insert("CAP".parse().unwrap());
    let mut test = ReturnTest::new(tee_order(), policy);
    let err = test.refuse(request("R-1", &[("1", 1, ReturnReason::ChangedMind)]));
    assert_eq!(err.to_string(), "order O-1 line 1: sku TEE was sold as final sale");
    test.run(request("R-1", &[("1", 1, ReturnReason::Defective)]));
    let err = test.refuse(request("R-2", &[("2", 1, ReturnReason::Defective)]));
    assert_eq!(err.to_string(), "order O-1 line 2: sku CAP is not returnable");
}

#[test]
fn unknown_lines_undelivered_lines_and_unaccepted_reasons_are_refused() {
    let mut order = tee_order();
    order.lines[1].deliveries.clear();
    let mut policy = ReturnPolicy::standard();
    policy.reasons.remove(&ReturnReason::ArrivedLate);
    let test = ReturnTest::new(order, policy);
    assert_eq!(
        test.refuse(request("R-1", &[("9", 1, ReturnReason::ChangedMind)])),
        ReturnError::UnknownLine { order: order_id(), line: line("9") }
    );
    assert!(matches!(
        test.refuse(request("R-1", &[("2", 1, ReturnReason::ChangedMind)])),
        ReturnError::Ineligible { refusal: Refusal::NotDelivered, .. }
    ));
    assert!(matches!(
        test.refuse(request("R-1", &[("1", 1, ReturnReason::ArrivedLate)])),
        ReturnError::Ineligible { refusal: Refusal::ReasonNotAccepted { reason: ReturnReason::ArrivedLate }, .. }
    ));
    let err = test.refuse(request("R-1", &[("1", 0, ReturnReason::ChangedMind)]));
    assert_eq!(err.to_string(), "order O-1 rma R-1 line 1: quantity must be at least 1");
    let err = test.refuse(request("R-1", &[("1", 1, ReturnReason::ChangedMind), ("1", 1, ReturnReason::WrongSize)]));
    assert_eq!(err.to_string(), "order O-1 rma R-1 line 1: appears twice");
    assert!(matches!(test.refuse(request("R-1", &[])), ReturnError::InvalidCommand { .. }));
}

#[test]
fn methods_not_offered_and_reused_rma_ids_are_refused() {
    let mut policy = ReturnPolicy::standard();
    policy.methods.in_store = Some(InStoreReturns { nodes: ["STORE-1".parse().unwrap()].into() });
    let mut test = ReturnTest::new(tee_order(), policy);
    let in_store = |node: &str| ReturnCommand::Request {
        rma: rma("R-1"),
        method: ReturnMethod::InStore { node: node.parse().unwrap() },
        lines: vec![ReturnLineRequest::new(line("1"), 1, ReturnReason::ChangedMind)],
        exchange: None,
    };
    assert_eq!(
        test.refuse(in_store("STORE-2")).to_string(),
        "order O-1 rma R-1: returns by in store at STORE-2 are not offered"
    );
    test.run(in_store("STORE-1"));
    assert_eq!(test.refuse(in_store("STORE-1")), ReturnError::RmaExists { order: order_id(), rma: rma("R-1") });
}

#[test]
fn receiving_on_a_rejected_rma_is_refused() {
    let mut test = ReturnTest::new(tee_order(), manual());
    test.run(request("R-1", &[("1", 2, ReturnReason::ChangedMind)]));
    test.run(ReturnCommand::Reject { rma: rma("R-1"), reason: "worn".into() });
    let err = test.refuse(receive("R-1", "DC-1", &[("1", 2)]));
    assert_eq!(
        err,
        ReturnError::InvalidTransition {
            order: order_id(),
            rma: rma("R-1"),
            status: RmaStatus::Rejected,
            action: RmaEventKind::Received
        }
    );
    assert_eq!(err.to_string(), "order O-1 rma R-1: cannot record received when rejected");
    // The rejected RMA's units are free again.
    test.run(request("R-2", &[("1", 3, ReturnReason::ChangedMind)]));
}

#[test]
fn refunding_twice_is_refused() {
    let mut test = ReturnTest::new(tee_order(), ReturnPolicy::standard());
    test.run(request("R-1", &[("1", 1, ReturnReason::ChangedMind)]));
    test.run(receive("R-1", "DC-1", &[("1", 1)]));
    let err = test.refuse(refund("R-1"));
    assert!(matches!(err, ReturnError::InvalidTransition { status: RmaStatus::Received, .. }), "inspect first: {err}");
    test.run(inspect("R-1", &[("1", 1, Disposition::Restock)]));
    test.run(refund("R-1"));
    assert_eq!(test.refuse(refund("R-1")), ReturnError::AlreadyRefunded { order: order_id(), rma: rma("R-1") });
    test.run(ReturnCommand::Close { rma: rma("R-1") });
    assert_eq!(test.refuse(refund("R-1")), ReturnError::AlreadyRefunded { order: order_id(), rma: rma("R-1") });
}

#[test]
fn a_partial_receipt_refunds_what_came_and_frees_the_rest() {
    let mut test = ReturnTest::new(tee_order(), ReturnPolicy::standard());
    test.run(request("R-1", &[("1", 3, ReturnReason::ChangedMind)]));
    test.run(receive("R-1", "DC-1", &[("1", 2)]));
    test.run(inspect("R-1", &[("1", 2, Disposition::Restock)]));
    let events = test.run(refund("R-1"));
    let ReturnEvent::Refunded { settlement, .. } = &events[0] else { panic!() };
    assert_eq!(
        (settlement.lines[0].units.clone(), settlement.credit.to_string()),
        (Units::range(0, 2), "20.00 USD".into())
    );
    let ledger = test.returns().ledger(&line("1")).unwrap();
    assert_eq!((ledger.held().len(), ledger.refunded().len()), (0, 2));
    test.run(request("R-2", &[("1", 1, ReturnReason::ChangedMind)]));
}

#[test]
fn unexpected_items_are_recorded_and_not_refunded() {
    let mut test = ReturnTest::new(tee_order(), ReturnPolicy::standard());
    test.run(request("R-1", &[("1", 1, ReturnReason::ChangedMind)]));
    test.run(ReturnCommand::Receive {
        rma: rma("R-1"),
        node: "DC-1".parse().unwrap(),
        items: vec![ReceivedUnits { line: line("1"), quantity: 2 }, ReceivedUnits { line: line("2"), quantity: 1 }],
        unexpected: vec![UnexpectedItem {
            sku: "MYSTERY".parse().unwrap(),
            quantity: 1,
            line: None,
            note: Some("a sock".into()),
        }],
    });
    let r = test.returns().rma(&rma("R-1")).unwrap();
    assert_eq!(r.lines()[0].received(), 1);
    let extra: Vec<(String, u32, Option<String>)> =
        r.unexpected().iter().map(|u| (u.sku.to_string(), u.quantity, u.note.clone())).collect();
    assert_eq!(
        extra,
        [
            ("TEE".into(), 1, Some("more than the return holds".into())),
            ("CAP".into(), 1, Some("not in the return".into())),
            ("MYSTERY".into(), 1, Some("a sock".into())),
        ]
    );
    test.run(inspect("R-1", &[("1", 1, Disposition::Restock)]));
    let events = test.run(refund("R-1"));
    assert_eq!(events[0].payment(&order_id()).unwrap().amount.to_string(), "10.00 USD");
}

#[test]
fn inspections_must_cover_exactly_what_was_received_at_one_node() {
    let mut test = ReturnTest::new(tee_order(), ReturnPolicy::standard());
    test.run(request("R-1", &[("1", 2, ReturnReason::ChangedMind)]));
    test.run(receive("R-1", "DC-1", &[("1", 1)]));
    let err = test.refuse(receive("R-1", "DC-2", &[("1", 1)]));
    assert_eq!(err.to_string(), "order O-1 rma R-1: received at DC-2, but earlier units arrived at DC-1");
    test.run(receive("R-1", "DC-1", &[("1", 1)]));
    let err = test.refuse(inspect("R-1", &[("1", 1, Disposition::Restock)]));
    assert_eq!(err.to_string(), "order O-1 rma R-1 line 1: 1 units inspected but 2 received");
    let err = test.refuse(inspect("R-1", &[("1", 2, Disposition::Restock), ("2", 1, Disposition::Restock)]));
    assert_eq!(err.to_string(), "order O-1 rma R-1 line 2: is not in the return");
}

#[test]
fn dispositions_restock_only_resellable_units_at_the_receiving_node() {
    let mut test = ReturnTest::new(tee_order(), ReturnPolicy::standard());
    test.run(request("R-1", &[("1", 3, ReturnReason::ChangedMind), ("2", 1, ReturnReason::Defective)]));
    test.run(receive("R-1", "STORE-9", &[("2", 1), ("1", 3)]));
    let events = test.run(inspect(
        "R-1",
        &[
            ("1", 1, Disposition::Damaged),
            ("1", 1, Disposition::Restock),
            ("2", 1, Disposition::ReturnToVendor),
            ("1", 1, Disposition::Restock),
        ],
    ));
    let moves: Vec<(String, String, u32, Disposition, bool)> = events[0]
        .stock_movements()
        .iter()
        .map(|m| (m.node.to_string(), m.sku.to_string(), m.quantity, m.disposition, m.is_sellable()))
        .collect();
    assert_eq!(
        moves,
        [
            ("STORE-9".into(), "TEE".into(), 2, Disposition::Restock, true),
            ("STORE-9".into(), "TEE".into(), 1, Disposition::Damaged, false),
            ("STORE-9".into(), "CAP".into(), 1, Disposition::ReturnToVendor, false),
        ]
    );
}

#[test]
fn an_rma_expires_when_nothing_arrives_in_time_and_frees_its_units() {
    let mut test = ReturnTest::new(tee_order(), ReturnPolicy::standard()).at(day(1));
    test.run(request("R-1", &[("1", 3, ReturnReason::ChangedMind)]));
    test.run(request("R-2", &[("2", 1, ReturnReason::ChangedMind)]));
    test.run(receive("R-2", "DC-1", &[("2", 1)]));
    test.set_time(day(30));
    let expired = test.expire();
    assert_eq!(expired, [ReturnEvent::Expired { rma: rma("R-1"), charge: None }], "R-2 received something");
    assert!(test.expire().is_empty(), "expiry happens once");
    assert_eq!(test.returns().ledger(&line("1")).unwrap().in_returns(), 0);
    let err = test.refuse(receive("R-1", "DC-1", &[("1", 1)]));
    assert!(matches!(err, ReturnError::InvalidTransition { status: RmaStatus::Expired, .. }));
}

#[test]
fn the_customer_may_cancel_before_anything_arrives() {
    let mut test = ReturnTest::new(tee_order(), ReturnPolicy::standard());
    test.run(request("R-1", &[("1", 3, ReturnReason::ChangedMind)]));
    test.run(ReturnCommand::Cancel { rma: rma("R-1"), reason: "kept it".into() });
    assert_eq!(test.returns().rma(&rma("R-1")).unwrap().remark(), Some("kept it"));
    test.run(request("R-2", &[("1", 3, ReturnReason::ChangedMind)]));
    test.run(receive("R-2", "DC-1", &[("1", 1)]));
    assert!(matches!(
        test.refuse(ReturnCommand::Cancel { rma: rma("R-2"), reason: "too late".into() }),
        ReturnError::InvalidTransition { status: RmaStatus::Received, .. }
    ));
}

#[test]
fn a_history_that_does_not_fit_is_refused_without_changing_anything() {
    let mut test = ReturnTest::new(tee_order(), ReturnPolicy::standard());
    test.run(request("R-1", &[("1", 2, ReturnReason::ChangedMind)]));
    let mut returns = test.returns().clone();
    let before = returns.clone();
    let bad = [
        ReturnEvent::Closed { rma: rma("R-1") },
        ReturnEvent::Approved { rma: rma("R-404"), expires_at: day(9), replacement: None },
        ReturnEvent::Received {
            rma: rma("R-1"),
            node: "DC".parse().unwrap(),
            items: vec![ReceivedUnits { line: line("1"), quantity: 3 }],
            unexpected: vec![],
        },
        oms_returns::testkit::fixtures::requested_event("R-2", 1, 1),
    ];
    for event in bad {
        let err = returns.apply(&event).unwrap_err();
        assert!(matches!(err, ReturnError::InvalidHistory { .. }), "{err}");
        assert_eq!(returns, before);
    }
}

#[test]
fn the_input_order_must_be_the_returns_order_and_keep_its_contract() {
    let test = ReturnTest::new(tee_order(), ReturnPolicy::standard());
    let other = OrderReturns::new("O-2".parse().unwrap());
    let err = other.decide(
        &request("R-1", &[("1", 1, ReturnReason::ChangedMind)]),
        &test.prepared(),
        &ReturnPolicy::standard(),
        day(1),
    );
    assert_eq!(err.unwrap_err().to_string(), "returns of order O-2 were given order O-1");
    // An order that breaks its contract does not prepare, so no decision can read it.
    let mut broken = tee_order();
    broken.lines[0].returned_outside = 4;
    let err = broken.clone().prepare().unwrap_err();
    assert_eq!(err.to_string(), "order O-1 line 1: 4 units returned but 3 delivered");
    let mut test = test;
    *test.order_mut() = broken;
    let err = test.refuse(request("R-1", &[("1", 1, ReturnReason::ChangedMind)]));
    assert!(matches!(err, ReturnError::InvalidOrder { .. }), "{err}");
    assert!(test.history().is_empty());
}

#[test]
fn events_and_state_round_trip_through_json() {
    let mut test = ReturnTest::new(tee_order(), ReturnPolicy::standard());
    test.run(request("R-1", &[("1", 2, ReturnReason::Defective)]));
    test.run(receive("R-1", "DC-1", &[("1", 2)]));
    test.run(inspect("R-1", &[("1", 2, Disposition::Restock)]));
    test.run(refund("R-1"));
    let json = serde_json::to_string(test.history()).unwrap();
    let back: Vec<ReturnEvent> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, test.history());
    let first = serde_json::to_value(&test.history()[0]).unwrap();
    assert_eq!(first["type"], "requested");
    assert_eq!(first["lines"][0]["units"], serde_json::json!([{"first": 0, "count": 2}]));
    let state: OrderReturns = serde_json::from_str(&serde_json::to_string(test.returns()).unwrap()).unwrap();
    assert_eq!(&state, test.returns());
}

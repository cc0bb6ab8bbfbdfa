//! Allocation from a routing plan, release, node responses, partial shipment, pickup.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

mod common;

use common::*;
use oms_core::testkit::OrderTest;
use oms_core::transitions::{FulfillmentStatus, FulfillmentTrigger};
use oms_core::*;

use FulfillmentMethod::{Pickup, Ship, TransferToPickupStore as Transfer};

#[test]
fn a_plan_moves_reserved_units_first_into_one_fulfillment_order_per_node_and_method() {
    let o = reserve(order(&[("1", "TEE", 5), ("2", "CAP", 2)]), "1", 3);
    let plan = AllocationPlan {
        allocations: vec![
            PlannedAllocation { line: id("1"), node: id("WH-1"), quantity: 4, method: Ship },
            PlannedAllocation { line: id("2"), node: id("WH-1"), quantity: 2, method: Ship },
            PlannedAllocation { line: id("1"), node: id("WH-2"), quantity: 1, method: Ship },
        ],
    };
    let address = std::sync::Arc::new(oms_core::testkit::fixtures::address());
    let allocated = |line: &str, from, quantity, fo: &str, node: &str| OrderEvent::LineAllocated {
        line: id(line),
        from,
        quantity,
        fulfillment_order: id(fo),
        node: id(node),
    };
    let created = |fo: &str, node: &str| OrderEvent::FulfillmentOrderCreated {
        fulfillment_order: id(fo),
        node: id(node),
        method: Ship,
        destination: Destination::Address { address: address.clone() },
    };
    let o = OrderTest::given_order(o).when(OrderCommand::Allocate { plan }).then([
        created("FO-1", "WH-1"),
        allocated("1", LineStatus::Reserved, 3, "FO-1", "WH-1"),
        allocated("1", LineStatus::Open, 1, "FO-1", "WH-1"),
        allocated("2", LineStatus::Open, 2, "FO-1", "WH-1"),
        created("FO-2", "WH-2"),
        allocated("1", LineStatus::Open, 1, "FO-2", "WH-2"),
    ]);
    assert_eq!(count(&o, "1", LineStatus::Allocated), 5);
    assert_eq!(o.status(), OrderStatus::Allocated);
    // A later plan for the same node joins the fulfillment order while it is not released.
    let o = after(o, OrderCommand::Release { fulfillment_order: Some(id("FO-2")) });
    assert_eq!(o.fulfillment_order(&id("FO-1")).unwrap().status(), FulfillmentStatus::Created);
    assert_eq!(o.fulfillment_order(&id("FO-2")).unwrap().status(), FulfillmentStatus::Released);
}

#[test]
fn plans_that_do_not_fit_the_line_are_refused_naming_it() {
    let o = order_from(&with_pickup(draft(&[("1", "TEE", 2), ("2", "MUG", 1)]), "2", "STORE-1"));
    let plan = |line: &str, node: &str, quantity, method| OrderCommand::Allocate {
        plan: AllocationPlan {
            allocations: vec![PlannedAllocation { line: id(line), node: id(node), quantity, method }],
        },
    };
    let refused = |command| OrderTest::given_order(o.clone()).when(command).result().clone().unwrap_err();
    assert!(matches!(refused(plan("1", "WH-1", 2, Pickup)), OrderError::MethodMismatch { .. }));
    assert!(matches!(refused(plan("2", "WH-1", 1, Pickup)), OrderError::MethodMismatch { .. }));
    assert!(matches!(refused(plan("2", "STORE-1", 1, Transfer)), OrderError::MethodMismatch { .. }));
    assert_eq!(
        refused(plan("1", "WH-1", 3, Ship)),
        OrderError::NotEnoughUnits {
            order: id("O-1"),
            line: id("1"),
            statuses: vec![LineStatus::Reserved, LineStatus::Open, LineStatus::Backordered],
            requested: 3,
            available: 2,
        }
    );
    // Both steps together ask for more than the line has, though each alone fits.
    let both = OrderCommand::Allocate {
        plan: AllocationPlan {
            allocations: vec![
                PlannedAllocation { line: id("1"), node: id("WH-1"), quantity: 2, method: Ship },
                PlannedAllocation { line: id("1"), node: id("WH-2"), quantity: 1, method: Ship },
            ],
        },
    };
    assert!(matches!(refused(both), OrderError::NotEnoughUnits { requested: 1, available: 0, .. }));
    assert!(matches!(refused(OrderCommand::Allocate { plan: AllocationPlan::default() }), OrderError::Invalid { .. }));
}

#[test]
fn shipping_two_of_three_leaves_exactly_one_released() {
    let o = at_node(&[("1", "TEE", 3)]);
    let (o, events) = ship(o, "FO-1", &[("1", 2)]);
    let [OrderEvent::Shipped { shipment, node, .. }] = events.as_slice() else { panic!("{events:#?}") };
    assert_eq!((shipment.id.as_str(), node.as_str(), shipment.tracking.as_str()), ("S-1", "WH-1", "1Z999"));
    assert_eq!((count(&o, "1", LineStatus::Shipped), count(&o, "1", LineStatus::Released)), (2, 1));
    let fo = o.fulfillment_order(&id("FO-1")).unwrap();
    assert_eq!(fo.status(), FulfillmentStatus::PartiallyShipped);
    assert_eq!(o.status(), OrderStatus::PartiallyShipped);
    assert_eq!(o.customer_status().to_string(), "2 of 3 items shipped");

    // The last unit goes in a second parcel; each is delivered on its own.
    let (o, _) = ship(o, "FO-1", &[]);
    assert_eq!(o.fulfillment_order(&id("FO-1")).unwrap().status(), FulfillmentStatus::Shipped);
    let o = after(o, OrderCommand::ConfirmDelivery { shipment: id("S-2") });
    assert_eq!((count(&o, "1", LineStatus::Shipped), count(&o, "1", LineStatus::Delivered)), (2, 1));
    assert_eq!(o.fulfillment_order(&id("FO-1")).unwrap().status(), FulfillmentStatus::Shipped);
    let o = after(o, OrderCommand::ConfirmDelivery { shipment: id("S-1") });
    assert_eq!(o.fulfillment_order(&id("FO-1")).unwrap().status(), FulfillmentStatus::Delivered);
    assert_eq!(o.status(), OrderStatus::Delivered);
    OrderTest::given_order(o)
        .when(OrderCommand::ConfirmDelivery { shipment: id("S-1") })
        .then_error(OrderError::UnknownShipment { order: id("O-1"), shipment: id("S-1") });
}

#[test]
fn steps_the_table_does_not_have_are_refused_with_the_status() {
    let o = allocate(reserve(order(&[("1", "TEE", 3)]), "1", 3), &[("1", "WH-1", 3, Ship)]);
    OrderTest::given_order(o.clone()).when(OrderCommand::Accept { fulfillment_order: id("FO-1") }).then_error(
        OrderError::FulfillmentTransition {
            order: id("O-1"),
            fulfillment_order: id("FO-1"),
            method: Ship,
            status: FulfillmentStatus::Created,
            trigger: FulfillmentTrigger::Accept,
        },
    );
    let o = release_all(o);
    // Released, not accepted: a node must accept before it ships.
    let refused = OrderTest::given_order(o.clone())
        .when(OrderCommand::Ship {
            fulfillment_order: id("FO-1"),
            carrier: "UPS".into(),
            tracking: "1Z".into(),
            lines: vec![],
        })
        .result()
        .clone();
    assert!(matches!(refused, Err(OrderError::FulfillmentTransition { status: FulfillmentStatus::Released, .. })));
    let o = accept(o, "FO-1");
    OrderTest::given_order(o)
        .when(OrderCommand::Ship {
            fulfillment_order: id("FO-1"),
            carrier: "UPS".into(),
            tracking: "1Z".into(),
            lines: units(&[("1", 4)]),
        })
        .then_error(OrderError::NotEnoughUnitsAtNode {
            order: id("O-1"),
            fulfillment_order: id("FO-1"),
            line: id("1"),
            status: LineStatus::Released,
            requested: 4,
            available: 3,
        });
}

#[test]
fn a_node_rejection_reroutes_without_that_node() {
    let o = at_node(&[("1", "TEE", 2), ("2", "CAP", 1)]);
    let (o, events) = run(
        o,
        OrderCommand::Reject {
            fulfillment_order: id("FO-1"),
            lines: units(&[("1", 2)]),
            reason: "damaged stock".into(),
        },
    );
    assert!(matches!(&events[..], [OrderEvent::FulfillmentRejected { parked: false, short_pick: false, .. }]));
    assert_eq!(count(&o, "1", LineStatus::Open), 2);
    assert_eq!(o.excluded_nodes(&id("1")), [id::<NodeId>("WH-1")]);
    assert!(o.excluded_nodes(&id("2")).is_empty(), "the other line stays where it is");
    let need = o.routing_needs();
    assert_eq!(need.len(), 1);
    assert_eq!((need[0].line.as_str(), need[0].quantity, need[0].excluded_nodes.clone()), ("1", 2, vec![id("WH-1")]));
    // A plan that sends the line back to WH-1 is refused; another node is fine.
    let back = OrderCommand::Allocate {
        plan: AllocationPlan {
            allocations: vec![PlannedAllocation { line: id("1"), node: id("WH-1"), quantity: 2, method: Ship }],
        },
    };
    OrderTest::given_order(o.clone()).when(back).then_error(OrderError::NodeExcluded {
        order: id("O-1"),
        line: id("1"),
        node: id("WH-1"),
    });
    let o = release_all(allocate(o, &[("1", "WH-2", 2, Ship)]));
    assert_eq!(o.fulfillment_order(&id("FO-2")).unwrap().node().as_str(), "WH-2");
    assert_eq!(o.fulfillment_order(&id("FO-1")).unwrap().status(), FulfillmentStatus::Accepted);
}

#[test]
fn a_whole_rejection_closes_the_fulfillment_order_and_a_short_pick_excludes_the_node() {
    let o = at_node(&[("1", "TEE", 3)]);
    let o = after(o, OrderCommand::ConfirmPick { fulfillment_order: id("FO-1") });
    let (o, events) = run(
        o,
        OrderCommand::ShortPick {
            fulfillment_order: id("FO-1"),
            lines: units(&[("1", 1)]),
            reason: "bin empty".into(),
        },
    );
    assert!(matches!(&events[..], [OrderEvent::FulfillmentRejected { short_pick: true, .. }]));
    assert_eq!((count(&o, "1", LineStatus::Open), count(&o, "1", LineStatus::Released)), (1, 2));
    assert_eq!(o.fulfillment_order(&id("FO-1")).unwrap().status(), FulfillmentStatus::Picked);
    let (o, _) = ship(o, "FO-1", &[]);
    assert_eq!(o.fulfillment_order(&id("FO-1")).unwrap().status(), FulfillmentStatus::Shipped);

    let o = at_node(&[("1", "TEE", 3)]);
    let o = after(o, OrderCommand::Reject { fulfillment_order: id("FO-1"), lines: vec![], reason: "closed".into() });
    assert_eq!(o.fulfillment_order(&id("FO-1")).unwrap().status(), FulfillmentStatus::Rejected);
    assert_eq!(count(&o, "1", LineStatus::Open), 3);
}

fn pickup_at_store(policy: &LifecyclePolicy) -> Order {
    let o = order_from(&with_pickup(draft(&[("1", "MUG", 2)]), "1", "STORE-1"));
    let o = accept(release_all(allocate(reserve(o, "1", 2), &[("1", "STORE-1", 2, Pickup)])), "FO-1");
    run_with(
        o,
        OrderCommand::Reject { fulfillment_order: id("FO-1"), lines: vec![], reason: "cannot find them".into() },
        policy,
    )
    .0
}

#[test]
fn rejected_pickups_are_parked_for_a_person_when_the_policy_says_so() {
    let park = LifecyclePolicy { rejected_pickups: RejectedPickups::Park, ..LifecyclePolicy::default() };
    let o = pickup_at_store(&park);
    assert_eq!((count(&o, "1", LineStatus::Rejected), count(&o, "1", LineStatus::Open)), (2, 0));
    assert!(o.routing_needs().is_empty(), "parked units are not routed");
    assert_eq!(o.excluded_nodes(&id("1")), [id::<NodeId>("STORE-1")]);
    // The person decides: one unit back to routing, one cancelled with its refund.
    let o = after(o, OrderCommand::ResolveParked { line: id("1"), quantity: 1, decision: ParkedDecision::Reroute });
    assert_eq!(count(&o, "1", LineStatus::Open), 1);
    let (o, events) = run(
        o,
        OrderCommand::ResolveParked {
            line: id("1"),
            quantity: 1,
            decision: ParkedDecision::Cancel { reason: "customer will not wait".into() },
        },
    );
    assert_eq!(the_cancellation(&events).refund.total, usd(1000));
    assert_eq!(count(&o, "1", LineStatus::Cancelled), 1);
}

#[test]
fn rejected_pickups_go_straight_back_to_routing_when_the_policy_says_so() {
    let reroute = LifecyclePolicy { rejected_pickups: RejectedPickups::Reroute, ..LifecyclePolicy::default() };
    let o = pickup_at_store(&reroute);
    assert_eq!((count(&o, "1", LineStatus::Rejected), count(&o, "1", LineStatus::Open)), (0, 2));
    // Rerouted as a transfer from a warehouse to the store the customer chose.
    let o = release_all(allocate(o, &[("1", "WH-1", 2, Transfer)]));
    assert_eq!(o.fulfillment_order(&id("FO-2")).unwrap().pickup_store(), Some(&id("STORE-1")));
}

#[test]
fn pickup_is_ready_then_collected_or_expires() {
    let o = order_from(&with_pickup(draft(&[("1", "MUG", 2)]), "1", "STORE-1"));
    let o = accept(release_all(allocate(reserve(o, "1", 2), &[("1", "STORE-1", 2, Pickup)])), "FO-1");
    let o = after(o, OrderCommand::MarkReadyForPickup { fulfillment_order: id("FO-1"), at: t(0) });
    assert_eq!(o.status(), OrderStatus::ReadyForPickup);
    assert_eq!(o.customer_status().to_string(), "Ready for pickup at STORE-1");
    let collected = after(o.clone(), OrderCommand::Collect { fulfillment_order: id("FO-1"), lines: vec![] });
    assert_eq!(collected.fulfillment_order(&id("FO-1")).unwrap().status(), FulfillmentStatus::Collected);
    assert_eq!(collected.customer_status().to_string(), "Delivered");

    // Uncollected: nothing happens before the policy's days are up, then it is cancelled,
    // the stock goes back at the store and the money back to the customer.
    let policy = LifecyclePolicy { pickup_days: Some(3), ..LifecyclePolicy::default() };
    assert!(o.expire(t(2), &policy).unwrap().is_empty());
    let (o, events) = run_with(o, OrderCommand::Expire { now: t(3) }, &policy);
    let c = the_cancellation(&events);
    assert_eq!(c.cause, CancelCause::PickupExpired);
    assert_eq!(c.stock_to_release().map(|u| u.stock.clone()).collect::<Vec<_>>(), [StockLocation::Node(id("STORE-1"))]);
    assert_eq!(c.refund.total, o.paid(), "nothing was collected: everything is refunded");
    assert_eq!(o.fulfillment_order(&id("FO-1")).unwrap().status(), FulfillmentStatus::Expired);
    assert_eq!(o.status(), OrderStatus::Cancelled);
}

#[test]
fn a_transfer_ships_to_the_store_then_waits_there() {
    let o = order_from(&with_pickup(draft(&[("1", "MUG", 1)]), "1", "STORE-1"));
    let o = accept(release_all(allocate(reserve(o, "1", 1), &[("1", "WH-1", 1, Transfer)])), "FO-1");
    let (o, _) = ship(o, "FO-1", &[]);
    assert_eq!(o.customer_status().to_string(), "1 item on the way to STORE-1");
    let (o, events) = run(o, OrderCommand::MarkReadyForPickup { fulfillment_order: id("FO-1"), at: t(1) });
    assert!(matches!(&events[..], [OrderEvent::ReadyForPickup { store, .. }] if store.as_str() == "STORE-1"));
    assert_eq!(count(&o, "1", LineStatus::ReadyForPickup), 1);
    OrderTest::given_order(o)
        .when(OrderCommand::ConfirmDelivery { shipment: id("S-1") })
        .then_error(OrderError::UnknownShipment { order: id("O-1"), shipment: id("S-1") });
}

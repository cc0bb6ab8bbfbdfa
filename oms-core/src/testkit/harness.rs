//! Given events, when a command, then events (or an error).

use crate::{LifecyclePolicy, Order, OrderCommand, OrderError, OrderEvent};

/// A given/when/then test of the order aggregate.
///
/// ```
/// use oms_core::testkit::{fixtures, OrderTest};
/// use oms_core::{LineStatus, OrderCommand, OrderEvent};
///
/// let capture = fixtures::captured(&fixtures::draft("O-1", "E-1", "C-1", &[("1", "TEE", 3)])).event;
/// OrderTest::given([capture])
///     .when(OrderCommand::Reserve { line: "1".parse().unwrap(), quantity: 2 })
///     .then([OrderEvent::LineReserved { line: "1".parse().unwrap(), from: LineStatus::Open, quantity: 2 }]);
/// ```
#[derive(Debug)]
pub struct OrderTest {
    order: Order,
}

impl OrderTest {
    /// An order rebuilt from `events` (the first must be a capture).
    ///
    /// # Panics
    /// When the events do not rebuild an order.
    pub fn given(events: impl IntoIterator<Item = OrderEvent>) -> OrderTest {
        let events: Vec<OrderEvent> = events.into_iter().collect();
        let order = Order::replay(&events).unwrap_or_else(|e| panic!("given events do not rebuild an order: {e}"));
        OrderTest { order }
    }

    /// Starts from an order already built.
    pub fn given_order(order: Order) -> OrderTest {
        OrderTest { order }
    }

    /// Decides `command` on the given order under the default policy.
    pub fn when(self, command: OrderCommand) -> Then {
        self.when_with(command, &LifecyclePolicy::default())
    }

    /// Decides `command` on the given order under `policy`.
    pub fn when_with(self, command: OrderCommand, policy: &LifecyclePolicy) -> Then {
        let result = self.order.decide_with(&command, policy);
        Then { before: self.order, result }
    }
}

/// The outcome of [`OrderTest::when`], to assert on.
#[derive(Debug)]
pub struct Then {
    before: Order,
    result: Result<Vec<OrderEvent>, OrderError>,
}

impl Then {
    /// Asserts the command produced exactly `expected`, applies them, checks that every line's
    /// buckets still sum to its quantity, and returns the order after.
    ///
    /// # Panics
    /// When the command was refused, produced other events, or the events do not apply.
    pub fn then(self, expected: impl IntoIterator<Item = OrderEvent>) -> Order {
        let expected: Vec<OrderEvent> = expected.into_iter().collect();
        let events = match self.result {
            Ok(events) => events,
            Err(e) => panic!("expected events {expected:#?}, but the command was refused: {e}"),
        };
        assert_eq!(events, expected, "the command produced other events");
        let mut order = self.before;
        for event in &events {
            order.apply(event).unwrap_or_else(|e| panic!("decided event does not apply: {e}"));
        }
        for line in order.lines() {
            assert_eq!(line.buckets().total(), u64::from(line.quantity()), "line {} buckets", line.id());
        }
        order
    }

    /// Asserts the command was accepted, applies its events (checking that they rebuild from
    /// scratch the same way and that buckets still sum to each line's quantity) and returns
    /// the order after them with the events, for assertions on either.
    ///
    /// # Panics
    /// When the command was refused or its events do not apply.
    pub fn then_ok(self) -> (Order, Vec<OrderEvent>) {
        let events = match self.result {
            Ok(events) => events,
            Err(e) => panic!("expected the command to be accepted, but it was refused: {e}"),
        };
        let mut order = self.before;
        for event in &events {
            order.apply(event).unwrap_or_else(|e| panic!("decided event does not apply: {e}"));
        }
        for line in order.lines() {
            assert_eq!(line.buckets().total(), u64::from(line.quantity()), "line {} buckets", line.id());
        }
        (order, events)
    }

    /// Asserts the command was refused with exactly `expected`.
    ///
    /// # Panics
    /// When the command was accepted or refused with another error.
    pub fn then_error(self, expected: OrderError) {
        match self.result {
            Ok(events) => panic!("expected refusal {expected}, but the command produced {events:#?}"),
            Err(e) => assert_eq!(e, expected),
        }
    }

    /// The raw outcome, for assertions the helpers above do not cover.
    pub fn result(&self) -> &Result<Vec<OrderEvent>, OrderError> {
        &self.result
    }
}

//! Given commands, when a command, then events (or a refusal), with replay checked throughout.

use chrono::{DateTime, Utc};

use crate::testkit::fixtures;
use crate::{OrderReturns, PreparedOrder, ReturnCommand, ReturnError, ReturnEvent, ReturnPolicy, ReturnableOrder};

/// A given/when/then test of an order's returns.
///
/// Every accepted command's events are applied, and the whole history is replayed and compared
/// with the state after each step.
///
/// ```
/// use oms_returns::testkit::{fixtures, ReturnTest};
/// use oms_returns::{ReturnPolicy, ReturnReason, RmaStatus};
///
/// let mut test = ReturnTest::new(fixtures::tee_order(), ReturnPolicy::standard()).at(fixtures::day(3));
/// test.run(fixtures::request("R-1", &[("1", 1, ReturnReason::WrongSize)]));
/// assert_eq!(test.returns().rma(&fixtures::rma("R-1")).unwrap().status(), RmaStatus::Approved);
/// let refused = test.refuse(fixtures::request("R-2", &[("1", 3, ReturnReason::WrongSize)]));
/// assert_eq!(refused.to_string(), "order O-1 line 1: 3 units asked for but 2 may be returned");
/// ```
#[derive(Debug, Clone)]
pub struct ReturnTest {
    order: ReturnableOrder,
    policy: ReturnPolicy,
    now: DateTime<Utc>,
    returns: OrderReturns,
    history: Vec<ReturnEvent>,
}

impl ReturnTest {
    /// No returns yet for `order`, under `policy`, one day after [`fixtures::t0`].
    pub fn new(order: ReturnableOrder, policy: ReturnPolicy) -> ReturnTest {
        let returns = OrderReturns::new(order.order_id.clone());
        ReturnTest { order, policy, now: fixtures::day(1), returns, history: Vec::new() }
    }

    /// Commands from now on happen at `now`.
    pub fn at(mut self, now: DateTime<Utc>) -> ReturnTest {
        self.now = now;
        self
    }

    /// Moves the time on.
    pub fn set_time(&mut self, now: DateTime<Utc>) {
        self.now = now;
    }

    /// Runs an accepted command: decides, applies, checks replay; returns its events.
    ///
    /// # Panics
    /// When the command is refused or replay differs.
    pub fn run(&mut self, command: ReturnCommand) -> Vec<ReturnEvent> {
        let events = self
            .decide(&command)
            .unwrap_or_else(|e| panic!("expected {command:?} to be accepted, but it was refused: {e}"));
        self.record(&events);
        events
    }

    /// Runs the expiry sweep at the current time; returns its events.
    ///
    /// # Panics
    /// When replay differs.
    pub fn expire(&mut self) -> Vec<ReturnEvent> {
        let events = self.returns.expire(self.now);
        self.record(&events);
        events
    }

    /// Asserts the command is refused and returns the error.
    ///
    /// # Panics
    /// When the command is accepted.
    pub fn refuse(&self, command: ReturnCommand) -> ReturnError {
        match self.decide(&command) {
            Ok(events) => panic!("expected {command:?} to be refused, but it produced {events:#?}"),
            Err(e) => e,
        }
    }

    /// The returns as they stand.
    pub fn returns(&self) -> &OrderReturns {
        &self.returns
    }

    /// Every event so far.
    pub fn history(&self) -> &[ReturnEvent] {
        &self.history
    }

    /// The order as delivered, to change between commands (more deliveries, outside refunds).
    pub fn order_mut(&mut self) -> &mut ReturnableOrder {
        &mut self.order
    }

    /// The order as delivered.
    pub fn order(&self) -> &ReturnableOrder {
        &self.order
    }

    /// The order as delivered, prepared for decisions made outside the harness.
    ///
    /// # Panics
    /// When the order breaks its contract.
    pub fn prepared(&self) -> PreparedOrder {
        self.order.clone().prepare().unwrap_or_else(|e| panic!("the order does not prepare: {e}"))
    }

    /// The policy, to change between commands.
    pub fn policy_mut(&mut self) -> &mut ReturnPolicy {
        &mut self.policy
    }

    /// Prepares the order as it stands (it may have changed since the last command), then decides.
    fn decide(&self, command: &ReturnCommand) -> Result<Vec<ReturnEvent>, ReturnError> {
        let order = self.order.clone().prepare()?;
        self.returns.decide(command, &order, &self.policy, self.now)
    }

    fn record(&mut self, events: &[ReturnEvent]) {
        for event in events {
            self.returns.apply(event).unwrap_or_else(|e| panic!("decided event does not apply: {e}"));
            self.history.push(event.clone());
        }
        let replayed = OrderReturns::replay(self.returns.order().clone(), &self.history)
            .unwrap_or_else(|e| panic!("history does not replay: {e}"));
        assert_eq!(replayed, self.returns, "replaying the history gives another state");
    }
}

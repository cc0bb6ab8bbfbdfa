//! The two transition tables of the order lifecycle, and their graphs.
//!
//! [`line_transition`] says where a unit of an order line may go from each [`LineStatus`] on
//! each [`LineTrigger`]; [`fulfillment_transition`] says where a fulfillment order goes from
//! each [`FulfillmentStatus`] on each [`FulfillmentTrigger`], per [`FulfillmentMethod`]. Both
//! are a single `match` whose last arm refuses: [`Order::apply`](crate::Order::apply) checks
//! every unit move and status change of every event against them, and
//! [`Order::decide`](crate::Order::decide) takes units only from the statuses they allow.
//!
//! [`line_graph`] and [`fulfillment_graph`] turn the tables into `petgraph` graphs, which
//! print as Mermaid or DOT: the README's state diagrams are generated from them.
//!
//! ```
//! use oms_core::transitions::{line_graph, line_transition, LineTrigger};
//! use oms_core::LineStatus;
//!
//! assert_eq!(line_transition(LineStatus::Reserved, LineTrigger::Allocate), Some(LineStatus::Allocated));
//! // Shipped units cannot be cancelled: the table has no such arm.
//! assert_eq!(line_transition(LineStatus::Shipped, LineTrigger::Cancel), None);
//! assert!(line_graph().to_mermaid().contains("reserved --> allocated: allocate"));
//! ```

use std::fmt::{self, Write as _};

use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};

use crate::{FulfillmentMethod, LineStatus};

macro_rules! triggers {
    ($(#[$meta:meta])* $name:ident { $($(#[$doc:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$doc])* $variant,)+
        }

        impl $name {
            /// Every trigger.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The trigger's name in snake_case.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

triggers! {
    /// What moves units of an order line from one status to another.
    LineTrigger {
        /// Hold units against network stock.
        Reserve => "reserve",
        /// Put units on backorder (no stock, or a reservation was lost).
        Backorder => "backorder",
        /// Assign units to a node inside a fulfillment order.
        Allocate => "allocate",
        /// Take units back from a fulfillment order not yet released, to route again.
        Deallocate => "deallocate",
        /// Send the fulfillment order to its node.
        Release => "release",
        /// The node rejected or short-picked the units: route them again without it.
        Reject => "reject",
        /// A pickup store rejected the units and policy parks them for a person.
        Park => "park",
        /// A person sends parked units back to routing.
        Reroute => "reroute",
        /// The node agreed to give released units back for a modification.
        Withdraw => "withdraw",
        /// Ask the node to cancel released units.
        RequestCancel => "request_cancel",
        /// The node confirms the cancel request.
        ConfirmCancel => "confirm_cancel",
        /// The node denies the cancel request (it may have shipped).
        DenyCancel => "deny_cancel",
        /// Cancel units that no node is working on.
        Cancel => "cancel",
        /// The node shipped the units.
        Ship => "ship",
        /// The carrier delivered them.
        Deliver => "deliver",
        /// The units wait at the pickup store.
        ReadyForPickup => "ready_for_pickup",
        /// The customer collected them.
        Collect => "collect",
        /// A backorder or an uncollected pickup ran out of time.
        Expire => "expire",
        /// The customer asked to return delivered units.
        RequestReturn => "request_return",
        /// The returned units arrived.
        ReceiveReturn => "receive_return",
        /// The return was withdrawn or refused.
        WithdrawReturn => "withdraw_return",
    }
}

/// Where units of a line go from `from` on `trigger`; `None` when the table has no such move.
pub fn line_transition(from: LineStatus, trigger: LineTrigger) -> Option<LineStatus> {
    use LineStatus as S;
    use LineTrigger as T;
    match (from, trigger) {
        (S::Open | S::Backordered, T::Reserve) => Some(S::Reserved),
        (S::Open | S::Reserved, T::Backorder) => Some(S::Backordered),
        (S::Reserved | S::Open | S::Backordered, T::Allocate) => Some(S::Allocated),
        (S::Allocated, T::Deallocate) => Some(S::Open),
        (S::Allocated, T::Release) => Some(S::Released),
        (S::Released, T::Reject) => Some(S::Open),
        (S::Released, T::Park) => Some(S::Rejected),
        (S::Rejected, T::Reroute) => Some(S::Open),
        (S::Released, T::Withdraw) => Some(S::Open),
        (S::Released, T::RequestCancel) => Some(S::CancelRequested),
        (S::CancelRequested, T::ConfirmCancel) => Some(S::Cancelled),
        (S::CancelRequested, T::DenyCancel) => Some(S::Released),
        (S::Open | S::Backordered | S::Rejected | S::Reserved | S::Allocated | S::ReadyForPickup, T::Cancel) => {
            Some(S::Cancelled)
        }
        (S::Released, T::Ship) => Some(S::Shipped),
        (S::Shipped, T::Deliver) => Some(S::Delivered),
        // Shipped → ready: a transfer arrived at the pickup store.
        (S::Released | S::Shipped, T::ReadyForPickup) => Some(S::ReadyForPickup),
        (S::ReadyForPickup, T::Collect) => Some(S::Delivered),
        (S::Backordered | S::ReadyForPickup, T::Expire) => Some(S::Cancelled),
        (S::Delivered, T::RequestReturn) => Some(S::ReturnRequested),
        (S::ReturnRequested, T::ReceiveReturn) => Some(S::Returned),
        (S::ReturnRequested, T::WithdrawReturn) => Some(S::Delivered),
        _ => None,
    }
}

/// The statuses `trigger` takes units from, in lifecycle order, straight from the line table.
pub fn sources_of(trigger: LineTrigger) -> impl Iterator<Item = LineStatus> {
    LineStatus::ALL.iter().copied().filter(move |&s| line_transition(s, trigger).is_some())
}

/// Where a fulfillment order is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FulfillmentStatus {
    /// Allocated, not yet sent to the node; more lines may join.
    Created,
    /// Sent to the node.
    Released,
    /// The node accepted it.
    Accepted,
    /// The node picked it.
    Picked,
    /// Some units shipped, others still at the node.
    PartiallyShipped,
    /// Every remaining unit shipped (to the customer, or to the pickup store for a transfer).
    Shipped,
    /// Waiting at the pickup store.
    ReadyForPickup,
    /// Every shipped unit was delivered.
    Delivered,
    /// The customer collected everything that was waiting.
    Collected,
    /// The customer did not collect in time.
    Expired,
    /// The node rejected or short-picked every unit.
    Rejected,
    /// Every unit was cancelled or taken back.
    Cancelled,
}

impl FulfillmentStatus {
    /// Every status, in lifecycle order.
    pub const ALL: &'static [FulfillmentStatus] = &[
        FulfillmentStatus::Created,
        FulfillmentStatus::Released,
        FulfillmentStatus::Accepted,
        FulfillmentStatus::Picked,
        FulfillmentStatus::PartiallyShipped,
        FulfillmentStatus::Shipped,
        FulfillmentStatus::ReadyForPickup,
        FulfillmentStatus::Delivered,
        FulfillmentStatus::Collected,
        FulfillmentStatus::Expired,
        FulfillmentStatus::Rejected,
        FulfillmentStatus::Cancelled,
    ];

    /// The status's name in snake_case.
    pub fn as_str(self) -> &'static str {
        match self {
            FulfillmentStatus::Created => "created",
            FulfillmentStatus::Released => "released",
            FulfillmentStatus::Accepted => "accepted",
            FulfillmentStatus::Picked => "picked",
            FulfillmentStatus::PartiallyShipped => "partially_shipped",
            FulfillmentStatus::Shipped => "shipped",
            FulfillmentStatus::ReadyForPickup => "ready_for_pickup",
            FulfillmentStatus::Delivered => "delivered",
            FulfillmentStatus::Collected => "collected",
            FulfillmentStatus::Expired => "expired",
            FulfillmentStatus::Rejected => "rejected",
            FulfillmentStatus::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for FulfillmentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

triggers! {
    /// What changes a fulfillment order's status. Triggers that move some units keep the
    /// status; when no unit is left waiting at the node or the store, a `close_*` trigger
    /// ends the order where its units ended.
    FulfillmentTrigger {
        /// Lines join the order.
        Allocate => "allocate",
        /// Lines leave the order before release, to be routed again.
        Deallocate => "deallocate",
        /// Send it to the node.
        Release => "release",
        /// The node accepts it.
        Accept => "accept",
        /// The node reports it picked.
        Pick => "pick",
        /// The node rejects some or all units.
        Reject => "reject",
        /// The node could not find some units while picking.
        ShortPick => "short_pick",
        /// A cancel request reaches the node.
        RequestCancel => "request_cancel",
        /// The node denies a cancel request.
        DenyCancel => "deny_cancel",
        /// Units are cancelled (before release, confirmed by the node, or at the pickup store).
        Cancel => "cancel",
        /// The node agreed to give units back for a modification.
        Withdraw => "withdraw",
        /// The node agreed to ship to a new address.
        Redirect => "redirect",
        /// A shipment left the node.
        Ship => "ship",
        /// A shipment was delivered.
        Deliver => "deliver",
        /// The units wait at the pickup store.
        ReadyForPickup => "ready_for_pickup",
        /// The customer collected units.
        Collect => "collect",
        /// The pickup ran out of time.
        Expire => "expire",
        /// Nothing waits at the node any more; some units are on their way.
        CloseInTransit => "close_in_transit",
        /// Nothing waits or travels any more; the customer received units.
        CloseDelivered => "close_delivered",
        /// Nothing waits at the store any more; the customer collected units.
        CloseCollected => "close_collected",
        /// Nothing is left: the node rejected the last units.
        CloseRejected => "close_rejected",
        /// Nothing is left: the last units were cancelled or taken back.
        CloseCancelled => "close_cancelled",
    }
}

/// Where a fulfillment order of `method` goes from `status` on `trigger`; `None` when the
/// table has no such transition.
pub fn fulfillment_transition(
    method: FulfillmentMethod,
    status: FulfillmentStatus,
    trigger: FulfillmentTrigger,
) -> Option<FulfillmentStatus> {
    use FulfillmentMethod::{Pickup, Ship, TransferToPickupStore as Transfer};
    use FulfillmentStatus as S;
    use FulfillmentTrigger as T;
    match (method, status, trigger) {
        (_, S::Created, T::Allocate | T::Deallocate | T::Cancel) => Some(S::Created),
        (_, S::Created, T::Release) => Some(S::Released),
        (_, S::Released, T::Accept) => Some(S::Accepted),
        (_, S::Accepted, T::Pick) => Some(S::Picked),
        (_, s @ (S::Released | S::Accepted), T::Reject) => Some(s),
        (_, s @ (S::Accepted | S::Picked), T::ShortPick) => Some(s),
        // A node that shipped part may still find it cannot ship the rest.
        (Ship | Transfer, S::PartiallyShipped, T::ShortPick) => Some(S::PartiallyShipped),
        (_, s @ (S::Released | S::Accepted | S::Picked), T::Withdraw) => Some(s),
        (_, s @ (S::Released | S::Accepted | S::Picked), T::RequestCancel | T::DenyCancel | T::Cancel) => Some(s),
        (Ship | Transfer, S::PartiallyShipped, T::RequestCancel | T::DenyCancel | T::Cancel) => {
            Some(S::PartiallyShipped)
        }
        (Ship, s @ (S::Released | S::Accepted | S::Picked), T::Redirect) => Some(s),
        (Ship | Transfer, S::Accepted | S::Picked | S::PartiallyShipped, T::Ship) => Some(S::PartiallyShipped),
        (Ship, s @ (S::PartiallyShipped | S::Shipped), T::Deliver) => Some(s),
        (Pickup, S::Accepted | S::Picked, T::ReadyForPickup) => Some(S::ReadyForPickup),
        (Transfer, S::Shipped, T::ReadyForPickup) => Some(S::ReadyForPickup),
        (Pickup | Transfer, S::ReadyForPickup, T::Collect | T::Cancel) => Some(S::ReadyForPickup),
        (Pickup | Transfer, S::ReadyForPickup, T::Expire) => Some(S::Expired),
        (Ship | Transfer, S::PartiallyShipped, T::CloseInTransit) => Some(S::Shipped),
        (Ship, S::PartiallyShipped | S::Shipped, T::CloseDelivered) => Some(S::Delivered),
        (Pickup | Transfer, S::ReadyForPickup, T::CloseCollected) => Some(S::Collected),
        (_, S::Released | S::Accepted | S::Picked, T::CloseRejected) => Some(S::Rejected),
        (_, S::Created | S::Released | S::Accepted | S::Picked, T::CloseCancelled) => Some(S::Cancelled),
        (Pickup | Transfer, S::ReadyForPickup, T::CloseCancelled) => Some(S::Cancelled),
        _ => None,
    }
}

/// A state machine as a graph: statuses are nodes, each allowed status change an edge
/// labelled with its trigger(s). Moves that keep the status are left out.
#[derive(Debug, Clone)]
pub struct StateGraph<S> {
    graph: DiGraph<S, String>,
    start: S,
}

impl<S: Copy + Eq + fmt::Display + fmt::Debug> StateGraph<S> {
    fn build(start: S, statuses: &[S], edges: impl IntoIterator<Item = (S, S, String)>) -> StateGraph<S> {
        let mut graph: DiGraph<S, String> = DiGraph::new();
        let nodes: Vec<(S, NodeIndex)> = statuses.iter().map(|&s| (s, graph.add_node(s))).collect();
        let index = |s: S| nodes.iter().find(|(n, _)| *n == s).map(|&(_, i)| i);
        for (from, to, label) in edges {
            if let (Some(a), Some(b)) = (index(from), index(to)) {
                match graph.find_edge(a, b) {
                    Some(e) => {
                        if let Some(existing) = graph.edge_weight_mut(e) {
                            existing.push_str(", ");
                            existing.push_str(&label);
                        }
                    }
                    None => {
                        graph.add_edge(a, b, label);
                    }
                }
            }
        }
        StateGraph { graph, start }
    }

    /// The petgraph graph: node weights are statuses, edge weights the trigger labels.
    pub fn graph(&self) -> &DiGraph<S, String> {
        &self.graph
    }

    /// A Mermaid `stateDiagram-v2`, one line per edge, in table order.
    pub fn to_mermaid(&self) -> String {
        let mut out = String::from("stateDiagram-v2\n");
        let _ = writeln!(out, "    [*] --> {}", self.start);
        for edge in self.graph.raw_edges() {
            let (from, to) = (&self.graph[edge.source()], &self.graph[edge.target()]);
            let _ = writeln!(out, "    {from} --> {to}: {}", edge.weight);
        }
        out
    }

    /// A Graphviz DOT digraph.
    pub fn to_dot(&self) -> String {
        let dot = petgraph::dot::Dot::with_attr_getters(
            &self.graph,
            &[petgraph::dot::Config::EdgeNoLabel, petgraph::dot::Config::NodeNoLabel],
            &|_, edge| format!("label = \"{}\"", edge.weight()),
            &|_, (_, status)| format!("label = \"{status}\""),
        );
        format!("{dot:?}")
    }
}

/// The line-quantity state machine: every [`LineStatus`] and every move [`line_transition`] allows.
pub fn line_graph() -> StateGraph<LineStatus> {
    let edges = LineStatus::ALL.iter().flat_map(|&from| {
        LineTrigger::ALL
            .iter()
            .filter_map(move |&t| line_transition(from, t).map(|to| (from, to, t.as_str().to_owned())))
    });
    StateGraph::build(LineStatus::Open, LineStatus::ALL, edges)
}

/// The fulfillment-order state machine over all methods: every status change
/// [`fulfillment_transition`] allows, labelled with the trigger and, when not every method
/// has it, the methods that do (`ship: transfer`).
pub fn fulfillment_graph() -> StateGraph<FulfillmentStatus> {
    let mut edges = Vec::new();
    for &from in FulfillmentStatus::ALL {
        for &trigger in FulfillmentTrigger::ALL {
            let mut targets: Vec<(FulfillmentStatus, Vec<FulfillmentMethod>)> = Vec::new();
            for &method in FulfillmentMethod::ALL {
                match fulfillment_transition(method, from, trigger) {
                    Some(to) if to != from => match targets.iter_mut().find(|(t, _)| *t == to) {
                        Some((_, methods)) => methods.push(method),
                        None => targets.push((to, vec![method])),
                    },
                    _ => {}
                }
            }
            for (to, methods) in targets {
                let label = if methods.len() == FulfillmentMethod::ALL.len() {
                    trigger.as_str().to_owned()
                } else {
                    let names: Vec<&str> = methods.iter().map(|m| m.as_str()).collect();
                    format!("{} ({})", trigger.as_str(), names.join(" | "))
                };
                edges.push((from, to, label));
            }
        }
    }
    StateGraph::build(FulfillmentStatus::Created, FulfillmentStatus::ALL, edges)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_status_but_the_start_is_reachable() {
        let graph = line_graph();
        for &status in LineStatus::ALL {
            let reached = graph.graph().raw_edges().iter().any(|e| graph.graph()[e.target()] == status);
            assert!(status == LineStatus::Open || reached, "{status} is unreachable");
        }
    }

    #[test]
    fn every_fulfillment_status_but_the_start_is_reachable() {
        let graph = fulfillment_graph();
        for &status in FulfillmentStatus::ALL {
            let reached = graph.graph().raw_edges().iter().any(|e| graph.graph()[e.target()] == status);
            assert!(status == FulfillmentStatus::Created || reached, "{status} is unreachable");
        }
    }

    #[test]
    fn dot_output_names_states_and_triggers() {
        let dot = line_graph().to_dot();
        assert!(dot.starts_with("digraph {"), "{dot}");
        assert!(dot.contains("label = \"cancel_requested\""));
        assert!(dot.contains("label = \"confirm_cancel\""));
    }

    #[test]
    fn pickup_orders_never_ship_and_ship_orders_are_never_collected() {
        use FulfillmentMethod::*;
        use FulfillmentStatus as S;
        assert_eq!(fulfillment_transition(Pickup, S::Picked, FulfillmentTrigger::Ship), None);
        assert_eq!(fulfillment_transition(Ship, S::Picked, FulfillmentTrigger::ReadyForPickup), None);
        assert_eq!(
            fulfillment_transition(TransferToPickupStore, S::Shipped, FulfillmentTrigger::ReadyForPickup),
            Some(S::ReadyForPickup)
        );
    }
}

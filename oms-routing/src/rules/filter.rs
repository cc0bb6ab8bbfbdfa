//! Filters: which nodes may source a request.

use serde::{Deserialize, Serialize};

use crate::{Node, NodeKind, Request};

/// A filter written as data (JSON). Every strategy also applies the built-in checks first:
/// the node is enabled, supports the method (ship, or transfer with a lane path to the pickup
/// point), serves the channel, was not excluded by an earlier rejection, and has capacity left.
///
/// ```
/// use oms_routing::Filter;
/// let filters: Vec<Filter> = serde_json::from_str(r#"[
///     {"radius_km": 800},
///     {"exclude_kinds": ["vendor"]},
///     {"min_stock": {"safety": 2, "kinds": ["store"]}},
///     {"capacity_left": {"units": 5}}
/// ]"#)?;
/// assert_eq!(filters[0], Filter::RadiusKm(800.0));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Filter {
    /// Nodes within this many km of the destination (of the pickup point, for pickup orders).
    RadiusKm(f64),
    /// Only nodes of these kinds.
    Kinds(Vec<NodeKind>),
    /// No nodes of these kinds.
    ExcludeKinds(Vec<NodeKind>),
    /// Only nodes carrying every one of these tags.
    RequireTags(Vec<String>),
    /// No node carrying any of these tags.
    ExcludeTags(Vec<String>),
    /// Keep `safety` units of every sku at nodes of `kinds` (every kind when empty): only what
    /// is above it may be promised. A node left with nothing to offer is removed.
    MinStock {
        /// Units kept back per sku.
        safety: u32,
        /// Kinds it applies to (empty: all).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        kinds: Vec<NodeKind>,
    },
    /// Only nodes with at least this much capacity left today.
    CapacityLeft {
        /// Units left at least.
        #[serde(default)]
        units: u32,
        /// Orders left at least.
        #[serde(default)]
        orders: u32,
    },
}

impl Filter {
    /// The filter's name as written in JSON, used in explanations.
    pub fn name(&self) -> &'static str {
        match self {
            Filter::RadiusKm(_) => "radius_km",
            Filter::Kinds(_) => "kinds",
            Filter::ExcludeKinds(_) => "exclude_kinds",
            Filter::RequireTags(_) => "require_tags",
            Filter::ExcludeTags(_) => "exclude_tags",
            Filter::MinStock { .. } => "min_stock",
            Filter::CapacityLeft { .. } => "capacity_left",
        }
    }

    /// Units of safety stock this filter keeps back at `node` (0 for other filters).
    pub(crate) fn safety_at(&self, node: &Node) -> u32 {
        match self {
            Filter::MinStock { safety, kinds } if kinds.is_empty() || kinds.contains(&node.kind()) => *safety,
            _ => 0,
        }
    }
}

/// A filter as code. Closures `Fn(&Node, &Request) -> bool` implement it (true: keep).
pub trait NodeFilter: Send + Sync {
    /// True when `node` may source `request`.
    fn keep(&self, node: &Node, request: &Request) -> bool;
}

impl<F: Fn(&Node, &Request) -> bool + Send + Sync> NodeFilter for F {
    fn keep(&self, node: &Node, request: &Request) -> bool {
        self(node, request)
    }
}

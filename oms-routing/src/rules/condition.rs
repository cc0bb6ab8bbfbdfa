//! Conditions: which strategy applies to a request.

use oms_core::ChannelId;
use serde::{Deserialize, Serialize};

use crate::{Method, Request};

/// A condition written as data (JSON).
///
/// ```
/// use oms_routing::Condition;
/// let c: Condition = serde_json::from_str(r#"{"all": [{"method": "ship"}, {"attribute": {"key": "tier", "value": "gold"}}]}"#)?;
/// let gold = oms_routing::Request::ship("O-1".parse()?, oms_core::GeoPoint::new(0.0, 0.0)?).attribute("tier", "gold");
/// use oms_routing::RequestCondition;
/// assert!(c.matches(&gold));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Condition {
    /// Every request.
    Always,
    /// Requests from one of these channels.
    Channel(Vec<ChannelId>),
    /// Ship or pickup requests.
    Method(Method),
    /// Requests whose attribute `key` equals `value`.
    Attribute {
        /// The attribute.
        key: String,
        /// The value it must have.
        value: String,
    },
    /// Requests with at least this many units.
    MinUnits(u32),
    /// Every condition holds.
    All(Vec<Condition>),
    /// At least one condition holds.
    Any(Vec<Condition>),
    /// The condition does not hold.
    Not(Box<Condition>),
}

/// A condition as code. Closures `Fn(&Request) -> bool` implement it.
pub trait RequestCondition: Send + Sync {
    /// True when the strategy applies to `request`.
    fn matches(&self, request: &Request) -> bool;
}

impl<F: Fn(&Request) -> bool + Send + Sync> RequestCondition for F {
    fn matches(&self, request: &Request) -> bool {
        self(request)
    }
}

impl RequestCondition for Condition {
    fn matches(&self, request: &Request) -> bool {
        match self {
            Condition::Always => true,
            Condition::Channel(channels) => request.sales_channel().is_some_and(|c| channels.contains(c)),
            Condition::Method(method) => request.method() == *method,
            Condition::Attribute { key, value } => request.attribute_value(key) == Some(value.as_str()),
            Condition::MinUnits(units) => request.units() >= u64::from(*units),
            Condition::All(all) => all.iter().all(|c| c.matches(request)),
            Condition::Any(any) => any.iter().any(|c| c.matches(request)),
            Condition::Not(c) => !c.matches(request),
        }
    }
}

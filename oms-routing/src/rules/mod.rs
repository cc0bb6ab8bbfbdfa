//! Routing rules, as data (serde) and as code (traits closures implement).

pub(crate) mod condition;
pub(crate) mod filter;
pub(crate) mod policy;
pub(crate) mod ranker;
pub(crate) mod strategy;

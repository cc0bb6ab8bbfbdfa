//! What happens to each inspected unit, and the stock movements that follow.

use std::fmt;

use oms_core::{LineId, NodeId, Sku};
use serde::{Deserialize, Serialize};

/// Where an inspected unit goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Disposition {
    /// Resellable: back into sellable stock at the node that received it.
    Restock,
    /// Not resellable: written off.
    Damaged,
    /// To be refurbished before it can be sold again.
    Refurbish,
    /// Sent back to the vendor.
    ReturnToVendor,
}

impl Disposition {
    /// The disposition's name as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Disposition::Restock => "restock",
            Disposition::Damaged => "damaged",
            Disposition::Refurbish => "refurbish",
            Disposition::ReturnToVendor => "return_to_vendor",
        }
    }
}

impl fmt::Display for Disposition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of inspecting some received units of a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    /// The line.
    pub line: LineId,
    /// How many units.
    pub quantity: u32,
    /// Where they go.
    pub disposition: Disposition,
}

/// An instruction for the inventory: returned units of a sku arrived at a node with a
/// disposition. Only [`Disposition::Restock`] adds sellable stock; the others are kept out of
/// sale (the host books them as damaged, refurbishment or vendor-return stock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMovement {
    /// The node that received the units.
    pub node: NodeId,
    /// The item.
    pub sku: Sku,
    /// How many units.
    pub quantity: u32,
    /// Where they go.
    pub disposition: Disposition,
}

impl StockMovement {
    /// True when the units go back into sellable stock.
    pub fn is_sellable(&self) -> bool {
        self.disposition == Disposition::Restock
    }
}

/// One movement per (line, disposition), in the order the lines are given, then by
/// disposition; `sku_of` maps a line to its sku. Inspections must already be checked.
pub(crate) fn movements<'a>(
    node: &NodeId,
    lines: impl Iterator<Item = (&'a LineId, &'a Sku)>,
    inspections: &[Inspection],
) -> Vec<StockMovement> {
    let mut out = Vec::new();
    for (line, sku) in lines {
        let mut per_disposition: Vec<(Disposition, u32)> = Vec::new();
        for i in inspections.iter().filter(|i| &i.line == line && i.quantity > 0) {
            match per_disposition.iter_mut().find(|(d, _)| *d == i.disposition) {
                Some((_, n)) => *n = n.saturating_add(i.quantity),
                None => per_disposition.push((i.disposition, i.quantity)),
            }
        }
        per_disposition.sort_unstable();
        out.extend(per_disposition.into_iter().map(|(disposition, quantity)| StockMovement {
            node: node.clone(),
            sku: sku.clone(),
            quantity,
            disposition,
        }));
    }
    out
}

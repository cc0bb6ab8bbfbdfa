//! Shares of a quantity, in basis points, for integer arithmetic on units.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A share between 0 % and 100 %, kept in basis points (1/100 of a percent) so that applying
/// it to units is exact integer arithmetic, rounded down.
///
/// ```
/// use oms_inventory::Share;
/// let half = Share::percent(50).unwrap();
/// assert_eq!(half.of(7), 3);
/// assert_eq!(Share::from_basis_points(2_500).unwrap().of(10), 2);
/// assert!(Share::percent(101).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Share(u16);

impl Share {
    /// Nothing.
    pub const NONE: Share = Share(0);
    /// Everything.
    pub const ALL: Share = Share(10_000);

    /// A share in basis points; `None` above 10,000 (100 %).
    pub const fn from_basis_points(bp: u16) -> Option<Share> {
        if bp <= 10_000 { Some(Share(bp)) } else { None }
    }

    /// A share in whole percent; `None` above 100.
    pub const fn percent(p: u16) -> Option<Share> {
        if p <= 100 { Some(Share(p * 100)) } else { None }
    }

    /// The share in basis points.
    pub const fn basis_points(self) -> u16 {
        self.0
    }

    /// This share of `units`, rounded down.
    pub const fn of(self, units: u64) -> u64 {
        // units ≤ u64::MAX and share ≤ 10,000: the product fits in u128.
        ((units as u128 * self.0 as u128) / 10_000) as u64
    }
}

impl TryFrom<u16> for Share {
    type Error = String;
    fn try_from(bp: u16) -> Result<Share, String> {
        Share::from_basis_points(bp).ok_or_else(|| format!("a share is at most 10000 basis points, got {bp}"))
    }
}

impl From<Share> for u16 {
    fn from(share: Share) -> u16 {
        share.0
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}%", self.0 / 100, self.0 % 100)
    }
}

//! Unit slots: which of a line's paid units a return holds or has paid back.

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

/// Half-open `(start, end)` runs. Nearly every set is one run (a return takes the lowest free
/// slots), so two runs are kept inline: building a refund allocates nothing per line.
type Runs = SmallVec<[(u32, u32); 2]>;

/// A run of consecutive slots: `first .. first + count`, the arguments of
/// [`LinePricing::for_units`](oms_core::LinePricing::for_units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UnitRange {
    /// The first slot.
    pub first: u32,
    /// How many slots.
    pub count: u32,
}

/// A set of unit slots of one line, kept as sorted, disjoint, non-touching runs.
///
/// A line of `n` units was paid for as `n` slots, `0 .. n`;
/// [`LinePricing::for_units`](oms_core::LinePricing::for_units) says what each run of slots
/// paid. Every slot is paid back at most once, so refunds of a line, however they are split
/// over time, add up to at most what the line paid, and to exactly that when every slot is paid
/// back.
///
/// Returns take the *lowest* free slots. Refunds made outside this crate (cancelled units, for
/// one) take them from the top, last unit first, as `oms-core` refunds cancellations, so the two
/// never meet while fewer units are paid back than were paid for.
///
/// Serialized as the list of its runs; deserialization normalizes (sorts and merges) them and
/// refuses runs that reach past `u32::MAX`.
///
/// ```
/// use oms_returns::Units;
/// let held = Units::range(3, 2).union(&Units::range(0, 1)); // slots 0, 3, 4
/// assert_eq!(held.len(), 3);
/// assert_eq!(held.lowest(2), Units::range(0, 1).union(&Units::range(3, 1)));
/// assert_eq!((held.min(), held.max()), (Some(0), Some(4)));
/// let free = Units::range(0, 5).difference(&held);
/// assert_eq!(free, Units::range(1, 2));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<UnitRange>", into = "Vec<UnitRange>")]
pub struct Units {
    /// Sorted, disjoint, with gaps between them.
    runs: Runs,
}

impl Units {
    /// No slots.
    pub fn new() -> Units {
        Units::default()
    }

    /// Slots `first .. first + count`, clipped at `u32::MAX`.
    pub fn range(first: u32, count: u32) -> Units {
        let end = first.saturating_add(count);
        let mut runs = Runs::new();
        if end > first {
            runs.push((first, end));
        }
        Units { runs }
    }

    /// Number of slots.
    pub fn len(&self) -> u32 {
        // The runs lie inside 0 .. u32::MAX, so their lengths sum to at most u32::MAX.
        self.runs.iter().fold(0u32, |n, &(s, e)| n.saturating_add(e - s))
    }

    /// True when there are no slots.
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// The runs, lowest first.
    pub fn ranges(&self) -> impl Iterator<Item = UnitRange> + '_ {
        self.runs.iter().map(|&(s, e)| UnitRange { first: s, count: e - s })
    }

    /// The lowest slot, if any.
    pub fn min(&self) -> Option<u32> {
        self.runs.first().map(|&(s, _)| s)
    }

    /// The highest slot, if any.
    pub fn max(&self) -> Option<u32> {
        self.runs.last().map(|&(_, e)| e - 1)
    }

    /// True when every slot of `other` is in `self`.
    pub fn contains_all(&self, other: &Units) -> bool {
        other.difference(self).is_empty()
    }

    /// True when the two sets share a slot.
    pub fn overlaps(&self, other: &Units) -> bool {
        let (mut i, mut j) = (0, 0);
        while let (Some(&(a0, a1)), Some(&(b0, b1))) = (self.runs.get(i), other.runs.get(j)) {
            if a0 < b1 && b0 < a1 {
                return true;
            }
            if a1 <= b1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        false
    }

    /// Slots in either set.
    pub fn union(&self, other: &Units) -> Units {
        // Merge the two sorted run lists, then join what touches.
        let mut merged = Runs::with_capacity(self.runs.len() + other.runs.len());
        let (mut a, mut b) = (self.runs.iter().peekable(), other.runs.iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x <= y => a.next(),
                (Some(_), Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, _) => b.next(),
            };
            match next {
                Some(&run) => merged.push(run),
                None => break,
            }
        }
        Units::from_sorted(merged)
    }

    /// Slots of `self` that are not in `other`.
    pub fn difference(&self, other: &Units) -> Units {
        let mut out = Runs::new();
        let mut j = 0;
        for &(start, end) in &self.runs {
            let mut cursor = start;
            while let Some(&(b0, b1)) = other.runs.get(j) {
                if b1 <= cursor {
                    j += 1;
                    continue;
                }
                if b0 >= end {
                    break;
                }
                if b0 > cursor {
                    out.push((cursor, b0));
                }
                cursor = cursor.max(b1);
                if b1 >= end {
                    break;
                }
                j += 1;
            }
            if cursor < end {
                out.push((cursor, end));
            }
        }
        Units { runs: out }
    }

    /// The `n` lowest slots of the set (all of them when it holds fewer).
    pub fn lowest(&self, n: u32) -> Units {
        if let [(s, e)] = self.runs.as_slice() {
            return Units::range(*s, n.min(e - s));
        }
        let mut left = n;
        let mut out = Runs::new();
        for &(s, e) in &self.runs {
            if left == 0 {
                break;
            }
            let take = left.min(e - s);
            out.push((s, s + take));
            left -= take;
        }
        Units { runs: out }
    }

    /// The half-open `(start, end)` runs, lowest first.
    pub(crate) fn runs(&self) -> &[(u32, u32)] {
        &self.runs
    }

    /// Sorted runs, possibly overlapping or touching, merged into the canonical form.
    fn from_sorted(sorted: impl IntoIterator<Item = (u32, u32)>) -> Units {
        let mut runs = Runs::new();
        for (s, e) in sorted.into_iter().filter(|&(s, e)| e > s) {
            match runs.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => runs.push((s, e)),
            }
        }
        Units { runs }
    }
}

impl TryFrom<Vec<UnitRange>> for Units {
    type Error = String;

    fn try_from(ranges: Vec<UnitRange>) -> Result<Units, String> {
        let mut runs = ranges
            .into_iter()
            .map(|r| {
                r.first
                    .checked_add(r.count)
                    .map(|end| (r.first, end))
                    .ok_or_else(|| format!("unit range {} + {} reaches past {}", r.first, r.count, u32::MAX))
            })
            .collect::<Result<Runs, _>>()?;
        runs.sort_unstable();
        Ok(Units::from_sorted(runs))
    }
}

impl From<Units> for Vec<UnitRange> {
    fn from(units: Units) -> Vec<UnitRange> {
        units.ranges().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(runs: &[(u32, u32)]) -> Units {
        Units::from_sorted(runs.iter().copied())
    }

    #[test]
    fn union_merges_touching_and_overlapping_runs() {
        assert_eq!(set(&[(0, 2)]).union(&set(&[(2, 4)])), set(&[(0, 4)]));
        assert_eq!(set(&[(0, 3), (6, 8)]).union(&set(&[(2, 7)])), set(&[(0, 8)]));
        assert_eq!(set(&[(5, 6)]).union(&Units::new()), set(&[(5, 6)]));
    }

    #[test]
    fn difference_cuts_holes() {
        let all = Units::range(0, 10);
        assert_eq!(all.difference(&set(&[(2, 4), (6, 7)])), set(&[(0, 2), (4, 6), (7, 10)]));
        assert_eq!(set(&[(0, 3), (5, 9)]).difference(&set(&[(1, 6)])), set(&[(0, 1), (6, 9)]));
        assert!(set(&[(1, 3)]).difference(&set(&[(0, 5)])).is_empty());
    }

    #[test]
    fn lowest_takes_from_the_bottom_across_runs() {
        let s = set(&[(0, 2), (5, 7)]);
        assert_eq!(s.lowest(3), set(&[(0, 2), (5, 6)]));
        assert_eq!(s.lowest(9), s);
        assert!(s.lowest(0).is_empty());
        assert_eq!((s.min(), s.max()), (Some(0), Some(6)));
    }

    #[test]
    fn overlap_and_containment() {
        assert!(set(&[(0, 2), (8, 9)]).overlaps(&set(&[(1, 3)])));
        assert!(!set(&[(0, 2), (8, 9)]).overlaps(&set(&[(2, 8)])));
        assert!(Units::range(0, 5).contains_all(&set(&[(1, 2), (4, 5)])));
    }

    #[test]
    fn serde_normalizes_and_refuses_overflow() {
        let json = r#"[{"first":4,"count":1},{"first":0,"count":2},{"first":2,"count":1}]"#;
        let units: Units = serde_json::from_str(json).unwrap();
        assert_eq!(units, set(&[(0, 3), (4, 5)]));
        assert_eq!(serde_json::to_string(&units).unwrap(), r#"[{"first":0,"count":3},{"first":4,"count":1}]"#);
        assert!(serde_json::from_str::<Units>(r#"[{"first":4294967295,"count":1}]"#).is_err());
    }
}

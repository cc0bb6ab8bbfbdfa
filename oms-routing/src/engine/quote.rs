//! The price of a node set without its assignment. The greedy engine compares a dozen sets
//! per order and keeps one, so it needs each set's units, score and number of nodes used, not
//! the takes: in the common case (lines may be split, no minimum shipment value, no capacity
//! binding) that is a few multiplications on the stack, where [`assign::evaluate`] builds the
//! assignment. Both give the same numbers; anything else goes through `evaluate`.

use std::cmp::Ordering;

use crate::engine::{assign, compare};
use crate::problem::Problem;
use crate::score::Value;

/// Largest set priced on the stack.
const MAX_SET: usize = 8;

/// What [`assign::evaluate`] would say of a set, without the takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Quote<V> {
    pub units: u32,
    pub score: V,
    /// Nodes of the set the assignment uses.
    pub used: usize,
}

/// True when some node of `set` could be asked for more units than its capacity.
fn capacity_binds(p: &Problem<'_>, set: &[usize]) -> bool {
    set.iter().any(|&c| {
        let reach: u64 = p.supply_row(c).iter().zip(&p.demand).map(|(&s, &d)| u64::from(d.min(s))).sum();
        reach > u64::from(p.cands.cap(c))
    })
}

/// [`Problem::unit_score`] as a [`Value`], read straight from the candidate's row when no
/// stock-depth ranker makes it depend on the sku.
#[inline(always)]
fn unit_of<V: Value>(p: &Problem<'_>, c: usize, g: usize) -> V {
    if p.has_depth() { V::of(&p.unit_score(c, g)) } else { V::unit(&p.cands, c) }
}

/// The set's units, score and nodes used, as [`assign::evaluate`] prices it (`None` when it
/// uses no unit or breaks the minimum shipment value).
pub(crate) fn quote<V: Value>(p: &Problem<'_>, set: &[usize]) -> Option<Quote<V>> {
    let k = set.len();
    if !p.split_lines || p.min_value.is_some() || k > MAX_SET || capacity_binds(p, set) {
        return assign::evaluate(p, set).map(|s| Quote { units: s.units, score: V::of(&s.score), used: s.nodes.len() });
    }
    // Each sku takes its cheapest members first (ties by node), exactly as `assign` does when
    // capacity cannot bind.
    let mut taken = [0u32; MAX_SET];
    let mut order = [0usize; MAX_SET];
    let mut units = 0u32;
    let mut score = V::default();
    for (g, &demand) in p.demand.iter().enumerate() {
        let mut want = demand;
        let mut n = 0;
        for (m, &c) in set.iter().enumerate() {
            if p.supply(c, g) > 0 {
                order[n] = m;
                n += 1;
            }
        }
        let key = |m: usize| (unit_of::<V>(p, set[m], g), p.cands.node(set[m]));
        // Insertion sort: a handful of members.
        for i in 1..n {
            let mut j = i;
            while j > 0 && key(order[j]) < key(order[j - 1]) {
                order.swap(j, j - 1);
                j -= 1;
            }
        }
        for &m in &order[..n] {
            if want == 0 {
                break;
            }
            let c = set[m];
            let t = want.min(p.supply(c, g));
            taken[m] += t;
            want -= t;
            units = units.saturating_add(t);
            score = score.plus(unit_of::<V>(p, c, g).times(t));
        }
    }
    if units == 0 {
        return None;
    }
    let mut used = 0;
    for (m, &c) in set.iter().enumerate() {
        if taken[m] > 0 {
            score = score.plus(V::fixed(p, c));
            used += 1;
        }
    }
    Some(Quote { units, score, used })
}

/// The order of plans ([`compare`]) on quotes; on a full tie the two sets are priced with
/// their assignments and compared by node ids.
pub(crate) fn compare_quotes<V: Value>(
    p: &Problem<'_>,
    a: (&Quote<V>, &[usize]),
    b: (&Quote<V>, &[usize]),
) -> Ordering {
    let (qa, qb) = (a.0, b.0);
    qb.units.cmp(&qa.units).then(qa.score.cmp(&qb.score)).then(qa.used.cmp(&qb.used)).then_with(|| {
        match (assign::evaluate(p, a.1), assign::evaluate(p, b.1)) {
            (Some(x), Some(y)) => compare(p, &x, &y),
            _ => Ordering::Equal,
        }
    })
}

/// The best set seen so far, by [`compare`].
pub(crate) struct Best<V> {
    quote: Option<Quote<V>>,
    set: Vec<usize>,
}

impl<V: Value> Best<V> {
    /// Nothing yet, keeping sets in `buffer`.
    pub fn new(mut buffer: Vec<usize>) -> Best<V> {
        buffer.clear();
        Best { quote: None, set: buffer }
    }

    /// The buffer holding the best set (empty when nothing was priced).
    pub fn into_set(mut self) -> Vec<usize> {
        if self.quote.is_none() {
            self.set.clear();
        }
        self.set
    }

    /// Prices `set` and keeps it when it is better than the best so far.
    pub fn offer(&mut self, p: &Problem<'_>, set: &[usize]) {
        // The same members again (a two-node cover is often an anchor's pair) price the same
        // and tie: the best stays. Skipping them also skips the tie's two full assignments.
        if self.quote.is_some() && set.len() == self.set.len() && set.iter().all(|c| self.set.contains(c)) {
            return;
        }
        let Some(q) = quote::<V>(p, set) else { return };
        let better = match &self.quote {
            None => true,
            Some(b) => compare_quotes(p, (&q, set), (b, &self.set)) == Ordering::Less,
        };
        if better {
            self.quote = Some(q);
            self.set.clear();
            self.set.extend_from_slice(set);
        }
    }

    /// The best set, if any was priced.
    pub fn set(&self) -> Option<&[usize]> {
        self.quote.as_ref().map(|_| self.set.as_slice())
    }
}

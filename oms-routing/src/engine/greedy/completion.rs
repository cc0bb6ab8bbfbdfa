//! Completions: the single candidate that best fills what a partial set leaves open (most
//! units, then lowest exact score, then lowest node), and what a candidate adds in the common
//! case where every line has its own sku.

use super::{Greedy, LazyFill, only_open_group};
use crate::candidates::Row;
use crate::problem::Problem;
use crate::score::Value;

/// What candidate `c` adds to `open` when every line has its own sku (line `k` is sku group
/// `k`), lines split freely and no stock-depth ranker applies: each sku adds what is open of it
/// up to its stock, and capacity caps the sum.
#[inline(always)]
pub(super) fn plain_reach<'p, V: Value, const K: usize>(
    p: &'p Problem<'_>,
    open: [u32; K],
) -> impl FnMut(usize) -> (u32, V) + 'p {
    let cands = &p.cands;
    move |c| {
        let Some(row) = cands.rows().get(c) else { return (0, V::default()) };
        let units = plain_units(row, &open);
        (units, V::unit_at(cands, c, row).times(units))
    }
}

/// The units of [`plain_reach`] alone, from the candidate's row.
#[inline(always)]
fn plain_units<const K: usize>(row: &Row, open: &[u32; K]) -> u32 {
    let Some(supply) = row.supply_of::<K>() else { return 0 };
    let mut units = 0u32;
    for k in 0..K {
        // At most the order's units, which fit a u32: no overflow.
        units += supply[k].min(open[k]);
    }
    units.min(row.cap())
}

impl<V: Value> Greedy<'_, '_, V> {
    /// [`Greedy::scan`]'s completion alone in the plain case, in two passes: what each
    /// candidate adds (a short loop over the rows' stock, nothing priced), then the best score
    /// among those adding the most. The order a completion is chosen by (most units, then
    /// lowest exact score, then lowest node) does not depend on the scan, so the winner is the
    /// same, for a fraction of the work on the many candidates adding fewer units.
    pub(super) fn plain_completion<const K: usize>(&mut self, open: [u32; K], exclude: &[usize]) -> Option<usize> {
        let p = self.p;
        let rows = p.cands.rows();
        let needed: u32 = open.iter().sum();
        // Only holders of an open sku can add anything: when one sku is open, scan its holders.
        let one = only_open_group(p, &open);
        let among = one.map(|g| p.holders(g));
        let mut adds = std::mem::take(&mut self.work.adds);
        adds.clear();
        match (one, among) {
            (Some(g), Some(h)) => {
                // Only sku `g` is open: `plain_units` is its stock, up to what is open and the
                // capacity.
                let want = open.get(g).copied().unwrap_or(0);
                adds.extend(
                    h.iter().map(|&c| rows.get(c as usize).map_or(0, |r| r.supply_at(g).min(want).min(r.cap()))),
                );
            }
            _ => adds.extend(rows.iter().map(|r| plain_units(r, &open))),
        }
        let at = |i: usize| among.map_or(i, |h| h.get(i).map_or(usize::MAX, |&c| c as usize));
        for &x in exclude {
            if rows.get(x).is_some_and(|r| plain_units(r, &open) > 0) {
                for (i, units) in adds.iter_mut().enumerate() {
                    if at(i) == x {
                        *units = 0;
                    }
                }
            }
        }
        let most = adds.iter().copied().max().unwrap_or(0);
        let mut best: Option<LazyFill<V>> = None;
        if most > 0 && (p.backorder || most == needed) {
            let mut reach = plain_reach::<V, K>(p, open);
            let mut fill_bar = V::MAX;
            for (i, &units) in adds.iter().enumerate() {
                if units != most {
                    continue;
                }
                let c = at(i);
                if self.fixed_lb(c) > fill_bar {
                    continue; // its exact score is at least its bound
                }
                let (units, part) = reach(c);
                self.offer_fill_lazily(c, units, part, &mut best);
                if let Some(LazyFill { exact: Some(e), .. }) = &best {
                    fill_bar = *e;
                }
            }
        }
        self.work.adds = adds;
        best.map(|b| b.c)
    }

    /// The best completion of `open` among `among`, by the rule of [`Greedy::scan`]. With
    /// `among` the best completion of the same open units when another anchor was left out,
    /// plus that anchor, this is the scan's answer without scanning: every other node lost to
    /// the former already.
    pub(super) fn best_completion_of(&mut self, open: &[u32], among: impl Iterator<Item = usize>) -> Option<usize> {
        let needed: u32 = open.iter().sum();
        let mut best: Option<LazyFill<V>> = None;
        for c in among {
            let (units, part) = self.reach(c, open);
            if units > 0 && (self.p.backorder || units == needed) {
                self.offer_fill_lazily(c, units, part, &mut best);
            }
        }
        best.map(|b| b.c)
    }
}

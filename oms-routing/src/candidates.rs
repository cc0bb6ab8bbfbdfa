//! The candidates of one problem.
//!
//! Engines read a few numbers of every candidate many times per order (its fixed-score bound,
//! unit score, capacity, what it holds of each sku): they sit together in one row, with only
//! the first level of each score and the stock of up to [`NARROW`] skus. The other levels
//! (rankings with more than one) and the stock of wider orders live in side arrays, so the
//! common order never touches them. Everything is read through methods taking the
//! candidate's index.

use std::cell::Cell;

use crate::NodeIndex;
use crate::problem::Source;
use crate::rules::ranker::MAX_LEVELS;
use crate::score::Score;

/// Levels of a score beyond the first.
type Deeper = [i64; MAX_LEVELS - 1];

/// Orders with at most this many skus keep each candidate's stock in its row.
pub(crate) const NARROW: usize = 4;

/// One candidate's numbers the engines read together.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    node: NodeIndex,
    cap: u32,
    /// First level of: the fixed score's lower bound (chord distance), the fixed score before
    /// distance, the score per unit.
    lb: i64,
    base: i64,
    unit: i64,
    source: Source,
    /// Exact distance to the destination in km, priced on first use (NaN: not yet).
    km: Cell<f64>,
    /// Units of each sku it may promise (narrow orders).
    supply: [u32; NARROW],
    /// Units of the order it could supply alone.
    could: u32,
}

impl Row {
    /// The candidate's node.
    #[inline(always)]
    pub fn node(&self) -> NodeIndex {
        self.node
    }

    /// First level of the fixed score's lower bound.
    #[inline(always)]
    pub fn lb_first(&self) -> i64 {
        self.lb
    }

    /// First level of the score per unit.
    #[inline(always)]
    pub fn unit_first(&self) -> i64 {
        self.unit
    }

    /// Units of capacity left.
    #[inline(always)]
    pub fn cap(&self) -> u32 {
        self.cap
    }

    /// Units of the order it could supply alone.
    #[inline(always)]
    pub fn could(&self) -> u32 {
        self.could
    }

    /// Units of sku `g` it may promise (narrow orders).
    #[inline(always)]
    pub fn supply_at(&self, g: usize) -> u32 {
        self.supply.get(g).copied().unwrap_or(0)
    }

    /// Units of each sku it may promise, for an order of `K` skus (`K <= NARROW`).
    #[inline(always)]
    pub fn supply_of<const K: usize>(&self) -> Option<&[u32; K]> {
        self.supply.get(..K).and_then(|s| s.try_into().ok())
    }
}

/// Candidate nodes of one order under one strategy (indexes `0..len()`).
#[derive(Debug, Default, Clone)]
pub(crate) struct Candidates {
    rows: Vec<Row>,
    /// The other levels of the three scores, when the ranking has more than one.
    deeper: Vec<[Deeper; 3]>,
    deep: bool,
    /// Skus in the order.
    groups: usize,
    /// Stock per candidate and sku (`groups` per candidate) when the order has more skus than
    /// a row holds.
    wide: Vec<u32>,
    /// The most any candidate could supply alone (set with the rows' `could`).
    max_could: u32,
    /// Units of each sku the order wants, when every line has its own sku, lines split freely
    /// and the order is narrow: then each row's `could` is kept as its stock arrives.
    plain: Option<[u32; NARROW]>,
}

fn first(s: &Score) -> i64 {
    s.0[0]
}

fn rest(s: &Score) -> Deeper {
    let mut r = [0; MAX_LEVELS - 1];
    r.copy_from_slice(&s.0[1..]);
    r
}

fn join(first: i64, rest: Option<&Deeper>) -> Score {
    let mut s = Score::default();
    s.0[0] = first;
    if let Some(r) = rest {
        s.0[1..].copy_from_slice(r);
    }
    s
}

impl Candidates {
    /// Empties the table for an order of `groups` skus whose ranking has more than one level
    /// (`deep`) or not. With `plain` (units wanted per sku, see [`Candidates::keeps_could`])
    /// what each candidate could supply is kept as stock is added.
    pub fn reset(&mut self, deep: bool, groups: usize, plain: Option<[u32; NARROW]>) {
        self.rows.clear();
        self.deeper.clear();
        self.wide.clear();
        self.deep = deep;
        self.groups = groups;
        self.max_could = 0;
        self.plain = plain.filter(|_| groups <= NARROW);
    }

    /// True when the rows' `could` and [`Candidates::max_could`] follow the stock added
    /// (every line its own sku, lines split freely, a narrow order): each sku up to its stock,
    /// capacity capping the sum.
    pub fn keeps_could(&self) -> bool {
        self.plain.is_some()
    }

    /// A row's `could` from its stock, when kept.
    #[inline(always)]
    fn keep_could(plain: &Option<[u32; NARROW]>, max: &mut u32, row: &mut Row) {
        if let Some(qty) = plain {
            let mut units = 0;
            for (&s, &q) in row.supply.iter().zip(qty) {
                // The order's lines total at most u32::MAX units: no overflow.
                units += s.min(q);
            }
            row.could = units.min(row.cap);
            *max = (*max).max(row.could);
        }
    }

    fn is_wide(&self) -> bool {
        self.groups > NARROW
    }

    /// Adds a candidate holding nothing yet: its node, how it reaches the customer, units of
    /// capacity left (`u32::MAX`: unlimited), its scores, and its exact distance when already
    /// known (NaN otherwise).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)] // one field each
    pub fn push(&mut self, node: NodeIndex, source: Source, cap: u32, lb: &Score, base: &Score, unit: &Score, km: f64) {
        self.push_row(Row {
            node,
            cap,
            lb: first(lb),
            base: first(base),
            unit: first(unit),
            source,
            km: Cell::new(km),
            supply: [0; NARROW],
            could: 0,
        });
        if self.deep {
            self.deeper.push([rest(lb), rest(base), rest(unit)]);
        }
    }

    /// [`Candidates::push`] for a one-level ranking, with scores given as their single level,
    /// the distance not yet priced, and `units` of sku `group` in stock.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)] // one field each
    pub fn push_first(
        &mut self,
        node: NodeIndex,
        source: Source,
        cap: u32,
        lb: i64,
        base: i64,
        unit: i64,
        group: usize,
        units: u32,
    ) {
        debug_assert!(!self.deep);
        let mut supply = [0; NARROW];
        if self.is_wide() {
            self.push_row(Row { node, cap, lb, base, unit, source, km: Cell::new(f64::NAN), supply, could: 0 });
            if let Some(cell) = self.supply_mut(self.rows.len() - 1, group) {
                *cell = units;
            }
            return;
        }
        // The common, narrow order: one width check per candidate, the row written once.
        let mut could = 0;
        if let Some(cell) = supply.get_mut(group) {
            *cell = units;
            if let Some(qty) = &self.plain {
                // Only this sku is stocked yet.
                could = units.min(qty.get(group).copied().unwrap_or(0)).min(cap);
                self.max_could = self.max_could.max(could);
            }
        }
        self.rows.push(Row { node, cap, lb, base, unit, source, km: Cell::new(f64::NAN), supply, could });
    }

    #[inline(always)]
    fn push_row(&mut self, row: Row) {
        self.rows.push(row);
        if self.is_wide() {
            self.wide.resize(self.rows.len() * self.groups, 0);
        }
    }

    /// Keeps the first `n` candidates.
    pub fn truncate(&mut self, n: usize) {
        self.rows.truncate(n);
        self.deeper.truncate(n);
        self.wide.truncate(n * self.groups);
    }

    /// Copies candidate `from` over candidate `to` (compaction).
    pub fn copy(&mut self, from: usize, to: usize) {
        self.rows[to] = self.rows[from].clone();
        if self.deep {
            self.deeper[to] = self.deeper[from];
        }
        let g = self.groups;
        if self.is_wide() {
            self.wide.copy_within(from * g..(from + 1) * g, to * g);
        }
    }

    /// Number of candidates.
    #[inline]
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when there is no candidate.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Every candidate's row, in index order (for loops over all candidates).
    #[inline]
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The candidate's node.
    #[inline]
    pub fn node(&self, c: usize) -> NodeIndex {
        self.rows[c].node
    }

    /// Units of capacity it has left (`u32::MAX`: unlimited).
    #[inline]
    pub fn cap(&self, c: usize) -> u32 {
        self.rows[c].cap
    }

    /// How it reaches the customer.
    #[inline]
    pub fn source(&self, c: usize) -> Source {
        self.rows[c].source
    }

    /// Its exact distance to the destination, once priced (NaN before).
    #[inline]
    pub(crate) fn km(&self, c: usize) -> &Cell<f64> {
        &self.rows[c].km
    }

    /// Units of each sku (in the order's sku order) candidate `c` may promise.
    #[inline]
    pub fn supply_row(&self, c: usize) -> &[u32] {
        if self.is_wide() {
            let g = self.groups;
            self.wide.get(c * g..(c + 1) * g).unwrap_or(&[])
        } else {
            self.rows.get(c).and_then(|r| r.supply.get(..self.groups)).unwrap_or(&[])
        }
    }

    /// Adds `units` of sku `g` to what candidate `c` may promise (saturating); true when it
    /// held none of it before and does now.
    #[inline(always)]
    pub fn add_stock(&mut self, c: usize, g: usize, units: u32) -> bool {
        let Some(cell) = self.supply_mut(c, g) else { return false };
        let first = *cell == 0 && units > 0;
        *cell = cell.saturating_add(units);
        if let Some(row) = self.rows.get_mut(c) {
            Candidates::keep_could(&self.plain, &mut self.max_could, row);
        }
        first
    }

    /// The units of sku `g` candidate `c` may promise, to update while gathering.
    #[inline(always)]
    fn supply_mut(&mut self, c: usize, g: usize) -> Option<&mut u32> {
        if self.is_wide() {
            self.wide.get_mut(c * self.groups + g)
        } else {
            self.rows.get_mut(c).and_then(|r| r.supply.get_mut(g))
        }
    }

    /// Sets what each candidate could supply alone, `could(c)` for candidate `c`.
    pub fn set_could(&mut self, mut could: impl FnMut(&Candidates, usize) -> u32) {
        self.max_could = 0;
        for c in 0..self.rows.len() {
            let units = could(self, c);
            self.rows[c].could = units;
            self.max_could = self.max_could.max(units);
        }
    }

    /// The most units any candidate could supply alone (0 before [`Candidates::set_could`]).
    #[inline]
    pub fn max_could(&self) -> u32 {
        self.max_could
    }

    fn deeper(&self, c: usize, which: usize) -> Option<&Deeper> {
        if self.deep { self.deeper.get(c).map(|d| &d[which]) } else { None }
    }

    /// A lower bound of its fixed score (distance at its chord bound, rounded down): every
    /// plan using it pays at least this.
    #[inline]
    pub fn fixed_lb(&self, c: usize) -> Score {
        join(self.rows[c].lb, self.deeper(c, 0))
    }

    /// Its fixed score before the distance-dependent parts.
    #[inline]
    pub fn base(&self, c: usize) -> Score {
        join(self.rows[c].base, self.deeper(c, 1))
    }

    /// Its score per unit (before any stock-depth part).
    #[inline]
    pub fn unit(&self, c: usize) -> Score {
        join(self.rows[c].unit, self.deeper(c, 2))
    }

    /// First level of [`Candidates::fixed_lb`] (all of it for a one-level ranking).
    #[inline]
    pub fn fixed_lb_first(&self, c: usize) -> i64 {
        self.rows[c].lb
    }

    /// First level of [`Candidates::base`].
    #[inline]
    pub fn base_first(&self, c: usize) -> i64 {
        self.rows[c].base
    }

    /// First level of [`Candidates::unit`].
    #[inline]
    pub fn unit_first(&self, c: usize) -> i64 {
        self.rows[c].unit
    }
}

//! The lower bound: a Lagrangian relaxation of the order's demand, as strong as the linear
//! relaxation of the fixed-charge model and cheap to update while branching.
//!
//! A plan opens a set of nodes `N` and takes `x[n][g]` units of sku group `g` from node `n`:
//!
//! ```text
//! score = Σ_{n∈N} F[n] + Σ_{n,g} U[n][g]·x[n][g],   Σ_n x[n][g] = t[g],   0 ≤ x[n][g] ≤ m[n][g]
//! ```
//!
//! where `F` is a node's fixed score (shipment, distance, ...), `U` its per-unit score, `t` the
//! units of each group the plan fills and `m` an upper bound on what the node can give of the
//! group (stock, capacity, whole lines). Pricing each unit of `g` at a multiplier `λ[g]` gives,
//! for every plan and every `λ`,
//!
//! ```text
//! score ≥ Σ_g t[g]·λ[g] + Σ_{n∈N} rc[n],   rc[n] = F[n] − Σ_g m[n][g]·max(0, λ[g] − U[n][g])
//! ```
//!
//! so with the nodes forced in (`S`), forced out and free, the bound is `Σ t·λ + Σ_S rc` plus the
//! negative reduced costs of the free nodes (only the `k` most negative when at most `k` more
//! nodes may open). Branching changes one term at a time. The multipliers come from a dual
//! ascent (Erlenkotter's DUALOC for facility location): raise each group's price to the next
//! node that would become "paid for", round-robin, while the bound increases.
//!
//! Scores with several lexicographic levels are folded into one number with mixed-radix
//! weights (each level's weight exceeds the range of everything below it), exact in `f64` up
//! to 2^52; beyond that only the first level is bounded, which is weaker but still valid.

use crate::engine::optimal::Offer;
use crate::problem::Problem;
use crate::rules::ranker::MAX_LEVELS;
use crate::score::Score;

/// Largest integer `f64` holds exactly (with room for the sums below).
const EXACT: f64 = 4_503_599_627_370_496.0; // 2^52

/// The order's data as the relaxation sees it: scalar scores and offers per candidate and per
/// group.
pub(super) struct Model {
    pub demand: Vec<u32>,
    weights: [f64; MAX_LEVELS],
    /// Scalar fixed score; a lower bound until the candidate is priced.
    pub fixed: Vec<f64>,
    pub priced: Vec<bool>,
    /// Offers by candidate: `by_cand[cand_at[c]..cand_at[c + 1]]`.
    by_cand: Vec<Offer>,
    cand_at: Vec<usize>,
    /// The same offers by group.
    by_group: Vec<Offer>,
    group_at: Vec<usize>,
}

/// Units of group `g` candidate `c` can give any plan: stock and capacity, and with lines kept
/// whole (and the order rejected unless filled) only lines that fit on the node.
fn offer_units(p: &Problem<'_>, supply: u32, cap: u32, demand: u32, g: usize) -> u32 {
    let limit = supply.min(cap);
    if p.split_lines || p.backorder {
        return limit.min(demand);
    }
    let whole: u32 =
        p.lines.iter().filter(|l| l.group == g && l.qty <= limit).fold(0u32, |a, l| a.saturating_add(l.qty));
    whole.min(limit)
}

/// Mixed-radix weights folding the objective's levels into one number, or the first level
/// alone when the fold would not be exact.
fn weights(p: &Problem<'_>) -> [f64; MAX_LEVELS] {
    let mut w = [0.0; MAX_LEVELS];
    w[0] = 1.0;
    let levels = p.levels().min(MAX_LEVELS);
    if levels <= 1 {
        return w;
    }
    // The largest value each level can take in any plan: every fixed part plus every unit at
    // its most expensive node.
    let mut range = [0f64; MAX_LEVELS];
    for c in 0..p.cands.len() {
        let f = p.fixed(c);
        for (r, v) in range.iter_mut().zip(f.0) {
            *r += v.max(0) as f64;
        }
    }
    for (g, &d) in p.demand.iter().enumerate() {
        let mut most = Score::default();
        for c in 0..p.cands.len() {
            let u = p.unit_score(c, g);
            for (m, v) in most.0.iter_mut().zip(u.0) {
                *m = (*m).max(v);
            }
        }
        for (r, v) in range.iter_mut().zip(most.0) {
            *r += v.max(0) as f64 * f64::from(d);
        }
    }
    let mut folded = [0.0; MAX_LEVELS];
    let mut weight = 1.0;
    for level in (0..levels).rev() {
        folded[level] = weight;
        weight *= range[level] + 1.0;
    }
    if weight < EXACT { folded } else { w }
}

impl Model {
    pub fn build(p: &Problem<'_>) -> Model {
        let n = p.cands.len();
        let groups = p.demand.len();
        let weights = weights(p);
        let single = weights[1..].iter().all(|&w| w == 0.0);
        let scalar = |s: &Score| {
            if single { s.0[0] as f64 } else { s.0.iter().zip(&weights).map(|(&v, &w)| v as f64 * w).sum::<f64>() }
        };
        let mut fixed = Vec::with_capacity(n);
        let mut priced = Vec::with_capacity(n);
        let mut by_cand = Vec::with_capacity(n * 3);
        let mut cand_at = Vec::with_capacity(n + 1);
        let mut per_group = vec![0usize; groups + 1];
        // Start from the distance lower bounds, whatever the greedy engine happened to price,
        // so the search does not depend on it (multi-level objectives priced every candidate
        // for their weights already).
        let exact = p.levels() > 1;
        let depth = p.has_depth();
        for c in 0..p.cands.len() {
            fixed.push(scalar(&if exact { p.fixed(c) } else { p.cands.fixed_lb(c) }));
            priced.push(exact);
            cand_at.push(by_cand.len());
            // Without a stock-depth ranker the unit score does not depend on the sku.
            let unit = scalar(&p.cands.unit(c));
            for (g, (&supply, &demand)) in p.supply_row(c).iter().zip(&p.demand).enumerate() {
                if supply == 0 {
                    continue;
                }
                let units = offer_units(p, supply, p.cands.cap(c), demand, g);
                if units > 0 {
                    let unit = if depth { scalar(&p.unit_score(c, g)) } else { unit };
                    by_cand.push(Offer { cand: c as u32, group: g as u32, units, unit });
                    if let Some(count) = per_group.get_mut(g + 1) {
                        *count += 1;
                    }
                }
            }
        }
        cand_at.push(by_cand.len());
        for g in 0..groups {
            per_group[g + 1] += per_group[g];
        }
        let group_at = per_group.clone();
        let mut by_group = by_cand.clone();
        let mut next = per_group;
        for o in &by_cand {
            let at = &mut next[o.group as usize];
            by_group[*at] = *o;
            *at += 1;
        }
        Model { demand: p.demand.clone(), weights, fixed, priced, by_cand, cand_at, by_group, group_at }
    }

    /// A score as one number (see the module docs).
    pub fn scalar(&self, s: &Score) -> f64 {
        if self.weights[1..].iter().all(|&w| w == 0.0) {
            return s.0[0] as f64;
        }
        s.0.iter().zip(&self.weights).map(|(&v, &w)| v as f64 * w).sum()
    }

    /// Prices candidate `c` exactly (its distance), tightening its fixed score.
    pub fn price(&mut self, p: &Problem<'_>, c: usize) {
        if !self.priced[c] {
            self.fixed[c] = self.scalar(&p.fixed(c));
            self.priced[c] = true;
        }
    }

    /// The groups candidate `c` offers, as a bit set (groups past 63 are left out).
    pub fn mask(&self, c: usize) -> usize {
        self.offers_of(c).iter().fold(0usize, |m, o| m | 1usize.checked_shl(o.group).unwrap_or(0))
    }

    pub fn offers_of(&self, c: usize) -> &[Offer] {
        match (self.cand_at.get(c), self.cand_at.get(c + 1)) {
            (Some(&a), Some(&b)) => self.by_cand.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }

    pub fn offers_for(&self, g: usize) -> &[Offer] {
        match (self.group_at.get(g), self.group_at.get(g + 1)) {
            (Some(&a), Some(&b)) => self.by_group.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }

    pub fn groups(&self) -> usize {
        self.demand.len()
    }
}

/// Multipliers and each candidate's gain `Σ_g m·max(0, λ − U)` under them.
pub(super) struct Duals {
    pub lambda: Vec<f64>,
    gain: Vec<f64>,
}

/// A lower bound and a tolerance covering its floating-point rounding.
#[derive(Clone, Copy, Debug)]
pub(super) struct Bound {
    pub value: f64,
    pub slack: f64,
}

impl Bound {
    /// True when every plan this bound covers scores above `best` (strictly, past rounding).
    pub fn exceeds(&self, best: f64) -> bool {
        self.value - self.slack > best
    }
}

/// Relative rounding allowance of a bound summed in `f64` (a few hundred terms, each exact to
/// 2^-52 relative), plus half a unit: plan scores are integers.
pub(super) fn slack(magnitude: f64) -> f64 {
    magnitude * 1e-12 + 0.5
}

/// A reduced cost as integer lower bounds of the parts the bounds add up: integers sum exactly
/// and in any order, so a bound never depends on the order candidates were gathered in.
#[derive(Clone, Copy, Debug)]
pub(super) struct Rounded {
    /// `≤ rc`.
    pub rc: i64,
    /// `≤ max(0, rc)`.
    pub pos: i64,
    /// `≤ max(0, −rc)`.
    pub neg: i64,
}

impl Rounded {
    /// `≤ min(0, rc)`.
    pub fn low(&self) -> i64 {
        self.rc.min(0)
    }
}

impl Duals {
    /// Every group priced at its cheapest live unit: the bound of the unit costs alone.
    pub fn new(model: &Model, live: &[bool]) -> Duals {
        let lambda = (0..model.groups())
            .map(|g| {
                model
                    .offers_for(g)
                    .iter()
                    .filter(|o| live.get(o.cand as usize).copied().unwrap_or(false))
                    .map(|o| o.unit)
                    .fold(f64::INFINITY, f64::min)
            })
            .map(|u| if u.is_finite() { u } else { 0.0 })
            .collect::<Vec<f64>>();
        let mut gain = vec![0.0; model.fixed.len()];
        for (g, &l) in lambda.iter().enumerate() {
            for o in model.offers_for(g) {
                gain[o.cand as usize] += f64::from(o.units) * (l - o.unit).max(0.0);
            }
        }
        Duals { lambda, gain }
    }

    /// `rc[c]`: the candidate's fixed score less what its units earn at the multipliers.
    pub fn reduced(&self, model: &Model, c: usize) -> f64 {
        model.fixed[c] - self.gain[c]
    }

    /// `rc[c]` rounded down, allowing for the rounding of the gain (a sum of at most a few
    /// thousand `f64` updates, each exact to 2^-52 of the running value).
    pub fn rounded(&self, model: &Model, c: usize) -> Rounded {
        let rc = self.reduced(model, c);
        let eps = (model.fixed[c].abs() + self.gain[c].abs()) * 1e-12;
        // `as` saturates.
        let rc_low = (rc - eps).floor() as i64;
        Rounded { rc: rc_low, pos: rc_low.max(0), neg: ((-rc - eps).floor() as i64).max(0) }
    }

    /// Dual ascent over the live candidates for demands `targets`, at most `rounds` rounds.
    pub fn ascend(&mut self, model: &Model, live: &[bool], targets: &[u32], rounds: usize) {
        // The live offers, by group, once: most candidates are usually dead by now.
        let mut offers: Vec<Offer> = Vec::new();
        let mut at = Vec::with_capacity(model.groups() + 1);
        for g in 0..model.groups() {
            at.push(offers.len());
            offers.extend(model.offers_for(g).iter().filter(|o| live.get(o.cand as usize).copied().unwrap_or(false)));
        }
        at.push(offers.len());
        for _ in 0..rounds {
            let mut moved = false;
            for (g, &t) in targets.iter().enumerate() {
                let of_group = match (at.get(g), at.get(g + 1)) {
                    (Some(&a), Some(&b)) => offers.get(a..b).unwrap_or(&[]),
                    _ => &[],
                };
                moved |= self.raise(model, of_group, g, t);
            }
            if !moved {
                break;
            }
        }
    }

    /// Raises group `g`'s multiplier to the next candidate that would become paid for, if the
    /// bound still increases there (paid-for candidates offer less than `t`). Candidates not in
    /// `offers` (dead ones) keep a stale gain, which no bound reads.
    fn raise(&mut self, model: &Model, offers: &[Offer], g: usize, t: u32) -> bool {
        let Some(&lam) = self.lambda.get(g) else { return false };
        if t == 0 {
            return false;
        }
        let mut covered = 0u64;
        let mut next = f64::INFINITY;
        for o in offers {
            let c = o.cand as usize;
            let m = f64::from(o.units);
            let without = self.gain[c] - m * (lam - o.unit).max(0.0);
            let threshold = o.unit + (model.fixed[c] - without).max(0.0) / m;
            if threshold <= lam {
                covered += u64::from(o.units);
            } else {
                next = next.min(threshold);
            }
        }
        if covered >= u64::from(t) || !next.is_finite() {
            return false;
        }
        for o in offers {
            let c = o.cand as usize;
            let m = f64::from(o.units);
            self.gain[c] += m * ((next - o.unit).max(0.0) - (lam - o.unit).max(0.0));
        }
        self.lambda[g] = next;
        true
    }

    /// `Σ t·λ` for demands `targets`, and its magnitude.
    pub fn priced_demand(&self, targets: &[u32]) -> (f64, f64) {
        let mut value = 0.0;
        let mut magnitude = 0.0;
        for (&t, &l) in targets.iter().zip(&self.lambda) {
            let v = f64::from(t) * l;
            value += v;
            magnitude += v.abs();
        }
        (value, magnitude)
    }

    /// The bound with every live candidate free. Reduced costs are rounded down to integers and
    /// summed exactly, so the sum does not depend on the order of the candidates.
    pub fn bound(&self, model: &Model, live: &[bool], targets: &[u32]) -> Bound {
        let (value, magnitude) = self.priced_demand(targets);
        let mut nodes = 0i64;
        for (c, _) in live.iter().enumerate().filter(|(_, l)| **l) {
            nodes = nodes.saturating_add(self.rounded(model, c).low());
        }
        Bound { value: value + nodes as f64, slack: slack(magnitude) }
    }
}

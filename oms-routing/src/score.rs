//! The objective both engines minimise: a plan's score, compiled from a strategy's ranking.
//!
//! Every ranker is additive over a plan's shipments (see [`crate::rules::ranker`]), so a plan's
//! score is `Σ fixed(node) + Σ unit(node, sku) × units`, one `i64` per lexicographic level.
//! All terms are non-negative, which is what lets the engines prune with lower bounds.

use std::cmp::Ordering;
use std::ops::Add;

use crate::Ranking;
use crate::candidates::{Candidates, Row};
use crate::problem::Problem;
use crate::rules::ranker::{MAX_LEVELS, Ranker};
use crate::rules::strategy::Strategy;

/// One `i64` per lexicographic level; unused levels stay 0. Ordered lexicographically.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Score(pub [i64; MAX_LEVELS]);

impl Add for Score {
    type Output = Score;
    fn add(mut self, rhs: Score) -> Score {
        for (a, b) in self.0.iter_mut().zip(rhs.0) {
            *a = a.saturating_add(b);
        }
        self
    }
}

impl Score {
    /// `self × k`.
    pub fn times(mut self, k: u32) -> Score {
        for a in &mut self.0 {
            *a = a.saturating_mul(i64::from(k));
        }
        self
    }
}

/// A score as the greedy engine computes with it: the full lexicographic [`Score`], or its
/// first level alone when the ranking has one level (then the other levels are always 0 and
/// both compare, add and saturate identically, at a quarter of the work).
pub(crate) trait Value: Copy + Ord + Default + std::fmt::Debug {
    /// The largest value (every level at `i64::MAX`).
    const MAX: Self;
    /// The value of a score.
    fn of(score: &Score) -> Self;
    /// Candidate `c`'s fixed-score lower bound.
    fn fixed_lb(cands: &Candidates, c: usize) -> Self;
    /// Candidate `c`'s score per unit (before any stock-depth part).
    fn unit(cands: &Candidates, c: usize) -> Self;
    /// Candidate `c`'s exact fixed score ([`Problem::fixed`]).
    fn fixed(p: &Problem<'_>, c: usize) -> Self;
    /// [`Value::fixed_lb`] when the caller holds the candidate's row.
    fn fixed_lb_at(cands: &Candidates, c: usize, row: &Row) -> Self;
    /// [`Value::unit`] when the caller holds the candidate's row.
    fn unit_at(cands: &Candidates, c: usize, row: &Row) -> Self;
    /// `self / ka` against `other / kb` (both counts > 0), compared exactly.
    fn per_unit_cmp(&self, ka: u32, other: &Self, kb: u32) -> Ordering;
    /// `self + other`, saturating.
    fn plus(self, other: Self) -> Self;
    /// `self × k`, saturating.
    fn times(self, k: u32) -> Self;
}

impl Value for Score {
    const MAX: Score = Score([i64::MAX; MAX_LEVELS]);
    #[inline]
    fn of(score: &Score) -> Score {
        *score
    }
    #[inline]
    fn fixed_lb(cands: &Candidates, c: usize) -> Score {
        cands.fixed_lb(c)
    }
    #[inline]
    fn unit(cands: &Candidates, c: usize) -> Score {
        cands.unit(c)
    }
    #[inline]
    fn fixed(p: &Problem<'_>, c: usize) -> Score {
        p.fixed(c)
    }
    #[inline]
    fn fixed_lb_at(cands: &Candidates, c: usize, _: &Row) -> Score {
        cands.fixed_lb(c)
    }
    #[inline]
    fn unit_at(cands: &Candidates, c: usize, _: &Row) -> Score {
        cands.unit(c)
    }
    #[inline]
    fn per_unit_cmp(&self, ka: u32, other: &Score, kb: u32) -> Ordering {
        for (a, b) in self.0.iter().zip(other.0) {
            let (l, r) = (i128::from(*a) * i128::from(kb), i128::from(b) * i128::from(ka));
            if l != r {
                return l.cmp(&r);
            }
        }
        Ordering::Equal
    }
    #[inline]
    fn plus(self, other: Score) -> Score {
        self + other
    }
    #[inline]
    fn times(self, k: u32) -> Score {
        Score::times(self, k)
    }
}

impl Value for i64 {
    const MAX: i64 = i64::MAX;
    #[inline]
    fn of(score: &Score) -> i64 {
        score.0[0]
    }
    #[inline]
    fn fixed_lb(cands: &Candidates, c: usize) -> i64 {
        cands.fixed_lb_first(c)
    }
    #[inline]
    fn unit(cands: &Candidates, c: usize) -> i64 {
        cands.unit_first(c)
    }
    #[inline]
    fn fixed(p: &Problem<'_>, c: usize) -> i64 {
        p.fixed_first(c)
    }
    #[inline(always)]
    fn fixed_lb_at(_: &Candidates, _: usize, row: &Row) -> i64 {
        row.lb_first()
    }
    #[inline(always)]
    fn unit_at(_: &Candidates, _: usize, row: &Row) -> i64 {
        row.unit_first()
    }
    #[inline(always)]
    fn per_unit_cmp(&self, ka: u32, other: &i64, kb: u32) -> Ordering {
        (i128::from(*self) * i128::from(kb)).cmp(&(i128::from(*other) * i128::from(ka)))
    }
    #[inline]
    fn plus(self, other: i64) -> i64 {
        self.saturating_add(other)
    }
    #[inline]
    fn times(self, k: u32) -> i64 {
        self.saturating_mul(i64::from(k))
    }
}

/// What a term measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Measure {
    Cost,
    Distance,
    Priority,
    Depth,
    Shipments,
    Code(usize),
}

/// A ranker placed on a level with a factor (millionths: 1_000_000 keeps the value as is).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Term {
    pub level: usize,
    pub measure: Measure,
    pub factor: i64,
}

const IDENTITY: i64 = 1_000_000;

impl Term {
    pub fn scale(&self, value: i64) -> i64 {
        if self.factor == IDENTITY {
            return value;
        }
        let scaled = i128::from(value) * i128::from(self.factor) / i128::from(IDENTITY);
        i64::try_from(scaled).unwrap_or(i64::MAX)
    }
}

/// A strategy's ranking, compiled.
#[derive(Clone, Debug)]
pub(crate) struct Objective {
    pub terms: Vec<Term>,
    pub has_depth: bool,
    /// The ranking is cost alone at its natural scale (the scenario's objective): fast paths.
    pub cost_only: bool,
    /// Every term is on the first level (one ranker, or a weighted sum): scores are one `i64`.
    pub single_level: bool,
}

fn to_factor(weight: rust_decimal::Decimal, per_unit_micros: i64) -> i64 {
    // weight ≤ 1e6 (validated) × per_unit ≤ 1e12 fits an i64.
    let scaled = weight * rust_decimal::Decimal::from(per_unit_micros);
    i64::try_from(scaled.round()).unwrap_or(i64::MAX)
}

impl Objective {
    pub fn compile(strategy: &Strategy) -> Objective {
        let mut terms = Vec::new();
        match &strategy.ranking {
            Ranking::Lexicographic(rankers) => {
                for (level, r) in rankers.iter().enumerate() {
                    terms.push(Term { level, measure: measure(*r), factor: IDENTITY });
                }
                for i in 0..strategy.code_rankers.len() {
                    terms.push(Term { level: rankers.len() + i, measure: Measure::Code(i), factor: IDENTITY });
                }
            }
            Ranking::Weighted(weights) => {
                for (r, w) in weights {
                    // Convert each measure to millionths of currency: see the table in `ranker`.
                    let per = match r {
                        Ranker::Cost | Ranker::StockDepth => 1_000_000,
                        Ranker::Distance => 1_000_000_000,
                        Ranker::Priority | Ranker::FewestShipments => 1_000_000_000_000,
                    };
                    terms.push(Term { level: 0, measure: measure(*r), factor: to_factor(*w, per) });
                }
                for i in 0..strategy.code_rankers.len() {
                    terms.push(Term { level: 0, measure: Measure::Code(i), factor: IDENTITY });
                }
            }
        }
        terms.retain(|t| t.level < MAX_LEVELS);
        let has_depth = terms.iter().any(|t| t.measure == Measure::Depth);
        let cost_only = matches!(terms.as_slice(), [Term { level: 0, measure: Measure::Cost, factor: IDENTITY }]);
        let single_level = terms.iter().all(|t| t.level == 0);
        Objective { terms, has_depth, cost_only, single_level }
    }
}

fn measure(r: Ranker) -> Measure {
    match r {
        Ranker::Cost => Measure::Cost,
        Ranker::Distance => Measure::Distance,
        Ranker::Priority => Measure::Priority,
        Ranker::StockDepth => Measure::Depth,
        Ranker::FewestShipments => Measure::Shipments,
    }
}

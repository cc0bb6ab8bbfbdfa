//! Pricing a node set: the cheapest way to assign the order's units to exactly these nodes.
//!
//! With lines splittable this is a small transportation problem (skus → nodes, limited by stock
//! per node and sku and by capacity per node): when no node's capacity can bind, each sku simply
//! takes its cheapest nodes; otherwise a min-cost max-flow (successive shortest paths) solves it.
//! With lines kept whole, a depth-first search places each line on one node.

use crate::engine::{Solution, Take};
use crate::problem::Problem;
use crate::score::Score;

/// The best assignment to `set` (candidate indexes), or `None` when it uses no unit or breaks
/// the minimum shipment value. Nodes of `set` the assignment leaves unused are not charged.
pub(crate) fn evaluate(p: &Problem<'_>, set: &[usize]) -> Option<Solution> {
    let takes = if p.split_lines { split(p, set) } else { whole(p, set) };
    price(p, takes)
}

fn price(p: &Problem<'_>, takes: Vec<Take>) -> Option<Solution> {
    let mut nodes: Vec<usize> = Vec::with_capacity(4);
    let mut units = 0u32;
    let mut score = Score::default();
    for t in &takes {
        if t.units == 0 {
            continue;
        }
        if !nodes.contains(&t.cand) {
            nodes.push(t.cand);
        }
        units = units.saturating_add(t.units);
        score = score + p.unit_score(t.cand, p.lines[t.line].group).times(t.units);
    }
    if units == 0 {
        return None;
    }
    for &c in &nodes {
        score = score + p.fixed(c);
    }
    if let Some(min) = p.min_value
        && nodes.len() > 1
    {
        for &c in &nodes {
            let value: i64 = takes
                .iter()
                .filter(|t| t.cand == c)
                .map(|t| p.lines[t.line].value.saturating_mul(i64::from(t.units)))
                .fold(0, i64::saturating_add);
            if value < min {
                return None;
            }
        }
    }
    nodes.sort_by(|&a, &b| p.network.id(p.cands.node(a)).cmp(p.network.id(p.cands.node(b))));
    let takes = takes.into_iter().filter(|t| t.units > 0).collect();
    Some(Solution { takes, units, score, nodes })
}

/// Group-level amounts `alloc[g * set.len() + k]`, spread over the group's lines in line order.
fn spread(p: &Problem<'_>, set: &[usize], left: &mut [u32]) -> Vec<Take> {
    let k = set.len();
    let mut takes = Vec::with_capacity(p.lines.len() + k);
    for (line, need) in p.lines.iter().enumerate() {
        let mut want = need.qty;
        for (m, &c) in set.iter().enumerate() {
            if want == 0 {
                break;
            }
            let have = &mut left[need.group * k + m];
            let units = want.min(*have);
            if units > 0 {
                *have -= units;
                want -= units;
                takes.push(Take { cand: c, line, units });
            }
        }
    }
    takes
}

fn split(p: &Problem<'_>, set: &[usize]) -> Vec<Take> {
    let groups = p.demand.len();
    let k = set.len();
    let capacity_binds = set.iter().any(|&c| {
        let reach: u64 = (0..groups).map(|g| u64::from(p.demand[g].min(p.supply(c, g)))).sum();
        reach > u64::from(p.cands.cap(c))
    });
    // Amounts per sku and member: on the stack for the usual few skus and nodes.
    let mut small = [0u32; 32];
    let mut large = Vec::new();
    let alloc: &mut [u32] = match small.get_mut(..groups * k) {
        Some(alloc) => alloc,
        None => {
            large.resize(groups * k, 0);
            &mut large
        }
    };
    if !capacity_binds {
        // Each sku takes its cheapest members first (ties by node); a small set sorts on the
        // stack.
        let mut small = [0usize; 8];
        let mut large = Vec::new();
        let order: &mut [usize] = match small.get_mut(..k) {
            Some(order) => order,
            None => {
                large.resize(k, 0);
                &mut large
            }
        };
        for (m, slot) in order.iter_mut().enumerate() {
            *slot = m;
        }
        for g in 0..groups {
            order.sort_by_key(|&m| (p.unit_score(set[m], g), p.cands.node(set[m])));
            let mut want = p.demand[g];
            for &m in order.iter() {
                let units = want.min(p.supply(set[m], g));
                alloc[g * k + m] = units;
                want -= units;
            }
        }
    } else {
        flow(p, set, alloc);
    }
    spread(p, set, alloc)
}

struct Edge {
    to: usize,
    cap: u32,
    cost: Score,
}

fn neg(s: Score) -> Score {
    let mut out = s;
    for v in &mut out.0 {
        *v = v.saturating_neg();
    }
    out
}

/// Min-cost max-flow source → skus → nodes → sink by successive shortest paths (Bellman-Ford:
/// the graph has a few dozen vertices).
fn flow(p: &Problem<'_>, set: &[usize], alloc: &mut [u32]) {
    let (groups, k) = (p.demand.len(), set.len());
    let (s, t) = (0, groups + k + 1);
    let n = t + 1;
    let mut edges: Vec<Edge> = Vec::new();
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    let add = |edges: &mut Vec<Edge>, adj: &mut Vec<Vec<usize>>, a: usize, b: usize, cap: u32, cost: Score| {
        adj[a].push(edges.len());
        edges.push(Edge { to: b, cap, cost });
        adj[b].push(edges.len());
        edges.push(Edge { to: a, cap: 0, cost: neg(cost) });
    };
    for g in 0..groups {
        add(&mut edges, &mut adj, s, 1 + g, p.demand[g], Score::default());
        for (m, &c) in set.iter().enumerate() {
            let units = p.supply(c, g);
            if units > 0 {
                add(&mut edges, &mut adj, 1 + g, 1 + groups + m, units, p.unit_score(c, g));
            }
        }
    }
    for (m, &c) in set.iter().enumerate() {
        add(&mut edges, &mut adj, 1 + groups + m, t, p.cands.cap(c), Score::default());
    }
    loop {
        let mut dist: Vec<Option<Score>> = vec![None; n];
        let mut via: Vec<Option<usize>> = vec![None; n];
        dist[s] = Some(Score::default());
        for _ in 0..n {
            let mut changed = false;
            for a in 0..n {
                let Some(da) = dist[a] else { continue };
                for &e in &adj[a] {
                    let edge = &edges[e];
                    if edge.cap == 0 {
                        continue;
                    }
                    let nd = da + edge.cost;
                    if dist[edge.to].is_none_or(|d| nd < d) {
                        dist[edge.to] = Some(nd);
                        via[edge.to] = Some(e);
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        if dist[t].is_none() {
            break;
        }
        let mut push = u32::MAX;
        let mut v = t;
        while let Some(e) = via[v] {
            push = push.min(edges[e].cap);
            v = edges[e ^ 1].to;
        }
        if push == 0 || push == u32::MAX {
            break;
        }
        let mut v = t;
        while let Some(e) = via[v] {
            edges[e].cap -= push;
            edges[e ^ 1].cap += push;
            v = edges[e ^ 1].to;
        }
    }
    for g in 0..groups {
        for &e in &adj[1 + g] {
            let to = edges[e].to;
            if (1 + groups..1 + groups + k).contains(&to) && e % 2 == 0 {
                // Flow on a forward edge is what its reverse edge can now carry back.
                alloc[g * k + (to - 1 - groups)] = edges[e ^ 1].cap;
            }
        }
    }
}

/// Lines kept whole: each line on one node of the set (or, when backordering, partly filled
/// from one node or left out), best by units then score.
/// Where each line went: `(member of the set, units)` or nowhere.
type Placement = Vec<Option<(usize, u32)>>;

fn whole(p: &Problem<'_>, set: &[usize]) -> Vec<Take> {
    struct Search<'s, 'a> {
        p: &'s Problem<'a>,
        set: &'s [usize],
        left: Vec<u32>,
        cap: Vec<u32>,
        used: Vec<u32>,
        current: Placement,
        best: Option<(u32, Score, Placement)>,
    }
    impl Search<'_, '_> {
        fn score(&self, units: u32, unit_part: Score) -> (u32, Score) {
            let mut s = unit_part;
            for (m, &u) in self.used.iter().enumerate() {
                if u > 0 {
                    s = s + self.p.fixed(self.set[m]);
                }
            }
            (units, s)
        }
        fn go(&mut self, line: usize, units: u32, unit_part: Score) {
            let groups = self.p.demand.len();
            let Some(need) = self.p.lines.get(line) else {
                let (u, s) = self.score(units, unit_part);
                if self.best.as_ref().is_none_or(|(bu, bs, _)| u > *bu || (u == *bu && s < *bs)) {
                    self.best = Some((u, s, self.current.clone()));
                }
                return;
            };
            if !self.p.backorder
                && let Some((_, bs, _)) = &self.best
                && self.score(units, unit_part).1 >= *bs
            {
                return;
            }
            for m in 0..self.set.len() {
                let c = self.set[m];
                let have = self.left[m * groups + need.group].min(self.cap[m]);
                let take = if have >= need.qty {
                    need.qty
                } else if self.p.backorder {
                    have
                } else {
                    0
                };
                if take == 0 {
                    continue;
                }
                self.left[m * groups + need.group] -= take;
                self.cap[m] -= take;
                self.used[m] += 1;
                self.current[line] = Some((m, take));
                let part = unit_part + self.p.unit_score(c, need.group).times(take);
                self.go(line + 1, units + take, part);
                self.current[line] = None;
                self.used[m] -= 1;
                self.cap[m] += take;
                self.left[m * groups + need.group] += take;
            }
            if self.p.backorder {
                self.go(line + 1, units, unit_part);
            }
        }
    }
    let groups = p.demand.len();
    let mut search = Search {
        p,
        set,
        left: set.iter().flat_map(|&c| (0..groups).map(move |g| p.supply(c, g))).collect(),
        cap: set.iter().map(|&c| p.cands.cap(c)).collect(),
        used: vec![0; set.len()],
        current: vec![None; p.lines.len()],
        best: None,
    };
    search.go(0, 0, Score::default());
    search
        .best
        .map(|(_, _, placed)| {
            placed
                .into_iter()
                .enumerate()
                .filter_map(|(line, at)| at.map(|(m, units)| Take { cand: set[m], line, units }))
                .collect()
        })
        .unwrap_or_default()
}

//! Cheapest transfer paths over lanes, to every pickup point.
//!
//! A network computes, once, the cheapest multi-hop path cost from every node to every node
//! that takes pickups: Dijkstra's algorithm from the pickup point over the lanes reversed. A
//! thousand-node network has about a thousand pickup points, so this runs a thousand times;
//! it keeps its distances in a dense array reused across runs (petgraph's `dijkstra` returns a
//! fresh hash map each time, several times slower here) and reads the lanes from the same
//! petgraph graph. The tests check it against petgraph's `dijkstra`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex as GraphIndex};
use petgraph::visit::EdgeRef;

use crate::{Cost, NodeIndex};

/// Buffers reused from one pickup point to the next.
#[derive(Default)]
pub(crate) struct Paths {
    best: Vec<Option<Cost>>,
    reached: Vec<usize>,
    heap: BinaryHeap<Reverse<(Cost, usize)>>,
}

impl Paths {
    /// `(source, cheapest path cost)` for every node with a lane path to `target` (itself
    /// excluded), sorted by source.
    pub fn to(&mut self, lanes: &DiGraph<(), Cost>, target: usize) -> Vec<(NodeIndex, Cost)> {
        if self.best.len() == lanes.node_count() {
            for &n in &self.reached {
                self.best[n] = None;
            }
        } else {
            self.best = vec![None; lanes.node_count()];
        }
        self.reached.clear();
        self.heap.clear();
        if target >= self.best.len() {
            return Vec::new();
        }
        self.best[target] = Some(Cost::ZERO);
        self.reached.push(target);
        self.heap.push(Reverse((Cost::ZERO, target)));
        while let Some(Reverse((cost, node))) = self.heap.pop() {
            if self.best[node].is_some_and(|b| b < cost) {
                continue; // a cheaper path reached it since
            }
            // Lanes into `node` lead, reversed, to the nodes that can send to it.
            for lane in lanes.edges_directed(GraphIndex::new(node), Direction::Incoming) {
                let from = lane.source().index();
                let via = cost + *lane.weight();
                if self.best[from].is_none_or(|b| via < b) {
                    if self.best[from].is_none() {
                        self.reached.push(from);
                    }
                    self.best[from] = Some(via);
                    self.heap.push(Reverse((via, from)));
                }
            }
        }
        // In node order: a scan of the dense array, no sort.
        self.best
            .iter()
            .enumerate()
            .filter(|&(n, _)| n != target)
            .filter_map(|(n, best)| best.map(|c| (NodeIndex::new(n), c)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::visit::Reversed;

    #[test]
    fn cheapest_paths_equal_petgraph_dijkstra_over_reversed_lanes() {
        let mut seed = 11u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut paths = Paths::default();
        for _ in 0..40 {
            let nodes = 1 + next(30) as usize;
            let mut lanes: DiGraph<(), Cost> = DiGraph::new();
            for _ in 0..nodes {
                lanes.add_node(());
            }
            for _ in 0..next(4 * nodes as u64 + 1) {
                let (a, b) = (next(nodes as u64) as usize, next(nodes as u64) as usize);
                lanes.add_edge(GraphIndex::new(a), GraphIndex::new(b), Cost::from_micros(next(5_000_000) as i64));
            }
            for target in 0..nodes {
                let want: Vec<(NodeIndex, Cost)> = {
                    let scores =
                        petgraph::algo::dijkstra(Reversed(&lanes), GraphIndex::new(target), None, |e| *e.weight());
                    let mut v: Vec<_> = scores
                        .into_iter()
                        .filter(|(n, _)| n.index() != target)
                        .map(|(n, c)| (NodeIndex::new(n.index()), c))
                        .collect();
                    v.sort_unstable();
                    v
                };
                assert_eq!(paths.to(&lanes, target), want, "{nodes} nodes, target {target}");
            }
        }
    }
}

//! The `oms` bench's order flow a fixed number of times, to count instructions with callgrind
//! (wall time on a shared machine is too noisy to compare variants):
//!
//! `cargo bench --bench oms_count --no-run` then
//! `valgrind --tool=callgrind target/release/deps/oms_count-* 2000` (instructions ÷ 2000, minus
//! a run with 0 orders for the set-up).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/e2e.rs"]
mod e2e;

fn main() {
    let orders: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let (oms, address) = e2e::world();
    for n in 0..orders {
        e2e::order(&oms, &address, n);
    }
}

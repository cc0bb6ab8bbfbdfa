#![allow(clippy::print_stdout, clippy::print_stderr, missing_docs, clippy::unwrap_used)]
fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let reps: usize = std::env::args().nth(2).map_or(0, |s| s.parse().unwrap());
    let s = oms_routing::scenario::Scenario::from_json(&text).unwrap();
    let usage = oms_routing::Usage::new(s.router().network());
    let mut scratch = oms_routing::Scratch::new();
    let mut n = 0;
    for _ in 0..reps {
        for r in s.requests() {
            n += s.router().route_with(&mut scratch, r, s.stock(), &usage).unwrap().shipments().len();
        }
    }
    eprintln!("{n}");
}

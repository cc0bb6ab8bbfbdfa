//! Routes a scenario in the routing scenario format and prints the result JSON.
//!
//! ```sh
//! cargo run --release --example route -- SCENARIO.json              # the policy's mode
//! cargo run --release --example route -- --mode greedy SCENARIO.json
//! cargo run --release --example route -- --generate --seed 7 > big.json   # 1,000 nodes, 50,000 orders
//! cargo run --release --example route -- --generate --orders 1000 --nodes 200 --mode optimal > small.json
//! ```
//! An invalid document prints the error (naming the element) on stderr and exits with 2.
#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line example prints

use std::io::Write;
use std::process::ExitCode;

use oms_routing::Engine;
use oms_routing::scenario::Scenario;
use oms_routing::strategies::{ScenarioConfig, scenario_json};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            if stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush()).is_err() {
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("route: {message}");
            ExitCode::from(2)
        }
    }
}

fn value<'a>(args: &'a [String], i: &mut usize, flag: &str) -> Result<&'a str, String> {
    *i += 1;
    args.get(*i).map(String::as_str).ok_or_else(|| format!("{flag} needs a value"))
}

fn number(text: &str, flag: &str) -> Result<usize, String> {
    text.parse().map_err(|_| format!("{flag} {text:?} is not a number"))
}

fn run(args: &[String]) -> Result<String, String> {
    let mut config = ScenarioConfig::default();
    let (mut generate, mut seed, mut mode, mut path) = (false, 7u64, None, None);
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--generate" => generate = true,
            "--seed" => seed = number(value(args, &mut i, "--seed")?, "--seed")? as u64,
            "--orders" => config.orders = number(value(args, &mut i, "--orders")?, "--orders")?,
            "--nodes" => config.nodes = number(value(args, &mut i, "--nodes")?, "--nodes")?,
            "--skus" => config.skus = number(value(args, &mut i, "--skus")?, "--skus")?,
            "--lines" => config.lines = number(value(args, &mut i, "--lines")?, "--lines")?,
            "--assortment" => {
                config.store_assortment_percent = number(value(args, &mut i, "--assortment")?, "--assortment")? as u32
            }
            "--mode" => {
                mode = Some(match value(args, &mut i, "--mode")? {
                    "greedy" => Engine::Greedy,
                    "optimal" => Engine::Optimal,
                    other => return Err(format!("--mode {other:?} is not greedy or optimal")),
                })
            }
            other if other.starts_with("--") => return Err(format!("unknown option {other}")),
            other => path = Some(other.to_owned()),
        }
        i += 1;
    }
    if generate {
        if let Some(mode) = mode {
            config.mode = if mode == Engine::Greedy { "greedy" } else { "optimal" };
        }
        return Ok(scenario_json(&config, seed));
    }
    let path = path.ok_or("usage: route [--mode greedy|optimal] SCENARIO.json | route --generate [--seed N ...]")?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let mut scenario = Scenario::from_json(&text).map_err(|e| e.to_string())?;
    if let Some(mode) = mode {
        scenario = scenario.with_engine(mode).map_err(|e| e.to_string())?;
    }
    let result = scenario.run().map_err(|e| e.to_string())?;
    Ok(result.to_json())
}

//! Replays JSON commands against an in-memory OMS built from a setup file, one JSON response
//! line per command: its events, or its error (a refused command changes nothing).
//!
//! `cargo run --example replay -- SETUP.json COMMANDS.jsonl`
//! (without arguments: `examples/data/setup.json` and `examples/data/commands.jsonl`)
#![allow(clippy::print_stdout, clippy::print_stderr)] // an example prints what it does

use std::io::{BufRead, BufReader, Write};
use std::process::ExitCode;

use oms::{Request, Response, Setup};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (setup, commands) = match args.as_slice() {
        [setup, commands] => (setup.clone(), commands.clone()),
        [] => ("examples/data/setup.json".to_owned(), "examples/data/commands.jsonl".to_owned()),
        _ => {
            eprintln!("usage: replay SETUP.json COMMANDS.jsonl");
            return ExitCode::from(2);
        }
    };
    match run(&setup, &commands) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("replay: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(setup: &str, commands: &str) -> Result<(), Box<dyn std::error::Error>> {
    let oms = Setup::from_json(&std::fs::read_to_string(setup)?)?.build()?;
    let out = std::io::stdout();
    let mut out = out.lock();
    for (n, line) in BufReader::new(std::fs::File::open(commands)?).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() || line.trim_start().starts_with("//") {
            continue;
        }
        let response = match serde_json::from_str::<Request>(&line) {
            Ok(request) => oms.handle(&request),
            Err(e) => Response::Error {
                error: oms::ErrorReport { part: "json", refused: true, message: format!("line {}: {e}", n + 1) },
            },
        };
        serde_json::to_writer(&mut out, &response)?;
        writeln!(out)?;
    }
    Ok(())
}

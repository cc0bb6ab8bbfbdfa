//! The JSON API: the replay example's commands, one response per line; refusals change nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

mod common;

use oms::{Request, Response};

const COMMANDS: &str = include_str!("../examples/data/commands.jsonl");

#[test]
fn the_replay_commands_run_and_refusals_change_nothing() {
    let oms = common::oms();
    let mut statuses = Vec::new();
    for line in COMMANDS.lines().filter(|l| !l.trim().is_empty()) {
        let request: Request = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        let before = oms.order(&common::id("O-1")).ok().map(|o| o.version());
        let response = oms.handle(&request);
        let json = serde_json::to_value(&response).unwrap();
        match &response {
            Response::Ok { events } => {
                assert!(!events.is_empty(), "{line}");
                statuses.push("ok");
            }
            Response::Error { error } => {
                assert!(error.refused, "{json}");
                assert_eq!(before, oms.order(&common::id("O-1")).ok().map(|o| o.version()), "a refusal wrote");
                statuses.push("error");
            }
        }
        assert!(json["status"].is_string());
    }
    assert_eq!(statuses, ["ok", "ok", "ok", "ok", "ok", "error", "ok", "ok", "ok", "ok", "error"]);
}

#[test]
fn a_retried_request_with_its_key_does_nothing_new() {
    let oms = common::oms();
    let capture = COMMANDS.lines().next().unwrap();
    let request: Request = serde_json::from_str(capture).unwrap();
    oms.handle(&request);
    let route: Request = serde_json::from_str(r#"{"type": "route", "order": "O-1", "key": "r-1"}"#).unwrap();
    let first = serde_json::to_value(oms.handle(&route)).unwrap();
    let again = serde_json::to_value(oms.handle(&route)).unwrap();
    assert_eq!(first["status"], "ok");
    let order_events = |v: &serde_json::Value| {
        v["events"].as_array().unwrap().iter().filter(|e| e["type"] == "order").cloned().collect::<Vec<_>>()
    };
    assert_eq!(order_events(&first), order_events(&again), "the retry returns what was recorded");
    assert_eq!(oms.order(&common::id("O-1")).unwrap().version().get(), 1 + order_events(&first).len() as u64);
}

#[test]
fn commands_and_events_are_tagged_snake_case() {
    let command: oms::Command =
        serde_json::from_str(r#"{"type": "ready_for_pickup", "order": "O-1", "fulfillment_order": "FO-1"}"#).unwrap();
    assert_eq!(serde_json::to_value(&command).unwrap()["type"], "ready_for_pickup");
    let unknown = serde_json::from_str::<oms::Command>(r#"{"type": "teleport", "order": "O-1"}"#);
    assert!(unknown.is_err());
}

//! The OMS on a SQLite database (rusqlite with its bundled SQLite): orders and stock survive a
//! restart. The adapters pass the same conformance suites as the in-memory stores.
//!
//! `cargo run --example sqlite_store [DATABASE]` (a fresh file under the temp dir by default)
#![allow(clippy::print_stdout)] // an example prints what it does

#[path = "support/mod.rs"]
mod support;

use oms::core::{FixedClock, LineStatus, OrderCommand};
use oms::returns::InMemoryReturnStore;
use oms::sqlite::{SqliteInventoryStore, SqliteOrderStore};
use oms::{InMemoryOutbox, Oms, Parts, Setup};
use support::*;

type SqliteOms = Oms<SqliteOrderStore, SqliteInventoryStore, InMemoryReturnStore, InMemoryOutbox, FixedClock>;

fn open(path: &std::path::Path) -> Result<SqliteOms, Box<dyn std::error::Error>> {
    let setup = Setup::from_json(SETUP)?;
    Ok(Oms::new(Parts {
        orders: SqliteOrderStore::open(path)?,
        inventory: SqliteInventoryStore::open(path)?,
        returns: InMemoryReturnStore::new(),
        outbox: InMemoryOutbox::new(),
        clock: FixedClock(setup.now.unwrap_or_default()),
        router: setup.router()?,
        inventory_config: setup.inventory_config(),
        lifecycle: setup.lifecycle,
        return_policy: setup.returns,
    })?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = match std::env::args().nth(1) {
        Some(path) => path.into(),
        None => {
            let path = std::env::temp_dir().join(format!("oms-example-{}.sqlite", std::process::id()));
            let _ = std::fs::remove_file(&path);
            path
        }
    };
    println!("database: {}", path.display());
    {
        let oms = open(&path)?;
        for (i, stock) in Setup::from_json(SETUP)?.stock.iter().enumerate() {
            let receive = oms::inventory::Command::Receive {
                sku: stock.sku.clone(),
                node: stock.node.clone(),
                quantity: stock.quantity,
                supply: None,
            };
            oms.stock_command(&format!("receive-{i}").parse()?, &receive)?;
        }
        let order = "Q-1".parse()?;
        say("capture", &oms.capture(&order_to_chicago("Q-1", &[("1", "TEE-M", 2), ("2", "CAP", 1)]), system())?);
        say("route", &oms.route(&order, system())?);
        say("release", &oms.execute(&order, &OrderCommand::Release { fulfillment_order: None }, system())?);
        println!("-- the process stops --");
    }
    let oms = open(&path)?;
    let order = oms.order(&"Q-1".parse()?)?;
    println!(
        "after a restart: order {} at version {} with {} units released; {}",
        order.id(),
        order.version(),
        order.units_in(LineStatus::Released),
        order.customer_status()
    );
    let (recorded, held) = oms.footprints(order.id())?;
    println!("stock held for it matches what it records: {}", recorded == held);
    oms.inventory(|inventory| {
        for (sku, node, position) in inventory.positions() {
            if position.allocated() > 0 {
                println!("  {sku} at {node}: {} allocated of {} on hand", position.allocated(), position.on_hand());
            }
        }
    });
    Ok(())
}

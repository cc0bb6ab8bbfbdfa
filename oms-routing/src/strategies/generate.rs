//! A seeded generator of routing scenarios in the scenario format, for benchmarks and replay
//! tests: `scenario_json(&ScenarioConfig::default(), 7)` is the same document on every machine.
//!
//! The shape imitates a retailer: a few distribution centres holding most of the catalogue
//! deeply, many stores around cities holding a small assortment a few units deep (each can
//! ship and take pickups), a few drop-ship vendors each carrying a slice of the catalogue, and
//! lanes DC ↔ DC, DC → store and store → DC so a pickup can be fed over one or more hops.
//! Customers live around the same cities; skus are drawn with a popularity skew.

use std::fmt::Write;

/// Sizes and mix of a generated scenario.
#[derive(Debug, Clone)]
pub struct ScenarioConfig {
    /// Nodes (about 1% warehouses, 2% vendors, the rest stores).
    pub nodes: usize,
    /// Skus in the catalogue.
    pub skus: usize,
    /// Orders in the batch.
    pub orders: usize,
    /// Lines per order (each order gets exactly this many, distinct skus).
    pub lines: usize,
    /// Share of pickup orders, in percent.
    pub pickup_percent: u32,
    /// Share of a store's assortment, in percent of the catalogue.
    pub store_assortment_percent: u32,
    /// `"greedy"` or `"optimal"`.
    pub mode: &'static str,
    /// `"reject"` or `"backorder"`.
    pub partial: &'static str,
}

impl Default for ScenarioConfig {
    /// 1,000 nodes, 5,000 skus, 50,000 three-line orders, 10% pickup, stores carrying 5% of the
    /// catalogue, greedy, backorder.
    fn default() -> ScenarioConfig {
        ScenarioConfig {
            nodes: 1_000,
            skus: 5_000,
            orders: 50_000,
            lines: 3,
            pickup_percent: 10,
            store_assortment_percent: 5,
            mode: "greedy",
            partial: "backorder",
        }
    }
}

/// SplitMix64: tiny, seedable, and stable across dependency upgrades (unlike a library RNG
/// whose stream may change), so a seed always names the same scenario.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        ((self.next() >> 32) as usize * n.max(1)) >> 32
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Warehouse,
    Store,
    Vendor,
}

/// Generates a scenario document (JSON text) from a config and a seed.
pub fn scenario_json(config: &ScenarioConfig, seed: u64) -> String {
    let mut rng = Rng(seed);
    let n = config.nodes.max(3);
    let warehouses = (n / 100).max(1);
    let vendors = (n / 50).max(1);
    let cities: Vec<(f64, f64)> = (0..60).map(|_| (rng.range(26.0, 48.0), rng.range(-122.0, -70.0))).collect();
    let mut nodes: Vec<(String, Kind, f64, f64)> = Vec::with_capacity(n);
    for i in 0..n {
        let kind = if i < warehouses {
            Kind::Warehouse
        } else if i < warehouses + vendors {
            Kind::Vendor
        } else {
            Kind::Store
        };
        let (lat, lon) = match kind {
            Kind::Store => {
                let (clat, clon) = cities[rng.below(cities.len())];
                (clat + rng.range(-0.4, 0.4), clon + rng.range(-0.4, 0.4))
            }
            _ => (rng.range(28.0, 46.0), rng.range(-120.0, -72.0)),
        };
        let prefix = match kind {
            Kind::Warehouse => "DC",
            Kind::Vendor => "VENDOR",
            Kind::Store => "STORE",
        };
        nodes.push((format!("{prefix}-{i:04}"), kind, lat, lon));
    }

    let mut out = String::with_capacity(64 * (n + config.orders * 3) + 40 * n * config.skus / 20);
    out.push_str("{\n\"version\": 1,\n\"nodes\": [\n");
    for (i, (id, kind, lat, lon)) in nodes.iter().enumerate() {
        let (kind_name, methods, ship, per_km, unit, cap) = match kind {
            Kind::Warehouse => {
                ("warehouse", "[\"ship\"]", rng.range(5.5, 7.5), rng.range(0.004, 0.007), rng.range(0.3, 0.5), None)
            }
            Kind::Vendor => ("vendor", "[\"ship\"]", rng.range(8.0, 11.0), 0.0, rng.range(0.0, 0.2), None),
            Kind::Store => (
                "store",
                "[\"ship\", \"pickup\"]",
                rng.range(4.0, 5.5),
                rng.range(0.002, 0.004),
                rng.range(1.0, 1.5),
                Some(40 + rng.below(160)),
            ),
        };
        let sep = if i + 1 < nodes.len() { "," } else { "" };
        let _ = write!(
            out,
            "{{\"id\": \"{id}\", \"kind\": \"{kind_name}\", \"location\": {{\"lat\": {lat:.4}, \"lon\": {lon:.4}}}, \
             \"methods\": {methods}, \"shipment_cost\": \"{ship:.2}\", \"cost_per_km\": \"{per_km:.4}\", \
             \"unit_cost\": \"{unit:.2}\""
        );
        if let Some(cap) = cap {
            let _ = write!(out, ", \"capacity_units\": {cap}");
        }
        let _ = writeln!(out, "}}{sep}");
    }
    out.push_str("],\n\"lanes\": [\n");
    let mut lanes: Vec<(usize, usize, f64)> = Vec::new();
    for a in 0..warehouses {
        for b in 0..warehouses {
            if a != b {
                lanes.push((a, b, rng.range(3.0, 6.0)));
            }
        }
    }
    for (s, node) in nodes.iter().enumerate().filter(|(_, nd)| nd.1 == Kind::Store) {
        // Each store is fed by its nearest DC and sends back to it (store → DC → store).
        let nearest = (0..warehouses)
            .min_by(|&a, &b| {
                let d = |w: usize| (nodes[w].2 - node.2).powi(2) + (nodes[w].3 - node.3).powi(2);
                d(a).total_cmp(&d(b))
            })
            .unwrap_or(0);
        lanes.push((nearest, s, rng.range(1.5, 4.0)));
        lanes.push((s, nearest, rng.range(1.5, 4.0)));
    }
    for (i, (a, b, cost)) in lanes.iter().enumerate() {
        let sep = if i + 1 < lanes.len() { "," } else { "" };
        let _ = writeln!(
            out,
            "{{\"from\": \"{}\", \"to\": \"{}\", \"cost\": \"{cost:.2}\"}}{sep}",
            nodes[*a].0, nodes[*b].0
        );
    }
    out.push_str("],\n\"inventory\": [\n");
    let mut first = true;
    for (i, (id, kind, ..)) in nodes.iter().enumerate() {
        for sku in 0..config.skus {
            let units = match kind {
                Kind::Warehouse if rng.chance(60) => 20 + rng.below(180),
                Kind::Vendor if sku % vendors == i - warehouses && rng.chance(80) => 100 + rng.below(900),
                Kind::Store if rng.chance(config.store_assortment_percent) => 1 + rng.below(6),
                _ => continue,
            };
            let _ = write!(
                out,
                "{}{{\"node\": \"{id}\", \"sku\": \"SKU-{sku:05}\", \"available\": {units}}}",
                if first { "" } else { ",\n" }
            );
            first = false;
        }
    }
    out.push_str("\n],\n\"orders\": [\n");
    let stores: Vec<usize> = (0..n).filter(|&i| nodes[i].1 == Kind::Store).collect();
    for o in 0..config.orders {
        let sep = if o + 1 < config.orders { "," } else { "" };
        let pickup = !stores.is_empty() && rng.chance(config.pickup_percent);
        let _ = write!(out, "{{\"id\": \"O-{o:06}\", ");
        if pickup {
            let _ = write!(
                out,
                "\"method\": \"pickup\", \"pickup_node\": \"{}\", ",
                nodes[stores[rng.below(stores.len())]].0
            );
        } else {
            let (clat, clon) = cities[rng.below(cities.len())];
            let _ = write!(
                out,
                "\"method\": \"ship\", \"destination\": {{\"lat\": {:.4}, \"lon\": {:.4}}}, ",
                clat + rng.range(-0.6, 0.6),
                clon + rng.range(-0.6, 0.6)
            );
        }
        out.push_str("\"lines\": [");
        let mut chosen: Vec<usize> = Vec::with_capacity(config.lines);
        while chosen.len() < config.lines.min(config.skus) {
            // Popularity skew: low sku numbers sell more.
            let u = rng.unit();
            let sku = ((u * u) * config.skus as f64) as usize;
            if !chosen.contains(&sku) {
                chosen.push(sku);
            }
        }
        for (l, sku) in chosen.iter().enumerate() {
            let qty = match rng.below(10) {
                0..=6 => 1,
                7 | 8 => 2,
                _ => 3,
            };
            let _ = write!(
                out,
                "{}{{\"id\": \"{}\", \"sku\": \"SKU-{sku:05}\", \"quantity\": {qty}}}",
                if l == 0 { "" } else { ", " },
                l + 1
            );
        }
        let _ = writeln!(out, "]}}{sep}");
    }
    let _ = write!(out, "],\n\"policy\": {{\"mode\": \"{}\", \"partial\": \"{}\"}}\n}}\n", config.mode, config.partial);
    out
}

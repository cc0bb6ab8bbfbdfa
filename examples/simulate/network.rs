//! The simulated world: cities, a network of DCs, stores and vendors, a catalogue, stock and
//! rules, all drawn from the seed.

use oms::core::testkit::fixtures;
use oms::core::{Address, ChannelKind, GeoPoint, NodeId};
use oms::inventory::{ChannelConfig, InventoryConfig, NodeConfig, NodeSelector};
use oms::routing::{Lane, Method, Network, Node, NodeKind, Router, RuleSet};
use rust_decimal::Decimal;

use crate::report::Kpis;
use crate::rng::Rng;
use crate::{Config, Sim};

const CITIES: [(&str, f64, f64); 24] = [
    ("New York", 40.71, -74.01),
    ("Los Angeles", 34.05, -118.24),
    ("Chicago", 41.88, -87.63),
    ("Houston", 29.76, -95.37),
    ("Phoenix", 33.45, -112.07),
    ("Philadelphia", 39.95, -75.17),
    ("San Antonio", 29.42, -98.49),
    ("San Diego", 32.72, -117.16),
    ("Dallas", 32.78, -96.80),
    ("Austin", 30.27, -97.74),
    ("Jacksonville", 30.33, -81.66),
    ("Columbus", 39.96, -83.00),
    ("Charlotte", 35.23, -80.84),
    ("Indianapolis", 39.77, -86.16),
    ("San Francisco", 37.77, -122.42),
    ("Seattle", 47.61, -122.33),
    ("Denver", 39.74, -104.99),
    ("Nashville", 36.16, -86.78),
    ("Boston", 42.36, -71.06),
    ("Detroit", 42.33, -83.05),
    ("Atlanta", 33.75, -84.39),
    ("Miami", 25.76, -80.19),
    ("Minneapolis", 44.98, -93.27),
    ("Portland", 45.52, -122.68),
];

pub struct Customer {
    pub city: usize,
    pub address: Address,
}

struct Site {
    node: Node,
    city: usize,
}

pub struct World {
    sites: Vec<Site>,
    lanes: Vec<Lane>,
    skus: Vec<String>,
    prices: Vec<Decimal>,
    /// Cumulative popularity, for drawing skus.
    popularity: Vec<f64>,
    stock: Vec<(usize, usize, u32)>,
    channels: Vec<(ChannelKind, &'static str, f64)>,
    stores_by_city: Vec<Vec<usize>>,
    dcs: Vec<usize>,
}

fn id(text: String) -> Result<NodeId, oms::core::IdError> {
    text.parse()
}

impl World {
    pub fn generate(config: &Config, rng: &mut Rng) -> Result<World, Box<dyn std::error::Error>> {
        let dcs = (config.nodes / 40).max(3);
        let vendors = (config.nodes / 40).max(2);
        let stores = config.nodes - dcs - vendors;
        let mut sites = Vec::with_capacity(config.nodes);
        let spot = |rng: &mut Rng, city: usize, spread: f64| {
            let (_, lat, lon) = CITIES[city % CITIES.len()];
            GeoPoint::new(lat + rng.range(-spread, spread), lon + rng.range(-spread, spread))
        };
        for i in 0..dcs {
            let city = (i * 7) % CITIES.len();
            let node = Node::new(id(format!("DC-{i:02}"))?, NodeKind::Warehouse, spot(rng, city, 0.2)?)
                .with_methods([Method::Ship, Method::Transfer])
                .with_costs(Decimal::new(600, 2), Decimal::new(45, 4), Decimal::new(40, 2));
            sites.push(Site { node, city });
        }
        for i in 0..stores {
            let city = i % CITIES.len();
            let node = Node::new(id(format!("ST-{i:04}"))?, NodeKind::Store, spot(rng, city, 0.15)?)
                .with_methods([Method::Ship, Method::Pickup, Method::Transfer])
                .with_costs(Decimal::new(450, 2), Decimal::new(30, 4), Decimal::new(110 + (i % 30) as i64, 2))
                .with_capacity_units(400);
            sites.push(Site { node, city });
        }
        for i in 0..vendors {
            let city = (i * 5 + 3) % CITIES.len();
            let node = Node::new(id(format!("VN-{i:02}"))?, NodeKind::Vendor, spot(rng, city, 0.3)?)
                .with_methods([Method::Ship])
                .with_costs(Decimal::new(900, 2), Decimal::ZERO, Decimal::ZERO);
            sites.push(Site { node, city });
        }
        let mut stores_by_city = vec![Vec::new(); CITIES.len()];
        for (i, site) in sites.iter().enumerate() {
            if site.node.kind() == NodeKind::Store {
                stores_by_city[site.city].push(i);
            }
        }
        let dc_indexes: Vec<usize> = (0..dcs).collect();
        // Lanes: every DC feeds every store; stores of a city trade with each other.
        let mut lanes = Vec::new();
        for &dc in &dc_indexes {
            for store in stores_by_city.iter().flatten() {
                let km = sites[dc].node.location().distance_km(&sites[*store].node.location());
                let cost = Decimal::new(250, 2) + Decimal::new((km * 10.0) as i64, 4);
                lanes.push(Lane { from: sites[dc].node.id().clone(), to: sites[*store].node.id().clone(), cost });
            }
        }
        for city in &stores_by_city {
            for &a in city {
                for &b in city {
                    if a != b {
                        lanes.push(Lane {
                            from: sites[a].node.id().clone(),
                            to: sites[b].node.id().clone(),
                            cost: Decimal::new(150, 2),
                        });
                    }
                }
            }
        }

        // Catalogue: popularity falls off with rank; stock follows expected demand.
        let skus: Vec<String> = (0..config.skus).map(|i| format!("SKU-{i:05}")).collect();
        let prices = (0..config.skus).map(|_| Decimal::new(499 + rng.below(9_500) as i64, 2)).collect();
        let weights: Vec<f64> = (0..config.skus).map(|rank| 1.0 / ((rank + 20) as f64).powf(0.9)).collect();
        let total: f64 = weights.iter().sum();
        let mut popularity = Vec::with_capacity(weights.len());
        let mut acc = 0.0;
        for w in &weights {
            acc += w / total;
            popularity.push(acc);
        }
        // Lines: 1 to 3 (B2B: 3 to 5); units: 1 or 2 (B2B: 2 to 11), with 10% B2B orders.
        let units_per_order = 5.3;
        let mut stock = Vec::new();
        for (sku, w) in weights.iter().enumerate() {
            let demand = config.orders as f64 * units_per_order * w / total;
            let holders: Vec<usize> = dc_indexes.iter().copied().filter(|_| rng.chance(0.8)).collect();
            for &dc in &holders {
                let share = demand * 1.1 / holders.len() as f64 * rng.range(0.7, 1.3);
                stock.push((dc, sku, share.ceil().max(2.0) as u32));
            }
            for (s, site) in sites.iter().enumerate() {
                match site.node.kind() {
                    NodeKind::Store if rng.chance(0.12) => stock.push((s, sku, 1 + rng.below(6) as u32)),
                    NodeKind::Vendor if sku % vendors == s % vendors && rng.chance(0.5) => stock.push((s, sku, 5_000)),
                    _ => {}
                }
            }
        }
        Ok(World {
            sites,
            lanes,
            skus,
            prices,
            popularity,
            stock,
            channels: config.channels.clone(),
            stores_by_city,
            dcs: dc_indexes,
        })
    }

    pub fn router(&self) -> Result<Router, oms::routing::Error> {
        let network = Network::new(self.sites.iter().map(|s| s.node.clone()).collect(), self.lanes.clone())?;
        let rules = RuleSet::from_json(
            r#"{"strategies": [
                {"name": "pickup", "when": {"method": "pickup"}, "partial": "backorder"},
                {"name": "marketplace", "when": {"channel": ["marketplace"]},
                 "filters": [{"exclude_kinds": ["store"]}], "partial": "backorder"},
                {"name": "b2b", "when": {"channel": ["b2b"]},
                 "filters": [{"exclude_kinds": ["store", "vendor"]}], "split": {"max_shipments": 2}, "partial": "backorder"},
                {"name": "default", "partial": "backorder"}
            ]}"#,
        )?;
        Ok(Router::new(network, rules))
    }

    pub fn inventory_config(&self) -> InventoryConfig {
        use NodeKind as K;
        let nodes = self.sites.iter().map(|s| NodeConfig::new(s.node.id().clone(), s.node.kind())).collect();
        let channel = |name: &str, kinds: &[K]| {
            ChannelConfig::new(
                name.parse().unwrap_or_else(|_| unreachable!("channel names are valid ids")),
                NodeSelector::kinds(kinds.iter().copied()),
            )
        };
        let channels = vec![
            channel("web", &[K::Warehouse, K::Store, K::Vendor]),
            channel("marketplace", &[K::Warehouse, K::Vendor]),
            channel("pos", &[K::Store, K::Warehouse]),
            channel("call_center", &[K::Warehouse, K::Store, K::Vendor]),
            channel("b2b", &[K::Warehouse]),
        ];
        InventoryConfig::new(nodes, channels)
    }

    pub fn receive_stock(&self, oms: &Sim, kpis: &mut Kpis) -> Result<(), Box<dyn std::error::Error>> {
        for (i, &(site, sku, quantity)) in self.stock.iter().enumerate() {
            let receive = oms::inventory::Command::Receive {
                sku: self.skus[sku].parse()?,
                node: self.sites[site].node.id().clone(),
                quantity,
                supply: None,
            };
            oms.stock_command(&format!("receive-{i}").parse()?, &receive)?;
            kpis.units_received += u64::from(quantity);
        }
        Ok(())
    }

    pub fn pick_channel(&self, rng: &mut Rng) -> (ChannelKind, &'static str) {
        let total: f64 = self.channels.iter().map(|c| c.2).sum();
        let mut x = rng.unit() * total;
        for &(kind, name, share) in &self.channels {
            if x < share {
                return (kind, name);
            }
            x -= share;
        }
        (ChannelKind::Web, "web")
    }

    pub fn customer(&self, rng: &mut Rng) -> Customer {
        let city = rng.below(CITIES.len());
        let (name, lat, lon) = CITIES[city];
        let mut address = fixtures::address();
        address.city = name.into();
        address.geo = GeoPoint::new(lat + rng.range(-0.25, 0.25), lon + rng.range(-0.25, 0.25)).ok();
        Customer { city, address }
    }

    pub fn pickup_store(&self, rng: &mut Rng, customer: &Customer) -> NodeId {
        let stores = &self.stores_by_city[customer.city];
        let site = if stores.is_empty() { self.dcs[0] } else { stores[rng.below(stores.len())] };
        self.sites[site].node.id().clone()
    }

    pub fn popular_sku(&self, rng: &mut Rng) -> usize {
        let x = rng.unit();
        self.popularity.partition_point(|&p| p < x).min(self.skus.len() - 1)
    }

    pub fn sku_id(&self, sku: usize) -> String {
        self.skus[sku].clone()
    }

    pub fn price(&self, sku: usize) -> Decimal {
        self.prices[sku]
    }

    pub fn kind_of(&self, node: &NodeId) -> &'static str {
        match self.sites.iter().find(|s| s.node.id() == node).map(|s| s.node.kind()) {
            Some(NodeKind::Store) => "store",
            Some(NodeKind::Vendor) => "vendor (drop-ship)",
            _ => "warehouse",
        }
    }

    pub fn returns_node(&self) -> NodeId {
        self.sites[self.dcs[0]].node.id().clone()
    }
}

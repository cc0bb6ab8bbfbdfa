//! The compiled configuration: dense indices for nodes and channels, node classes, and the
//! channel arithmetic (pools, protection, placement ranks).
//!
//! Nodes that belong to exactly the same channels form a *class*. Channel figures only depend
//! on the free stock per class, so the engine keeps one running sum per (sku, class) and derives
//! every channel's figure from those few sums: a change at one node touches one sum.

use oms_core::{ChannelId, NodeId};

use crate::aggregate::Sums;
use crate::{ChannelConfig, ConfigError, DisplayRules, InventoryConfig, NodeConfig, Protection};

/// Most channels one inventory supports (channel membership is a 64-bit mask).
pub const MAX_CHANNELS: usize = 64;

/// Up to this many channels, ids are found by scanning rather than hashing.
const SCAN_LIMIT: usize = 8;

pub(crate) type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Stock protected for channel `channel` that this channel must leave alone, where the pools share
/// `shared` classes.
#[derive(Debug, Clone)]
pub(crate) struct Guard {
    pub channel: usize,
    pub shared: Vec<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct ChannelPlan {
    /// The channel's display rules and safety stock, copied here for the hot path.
    pub display: DisplayRules,
    pub safety: i64,
    /// Classes of the nodes in the pool.
    pub classes: Vec<usize>,
    /// Protected channels (other than this one) whose pools overlap this one.
    pub guards: Vec<Guard>,
    /// Per class: the static part of the placement order (protected channels sharing it, then
    /// channels sharing it; lower is used first), `None` outside the pool.
    pub rank: Vec<Option<(u32, u32)>>,
    /// Per class: the other channels that sell from it.
    pub others: Vec<u64>,
    /// Per class: bit `g` set when the class is shared with guard `g`.
    pub guard_bits: Vec<u64>,
    /// Per class: whether the channel's figure reads it (own pool and guards' pools).
    pub reads: Vec<bool>,
}

#[derive(Debug, Clone)]
pub(crate) struct Network {
    pub config: InventoryConfig,
    pub node_ix: Map<NodeId, usize>,
    pub channel_ix: Map<ChannelId, usize>,
    /// Node → class.
    pub node_class: Vec<usize>,
    /// Class → channel membership mask.
    pub class_mask: Vec<u64>,
    pub plans: Vec<ChannelPlan>,
    /// Class → channels whose figure reads it.
    pub affects: Vec<u64>,
}

impl Network {
    pub fn new(config: InventoryConfig) -> Result<Network, ConfigError> {
        if config.channels.len() > MAX_CHANNELS {
            return Err(ConfigError::TooManyChannels { count: config.channels.len(), max: MAX_CHANNELS });
        }
        let mut node_ix = Map::default();
        for (i, node) in config.nodes.iter().enumerate() {
            if node_ix.insert(node.id.clone(), i).is_some() {
                return Err(ConfigError::DuplicateNode { node: node.id.clone() });
            }
        }
        let mut channel_ix = Map::default();
        for (i, channel) in config.channels.iter().enumerate() {
            if channel_ix.insert(channel.id.clone(), i).is_some() {
                return Err(ConfigError::DuplicateChannel { channel: channel.id.clone() });
            }
            for node in channel.nodes.nodes.iter().chain(&channel.nodes.except) {
                if !node_ix.contains_key(node) {
                    return Err(ConfigError::UnknownNodeInSelector { channel: channel.id.clone(), node: node.clone() });
                }
            }
        }
        let masks: Vec<u64> = config.nodes.iter().map(|n| membership(n, &config.channels)).collect();
        let mut class_mask: Vec<u64> = Vec::new();
        let node_class = masks
            .iter()
            .map(|&mask| match class_mask.iter().position(|&m| m == mask) {
                Some(k) => k,
                None => {
                    class_mask.push(mask);
                    class_mask.len() - 1
                }
            })
            .collect();
        let plans: Vec<ChannelPlan> =
            (0..config.channels.len()).map(|c| plan(c, &config.channels, &class_mask)).collect();
        let affects = (0..class_mask.len())
            .map(|k| {
                plans.iter().enumerate().filter(|(_, p)| p.reads.get(k) == Some(&true)).fold(0, |m, (c, _)| m | 1 << c)
            })
            .collect();
        Ok(Network { config, node_ix, channel_ix, node_class, class_mask, plans, affects })
    }

    /// The channel's index. Channels are few, and comparing a short id with each of up to
    /// [`SCAN_LIMIT`] ids (length and last byte first: ids often share a prefix) costs less
    /// than hashing it.
    pub fn channel_index(&self, id: &ChannelId) -> Option<usize> {
        let channels = &self.config.channels;
        if channels.len() <= SCAN_LIMIT {
            let (id, last) = (id.as_str(), id.as_str().as_bytes().last());
            channels.iter().position(|c| {
                let c = c.id.as_str();
                c.len() == id.len() && c.as_bytes().last() == last && c == id
            })
        } else {
            self.channel_ix.get(id).copied()
        }
    }

    pub fn classes(&self) -> usize {
        self.class_mask.len()
    }

    pub fn channels(&self) -> usize {
        self.config.channels.len()
    }

    pub fn node_id(&self, node: usize) -> Option<&NodeId> {
        self.config.nodes.get(node).map(|n| &n.id)
    }

    pub fn channel(&self, channel: usize) -> Option<&ChannelConfig> {
        self.config.channels.get(channel)
    }

    pub fn class_of(&self, node: usize) -> usize {
        self.node_class.get(node).copied().unwrap_or(0)
    }

    /// True when `channel` may sell from `node`.
    pub fn in_pool(&self, channel: usize, node: usize) -> bool {
        self.class_mask.get(self.class_of(node)).is_some_and(|m| m >> channel & 1 == 1)
    }

    fn supply_of(&self, channel: usize, supply: Sums<'_>) -> i64 {
        self.plans.get(channel).map_or(0, |p| sum(&p.classes, supply))
    }

    fn protected(&self, channel: usize, supply: Sums<'_>) -> i64 {
        let own = self.supply_of(channel, supply);
        match self.channel(channel).and_then(|c| c.protection) {
            None => 0,
            Some(Protection::Units(n)) => own.min(i64::from(n)),
            Some(Protection::Share(share)) => share.of(own.max(0) as u64) as i64,
        }
    }

    /// Units protected for guard `g` of `channel` that `channel` must leave in the shared nodes.
    pub fn guarded(&self, guard: &Guard, supply: Sums<'_>) -> i64 {
        self.protected(guard.channel, supply).min(sum(&guard.shared, supply)).max(0)
    }

    /// The channel's available to promise, from the per-class free stock of one sku:
    /// its pool's free stock, less its safety stock, less what protected channels keep in the
    /// nodes it shares with them.
    pub fn channel_atp(&self, channel: usize, supply: Sums<'_>) -> i64 {
        let Some(plan) = self.plans.get(channel) else { return 0 };
        let guarded: i64 = plan.guards.iter().map(|g| self.guarded(g, supply)).sum();
        sum(&plan.classes, supply) - plan.safety - guarded
    }

    /// The channel's available to promise (see [`Network::channel_atp`]) and whether a node of
    /// its pool takes backorders, in one pass over its classes.
    pub fn figure(&self, plan: &ChannelPlan, sums: Sums<'_>) -> (i64, bool) {
        let (mut free, mut backorders) = (0i64, 0u64);
        for &k in &plan.classes {
            let (f, b) = sums.cell(k);
            free += f;
            backorders |= b;
        }
        let guarded: i64 = plan.guards.iter().map(|g| self.guarded(g, sums)).sum();
        (free - plan.safety - guarded, backorders != 0)
    }
}

fn sum(classes: &[usize], supply: Sums<'_>) -> i64 {
    classes.iter().map(|&k| supply.free(k)).sum()
}

fn membership(node: &NodeConfig, channels: &[ChannelConfig]) -> u64 {
    channels.iter().enumerate().filter(|(_, c)| c.nodes.matches(node)).fold(0, |mask, (i, _)| mask | 1 << i)
}

fn plan(c: usize, channels: &[ChannelConfig], class_mask: &[u64]) -> ChannelPlan {
    let bit = |k: usize, ch: usize| class_mask.get(k).is_some_and(|m| m >> ch & 1 == 1);
    let classes: Vec<usize> = (0..class_mask.len()).filter(|&k| bit(k, c)).collect();
    let guards: Vec<Guard> = channels
        .iter()
        .enumerate()
        .filter(|&(p, config)| p != c && config.protection.is_some())
        .filter_map(|(p, _)| {
            let shared: Vec<usize> = classes.iter().copied().filter(|&k| bit(k, p)).collect();
            (!shared.is_empty()).then_some(Guard { channel: p, shared })
        })
        .collect();
    let guard_bits: Vec<u64> = (0..class_mask.len())
        .map(|k| guards.iter().enumerate().filter(|(_, g)| g.shared.contains(&k)).fold(0, |m, (i, _)| m | 1 << i))
        .collect();
    // Use the nodes other channels need least first: fewest protected channels, then fewest
    // channels overall (the engine breaks ties by the others' current availability).
    let rank = (0..class_mask.len())
        .map(|k| {
            let mask = class_mask.get(k).copied().unwrap_or(0);
            bit(k, c).then(|| (guard_bits.get(k).map_or(0, |b| b.count_ones()), mask.count_ones()))
        })
        .collect();
    let others = class_mask.iter().map(|m| m & !(1u64 << c)).collect();
    let reads = (0..class_mask.len()).map(|k| bit(k, c) || guards.iter().any(|g| bit(k, g.channel))).collect();
    let (display, safety) =
        channels.get(c).map_or((DisplayRules::default(), 0), |ch| (ch.display, i64::from(ch.safety_stock)));
    ChannelPlan { display, safety, classes, guards, rank, others, guard_bits, reads }
}

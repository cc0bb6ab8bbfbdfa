//! Availability by date: today's figure plus inbound supply, each kind counted at its share.

use chrono::{DateTime, Duration, Utc};
use oms_core::{ChannelId, Sku};
use serde::{Deserialize, Serialize};

use crate::{Error, Inventory, Result};

/// A channel's available to promise from an instant on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DatedAvailability {
    /// From when.
    pub from: DateTime<Utc>,
    /// Units available to promise from then on (today's figure plus counted supply).
    pub atp: i64,
}

impl Inventory {
    /// The channel's available to promise over time: a step for `now`, then one per instant at
    /// which supply is expected at a node of the channel's pool, within the configured horizon.
    /// Each supply counts at its kind's share ([`SupplyRules`](crate::SupplyRules)), rounded
    /// down; supply already overdue counts from `now`. Future supply is a promise-date aid: it
    /// is not reservable until received.
    ///
    /// # Errors
    /// [`Error::UnknownSku`], [`Error::UnknownChannel`].
    pub fn availability_by_date(
        &self,
        sku: &Sku,
        channel: &ChannelId,
        now: DateTime<Utc>,
    ) -> Result<Vec<DatedAvailability>> {
        let today = self.availability(sku, channel)?.atp;
        let c = self.net.channel_index(channel).unwrap_or(0);
        let s = self.sku_of(sku).ok_or_else(|| Error::UnknownSku { sku: sku.clone(), key: None })?;
        let rules = self.net.config.supply;
        let horizon = now.checked_add_signed(Duration::days(i64::from(rules.horizon_days))).unwrap_or(now);
        let mut arrivals: Vec<(DateTime<Utc>, i64)> = Vec::new();
        for &(node, slot) in self.nodes_of(s) {
            if !self.net.in_pool(c, node as usize) {
                continue;
            }
            for line in self.inbound.get(&slot).map_or(&[][..], Vec::as_slice) {
                if line.expected_at > horizon {
                    continue;
                }
                let counted = rules.share(line.kind).of(u64::from(line.quantity)) as i64;
                arrivals.push((line.expected_at.max(now), counted));
            }
        }
        arrivals.sort();
        let mut steps = vec![DatedAvailability { from: now, atp: today }];
        let mut atp = today;
        for (from, units) in arrivals {
            atp += units;
            match steps.last_mut() {
                Some(last) if last.from == from => last.atp = atp,
                _ => steps.push(DatedAvailability { from, atp }),
            }
        }
        Ok(steps)
    }

    /// The channel's available to promise on `date` (see [`Inventory::availability_by_date`]).
    ///
    /// # Errors
    /// [`Error::UnknownSku`], [`Error::UnknownChannel`].
    pub fn availability_on(
        &self,
        sku: &Sku,
        channel: &ChannelId,
        date: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let steps = self.availability_by_date(sku, channel, now)?;
        Ok(steps.iter().take_while(|s| s.from <= date).last().map_or(0, |s| s.atp))
    }
}

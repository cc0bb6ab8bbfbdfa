//! Running channel figures: per (sku, node class) sums of free stock and backorder-allowing
//! positions, and per (sku, channel) the last computed availability.

use crate::network::Network;
use crate::{ChannelAvailability, Shown};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Figure {
    atp: i64,
    shown: Shown,
    backorderable: bool,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Aggregates {
    classes: usize,
    channels: usize,
    /// [sku * classes + class]: sum of `Position::free` over the class's positions.
    supply: Vec<i64>,
    /// [sku * classes + class]: positions allowing backorders.
    backorder: Vec<u32>,
    /// [sku * channels + channel].
    figures: Vec<Figure>,
}

impl Aggregates {
    pub fn new(classes: usize, channels: usize) -> Aggregates {
        Aggregates { classes, channels, ..Aggregates::default() }
    }

    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.supply.capacity() * size_of::<i64>()
            + self.backorder.capacity() * size_of::<u32>()
            + self.figures.capacity() * size_of::<Figure>()
            + 3 * 16
    }

    pub fn add_sku(&mut self, net: &Network) {
        self.supply.extend(std::iter::repeat_n(0, self.classes));
        self.backorder.extend(std::iter::repeat_n(0, self.classes));
        let zero = vec![0i64; self.classes];
        for c in 0..self.channels {
            let atp = net.channel_atp(c, &zero);
            let rules = net.channel(c).map(|ch| ch.display).unwrap_or_default();
            self.figures.push(Figure { atp, shown: Shown::of(atp, false, &rules), backorderable: false });
        }
    }

    pub fn add(&mut self, sku: u32, class: usize, free_delta: i64, backorder_delta: i32) {
        let i = sku as usize * self.classes + class;
        if let Some(s) = self.supply.get_mut(i) {
            *s += free_delta;
        }
        if let Some(b) = self.backorder.get_mut(i) {
            *b = b.saturating_add_signed(backorder_delta);
        }
    }

    pub fn supply(&self, sku: u32) -> &[i64] {
        let start = sku as usize * self.classes;
        self.supply.get(start..start + self.classes).unwrap_or(&[])
    }

    /// The channel's last computed available to promise.
    pub fn atp(&self, sku: u32, channel: usize) -> i64 {
        self.figures.get(sku as usize * self.channels + channel).map_or(0, |f| f.atp)
    }

    pub fn availability(&self, sku: u32, channel: usize) -> ChannelAvailability {
        let figure = self.figures.get(sku as usize * self.channels + channel).copied();
        let figure = figure.unwrap_or(Figure { atp: 0, shown: Shown::NOTHING, backorderable: false });
        ChannelAvailability { atp: figure.atp, backorderable: figure.backorderable, shown: figure.shown }
    }

    /// Recomputes the sku's figure for the `channels` (a mask); calls `changed(channel, before, after)`
    /// for each channel whose shown figure changed.
    pub fn refresh(&mut self, sku: u32, channels: u64, net: &Network, mut changed: impl FnMut(usize, Shown, Shown)) {
        let start = sku as usize * self.classes;
        let Some(supply) = self.supply.get(start..start + self.classes) else { return };
        let backorder = self.backorder.get(start..start + self.classes).unwrap_or(&[]);
        let figures = self.figures.get_mut(sku as usize * self.channels..).unwrap_or_default();
        for ((c, plan), figure) in net.plans.iter().enumerate().zip(figures) {
            if channels >> c & 1 == 0 {
                continue;
            }
            let atp = net.channel_atp(c, supply);
            let backorderable = net.backorderable(c, backorder);
            let shown = Shown::of(atp, backorderable, &plan.display);
            {
                let before = figure.shown;
                *figure = Figure { atp, shown, backorderable };
                if before != shown {
                    changed(c, before, shown);
                }
            }
        }
    }
}

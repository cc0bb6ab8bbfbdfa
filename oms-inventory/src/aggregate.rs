//! Running channel figures: per (sku, node class) the sum of free stock and the count of
//! backorder-allowing positions, and per (sku, channel) the last computed availability.
//!
//! Both live in one vector of 16-byte cells, a sku's sums then its figures side by side, so a
//! change at a position reads and writes one sku's cells: a cache line or two, not one line in
//! each of three arrays (what a movement at a random position waits for).

use crate::network::Network;
use crate::{ChannelAvailability, Shown, StockStatus};

/// A class sum (`value`: free stock, `extra`: positions allowing backorders) or a channel
/// figure (`value`: available to promise, `extra`: the shown quantity in the low 32 bits, the
/// status in the next 8, the backorderable flag above them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Cell {
    value: i64,
    extra: u64,
}

fn status_code(status: StockStatus) -> u64 {
    match status {
        StockStatus::InStock => 0,
        StockStatus::LowStock => 1,
        StockStatus::OutOfStock => 2,
        StockStatus::Backorder => 3,
    }
}

fn status_of(code: u64) -> StockStatus {
    match code {
        0 => StockStatus::InStock,
        1 => StockStatus::LowStock,
        3 => StockStatus::Backorder,
        _ => StockStatus::OutOfStock,
    }
}

impl Cell {
    fn figure(atp: i64, shown: Shown, backorderable: bool) -> Cell {
        let extra = u64::from(shown.quantity) | status_code(shown.status) << 32 | u64::from(backorderable) << 40;
        Cell { value: atp, extra }
    }

    fn shown(self) -> Shown {
        Shown { quantity: self.extra as u32, status: status_of(self.extra >> 32 & 0xff) }
    }

    fn backorderable(self) -> bool {
        self.extra >> 40 & 1 == 1
    }
}

/// One sku's class sums, as the channel formulas read them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sums<'a>(&'a [Cell]);

impl Sums<'_> {
    /// Free stock of the class's positions.
    pub fn free(&self, class: usize) -> i64 {
        self.0.get(class).map_or(0, |c| c.value)
    }

    /// Free stock and positions allowing backorders of the class.
    pub fn cell(&self, class: usize) -> (i64, u64) {
        self.0.get(class).map_or((0, 0), |c| (c.value, c.extra))
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Aggregates {
    classes: usize,
    channels: usize,
    /// [sku * (classes + channels) ..]: the sku's class sums, then its channel figures.
    cells: Vec<Cell>,
}

impl Aggregates {
    pub fn new(classes: usize, channels: usize) -> Aggregates {
        Aggregates { classes, channels, cells: Vec::new() }
    }

    fn stride(&self) -> usize {
        self.classes + self.channels
    }

    pub fn heap_bytes(&self) -> usize {
        self.cells.capacity() * std::mem::size_of::<Cell>() + 16
    }

    pub fn add_sku(&mut self, net: &Network) {
        let zero = [Cell::default()];
        let none = Sums(&zero[..0]);
        self.cells.extend(std::iter::repeat_n(Cell::default(), self.classes));
        for c in 0..self.channels {
            let atp = net.channel_atp(c, none);
            let rules = net.channel(c).map(|ch| ch.display).unwrap_or_default();
            self.cells.push(Cell::figure(atp, Shown::of(atp, false, &rules), false));
        }
    }

    pub fn add(&mut self, sku: u32, class: usize, free_delta: i64, backorder_delta: i32) {
        let i = sku as usize * self.stride() + class;
        if let Some(cell) = self.cells.get_mut(i) {
            cell.value += free_delta;
            cell.extra = cell.extra.saturating_add_signed(i64::from(backorder_delta));
        }
    }

    /// Reads one cell per cache line of the sku's cells, to bring them into cache (see
    /// `Inventory::resolve`).
    pub fn touch(&self, sku: u32) -> i64 {
        let start = sku as usize * self.stride();
        let cells = self.cells.get(start..start + self.stride()).unwrap_or(&[]);
        // Four 16-byte cells to a line; the last cell covers a block that ends mid-line.
        cells.iter().step_by(4).chain(cells.last()).fold(0, |t, c| t ^ c.value)
    }

    pub fn sums(&self, sku: u32) -> Sums<'_> {
        let start = sku as usize * self.stride();
        Sums(self.cells.get(start..start + self.classes).unwrap_or(&[]))
    }

    fn figure(&self, sku: u32, channel: usize) -> Option<Cell> {
        self.cells.get(sku as usize * self.stride() + self.classes + channel).copied()
    }

    /// The channel's last computed available to promise.
    pub fn atp(&self, sku: u32, channel: usize) -> i64 {
        self.figure(sku, channel).map_or(0, |f| f.value)
    }

    pub fn availability(&self, sku: u32, channel: usize) -> ChannelAvailability {
        match self.figure(sku, channel) {
            Some(f) => ChannelAvailability { atp: f.value, backorderable: f.backorderable(), shown: f.shown() },
            None => ChannelAvailability { atp: 0, backorderable: false, shown: Shown::NOTHING },
        }
    }

    /// Recomputes the sku's figure for the `channels` (a mask); calls `changed(channel, before, after)`
    /// for each channel whose shown figure changed.
    pub fn refresh(&mut self, sku: u32, channels: u64, net: &Network, mut changed: impl FnMut(usize, Shown, Shown)) {
        let start = sku as usize * self.stride();
        let Some(cells) = self.cells.get_mut(start..start + self.classes + self.channels) else { return };
        let (sums, figures) = cells.split_at_mut(self.classes);
        let sums = Sums(sums);
        let mut left = channels;
        while left != 0 {
            let c = left.trailing_zeros() as usize;
            left &= left - 1;
            let (Some(figure), Some(plan)) = (figures.get_mut(c), net.plans.get(c)) else { continue };
            let (atp, backorderable) = net.figure(plan, sums);
            let shown = Shown::of(atp, backorderable, &plan.display);
            let before = figure.shown();
            *figure = Cell::figure(atp, shown, backorderable);
            if before != shown {
                changed(c, before, shown);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_cell_keeps_what_it_was_given() {
        let statuses = [StockStatus::InStock, StockStatus::LowStock, StockStatus::OutOfStock, StockStatus::Backorder];
        for status in statuses {
            for (quantity, backorderable) in [(0, false), (7, true), (u32::MAX, false)] {
                let shown = Shown { quantity, status };
                let cell = Cell::figure(-3, shown, backorderable);
                assert_eq!((cell.value, cell.shown(), cell.backorderable()), (-3, shown, backorderable));
            }
        }
    }
}

//! A returnable order checked once and priced once, for every decision that reads it.

use oms_core::{LineId, Money, MoneyError};

use crate::paid::{Paid, SlotPrices};
use crate::{ReturnError, ReturnableLine, ReturnableOrder, Units};

/// A [`ReturnableOrder`] that passed [`ReturnableOrder::validate`], with what each unit slot of
/// each line paid worked out (on integers, once per line).
///
/// Every decision reads one: [`OrderReturns::decide`], [`OrderReturns::quote`],
/// [`OrderReturns::eligibility`] and the [`ReturnService`]. Build it with
/// [`ReturnableOrder::prepare`] when the order changes (a delivery, a cancellation, a
/// modification) and keep it between calls: a refund then does no validation and no per-line
/// price split of its own. The order inside cannot change (read it with
/// [`PreparedOrder::order`]; take it back with [`PreparedOrder::into_order`] to change it and
/// prepare it again), so what was checked stays true.
///
/// ```
/// use oms_core::{capture, testkit::fixtures};
/// use oms_returns::{ReturnError, ReturnableOrder};
/// let captured = capture(&fixtures::draft("O-1", "E-1", "C-1", &[("1", "TEE", 2)]))?;
/// let order = ReturnableOrder::all_delivered(&captured, fixtures::t0()).prepare()?;
/// assert_eq!(order.order().lines[0].delivered(), 2);
///
/// // An order that breaks the contract is refused here, naming the line and the problem.
/// let mut broken = order.into_order();
/// broken.lines[0].deliveries[0].quantity = 3;
/// let err = broken.prepare().unwrap_err();
/// assert!(matches!(err, ReturnError::InvalidOrder { .. }));
/// assert_eq!(err.to_string(), "order O-1 line 1: 3 units delivered but 2 paid for");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`OrderReturns::decide`]: crate::OrderReturns::decide
/// [`OrderReturns::quote`]: crate::OrderReturns::quote
/// [`OrderReturns::eligibility`]: crate::OrderReturns::eligibility
/// [`ReturnService`]: crate::ReturnService
#[derive(Debug, Clone)]
pub struct PreparedOrder {
    order: ReturnableOrder,
    /// One per order line, in the same order.
    lines: Vec<PreparedLine>,
    /// Captured less refunded outside, in minor units.
    refundable: i128,
}

/// What a decision needs of a line beyond its data.
#[derive(Debug, Clone)]
pub(crate) struct PreparedLine {
    prices: SlotPrices,
    /// Slots `0 .. returnable_end` may be taken by returns; the rest were refunded outside.
    returnable_end: u32,
}

impl ReturnableOrder {
    /// Checks the order against its contract and prices its unit slots, once, for the
    /// decisions that follow (see [`PreparedOrder`]).
    ///
    /// # Errors
    /// [`ReturnError::InvalidOrder`] naming the order, the line and the problem.
    pub fn prepare(self) -> Result<PreparedOrder, ReturnError> {
        self.validate()?;
        // Validation checked currencies and minor units, so pricing cannot fail; if it did, the
        // error would still name the order.
        let money = |source| ReturnError::Money { order: self.order_id.clone(), source };
        let mut lines = Vec::with_capacity(self.lines.len());
        for line in &self.lines {
            let prices = SlotPrices::new(line).map_err(money)?;
            lines.push(PreparedLine { prices, returnable_end: line.quantity().saturating_sub(line.refunded_outside) });
        }
        let minor = |m: &Money| crate::paid::to_minor(m).map_err(money);
        let refundable = minor(&self.captured)? - minor(&self.refunded_amount_outside)?;
        Ok(PreparedOrder { order: self, lines, refundable })
    }
}

impl PreparedOrder {
    /// The order as given.
    pub fn order(&self) -> &ReturnableOrder {
        &self.order
    }

    /// The order back, to change it (and prepare it again).
    pub fn into_order(self) -> ReturnableOrder {
        self.order
    }

    /// Captured less refunded outside this crate, in minor units.
    pub(crate) fn refundable(&self) -> i128 {
        self.refundable
    }

    /// A line and its prices by id.
    pub(crate) fn line(&self, id: &LineId) -> Option<(&ReturnableLine, &PreparedLine)> {
        self.order.lines.iter().zip(&self.lines).find(|(l, _)| &l.line_id == id)
    }

    /// A line by id, looking at position `guess` first: returns usually list lines in the
    /// order's own order.
    pub(crate) fn line_near(&self, guess: usize, id: &LineId) -> Option<(&ReturnableLine, &PreparedLine)> {
        match (self.order.lines.get(guess), self.lines.get(guess)) {
            (Some(line), Some(prepared)) if &line.line_id == id => Some((line, prepared)),
            _ => self.line(id),
        }
    }

    /// Every line with its prices, in the order's line order.
    pub(crate) fn lines(&self) -> impl Iterator<Item = (&ReturnableLine, &PreparedLine)> {
        self.order.lines.iter().zip(&self.lines)
    }
}

impl PartialEq for PreparedOrder {
    /// The prices follow from the order, so comparing the orders is enough.
    fn eq(&self, other: &PreparedOrder) -> bool {
        self.order == other.order
    }
}

impl AsRef<ReturnableOrder> for PreparedOrder {
    fn as_ref(&self) -> &ReturnableOrder {
        &self.order
    }
}

impl TryFrom<ReturnableOrder> for PreparedOrder {
    type Error = ReturnError;

    fn try_from(order: ReturnableOrder) -> Result<PreparedOrder, ReturnError> {
        order.prepare()
    }
}

impl PreparedLine {
    /// What the slots paid.
    ///
    /// # Errors
    /// [`MoneyError::InvalidWeights`] when a slot lies past the line's units.
    pub(crate) fn paid(&self, units: &Units) -> Result<Paid, MoneyError> {
        self.prices.of(units)
    }

    /// The end of the slots returns may take: all but the last `refunded_outside`.
    pub(crate) fn returnable_end(&self) -> u32 {
        self.returnable_end
    }

    /// Slots returns may take.
    pub(crate) fn returnable_slots(&self) -> Units {
        Units::range(0, self.returnable_end)
    }
}

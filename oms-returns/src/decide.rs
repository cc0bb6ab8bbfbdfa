//! The rules: commands on an order's returns become events, or are refused.

use chrono::{DateTime, Duration, Utc};
use oms_core::LineId;

use crate::disposition::movements;
use crate::eligibility::line_eligibility;
use crate::exchange::replacement_demand;
use crate::refund::settle;
use crate::{
    Eligibility, ExchangeRequest, Inspection, OrderReturns, PreparedOrder, ReceivedUnits, Refusal, RequestedLine,
    ReturnCommand, ReturnError, ReturnEvent, ReturnLineRequest, ReturnMethod, ReturnPolicy, ReturnReason, Rma,
    RmaEventKind, RmaId, RmaStatus, Settlement, UnexpectedItem,
};

impl OrderReturns {
    /// Decides what a command does: the events to record, or why it is refused.
    ///
    /// Pure: reads the returns, the order as delivered (checked and priced once, see
    /// [`PreparedOrder`]) and the policy; changes nothing. `now` is when the command happens
    /// (return windows and expiry deadlines are measured from it).
    ///
    /// # Errors
    /// [`ReturnError`] naming the order, the RMA, the line and the rule that refused it.
    pub fn decide(
        &self,
        command: &ReturnCommand,
        order: &PreparedOrder,
        policy: &ReturnPolicy,
        now: DateTime<Utc>,
    ) -> Result<Vec<ReturnEvent>, ReturnError> {
        self.check_order(order)?;
        match command {
            ReturnCommand::Request { rma, method, lines, exchange } => {
                self.request(order, policy, now, rma, method, lines, exchange.as_ref())
            }
            ReturnCommand::Approve { rma } => {
                let rma = self.step(rma, RmaEventKind::Approved)?;
                Ok(vec![approval(order, policy, now, rma)?])
            }
            ReturnCommand::Reject { rma, reason } => {
                self.step(rma, RmaEventKind::Rejected)?;
                Ok(vec![ReturnEvent::Rejected { rma: rma.clone(), reason: reason.clone() }])
            }
            ReturnCommand::Cancel { rma, reason } => {
                self.step(rma, RmaEventKind::Cancelled)?;
                Ok(vec![ReturnEvent::Cancelled { rma: rma.clone(), reason: reason.clone() }])
            }
            ReturnCommand::Ship { rma, tracking } => {
                self.step(rma, RmaEventKind::Shipped)?;
                Ok(vec![ReturnEvent::Shipped { rma: rma.clone(), tracking: tracking.clone() }])
            }
            ReturnCommand::Receive { rma, node, items, unexpected } => {
                let rma = self.step(rma, RmaEventKind::Received)?;
                if let Some(earlier) = rma.received_at().filter(|earlier| *earlier != node) {
                    return Err(ReturnError::ReceivedElsewhere {
                        order: self.order().clone(),
                        rma: rma.id().clone(),
                        node: node.clone(),
                        earlier: earlier.clone(),
                    });
                }
                let (items, unexpected) = self.sort_receipt(order, rma, items, unexpected)?;
                Ok(vec![ReturnEvent::Received { rma: rma.id().clone(), node: node.clone(), items, unexpected }])
            }
            ReturnCommand::Inspect { rma, inspections } => {
                let rma = self.step(rma, RmaEventKind::Inspected)?;
                self.check_inspections(order, rma, inspections)?;
                let node = rma.received_at().ok_or_else(|| self.invalid(rma.id(), None, "nothing was received"))?;
                let movements = movements(node, rma.lines().iter().map(|l| (l.line(), l.sku())), inspections);
                Ok(vec![ReturnEvent::Inspected { rma: rma.id().clone(), inspections: inspections.clone(), movements }])
            }
            ReturnCommand::Refund { rma } => {
                let (settlement, replacement) = self.quote_with_release(rma, order, policy)?;
                Ok(vec![ReturnEvent::Refunded { rma: rma.clone(), settlement: Box::new(settlement), replacement }])
            }
            ReturnCommand::Close { rma } => {
                self.step(rma, RmaEventKind::Closed)?;
                Ok(vec![ReturnEvent::Closed { rma: rma.clone() }])
            }
        }
    }

    /// Expires the RMAs that were approved but received nothing by their deadline (`now` is
    /// past [`Rma::expires_at`]). For an advance exchange the event carries the charge for the
    /// replacement the customer keeps.
    pub fn expire(&self, now: DateTime<Utc>) -> Vec<ReturnEvent> {
        self.rmas()
            .iter()
            .filter(|r| r.status().after(RmaEventKind::Expired).is_some())
            .filter(|r| r.expires_at().is_some_and(|at| at < now))
            .map(|r| ReturnEvent::Expired {
                rma: r.id().clone(),
                charge: r.replacement().filter(|d| d.advance).map(|d| d.value),
            })
            .collect()
    }

    /// What may be returned of each line now, for `reason`.
    ///
    /// # Errors
    /// [`ReturnError::WrongOrder`] for another order's returns.
    pub fn eligibility(
        &self,
        order: &PreparedOrder,
        policy: &ReturnPolicy,
        reason: ReturnReason,
        now: DateTime<Utc>,
    ) -> Result<Eligibility, ReturnError> {
        self.check_order(order)?;
        let delivered = order.order();
        let lines = delivered
            .lines
            .iter()
            .map(|line| line_eligibility(delivered, line, self.in_returns(&line.line_id), policy, reason, now))
            .collect();
        Ok(Eligibility { order: delivered.order_id.clone(), reason, lines })
    }

    /// What refunding an inspected RMA would settle, without recording anything.
    ///
    /// # Errors
    /// As for [`ReturnCommand::Refund`]: an unknown RMA, one not inspected, one already
    /// refunded, a refund beyond what was captured.
    pub fn quote(&self, rma: &RmaId, order: &PreparedOrder, policy: &ReturnPolicy) -> Result<Settlement, ReturnError> {
        self.check_order(order)?;
        self.quote_with_release(rma, order, policy).map(|(settlement, _)| settlement)
    }

    fn quote_with_release(
        &self,
        rma: &RmaId,
        order: &PreparedOrder,
        policy: &ReturnPolicy,
    ) -> Result<(Settlement, Option<crate::ReplacementDemand>), ReturnError> {
        let found = self.find(rma)?;
        if matches!(found.status(), RmaStatus::Refunded | RmaStatus::Closed) {
            return Err(ReturnError::AlreadyRefunded { order: self.order().clone(), rma: rma.clone() });
        }
        let found = self.step(rma, RmaEventKind::Refunded)?;
        settle(self, found, order, policy)
    }

    #[allow(clippy::too_many_arguments)]
    fn request(
        &self,
        order: &PreparedOrder,
        policy: &ReturnPolicy,
        now: DateTime<Utc>,
        rma: &RmaId,
        method: &ReturnMethod,
        lines: &[ReturnLineRequest],
        exchange: Option<&ExchangeRequest>,
    ) -> Result<Vec<ReturnEvent>, ReturnError> {
        if self.rma(rma).is_some() {
            return Err(ReturnError::RmaExists { order: self.order().clone(), rma: rma.clone() });
        }
        if lines.is_empty() {
            return Err(self.invalid(rma, None, "asks to return nothing"));
        }
        if !policy.offers(method) {
            return Err(ReturnError::MethodNotOffered {
                order: self.order().clone(),
                rma: rma.clone(),
                method: method.clone(),
            });
        }
        let mut requested = Vec::with_capacity(lines.len());
        for (i, asked) in lines.iter().enumerate() {
            if asked.quantity == 0 {
                return Err(self.invalid(rma, Some(&asked.line), "quantity must be at least 1"));
            }
            if lines.iter().take(i).any(|l| l.line == asked.line) {
                return Err(self.invalid(rma, Some(&asked.line), "appears twice"));
            }
            let (line, prepared) = order
                .line(&asked.line)
                .ok_or_else(|| ReturnError::UnknownLine { order: self.order().clone(), line: asked.line.clone() })?;
            let eligible =
                line_eligibility(order.order(), line, self.in_returns(&line.line_id), policy, asked.reason, now);
            let ineligible =
                |refusal| ReturnError::Ineligible { order: self.order().clone(), line: line.line_id.clone(), refusal };
            if let Some(refusal) = eligible.refusal {
                return Err(ineligible(refusal));
            }
            if asked.quantity > eligible.returnable {
                return Err(ineligible(Refusal::TooMany {
                    requested: asked.quantity,
                    returnable: eligible.returnable,
                }));
            }
            let taken = self.ledger(&line.line_id).map(|l| l.taken()).unwrap_or_default();
            let free = prepared.returnable_slots();
            requested.push(RequestedLine {
                line: line.line_id.clone(),
                sku: line.sku.clone(),
                units: free.difference(&taken).lowest(asked.quantity),
                reason: asked.reason,
                note: asked.note.clone(),
            });
        }
        if let Some(exchange) = exchange {
            let refuse = |problem: String| ReturnError::ExchangeRefused {
                order: self.order().clone(),
                rma: rma.clone(),
                problem,
            };
            if !policy.exchanges.allowed {
                return Err(refuse("exchanges are not offered".into()));
            }
            if exchange.advance && !policy.exchanges.advance {
                return Err(refuse("advance exchanges are not offered".into()));
            }
            exchange
                .check(order.order().currency, |line| requested.iter().find(|r| &r.line == line).map(|r| r.units.len()))
                .map_err(refuse)?;
        }
        let approved = match policy.auto_approve {
            true => Some(approval(
                order,
                policy,
                now,
                &Rma::requested(rma.clone(), method.clone(), &requested, exchange.cloned()),
            )?),
            false => None,
        };
        let requested = ReturnEvent::Requested {
            rma: rma.clone(),
            method: method.clone(),
            lines: requested,
            exchange: exchange.cloned(),
        };
        Ok(std::iter::once(requested).chain(approved).collect())
    }

    /// Sorts a receipt into expected units per RMA line and unexpected items.
    fn sort_receipt(
        &self,
        order: &PreparedOrder,
        rma: &Rma,
        items: &[ReceivedUnits],
        unexpected: &[UnexpectedItem],
    ) -> Result<(Vec<ReceivedUnits>, Vec<UnexpectedItem>), ReturnError> {
        if items.is_empty() && unexpected.is_empty() {
            return Err(self.invalid(rma.id(), None, "receives nothing"));
        }
        let mut expected: Vec<ReceivedUnits> = Vec::new();
        let mut extra: Vec<UnexpectedItem> = Vec::new();
        for item in items {
            if item.quantity == 0 {
                return Err(self.invalid(rma.id(), Some(&item.line), "quantity must be at least 1"));
            }
            let (line, _) = order
                .line(&item.line)
                .ok_or_else(|| ReturnError::UnknownLine { order: self.order().clone(), line: item.line.clone() })?;
            let room = rma.line(&item.line).map_or(0, |l| {
                let counted = expected.iter().filter(|e| e.line == item.line).map(|e| e.quantity).sum::<u32>();
                l.quantity().saturating_sub(l.received()).saturating_sub(counted)
            });
            let accepted = item.quantity.min(room);
            if accepted > 0 {
                match expected.iter_mut().find(|e| e.line == item.line) {
                    Some(e) => e.quantity += accepted,
                    None => expected.push(ReceivedUnits { line: item.line.clone(), quantity: accepted }),
                }
            }
            if item.quantity > accepted {
                let note =
                    if rma.line(&item.line).is_some() { "more than the return holds" } else { "not in the return" };
                extra.push(UnexpectedItem {
                    sku: line.sku.clone(),
                    quantity: item.quantity - accepted,
                    line: Some(item.line.clone()),
                    note: Some(note.into()),
                });
            }
        }
        for item in unexpected {
            if item.quantity == 0 {
                return Err(self.invalid(rma.id(), item.line.as_ref(), "unexpected item with quantity 0"));
            }
            extra.push(item.clone());
        }
        // Expected units in the RMA's line order, so the event does not depend on scan order.
        expected.sort_by_key(|e| rma.lines().iter().position(|l| l.line() == &e.line));
        Ok((expected, extra))
    }

    fn check_inspections(
        &self,
        order: &PreparedOrder,
        rma: &Rma,
        inspections: &[Inspection],
    ) -> Result<(), ReturnError> {
        for inspection in inspections {
            if inspection.quantity == 0 {
                return Err(self.invalid(rma.id(), Some(&inspection.line), "inspects 0 units"));
            }
            if rma.line(&inspection.line).is_none() {
                return Err(match order.line(&inspection.line) {
                    None => ReturnError::UnknownLine { order: self.order().clone(), line: inspection.line.clone() },
                    Some(_) => self.invalid(rma.id(), Some(&inspection.line), "is not in the return"),
                });
            }
        }
        for line in rma.lines() {
            let inspected: u64 =
                inspections.iter().filter(|i| &i.line == line.line()).map(|i| u64::from(i.quantity)).sum();
            if inspected != u64::from(line.received()) {
                return Err(ReturnError::InspectionMismatch {
                    order: self.order().clone(),
                    rma: rma.id().clone(),
                    line: line.line().clone(),
                    received: line.received(),
                    inspected,
                });
            }
        }
        Ok(())
    }

    /// The RMA, if `step` is allowed from its status.
    fn step(&self, rma: &RmaId, step: RmaEventKind) -> Result<&Rma, ReturnError> {
        let found = self.find(rma)?;
        match found.status().after(step) {
            Some(_) => Ok(found),
            None => Err(ReturnError::InvalidTransition {
                order: self.order().clone(),
                rma: rma.clone(),
                status: found.status(),
                action: step,
            }),
        }
    }

    fn find(&self, rma: &RmaId) -> Result<&Rma, ReturnError> {
        self.rma(rma).ok_or_else(|| ReturnError::UnknownRma { order: self.order().clone(), rma: rma.clone() })
    }

    fn in_returns(&self, line: &LineId) -> u32 {
        self.ledger(line).map_or(0, |l| l.in_returns())
    }

    /// The order was validated when it was prepared; it only has to be this one.
    fn check_order(&self, order: &PreparedOrder) -> Result<(), ReturnError> {
        let given = &order.order().order_id;
        if given != self.order() {
            return Err(ReturnError::WrongOrder { returns: self.order().clone(), given: given.clone() });
        }
        Ok(())
    }

    fn invalid(&self, rma: &RmaId, line: Option<&LineId>, problem: &str) -> ReturnError {
        ReturnError::InvalidCommand {
            order: self.order().clone(),
            rma: rma.clone(),
            line: line.cloned(),
            problem: problem.to_owned(),
        }
    }
}

/// The approval of a requested RMA: its deadline, and an advance exchange's replacement.
fn approval(
    order: &PreparedOrder,
    policy: &ReturnPolicy,
    now: DateTime<Utc>,
    rma: &Rma,
) -> Result<ReturnEvent, ReturnError> {
    let expires_at =
        now.checked_add_signed(Duration::days(i64::from(policy.arrival_days))).unwrap_or(DateTime::<Utc>::MAX_UTC);
    let replacement = match rma.exchange().filter(|e| e.advance) {
        Some(exchange) => Some(
            replacement_demand(order, rma, exchange)
                .map_err(|source| ReturnError::Money { order: order.order().order_id.clone(), source })?,
        ),
        None => None,
    };
    Ok(ReturnEvent::Approved { rma: rma.id().clone(), expires_at, replacement })
}

//! The return policy: data, not code, so merchants change it without a release.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use oms_core::{ChannelId, Money, NodeId, Sku};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{ReturnError, SkuGroup};

/// Why the customer returns an item. Each reason has its own rule in the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReturnReason {
    /// No longer wanted.
    ChangedMind,
    /// Does not fit.
    WrongSize,
    /// Not what the listing described.
    NotAsDescribed,
    /// Does not work.
    Defective,
    /// Arrived damaged.
    DamagedInTransit,
    /// The merchant sent the wrong item.
    WrongItemSent,
    /// Arrived too late to be of use.
    ArrivedLate,
    /// Anything else (the request's note says what).
    Other,
}

impl ReturnReason {
    /// Every reason.
    pub const ALL: &'static [ReturnReason] = &[
        ReturnReason::ChangedMind,
        ReturnReason::WrongSize,
        ReturnReason::NotAsDescribed,
        ReturnReason::Defective,
        ReturnReason::DamagedInTransit,
        ReturnReason::WrongItemSent,
        ReturnReason::ArrivedLate,
        ReturnReason::Other,
    ];

    /// The reason's name as it appears in JSON (`"changed_mind"`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnReason::ChangedMind => "changed_mind",
            ReturnReason::WrongSize => "wrong_size",
            ReturnReason::NotAsDescribed => "not_as_described",
            ReturnReason::Defective => "defective",
            ReturnReason::DamagedInTransit => "damaged_in_transit",
            ReturnReason::WrongItemSent => "wrong_item_sent",
            ReturnReason::ArrivedLate => "arrived_late",
            ReturnReason::Other => "other",
        }
    }
}

impl fmt::Display for ReturnReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who pays for shipping the return back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payer {
    /// The customer: a merchant-provided label's fee is deducted from the refund.
    Customer,
    /// The merchant.
    Merchant,
}

/// A fee kept back from the refund for taking goods back into stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RestockingFee {
    /// A percentage of the merchandise refunded (after discounts, before tax), rounded half
    /// away from zero to the minor unit.
    Percent {
        /// From 0 to 100.
        #[serde(with = "oms_core::decimal_str")]
        percent: Decimal,
    },
    /// A fixed amount per unit returned.
    PerUnit {
        /// In the order's currency.
        amount: Money,
    },
}

/// What the policy says for one [`ReturnReason`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonRule {
    /// The merchant caused the return: final-sale items may come back, and original shipping
    /// is refunded when [`ShippingRefundRule::when_merchant_at_fault`] says so.
    pub merchant_at_fault: bool,
    /// Who pays the return shipping.
    pub return_shipping: Payer,
    /// A fee kept back, if any. Never more than the merchandise refunded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restocking_fee: Option<RestockingFee>,
}

/// How the customer may bring items back.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReturnMethod {
    /// By post or courier, to whatever node receives it.
    Mail,
    /// Handed in at a store or other node.
    InStore {
        /// Where.
        node: NodeId,
    },
}

impl fmt::Display for ReturnMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReturnMethod::Mail => f.write_str("mail"),
            ReturnMethod::InStore { node } => write!(f, "in store at {node}"),
        }
    }
}

/// Mail returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailReturns {
    /// What the merchant's prepaid label costs the customer when the customer pays return
    /// shipping (deducted once per RMA); `None` when the customer ships at their own cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_fee: Option<Money>,
}

/// In-store returns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InStoreReturns {
    /// Nodes that take returns; empty means any node.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub nodes: BTreeSet<NodeId>,
}

/// The return methods offered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnMethods {
    /// Mail returns, if offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail: Option<MailReturns>,
    /// In-store returns, if offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_store: Option<InStoreReturns>,
}

/// When the original (outbound) shipping is refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingRefundRule {
    /// Refund the returned units' share of shipping when the reason is the merchant's fault.
    pub when_merchant_at_fault: bool,
    /// Refund all shipping not yet refunded once every unit of the order has been paid back.
    pub when_everything_returned: bool,
}

/// Which exchanges are offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRule {
    /// Exchanges (even and uneven) are offered.
    pub allowed: bool,
    /// Advance exchanges (the replacement ships before the return arrives) are offered.
    pub advance: bool,
    /// No restocking or label fee is kept back on an exchange.
    pub waive_fees: bool,
}

/// A return window for a group of skus, overriding the channel and default windows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkuGroupRule {
    /// The group's name.
    pub group: SkuGroup,
    /// Its skus.
    pub skus: BTreeSet<Sku>,
    /// Days from delivery or pickup.
    pub window_days: u32,
}

/// A merchant's return policy.
///
/// Serialize it to keep it in configuration; [`ReturnPolicy::validate`] checks one that was
/// read back. A host with very different rules per channel keeps one policy per channel.
///
/// ```
/// use oms_returns::{ReturnPolicy, ReturnReason};
/// let mut policy = ReturnPolicy::standard();
/// policy.window_days = 14;
/// policy.channel_window_days.insert("uk-web".parse()?, 30); // UK distance-selling rules
/// assert_eq!(policy.window_days(&"uk-web".parse()?, &"TEE".parse()?), 30);
/// assert!(policy.reasons[&ReturnReason::Defective].merchant_at_fault);
/// let json = serde_json::to_string(&policy).unwrap();
/// assert_eq!(serde_json::from_str::<ReturnPolicy>(&json).unwrap(), policy);
/// # Ok::<(), oms_core::IdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnPolicy {
    /// Days from delivery or pickup during which a unit may be returned.
    pub window_days: u32,
    /// Windows per channel, overriding `window_days`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub channel_window_days: BTreeMap<ChannelId, u32>,
    /// Windows per sku group, overriding the channel and default windows; the first group
    /// listing a sku wins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sku_groups: Vec<SkuGroupRule>,
    /// Skus that never come back (hygiene items, gift cards).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub non_returnable: BTreeSet<Sku>,
    /// Skus sold as final sale: they come back only for a reason that is the merchant's fault.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub final_sale: BTreeSet<Sku>,
    /// The reasons accepted, each with its rule; a reason not listed is refused.
    pub reasons: BTreeMap<ReturnReason, ReasonRule>,
    /// The methods offered.
    pub methods: ReturnMethods,
    /// Days after approval within which something must arrive, or the RMA expires.
    pub arrival_days: u32,
    /// Approve eligible requests at once instead of waiting for an agent.
    #[serde(default)]
    pub auto_approve: bool,
    /// When original shipping is refunded.
    pub shipping_refund: ShippingRefundRule,
    /// Which exchanges are offered.
    pub exchanges: ExchangeRule,
}

impl ReturnPolicy {
    /// A common policy: 30 days, every reason accepted, the merchant pays return shipping and
    /// refunds the shipping share when at fault (defective, damaged, wrong item, not as
    /// described), the customer pays otherwise; no fees; mail and in-store returns at any node;
    /// 21 days for the parcel to arrive; auto-approval; exchanges, advance ones too, fee-free.
    pub fn standard() -> ReturnPolicy {
        let reasons = ReturnReason::ALL
            .iter()
            .map(|&reason| {
                let at_fault = matches!(
                    reason,
                    ReturnReason::Defective
                        | ReturnReason::DamagedInTransit
                        | ReturnReason::WrongItemSent
                        | ReturnReason::NotAsDescribed
                );
                let rule = ReasonRule {
                    merchant_at_fault: at_fault,
                    return_shipping: if at_fault { Payer::Merchant } else { Payer::Customer },
                    restocking_fee: None,
                };
                (reason, rule)
            })
            .collect();
        ReturnPolicy {
            window_days: 30,
            channel_window_days: BTreeMap::new(),
            sku_groups: Vec::new(),
            non_returnable: BTreeSet::new(),
            final_sale: BTreeSet::new(),
            reasons,
            methods: ReturnMethods {
                mail: Some(MailReturns { label_fee: None }),
                in_store: Some(InStoreReturns::default()),
            },
            arrival_days: 21,
            auto_approve: true,
            shipping_refund: ShippingRefundRule { when_merchant_at_fault: true, when_everything_returned: true },
            exchanges: ExchangeRule { allowed: true, advance: true, waive_fees: true },
        }
    }

    /// The return window in days for a sku sold on a channel: the sku's group, else the
    /// channel's, else the default.
    pub fn window_days(&self, channel: &ChannelId, sku: &Sku) -> u32 {
        self.sku_groups
            .iter()
            .find(|g| g.skus.contains(sku))
            .map(|g| g.window_days)
            .or_else(|| self.channel_window_days.get(channel).copied())
            .unwrap_or(self.window_days)
    }

    /// The rule for a reason, if the reason is accepted.
    pub fn reason(&self, reason: ReturnReason) -> Option<&ReasonRule> {
        self.reasons.get(&reason)
    }

    /// True when the method is offered.
    pub fn offers(&self, method: &ReturnMethod) -> bool {
        match method {
            ReturnMethod::Mail => self.methods.mail.is_some(),
            ReturnMethod::InStore { node } => {
                self.methods.in_store.as_ref().is_some_and(|s| s.nodes.is_empty() || s.nodes.contains(node))
            }
        }
    }

    /// Checks amounts and percentages: fees not negative and in minor units, percentages
    /// between 0 and 100.
    ///
    /// # Errors
    /// [`ReturnError::InvalidPolicy`] naming the field.
    pub fn validate(&self) -> Result<(), ReturnError> {
        let invalid = |field: String, problem: &str| ReturnError::InvalidPolicy { field, problem: problem.to_owned() };
        let money = |field: String, m: &Money| {
            if m.is_negative() {
                Err(invalid(field, "is negative"))
            } else if !m.is_in_minor_units() {
                Err(invalid(field, "has more decimals than its currency"))
            } else {
                Ok(())
            }
        };
        for (reason, rule) in &self.reasons {
            let field = format!("reasons.{reason}.restocking_fee");
            match &rule.restocking_fee {
                Some(RestockingFee::Percent { percent })
                    if *percent < Decimal::ZERO || *percent > Decimal::ONE_HUNDRED =>
                {
                    return Err(invalid(field, "percent must be between 0 and 100"));
                }
                Some(RestockingFee::PerUnit { amount }) => money(field, amount)?,
                _ => {}
            }
        }
        if let Some(fee) = self.methods.mail.as_ref().and_then(|m| m.label_fee.as_ref()) {
            money("methods.mail.label_fee".into(), fee)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oms_core::Currency;
    use rust_decimal_macros::dec;

    #[test]
    fn group_window_beats_channel_window_beats_default() {
        let mut policy = ReturnPolicy::standard();
        let (web, pos) = ("web".parse().unwrap(), "pos".parse().unwrap());
        let (tv, tee) = ("TV-55".parse().unwrap(), "TEE".parse().unwrap());
        policy.channel_window_days.insert(web, 60);
        policy.sku_groups.push(SkuGroupRule {
            group: "electronics".parse().unwrap(),
            skus: [Sku::new("TV-55").unwrap()].into(),
            window_days: 14,
        });
        let web = "web".parse().unwrap();
        assert_eq!(policy.window_days(&web, &tv), 14);
        assert_eq!(policy.window_days(&web, &tee), 60);
        assert_eq!(policy.window_days(&pos, &tee), 30);
    }

    #[test]
    fn in_store_returns_can_be_limited_to_some_nodes() {
        let mut policy = ReturnPolicy::standard();
        let store = |s: &str| ReturnMethod::InStore { node: s.parse().unwrap() };
        assert!(policy.offers(&store("ANY")));
        policy.methods.in_store = Some(InStoreReturns { nodes: ["S1".parse().unwrap()].into() });
        assert!(policy.offers(&store("S1")) && !policy.offers(&store("S2")));
        policy.methods.mail = None;
        assert!(!policy.offers(&ReturnMethod::Mail));
    }

    #[test]
    fn validation_names_the_field() {
        let mut policy = ReturnPolicy::standard();
        assert!(policy.validate().is_ok());
        if let Some(rule) = policy.reasons.get_mut(&ReturnReason::ChangedMind) {
            rule.restocking_fee = Some(RestockingFee::Percent { percent: dec!(120) });
        }
        let err = policy.validate().unwrap_err();
        assert!(err.to_string().contains("reasons.changed_mind.restocking_fee"), "{err}");
        policy = ReturnPolicy::standard();
        policy.methods.mail = Some(MailReturns { label_fee: Some(Money::new(dec!(4.995), Currency::USD)) });
        assert!(policy.validate().unwrap_err().to_string().contains("label_fee"));
    }

    #[test]
    fn reasons_serialize_as_map_keys() {
        let json = serde_json::to_value(ReturnPolicy::standard()).unwrap();
        assert_eq!(json["reasons"]["defective"]["return_shipping"], "merchant");
        assert_eq!(json["methods"]["mail"], serde_json::json!({}));
    }
}

//! Errors: [`Error`] for every refusal of the engine, [`ConfigError`] for configurations.
//!
//! Every refused command changes nothing: no movement is written and no stock moves.

use chrono::{DateTime, Utc};
use oms_core::{ChannelId, ExpectedVersion, IdempotencyKey, NodeId, Sku, Version};

use crate::{PositionProblem, ReservationId, Settlement, StoreError};

/// A configuration the engine refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Two nodes share an id.
    #[error("node {node} is configured twice")]
    DuplicateNode {
        /// The node.
        node: NodeId,
    },
    /// Two channels share an id.
    #[error("channel {channel} is configured twice")]
    DuplicateChannel {
        /// The channel.
        channel: ChannelId,
    },
    /// A channel's selector names a node that is not configured.
    #[error("channel {channel} selects node {node}, which is not configured")]
    UnknownNodeInSelector {
        /// The channel.
        channel: ChannelId,
        /// The node it names.
        node: NodeId,
    },
    /// More channels than [`MAX_CHANNELS`](crate::MAX_CHANNELS).
    #[error("{count} channels configured; at most {max} are supported")]
    TooManyChannels {
        /// Channels configured.
        count: usize,
        /// The limit.
        max: usize,
    },
}

/// Why the engine refused a command, a batch or a query. Nothing was changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is refused.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// No position of this sku exists anywhere.
    #[error("sku {sku} is unknown{}", for_key(.key))]
    UnknownSku {
        /// The sku.
        sku: Sku,
        /// The command's key, when a command was refused.
        key: Option<IdempotencyKey>,
    },
    /// The node is not configured.
    #[error("node {node} is unknown{}", for_key(.key))]
    UnknownNode {
        /// The node.
        node: NodeId,
        /// The command's key, when a command was refused.
        key: Option<IdempotencyKey>,
    },
    /// The channel is not configured.
    #[error("channel {channel} is unknown{}", for_key(.key))]
    UnknownChannel {
        /// The channel.
        channel: ChannelId,
        /// The command's key, when a command was refused.
        key: Option<IdempotencyKey>,
    },
    /// The command takes stock from a position that was never stocked.
    #[error("sku {sku} has no position at node {node} (key {key})")]
    UnknownPosition {
        /// The sku.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// The command's key.
        key: IdempotencyKey,
    },
    /// No reservation with this id is open or remembered.
    #[error("reservation {reservation} is unknown (key {key})")]
    UnknownReservation {
        /// The reservation.
        reservation: ReservationId,
        /// The command's key.
        key: IdempotencyKey,
    },
    /// A quantity of zero (or an adjustment by zero).
    #[error("sku {sku}{}: quantity must be at least 1 (key {key})", at_node(.node))]
    ZeroQuantity {
        /// The sku.
        sku: Sku,
        /// The node, when the command names one.
        node: Option<NodeId>,
        /// The command's key.
        key: IdempotencyKey,
    },
    /// A reservation with no lines.
    #[error("reservation {reservation} has no lines (key {key})")]
    NoLines {
        /// The reservation.
        reservation: ReservationId,
        /// The command's key.
        key: IdempotencyKey,
    },
    /// Not enough stock for the channel (or at the node) to take the units.
    #[error(
        "sku {sku}{}{}: {requested} units asked for, {available} available (key {key})",
        at_node(.node), for_channel(.channel)
    )]
    NotEnoughStock {
        /// The sku.
        sku: Sku,
        /// The node, when the shortage is at one node.
        node: Option<NodeId>,
        /// The channel, when the shortage is in a channel's view.
        channel: Option<ChannelId>,
        /// Units asked for (lines of the same sku summed).
        requested: u64,
        /// Units that could be taken.
        available: u64,
        /// The command's key.
        key: IdempotencyKey,
    },
    /// A movement does not fit its position (on hand would go negative, ...).
    #[error("sku {sku} at node {node}: {problem} (key {key})")]
    Position {
        /// The sku.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// What does not fit.
        problem: PositionProblem,
        /// The command's or batch's key.
        key: IdempotencyKey,
    },
    /// The channel may not sell from this node.
    #[error("channel {channel} may not sell sku {sku} from node {node} (key {key})")]
    NodeNotEligible {
        /// The channel.
        channel: ChannelId,
        /// The node.
        node: NodeId,
        /// The sku.
        sku: Sku,
        /// The command's key.
        key: IdempotencyKey,
    },
    /// A reservation with this id is open under another key.
    #[error("reservation {reservation} is already open (key {key})")]
    ReservationExists {
        /// The reservation.
        reservation: ReservationId,
        /// The command's key.
        key: IdempotencyKey,
    },
    /// The reservation was settled already (released twice, released after shipping, ...).
    #[error("reservation {reservation} was already {settled} (key {key})")]
    ReservationSettled {
        /// The reservation.
        reservation: ReservationId,
        /// How it was settled.
        settled: Settlement,
        /// The command's key.
        key: IdempotencyKey,
    },
    /// The reservation's hold lapsed; it cannot be converted.
    #[error("reservation {reservation} expired at {expired_at} (key {key})")]
    ReservationExpired {
        /// The reservation.
        reservation: ReservationId,
        /// When it expired.
        expired_at: DateTime<Utc>,
        /// The command's key.
        key: IdempotencyKey,
    },
    /// More units than the reservation holds for the sku.
    #[error("reservation {reservation} holds {held} units of sku {sku}, {requested} asked for (key {key})")]
    MoreThanReserved {
        /// The reservation.
        reservation: ReservationId,
        /// The sku.
        sku: Sku,
        /// Units asked for.
        requested: u64,
        /// Units held (reserved, or reserved plus allocated for a release).
        held: u64,
        /// The command's key.
        key: IdempotencyKey,
    },
    /// More units than the reservation has allocated at the node.
    #[error(
        "reservation {reservation} has {allocated} units of sku {sku} allocated at node {node}, {requested} asked for (key {key})"
    )]
    NotAllocated {
        /// The reservation.
        reservation: ReservationId,
        /// The sku.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// Units asked for.
        requested: u32,
        /// Units allocated there.
        allocated: u32,
        /// The command's key.
        key: IdempotencyKey,
    },
    /// A reallocation or transfer to the node the units are already at.
    #[error("sku {sku} is already at node {node} (key {key})")]
    SameNode {
        /// The reservation, for a reallocation.
        reservation: Option<ReservationId>,
        /// The sku.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// The command's key.
        key: IdempotencyKey,
    },
    /// A batch was decided on other versions than the engine holds (another writer was first).
    #[error("sku {sku} at node {node}: expected {expected}, but the position is at {actual}")]
    Conflict {
        /// The sku.
        sku: Sku,
        /// The node.
        node: NodeId,
        /// The version the batch expected.
        expected: ExpectedVersion,
        /// The position's version.
        actual: Version,
    },
    /// A batch breaks the ledger's rules (a release of units the reservation does not hold, ...).
    #[error("batch {key}: {problem}")]
    InvalidBatch {
        /// The batch's key.
        key: IdempotencyKey,
        /// What is wrong.
        problem: String,
    },
    /// The store failed or refused a write.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn for_key(key: &Option<IdempotencyKey>) -> String {
    key.as_ref().map_or_else(String::new, |k| format!(" (key {k})"))
}

fn at_node(node: &Option<NodeId>) -> String {
    node.as_ref().map_or_else(String::new, |n| format!(" at node {n}"))
}

fn for_channel(channel: &Option<ChannelId>) -> String {
    channel.as_ref().map_or_else(String::new, |c| format!(" for channel {c}"))
}

/// `Result` with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

//! Ids that belong to inventory.

oms_core::define_id! {
    /// A claim on stock: a cart, a checkout or an order. Reserving again under a settled id
    /// starts a new reservation, so a cart id can be reused across visits.
    pub struct ReservationId, "reservation id";
}

oms_core::define_id! {
    /// An inbound supply: a purchase order, a transfer between nodes, a shipment in transit.
    pub struct SupplyId, "supply id";
}

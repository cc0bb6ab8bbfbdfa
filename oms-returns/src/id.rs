//! Identifiers owned by the returns crate.

oms_core::define_id! {
    /// A return merchandise authorization (RMA): one customer return of one order. The host
    /// chooses it (a printed return number, a UUID); it is unique across all orders.
    pub struct RmaId, "rma id";
}

oms_core::define_id! {
    /// A named group of skus that shares a return window ("electronics", "swimwear").
    pub struct SkuGroup, "sku group";
}

//! Typed identifiers.
//!
//! Every id in the library is its own type, so an order id can never be passed where a sku is
//! expected. All ids share one validation rule, checked by their constructors and on
//! deserialization: not empty, at most [`MAX_ID_LEN`] bytes, no control characters.
//!
//! Ids are cheap to clone (a reference-counted string), serialize as plain JSON strings, and
//! order, hash and compare by their text.
//!
//! ```
//! use oms_core::{OrderId, Sku};
//!
//! let order = OrderId::new("WEB-1001")?;
//! let sku: Sku = "TEE-M".parse()?;
//! assert_eq!(order.as_str(), "WEB-1001");
//! assert_eq!(serde_json::to_string(&sku).unwrap(), "\"TEE-M\"");
//! assert!(OrderId::new("").is_err());
//! # Ok::<(), oms_core::IdError>(())
//! ```

/// Longest id accepted, in bytes.
pub const MAX_ID_LEN: usize = 128;

/// Why a string was refused as an id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// The id is the empty string.
    #[error("{kind} is empty")]
    Empty {
        /// What kind of id was being built ("order id", "sku", ...).
        kind: &'static str,
    },
    /// The id is longer than [`MAX_ID_LEN`] bytes.
    #[error("{kind} is {len} bytes long; at most {MAX_ID_LEN} are allowed")]
    TooLong {
        /// What kind of id was being built.
        kind: &'static str,
        /// Its length in bytes.
        len: usize,
    },
    /// The id contains a control character (newline, tab, NUL, ...).
    #[error("{kind} contains a control character at byte {index}")]
    ControlCharacter {
        /// What kind of id was being built.
        kind: &'static str,
        /// Byte offset of the first control character.
        index: usize,
    },
}

impl IdError {
    /// What kind of id was refused ("order id", "sku", ...).
    pub fn kind(&self) -> &'static str {
        match self {
            IdError::Empty { kind } | IdError::TooLong { kind, .. } | IdError::ControlCharacter { kind, .. } => kind,
        }
    }
}

/// Checks the shared id rule; used by every id type.
#[doc(hidden)]
pub fn validate_id(kind: &'static str, value: &str) -> Result<(), IdError> {
    if value.is_empty() {
        return Err(IdError::Empty { kind });
    }
    if value.len() > MAX_ID_LEN {
        return Err(IdError::TooLong { kind, len: value.len() });
    }
    if let Some((index, _)) = value.char_indices().find(|(_, c)| c.is_control()) {
        return Err(IdError::ControlCharacter { kind, index });
    }
    Ok(())
}

/// Defines a typed id with the library's validation rule, serde support and conversions.
///
/// The other oms crates use it for their own ids (reservation ids, return ids); hosts may too.
///
/// ```
/// oms_core::define_id! {
///     /// Identifies a gift registry.
///     pub struct RegistryId, "registry id";
/// }
/// let id = RegistryId::new("REG-7").unwrap();
/// assert_eq!(id.to_string(), "REG-7");
/// assert!(RegistryId::new("a\nb").is_err());
/// ```
#[macro_export]
macro_rules! define_id {
    ($(#[$meta:meta])* $vis:vis struct $name:ident, $kind:literal;) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis struct $name(::std::sync::Arc<str>);

        impl $name {
            /// What this id is called in error messages.
            pub const KIND: &'static str = $kind;

            /// Builds the id, refusing empty, over-long or control-character values.
            ///
            /// # Errors
            /// [`IdError`]($crate::IdError) naming the rule that was broken.
            pub fn new(value: impl AsRef<str>) -> ::std::result::Result<Self, $crate::IdError> {
                let value = value.as_ref();
                $crate::id::validate_id($kind, value)?;
                Ok(Self(::std::sync::Arc::from(value)))
            }

            /// The id's text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::write!(f, "{}({:?})", ::std::stringify!($name), &*self.0)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::IdError;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl ::std::convert::TryFrom<&str> for $name {
            type Error = $crate::IdError;
            fn try_from(s: &str) -> ::std::result::Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl ::std::convert::TryFrom<::std::string::String> for $name {
            type Error = $crate::IdError;
            fn try_from(s: ::std::string::String) -> ::std::result::Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: $crate::__private::serde::Serializer,
            {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                let text = <::std::borrow::Cow<'de, str> as $crate::__private::serde::Deserialize>::deserialize(deserializer)?;
                Self::new(&*text).map_err(<D::Error as $crate::__private::serde::de::Error>::custom)
            }
        }
    };
}

define_id! {
    /// Identifies an order inside the OMS (not the channel's own order number).
    pub struct OrderId, "order id";
}
define_id! {
    /// Identifies a line within its order.
    pub struct LineId, "line id";
}
define_id! {
    /// A stock-keeping unit: the item being sold.
    pub struct Sku, "sku";
}
define_id! {
    /// A fulfillment node: warehouse, store, drop-ship vendor or locker.
    pub struct NodeId, "node id";
}
define_id! {
    /// A sales channel: a web store, a marketplace account, a point-of-sale estate, ...
    pub struct ChannelId, "channel id";
}
define_id! {
    /// The order number the channel gave the order (a marketplace order id, a POS receipt).
    pub struct ExternalOrderId, "external order id";
}
define_id! {
    /// A customer, as known to the host's customer system.
    pub struct CustomerId, "customer id";
}
define_id! {
    /// A person or system acting on orders: a customer-service agent, a store associate.
    pub struct AgentId, "agent id";
}
define_id! {
    /// A fulfillment order within its order (`FO-1`, `FO-2`, ...), given in sequence by allocation.
    pub struct FulfillmentOrderId, "fulfillment order id";
}
define_id! {
    /// A shipment within its order (`S-1`, `S-2`, ...), given in sequence as nodes ship.
    pub struct ShipmentId, "shipment id";
}
define_id! {
    /// A modification within its order (`M-1`, `M-2`, ...), given in sequence.
    pub struct ModificationId, "modification id";
}
define_id! {
    /// The name of a custom hold ("age check", "B2B credit limit").
    pub struct HoldName, "hold name";
}
define_id! {
    /// A key that makes a command safe to retry: a second command with the same key does nothing.
    pub struct IdempotencyKey, "idempotency key";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_ids() {
        assert_eq!(OrderId::new("A-1").unwrap().as_str(), "A-1");
        assert!(Sku::new("x".repeat(MAX_ID_LEN)).is_ok());
        assert!(Sku::new("ünïcödé ok").is_ok());
    }

    #[test]
    fn refuses_bad_ids_naming_the_rule() {
        assert_eq!(OrderId::new(""), Err(IdError::Empty { kind: "order id" }));
        assert_eq!(Sku::new("x".repeat(129)), Err(IdError::TooLong { kind: "sku", len: 129 }));
        assert_eq!(NodeId::new("a\tb"), Err(IdError::ControlCharacter { kind: "node id", index: 1 }));
    }

    #[test]
    fn serde_is_a_plain_string_and_validates() {
        let id: LineId = serde_json::from_str("\"L-1\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"L-1\"");
        let err = serde_json::from_str::<LineId>("\"\"").unwrap_err();
        assert!(err.to_string().contains("line id is empty"), "{err}");
    }
}

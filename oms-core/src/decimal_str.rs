//! Serde helpers that pin decimals to JSON strings (`"12.34"`), refusing JSON numbers.
//!
//! Use with `#[serde(with = "oms_core::decimal_str")]`; the [`option`] module does the same
//! for `Option<Decimal>`. A JSON number would have passed through a binary float in many
//! producers, so it is refused rather than silently accepted.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serializer};

/// Writes the decimal as a string, keeping its scale (`"12.30"`).
///
/// # Errors
/// Whatever the serializer returns.
pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// Reads a decimal from a string such as `"12.30"` or `"-0.5"`; refuses numbers and
/// strings that are not exact decimals.
///
/// # Errors
/// A deserialization error naming the text that is not a decimal.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
    parse(&text).map_err(serde::de::Error::custom)
}

fn parse(text: &str) -> Result<Decimal, String> {
    // `from_str_exact` refuses text that would have to be rounded to fit.
    Decimal::from_str_exact(text).map_err(|_| format!("{text:?} is not an exact decimal string"))
}

/// The same for `Option<Decimal>`: `null` or absent is `None`.
pub mod option {
    use super::*;

    /// Writes `Some` as a decimal string, `None` as null.
    ///
    /// # Errors
    /// Whatever the serializer returns.
    pub fn serialize<S: Serializer>(value: &Option<Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serializer.collect_str(v),
            None => serializer.serialize_none(),
        }
    }

    /// Reads null as `None` and a decimal string as `Some`.
    ///
    /// # Errors
    /// A deserialization error naming the text that is not a decimal.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Decimal>, D::Error> {
        let text = <Option<std::borrow::Cow<'de, str>>>::deserialize(deserializer)?;
        text.map(|t| parse(&t).map_err(serde::de::Error::custom)).transpose()
    }
}

//! Postal addresses.

use serde::{Deserialize, Serialize};

use crate::GeoPoint;

/// A postal address to ship to.
///
/// Fields are plain so hosts can map their own address types; [`Address::validate`] checks
/// them, and capture refuses an order whose addresses fail it, so every address inside an
/// [`Order`](crate::Order) is valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Address {
    /// Recipient name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Street lines, first line first (at least one).
    pub lines: Vec<String>,
    /// City or locality.
    pub city: String,
    /// State, province or region, where the country uses one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Postal or ZIP code, where the country uses one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code, upper case (`"US"`).
    pub country: String,
    /// Geocoded position, used by routing for distances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<GeoPoint>,
}

/// Why an address was refused; `field` names the part (`"city"`, `"lines[0]"`, ...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("address {field}: {problem}")]
pub struct AddressError {
    /// The offending field.
    pub field: String,
    /// What is wrong with it.
    pub problem: &'static str,
}

/// Longest accepted text field, in bytes.
const MAX_FIELD_LEN: usize = 512;

impl Address {
    /// Checks that the address is usable: a first street line, a city, a two-letter upper-case
    /// country code, and no empty, over-long or control-character text.
    ///
    /// # Errors
    /// [`AddressError`] naming the first offending field.
    pub fn validate(&self) -> Result<(), AddressError> {
        let fail = |field: String, problem| Err(AddressError { field, problem });
        if self.lines.is_empty() {
            return fail("lines".into(), "at least one street line is required");
        }
        for (i, line) in self.lines.iter().enumerate() {
            check_text(line).or_else(|problem| fail(format!("lines[{i}]"), problem))?;
        }
        check_text(&self.city).or_else(|problem| fail("city".into(), problem))?;
        for (field, value) in [("name", &self.name), ("region", &self.region), ("postal_code", &self.postal_code)] {
            if let Some(value) = value {
                check_text(value).or_else(|problem| fail(field.into(), problem))?;
            }
        }
        if self.country.len() != 2 || !self.country.bytes().all(|b| b.is_ascii_uppercase()) {
            return fail("country".into(), "must be a two-letter upper-case ISO 3166-1 code");
        }
        Ok(())
    }
}

fn check_text(text: &str) -> Result<(), &'static str> {
    if text.trim().is_empty() {
        Err("must not be empty")
    } else if text.len() > MAX_FIELD_LEN {
        Err("is longer than 512 bytes")
    } else if text.chars().any(char::is_control) {
        Err("contains a control character")
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> Address {
        Address {
            name: Some("Ada".into()),
            lines: vec!["1 Main St".into()],
            city: "Springfield".into(),
            region: Some("IL".into()),
            postal_code: Some("62701".into()),
            country: "US".into(),
            geo: None,
        }
    }

    #[test]
    fn a_complete_address_is_valid() {
        assert_eq!(valid().validate(), Ok(()));
    }

    #[test]
    fn problems_name_the_field() {
        let mut a = valid();
        a.country = "usa".into();
        assert_eq!(a.validate().unwrap_err().field, "country");
        let mut a = valid();
        a.lines.push("  ".into());
        assert_eq!(a.validate().unwrap_err().field, "lines[1]");
        let mut a = valid();
        a.lines.clear();
        assert_eq!(a.validate().unwrap_err().field, "lines");
    }
}

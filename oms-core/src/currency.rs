//! ISO 4217 currencies and their minor units.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::money::MoneyError;

macro_rules! currencies {
    ($($code:ident = $minor:literal, $name:literal;)+) => {
        /// A currency the library knows, with the number of decimal places of its minor unit.
        ///
        /// Serialized as its ISO 4217 code. Unknown codes are refused when parsed, so a
        /// `Currency` value is always one whose minor units are known.
        ///
        /// ```
        /// use oms_core::Currency;
        /// assert_eq!(Currency::JPY.minor_units(), 0);
        /// assert_eq!("KWD".parse::<Currency>().unwrap().minor_units(), 3);
        /// assert!("XYZ".parse::<Currency>().is_err());
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Currency {
            $(
                #[doc = $name]
                $code,
            )+
        }

        impl Currency {
            /// Every known currency, in code order.
            pub const ALL: &'static [Currency] = &[$(Currency::$code),+];

            /// The ISO 4217 code, such as `"USD"`.
            pub fn code(self) -> &'static str {
                match self {
                    $(Currency::$code => stringify!($code),)+
                }
            }

            /// Decimal places of the minor unit: 2 for USD (cents), 0 for JPY, 3 for KWD (fils).
            pub fn minor_units(self) -> u32 {
                match self {
                    $(Currency::$code => $minor,)+
                }
            }

            /// Looks a currency up by its ISO 4217 code (upper case).
            pub fn from_code(code: &str) -> Option<Currency> {
                match code {
                    $(stringify!($code) => Some(Currency::$code),)+
                    _ => None,
                }
            }
        }
    };
}

currencies! {
    AED = 2, "UAE dirham";
    AUD = 2, "Australian dollar";
    BHD = 3, "Bahraini dinar";
    BRL = 2, "Brazilian real";
    CAD = 2, "Canadian dollar";
    CHF = 2, "Swiss franc";
    CLP = 0, "Chilean peso";
    CNY = 2, "Chinese yuan";
    CZK = 2, "Czech koruna";
    DKK = 2, "Danish krone";
    EUR = 2, "Euro";
    GBP = 2, "Pound sterling";
    HKD = 2, "Hong Kong dollar";
    HUF = 2, "Hungarian forint";
    ILS = 2, "Israeli new shekel";
    INR = 2, "Indian rupee";
    ISK = 0, "Icelandic króna";
    JOD = 3, "Jordanian dinar";
    JPY = 0, "Japanese yen";
    KRW = 0, "South Korean won";
    KWD = 3, "Kuwaiti dinar";
    MXN = 2, "Mexican peso";
    NOK = 2, "Norwegian krone";
    NZD = 2, "New Zealand dollar";
    OMR = 3, "Omani rial";
    PLN = 2, "Polish złoty";
    SAR = 2, "Saudi riyal";
    SEK = 2, "Swedish krona";
    SGD = 2, "Singapore dollar";
    TND = 3, "Tunisian dinar";
    TRY = 2, "Turkish lira";
    USD = 2, "United States dollar";
    VND = 0, "Vietnamese đồng";
    ZAR = 2, "South African rand";
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Currency::from_code(code).ok_or_else(|| MoneyError::UnknownCurrency { code: code.to_owned() })
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for &currency in Currency::ALL {
            assert_eq!(Currency::from_code(currency.code()), Some(currency));
            let json = serde_json::to_string(&currency).unwrap();
            assert_eq!(serde_json::from_str::<Currency>(&json).unwrap(), currency);
        }
    }

    #[test]
    fn the_required_currencies_have_their_minor_units() {
        for (code, minor) in
            [("USD", 2), ("EUR", 2), ("GBP", 2), ("CAD", 2), ("AUD", 2), ("JPY", 0), ("KWD", 3), ("CHF", 2), ("SEK", 2)]
        {
            assert_eq!(Currency::from_code(code).map(Currency::minor_units), Some(minor), "{code}");
        }
    }

    #[test]
    fn unknown_and_lower_case_codes_are_refused() {
        assert_eq!("usd".parse::<Currency>(), Err(MoneyError::UnknownCurrency { code: "usd".into() }));
        assert!(serde_json::from_str::<Currency>("\"XYZ\"").is_err());
    }
}

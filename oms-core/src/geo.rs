//! Geographic points and great-circle distance.

use serde::{Deserialize, Serialize};

/// Mean Earth radius used for distances, in km (IUGG mean radius).
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Why a latitude/longitude pair was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GeoError {
    /// Latitude outside -90..=90 degrees (or not a number).
    #[error("latitude {0} is outside -90..=90")]
    Latitude(f64),
    /// Longitude outside -180..=180 degrees (or not a number).
    #[error("longitude {0} is outside -180..=180")]
    Longitude(f64),
}

/// A point on Earth in degrees. Always within range: the constructor and deserialization check.
///
/// ```
/// use oms_core::GeoPoint;
/// let chicago = GeoPoint::new(41.8781, -87.6298)?;
/// let milwaukee = GeoPoint::new(43.0389, -87.9065)?;
/// assert!((chicago.distance_km(&milwaukee) - 130.9).abs() < 0.5);
/// assert!(GeoPoint::new(91.0, 0.0).is_err());
/// # Ok::<(), oms_core::GeoError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawPoint")]
pub struct GeoPoint {
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
struct RawPoint {
    lat: f64,
    lon: f64,
}

impl TryFrom<RawPoint> for GeoPoint {
    type Error = GeoError;
    fn try_from(raw: RawPoint) -> Result<Self, Self::Error> {
        GeoPoint::new(raw.lat, raw.lon)
    }
}

impl GeoPoint {
    /// A point from latitude and longitude in degrees.
    ///
    /// # Errors
    /// [`GeoError`] when a coordinate is out of range or not finite.
    pub fn new(lat: f64, lon: f64) -> Result<GeoPoint, GeoError> {
        if !(-90.0..=90.0).contains(&lat) {
            return Err(GeoError::Latitude(lat));
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(GeoError::Longitude(lon));
        }
        Ok(GeoPoint { lat, lon })
    }

    /// Latitude in degrees.
    pub fn lat(&self) -> f64 {
        self.lat
    }

    /// Longitude in degrees.
    pub fn lon(&self) -> f64 {
        self.lon
    }

    /// Haversine great-circle distance in km, with [`EARTH_RADIUS_KM`].
    pub fn distance_km(&self, other: &GeoPoint) -> f64 {
        let (phi1, phi2) = (self.lat.to_radians(), other.lat.to_radians());
        let d_phi = (other.lat - self.lat).to_radians();
        let d_lambda = (other.lon - self.lon).to_radians();
        let a = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked_including_nan() {
        assert!(GeoPoint::new(90.0, 180.0).is_ok());
        assert!(GeoPoint::new(-90.0, -180.0).is_ok());
        assert!(GeoPoint::new(f64::NAN, 0.0).is_err());
        assert!(GeoPoint::new(0.0, 180.5).is_err());
        assert!(serde_json::from_str::<GeoPoint>(r#"{"lat": 100, "lon": 0}"#).is_err());
    }

    #[test]
    fn distance_is_symmetric_and_zero_on_itself() {
        let a = GeoPoint::new(40.7357, -74.1724).unwrap();
        let b = GeoPoint::new(41.85, -87.65).unwrap();
        assert_eq!(a.distance_km(&a), 0.0);
        assert!((a.distance_km(&b) - b.distance_km(&a)).abs() < 1e-9);
    }
}

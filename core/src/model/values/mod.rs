//! Validated value types. Each parses with [`FromStr`](std::str::FromStr) (its error
//! is a [`Problem`](super::Problem) with a bilingual message), serialises as the
//! string it was written as, and decodes leniently inside documents.

mod credit_code;
mod manifest_number;
mod quantity;
mod region;
mod text;
mod time;
mod vehicle_plate;
mod waste_code;

pub use credit_code::CreditCode;
pub use manifest_number::ManifestNumber;
pub use quantity::{Amount, MassUnit, Quantity};
pub use region::RegionCode;
pub use text::{Count, Text};
pub use time::{Date, DateTime, Year};
pub use vehicle_plate::VehiclePlate;
pub use waste_code::{Category, CategoryKind, Hazard, WasteCode};

/// A validated code of fixed form, kept inline so that decoding it allocates
/// nothing. Its form bounds its length: a text too long for `N` bytes could only
/// come from a form check that let it through, and is reported malformed, never cut.
fn inline<const N: usize>(
    subject: super::problem::Subject,
    text: &str,
) -> Result<arrayvec::ArrayString<N>, super::Problem> {
    arrayvec::ArrayString::from(text)
        .map_err(|_| super::problem::malformed(subject, text, super::problem::Reason::Form))
}

/// Implements serde, [`Decode`](crate::model::Decode) and JSON Schema for a value type
/// that is written as a JSON string and parsed with `FromStr<Err = Problem>`.
macro_rules! string_value {
    ($ty:ty, $name:literal, $schema:tt) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        impl $crate::model::Decode for $ty {
            fn decode(
                value: &$crate::json::Json<'_>,
                _: &mut $crate::model::Decoder<'_>,
            ) -> Result<Self, $crate::model::Problem> {
                match value {
                    crate::json::Json::String(text) => text.parse(),
                    other => Err($crate::model::Problem::WrongType {
                        expected: $crate::model::JsonType::String,
                        found: $crate::model::JsonType::of(other),
                    }),
                }
            }
        }

        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!($schema)
            }
        }
    };
}
pub(crate) use string_value;

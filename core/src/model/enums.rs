//! Closed lists of values (stages, forms, kinds…). Each is written as a JSON string;
//! anything else is reported with the allowed values.

/// Declares a closed list of string values with its parse, serde, lenient decoding
/// and JSON Schema (`enum`).
macro_rules! closed_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $text:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
        }

        impl $name {
            /// Every allowed value, as written in JSON.
            pub const ALL: &'static [&'static str] = &[$($text),+];

            /// The value as written in JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::model::Problem;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $( $text => Ok($name::$variant), )+
                    other => Err(crate::model::Problem::NotAllowed {
                        value: other.to_owned(),
                        allowed: Self::ALL,
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl crate::model::node::AsNode for $name {
            fn as_node(&self) -> crate::model::node::Node<'_> {
                crate::model::node::Node::Enum(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        impl crate::model::Decode for $name {
            fn decode(
                value: &crate::json::Json<'_>,
                _: &mut crate::model::Decoder<'_>,
            ) -> Result<Self, crate::model::Problem> {
                match value {
                    crate::json::Json::String(text) => text.parse(),
                    other => Err(crate::model::Problem::WrongType {
                        expected: crate::model::JsonType::String,
                        found: crate::model::JsonType::of(other),
                    }),
                }
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "enum": Self::ALL,
                })
            }
        }
    };
}
pub(crate) use closed_enum;

//! Exact quantities. Mass balances are sums and differences of many lines: they are
//! done in exact decimals, never in binary floating point.

use crate::json::Json;
use crate::model::field::{Decode, Decoder, Field};
use crate::model::problem::{JsonType, Problem, Reason, Subject, malformed};
use rust_decimal::Decimal;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// A non-negative exact decimal, written as a JSON number (`1.5`) or a decimal string
/// (`"1.5"`, for more digits than a JSON number keeps). `"1,5"` is an error, not 1.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Amount(pub Decimal);

/// Significant digits a JSON number keeps exactly through a binary double.
const EXACT_DIGITS: usize = 15;

fn parse_decimal_text(text: &str) -> Result<Decimal, Problem> {
    let shaped = {
        let (int, frac) = text.split_once('.').unwrap_or((text, ""));
        !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && (!text.contains('.')
                || (!frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit())))
    };
    if !shaped {
        let reason = if text.contains(',') && !text.contains('.') {
            Reason::DecimalComma
        } else if text.starts_with('-') {
            return Err(Problem::OutOfRange {
                value: text.to_owned(),
                min: "0".into(),
                max: "∞".into(),
            });
        } else {
            Reason::Form
        };
        return Err(malformed(Subject::Decimal, text, reason));
    }
    Decimal::from_str_exact(text).map_err(|_| malformed(Subject::Decimal, text, Reason::TooPrecise))
}

impl FromStr for Amount {
    type Err = Problem;
    fn from_str(text: &str) -> Result<Self, Problem> {
        parse_decimal_text(text).map(Amount)
    }
}

impl Amount {
    fn from_number(number: &serde_json::Number) -> Result<Self, Problem> {
        let text = number.to_string();
        if number.as_f64().is_some_and(|f| f < 0.0) {
            return Err(Problem::OutOfRange {
                value: text,
                min: "0".into(),
                max: "∞".into(),
            });
        }
        let significant = text
            .split(['e', 'E'])
            .next()
            .unwrap_or_default()
            .bytes()
            .filter(u8::is_ascii_digit)
            .skip_while(|b| *b == b'0')
            .count();
        if !(number.is_u64() || number.is_i64()) && significant > EXACT_DIGITS {
            return Err(malformed(Subject::Decimal, &text, Reason::TooPrecise));
        }
        let decimal = if text.contains(['e', 'E']) {
            Decimal::from_scientific(&text)
        } else {
            Decimal::from_str_exact(&text)
        };
        decimal
            .map(|d| Amount(d.normalize()))
            .map_err(|_| malformed(Subject::Decimal, &text, Reason::TooPrecise))
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // A JSON number where it keeps every digit, a string where it would not.
        let d = self.0.normalize();
        if d.scale() == 0
            && let Ok(whole) = u64::try_from(d)
        {
            return serializer.serialize_u64(whole);
        }
        let digits = d.mantissa().unsigned_abs().to_string().len();
        match rust_decimal::prelude::ToPrimitive::to_f64(&d) {
            Some(float) if digits <= EXACT_DIGITS => serializer.serialize_f64(float),
            _ => serializer.collect_str(&d),
        }
    }
}

impl Decode for Amount {
    fn decode(value: &Json<'_>, _: &mut Decoder<'_>) -> Result<Self, Problem> {
        match value {
            Json::Number(number) => Amount::from_number(number),
            Json::String(text) => text.parse(),
            other => Err(Problem::WrongType {
                expected: JsonType::NumberOrString,
                found: JsonType::of(other),
            }),
        }
    }
}

impl JsonSchema for Amount {
    fn schema_name() -> Cow<'static, str> {
        "Amount".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A non-negative exact decimal: a JSON number, or a string of digits with an optional dot (never a comma).",
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"}
            ]
        })
    }
}

/// The unit of a mass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
pub enum MassUnit {
    /// Tonnes (吨), the unit of plans and declarations.
    #[serde(rename = "t")]
    Tonne,
    /// Kilograms.
    #[serde(rename = "kg")]
    Kilogram,
}

impl MassUnit {
    fn symbol(self) -> &'static str {
        match self {
            MassUnit::Tonne => "t",
            MassUnit::Kilogram => "kg",
        }
    }
}

impl FromStr for MassUnit {
    type Err = Problem;
    fn from_str(text: &str) -> Result<Self, Problem> {
        match text {
            "t" => Ok(MassUnit::Tonne),
            "kg" => Ok(MassUnit::Kilogram),
            other => Err(Problem::NotAllowed {
                value: other.to_owned(),
                allowed: &["t", "kg"],
            }),
        }
    }
}

impl Decode for MassUnit {
    fn decode(value: &Json<'_>, _: &mut Decoder<'_>) -> Result<Self, Problem> {
        match value {
            Json::String(text) => text.parse(),
            other => Err(Problem::WrongType {
                expected: JsonType::String,
                found: JsonType::of(other),
            }),
        }
    }
}

/// A mass: an exact decimal and its unit, `{"value": 1.5, "unit": "t"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Quantity {
    /// The amount.
    pub value: Amount,
    /// `t` or `kg`.
    pub unit: MassUnit,
}

impl Quantity {
    /// A quantity in tonnes.
    pub fn tonnes(value: Decimal) -> Self {
        Quantity {
            value: Amount(value),
            unit: MassUnit::Tonne,
        }
    }

    /// The mass in tonnes, exactly (`1250 kg` → `1.25`).
    pub fn in_tonnes(&self) -> Decimal {
        match self.unit {
            MassUnit::Tonne => self.value.0,
            MassUnit::Kilogram => self.value.0 / Decimal::ONE_THOUSAND,
        }
    }

    /// The mass in kilograms, exactly; `None` past the decimal range.
    pub fn in_kilograms(&self) -> Option<Decimal> {
        match self.unit {
            MassUnit::Tonne => self.value.0.checked_mul(Decimal::ONE_THOUSAND),
            MassUnit::Kilogram => Some(self.value.0),
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value, self.unit.symbol())
    }
}

/// `"1.5 t"` or `"1250kg"`.
impl FromStr for Quantity {
    type Err = Problem;
    fn from_str(text: &str) -> Result<Self, Problem> {
        let number_end = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(number_end);
        Ok(Quantity {
            value: number.parse()?,
            unit: unit.trim_start().parse()?,
        })
    }
}

impl Decode for Quantity {
    fn decode<'v>(value: &'v Json<'_>, decoder: &mut Decoder<'v>) -> Result<Self, Problem> {
        let object = decoder.object(value)?;
        let amount: Field<Amount> = decoder.required(value, "value");
        let unit: Field<MassUnit> = decoder.required(value, "unit");
        for (key, _) in object.iter().filter(|(k, _)| k != "value" && k != "unit") {
            decoder.report_at(key, Problem::UnknownField);
        }
        match (amount, unit) {
            (Field::Valid(value), Field::Valid(unit)) => Ok(Quantity { value, unit }),
            _ => Err(Problem::Nested),
        }
    }
}

crate::model::field::deserialize_via_decode!(Amount);
crate::model::field::deserialize_via_decode!(MassUnit);
crate::model::field::deserialize_via_decode!(Quantity);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode(value: serde_json::Value) -> (Field<Quantity>, Vec<String>) {
        let value = crate::json::Json::from(&value);
        let mut decoder = Decoder::new();
        let field = decoder.field(&value);
        let problems = decoder
            .into_problems()
            .into_iter()
            .map(|p| format!("{} {}", p.path, p.problem.rule()))
            .collect();
        (field, problems)
    }

    #[test]
    fn exact_conversion() {
        let q: Quantity = "1250 kg".parse().unwrap();
        assert_eq!(q.in_tonnes(), Decimal::new(125, 2));
        let sum: Decimal = ["0.1 t", "0.2 t"]
            .iter()
            .map(|s| s.parse::<Quantity>().unwrap().in_tonnes())
            .sum();
        assert_eq!(sum, Decimal::new(3, 1), "0.1 + 0.2 is exactly 0.3");
    }

    #[test]
    fn numbers_and_strings() {
        let (q, problems) = decode(json!({"value": 1.5, "unit": "t"}));
        assert!(problems.is_empty());
        assert_eq!(q.valid().unwrap().in_tonnes(), Decimal::new(15, 1));
        let (q, _) = decode(json!({"value": "12345678901234567890.123", "unit": "kg"}));
        assert_eq!(
            q.valid().unwrap().value.to_string(),
            "12345678901234567890.123"
        );
    }

    #[test]
    fn comma_negative_and_missing_parts_are_reported_at_their_paths() {
        let (q, problems) = decode(json!({"value": "1,5", "unit": "吨", "extra": 1}));
        assert!(q.is_invalid());
        assert_eq!(
            problems,
            [
                "/value schema.format",
                "/unit schema.enum",
                "/extra schema.unknown-field"
            ]
        );
        let (_, problems) = decode(json!({"value": -2}));
        assert_eq!(problems, ["/value schema.range", "/unit schema.required"]);
        assert!(matches!(
            "1,5".parse::<Amount>(),
            Err(Problem::Malformed {
                reason: Reason::DecimalComma,
                ..
            })
        ));
    }
}

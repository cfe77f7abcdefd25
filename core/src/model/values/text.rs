//! Free text and counts as documents carry them.

use crate::model::field::{Decode, Decoder};
use crate::model::problem::{JsonType, Problem, Reason, Subject, malformed};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

/// Free text that is not blank, kept exactly as written (no trimming).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Text(pub String);

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text(text.to_owned())
    }
}

impl Decode for Text {
    fn decode(value: &Value, _: &mut Decoder) -> Result<Self, Problem> {
        match value {
            Value::String(text) if text.trim().is_empty() => {
                Err(malformed(Subject::Text, text, Reason::Blank))
            }
            Value::String(text) => Ok(Text(text.clone())),
            other => Err(Problem::WrongType {
                expected: JsonType::String,
                found: JsonType::of(other),
            }),
        }
    }
}

impl JsonSchema for Text {
    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "Free text, not blank.",
            "pattern": "\\S"
        })
    }
}

/// A count of things (containers, items): a whole number from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Count(pub u32);

impl Decode for Count {
    fn decode(value: &Value, _: &mut Decoder) -> Result<Self, Problem> {
        let out_of_range = |text: String| Problem::OutOfRange {
            value: text,
            min: "0".into(),
            max: u32::MAX.to_string(),
        };
        match value {
            Value::Number(number) => match number.as_u64() {
                Some(n) => u32::try_from(n)
                    .map(Count)
                    .map_err(|_| out_of_range(number.to_string())),
                None if number.is_i64() => Err(out_of_range(number.to_string())),
                None => Err(Problem::WrongType {
                    expected: JsonType::Integer,
                    found: JsonType::Number,
                }),
            },
            other => Err(Problem::WrongType {
                expected: JsonType::Integer,
                found: JsonType::of(other),
            }),
        }
    }
}

impl JsonSchema for Count {
    fn schema_name() -> Cow<'static, str> {
        "Count".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "integer",
            "minimum": 0,
            "maximum": u32::MAX
        })
    }
}

//! Free text and counts as documents carry them.

use crate::json::Json;
use crate::model::field::{Decode, Decoder};
use crate::model::problem::{JsonType, Problem, Reason, Subject, malformed, whole_number};
use compact_str::CompactString;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

/// Whitespace as JavaScript's `\s` (and so JSON Schema's `pattern` in a browser)
/// knows it, so the checker and a form's validator agree on what is blank.
fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// Free text that is not blank, kept exactly as written (no trimming). Up to 24
/// bytes it is held inline, without an allocation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text(CompactString);

impl Text {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

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
        Text(CompactString::from(text))
    }
}

impl Decode for Text {
    fn decode(value: &Json<'_>, _: &mut Decoder<'_>) -> Result<Self, Problem> {
        match value {
            Json::String(text) if text.chars().all(is_js_whitespace) => {
                Err(malformed(Subject::Text, text, Reason::Blank))
            }
            Json::String(text) => Ok(Text(CompactString::from(text.as_ref()))),
            other => Err(Problem::WrongType {
                expected: JsonType::String,
                found: JsonType::of(other),
            }),
        }
    }
}

crate::model::field::deserialize_via_decode!(Text);

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
    fn decode(value: &Json<'_>, _: &mut Decoder<'_>) -> Result<Self, Problem> {
        let Json::Number(number) = value else {
            return Err(Problem::WrongType {
                expected: JsonType::Integer,
                found: JsonType::of(value),
            });
        };
        let whole = whole_number(number).ok_or(Problem::WrongType {
            expected: JsonType::Integer,
            found: JsonType::Number,
        })?;
        u32::try_from(whole)
            .map(Count)
            .map_err(|_| Problem::OutOfRange {
                value: number.to_string(),
                min: "0".into(),
                max: u32::MAX.to_string(),
            })
    }
}

crate::model::field::deserialize_via_decode!(Count);

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

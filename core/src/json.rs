//! Parsing JSON text without losing anything: a key given twice in one object is
//! reported (serde_json alone would keep the last silently), and a syntax error
//! names its line and column.

use crate::model::escape_token;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// A JSON syntax error with its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct SyntaxError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// serde_json's description.
    pub message: String,
}

/// A parsed document and the JSON Pointers of keys that appeared more than once
/// (the last value is kept, as JavaScript's `JSON.parse` does).
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The value.
    pub value: Value,
    /// Pointers of repeated keys.
    pub duplicate_keys: Vec<String>,
}

/// Parses JSON text.
pub fn parse(text: &str) -> Result<Parsed, SyntaxError> {
    let mut duplicate_keys = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let seed = Tracked {
        pointer: String::new(),
        duplicates: &mut duplicate_keys,
    };
    let result = seed
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    match result {
        Ok(value) => Ok(Parsed {
            value,
            duplicate_keys,
        }),
        Err(error) => Err(SyntaxError {
            line: error.line(),
            column: error.column(),
            message: error.to_string(),
        }),
    }
}

struct Tracked<'a> {
    pointer: String,
    duplicates: &'a mut Vec<String>,
}

impl<'de> DeserializeSeed<'de> for Tracked<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Tracked<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let seed = Tracked {
                pointer: format!("{}/{}", self.pointer, items.len()),
                duplicates: &mut *self.duplicates,
            };
            match seq.next_element_seed(seed)? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let pointer = format!("{}/{}", self.pointer, escape_token(&key));
            if object.contains_key(&key) {
                self.duplicates.push(pointer.clone());
            }
            let seed = Tracked {
                pointer,
                duplicates: &mut *self.duplicates,
            };
            let value = map.next_value_seed(seed)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_found_at_every_depth() {
        let parsed = parse(r#"{"a": 1, "b": {"c": [{"d": 1, "d": 2}]}, "a": 3}"#).unwrap();
        assert_eq!(parsed.duplicate_keys, ["/b/c/0/d", "/a"]);
        assert_eq!(parsed.value["a"], 3);
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse("{\n  \"a\": 1,\n  \"b\": }").unwrap_err();
        assert_eq!((err.line, err.column), (3, 8));
        assert!(parse("[1] x").is_err(), "trailing characters");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).is_err());
    }
}

//! Parsing JSON text without losing anything: a key given twice in one object is
//! reported (serde_json alone would keep the last silently), and a syntax error
//! names its line and column.

pub mod pointer;

use crate::interrupt::Interrupt;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};
use std::borrow::Cow;
use std::collections::HashMap;
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

/// A JSON value borrowed from the text it was read from. Strings without escapes are
/// not copied and an object's members stay in a `Vec` in the order given, so reading
/// a document costs a fraction of building a [`serde_json::Value`]. A key given twice
/// keeps its last value (as JavaScript's `JSON.parse` does) at its first position.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as serde_json reads it.
    Number(Number),
    /// A string.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Json<'a>>),
    /// An object's members, in the order given.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&[Json<'a>]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[(Cow<'a, str>, Json<'a>)]> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Json::Number(n) => Some(n),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        self.as_object()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The value at a JSON Pointer (`""` is the whole; see [`pointer`]).
    pub fn pointer(&self, pointer: &str) -> Option<&Json<'a>> {
        let mut at = self;
        for token in pointer::tokens(pointer)? {
            at = match at {
                Json::Object(_) => at.get(&token)?,
                Json::Array(items) => items.get(pointer::index(&token)?)?,
                _ => return None,
            };
        }
        Some(at)
    }

    /// The value with every string it borrows copied, so that it outlives its text.
    pub fn into_owned(self) -> Json<'static> {
        match self {
            Json::Null => Json::Null,
            Json::Bool(b) => Json::Bool(b),
            Json::Number(n) => Json::Number(n),
            Json::String(s) => Json::String(Cow::Owned(s.into_owned())),
            Json::Array(items) => Json::Array(items.into_iter().map(Json::into_owned).collect()),
            Json::Object(members) => Json::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned()))
                    .collect(),
            ),
        }
    }

    /// The value at the path `tokens` (a JSON Pointer's, unescaped), to change.
    pub fn at_mut(&mut self, tokens: &[String]) -> Option<&mut Json<'a>> {
        let mut at = self;
        for token in tokens {
            at = match at {
                Json::Object(members) => members
                    .iter_mut()
                    .find(|(k, _)| k == token)
                    .map(|(_, v)| v)?,
                Json::Array(items) => items.get_mut(pointer::index(token)?)?,
                _ => return None,
            };
        }
        Some(at)
    }

    /// The value as a [`serde_json::Value`] (copying it).
    pub fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.clone()),
            Json::String(s) => Value::String(s.as_ref().to_owned()),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Object(members) => Value::Object(crate::sorting::map_from(
                members
                    .iter()
                    .map(|(k, v)| (k.as_ref().to_owned(), v.to_value())),
            )),
        }
    }
}

/// A view of a [`serde_json::Value`], borrowing its strings.
impl<'a> From<&'a Value> for Json<'a> {
    fn from(value: &'a Value) -> Self {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.clone()),
            Value::String(s) => Json::String(Cow::Borrowed(s)),
            Value::Array(items) => Json::Array(items.iter().map(Json::from).collect()),
            Value::Object(members) => Json::Object(
                members
                    .iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), Json::from(v)))
                    .collect(),
            ),
        }
    }
}

/// A parsed document and the JSON Pointers of keys that appeared more than once.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<'a> {
    /// The value.
    pub value: Json<'a>,
    /// Pointers of repeated keys.
    pub duplicate_keys: Vec<String>,
}

/// Parses JSON text.
pub fn parse(text: &str) -> Result<Parsed<'_>, SyntaxError> {
    parse_with(text, &Interrupt::default())
}

/// [`parse`] that stops, with an error, soon after `interrupt` is raised: reading a
/// large body is most of what a check abandoned by its client would cost. The
/// caller tells this error from a syntax error by the raised flag.
pub fn parse_with<'a>(text: &'a str, interrupt: &Interrupt) -> Result<Parsed<'a>, SyntaxError> {
    // The path to each value is tracked only to name a repeated key: a text without
    // one is read once without it, one with one is read again to find them.
    let first = read::<false>(text, interrupt);
    match first {
        Ok(parsed) if parsed.repeated => read::<true>(text, interrupt),
        other => other,
    }
    .map(|parsed| Parsed {
        value: parsed.value,
        duplicate_keys: parsed.duplicates,
    })
}

/// What one reading of a text gave.
struct Read<'a> {
    value: Json<'a>,
    /// Whether a key was repeated.
    repeated: bool,
    /// The pointers of repeated keys, when the path was tracked.
    duplicates: Vec<String>,
}

/// Reads `text`, tracking the path to each value when `PATHS`.
fn read<'a, const PATHS: bool>(
    text: &'a str,
    interrupt: &Interrupt,
) -> Result<Read<'a>, SyntaxError> {
    let (items, members) = STACKS.take();
    let mut state = State {
        items: relabel(items),
        members: relabel(members),
        interrupt: interrupt.clone(),
        ..State::default()
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let result = Tracked::<PATHS> { state: &mut state }
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    // A huge document's stacks are let go rather than held by the thread.
    if state.items.capacity() <= KEPT_CAPACITY && state.members.capacity() <= KEPT_CAPACITY {
        STACKS.set((relabel(state.items), relabel(state.members)));
    }
    match result {
        Ok(value) => Ok(Read {
            value,
            repeated: state.repeated,
            duplicates: state.duplicates,
        }),
        Err(error) => {
            // serde_json ends its message with the position, which is given apart.
            let message = error.to_string();
            let at = format!(" at line {} column {}", error.line(), error.column());
            Err(SyntaxError {
                line: error.line(),
                column: error.column(),
                message: message.strip_suffix(&at).unwrap_or(&message).to_owned(),
            })
        }
    }
}

/// One step of the path to the value being read. Keys are borrowed from the text
/// where they have no escapes, so tracking the path costs no allocation; a pointer
/// is only built for a duplicate.
enum Step<'de> {
    Key(Cow<'de, str>),
    Index(usize),
}

/// The parser's working state. Arrays and objects gather their items on two shared
/// stacks and move them into a vector of exactly their size when they end: one
/// allocation per value instead of one per doubling of its vector.
#[derive(Default)]
struct State<'de> {
    path: Vec<Step<'de>>,
    duplicates: Vec<String>,
    items: Vec<Json<'de>>,
    members: Vec<(Cow<'de, str>, Json<'de>)>,
    interrupt: Interrupt,
    /// Whether a key was repeated in an object.
    repeated: bool,
    /// Items and members read, to look at the interrupt every `LOOK_EVERY` of them.
    read: u32,
}

/// How many items and members are read between two looks at the interrupt.
const LOOK_EVERY: u32 = 4096;

/// The message of a parse stopped by its interrupt.
const INTERRUPTED: &str = "reading stopped: the check was interrupted";

/// The size from which an object's keys are indexed to find duplicates.
const INDEXED_FROM: usize = 32;

/// The largest stack (in values) kept for the next parse on a thread.
const KEPT_CAPACITY: usize = 1024;

/// The stacks' empty buffers, kept between parses on this thread.
type Stacks = (Vec<Json<'static>>, Vec<(Cow<'static, str>, Json<'static>)>);

thread_local! {
    static STACKS: std::cell::Cell<Stacks> = const { std::cell::Cell::new((Vec::new(), Vec::new())) };
}

/// An emptied vector as a vector of another lifetime, keeping its buffer (the
/// standard library collects a `map`ped `into_iter` of same-sized items in place).
fn relabel<A, B>(items: Vec<A>) -> Vec<B> {
    items.into_iter().filter_map(|_| None).collect()
}

impl State<'_> {
    /// Whether to stop reading: the interrupt, looked at every `LOOK_EVERY` values.
    fn interrupted(&mut self) -> bool {
        self.read = self.read.wrapping_add(1);
        self.read.is_multiple_of(LOOK_EVERY) && self.interrupt.is_raised()
    }

    fn pointer(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            match step {
                Step::Key(key) => pointer::push_token(&mut out, key),
                Step::Index(index) => pointer::push_index(&mut out, *index),
            }
        }
        out
    }
}

/// One of 64 bits for a key, from its length and its first and last bytes: equal
/// keys have the same bit.
fn key_bit(key: &str) -> u64 {
    let bytes = key.as_bytes();
    let first = usize::from(bytes.first().copied().unwrap_or(0));
    let last = usize::from(bytes.last().copied().unwrap_or(0));
    let mixed = bytes
        .len()
        .wrapping_add(first.wrapping_mul(7))
        .wrapping_add(last.wrapping_mul(13));
    1 << (mixed % 64)
}

/// A map key, borrowed from the text when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads one value; `PATHS`: tracking the path to it, to name repeated keys.
struct Tracked<'s, 'de, const PATHS: bool> {
    state: &'s mut State<'de>,
}

impl<'de, const PATHS: bool> DeserializeSeed<'de> for Tracked<'_, 'de, PATHS> {
    type Value = Json<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, const PATHS: bool> Visitor<'de> for Tracked<'_, 'de, PATHS> {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json<'de>, E> {
        Ok(Number::from_f64(v).map_or(Json::Null, Json::Number))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let base = self.state.items.len();
        loop {
            if self.state.interrupted() {
                return Err(serde::de::Error::custom(INTERRUPTED));
            }
            if PATHS {
                let index = self.state.items.len() - base;
                self.state.path.push(Step::Index(index));
            }
            let item = seq.next_element_seed(Tracked::<PATHS> {
                state: &mut *self.state,
            });
            if PATHS {
                self.state.path.pop();
            }
            match item? {
                Some(item) => self.state.items.push(item),
                None => return Ok(Json::Array(self.state.items.split_off(base))),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let base = self.state.members.len();
        // Small objects are searched in order (faster than hashing); past
        // `INDEXED_FROM` members, an index keeps finding duplicates linear in the
        // object's size — a 100,000-key object would otherwise cost minutes.
        let mut index: Option<HashMap<Cow<'de, str>, usize>> = None;
        // A bit per key's `key_bit`: a small object is searched only for a key whose
        // bit is already set, which almost every key of a document without
        // repeated keys is not.
        let mut bits = 0u64;
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            if self.state.interrupted() {
                return Err(serde::de::Error::custom(INTERRUPTED));
            }
            let members = self.state.members.get(base..).unwrap_or_default();
            let bit = key_bit(&key);
            let earlier = match &index {
                Some(index) => index.get(&key).copied(),
                None if bits & bit == 0 => None,
                None => members.iter().position(|(k, _)| *k == key),
            };
            bits |= bit;
            if index.is_none() && members.len() >= INDEXED_FROM {
                index = Some(
                    members
                        .iter()
                        .enumerate()
                        .map(|(i, (k, _))| (k.clone(), i))
                        .collect(),
                );
            }
            self.state.repeated |= earlier.is_some();
            let (key, value) = if PATHS {
                self.state.path.push(Step::Key(key));
                if earlier.is_some() {
                    let pointer = self.state.pointer();
                    self.state.duplicates.push(pointer);
                }
                let value = map.next_value_seed(Tracked::<PATHS> {
                    state: &mut *self.state,
                });
                let key = match self.state.path.pop() {
                    Some(Step::Key(key)) => key,
                    _ => Cow::Borrowed(""),
                };
                (key, value)
            } else {
                let value = map.next_value_seed(Tracked::<PATHS> {
                    state: &mut *self.state,
                });
                (key, value)
            };
            match (
                earlier.and_then(|i| self.state.members.get_mut(base + i)),
                value?,
            ) {
                (Some(slot), value) => slot.1 = value,
                (None, value) => {
                    if let Some(index) = &mut index {
                        index.insert(key.clone(), self.state.members.len() - base);
                    }
                    self.state.members.push((key, value));
                }
            }
        }
        Ok(Json::Object(self.state.members.split_off(base)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An object of `n` distinct keys, then each of the first `n / 10` again.
    fn wide(n: usize) -> String {
        let keys = (0..n).chain(0..n / 10).map(|i| format!("\"k{i}\": {i}"));
        format!("{{{}}}", keys.collect::<Vec<_>>().join(","))
    }

    #[test]
    fn large_objects_keep_their_duplicates_and_last_values() {
        let text = wide(1000);
        let parsed = parse(&text).unwrap();
        assert_eq!(parsed.duplicate_keys.len(), 100);
        assert_eq!(parsed.duplicate_keys[0], "/k0");
        let Json::Object(members) = &parsed.value else {
            panic!("not an object")
        };
        assert_eq!(members.len(), 1000);
        assert_eq!(parsed.value.get("k99"), Some(&Json::Number(99.into())));
        assert_eq!(parsed.value.get("k999"), Some(&Json::Number(999.into())));
    }

    /// Every repeated key of objects small and large is found, whatever bits the
    /// keys share, against a plain search of the keys read so far.
    #[test]
    fn repeated_keys_are_found_as_a_plain_search_finds_them() {
        let pool: Vec<String> = (0..60)
            .map(|i| ["a", "ab", "ba", "名称", "a~b", ""][i % 6].repeat(1 + i / 6))
            .collect();
        let mut seed = 7u64;
        for round in 0..300 {
            let len = round % 45;
            let keys: Vec<&str> = (0..len)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    pool[(seed >> 33) as usize % pool.len()].as_str()
                })
                .collect();
            let members: Vec<String> = keys
                .iter()
                .enumerate()
                .map(|(i, k)| format!("{k:?}: {i}"))
                .collect();
            let text = format!("{{{}}}", members.join(","));
            let parsed = parse(&text).unwrap();
            let expected: Vec<String> = keys
                .iter()
                .enumerate()
                .filter(|(i, k)| keys[..*i].contains(k))
                .map(|(_, k)| format!("/{}", k.replace('~', "~0")))
                .collect();
            assert_eq!(parsed.duplicate_keys, expected, "{keys:?}");
        }
    }

    #[test]
    fn a_raised_interrupt_stops_reading() {
        let lines: Vec<String> = (0..20_000).map(|i| format!("{{\"n\": {i}}}")).collect();
        let text = format!("[{}]", lines.join(","));
        let interrupt = Interrupt::new();
        assert!(parse_with(&text, &interrupt).is_ok());
        interrupt.raise();
        let error = parse_with(&text, &interrupt).unwrap_err();
        assert!(error.message.contains("interrupted"), "{error:?}");
        // A small text is read before the first look.
        assert!(parse_with("[1, 2, 3]", &interrupt).is_ok());
    }

    #[test]
    fn duplicate_keys_are_found_at_every_depth() {
        let parsed = parse(r#"{"a": 1, "b": {"c": [{"d": 1, "d": 2}]}, "a": 3}"#).unwrap();
        assert_eq!(parsed.duplicate_keys, ["/b/c/0/d", "/a"]);
        assert_eq!(parsed.value.get("a"), Some(&Json::Number(3.into())));
        assert_eq!(
            parsed.value.to_value(),
            serde_json::json!({"a": 3, "b": {"c": [{"d": 2}]}})
        );
    }

    #[test]
    fn pointers_find_values() {
        let parsed = parse(r#"{"a/b": [{"c~": 1}], "d": 2}"#).unwrap();
        let value = &parsed.value;
        assert_eq!(value.pointer("/a~1b/0/c~0"), Some(&Json::Number(1.into())));
        assert_eq!(value.pointer(""), Some(value));
        for missing in ["/a~1b/1", "/d/0", "/x", "d"] {
            assert_eq!(value.pointer(missing), None, "{missing}");
        }
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse("{\n  \"a\": 1,\n  \"b\": }").unwrap_err();
        assert_eq!((err.line, err.column), (3, 8));
        assert_eq!(
            err.to_string(),
            "line 3, column 8: expected value",
            "the position once"
        );
        assert!(parse("[1] x").is_err(), "trailing characters");
    }

    #[test]
    fn a_failed_parse_leaves_nothing_for_the_next() {
        let text = r#"{"a": [1, {"b": [2, 3]}], "c": {"d": null}}"#;
        let first = parse(text).unwrap();
        assert!(parse(r#"{"a": [1, {"b": [2, "#).is_err());
        assert_eq!(parse(text).unwrap(), first);
        assert_eq!(
            first.value.to_value(),
            serde_json::json!({"a": [1, {"b": [2, 3]}], "c": {"d": null}})
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).is_err());
    }
}

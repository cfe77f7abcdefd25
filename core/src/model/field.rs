//! Lenient decoding. Forms send half-filled drafts and people make mistakes, so a
//! document is read field by field: a missing value is [`Field::Absent`], a
//! malformed one is kept as [`Field::Invalid`] with its raw JSON and reported at its
//! JSON Pointer, and every other field is still read. Nothing is coerced, nothing is
//! dropped: serialising a decoded document gives back every value it had.

use super::problem::{JsonType, Problem};
use crate::interrupt::Interrupt;
use crate::json::{Json, pointer};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Serialize, Serializer};
use serde_json::Value;

/// An object member as [`Json`] holds it.
type Member<'j> = (Cow<'j, str>, Json<'j>);
use std::borrow::Cow;

/// One field of a document: absent, valid, or kept as written with its problem.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Field<T> {
    /// Not given (or `null`).
    #[default]
    Absent,
    /// Given and valid.
    Valid(T),
    /// Given but not valid: the raw value and what is wrong with it.
    Invalid(Box<Invalid>),
}

/// A value that could not be read, kept as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    /// The value exactly as submitted.
    pub raw: Value,
    /// What is wrong with it.
    pub problem: Problem,
}

impl<T> Field<T> {
    /// The value, when it was given and is valid.
    pub fn valid(&self) -> Option<&T> {
        match self {
            Field::Valid(value) => Some(value),
            _ => None,
        }
    }

    /// Whether the field was not given at all.
    pub fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }

    /// Whether the field was given, valid or not.
    pub fn is_present(&self) -> bool {
        !self.is_absent()
    }

    /// Whether the field was given but is not valid.
    pub fn is_invalid(&self) -> bool {
        matches!(self, Field::Invalid(_))
    }
}

impl<T> From<T> for Field<T> {
    fn from(value: T) -> Self {
        Field::Valid(value)
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Absent => serializer.serialize_none(),
            Field::Valid(value) => value.serialize(serializer),
            Field::Invalid(invalid) => invalid.raw.serialize(serializer),
        }
    }
}

impl<T: JsonSchema> JsonSchema for Field<T> {
    fn schema_name() -> Cow<'static, str> {
        <Option<T>>::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        <Option<T>>::schema_id()
    }

    fn inline_schema() -> bool {
        <Option<T>>::inline_schema()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        <Option<T>>::json_schema(generator)
    }

    fn _schemars_private_non_optional_json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }

    fn _schemars_private_is_option() -> bool {
        true
    }
}

/// One segment of a JSON Pointer; keys are borrowed from the document (or are the
/// model's own member names), so tracking the path allocates nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment<'v> {
    Key(&'v str),
    Index(usize),
}

/// A problem found while decoding, with the JSON Pointer of the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    /// RFC 6901 JSON Pointer into the submitted document.
    pub path: String,
    /// What is wrong there.
    pub problem: Problem,
}

/// The decoding context: the path to the current value and the problems found so far.
#[derive(Debug, Default)]
pub struct Decoder<'v> {
    path: Vec<Segment<'v>>,
    problems: Vec<Located>,
    interrupt: Interrupt,
    /// Patching: where the value decoded again is, and where its problems start
    /// (after every other one).
    redone: Option<(String, usize)>,
}

impl<'v> Decoder<'v> {
    /// A decoder at the root of a document.
    pub fn new() -> Self {
        Self::default()
    }

    /// A decoder that stops decoding lists once `interrupt` is raised: the check it
    /// serves is then reported interrupted, so the shortened lists are never judged.
    pub fn with_interrupt(interrupt: &Interrupt) -> Self {
        Decoder {
            interrupt: interrupt.clone(),
            ..Self::default()
        }
    }

    /// The problems found, in document order.
    pub fn into_problems(self) -> Vec<Located> {
        self.problems
    }

    /// A decoder that patches a decoded document after an edit (see
    /// [`Decode::patch`]), holding the problems found when it was decoded.
    pub fn patching(problems: Vec<Located>, interrupt: &Interrupt) -> Self {
        Decoder {
            problems,
            ..Self::with_interrupt(interrupt)
        }
    }

    /// After an edit at `tokens` under the member `key` of a record (`value`: the
    /// member's JSON now, if any), decodes again what changed: inside the member
    /// when it is a valid record or list that can say, else the whole member, whose
    /// problems found before are then forgotten.
    pub fn patch_member<T: Decode>(
        &mut self,
        key: &'v str,
        field: &mut Field<T>,
        tokens: &[String],
        value: Option<&'v Json<'_>>,
    ) {
        self.path.push(Segment::Key(key));
        self.patch_field(field, tokens, value);
        self.path.pop();
    }

    /// [`Decoder::patch_member`] for the field at the current path.
    fn patch_field<T: Decode>(
        &mut self,
        field: &mut Field<T>,
        tokens: &[String],
        value: Option<&'v Json<'_>>,
    ) {
        if let (false, Some(json), Field::Valid(inner)) = (tokens.is_empty(), value, &mut *field)
            && inner.patch(tokens, json, self)
        {
            return;
        }
        let at = self.pointer();
        self.problems
            .retain(|p| !pointer::is_at_or_under(&p.path, &at));
        self.redone = Some((at, self.problems.len()));
        *field = match value {
            Some(value) => self.field(value),
            None => Field::Absent,
        };
    }

    /// The problems after patching, and where the value decoded again is with the
    /// index its problems start at (they follow every other one).
    pub(crate) fn into_patched(self) -> (Vec<Located>, Option<(String, usize)>) {
        (self.problems, self.redone)
    }

    /// The JSON Pointer of the current value.
    pub fn pointer(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            match segment {
                Segment::Key(key) => pointer::push_token(&mut out, key),
                Segment::Index(index) => pointer::push_index(&mut out, *index),
            }
        }
        out
    }

    /// Records a problem at the current path.
    pub fn report(&mut self, problem: Problem) {
        if problem.is_reported_here() {
            let path = self.pointer();
            self.problems.push(Located { path, problem });
        }
    }

    /// Records a problem at a member of the current value.
    pub fn report_at(&mut self, key: &'v str, problem: Problem) {
        self.path.push(Segment::Key(key));
        self.report(problem);
        self.path.pop();
    }

    /// Decodes the member `key` of an object.
    pub fn member<T: Decode>(&mut self, key: &'v str, value: &'v Json<'_>) -> Field<T> {
        self.path.push(Segment::Key(key));
        let field = self.field(value);
        self.path.pop();
        field
    }

    /// Decodes the member `key` of `object`, which a composite value cannot do
    /// without: its absence is reported.
    pub fn required<T: Decode>(&mut self, object: &'v Json<'_>, key: &'v str) -> Field<T> {
        match object.get(key) {
            None | Some(Json::Null) => {
                self.report_at(key, Problem::Required);
                Field::Absent
            }
            Some(value) => self.member(key, value),
        }
    }

    /// Decodes a value at the current path.
    pub fn field<T: Decode>(&mut self, value: &'v Json<'_>) -> Field<T> {
        if value.is_null() {
            return Field::Absent;
        }
        match T::decode(value, self) {
            Ok(decoded) => Field::Valid(decoded),
            Err(problem) => {
                self.report(problem.clone());
                Field::Invalid(Box::new(Invalid {
                    raw: value.to_value(),
                    problem,
                }))
            }
        }
    }

    /// The members of an object, or a type problem.
    pub fn object<'j>(&self, value: &'j Json<'_>) -> Result<&'j [Member<'j>], Problem> {
        value.as_object().ok_or(Problem::WrongType {
            expected: JsonType::Object,
            found: JsonType::of(value),
        })
    }
}

/// Implements serde's `Deserialize` through [`Decode`]: a composite value keeps its
/// malformed members as [`Field::Invalid`] (so deserialising a document never loses
/// what was sent); a value that cannot be read at all is an error.
macro_rules! deserialize_via_decode {
    ($ty:ty) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let value = crate::json::Json::from(&value);
                let mut decoder = crate::model::Decoder::new();
                <$ty as crate::model::Decode>::decode(&value, &mut decoder)
                    .map_err(|problem| serde::de::Error::custom(problem.message(crate::Locale::En)))
            }
        }
    };
}
pub(crate) use deserialize_via_decode;

/// A type that can be read leniently from JSON.
pub trait Decode: Sized {
    /// Reads the value. Problems inside composite values are reported through
    /// `decoder` at their own paths, and the composite returns [`Problem::Nested`]
    /// only when it cannot be used as a whole.
    fn decode<'v>(value: &'v Json<'_>, decoder: &mut Decoder<'v>) -> Result<Self, Problem>;

    /// After an edit at `tokens` under this value (`value`: its JSON now), decodes
    /// again only what the edit changed, and says whether it could; when it cannot
    /// (the default, for values decoded whole) it changes nothing and the caller
    /// decodes the whole value again. Records and lists look inside.
    fn patch<'v>(
        &mut self,
        tokens: &[String],
        value: &'v Json<'_>,
        decoder: &mut Decoder<'v>,
    ) -> bool {
        let _ = (tokens, value, decoder);
        false
    }
}

/// A large record that is seldom given, kept out of line so that its parent stays
/// small: a waste line without test results is a third of the size.
impl<T: Decode> Decode for Box<T> {
    fn decode<'v>(value: &'v Json<'_>, decoder: &mut Decoder<'v>) -> Result<Self, Problem> {
        T::decode(value, decoder).map(Box::new)
    }

    fn patch<'v>(
        &mut self,
        tokens: &[String],
        value: &'v Json<'_>,
        decoder: &mut Decoder<'v>,
    ) -> bool {
        T::patch(self, tokens, value, decoder)
    }
}

/// Lists: every item is decoded on its own, so one bad line never hides the others.
impl<T: Decode> Decode for Vec<Field<T>> {
    fn decode<'v>(value: &'v Json<'_>, decoder: &mut Decoder<'v>) -> Result<Self, Problem> {
        let items = value.as_array().ok_or(Problem::WrongType {
            expected: JsonType::Array,
            found: JsonType::of(value),
        })?;
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            // Looked at every 256 items: an abandoned check stops reading early.
            if index % 256 == 255 && decoder.interrupt.is_raised() {
                break;
            }
            decoder.path.push(Segment::Index(index));
            out.push(decoder.field(item));
            decoder.path.pop();
        }
        Ok(out)
    }

    /// An edit inside an item decodes that item again; one that may have added or
    /// removed items (the list's length differs, `-`) cannot be patched.
    fn patch<'v>(
        &mut self,
        tokens: &[String],
        value: &'v Json<'_>,
        decoder: &mut Decoder<'v>,
    ) -> bool {
        let (Some((first, rest)), Some(items)) = (tokens.split_first(), value.as_array()) else {
            return false;
        };
        let Some(index) = pointer::index(first).filter(|i| *i < items.len()) else {
            return false;
        };
        if items.len() != self.len() {
            return false;
        }
        let (Some(field), Some(item)) = (self.get_mut(index), items.get(index)) else {
            return false;
        };
        decoder.path.push(Segment::Index(index));
        decoder.patch_field(field, rest, Some(item));
        decoder.path.pop();
        true
    }
}

/// A list of leniently decoded items.
pub type List<T> = Vec<Field<T>>;

impl Decode for bool {
    fn decode(value: &Json<'_>, _: &mut Decoder<'_>) -> Result<Self, Problem> {
        value.as_bool().ok_or(Problem::WrongType {
            expected: JsonType::Boolean,
            found: JsonType::of(value),
        })
    }
}

/// Declares a document record: a struct whose every field is a [`Field`], with its
/// lenient [`Decode`] (unknown members are reported, never dropped silently), its
/// serde serialisation and its JSON Schema (`additionalProperties: false`).
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_meta:meta])*
                $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, schemars::JsonSchema)]
        #[schemars(deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[$field_meta])*
                #[serde(skip_serializing_if = "crate::model::Field::is_absent")]
                pub $field: crate::model::Field<$ty>,
            )*
        }

        impl $name {
            /// The JSON member names of this record, in declaration order.
            pub const FIELDS: &'static [&'static str] =
                &[$(crate::model::member_name(stringify!($field))),*];
        }

        crate::model::field::deserialize_via_decode!($name);

        impl crate::model::node::Record for $name {
            fn member(&self, name: &str) -> crate::model::node::Node<'_> {
                use crate::model::node::AsNode;
                $(
                    if name == const { crate::model::member_name(stringify!($field)) } {
                        return self.$field.as_node();
                    }
                )*
                crate::model::node::Node::Absent
            }
        }

        impl crate::model::node::AsNode for $name {
            fn as_node(&self) -> crate::model::node::Node<'_> {
                crate::model::node::Node::Record(self)
            }
        }

        impl crate::model::Decode for $name {
            fn decode<'v>(
                value: &'v crate::json::Json<'_>,
                decoder: &mut crate::model::Decoder<'v>,
            ) -> Result<Self, crate::model::Problem> {
                let object = decoder.object(value)?;
                let mut out = Self::default();
                for (key, item) in object {
                    let key: &'v str = key;
                    $(
                        if key == const { crate::model::member_name(stringify!($field)) } {
                            out.$field = decoder.member(key, item);
                            continue;
                        }
                    )*
                    decoder.report_at(key, crate::model::Problem::UnknownField);
                }
                Ok(out)
            }

            fn patch<'v>(
                &mut self,
                tokens: &[String],
                value: &'v crate::json::Json<'_>,
                decoder: &mut crate::model::Decoder<'v>,
            ) -> bool {
                let (Some((first, rest)), Some(members)) = (tokens.split_first(), value.as_object()) else {
                    return false;
                };
                let member = members.iter().find(|(key, _)| key == first);
                $(
                    if first == const { crate::model::member_name(stringify!($field)) } {
                        // The path borrows the JSON's key, or the model's name once
                        // the member is gone.
                        let key: &'v str = match member {
                            Some((key, _)) => key,
                            None => const { crate::model::member_name(stringify!($field)) },
                        };
                        decoder.patch_member(key, &mut self.$field, rest, member.map(|(_, v)| v));
                        return true;
                    }
                )*
                // Not a member of the record: decoded whole again, to report it.
                false
            }
        }
    };
}
pub(crate) use record;

/// The JSON member name of a Rust field name (`r#type` → `type`).
pub const fn member_name(ident: &'static str) -> &'static str {
    match ident.as_bytes() {
        [b'r', b'#', rest @ ..] => match std::str::from_utf8(rest) {
            Ok(name) => name,
            Err(_) => ident,
        },
        _ => ident,
    }
}

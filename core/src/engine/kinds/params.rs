//! What each kind's `[check]` table may hold, as data: every parameter's name,
//! type, whether it is required, its default and what it means. Pack load checks a
//! table against it before the kind reads it (unknown keys, missing ones, wrong
//! types), and the rule schema and the kinds table of the spec are generated from
//! it.

use crate::model::Decimal;
use serde_json::{Value, json};

/// The type of a parameter's value, once a `"$name"` reference to a pack
/// parameter is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// A JSON Pointer to a field (`"/consignor/region"`, or relative to the item in
    /// a rule with `each`), or a member's name.
    Pointer,
    /// A list of JSON Pointers.
    Pointers,
    /// One JSON Pointer or a list of them.
    PointerOrPointers,
    /// A string.
    Text,
    /// A list of strings.
    Texts,
    /// One string or a list of them.
    TextOrTexts,
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// An exact decimal: a number, or a decimal written as a string.
    Decimal,
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A table of JSON Pointers (or lists of them) by name: `{ a = "/x", b = ["/y"] }`.
    PointersByName,
    /// A table of strings by name: `{ a = "x" }`.
    TextsByName,
    /// A table of these members.
    Table(&'static [Param]),
    /// A list of tables of these members (`[[check.NAME]]`).
    Tables(&'static [Param]),
    /// Both languages: `{ zh-CN = "…", en = "…" }`.
    Bilingual,
    /// `[first, last]`: 1-based positions, both ends included.
    Range,
    /// A list of strings or booleans.
    Values,
    /// A JSON Pointer or a table.
    PointerOrTable,
    /// A list of pairs of strings: `[["a", "b"], …]`.
    TextPairs,
    /// `show`: by name, a JSON Pointer, a list of them, or `{ field, labels }`.
    Shown,
}

/// One parameter of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// The key in `[check]`.
    pub name: &'static str,
    /// Its type.
    pub ty: ParamType,
    /// Whether every rule of the kind gives it.
    pub required: bool,
    /// What the kind takes when it is not given, as written in TOML.
    pub default: Option<&'static str>,
    /// What it means.
    pub doc: &'static str,
}

impl Param {
    /// A required parameter.
    pub const fn required(name: &'static str, ty: ParamType, doc: &'static str) -> Param {
        Param {
            name,
            ty,
            required: true,
            default: None,
            doc,
        }
    }

    /// An optional parameter.
    pub const fn optional(name: &'static str, ty: ParamType, doc: &'static str) -> Param {
        Param {
            name,
            ty,
            required: false,
            default: None,
            doc,
        }
    }

    /// The same parameter with a default (as written in TOML).
    pub const fn default(self, default: &'static str) -> Param {
        Param {
            default: Some(default),
            ..self
        }
    }
}

/// The options every kind takes, for its messages.
pub const COMMON: &[Param] = &[
    Param::optional(
        "show",
        ParamType::Shown,
        "`{ NAME = \"pointer\" }`: a document field's text added to each finding's parameters as `NAME` (a list of pointers: the first given; `{ field = \"…\", labels = { VALUE = { zh-CN = \"…\", en = \"…\" } } }` shows a value by its label)",
    ),
    Param::optional(
        "rename",
        ParamType::TextsByName,
        "`{ NAME = \"provided\" }`: a parameter the kind provides, carried under the name the rule's messages use",
    ),
];

impl ParamType {
    /// What a value of the type is, for messages and the spec.
    pub fn describe(self) -> String {
        match self {
            ParamType::Pointer => "a JSON Pointer (a string)".into(),
            ParamType::Pointers => "a list of JSON Pointers".into(),
            ParamType::PointerOrPointers => "a JSON Pointer or a list of them".into(),
            ParamType::Text => "a string".into(),
            ParamType::Texts => "a list of strings".into(),
            ParamType::TextOrTexts => "a string or a list of strings".into(),
            ParamType::Choice(choices) => format!("one of {}", choices.join(", ")),
            ParamType::Decimal => "a number".into(),
            ParamType::Integer => "a whole number".into(),
            ParamType::Boolean => "true or false".into(),
            ParamType::PointersByName => {
                "a table of JSON Pointers (or lists of them) by name".into()
            }
            ParamType::TextsByName => "a table of names (strings) by name".into(),
            ParamType::Table(_) => "a table".into(),
            ParamType::Tables(_) => "a list of tables".into(),
            ParamType::Bilingual => "{ zh-CN = \"…\", en = \"…\" }".into(),
            ParamType::Range => "[first, last], 1-based positions".into(),
            ParamType::Values => "a list of strings or booleans".into(),
            ParamType::PointerOrTable => "a JSON Pointer or a table".into(),
            ParamType::TextPairs => "a list of pairs of strings, [\"a\", \"b\"]".into(),
            ParamType::Shown => {
                "a table of JSON Pointers, lists of them, or { field, labels } by name".into()
            }
        }
    }

    /// A short name of the type, for the spec's table.
    pub fn short(self) -> &'static str {
        match self {
            ParamType::Pointer => "pointer",
            ParamType::Pointers => "[pointers]",
            ParamType::PointerOrPointers => "pointer or [pointers]",
            ParamType::Text => "text",
            ParamType::Texts => "[texts]",
            ParamType::TextOrTexts => "text or [texts]",
            ParamType::Choice(_) => "choice",
            ParamType::Decimal => "number",
            ParamType::Integer => "integer",
            ParamType::Boolean => "boolean",
            ParamType::PointersByName => "{ name = pointer(s) }",
            ParamType::TextsByName => "{ name = text }",
            ParamType::Table(_) => "table",
            ParamType::Tables(_) => "[tables]",
            ParamType::Bilingual => "{ zh-CN, en }",
            ParamType::Range => "[first, last]",
            ParamType::Values => "[values]",
            ParamType::PointerOrTable => "pointer or table",
            ParamType::TextPairs => "[[a, b]]",
            ParamType::Shown => "{ name = pointer(s) or table }",
        }
    }

    /// Whether `value` (its `$name` resolved) is of the type.
    pub fn accepts(self, value: &Value) -> bool {
        use serde_json::Value as V;
        let strings = |items: &[V]| items.iter().all(V::is_string);
        match (self, value) {
            (ParamType::Pointer | ParamType::Text | ParamType::Choice(_), V::String(_)) => true,
            (ParamType::Pointers | ParamType::Texts, V::Array(items)) => strings(items),
            (ParamType::PointerOrPointers | ParamType::TextOrTexts, V::String(_)) => true,
            (ParamType::PointerOrPointers | ParamType::TextOrTexts, V::Array(items)) => {
                strings(items)
            }
            (ParamType::Decimal, V::Number(_)) => true,
            (ParamType::Decimal, V::String(s)) => Decimal::from_str_exact(s).is_ok(),
            (ParamType::Integer, V::Number(n)) => n.as_i64().is_some(),
            (ParamType::Boolean, V::Bool(_)) => true,
            (ParamType::PointersByName, V::Object(t)) => t.values().all(|v| match v {
                V::String(_) => true,
                V::Array(items) => !items.is_empty() && strings(items),
                _ => false,
            }),
            (ParamType::TextsByName, V::Object(t)) => t.values().all(V::is_string),
            (ParamType::Table(_) | ParamType::Bilingual, V::Object(_)) => true,
            (ParamType::Tables(_), V::Array(items)) => items.iter().all(V::is_object),
            (ParamType::Range | ParamType::Values, V::Array(_)) => true,
            (ParamType::PointerOrTable, V::String(_) | V::Object(_)) => true,
            (ParamType::TextPairs, V::Array(items)) => items
                .iter()
                .all(|pair| pair.as_array().is_some_and(|p| p.len() == 2 && strings(p))),
            (ParamType::Shown, V::Object(_)) => true,
            _ => false,
        }
    }

    /// The JSON Schema of a value of the type (a `"$name"` reference aside).
    pub fn schema(self) -> Value {
        let pointers = json!({"type": "array", "items": {"type": "string"}});
        match self {
            ParamType::Pointer | ParamType::Text => json!({"type": "string"}),
            ParamType::Pointers | ParamType::Texts => pointers,
            ParamType::PointerOrPointers | ParamType::TextOrTexts => {
                json!({"anyOf": [{"type": "string"}, pointers]})
            }
            ParamType::Choice(choices) => json!({"enum": choices}),
            ParamType::Decimal => json!({"anyOf": [{"type": "number"}, {"type": "string"}]}),
            ParamType::Integer => json!({"type": "integer"}),
            ParamType::Boolean => json!({"type": "boolean"}),
            ParamType::PointersByName => json!({
                "type": "object",
                "additionalProperties": {"anyOf": [{"type": "string"}, pointers]}
            }),
            ParamType::TextsByName => {
                json!({"type": "object", "additionalProperties": {"type": "string"}})
            }
            ParamType::Table(members) => members_schema(members),
            ParamType::Tables(members) => {
                json!({"type": "array", "items": members_schema(members)})
            }
            ParamType::Bilingual => json!({
                "type": "object",
                "properties": {"zh-CN": {"type": "string"}, "en": {"type": "string"}},
                "required": ["zh-CN", "en"],
                "additionalProperties": false
            }),
            ParamType::Range => json!({
                "type": "array",
                "items": {"type": "integer", "minimum": 1},
                "minItems": 2,
                "maxItems": 2
            }),
            ParamType::Values => json!({
                "type": "array",
                "items": {"anyOf": [{"type": "string"}, {"type": "boolean"}]}
            }),
            ParamType::PointerOrTable => json!({"anyOf": [{"type": "string"}, {"type": "object"}]}),
            ParamType::TextPairs => json!({
                "type": "array",
                "items": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2}
            }),
            ParamType::Shown => json!({
                "type": "object",
                "additionalProperties": {"anyOf": [{"type": "string"}, pointers, {"type": "object"}]}
            }),
        }
    }

    /// Whether the type's schema takes any string anyway (so a `"$name"` needs no
    /// second schema).
    fn is_string(self) -> bool {
        matches!(
            self,
            ParamType::Pointer | ParamType::Text | ParamType::Decimal | ParamType::PointerOrTable
        )
    }
}

/// The schema of a table of `members`: each typed, the required ones, no others.
pub fn members_schema(members: &[Param]) -> Value {
    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    for member in members {
        properties.insert(member.name.into(), member.schema());
        if member.required {
            required.push(member.name);
        }
    }
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false
    })
}

impl Param {
    /// The JSON Schema of the parameter: its type, or a `"$name"` reference to a
    /// pack parameter.
    pub fn schema(&self) -> Value {
        let mut schema = if self.ty.is_string() {
            self.ty.schema()
        } else {
            json!({"anyOf": [self.ty.schema(), {"type": "string", "pattern": "^\\$"}]})
        };
        if let Some(object) = schema.as_object_mut() {
            let mut description = self.doc.to_owned();
            if let Some(default) = self.default {
                description.push_str(&format!(" (default {default})"));
            }
            object.insert("description".into(), Value::String(description));
        }
        schema
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Args, KINDS, compile};
    use super::*;
    use serde_json::Map;
    use std::collections::{BTreeMap, BTreeSet};

    /// A value of each type.
    fn sample(ty: ParamType) -> Value {
        let text = |s: &str| Value::String(s.into());
        let table = |pairs: Vec<(&str, Value)>| {
            Value::Object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
        };
        match ty {
            ParamType::Pointer | ParamType::Text | ParamType::PointerOrTable => text("/x"),
            ParamType::Pointers | ParamType::Texts => Value::Array(vec![text("/x")]),
            ParamType::PointerOrPointers | ParamType::TextOrTexts => text("/x"),
            ParamType::Choice(choices) => text(choices[0]),
            ParamType::Decimal | ParamType::Integer => json!(1),
            ParamType::Boolean => Value::Bool(true),
            ParamType::PointersByName | ParamType::TextsByName | ParamType::Shown => {
                table(vec![("a", text("/x"))])
            }
            ParamType::Table(_) | ParamType::Bilingual => table(vec![]),
            ParamType::Tables(_) => Value::Array(vec![table(vec![])]),
            ParamType::Range => json!([1, 2]),
            ParamType::Values => json!(["a", true]),
            ParamType::TextPairs => Value::Array(vec![Value::Array(vec![text("a"), text("b")])]),
        }
    }

    /// The keys a kind's compiler reads or looks at, over `table`.
    fn read(kind: &super::super::Kind, table: &Map<String, Value>) -> BTreeSet<String> {
        let params = BTreeMap::new();
        let mut args = Args::new(table, &params, true);
        let _ = compile(kind, &mut args);
        args.read_keys().into_iter().map(str::to_owned).collect()
    }

    /// Every key a kind's compiler reads is declared, and every declared key is
    /// read: over an empty table, a table of every parameter, and each alone.
    #[test]
    fn the_declarations_are_what_the_compilers_read() {
        for kind in KINDS {
            let declared: BTreeSet<String> = kind
                .params
                .iter()
                .chain(COMMON)
                .map(|p| p.name.to_owned())
                .chain(["kind".to_owned()])
                .collect();
            assert_eq!(
                declared.len(),
                kind.params.len() + COMMON.len() + 1,
                "`{}` declares a parameter twice",
                kind.name
            );
            let one = |params: &[&Param]| -> Map<String, Value> {
                let mut table: Map<String, Value> = params
                    .iter()
                    .map(|p| (p.name.to_owned(), sample(p.ty)))
                    .collect();
                table.insert("kind".into(), kind.name.into());
                table
            };
            let all: Vec<&Param> = kind.params.iter().collect();
            let mut tables = vec![one(&[]), one(&all)];
            tables.extend(all.iter().map(|p| one(&[p])));
            let mut seen = BTreeSet::new();
            for table in &tables {
                seen.extend(read(kind, table));
            }
            assert_eq!(seen, declared, "`{}`: read ≠ declared", kind.name);
            for param in kind.params {
                assert!(!param.doc.is_empty(), "{}.{}", kind.name, param.name);
                assert!(
                    param.ty.accepts(&sample(param.ty)),
                    "{}.{}",
                    kind.name,
                    param.name
                );
            }
        }
    }

    #[test]
    fn a_table_is_checked_against_the_declaration_all_at_once() {
        let table: Map<String, Value> = toml::from_str(
            "kind = \"balance\"\nplus = \"/a\"\ntolerance = \"$tol\"\nequals = \"$missing\"\ncolour = 1",
        )
        .unwrap();
        let params = [("tol".to_owned(), Value::Bool(true))]
            .into_iter()
            .collect();
        let mut args = Args::new(&table, &params, false);
        let (check, _) = compile(super::super::kind("balance").unwrap(), &mut args);
        assert!(check.is_none());
        // Each once: the kind's readers do not report those keys again.
        assert_eq!(
            args.problems,
            [
                "unknown parameter `colour`: `balance` takes plus, minus, equals, tolerance, show, rename",
                "`plus` must be a list of JSON Pointers",
                "`minus` is required: the terms subtracted (a list of JSON Pointers)",
                "`equals` refers to parameter `missing`, which no pack in the chain defines",
                "`tolerance` (`$tol`) must be a number",
            ]
        );
    }

    /// A TOML float and a JSON number are exact decimals as written.
    #[test]
    fn numbers_are_exact_decimals() {
        use std::str::FromStr;
        let from_toml: Map<String, Value> = toml::from_str("a = 0.2\nb = 7\nc = 1e3").unwrap();
        let from_json: Map<String, Value> =
            serde_json::from_str(r#"{"a": 0.2, "b": 7, "c": 1000.0}"#).unwrap();
        for table in [from_toml, from_json] {
            let number = |k: &str| super::super::number(table[k].as_number().unwrap()).unwrap();
            assert_eq!(number("a"), Decimal::from_str("0.2").unwrap());
            assert_eq!(number("a").to_string(), "0.2");
            assert_eq!(number("b"), Decimal::from(7));
            assert_eq!(number("c"), Decimal::from(1000));
        }
    }
}

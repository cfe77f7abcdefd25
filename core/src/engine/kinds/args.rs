//! Reading a `[check]` table: typed parameters, `$name` references to pack
//! parameters, and every problem reported (unknown keys too).

use super::params::{COMMON, Param};
use crate::json::pointer::Pointer;
use crate::model::Decimal;
use serde_json::{Map, Number, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

/// The exact decimal of a JSON number: an integer, or a float as its shortest text
/// (`0.2` is 0.2 exactly, as TOML and JSON sources write it).
pub fn number(n: &Number) -> Option<Decimal> {
    if let Some(i) = n.as_i64() {
        return Some(Decimal::from(i));
    }
    if let Some(u) = n.as_u64() {
        return Some(Decimal::from(u));
    }
    n.as_f64()
        .and_then(|f| Decimal::from_str(&f.to_string()).ok())
}

/// A field a check reads: a JSON Pointer from the root (`/consignor/region`) or,
/// in a rule with `each`, relative to the item (`code`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    /// The pointer.
    pub pointer: Pointer,
    /// From the document root rather than the item.
    pub absolute: bool,
}

/// The parameters of one check, being read.
#[derive(Debug)]
pub struct Args<'a> {
    table: &'a Map<String, Value>,
    params: &'a BTreeMap<String, Value>,
    has_each: bool,
    used: BTreeSet<&'a str>,
    /// Keys whose declared type or presence is already reported.
    reported: BTreeSet<&'a str>,
    /// Problems found so far.
    pub problems: Vec<String>,
    /// Every field reference read so far, with its parameter: what the check can
    /// read of a document.
    pub refs: Vec<(String, Ref)>,
    /// Fields read only to make the choices a finding offers (see
    /// [`Args::reads_for_offers`]).
    pub offer_refs: Vec<Ref>,
}

impl<'a> Args<'a> {
    /// Starts reading `table` (without its `kind`), with the chain's resolved params.
    pub fn new(
        table: &'a Map<String, Value>,
        params: &'a BTreeMap<String, Value>,
        has_each: bool,
    ) -> Self {
        let mut used = BTreeSet::new();
        used.insert("kind");
        Args {
            table,
            params,
            has_each,
            used,
            reported: BTreeSet::new(),
            problems: Vec::new(),
            refs: Vec::new(),
            offer_refs: Vec::new(),
        }
    }

    /// Checks the table against a kind's declared parameters (and the options
    /// every kind takes): unknown keys, required ones not given, values of the
    /// wrong type once a `$name` is resolved. Every problem is reported, and the
    /// typed readers do not report a key again.
    pub fn check_declared(&mut self, kind: &str, params: &[Param]) {
        let declared = || params.iter().chain(COMMON);
        for key in self.table.keys() {
            if key != "kind" && !declared().any(|p| p.name == key.as_str()) {
                let known: Vec<&str> = declared().map(|p| p.name).collect();
                self.problems.push(format!(
                    "unknown parameter `{key}`: `{kind}` takes {}",
                    known.join(", ")
                ));
            }
        }
        for param in declared() {
            let Some((key, value)) = self.table.get_key_value(param.name) else {
                if param.required {
                    self.problems.push(format!(
                        "`{}` is required: {} ({})",
                        param.name,
                        param.doc,
                        param.ty.describe()
                    ));
                    self.reported.insert(param.name);
                }
                continue;
            };
            let (value, via) = match value {
                Value::String(text) if text.starts_with('$') => match self.params.get(&text[1..]) {
                    Some(resolved) => (resolved, format!(" (`{text}`)")),
                    None => {
                        self.problems.push(format!(
                            "`{key}` refers to parameter `{}`, which no pack in the chain defines",
                            &text[1..]
                        ));
                        self.reported.insert(param.name);
                        continue;
                    }
                },
                value => (value, String::new()),
            };
            if !param.ty.accepts(value) {
                self.problems
                    .push(format!("`{key}`{via} must be {}", param.ty.describe()));
                self.reported.insert(param.name);
            }
        }
    }

    /// A problem with `key`, unless its declaration check reported it already.
    fn problem(&mut self, key: &str, message: String) {
        if !self.reported.contains(key) {
            self.problems.push(message);
        }
    }

    /// The keys read or looked at so far (`kind` included).
    #[cfg(test)]
    pub(crate) fn read_keys(&self) -> BTreeSet<&'a str> {
        self.used.clone()
    }

    fn raw(&mut self, key: &'a str) -> Option<&'a Value> {
        self.used.insert(key);
        let value = self.table.get(key)?;
        // `"$name"` names a pack parameter (a child pack may override it).
        if let Value::String(text) = value
            && let Some(name) = text.strip_prefix('$')
        {
            let resolved = self.params.get(name);
            if resolved.is_none() {
                self.problem(
                    key,
                    format!(
                        "`{key}` refers to parameter `{name}`, which no pack in the chain defines"
                    ),
                );
            }
            return resolved;
        }
        Some(value)
    }

    fn missing(&mut self, key: &str, what: &str) {
        self.problem(key, format!("`{key}` is required: {what}"));
    }

    /// A field reference, required.
    pub fn field(&mut self, key: &'a str) -> Option<Ref> {
        let value = self.optional_field(key);
        if value.is_none() && !self.table.contains_key(key) {
            self.missing(key, "a JSON Pointer to a field");
        }
        value
    }

    /// A field reference, optional.
    pub fn optional_field(&mut self, key: &'a str) -> Option<Ref> {
        match self.raw(key)? {
            Value::String(text) => self.reference(key, text),
            _ => {
                self.problem(key, format!("`{key}` must be a JSON Pointer string"));
                None
            }
        }
    }

    /// One field reference or a list of them, required.
    pub fn field_or_fields(&mut self, key: &'a str) -> Vec<Ref> {
        match self.table.get(key) {
            Some(Value::Array(_)) => self.fields(key),
            _ => self.field(key).into_iter().collect(),
        }
    }

    /// A list of field references.
    pub fn fields(&mut self, key: &'a str) -> Vec<Ref> {
        match self.raw(key) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|item| match item {
                    Value::String(text) => self.reference(key, text),
                    _ => {
                        self.problem(key, format!("`{key}` must list JSON Pointer strings"));
                        None
                    }
                })
                .collect(),
            Some(_) => {
                self.problem(key, format!("`{key}` must be an array of JSON Pointers"));
                Vec::new()
            }
            None => {
                self.missing(key, "an array of JSON Pointers");
                Vec::new()
            }
        }
    }

    /// Whether `key` is given as an array.
    pub fn is_array(&mut self, key: &'a str) -> bool {
        self.used.insert(key);
        matches!(self.table.get(key), Some(Value::Array(_)))
    }

    /// Whether `key` is given as a table.
    pub fn is_table(&mut self, key: &'a str) -> bool {
        self.used.insert(key);
        matches!(self.table.get(key), Some(Value::Object(_)))
    }

    /// Whether the table gives `key`.
    pub fn has(&mut self, key: &'a str) -> bool {
        self.used.insert(key);
        self.table.contains_key(key)
    }

    /// A list of field references, optional (empty when not given).
    pub fn optional_fields(&mut self, key: &'a str) -> Vec<Ref> {
        if self.table.contains_key(key) {
            self.fields(key)
        } else {
            self.used.insert(key);
            Vec::new()
        }
    }

    /// Field references or lists of them, or several fields, by name: `{ a = "/x", b = ["/y"] }`.
    pub fn fields_by_key(&mut self, key: &'a str) -> Vec<(String, Vec<Ref>)> {
        self.used.insert(key);
        let Some(value) = self.table.get(key) else {
            return Vec::new();
        };
        let Some(table) = value.as_object() else {
            self.problem(
                key,
                format!("`{key}` must be a table of JSON Pointer lists"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, value) in table {
            let texts: Vec<&str> = match value {
                Value::String(s) => vec![s.as_str()],
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if texts.is_empty() {
                self.problem(
                    key,
                    format!("`{key}.{name}` must be a JSON Pointer or a list of them"),
                );
            }
            let refs = texts
                .into_iter()
                .filter_map(|t| self.reference(key, t))
                .collect();
            out.push((name.clone(), refs));
        }
        out
    }

    /// Names by name: `{ a = "x", b = "y" }` (empty when not given).
    pub fn names_by_key(&mut self, key: &'a str) -> Vec<(String, String)> {
        self.used.insert(key);
        let Some(value) = self.table.get(key) else {
            return Vec::new();
        };
        let Some(table) = value.as_object() else {
            self.problem(key, format!("`{key}` must be a table of names"));
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, value) in table {
            match value.as_str() {
                Some(text) => out.push((name.clone(), text.to_owned())),
                None => self
                    .problems
                    .push(format!("`{key}.{name}` must be a name (a string)")),
            }
        }
        out
    }

    /// A list of strings (or a `$param` holding one), optional.
    pub fn optional_strings(&mut self, key: &'a str) -> Option<Vec<String>> {
        match self.raw(key)? {
            Value::Array(items) => {
                let texts: Vec<String> = items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect();
                if texts.len() != items.len() {
                    self.problem(key, format!("`{key}` must list strings"));
                }
                Some(texts)
            }
            _ => {
                self.problem(key, format!("`{key}` must be an array of strings"));
                None
            }
        }
    }

    /// One field reference or a list of them (the first one given counts), optional.
    pub fn optional_field_or_fields(&mut self, key: &'a str) -> Vec<Ref> {
        match self.table.get(key) {
            Some(Value::Array(_)) => self.fields(key),
            Some(_) => self.optional_field(key).into_iter().collect(),
            None => {
                self.used.insert(key);
                Vec::new()
            }
        }
    }

    /// An array (of tables, say), optional.
    pub fn optional_array(&mut self, key: &'a str) -> Option<&'a Vec<Value>> {
        match self.raw(key)? {
            Value::Array(items) => Some(items),
            _ => {
                self.problem(key, format!("`{key}` must be an array"));
                None
            }
        }
    }

    /// A sub-table, optional.
    pub fn optional_table(&mut self, key: &'a str) -> Option<&'a Map<String, Value>> {
        match self.raw(key)? {
            Value::Object(table) => Some(table),
            _ => {
                self.problem(key, format!("`{key}` must be a table"));
                None
            }
        }
    }

    /// The chain's parameters (for reading a sub-table's `$name` values).
    pub fn params(&self) -> &'a BTreeMap<String, Value> {
        self.params
    }

    /// Whether the rule iterates with `each`.
    pub fn has_each(&self) -> bool {
        self.has_each
    }

    /// A field the check reads beyond its parameters' (issue 21's [`Reads`]):
    /// absolute, or relative to the `each` item (a relative one is never read
    /// without `each`). Recorded with no parameter: it tells what the rule reads,
    /// never what it needs.
    ///
    /// [`Reads`]: crate::engine::chain::reads::Reads
    pub fn reads(&mut self, reference: Ref) {
        if reference.absolute || self.has_each {
            self.refs.push((String::new(), reference));
        }
    }

    /// A field read only to make the choices a finding offers, never to decide
    /// whether there is a finding: an edit of it re-runs the rule only while the
    /// rule has findings. Absolute, or relative to the `each` item.
    pub fn reads_for_offers(&mut self, reference: Ref) {
        if reference.absolute || self.has_each {
            self.offer_refs.push(reference);
        }
    }

    /// `member` of every item of the list at `list` (read from the root), which
    /// the check reads beyond its parameters' fields.
    pub fn reads_in_items(&mut self, list: &Pointer, member: &Pointer) {
        self.reads(Ref {
            pointer: list.any_item(member),
            absolute: true,
        });
    }

    /// A field reference written in a sub-table (`what.field`).
    pub fn reference_in(&mut self, key: &str, text: &str) -> Option<Ref> {
        self.reference(key, text)
    }

    fn reference(&mut self, key: &str, text: &str) -> Option<Ref> {
        let absolute = text.starts_with('/');
        if !absolute && !self.has_each {
            self.problems.push(format!(
                "`{key}` = \"{text}\" is relative, but the rule has no `each`: write it from the root, starting with `/`"
            ));
            return None;
        }
        if text.is_empty() || text.ends_with('/') || text.contains("//") {
            self.problems
                .push(format!("`{key}` = \"{text}\" is not a JSON Pointer"));
            return None;
        }
        let reference = Ref {
            pointer: Pointer::parse(text),
            absolute,
        };
        self.refs.push((key.to_owned(), reference.clone()));
        Some(reference)
    }

    /// An exact decimal (a number, or a decimal string), required.
    pub fn decimal(&mut self, key: &'a str) -> Option<Decimal> {
        let value = self.optional_decimal(key);
        if value.is_none() && !self.table.contains_key(key) {
            self.missing(key, "a number");
        }
        value
    }

    /// An exact decimal, optional.
    pub fn optional_decimal(&mut self, key: &'a str) -> Option<Decimal> {
        let parsed = match self.raw(key)? {
            Value::Number(n) => number(n),
            Value::String(s) => Decimal::from_str_exact(s).ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.problem(key, format!("`{key}` must be a number"));
        }
        parsed
    }

    /// A whole number, required.
    pub fn integer(&mut self, key: &'a str) -> Option<i64> {
        match self.raw(key) {
            Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64(),
            Some(_) => {
                self.problem(key, format!("`{key}` must be a whole number"));
                None
            }
            None => {
                self.missing(key, "a whole number");
                None
            }
        }
    }

    /// A whole number, optional.
    pub fn optional_integer(&mut self, key: &'a str) -> Option<i64> {
        match self.raw(key)? {
            Value::Number(n) if n.as_i64().is_some() => n.as_i64(),
            _ => {
                self.problem(key, format!("`{key}` must be a whole number"));
                None
            }
        }
    }

    /// A string, optional.
    pub fn optional_string(&mut self, key: &'a str) -> Option<&'a str> {
        match self.raw(key)? {
            Value::String(s) => Some(s),
            _ => {
                self.problem(key, format!("`{key}` must be a string"));
                None
            }
        }
    }

    /// One of `choices`, required.
    pub fn choice(&mut self, key: &'a str, choices: &[&'static str]) -> Option<&'static str> {
        let Some(value) = self.optional_string(key) else {
            if !self.table.contains_key(key) {
                self.missing(key, &format!("one of {}", choices.join(", ")));
            }
            return None;
        };
        let found = choices.iter().find(|c| **c == value).copied();
        if found.is_none() {
            self.problems.push(format!(
                "`{key}` = \"{value}\": use one of {}",
                choices.join(", ")
            ));
        }
        found
    }

    /// A boolean, with a default.
    pub fn flag(&mut self, key: &'a str, default: bool) -> bool {
        match self.raw(key) {
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.problem(key, format!("`{key}` must be true or false"));
                default
            }
            None => default,
        }
    }
}

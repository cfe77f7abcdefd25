//! The script tier: rule scripts in rhai, for the logic no check kind expresses,
//! run in the sandbox of [`super::sandbox`] with a domain function library.
//!
//! # What a script sees
//!
//! Constants (a script cannot change them, nor anything inside them):
//!
//! | name     | value                                                        |
//! |----------|--------------------------------------------------------------|
//! | `doc`    | the submitted document                                       |
//! | `facts`  | the reference facts (`()` when there are none)               |
//! | `params` | the chain's parameters (a map)                               |
//! | `as_of`  | the legal date, `"YYYY-MM-DD"`, or `()`                      |
//! | `item`   | the bound line item, when the rule iterates (`each = …`)     |
//! | `index`  | the bound line item's index in its list                      |
//!
//! The document, the facts and the item are read-only views of the JSON (see
//! *Sharing the input* below): `doc.wastes[0].code`, `doc?.carrier?.driver`,
//! `doc.wastes.len()`, `for w in doc.wastes { … }`, `"track_id" in doc`,
//! `doc.consignor.keys()` / `.values()`, and `type_of` says `map` or `array`. A
//! missing property is `()`. For the array and map functions of the basics
//! (`filter`, `map`, `push`, …) take a shallow copy with `to_array()` / `to_map()`.
//!
//! JSON numbers arrive as integers when they are whole and as exact decimals
//! otherwise (never binary floats), so `2.35` compares and adds exactly; decimal
//! strings (`"2.350"`) stay strings: use `decimal(s)` or `tonnes(q)`. rhai is built
//! without floats (`no_float`), so a script literal like `2.5` is an exact decimal
//! too.
//!
//! # What a script returns
//!
//! `()` or `false`: no finding. A map `#{path: "...", params: #{...}}`: one finding.
//! An array of such maps: one finding each. `path` is a JSON Pointer, absolute when
//! it starts with `/`, else relative to the bound item (or to the document when no
//! item is bound); `""` (or no `path`) is the item itself. `params` values must be
//! strings, integers, decimals (returned as strings, every digit kept),
//! booleans, `()` (null), or arrays and maps of those.
//!
//! # The domain library
//!
//! `spec/script-api.md` documents every function with an example (a test runs them);
//! the lookups of catalogue entries, exemptions, dates, units and facts are in
//! the private `library` module, the language's basics (strings, arrays, maps) in
//! [`basics`].
//!
//! | function                          | result                                                   |
//! |-----------------------------------|----------------------------------------------------------|
//! | `catalogue_has(code)`             | whether the code is in the chain's catalogue edition     |
//! | `category_of(code)`               | `"HW49"` (the list's category; for an unlisted but well-formed code, the one its last two digits name), `()` if malformed |
//! | `hazards_of(code)`                | the listed hazard characteristics, `["T", "I"]`; `[]` if unlisted |
//! | `working_days_between(from, to)`  | working days after `from` up to `to` (integer), `()` outside the calendar |
//! | `add_working_days(date, n)`       | `"YYYY-MM-DD"`, `()` beyond the calendar                 |
//! | `same_province(a, b)`, `same_city(a, b)`, `same_county(a, b)` | relations of GB/T 2260 region codes |
//! | `distance_km(lat1, lon1, lat2, lon2)` | great-circle distance (haversine, R = 6371.0088 km), a decimal |
//! | `decimal(s)`                      | the exact decimal `s` (`"2.350"`; also an integer or a decimal) |
//! | `tonnes(q)`                       | a quantity `#{value, unit}` (unit `t` or `kg`) in tonnes, exact |
//!
//! Dates are `YYYY-MM-DD` or RFC 3339 date-times (their local date). Lookups answer
//! "not there" for a malformed code or a missing one (`()`); the other functions
//! fail on malformed input, which makes the rule "not evaluated" rather than
//! silently passing. The catalogue and calendar lookups are registered as volatile,
//! so the optimiser never folds them into a compiled script.
//!
//! # Sharing the input
//!
//! [`ScriptEngine::to_dynamic`] converts a JSON value once per check into an
//! immutable tree: every JSON object and array is behind an `Arc`, and a script
//! sees it through two read-only rhai types (registered as `map` and `array`).
//! Putting the document in a script's scope, reading `doc.wastes`, binding an item
//! or iterating a list clones an `Arc`, never the data (DESIGN §3: never copy the
//! document per rule). This was chosen over rhai's own maps, for three reasons:
//!
//! * rhai's size limits count the *whole* of a value (every string byte and element
//!   inside it), and rhai checks them on the receiver of every method call: with
//!   the document as a rhai map, `doc.wastes.len()` on a 300-line manifest exceeds
//!   any limit small enough to stop a runaway script quickly. The views count as
//!   nothing, so the limits apply to what the script builds.
//! * rhai's shared values (`Dynamic::into_shared`) sit behind a lock; re-entering
//!   it makes rhai retry with `std::thread::sleep` (which traps on
//!   `wasm32-unknown-unknown`) and some paths `unwrap` the lock. The views have no
//!   lock, and are `Send + Sync`: one converted document may serve many threads.
//! * Nothing needs guarding against mutation: the views have no setters.

pub(crate) mod basics;
mod library;

use super::sandbox::{Limits, sandboxed_engine};
use crate::Catalogue;
use crate::calendar::Calendar;
use crate::json::Json;
use crate::model::{Amount, Date, DateTime, Decimal, RegionCode, WasteCode};
use crate::sorting;
use rhai::{
    AST, Array, Dynamic, Engine, EvalAltResult, FuncRegistration, INT, ImmutableString, Map,
    Position, Scope,
};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

/// Names of the script's inputs, in the order they are pushed.
const INPUTS: [&str; 6] = ["doc", "facts", "params", "as_of", "item", "index"];

/// Deepest nesting of a finding's parameters.
const MAX_PARAM_DEPTH: usize = 32;

/// Property names of the documents and facts (from the JSON Schemas in `spec/`).
/// Each gets a property getter on the input views: without one, rhai reaches the
/// view's indexer only after failing to find a getter (and formatting an error
/// message), which triples the cost of an access (0.05 → 0.17 µs measured). Any
/// other name still works, just through that path.
#[rustfmt::skip]
const KNOWN_PROPERTIES: &[&str] = &[
    "address", "amount", "approvals", "as_of", "batch_code", "capacity", "capacity_t",
    "carrier", "categories", "category", "closing_stock", "code", "codes", "completed_at",
    "confirmed_at", "consignor", "container_code", "containment_volume_m3", "count",
    "created_at", "credit_code", "cross_province_approval", "date", "declared_at",
    "destination", "dispatched_at", "disposed", "disposed_on_site", "driver", "entered_at",
    "enterprise", "enterprises", "entries", "evidence", "exemption", "expected_quantity",
    "expected_year_end_stock", "facilities", "facility_code", "facility_type", "filed_at",
    "filing_number", "form", "general", "handler", "hazardous", "hazards", "holder", "id",
    "identification_report", "industry", "insurance_policies", "insurer", "item",
    "key_supervised", "kind", "labelled", "largest_container_m3", "lat", "licence_number",
    "licences", "liquid", "lon", "lots", "manifest_number", "manifests", "method",
    "methods", "name", "number", "opening_stock", "own_treatment", "packaging", "paid_on",
    "paper_fallback", "payee_credit_code", "payee_name", "payments", "permit_number",
    "points", "produced", "production", "purpose", "qualification_number", "quantity",
    "reason", "receipts", "received_at", "received_quantity", "receiver",
    "receiver_credit_code", "receiver_licence_number", "receiver_name", "region", "scope",
    "signs", "site_id", "sites", "source_batch_code", "stage", "storage", "stored",
    "stored_at", "sum_insured", "t", "time", "track_id", "tracks", "transfer_type",
    "transferred", "transfers", "transport_permits", "type", "unit", "unit_class",
    "utilised", "utilised_on_site", "valid_from", "valid_until", "value", "vehicle_licence",
    "vehicle_plate", "vehicles", "wastes", "waybill_number", "waybills", "year",
    "zone_code", "zones",
];

/// Mean Earth radius (IUGG), for [`distance_km`].
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// The sandboxed rhai engine with the domain library, built once per pack chain.
pub struct ScriptEngine {
    engine: Engine,
}

impl fmt::Debug for ScriptEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScriptEngine").finish_non_exhaustive()
    }
}

/// A compiled rule script.
#[derive(Debug, Clone)]
pub struct CompiledScript {
    ast: AST,
}

/// What one run of a script sees.
#[derive(Debug, Clone, Copy)]
pub struct ScriptInput<'a> {
    /// The document, from [`ScriptEngine::to_dynamic`] (once per check).
    pub document: &'a Dynamic,
    /// The facts, from [`ScriptEngine::to_dynamic`] (`()` when there are none).
    pub facts: &'a Dynamic,
    /// The bound line item and its index, when the rule iterates.
    pub item: Option<(usize, &'a Dynamic)>,
    /// The chain's parameters, converted once per chain ([`ScriptEngine::params`]).
    pub params: &'a Dynamic,
    /// The legal date.
    pub as_of: Option<Date>,
}

/// One finding a script reported.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptFinding {
    /// A JSON Pointer: absolute (`/wastes/0/code`), relative to the bound item
    /// (`quantity/value`), or empty (the item itself). The caller resolves it.
    pub path: String,
    /// The message parameters.
    pub params: serde_json::Map<String, Value>,
}

/// Why a script run gave no answer. Any of these means the rule was not evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    /// A sandbox limit was reached (operations, call depth, sizes, variables).
    #[error("script stopped: limit on {what} reached")]
    Limit {
        /// Which limit.
        what: String,
    },
    /// The script failed: `throw`, a type error, a domain function refusing bad input.
    #[error("script failed{}: {message}", at_line(*line, None))]
    Runtime {
        /// What went wrong.
        message: String,
        /// The 1-based line in the script.
        line: Option<usize>,
    },
    /// The script returned something that is not a finding.
    #[error("script returned {message}")]
    BadResult {
        /// What was returned and why it is not a finding.
        message: String,
    },
}

/// Why a script does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("script does not compile{}: {message}", at_line(*line, *column))]
pub struct CompileError {
    /// The 1-based line.
    pub line: Option<usize>,
    /// The 1-based column.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

fn at_line(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(" at line {l}, column {c}"),
        (Some(l), None) => format!(" at line {l}"),
        _ => String::new(),
    }
}

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

fn fail<T>(message: String) -> RhaiResult<T> {
    Err(EvalAltResult::ErrorRuntime(message.into(), Position::NONE).into())
}

impl ScriptEngine {
    /// Builds the sandboxed engine and registers the input views and the domain
    /// library over the chain's catalogue and (if it has one) working-day calendar.
    pub fn new(
        limits: &Limits,
        catalogue: Arc<Catalogue>,
        calendar: Option<Arc<Calendar>>,
    ) -> Self {
        let mut engine = sandboxed_engine(limits);
        register_views(&mut engine);
        register_catalogue(&mut engine, &catalogue);
        register_calendar(&mut engine, calendar);
        register_pure(&mut engine);
        library::register_catalogue_lookups(&mut engine, &catalogue);
        library::register_dates_and_units(&mut engine);
        library::register_fact_lookups(&mut engine);
        ScriptEngine { engine }
    }

    /// Compiles a script. Unknown variables are compile errors (the inputs are
    /// known names).
    pub fn compile(&self, source: &str) -> Result<CompiledScript, CompileError> {
        // The inputs are declared as variables, not constants: the optimiser must
        // not fold one run's values into the script.
        let mut scope = Scope::new();
        for name in INPUTS {
            scope.push_dynamic(name, Dynamic::UNIT);
        }
        let compiled = catch_unwind(AssertUnwindSafe(|| {
            self.engine.compile_with_scope(&scope, source)
        }));
        match compiled {
            Ok(Ok(ast)) => Ok(CompiledScript { ast }),
            Ok(Err(error)) => Err(CompileError {
                line: error.1.line(),
                column: error.1.position(),
                message: error.0.to_string(),
            }),
            Err(_) => Err(CompileError {
                line: None,
                column: None,
                message: "internal error in the script compiler".into(),
            }),
        }
    }

    /// Runs a compiled script over one input and returns its findings.
    ///
    /// Cost: the inputs go into the scope as `Arc` clones; only `params` (a small
    /// map) is copied. A panic inside rhai (a bug there) is caught where the
    /// platform unwinds and reported as a runtime error.
    pub fn run(
        &self,
        script: &CompiledScript,
        input: &ScriptInput,
    ) -> Result<Vec<ScriptFinding>, ScriptError> {
        findings(&self.eval(script, input)?)
    }

    /// Runs a compiled script and returns what it evaluated to, as JSON: for
    /// tooling and documentation examples (rules go through [`ScriptEngine::run`]).
    pub fn evaluate(
        &self,
        script: &CompiledScript,
        input: &ScriptInput,
    ) -> Result<Value, ScriptError> {
        let value = self.eval(script, input)?;
        to_json(&value, 0).map_err(|message| ScriptError::BadResult { message })
    }

    /// The names of every function of the domain library (the sandbox's rhai
    /// built-ins aside), as `spec/script-api.md` documents them.
    pub fn library() -> Vec<&'static str> {
        let mut names = vec![
            "catalogue_has",
            "category_of",
            "hazards_of",
            "working_days_between",
            "add_working_days",
            "same_province",
            "same_city",
            "same_county",
            "distance_km",
            "decimal",
            "tonnes",
        ];
        names.extend_from_slice(library::NAMES);
        names
    }

    /// The names of the language's basics (strings, arrays, maps, integer parsing)
    /// that scripts get instead of rhai's standard packages, as `spec/script-api.md`
    /// documents them.
    pub fn basics() -> &'static [&'static str] {
        basics::NAMES
    }

    /// Runs a compiled script over one input and returns what it evaluated to.
    fn eval(&self, script: &CompiledScript, input: &ScriptInput) -> Result<Dynamic, ScriptError> {
        let mut scope = Scope::new();
        scope.push_constant_dynamic("doc", input.document.clone());
        scope.push_constant_dynamic("facts", input.facts.clone());
        scope.push_constant_dynamic("params", input.params.clone());
        let as_of = input
            .as_of
            .map_or(Dynamic::UNIT, |d| Dynamic::from(d.to_string()));
        scope.push_constant_dynamic("as_of", as_of);
        if let Some((index, item)) = input.item {
            scope.push_constant_dynamic("item", item.clone());
            scope.push_constant_dynamic(
                "index",
                Dynamic::from_int(INT::try_from(index).unwrap_or(INT::MAX)),
            );
        }
        let result = catch_unwind(AssertUnwindSafe(|| {
            self.engine
                .eval_ast_with_scope::<Dynamic>(&mut scope, &script.ast)
        }));
        match result {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(script_error(*error)),
            Err(_) => Err(ScriptError::Runtime {
                message: "internal error in the script engine".into(),
                line: None,
            }),
        }
    }

    /// Converts a JSON value (a document, the facts, a line item, a parameter) for
    /// scripts, once, to be given to every script rule: objects and arrays become
    /// read-only views behind an `Arc` (cloning the result never copies the data),
    /// whole numbers integers, other numbers exact decimals, `null` `()`.
    pub fn to_dynamic(value: &Value) -> Dynamic {
        ScriptEngine::json_to_dynamic(&Json::from(value))
    }

    /// [`ScriptEngine::to_dynamic`] for a document as [`crate::json::parse`] reads it.
    pub fn json_to_dynamic(value: &Json<'_>) -> Dynamic {
        match value {
            Json::Null => Dynamic::UNIT,
            Json::Bool(b) => Dynamic::from_bool(*b),
            Json::Number(n) => number(n),
            Json::String(s) => Dynamic::from(ImmutableString::from(s.as_ref())),
            Json::Array(items) => Dynamic::from(JsonArray(Arc::new(
                items.iter().map(ScriptEngine::json_to_dynamic).collect(),
            ))),
            Json::Object(fields) => Dynamic::from(JsonMap(Arc::new(sorting::map_from(
                fields.iter().map(|(k, v)| {
                    (
                        ImmutableString::from(k.as_ref()),
                        ScriptEngine::json_to_dynamic(v),
                    )
                }),
            )))),
        }
    }

    /// An object of values already converted (see [`ScriptEngine::to_dynamic`]).
    pub fn map_of<'a>(members: impl IntoIterator<Item = (&'a str, Dynamic)>) -> Dynamic {
        Dynamic::from(JsonMap(Arc::new(sorting::map_from(
            members
                .into_iter()
                .map(|(k, v)| (ImmutableString::from(k), v)),
        ))))
    }

    /// The part of a converted value (from [`ScriptEngine::to_dynamic`]) at an RFC
    /// 6901 JSON Pointer, sharing its data: binding a line item this way
    /// (`pointer(&doc, "/wastes/2")`) costs an `Arc` clone instead of a conversion.
    /// `None` if nothing is there.
    pub fn pointer(value: &Dynamic, pointer: &str) -> Option<Dynamic> {
        if pointer.is_empty() {
            return Some(value.clone());
        }
        let mut here = value.clone();
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            let next = if let Some(map) = here.read_lock::<JsonMap>() {
                map.0.get(token.as_str()).cloned()
            } else if let Some(array) = here.read_lock::<JsonArray>() {
                token
                    .parse::<usize>()
                    .ok()
                    .filter(|_| token == "0" || !token.starts_with('0'))
                    .and_then(|i| array.0.get(i).cloned())
            } else {
                None
            };
            here = next?;
        }
        Some(here)
    }
}

fn number(n: &serde_json::Number) -> Dynamic {
    if let Some(i) = n.as_i64() {
        return Dynamic::from_int(i);
    }
    let text = n.to_string();
    let exact = if text.contains(['e', 'E']) {
        Decimal::from_scientific(&text)
    } else {
        Decimal::from_str_exact(&text)
    };
    match exact {
        Ok(d) => Dynamic::from_decimal(d),
        // Scripts have no binary floats (rhai's `no_float`): a number beyond an exact
        // decimal's range (±7.9 × 10²⁸, or more than 28 places) stays its JSON text.
        Err(_) => Dynamic::from(text),
    }
}

/// A JSON object of the input, read-only and shared (rhai type name `map`).
#[derive(Debug, Clone)]
struct JsonMap(Arc<BTreeMap<ImmutableString, Dynamic>>);

/// A JSON array of the input, read-only and shared (rhai type name `array`).
#[derive(Debug, Clone)]
struct JsonArray(Arc<Vec<Dynamic>>);

/// Iterates a [`JsonArray`] by `Arc` clones of its elements.
#[derive(Debug)]
struct JsonArrayIter {
    array: Arc<Vec<Dynamic>>,
    next: usize,
}

impl Iterator for JsonArrayIter {
    type Item = Dynamic;
    fn next(&mut self) -> Option<Dynamic> {
        let item = self.array.get(self.next).cloned();
        self.next += 1;
        item
    }
}

impl IntoIterator for JsonArray {
    type Item = Dynamic;
    type IntoIter = JsonArrayIter;
    fn into_iter(self) -> JsonArrayIter {
        JsonArrayIter {
            array: self.0,
            next: 0,
        }
    }
}

fn len_int(len: usize) -> INT {
    INT::try_from(len).unwrap_or(INT::MAX)
}

/// Equality of two values as `in` / `contains` needs it: plain values by value
/// (an integer equals the same decimal), views by identity.
fn same_value(a: &Dynamic, b: &Dynamic) -> bool {
    if let (Some(x), Some(y)) = (a.read_lock::<JsonMap>(), b.read_lock::<JsonMap>()) {
        return Arc::ptr_eq(&x.0, &y.0);
    }
    if let (Some(x), Some(y)) = (a.read_lock::<JsonArray>(), b.read_lock::<JsonArray>()) {
        return Arc::ptr_eq(&x.0, &y.0);
    }
    let decimal = |v: &Dynamic| {
        v.as_decimal()
            .ok()
            .or_else(|| v.as_int().ok().map(Decimal::from))
    };
    if let (Some(x), Some(y)) = (decimal(a), decimal(b)) {
        return x == y;
    }
    if let (Ok(x), Ok(y)) = (a.as_bool(), b.as_bool()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (
        a.read_lock::<ImmutableString>(),
        b.read_lock::<ImmutableString>(),
    ) {
        return *x == *y;
    }
    a.is_unit() && b.is_unit()
}

/// Registers the read-only views of the input. Every function is pure (it may be
/// called on the constant inputs) and none changes a view.
fn register_views(engine: &mut Engine) {
    engine
        .register_type_with_name::<JsonMap>("map")
        .register_type_with_name::<JsonArray>("array")
        .register_iterator::<JsonArray>();

    // `m.key` and `m["key"]`: a missing key is `()`, as in a rhai map.
    FuncRegistration::new_index_getter()
        .register_into_engine(engine, |m: &mut JsonMap, key: &str| {
            m.0.get(key).cloned().unwrap_or(Dynamic::UNIT)
        });
    for key in KNOWN_PROPERTIES {
        FuncRegistration::new_getter(key).register_into_engine(engine, move |m: &mut JsonMap| {
            m.0.get(*key).cloned().unwrap_or(Dynamic::UNIT)
        });
    }
    // `a[i]`, negative from the end; out of bounds is an error, as in a rhai array.
    FuncRegistration::new_index_getter().register_into_engine(
        engine,
        |a: &mut JsonArray, i: INT| -> RhaiResult<Dynamic> {
            let len = a.0.len();
            let at = if i < 0 {
                usize::try_from(i.unsigned_abs())
                    .ok()
                    .and_then(|back| len.checked_sub(back))
            } else {
                usize::try_from(i).ok()
            };
            at.and_then(|at| a.0.get(at).cloned())
                .ok_or_else(|| EvalAltResult::ErrorArrayBounds(len, i, Position::NONE).into())
        },
    );

    let pure = |name: &str| FuncRegistration::new(name).with_purity(true);
    pure("len").register_into_engine(engine, |m: &mut JsonMap| len_int(m.0.len()));
    pure("len").register_into_engine(engine, |a: &mut JsonArray| len_int(a.0.len()));
    pure("is_empty").register_into_engine(engine, |m: &mut JsonMap| m.0.is_empty());
    pure("is_empty").register_into_engine(engine, |a: &mut JsonArray| a.0.is_empty());
    // `"key" in m`
    pure("contains")
        .register_into_engine(engine, |m: &mut JsonMap, key: &str| m.0.contains_key(key));
    // `value in a`
    pure("contains").register_into_engine(engine, |a: &mut JsonArray, value: Dynamic| {
        a.0.iter().any(|v| basics::equal(v, &value))
    });
    pure("keys").register_into_engine(engine, |m: &mut JsonMap| -> Array {
        m.0.keys().map(|k| Dynamic::from(k.clone())).collect()
    });
    pure("values").register_into_engine(engine, |m: &mut JsonMap| -> Array {
        m.0.values().cloned().collect()
    });
    // Shallow copies, for the rest of rhai's map and array functions. Nested objects
    // and arrays stay views.
    pure("to_map").register_into_engine(engine, |m: &mut JsonMap| -> Map {
        m.0.iter()
            .map(|(k, v)| (k.as_str().into(), v.clone()))
            .collect()
    });
    pure("to_array").register_into_engine(engine, |a: &mut JsonArray| -> Array {
        a.0.iter().cloned().collect()
    });
    // String forms (for `${…}` and messages): compact JSON.
    for name in ["to_string", "to_debug"] {
        pure(name).register_into_engine(engine, |m: &mut JsonMap| -> String {
            view_text(&Dynamic::from(m.clone()))
        });
        pure(name).register_into_engine(engine, |a: &mut JsonArray| -> String {
            view_text(&Dynamic::from(a.clone()))
        });
    }
}

fn view_text(value: &Dynamic) -> String {
    to_json(value, 0).map_or_else(|e| format!("<{e}>"), |json| json.to_string())
}

fn script_error(mut error: EvalAltResult) -> ScriptError {
    // An error inside a script function is reported as the inner error.
    while let EvalAltResult::ErrorInFunctionCall(_, _, inner, _) = error {
        error = *inner;
    }
    let limit = |what: &str| ScriptError::Limit { what: what.into() };
    match error {
        EvalAltResult::ErrorTooManyOperations(_) => limit("operations"),
        EvalAltResult::ErrorStackOverflow(_) => limit("call depth"),
        EvalAltResult::ErrorTooManyVariables(_) => limit("variables"),
        EvalAltResult::ErrorDataTooLarge(what, _) => ScriptError::Limit {
            what: what.to_lowercase(),
        },
        EvalAltResult::ErrorParsing(rhai::ParseErrorType::ExprTooDeep, _) => {
            limit("expression depth")
        }
        EvalAltResult::ErrorRuntime(value, position) => ScriptError::Runtime {
            message: value
                .clone()
                .into_immutable_string()
                .map_or_else(|_| value.to_string(), |s| s.to_string()),
            line: position.line(),
        },
        mut other => {
            let position = other.take_position();
            ScriptError::Runtime {
                message: other.to_string(),
                line: position.line(),
            }
        }
    }
}

/// The fields of a map: a rhai map or a view.
fn fields(value: &Dynamic) -> Option<Vec<(ImmutableString, Dynamic)>> {
    if let Some(map) = value.read_lock::<Map>() {
        return Some(
            map.iter()
                .map(|(k, v)| (ImmutableString::from(k.as_str()), v.clone()))
                .collect(),
        );
    }
    value
        .read_lock::<JsonMap>()
        .map(|m| m.0.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

/// The elements of an array: a rhai array or a view.
fn elements(value: &Dynamic) -> Option<Vec<Dynamic>> {
    if let Some(items) = value.read_lock::<Array>() {
        return Some(items.to_vec());
    }
    value.read_lock::<JsonArray>().map(|a| a.0.to_vec())
}

/// Reads what a script evaluated to.
fn findings(value: &Dynamic) -> Result<Vec<ScriptFinding>, ScriptError> {
    if value.is_unit() || value.as_bool() == Ok(false) {
        return Ok(Vec::new());
    }
    if let Some(map) = fields(value) {
        return finding(&map).map(|f| vec![f]);
    }
    if let Some(items) = elements(value) {
        return items
            .iter()
            .enumerate()
            .map(|(i, item)| match fields(item) {
                Some(map) => finding(&map),
                None => Err(ScriptError::BadResult {
                    message: format!(
                        "an array whose element {i} is {}; expected finding maps #{{path, params}}",
                        describe(item)
                    ),
                }),
            })
            .collect();
    }
    Err(ScriptError::BadResult {
        message: format!(
            "{}; expected (), false, a finding #{{path, params}} or an array of findings",
            describe(value)
        ),
    })
}

fn finding(map: &[(ImmutableString, Dynamic)]) -> Result<ScriptFinding, ScriptError> {
    let bad = |message: String| ScriptError::BadResult { message };
    if let Some((key, _)) = map
        .iter()
        .find(|(k, _)| !matches!(k.as_str(), "path" | "params"))
    {
        return Err(bad(format!(
            "a finding with an unknown key `{key}` (a finding has `path` and `params`)"
        )));
    }
    let get = |name: &str| map.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v);
    let path = match get("path") {
        None => String::new(),
        Some(p) if p.is_unit() => String::new(),
        Some(p) => match p.read_lock::<ImmutableString>() {
            Some(s) => s.to_string(),
            None => return Err(bad(format!("a finding whose path is {}", describe(p)))),
        },
    };
    if !is_pointer(&path) {
        return Err(bad(format!(
            "a finding whose path `{path}` is not a JSON Pointer (`/wastes/0/code`, or `quantity/value` relative to the item)"
        )));
    }
    let params = match get("params") {
        None => serde_json::Map::new(),
        Some(p) if p.is_unit() => serde_json::Map::new(),
        Some(p) => match fields(p) {
            Some(fields) => sorting::try_map_from(fields.iter().map(|(k, v)| {
                to_json(v, 0)
                    .map(|json| (k.to_string(), json))
                    .map_err(|what| bad(format!("a finding whose param `{k}` {what}")))
            }))?,
            None => return Err(bad(format!("a finding whose params are {}", describe(p)))),
        },
    };
    Ok(ScriptFinding { path, params })
}

/// Whether `path` is empty, an RFC 6901 pointer, or a plain relative one (an RFC
/// 6901 pointer without its leading `/`, with no empty, `.` or `..` segment).
fn is_pointer(path: &str) -> bool {
    let escapes_ok = |segment: &str| {
        let mut chars = segment.chars();
        while let Some(c) = chars.next() {
            if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
                return false;
            }
        }
        true
    };
    if path.is_empty() {
        return true;
    }
    match path.strip_prefix('/') {
        Some(absolute) => absolute.split('/').all(escapes_ok),
        None => path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != ".." && escapes_ok(s)),
    }
}

/// A value as JSON (a finding parameter, a view's text); `Err` says what is wrong.
fn to_json(value: &Dynamic, depth: usize) -> Result<Value, String> {
    if depth > MAX_PARAM_DEPTH {
        return Err(format!("is nested more than {MAX_PARAM_DEPTH} deep"));
    }
    if value.is_unit() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Ok(i) = value.as_int() {
        return Ok(Value::from(i));
    }
    if let Ok(d) = value.as_decimal() {
        return Ok(Value::String(d.to_string()));
    }
    if let Ok(c) = value.as_char() {
        return Ok(Value::String(c.to_string()));
    }
    if let Some(s) = value.read_lock::<ImmutableString>() {
        return Ok(Value::String(s.to_string()));
    }
    if let Some(items) = elements(value) {
        return items
            .iter()
            .map(|v| to_json(v, depth + 1))
            .collect::<Result<_, _>>()
            .map(Value::Array);
    }
    if let Some(fields) = fields(value) {
        return sorting::try_map_from(
            fields
                .iter()
                .map(|(k, v)| to_json(v, depth + 1).map(|json| (k.to_string(), json))),
        )
        .map(Value::Object);
    }
    Err(format!("is {}, which has no JSON form", describe(value)))
}

/// What a value is, for messages.
fn describe(value: &Dynamic) -> String {
    let shown: String = value.to_string().chars().take(40).collect();
    if value.is_unit() {
        "()".into()
    } else if value.is_string() {
        format!("the string \"{shown}\"")
    } else if value.is_int() {
        format!("the integer {shown}")
    } else if value.is_bool() {
        format!("the boolean {shown}")
    } else if value.is_decimal() {
        format!("the decimal {shown}")
    } else if value.is_array() || value.is::<JsonArray>() {
        "an array".into()
    } else if value.is_map() || value.is::<JsonMap>() {
        "a map".into()
    } else {
        format!("a value of type {}", value.type_name())
    }
}

fn register_catalogue(engine: &mut Engine, catalogue: &Arc<Catalogue>) {
    let lookup = |catalogue: &Catalogue, code: &str| {
        code.parse::<WasteCode>()
            .ok()
            .and_then(|code| catalogue.get(&code).cloned())
    };

    let c = catalogue.clone();
    FuncRegistration::new("catalogue_has")
        .with_volatility(true)
        .register_into_engine(engine, move |code: &str| lookup(&c, code).is_some());

    let c = catalogue.clone();
    FuncRegistration::new("category_of")
        .with_volatility(true)
        .register_into_engine(engine, move |code: &str| -> Dynamic {
            match (lookup(&c, code), code.parse::<WasteCode>()) {
                (Some(entry), _) => entry.category.to_string().into(),
                (None, Ok(code)) => code.category().to_string().into(),
                (None, Err(_)) => Dynamic::UNIT,
            }
        });

    let c = catalogue.clone();
    FuncRegistration::new("hazards_of")
        .with_volatility(true)
        .register_into_engine(engine, move |code: &str| -> Array {
            lookup(&c, code).map_or_else(Array::new, |entry| {
                entry
                    .hazards
                    .listed
                    .iter()
                    .map(|h| Dynamic::from(h.to_string()))
                    .collect()
            })
        });

    // A missing field (`()`) is simply not in the catalogue.
    FuncRegistration::new("catalogue_has")
        .with_volatility(true)
        .register_into_engine(engine, |_: ()| false);
    FuncRegistration::new("category_of")
        .with_volatility(true)
        .register_into_engine(engine, |_: ()| ());
    FuncRegistration::new("hazards_of")
        .with_volatility(true)
        .register_into_engine(engine, |_: ()| Array::new());
}

/// A date or date-time string as a calendar date (a date-time's local date).
fn parse_day(text: &str) -> RhaiResult<Date> {
    if let Ok(date) = text.parse::<Date>() {
        return Ok(date);
    }
    match text.parse::<DateTime>() {
        Ok(t) => Ok(t.local_date()),
        Err(_) => fail(format!(
            "`{text}` is not a date (YYYY-MM-DD) or an RFC 3339 date-time"
        )),
    }
}

fn register_calendar(engine: &mut Engine, calendar: Option<Arc<Calendar>>) {
    let need = |calendar: &Option<Arc<Calendar>>| match calendar {
        Some(c) => Ok(c.clone()),
        None => fail("the pack chain has no working-day calendar".into()),
    };

    let cal = calendar.clone();
    FuncRegistration::new("working_days_between")
        .with_volatility(true)
        .register_into_engine(engine, move |from: &str, to: &str| -> RhaiResult<Dynamic> {
            let calendar = need(&cal)?;
            let (from, to) = (parse_day(from)?, parse_day(to)?);
            Ok(calendar
                .working_days_between(from, to)
                .map_or(Dynamic::UNIT, Dynamic::from_int))
        });

    FuncRegistration::new("add_working_days")
        .with_volatility(true)
        .register_into_engine(engine, move |date: &str, n: INT| -> RhaiResult<Dynamic> {
            let calendar = need(&calendar)?;
            let date = parse_day(date)?;
            if n < 0 {
                return fail(format!("add_working_days: {n} is negative"));
            }
            // More days than a u32 holds is beyond any calendar.
            Ok(u32::try_from(n)
                .ok()
                .and_then(|n| calendar.add_working_days(date, n))
                .map_or(Dynamic::UNIT, |d| d.to_string().into()))
        });
}

fn region(text: &str) -> RhaiResult<RegionCode> {
    text.parse().or_else(|_| {
        fail(format!(
            "`{text}` is not a region code (GB/T 2260, six digits)"
        ))
    })
}

/// A number argument (integer or decimal) as a float, for the trigonometry.
fn float_arg(name: &str, value: &Dynamic) -> RhaiResult<f64> {
    use rust_decimal::prelude::ToPrimitive;
    let f = if let Ok(i) = value.as_int() {
        i.to_f64()
    } else if let Ok(d) = value.as_decimal() {
        d.to_f64()
    } else {
        None
    };
    match f {
        Some(f) if f.is_finite() => Ok(f),
        _ => fail(format!(
            "distance_km: {name} is {}, not a number",
            describe(value)
        )),
    }
}

/// Great-circle distance in km between two points in degrees (haversine).
fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let (dphi, dlambda) = ((lat2 - lat1).to_radians(), (lon2 - lon1).to_radians());
    let a = (dphi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (dlambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

/// `digits[.digits]`, optionally signed, as an exact decimal.
fn parse_exact(text: &str) -> Option<Decimal> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(int) && digits(frac)) {
        return None;
    }
    Decimal::from_str_exact(text.strip_prefix('+').unwrap_or(text)).ok()
}

/// A float as the decimal of its shortest exact representation (`0.1` → 0.1).
fn float_to_decimal(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    parse_exact(&format!("{f}"))
}

fn register_pure(engine: &mut Engine) {
    for (name, relation) in [
        (
            "same_province",
            RegionCode::same_province as fn(&RegionCode, &RegionCode) -> bool,
        ),
        ("same_city", RegionCode::same_city),
        ("same_county", RegionCode::same_county),
    ] {
        FuncRegistration::new(name)
            .register_into_engine(engine, move |a: &str, b: &str| -> RhaiResult<bool> {
                Ok(relation(&region(a)?, &region(b)?))
            });
    }

    FuncRegistration::new("distance_km").register_into_engine(
        engine,
        |lat1: Dynamic, lon1: Dynamic, lat2: Dynamic, lon2: Dynamic| -> RhaiResult<Decimal> {
            let (lat1, lon1) = (float_arg("lat1", &lat1)?, float_arg("lon1", &lon1)?);
            let (lat2, lon2) = (float_arg("lat2", &lat2)?, float_arg("lon2", &lon2)?);
            for (name, lat) in [("lat1", lat1), ("lat2", lat2)] {
                if !(-90.0..=90.0).contains(&lat) {
                    return fail(format!("distance_km: {name} {lat} is not a latitude"));
                }
            }
            for (name, lon) in [("lon1", lon1), ("lon2", lon2)] {
                if !(-180.0..=180.0).contains(&lon) {
                    return fail(format!("distance_km: {name} {lon} is not a longitude"));
                }
            }
            let km = distance_km(lat1, lon1, lat2, lon2);
            float_to_decimal(km).map_or_else(
                || fail(format!("distance_km: {km} has no exact decimal")),
                Ok,
            )
        },
    );

    FuncRegistration::new("decimal").register_into_engine(
        engine,
        |text: &str| -> RhaiResult<Decimal> {
            parse_exact(text.trim()).map_or_else(
                || fail(format!("decimal: `{text}` is not an exact decimal")),
                Ok,
            )
        },
    );
    FuncRegistration::new("decimal").register_into_engine(engine, |i: INT| Decimal::from(i));
    FuncRegistration::new("decimal").register_into_engine(engine, |d: Decimal| d);

    FuncRegistration::new("tonnes").register_into_engine(engine, |quantity: Map| {
        tonnes(|key| quantity.get(key).cloned())
    });
    FuncRegistration::new("tonnes").register_into_engine(engine, |quantity: JsonMap| {
        tonnes(|key| quantity.0.get(key).cloned())
    });
}

/// A quantity `#{value, unit}` in tonnes, exactly.
fn tonnes(get: impl Fn(&str) -> Option<Dynamic>) -> RhaiResult<Decimal> {
    let value = get("value");
    let amount = match &value {
        Some(v) if v.is_string() => v
            .read_lock::<ImmutableString>()
            .and_then(|s| s.parse::<Amount>().ok())
            .map(|a| a.0),
        Some(v) if v.is_int() => v.as_int().ok().map(Decimal::from),
        Some(v) if v.is_decimal() => v.as_decimal().ok(),
        _ => None,
    };
    let amount = match amount {
        Some(a) if !a.is_sign_negative() || a.is_zero() => a,
        _ => {
            let shown = value.as_ref().map_or_else(|| "missing".into(), describe);
            return fail(format!(
                "tonnes: the value is {shown}, not a non-negative exact decimal"
            ));
        }
    };
    let unit = get("unit").and_then(|u| u.read_lock::<ImmutableString>().map(|s| s.to_string()));
    match unit.as_deref() {
        Some("t") => Ok(amount),
        Some("kg") => {
            // value / 1000 exactly: three more decimal places.
            let mut t = amount;
            t.set_scale(amount.scale() + 3)
                .or_else(|_| fail(format!("tonnes: {amount} kg has too many decimal places")))?;
            Ok(t)
        }
        other => fail(format!(
            "tonnes: the unit is {}, not `t` or `kg`",
            other.map_or_else(|| "missing".into(), |u| format!("`{u}`"))
        )),
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // the tests time the limits with `Instant::now`
mod tests {
    use super::*;
    use crate::catalogue::{Edition, Sources};
    use serde_json::json;
    use std::time::{Duration, Instant};

    fn catalogue() -> Arc<Catalogue> {
        let edition = Edition {
            id: "hw-2021".into(),
            title_zh: "国家危险废物名录（2021年版）".into(),
            title_en: "National Hazardous Waste List (2021 edition)".into(),
            effective_from: Date::from_ymd(2021, 1, 1).unwrap(),
        };
        let sources = Sources {
            list: include_str!("../../../rules/packs/cn/catalogue/hw-list-2021.csv"),
            categories: include_str!("../../../rules/packs/cn/catalogue/hw-categories-2021.csv"),
            exemptions: include_str!("../../../rules/packs/cn/catalogue/hw-exemptions-2021.csv"),
            general: include_str!("../../../rules/packs/cn/catalogue/sw-categories-2021.csv"),
        };
        Arc::new(Catalogue::from_csv(edition, sources).unwrap())
    }

    fn calendar() -> Arc<Calendar> {
        let csv = include_str!("../../../rules/packs/cn/calendar/cn-holidays.csv");
        Arc::new(Calendar::from_csv(csv, Date::from_ymd(2026, 12, 31).unwrap()).unwrap())
    }

    fn engine() -> ScriptEngine {
        ScriptEngine::new(&Limits::default(), catalogue(), Some(calendar()))
    }

    fn manifest() -> Value {
        json!({
            "kind": "manifest",
            "number": "20263306000123",
            "stage": "received",
            "consignor": {"region": "330603", "name": "绍兴某某化工有限公司"},
            "receiver": {"region": "330604", "licence_number": "浙危废经第3306040012号"},
            "wastes": [
                {"code": "900-041-49", "hazards": ["T"], "quantity": {"value": "2.350", "unit": "t"}},
                {"code": "900-249-08", "hazards": ["T", "I"], "quantity": {"value": 860, "unit": "kg"}},
                {"code": "900-249-08", "quantity": {"value": 12.5, "unit": "t"}}
            ],
            "received_at": "2026-02-13T16:20:00+08:00",
            "confirmed_at": "2026-02-24T09:00:00+08:00"
        })
    }

    /// Runs `source` over the manifest (and `item` bound to line `item`, if given)
    /// and returns what it evaluated to.
    fn eval_raw(source: &str, item: Option<usize>, params: Map) -> Result<Dynamic, ScriptError> {
        let engine = engine();
        let script = engine
            .compile(source)
            .unwrap_or_else(|e| panic!("{source}: {e}"));
        let raw = manifest();
        let doc = ScriptEngine::to_dynamic(&raw);
        let facts = ScriptEngine::to_dynamic(&json!({"licences": []}));
        let item_value = item.map(|i| ScriptEngine::to_dynamic(&raw["wastes"][i]));
        let params_dyn = Dynamic::from_map(params.clone());
        let input = ScriptInput {
            document: &doc,
            facts: &facts,
            item: item.zip(item_value.as_ref()),
            params: &params_dyn,
            as_of: Date::from_ymd(2026, 3, 2),
        };
        engine.eval(&script, &input)
    }

    /// Runs `source` over the manifest and returns its findings.
    fn eval(
        source: &str,
        item: Option<usize>,
        params: Map,
    ) -> Result<Vec<ScriptFinding>, ScriptError> {
        findings(&eval_raw(source, item, params)?)
    }

    /// What `source` evaluates to (with line 0 bound), as JSON.
    fn value_of(source: &str) -> Value {
        let value =
            eval_raw(source, Some(0), Map::new()).unwrap_or_else(|e| panic!("{source}: {e}"));
        to_json(&value, 0).unwrap()
    }

    fn error_of(source: &str) -> ScriptError {
        match eval_raw(source, Some(0), Map::new()) {
            Ok(value) => panic!("{source} gave {value}"),
            Err(e) => e,
        }
    }

    #[test]
    fn the_realistic_script_reports_lines_over_the_threshold() {
        let source = r#"
            if tonnes(item.quantity) > params.max {
                #{path: "quantity/value", params: #{code: item.code, tonnes: tonnes(item.quantity)}}
            }
        "#;
        let mut params = Map::new();
        params.insert("max".into(), Dynamic::from_decimal(Decimal::new(2, 0)));
        let over: Vec<_> = (0..3)
            .map(|i| eval(source, Some(i), params.clone()).unwrap())
            .collect();
        assert_eq!(
            over[0],
            vec![ScriptFinding {
                path: "quantity/value".into(),
                params: json!({"code": "900-041-49", "tonnes": "2.350"})
                    .as_object()
                    .unwrap()
                    .clone(),
            }]
        );
        assert_eq!(over[1], vec![]); // 860 kg = 0.860 t
        assert_eq!(over[2][0].params["tonnes"], json!("12.5"));
    }

    #[test]
    fn inputs_are_visible_and_constant() {
        assert_eq!(value_of("doc.number"), json!("20263306000123"));
        assert_eq!(value_of("doc.wastes.len()"), json!(3));
        assert_eq!(value_of("item.code"), json!("900-041-49"));
        assert_eq!(value_of("index"), json!(0));
        assert_eq!(value_of("as_of"), json!("2026-03-02"));
        assert_eq!(value_of("facts.licences.len()"), json!(0));
        assert_eq!(value_of("type_of(params)"), json!("map"));
        // JSON numbers: whole ones are integers, others exact decimals.
        assert_eq!(value_of("doc.wastes[1].quantity.value + 1"), json!(861));
        assert_eq!(value_of("doc.wastes[2].quantity.value * 2"), json!("25.0"));
        for source in [
            r#"doc.number = "x""#,
            r#"doc.wastes[0].code = "x""#,
            "doc.wastes.push(1)",
            "doc.wastes.clear()",
            "item.quantity.value = 1",
            "facts.licences.push(1)",
            r#"let d = doc; d.stage = "x";"#,
            r#"let w = doc.wastes; w[0] = 1;"#,
            r#"let m = doc.to_map(); m.wastes[0].code = "x";"#,
            "fn f() { this.clear(); } doc.wastes.f()",
            "fn f() { this.code = 1; } item.f()",
        ] {
            assert!(
                matches!(error_of(source), ScriptError::Runtime { .. }),
                "{source} did not fail"
            );
        }
        // rhai guards a constant map's existing properties (it lets a script add new
        // ones, but `params` is a copy made for each run).
        let mut params = Map::new();
        params.insert("max".into(), Dynamic::from_int(2));
        assert!(matches!(
            eval("params.max = 3", None, params),
            Err(ScriptError::Runtime { message, .. }) if message.contains("constant")
        ));
        // A shallow copy may be changed; the input stays as it was.
        assert_eq!(
            value_of(r#"let d = doc.to_map(); d.number = "zzz"; d.wastes = (); d.number"#),
            json!("zzz")
        );
        assert_eq!(value_of("doc.wastes[0].code"), json!("900-041-49"));
    }

    #[test]
    fn the_views_of_the_input() {
        assert_eq!(value_of("type_of(doc)"), json!("map"));
        assert_eq!(value_of("type_of(doc.wastes)"), json!("array"));
        assert_eq!(value_of("doc.wastes[-1].quantity.unit"), json!("t"));
        assert_eq!(value_of(r#"doc["stage"]"#), json!("received"));
        assert_eq!(value_of("doc.missing"), Value::Null);
        assert_eq!(value_of("doc?.missing?.deeper"), Value::Null);
        assert_eq!(value_of("doc.missing == ()"), json!(true));
        assert_eq!(value_of("doc.consignor == ()"), json!(false));
        assert_eq!(value_of("doc.consignor != ()"), json!(true));
        assert_eq!(value_of(r#""wastes" in doc"#), json!(true));
        assert_eq!(value_of(r#""track_id" in doc"#), json!(false));
        assert_eq!(value_of(r#""I" in doc.wastes[1].hazards"#), json!(true));
        assert_eq!(value_of(r#""C" in item.hazards"#), json!(false));
        assert_eq!(value_of("doc.consignor.keys()"), json!(["name", "region"]));
        assert_eq!(value_of("doc.consignor.values().len()"), json!(2));
        assert_eq!(value_of("doc.consignor.len()"), json!(2));
        assert_eq!(
            value_of("doc.wastes.is_empty() || doc.consignor.is_empty()"),
            json!(false)
        );
        assert_eq!(
            value_of(
                r#"let n = 0; for w in doc.wastes { if w.code == "900-249-08" { n += 1; } } n"#
            ),
            json!(2)
        );
        assert_eq!(
            value_of(
                r#"fn oil(w) { category_of(w.code) == "HW08" } doc.wastes.to_array().filter(Fn("oil")).len()"#
            ),
            json!(2)
        );
        assert_eq!(
            value_of("item.quantity"),
            json!({"value": "2.350", "unit": "t"})
        );
        assert_eq!(
            value_of("`${item.quantity}`"),
            json!(r#"{"unit":"t","value":"2.350"}"#)
        );
        assert!(matches!(
            error_of("doc.wastes[3]"),
            ScriptError::Runtime { message, .. } if message.contains("out of bounds")
        ));
        assert!(matches!(
            error_of("doc.wastes[-4]"),
            ScriptError::Runtime { message, .. } if message.contains("out of bounds")
        ));
    }

    #[test]
    fn the_input_is_never_copied_nor_changed() {
        let engine = engine();
        let raw = manifest();
        let doc = ScriptEngine::to_dynamic(&raw);
        let copy = doc.clone();
        assert!(Arc::ptr_eq(
            &doc.read_lock::<JsonMap>().unwrap().0,
            &copy.read_lock::<JsonMap>().unwrap().0
        ));
        let before = to_json(&doc, 0).unwrap();
        let facts = Dynamic::UNIT;
        let params = Map::new();
        let params_dyn = Dynamic::from_map(params.clone());
        let input = ScriptInput {
            document: &doc,
            facts: &facts,
            item: None,
            params: &params_dyn,
            as_of: None,
        };
        for source in [
            r#"let d = doc; d.stage = "x"; ()"#,
            "let w = doc.wastes; w.clear(); ()",
            "let a = [doc, doc.wastes]; a[0].number = 1; ()",
            "let m = #{d: doc}; m.d.number = 1; m.e = doc; ()",
            "let a = []; a.push(doc); a += doc.wastes; a.insert(0, doc); a.pad(5, doc); a[0].x = 1; ()",
            "let m = #{}; m.mixin(doc.to_map()); m += doc.to_map(); m.number = 1; m.wastes[0].code = 1; ()",
            "fn id(x) { x } let x = id(doc); x.stage = 1; [id(doc)]; ()",
            "doc.wastes.to_array().filter(Fn(\"f\")); fn f(w) { w.code = 1; true } ()",
            "call(Fn(\"g\"), doc); fn g(d) { d.stage = 1; } ()",
            "let w = doc.wastes.to_array(); w.clear(); w.push(1); ()",
            r#"doc.wastes[doc.wastes.len() - 1].code + doc.consignor.region; ()"#,
            r#"`${doc}`.len(); ()"#,
        ] {
            let script = engine
                .compile(source)
                .unwrap_or_else(|e| panic!("{source}: {e}"));
            let start = Instant::now();
            let _ = engine.run(&script, &input);
            assert!(start.elapsed() < Duration::from_secs(2), "{source}: slow");
            assert_eq!(
                to_json(&doc, 0).unwrap(),
                before,
                "{source} changed the document"
            );
        }
    }

    #[test]
    fn large_inputs_do_not_count_against_the_limits() {
        // rhai counts every element and string byte inside a value against its
        // limits, on every method call: a 1,000-line manifest as a rhai map would
        // exceed them at `doc.wastes.len()`.
        let lines: Vec<Value> = (0..1000)
            .map(|i| json!({"code": "900-041-49", "name": format!("沾染有机原料的废包装袋 {i}"), "hazards": ["T", "In"], "quantity": {"value": "1.5", "unit": "t"}}))
            .collect();
        let raw = json!({"wastes": lines});
        let engine = engine();
        let doc = ScriptEngine::to_dynamic(&raw);
        let unit = Dynamic::UNIT;
        let params = Map::new();
        let params_dyn = Dynamic::from_map(params.clone());
        let input = ScriptInput {
            document: &doc,
            facts: &unit,
            item: None,
            params: &params_dyn,
            as_of: None,
        };
        let script = engine
            .compile(
                r#"
                let total = decimal("0");
                for w in doc.wastes { total += tonnes(w.quantity); }
                let n = doc.wastes.len() + doc.wastes.to_array().len() + doc.values().len();
                #{params: #{total: total, n: n, last: doc.wastes[-1].name}}
            "#,
            )
            .unwrap();
        let found = engine.run(&script, &input).unwrap();
        assert_eq!(
            Value::Object(found[0].params.clone()),
            json!({"total": "1500.0", "n": 2001, "last": "沾染有机原料的废包装袋 999"})
        );
    }

    #[test]
    fn results() {
        let ok = |source: &str| eval(source, Some(0), Map::new()).unwrap();
        assert_eq!(ok("()"), vec![]);
        assert_eq!(ok("false"), vec![]);
        assert_eq!(ok("[]"), vec![]);
        assert_eq!(ok("if false { 1 }"), vec![]);
        let two = ok(
            r#"[#{path: "/number"}, #{path: "code", params: #{n: 1, d: decimal("1.50"), s: "x", b: true, a: [1, "y"], m: #{k: ()}, c: 'z', f: 0.5}}]"#,
        );
        assert_eq!(two.len(), 2);
        assert_eq!(two[0].path, "/number");
        assert!(two[0].params.is_empty());
        assert_eq!(
            Value::Object(two[1].params.clone()),
            json!({"n": 1, "d": "1.50", "s": "x", "b": true, "a": [1, "y"], "m": {"k": null}, "c": "z", "f": "0.5"})
        );
        assert_eq!(ok(r#"#{params: #{}}"#)[0].path, "");
        assert_eq!(ok(r#"#{path: "hazards/0"}"#)[0].path, "hazards/0");
        assert_eq!(ok(r#"#{path: "/a~1b/c~0d/"}"#)[0].path, "/a~1b/c~0d/");

        let bad = |source: &str| match eval(source, Some(0), Map::new()) {
            Err(ScriptError::BadResult { message }) => message,
            other => panic!("{source}: {other:?}"),
        };
        assert!(bad("true").contains("the boolean true"));
        assert!(bad("42").contains("the integer 42"));
        assert!(bad(r#""finding""#).contains("the string \"finding\""));
        assert!(bad("[1]").contains("element 0 is the integer 1"));
        assert!(bad(r#"#{path: 1}"#).contains("path is the integer 1"));
        assert!(bad(r#"#{pth: "x"}"#).contains("unknown key `pth`"));
        assert!(bad(r#"#{path: "x", params: 1}"#).contains("params are the integer 1"));
        assert!(bad(r#"#{path: "x", params: #{f: Fn("abs")}}"#).contains("param `f`"));
        for path in ["a//b", "../x", "./x", "a/", "a~2", "/a~"] {
            assert!(
                bad(&format!("#{{path: \"{path}\"}}")).contains("not a JSON Pointer"),
                "{path}"
            );
        }
        assert!(
            bad("let x = 1; for i in 0..40 { x = [x]; } #{params: #{x: x}}").contains("nested")
        );
    }

    #[test]
    fn errors() {
        let engine = engine();
        let raw = manifest();
        let doc = ScriptEngine::to_dynamic(&raw);
        let item = ScriptEngine::to_dynamic(&raw["wastes"][0]);
        let params = Map::new();
        let params_dyn = Dynamic::from_map(params.clone());
        let input = ScriptInput {
            document: &doc,
            facts: &doc,
            item: Some((0, &item)),
            params: &params_dyn,
            as_of: None,
        };
        // Measured in release: from 0.03 to 12 ms each (an unoptimised test build is
        // several times slower), except rebuilding a nested array each iteration:
        // rhai copies and re-measures it every time, so it costs the square of the
        // array limit, about 70 ms at 1,024 (the worst case found).
        let run = |source: &str, budget: Duration| {
            let script = engine.compile(source).unwrap();
            let start = Instant::now();
            let result = engine.run(&script, &input);
            let elapsed = start.elapsed();
            assert!(elapsed < budget, "{source}: {elapsed:?}");
            result
        };
        // Budgets far above those figures, so that a loaded CI machine never fails
        // them: without the limits, these scripts would run forever.
        let budget = Duration::from_secs(if cfg!(debug_assertions) { 5 } else { 2 });
        assert_eq!(
            run("let a = []; loop { a = [a]; }", budget * 10),
            Err(ScriptError::Limit {
                what: "size of array/blob".into()
            })
        );
        for (source, limit) in [
            ("loop {}", "operations"),
            ("let i = 0; while true { i += 1; }", "operations"),
            ("fn f(n) { f(n + 1) } f(0)", "call depth"),
            ("fn f(n) { if n > 0 { f(n - 1) } } f(1000)", "call depth"),
            (r#"let s = "x"; loop { s += s; }"#, "length of string"),
            (
                r#"let s = item.code; loop { s = `${s}${s}`; }"#,
                "length of string",
            ),
            ("let a = []; loop { a.push(index); }", "size of array/blob"),
            (
                "let a = []; loop { a.push(#{code: item.code, n: index}); }",
                "size of object map",
            ),
            ("let m = #{}; loop { m = #{m: m}; }", "size of object map"),
            (
                "let a = []; for w in doc.wastes { loop { a += w.code; } }",
                "size of array/blob",
            ),
        ] {
            assert_eq!(
                run(source, budget),
                Err(ScriptError::Limit { what: limit.into() }),
                "{source}"
            );
        }

        assert_eq!(
            error_of("let x = 1;\nlet y = 2;\nthrow \"boom\";"),
            ScriptError::Runtime {
                message: "boom".into(),
                line: Some(3)
            }
        );
        assert!(matches!(
            error_of("fn f() {\n  throw \"inner\";\n}\nf()"),
            ScriptError::Runtime { message, line: Some(2) } if message == "inner"
        ));
        assert!(matches!(
            error_of("doc.wastes[9]"),
            ScriptError::Runtime { line: Some(1), .. }
        ));
        assert!(matches!(
            error_of("\n\nsame_province(\"33\", \"330000\")"),
            ScriptError::Runtime { message, line: Some(3) } if message.contains("not a region code")
        ));
        // A script over a list item, with no item bound.
        assert!(matches!(
            eval("item.code", None, Map::new()),
            Err(ScriptError::Runtime { message, .. }) if message.contains("item")
        ));
        let shown = ScriptError::Runtime {
            message: "boom".into(),
            line: Some(3),
        }
        .to_string();
        assert_eq!(shown, "script failed at line 3: boom");
    }

    #[test]
    fn compile_errors_and_what_is_forbidden() {
        let engine = engine();
        let err = engine.compile("let x = 1;\nlet y = (x + ;").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.column.is_some());
        assert!(
            err.to_string()
                .starts_with("script does not compile at line 2, column")
        );
        for source in [
            r#"eval("1 + 1")"#,
            r#"import "fs" as fs;"#,
            "let f = |x| x; f.call(1)",
            "const X = #{a: 1}; X.a = 2;",
            "nonexistent_variable",
        ] {
            assert!(engine.compile(source).is_err(), "{source} compiled");
        }
        // Functions do not see the inputs (rhai functions see only their arguments).
        assert!(matches!(
            error_of("fn f() { doc } f()"),
            ScriptError::Runtime { message, .. } if message.contains("doc")
        ));
        for source in [
            "timestamp()",
            "sleep(1)",
            r#"read_file("/etc/passwd")"#,
            r#"open("/etc/passwd")"#,
            r#"env("HOME")"#,
            "exit(1)",
        ] {
            let start = Instant::now();
            let err = error_of(source);
            assert!(start.elapsed() < Duration::from_secs(2), "{source}");
            assert!(
                matches!(&err, ScriptError::Runtime { message, .. } if message.contains("not found")),
                "{source}: {err:?}"
            );
        }
    }

    #[test]
    fn catalogue_functions() {
        assert_eq!(value_of(r#"catalogue_has("900-041-49")"#), json!(true));
        assert_eq!(value_of(r#"catalogue_has("900-999-49")"#), json!(true));
        assert_eq!(value_of(r#"catalogue_has("900-998-49")"#), json!(false));
        assert_eq!(value_of(r#"catalogue_has("nonsense")"#), json!(false));
        assert_eq!(value_of("catalogue_has(item.missing)"), json!(false));
        assert_eq!(value_of("category_of(item.code)"), json!("HW49"));
        assert_eq!(value_of(r#"category_of("900-249-08")"#), json!("HW08"));
        assert_eq!(value_of(r#"category_of("900-998-49")"#), json!("HW49"));
        assert_eq!(value_of(r#"category_of("HW49")"#), Value::Null);
        assert_eq!(value_of("category_of(())"), Value::Null);
        assert_eq!(value_of(r#"hazards_of("900-249-08")"#), json!(["T", "I"]));
        assert_eq!(value_of(r#"hazards_of("900-041-49")"#), json!(["T", "In"]));
        assert_eq!(value_of(r#"hazards_of("900-998-49")"#), json!([]));
        assert_eq!(value_of("hazards_of(item.missing)"), json!([]));
    }

    #[test]
    fn calendar_functions() {
        // Received Friday 13 February 2026, confirmed Tuesday 24: Saturday 14 is a
        // make-up workday, 15–23 is the Spring Festival.
        assert_eq!(
            value_of("working_days_between(doc.received_at, doc.confirmed_at)"),
            json!(2)
        );
        assert_eq!(
            value_of(r#"working_days_between("2026-02-24", "2026-02-13")"#),
            json!(-2)
        );
        assert_eq!(
            value_of(r#"working_days_between("2026-12-30", "2027-01-04")"#),
            Value::Null
        );
        // The local date of a date-time: 23:30 in Beijing is still the 13th.
        assert_eq!(
            value_of(r#"working_days_between("2026-02-13T23:30:00+08:00", "2026-02-14")"#),
            json!(1)
        );
        assert_eq!(
            value_of(r#"add_working_days("2026-02-13", 2)"#),
            json!("2026-02-24")
        );
        assert_eq!(
            value_of(r#"add_working_days(doc.received_at, 1)"#),
            json!("2026-02-14")
        );
        assert_eq!(
            value_of(r#"add_working_days("2026-12-25", 5)"#),
            Value::Null
        );
        assert_eq!(
            value_of(r#"add_working_days("2026-03-02", 9999999999)"#),
            Value::Null
        );
        assert!(matches!(
            error_of(r#"add_working_days("2026-03-02", -1)"#),
            ScriptError::Runtime { message, .. } if message.contains("negative")
        ));
        assert!(matches!(
            error_of(r#"working_days_between("2026-02-30", "2026-03-02")"#),
            ScriptError::Runtime { message, .. } if message.contains("not a date")
        ));

        // Without a calendar the rule cannot be evaluated.
        let engine = ScriptEngine::new(&Limits::default(), catalogue(), None);
        let script = engine
            .compile(r#"working_days_between("2026-02-13", "2026-02-24")"#)
            .unwrap();
        let unit = Dynamic::UNIT;
        let params_dyn = Dynamic::from_map(Map::new());
        let input = ScriptInput {
            document: &unit,
            facts: &unit,
            item: None,
            params: &params_dyn,
            as_of: None,
        };
        assert!(matches!(
            engine.run(&script, &input),
            Err(ScriptError::Runtime { message, .. }) if message.contains("no working-day calendar")
        ));
    }

    #[test]
    fn region_functions() {
        assert_eq!(
            value_of("same_province(doc.consignor.region, doc.receiver.region)"),
            json!(true)
        );
        assert_eq!(
            value_of("same_city(doc.consignor.region, doc.receiver.region)"),
            json!(true)
        );
        assert_eq!(
            value_of("same_county(doc.consignor.region, doc.receiver.region)"),
            json!(false)
        );
        assert_eq!(value_of(r#"same_county("330603", "330603")"#), json!(true));
        assert_eq!(
            value_of(r#"same_province("330603", "320500")"#),
            json!(false)
        );
        assert_eq!(value_of(r#"same_city("330000", "330100")"#), json!(false));
        assert!(matches!(
            error_of(r#"same_city("330603", "99")"#),
            ScriptError::Runtime { message, .. } if message.contains("`99`")
        ));
    }

    #[test]
    fn distance() {
        // An exact decimal (scripts have no binary floats): a string in JSON.
        let km_of = |source: &str| -> f64 { value_of(source).as_str().unwrap().parse().unwrap() };
        // Shaoxing (30.0, 120.58) to Hangzhou (30.27, 120.15): about 51 km.
        let km = km_of("distance_km(30.0, 120.58, 30.27, 120.15)");
        assert!((km - 51.5).abs() < 1.0, "{km}");
        // One degree of longitude on the equator: 2πR/360.
        let km = km_of("distance_km(0, 0, 0, 1)");
        assert!((km - 111.195).abs() < 0.001, "{km}");
        let km = km_of(r#"distance_km(decimal("0"), 0, 0, 180)"#);
        assert!((km - std::f64::consts::PI * 6371.0088).abs() < 1e-6, "{km}");
        assert_eq!(value_of("distance_km(30, 120, 30, 120)"), json!("0"));
        assert!(matches!(
            error_of("distance_km(91, 0, 0, 0)"),
            ScriptError::Runtime { message, .. } if message.contains("latitude")
        ));
        assert!(matches!(
            error_of(r#"distance_km("30", 0, 0, 0)"#),
            ScriptError::Runtime { message, .. } if message.contains("not a number")
        ));
    }

    #[test]
    fn decimals_and_tonnes() {
        assert_eq!(value_of(r#"decimal("2.350")"#), json!("2.350"));
        assert_eq!(
            value_of(r#"decimal("-0.1") + decimal("0.3")"#),
            json!("0.2")
        );
        assert_eq!(value_of(r#"decimal(" 7 ")"#), json!("7"));
        assert_eq!(value_of("decimal(3)"), json!("3"));
        assert_eq!(value_of("decimal(0.1)"), json!("0.1"));
        for bad in ["1,5", "1e3", "abc", "", ".5", "1.", "1_000"] {
            assert!(
                matches!(
                    error_of(&format!("decimal(\"{bad}\")")),
                    ScriptError::Runtime { message, .. } if message.contains("not an exact decimal")
                ),
                "{bad}"
            );
        }
        assert_eq!(value_of("tonnes(item.quantity)"), json!("2.350"));
        assert_eq!(value_of("tonnes(doc.wastes[1].quantity)"), json!("0.860"));
        assert_eq!(value_of("tonnes(doc.wastes[2].quantity)"), json!("12.5"));
        assert_eq!(
            value_of(r#"tonnes(#{value: "1.5", unit: "kg"})"#),
            json!("0.0015")
        );
        assert_eq!(
            value_of(r#"tonnes(doc.wastes[0].quantity) + tonnes(doc.wastes[1].quantity)"#),
            json!("3.210")
        );
        assert_eq!(
            value_of(
                r#"tonnes(#{value: decimal("0.1"), unit: "t"}) + tonnes(#{value: 0.2, unit: "t"}) == decimal("0.3")"#
            ),
            json!(true)
        );
        for (quantity, needle) in [
            (r#"#{value: "1,5", unit: "t"}"#, "not a non-negative"),
            (r#"#{value: -1, unit: "t"}"#, "not a non-negative"),
            (r#"#{unit: "t"}"#, "missing"),
            (r#"#{value: 1, unit: "lb"}"#, "`lb`"),
            (r#"#{value: 1}"#, "unit is missing"),
        ] {
            assert!(
                matches!(
                    error_of(&format!("tonnes({quantity})")),
                    ScriptError::Runtime { ref message, .. } if message.contains(needle)
                ),
                "{quantity}"
            );
        }
    }

    #[test]
    fn json_numbers_convert_exactly() {
        let d =
            ScriptEngine::to_dynamic(&json!([1, -2, 2.35, 1e2, 18446744073709551615_u64, 1e300]));
        let items = elements(&d).unwrap();
        assert_eq!(items[0].as_int(), Ok(1));
        assert_eq!(items[1].as_int(), Ok(-2));
        assert_eq!(items[2].as_decimal(), Ok(Decimal::new(235, 2)));
        assert_eq!(
            items[3].as_decimal().map(|d| d.normalize()),
            Ok(Decimal::new(100, 0))
        );
        assert_eq!(items[4].as_decimal(), Ok(Decimal::from(u64::MAX)));
        // Beyond an exact decimal's range (scripts have no binary floats): the JSON text.
        assert_eq!(items[5].clone().into_string().as_deref(), Ok("1e+300"));
    }

    #[test]
    fn pointing_into_a_converted_value() {
        let raw = json!({"wastes": [{"code": "900-041-49"}, {"a/b": {"~": 1}}]});
        let doc = ScriptEngine::to_dynamic(&raw);
        let at = |p: &str| ScriptEngine::pointer(&doc, p).map(|v| to_json(&v, 0).unwrap());
        assert_eq!(at(""), Some(raw.clone()));
        assert_eq!(at("/wastes/0/code"), Some(json!("900-041-49")));
        assert_eq!(at("/wastes/1/a~1b/~0"), Some(json!(1)));
        assert_eq!(at("/wastes/2"), None);
        assert_eq!(at("/wastes/01"), None);
        assert_eq!(at("/nothing"), None);
        assert_eq!(at("wastes"), None);
        let item = ScriptEngine::pointer(&doc, "/wastes/0").unwrap();
        let again = ScriptEngine::pointer(&doc, "/wastes/0").unwrap();
        assert!(Arc::ptr_eq(
            &item.read_lock::<JsonMap>().unwrap().0,
            &again.read_lock::<JsonMap>().unwrap().0
        ));
    }

    #[test]
    fn pointers() {
        for ok in [
            "",
            "/",
            "/wastes/0/code",
            "code",
            "quantity/value",
            "a~0b",
            "/a//b",
        ] {
            assert!(is_pointer(ok), "{ok}");
        }
        for bad in ["a//b", "a/", "..", "x/./y", "~", "/~2"] {
            assert!(!is_pointer(bad), "{bad}");
        }
    }

    /// The cost of one `run` of a small script over a ~2 KB manifest, shared as the
    /// engine shares it, against a deep copy per rule. Run with
    /// `cargo test --release -p wastecheck --lib engine::script::tests::cost -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn cost() {
        let engine = engine();
        let text = include_str!("../../../spec/examples/manifest.valid.json");
        let raw: Value = serde_json::from_str(text).unwrap();
        let script = engine
            .compile(
                r#"
                let found = [];
                for w in doc.wastes {
                    if !catalogue_has(w.code) { found.push(#{path: "/wastes", params: #{code: w.code}}); }
                }
                if doc.stage == "confirmed" && working_days_between(doc.received_at, doc.confirmed_at) > 1 {
                    found.push(#{path: "/confirmed_at"});
                }
                found
            "#,
            )
            .unwrap();
        let item_script = engine
            .compile(r#"if tonnes(item.quantity) > params.max { #{path: "quantity/value", params: #{code: item.code}} }"#)
            .unwrap();
        let mut params = Map::new();
        params.insert("max".into(), Dynamic::from_decimal(Decimal::new(2, 0)));
        let facts = Dynamic::UNIT;
        let shared = ScriptEngine::to_dynamic(&raw);
        let plain = rhai::serde::to_dynamic(&raw).unwrap();
        let item = ScriptEngine::to_dynamic(&raw["wastes"][0]);
        let n = 20_000;
        let time = |label: &str,
                    script: &CompiledScript,
                    doc: &Dynamic,
                    item: Option<(usize, &Dynamic)>| {
            let params_dyn = Dynamic::from_map(params.clone());
            let input = ScriptInput {
                document: doc,
                facts: &facts,
                item,
                params: &params_dyn,
                as_of: Date::from_ymd(2026, 3, 4),
            };
            for _ in 0..1000 {
                engine.run(script, &input).unwrap();
            }
            let start = Instant::now();
            for _ in 0..n {
                std::hint::black_box(engine.run(script, &input).unwrap());
            }
            let us = start.elapsed().as_secs_f64() * 1e6 / f64::from(n);
            println!("{label}: {us:.2} µs per run");
        };
        println!("manifest: {} bytes", text.len());
        for probe in [
            "()",
            "index",
            "item.code",
            "item.unknown_name",
            "item[\"code\"]",
            "params.max",
            "doc.number",
            "doc.wastes[0].quantity.value",
            "tonnes(item.quantity)",
            "catalogue_has(item.code)",
        ] {
            let s = engine.compile(probe).unwrap();
            let params_dyn = Dynamic::from_map(params.clone());
            let input = ScriptInput {
                document: &shared,
                facts: &facts,
                item: Some((0, &item)),
                params: &params_dyn,
                as_of: None,
            };
            let start = Instant::now();
            for _ in 0..n {
                let _ = std::hint::black_box(engine.eval(&s, &input));
            }
            println!(
                "probe {probe}: {:.2} µs",
                start.elapsed().as_secs_f64() * 1e6 / f64::from(n)
            );
        }
        time("document script, input views", &script, &shared, None);
        time(
            "document script, rhai map copied per run",
            &script,
            &plain,
            None,
        );
        time(
            "item script, input views",
            &item_script,
            &shared,
            Some((0, &item)),
        );
        let start = Instant::now();
        for _ in 0..n {
            let _ = std::hint::black_box(ScriptEngine::to_dynamic(&raw));
        }
        println!(
            "to_dynamic of the manifest: {:.2} µs",
            start.elapsed().as_secs_f64() * 1e6 / f64::from(n)
        );
    }
}

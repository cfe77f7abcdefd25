//! The script tier's engine: rhai, sandboxed, with the domain library (built with
//! the `scripts` feature).

use super::error::script_error;
use super::findings::findings;
use super::library::{self, register_calendar, register_catalogue, register_pure};
use super::sandbox::{Limits, sandboxed_engine};
use super::values::{JsonArray, JsonMap, number, to_json};
use super::views::register_views;
use super::{CompileError, ScriptError, ScriptFinding, ScriptInput, basics};
use crate::Catalogue;
use crate::calendar::Calendar;
use crate::json::Json;
use crate::sorting;
use rhai::{AST, Dynamic, Engine, INT, ImmutableString, Scope};
use serde_json::Value;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

/// Names of the script's inputs, in the order they are pushed.
const INPUTS: [&str; 6] = ["doc", "facts", "params", "as_of", "item", "index"];

/// The sandboxed rhai engine with the domain library, built once per pack chain.
pub struct ScriptEngine {
    engine: Engine,
}

impl fmt::Debug for ScriptEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScriptEngine").finish_non_exhaustive()
    }
}

/// A compiled rule script, or one compiled when it first runs
/// ([`ScriptEngine::compile_on_first_use`]).
#[derive(Debug, Clone)]
pub struct CompiledScript {
    /// Shared: the chains of a registry hold the same compiled script.
    ast: Arc<std::sync::OnceLock<Result<AST, CompileError>>>,
    /// The source, compiled by the first run when it is not yet.
    source: Arc<str>,
    /// Whether the source calls a catalogue function: the engine answers them from
    /// the newest carried edition, so the script runs only when that is the table
    /// in force.
    pub(crate) reads_catalogue: bool,
}

/// Whether `source` calls a catalogue function.
fn reads_catalogue(source: &str) -> bool {
    library::CATALOGUE_FUNCTIONS
        .iter()
        .any(|f| source.contains(f))
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
        let ast = self.compile_ast(source)?;
        Ok(CompiledScript {
            ast: Arc::new(std::sync::OnceLock::from(Ok(ast))),
            source: Arc::from(source),
            reads_catalogue: reads_catalogue(source),
        })
    }

    /// A script compiled when it first runs rather than now: for packs whose
    /// scripts are known to compile (the built-in packs, which their tests compile),
    /// so that loading them does not parse scripts a form may never run. Should it
    /// not compile after all, each run reports the error (rule not evaluated).
    pub fn compile_on_first_use(&self, source: &str) -> CompiledScript {
        CompiledScript {
            ast: Arc::new(std::sync::OnceLock::new()),
            source: Arc::from(source),
            reads_catalogue: reads_catalogue(source),
        }
    }

    fn compile_ast(&self, source: &str) -> Result<AST, CompileError> {
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
            Ok(Ok(ast)) => Ok(ast),
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
        let ast = script.ast.get_or_init(|| self.compile_ast(&script.source));
        let ast = ast.as_ref().map_err(|error| ScriptError::Runtime {
            message: error.to_string(),
            line: error.line,
        })?;
        let result = catch_unwind(AssertUnwindSafe(|| {
            self.engine.eval_ast_with_scope::<Dynamic>(&mut scope, ast)
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
        for token in crate::json::pointer::tokens(pointer)? {
            let next = if let Some(map) = here.read_lock::<JsonMap>() {
                map.0.get(token.as_ref()).cloned()
            } else if let Some(array) = here.read_lock::<JsonArray>() {
                crate::json::pointer::index(&token).and_then(|i| array.0.get(i).cloned())
            } else {
                None
            };
            here = next?;
        }
        Some(here)
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;

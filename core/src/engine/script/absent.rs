//! The script tier in a build without the `scripts` feature (the browser's first
//! module): no rhai. Packs load as they do with scripts, and a script rule is
//! reported as not evaluated (`script.unavailable`) whenever it would run, never
//! passed: a host that needs it loads a build with scripts. Any pack with scripts
//! loads (a fetched bundle too), as no script can be compiled here: a script's
//! syntax error shows only in a build with scripts. Tested where it is used:
//! `wasm/test/lite.test.mjs` holds the browser's first module to the full one.

use super::sandbox::Limits;
use super::{CompileError, ScriptError, ScriptFinding, ScriptInput};
use crate::Catalogue;
use crate::calendar::Calendar;
use crate::json::Json;
use serde_json::Value;
use std::sync::Arc;

/// What scripts would see: nothing, as none runs.
#[derive(Debug, Clone, Default)]
pub struct Dynamic;

impl Dynamic {
    /// The empty value.
    pub const UNIT: Dynamic = Dynamic;
}

/// A script engine that runs nothing.
#[derive(Debug)]
pub struct ScriptEngine;

/// A script rule, not compiled: it reports itself unavailable when it runs.
#[derive(Debug, Clone)]
pub struct CompiledScript {
    /// Never true: no script runs, so none reads the catalogue.
    pub(crate) reads_catalogue: bool,
}

impl ScriptEngine {
    /// The engine; what it is given is not needed.
    pub fn new(_: &Limits, _: Arc<Catalogue>, _: Option<Arc<Calendar>>) -> Self {
        ScriptEngine
    }

    /// A script rule that reports itself unavailable when it runs: the source is
    /// not read, so a pack with scripts loads and its other rules run.
    pub fn compile(&self, source: &str) -> Result<CompiledScript, CompileError> {
        Ok(self.compile_on_first_use(source))
    }

    /// The same as [`ScriptEngine::compile`].
    pub fn compile_on_first_use(&self, _: &str) -> CompiledScript {
        CompiledScript {
            reads_catalogue: false,
        }
    }

    /// Refuses: [`ScriptError::Unavailable`].
    pub fn run(
        &self,
        _: &CompiledScript,
        _: &ScriptInput,
    ) -> Result<Vec<ScriptFinding>, ScriptError> {
        Err(ScriptError::Unavailable)
    }

    /// Nothing to convert.
    pub fn to_dynamic(_: &Value) -> Dynamic {
        Dynamic
    }

    /// Nothing to convert.
    pub fn json_to_dynamic(_: &Json<'_>) -> Dynamic {
        Dynamic
    }

    /// Nothing to convert.
    pub fn map_of<'a>(_: impl IntoIterator<Item = (&'a str, Dynamic)>) -> Dynamic {
        Dynamic
    }

    /// Nothing to point into.
    pub fn pointer(_: &Dynamic, _: &str) -> Option<Dynamic> {
        Some(Dynamic)
    }
}

//! What the script tier needs around a chain: script engines and compiled scripts
//! shared by the chains of one registry, and the document and facts converted for
//! scripts once per check.

use super::super::facts::PreparedFacts;
use super::super::script::sandbox::Limits;
use super::super::script::{CompileError, CompiledScript, Dynamic, ScriptEngine};
use super::checks::CheckCache;
use crate::calendar::Calendar;
use crate::catalogue::Catalogue;
use crate::json::Json;
use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Script engines, compiled scripts and native checks shared by chains compiled
/// together (the chains of one registry): chains over the same catalogue, calendar
/// and limits share one engine, each script source is compiled once per engine,
/// and each rule's check once per set of parameter values ([`CheckCache`]). Without
/// it `zj-shaoxing`'s chain would build its engine and compile `cn`'s and `zj`'s
/// scripts again — a sixth of a checker's start-up in the browser. The outcome is
/// the same as compiling each chain on its own: the same engine set-up and source
/// give the same compiled script (or the same error).
#[derive(Debug, Default)]
pub struct ScriptCache {
    pub(crate) engines: Vec<SharedEngine>,
    pub(crate) checks: CheckCache,
    /// Each source's [`fact_collections`](super::super::script::fact_collections).
    facts_read: BTreeMap<String, Option<Vec<String>>>,
}

#[derive(Debug)]
pub(crate) struct SharedEngine {
    limits: Limits,
    catalogue: Arc<Catalogue>,
    calendar: Option<Arc<Calendar>>,
    pub(crate) engine: Arc<ScriptEngine>,
    pub(crate) compiled: BTreeMap<String, Result<CompiledScript, CompileError>>,
}

impl ScriptCache {
    /// The engine for these inputs, built on first use.
    pub(crate) fn engine(
        &mut self,
        limits: &Limits,
        catalogue: &Arc<Catalogue>,
        calendar: Option<&Arc<Calendar>>,
    ) -> usize {
        let same = |e: &SharedEngine| {
            e.limits == *limits
                && Arc::ptr_eq(&e.catalogue, catalogue)
                && match (&e.calendar, calendar) {
                    (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                    (None, None) => true,
                    _ => false,
                }
        };
        if let Some(at) = self.engines.iter().position(same) {
            return at;
        }
        self.engines.push(SharedEngine {
            limits: *limits,
            catalogue: catalogue.clone(),
            calendar: calendar.cloned(),
            engine: Arc::new(ScriptEngine::new(
                limits,
                catalogue.clone(),
                calendar.cloned(),
            )),
            compiled: BTreeMap::new(),
        });
        self.engines.len() - 1
    }

    /// The fact collections `source` reads (see
    /// [`fact_collections`](super::super::script::fact_collections)), found once
    /// per source rather than once per chain and document kind.
    ///
    /// `None` (cannot be told) in a build without the feature `scripts`: it never
    /// converts facts for a script, and may carry no script's text at all (the
    /// built-in packs of the browser's first module, `rules/build.rs`). Such a build
    /// therefore does not check that a script reads what its `needs_facts` lists;
    /// every build with scripts, and `wastecheck pack lint`, does.
    pub(crate) fn fact_collections(&mut self, source: &str) -> Option<Vec<String>> {
        if !cfg!(feature = "scripts") {
            return None;
        }
        if let Some(read) = self.facts_read.get(source) {
            return read.clone();
        }
        let read = super::super::script::fact_collections(source);
        self.facts_read.insert(source.to_owned(), read.clone());
        read
    }

    /// `source` compiled by engine `at`, once per engine; with `on_first_use`, a
    /// script to compile when it first runs
    /// ([`ScriptEngine::compile_on_first_use`]).
    pub(crate) fn compile(
        &mut self,
        at: usize,
        source: &str,
        on_first_use: bool,
    ) -> Result<CompiledScript, CompileError> {
        let Some(shared) = self.engines.get_mut(at) else {
            return Err(CompileError {
                line: None,
                column: None,
                message: "internal error: no script engine".into(),
            });
        };
        if let Some(done) = shared.compiled.get(source) {
            return done.clone();
        }
        let done = if on_first_use {
            Ok(shared.engine.compile_on_first_use(source))
        } else {
            shared.engine.compile(source)
        };
        shared.compiled.insert(source.to_owned(), done.clone());
        done
    }
}

/// The document and the facts as scripts see them, converted when the first script
/// of a check actually runs (a rule whose guard does not hold converts nothing), then
/// shared by every script rule of the check.
pub(crate) struct ScriptInputs<'r, 'j> {
    pub(crate) converted: OnceCell<(Dynamic, Dynamic)>,
    pub(crate) raw: &'r Json<'j>,
    pub(crate) facts: Option<&'r PreparedFacts<'r>>,
    pub(crate) collections: Option<&'r [String]>,
}

impl ScriptInputs<'_, '_> {
    pub(crate) fn get(&self) -> &(Dynamic, Dynamic) {
        self.converted.get_or_init(|| {
            (
                ScriptEngine::json_to_dynamic(self.raw),
                self.facts
                    .map_or(Dynamic::UNIT, |f| f.script_view(self.collections)),
            )
        })
    }
}

//! A compiled chain of packs (national → province → city): the rules of every pack
//! in the chain with parameters, severities and disabled rules resolved, compiled
//! once and run over many documents.
//!
//! - [`rule`]: a rule ready to run; [`guard`]: its `when`, compiled; [`gate`]:
//!   whether it applies to a document, from a few bytes kept inline;
//! - `compile`: layering a chain's packs (parameters, overrides, disabled rules) and
//!   compiling each rule's check or script; [`scripts`]: engines, compiled
//!   scripts and (`checks`) native checks shared by the chains of one registry;
//! - `run`: every applicable rule over a document, each `each` list iterated in
//!   one place; `render`: findings to violations in both languages, their
//!   messages from [`template`]s split once.

mod checks;
mod compile;
pub mod gate;
pub mod guard;
pub mod reads;
mod render;
pub mod rule;
pub mod run;
pub mod scripts;
pub mod template;

pub use rule::{Body, CompiledRule};
#[cfg(test)]
pub(crate) use run::run_native;
pub use scripts::ScriptCache;

use super::script::sandbox::Limits;
use super::script::{Dynamic, ScriptEngine};
use crate::calendar::Calendar;
use crate::catalogue::{Editions, InForce};
use crate::model::{Date, DocumentKind};
use crate::report::PackRef;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A compiled chain.
#[derive(Debug)]
pub struct Chain {
    /// The packs, most specific first (each report of the chain shares them).
    pub packs: Arc<[PackRef]>,
    /// The rules, national first, in declaration order.
    pub rules: Vec<CompiledRule>,
    /// The catalogue editions its packs declare, by date.
    pub editions: Editions,
    /// The working-day calendar (the most specific pack's that has one).
    pub calendar: Option<Arc<Calendar>>,
    /// The resolved parameters.
    pub params: BTreeMap<String, serde_json::Value>,
    scripts: Option<Arc<ScriptEngine>>,
    /// The parameters as scripts see them: converted once, shared by every run.
    script_params: Dynamic,
    /// By document kind, the fact collections its scripts read (`facts.licences`…),
    /// so only those are converted; `None` when a script uses `facts` otherwise.
    script_facts: BTreeMap<DocumentKind, Option<Vec<String>>>,
}

/// Options for compiling chains.
#[derive(Debug, Clone, Default)]
pub struct CompileOptions {
    /// Sandbox limits for scripts.
    pub limits: Limits,
    /// Compile only these rules (a pack test runs one rule at a time).
    pub only: Option<Vec<String>>,
    /// Compile each script when a check first runs it, not when the packs load:
    /// only for packs whose scripts are known to compile (the built-in packs, whose
    /// tests compile every script), since a script error then shows only as the
    /// rule not evaluated. Loading the built-in packs spent a quarter of its
    /// instructions parsing scripts that a form may never run.
    pub scripts_on_first_use: bool,
}

impl Chain {
    /// The fact collections the chain's scripts for a kind read (`None`: all).
    pub fn script_fact_collections(&self, kind: DocumentKind) -> Option<&[String]> {
        self.script_facts
            .get(&kind)
            .and_then(|read| read.as_deref())
    }

    /// The catalogue edition in force on `date` (the newest declared when no date
    /// is known), and the table to check against.
    pub fn catalogue_on(&self, date: Option<Date>) -> InForce<'_> {
        self.editions.on(date)
    }
}

#[cfg(all(test, feature = "scripts"))]
mod tests;

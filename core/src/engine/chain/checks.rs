//! Native checks shared by the chains of one registry. `cn`'s rules are in every
//! chain (`cn`, `cn → zj`, `cn → zj → zj-shaoxing`), and a rule compiles to the
//! same check wherever the parameters it names (`"$name"`) have the same values:
//! compiling it once per chain was a quarter of loading the built-in packs.

use super::reads::Reads;
use crate::engine::kinds::{self, Args, Check, Kind, Ref};
use crate::pack::spec::{RuleSpec, placeholders};
use serde_json::{Map, Value};
use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::Arc;

/// A rule's check compiled without problems, and what compiling it found out.
#[derive(Debug)]
pub(crate) struct CompiledCheck {
    pub(crate) check: Arc<dyn Check>,
    /// The fields its parameters name, by parameter.
    pub(crate) refs: Vec<(String, Ref)>,
    /// Fields read only for the choices its findings offer.
    pub(crate) offer_refs: Vec<Ref>,
    /// The parameters its findings carry.
    pub(crate) provides: Vec<String>,
    /// What the rule reads, and reads for offers: the same for the same rule, so
    /// every chain that has it shares them.
    pub(crate) reads: OnceCell<(Arc<Reads>, Arc<Reads>)>,
}

/// The parameter values a check table names: each `"$name"` string anywhere in
/// it, with the chain's value (`None`: undefined in the chain).
pub(crate) type ParamsRead = Vec<(String, Option<Value>)>;

/// The checks compiled for one rule, by the parameter values they read.
type ByParams = Vec<(ParamsRead, Rc<CompiledCheck>)>;

/// Compiled checks by rule (its pack, by address, and its id) and parameters read.
#[derive(Debug, Default)]
pub(crate) struct CheckCache {
    compiled: HashMap<(usize, String), ByParams>,
}

impl CheckCache {
    /// The check compiled for rule `id` of the pack at `pack` with these values.
    pub(crate) fn get(
        &self,
        pack: usize,
        id: &str,
        read: &ParamsRead,
    ) -> Option<Rc<CompiledCheck>> {
        self.compiled
            .get(&(pack, id.to_owned()))?
            .iter()
            .find(|(values, _)| values == read)
            .map(|(_, compiled)| compiled.clone())
    }

    pub(crate) fn insert(
        &mut self,
        pack: usize,
        id: &str,
        read: ParamsRead,
        compiled: Rc<CompiledCheck>,
    ) {
        self.compiled
            .entry((pack, id.to_owned()))
            .or_default()
            .push((read, compiled));
    }
}

/// Compiles a rule's `[check]` table of `kind` with the chain's `params`: the check,
/// or the problems found and the parameters its findings would carry.
pub(crate) fn compile(
    kind: &Kind,
    table: &Map<String, Value>,
    params: &BTreeMap<String, Value>,
    spec: &RuleSpec,
) -> Result<CompiledCheck, (Vec<String>, Vec<String>)> {
    let mut args = Args::new(table, params, spec.each.is_some());
    let (check, provides) = kinds::compile(kind, &mut args);
    let unknown: Vec<&str> = placeholders(&spec.messages.zh)
        .into_iter()
        .filter(|p| !provides.iter().any(|q| q == p))
        .collect();
    if !unknown.is_empty() {
        args.problems.push(format!(
            "messages use {{{}}}, which `{}` does not provide (it provides {{{}}})",
            unknown.join("}, {"),
            kind.name,
            provides.join("}, {")
        ));
    }
    match check {
        Some(check) if args.problems.is_empty() => Ok(CompiledCheck {
            check: Arc::from(check),
            refs: std::mem::take(&mut args.refs),
            offer_refs: std::mem::take(&mut args.offer_refs),
            provides,
            reads: OnceCell::new(),
        }),
        _ => Err((args.problems, provides)),
    }
}

/// Every `"$name"` in `table`, however deep, with its value in `params`: all a
/// check kind can read of the chain's parameters.
pub(crate) fn params_read(
    table: &Map<String, Value>,
    params: &BTreeMap<String, Value>,
) -> ParamsRead {
    fn walk(value: &Value, params: &BTreeMap<String, Value>, out: &mut ParamsRead) {
        match value {
            Value::String(text) => {
                if let Some(name) = text.strip_prefix('$') {
                    out.push((name.to_owned(), params.get(name).cloned()));
                    // Some kinds take every leading `$` off.
                    let bare = name.trim_start_matches('$');
                    if bare != name {
                        out.push((bare.to_owned(), params.get(bare).cloned()));
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, params, out)),
            Value::Object(members) => members.values().for_each(|v| walk(v, params, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    table.values().for_each(|v| walk(v, params, &mut out));
    out
}

//! Compiling a chain: the packs layered root first (parameters, severity
//! overrides, disabled rules), then each rule's check or script compiled once.

use super::super::kinds::{self, Kind};
use super::super::script::ScriptEngine;
use super::checks;
use super::gate::Applicability;
use super::guard::Guard;
use super::reads::Reads;
use super::rule::{Body, CompiledRule};
use super::scripts::ScriptCache;
use super::template::Templates;
use super::{Chain, CompileOptions};
use crate::catalogue::Editions;
use crate::json::pointer::Pointer;
use crate::model::DocumentKind;
use crate::pack::load::SourcePack;
use crate::pack::spec::{FixOp, FixSpec, PackProblem, Stricter, placeholders};
use crate::report::{PackRef, Severity};
use crate::sorting;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

const fn severity_rank(severity: Severity) -> u8 {
    match severity {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    }
}

fn as_decimal(value: &serde_json::Value) -> Option<rust_decimal::Decimal> {
    match value {
        serde_json::Value::Number(n) => kinds::number(n),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

impl Chain {
    /// Compiles a chain given root first (`[cn, zj, zj-shaoxing]`).
    pub fn compile(
        packs: &[Arc<SourcePack>],
        options: &CompileOptions,
    ) -> Result<Chain, Vec<PackProblem>> {
        Self::compile_shared(packs, options, &mut ScriptCache::default())
    }

    /// [`Chain::compile`], taking script engines and compiled scripts from `cache`
    /// (and adding to it), so the chains of one registry build them once.
    // Not inlined: see `read_digested_pack`.
    #[inline(never)]
    pub fn compile_shared(
        packs: &[Arc<SourcePack>],
        options: &CompileOptions,
        cache: &mut ScriptCache,
    ) -> Result<Chain, Vec<PackProblem>> {
        let mut problems = Vec::new();
        let mut params: BTreeMap<String, serde_json::Value> = BTreeMap::new();
        let mut strictness: BTreeMap<String, Stricter> = BTreeMap::new();
        let mut by_rule: BTreeMap<String, RuleState> = BTreeMap::new();
        let mut declared: Vec<(&SourcePack, &crate::pack::load::SourceRule)> = Vec::new();

        for pack in packs {
            let m = &pack.manifest;
            let at = |message: String| PackProblem {
                pack: m.id.clone(),
                file: "pack.toml".into(),
                line: None,
                message,
            };
            for (name, spec) in &m.params {
                if let (Some(old), Some(rule)) = (params.get(name), strictness.get(name)) {
                    let looser = match (as_decimal(old), as_decimal(&spec.value)) {
                        (Some(old), Some(new)) => match rule {
                            Stricter::Lower => new > old,
                            Stricter::Higher => new < old,
                        },
                        _ => false,
                    };
                    if looser
                        && spec
                            .loosen_reason
                            .as_deref()
                            .is_none_or(|r| r.trim().is_empty())
                    {
                        problems.push(at(format!(
                            "param `{name}` = {} loosens the parent's {old}: say why with `loosen_reason`",
                            spec.value
                        )));
                    }
                }
                params.insert(name.clone(), spec.value.clone());
                if let Some(s) = spec.stricter {
                    strictness.insert(name.clone(), s);
                }
            }
            for (rule, change) in &m.overrides {
                let Some(current) = by_rule.get(rule).and_then(|r| r.severity) else {
                    problems.push(at(format!(
                        "override of `{rule}`, which no parent pack has"
                    )));
                    continue;
                };
                if severity_rank(change.severity) < severity_rank(current) {
                    problems.push(at(format!(
                        "override may only raise the severity of `{rule}`"
                    )));
                }
                let state = by_rule.entry(rule.clone()).or_default();
                if change.effective_from.is_none() && change.at.is_empty() {
                    state.severity = Some(change.severity);
                } else {
                    state.raised.push(super::rule::Raise {
                        from: change.effective_from,
                        at: change.at.clone(),
                        severity: change.severity,
                    });
                }
            }
            for rule in m.disable.keys() {
                let state = by_rule.entry(rule.clone()).or_default();
                if state.severity.is_none() {
                    problems.push(at(format!(
                        "`{rule}` is disabled, but no parent pack has it"
                    )));
                }
                state.disabled = true;
            }
            for rule in &pack.rules {
                let state = by_rule.entry(rule.spec.id.clone()).or_default();
                if state.severity.replace(rule.spec.severity).is_some() {
                    problems.push(at(format!(
                        "rule `{}` is already defined by a parent pack",
                        rule.spec.id
                    )));
                }
                declared.push((pack, rule));
            }
        }

        let all_editions: Vec<_> = packs
            .iter()
            .flat_map(|p| p.editions.iter().cloned())
            .collect();
        let editions = Editions::new(&all_editions).unwrap_or_else(|message| {
            problems.push(PackProblem {
                pack: packs
                    .last()
                    .map(|p| p.manifest.id.clone())
                    .unwrap_or_default(),
                file: "pack.toml".into(),
                line: None,
                message,
            });
            Editions::default()
        });
        let calendar = packs.iter().rev().find_map(|p| p.calendar.clone());
        let newest = editions.newest_carried().cloned();

        let needs_scripts = declared.iter().any(|(_, r)| r.script.is_some());
        let scripts = match (&newest, needs_scripts) {
            (Some(catalogue), true) => {
                Some(cache.engine(&options.limits, catalogue, calendar.as_ref()))
            }
            (None, true) => {
                problems.push(PackProblem {
                    pack: packs
                        .first()
                        .map(|p| p.manifest.id.clone())
                        .unwrap_or_default(),
                    file: "pack.toml".into(),
                    line: None,
                    message: "scripts need a catalogue in the chain".into(),
                });
                None
            }
            _ => None,
        };

        let declared_sources: BTreeMap<String, String> = sorting::map_from(
            declared
                .iter()
                .filter_map(|(_, r)| Some((r.spec.id.clone(), r.script.clone()?))),
        );
        let mut rules = Vec::new();
        for (pack, rule) in declared {
            let spec = &rule.spec;
            if by_rule.get(&spec.id).is_some_and(|r| r.disabled)
                || options
                    .only
                    .as_ref()
                    .is_some_and(|only| !only.contains(&spec.id))
            {
                continue;
            }
            // The file is named only with a problem, not formatted for every rule
            // of every chain at each load.
            let at = |message: String| PackProblem {
                pack: pack.manifest.id.clone(),
                file: format!("{}/rule.toml", rule.dir),
                line: None,
                message,
            };
            // The check's kind (none: a script), and the compiled check: the fields
            // its parameters name, and those it reads for offers.
            let mut check_kind: Option<&'static Kind> = None;
            let mut native: Option<std::rc::Rc<checks::CompiledCheck>> = None;
            let body = match (&spec.check, &rule.script, &scripts) {
                (Some(table), _, _) => {
                    let kind_name = table
                        .get("kind")
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or_default();
                    let Some(kind) = kinds::kind(kind_name) else {
                        problems.push(at(format!(
                            "unknown check kind `{kind_name}`; kinds: {}",
                            kinds::KINDS
                                .iter()
                                .map(|k| k.name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        )));
                        continue;
                    };
                    if !spec.needs_facts.is_empty() {
                        problems.push(at(
                            "`needs_facts` is for scripts: a check kind says which facts it needs"
                                .into(),
                        ));
                        continue;
                    }
                    let pack_at = std::ptr::from_ref::<SourcePack>(pack) as usize;
                    let read = checks::params_read(table, &params);
                    let compiled = match cache.checks.get(pack_at, &spec.id, &read) {
                        Some(compiled) => compiled,
                        None => match checks::compile(kind, table, &params, spec) {
                            Ok(compiled) => {
                                let compiled = std::rc::Rc::new(compiled);
                                cache
                                    .checks
                                    .insert(pack_at, &spec.id, read, compiled.clone());
                                compiled
                            }
                            Err((found, provides)) => {
                                if let Some(fix) = &spec.fix {
                                    problems.extend(
                                        fix_problems(fix, Some((kind, &provides)))
                                            .into_iter()
                                            .map(|p| at(format!("[fix] {p}"))),
                                    );
                                }
                                problems
                                    .extend(found.into_iter().map(|p| at(format!("[check] {p}"))));
                                continue;
                            }
                        },
                    };
                    if let Some(fix) = &spec.fix {
                        problems.extend(
                            fix_problems(fix, Some((kind, &compiled.provides)))
                                .into_iter()
                                .map(|p| at(format!("[fix] {p}"))),
                        );
                    }
                    check_kind = Some(kind);
                    native = Some(compiled.clone());
                    Body::Native(compiled.check.clone())
                }
                (None, Some(source), Some(engine)) => {
                    match cache.compile(*engine, source, options.scripts_on_first_use) {
                        Ok(script) => {
                            let fix_problems = spec.fix.as_ref().map(|f| fix_problems(f, None));
                            if let Some(found) = fix_problems.filter(|p| !p.is_empty()) {
                                problems
                                    .extend(found.into_iter().map(|p| at(format!("[fix] {p}"))));
                                continue;
                            }
                            if let Some(problem) = needs_facts_problem(
                                &spec.needs_facts,
                                cache.fact_collections(source),
                            ) {
                                problems.push(at(problem));
                                continue;
                            }
                            Body::Script(script)
                        }
                        Err(e) => {
                            problems.push(PackProblem {
                                pack: pack.manifest.id.clone(),
                                file: format!(
                                    "{}/{}",
                                    rule.dir,
                                    spec.script.as_deref().unwrap_or("check.rhai")
                                ),
                                line: e.line,
                                message: e.message,
                            });
                            continue;
                        }
                    }
                }
                _ => continue,
            };
            let guard = match spec
                .when
                .as_ref()
                .map(|w| Guard::compile(w, spec.each.is_some()))
            {
                None => None,
                Some(Ok(guard)) => Some(guard),
                Some(Err(problem)) => {
                    problems.push(at(problem));
                    continue;
                }
            };
            let each: Option<Vec<(DocumentKind, Vec<Pointer>)>> = spec.each.as_ref().map(|each| {
                sorting::map_from(spec.applies_to.iter().map(|kind| {
                    (
                        *kind,
                        each.lists(*kind).into_iter().map(Pointer::parse).collect(),
                    )
                }))
            });
            let (named, offer_refs): (&[(String, kinds::Ref)], &[kinds::Ref]) = native
                .as_deref()
                .map_or((&[], &[]), |c| (&c.refs, &c.offer_refs));
            // What the check cannot decide without: its required field parameters
            // (a parameter naming several fields takes the first given).
            let mut needs: Vec<(String, Vec<kinds::Ref>)> = Vec::new();
            for (key, reference) in named {
                let required = check_kind.is_some_and(|kind| {
                    kind.params
                        .iter()
                        .any(|p| p.name == key.as_str() && p.required)
                });
                if !required {
                    continue;
                }
                match needs.iter_mut().find(|(k, _)| k == key) {
                    Some((_, alternatives)) => alternatives.push(reference.clone()),
                    None => needs.push((key.clone(), vec![reference.clone()])),
                }
            }
            let needs: Vec<Vec<kinds::Ref>> = needs.into_iter().map(|(_, r)| r).collect();
            let lists: Vec<&Pointer> = each.iter().flatten().flat_map(|(_, l)| l).collect();
            // What the check names and its guard reads, and what a script declares.
            let fields = |declared: &[kinds::Ref]| {
                let named = named.iter().map(|(_, r)| r);
                let when = guard.iter().flat_map(Guard::fields);
                Arc::new(Reads::declared(named.chain(when).chain(declared), &lists))
            };
            let offers = || Arc::new(Reads::declared(offer_refs, &lists).fields_only());
            let (reads, offer_reads) = match (&spec.reads, check_kind) {
                (Some(declared), None) => {
                    let mut declared_refs: Vec<kinds::Ref> = Vec::new();
                    let mut bad = Vec::new();
                    for text in declared {
                        let absolute = text.starts_with('/');
                        if !crate::json::pointer::is_valid(text)
                            || text.is_empty()
                            || (!absolute && spec.each.is_none())
                        {
                            bad.push(text.as_str());
                            continue;
                        }
                        declared_refs.push(kinds::Ref {
                            pointer: Pointer::parse(text),
                            absolute,
                        });
                    }
                    if !bad.is_empty() {
                        problems.push(at(format!(
                            "`reads` lists {}, not JSON Pointers of the document (relative ones need `each`)",
                            bad.join(", ")
                        )));
                        continue;
                    }
                    (fields(&declared_refs), offers())
                }
                (Some(_), Some(_)) => {
                    problems.push(at(
                        "`reads` is for scripts: a check kind says what it reads".into(),
                    ));
                    continue;
                }
                (None, Some(_)) => {
                    // The same rule reads the same in every chain.
                    let declare = || (fields(&[]), offers());
                    native
                        .as_deref()
                        .map_or_else(declare, |c| c.reads.get_or_init(declare).clone())
                }
                (None, None) => (Arc::new(Reads::Everything), offers()),
            };
            rules.push(CompiledRule {
                gate: Applicability {
                    applies_to: &spec.applies_to,
                    stages: &spec.stage,
                    status: spec.status,
                    window: (spec.effective_from, spec.effective_until),
                    basis: &spec.legal_basis,
                }
                .gate(),
                check_kind: check_kind.map(|k| k.name),
                needs,
                needs_facts: spec.needs_facts.clone(),
                reads,
                offer_reads,
                guard,
                id: spec.id.clone(),
                pack: pack.label(),
                title: spec.title.clone(),
                severity: by_rule
                    .get(&spec.id)
                    .and_then(|r| r.severity)
                    .unwrap_or(spec.severity),
                raised_from: by_rule
                    .get_mut(&spec.id)
                    .map(|r| std::mem::take(&mut r.raised))
                    .unwrap_or_default(),
                applies_to: spec.applies_to.clone(),
                stages: spec.stage.clone(),
                effective_from: spec.effective_from,
                effective_until: spec.effective_until,
                basis: spec.legal_basis.clone(),
                messages: Templates::new(&spec.messages),
                hint: spec
                    .fix
                    .as_ref()
                    .and_then(|fix| fix.hint.as_ref())
                    .map(Templates::new),
                each,
                body,
                status: spec.status,
                fix: spec.fix.clone(),
            });
        }

        if !problems.is_empty() {
            return Err(problems);
        }
        // Through JSON, so non-whole numbers reach scripts as exact decimals.
        let script_params = ScriptEngine::to_dynamic(&Value::Object(sorting::map_from(
            params
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), serde_json::to_value(v).ok()?))),
        )));
        let script_facts = sorting::map_from(DocumentKind::KINDS.iter().map(|kind| {
            let read = rules
                .iter()
                .filter(|r| matches!(r.body, Body::Script(_)) && r.applies_to.contains(kind))
                .try_fold(Vec::new(), |mut all: Vec<String>, rule| {
                    let source = declared_sources.get(&rule.id)?;
                    all.extend(cache.fact_collections(source)?);
                    Some(all)
                })
                .map(|mut all| {
                    sorting::sort_by(&mut all, Ord::cmp);
                    all.dedup();
                    all
                });
            (*kind, read)
        }));
        Ok(Chain {
            packs: packs
                .iter()
                .rev()
                .map(|p| PackRef {
                    id: p.manifest.id.clone(),
                    version: p.manifest.version.to_string(),
                    digest: Some(p.digest.clone()),
                })
                .collect(),
            rules,
            editions,
            calendar,
            params,
            scripts: scripts
                .and_then(|at| cache.engines.get(at))
                .map(|shared| shared.engine.clone()),
            script_params,
            script_facts,
        })
    }
}

/// What the chain's packs say of one rule, from the root pack down: one map of
/// these rather than one per setting (each map type was a B-tree's code in the
/// browser's first module).
#[derive(Default)]
struct RuleState {
    /// Its severity: as declared, then as overridden without a date or a place.
    /// `None` while no pack has declared it.
    severity: Option<Severity>,
    /// Overrides that apply from a date or at some places.
    raised: Vec<super::rule::Raise>,
    /// A pack disabled it.
    disabled: bool,
}

/// What is wrong with a script rule's `needs_facts`: a name that is no fact
/// collection, or one the script never reads.
/// `read`: the fact collections the script reads (`None`: cannot be told).
fn needs_facts_problem(needs: &[String], read: Option<Vec<String>>) -> Option<String> {
    if needs.is_empty() {
        return None;
    }
    let unknown: Vec<&str> = needs
        .iter()
        .map(String::as_str)
        .filter(|name| !crate::model::Facts::FIELDS.contains(name))
        .collect();
    if !unknown.is_empty() {
        return Some(format!(
            "`needs_facts` lists {}, which are no fact collections (they are {})",
            unknown.join(", "),
            crate::model::Facts::FIELDS.join(", ")
        ));
    }
    // A script whose reads of `facts` cannot be told reads any collection.
    let read = read?;
    let unread: Vec<&str> = needs
        .iter()
        .map(String::as_str)
        .filter(|name| !read.iter().any(|r| r == name))
        .collect();
    (!unread.is_empty()).then(|| {
        format!(
            "`needs_facts` lists {}, which the script never reads",
            unread.join(", ")
        )
    })
}

/// What is wrong with a rule's `[fix]`: for a declarative check, `kind` and the
/// parameters its findings carry (a script's are not known before it runs).
fn fix_problems(fix: &FixSpec, check: Option<(&Kind, &[String])>) -> Vec<String> {
    let mut problems = Vec::new();
    if fix.value.is_some() && fix.candidates.is_some() {
        problems.push("give `value` or `candidates`, not both".to_owned());
    }
    if fix.value.is_none() && fix.op != FixOp::Replace {
        problems.push("`op` goes with `value`".to_owned());
    }
    if let Some(hint) = &fix.hint {
        let (zh, en) = (placeholders(&hint.zh), placeholders(&hint.en));
        // Both sorted and without repeats.
        if zh != en {
            problems.push("the hint's two languages use different {placeholders}".to_owned());
        }
    }
    let Some((kind, provides)) = check else {
        if fix.candidates.is_some() {
            problems.push(
                "a script offers its candidates with each finding (`choices`), not `candidates`"
                    .to_owned(),
            );
        }
        return problems;
    };
    let provided = |name: &str| provides.iter().any(|p| p == name);
    if let Some(value) = &fix.value
        && !provided(value)
    {
        problems.push(format!(
            "`value = \"{value}\"`: `{}`'s findings carry no such parameter (they carry {{{}}})",
            kind.name,
            provides.join("}, {")
        ));
    }
    if let Some(candidates) = &fix.candidates
        && kind.offers != Some(candidates.as_str())
    {
        problems.push(match kind.offers {
            Some(offers) => format!(
                "`candidates = \"{candidates}\"`: `{}` offers `{offers}`",
                kind.name
            ),
            None => format!(
                "`candidates = \"{candidates}\"`: `{}` offers none",
                kind.name
            ),
        });
    }
    let unknown: Vec<&str> = fix
        .hint
        .iter()
        .flat_map(|h| placeholders(&h.zh))
        .filter(|p| !provided(p))
        .collect();
    if !unknown.is_empty() {
        problems.push(format!(
            "the hint uses {{{}}}, which `{}` does not provide",
            unknown.join("}, {"),
            kind.name
        ));
    }
    problems
}

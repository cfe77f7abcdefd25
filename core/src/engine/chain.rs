//! A compiled chain of packs (national → province → city): the rules of every pack
//! in the chain with parameters, severities and disabled rules resolved, compiled
//! once and run over many documents.

use super::fact_index::IndexedFacts;
use super::facts::PreparedFacts;
use super::kinds::{self, Args, Check, Finding, RunCx};
use super::script::sandbox::Limits;
use super::script::{
    CompileError, CompiledScript, ScriptEngine, ScriptError, ScriptInput, fact_collections,
};
use crate::calendar::Calendar;
use crate::catalogue::Catalogue;
use crate::json::Json;
use crate::json::pointer::Pointer;
use crate::locale::{Bilingual, Locale};
use crate::model::node::Node;
use crate::model::{Date, Document, DocumentKind};
use crate::pack::load::SourcePack;
use crate::pack::spec::{LegalBasis, LocalisedText, PackProblem, RegionLevel, Status, Stricter};
use crate::report::{Basis, NotEvaluated, PackRef, ReasonCode, Severity, Unevaluable, Violation};
use crate::sorting;
use serde_json::{Map, Value};
use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::sync::Arc;

/// How a rule checks.
#[derive(Debug)]
pub enum Body {
    /// A declarative check compiled to native code.
    Native(Box<dyn Check>),
    /// A sandboxed script.
    Script(CompiledScript),
}

/// A rule ready to run.
#[derive(Debug)]
pub struct CompiledRule {
    /// Stable id.
    pub id: String,
    /// `pack@version` it comes from.
    pub pack: String,
    /// Title in both locales.
    pub title: LocalisedText,
    /// Severity after the chain's overrides.
    pub severity: Severity,
    /// Document kinds.
    pub applies_to: Vec<DocumentKind>,
    /// Manifest stages (all when empty).
    pub stages: Vec<String>,
    /// Window in which the rule applies.
    pub effective_from: Option<Date>,
    /// Window in which the rule applies.
    pub effective_until: Option<Date>,
    /// Legal basis.
    pub basis: Vec<LegalBasis>,
    /// Messages.
    pub messages: LocalisedText,
    /// The lists iterated, by kind, parsed once (none: the rule runs once per
    /// document).
    pub each: Option<Vec<(DocumentKind, Vec<Pointer>)>>,
    /// When the rule runs (none: always).
    pub guard: Option<Guard>,
    /// The check.
    pub body: Body,
    /// Lifecycle.
    pub status: Status,
}

impl CompiledRule {
    fn applies(&self, kind: DocumentKind, stage: Option<&str>, as_of: Option<Date>) -> bool {
        let in_window = match as_of {
            None => true,
            Some(date) => {
                self.effective_from.is_none_or(|from| from <= date)
                    && self.effective_until.is_none_or(|until| date <= until)
            }
        };
        self.status != Status::Removed
            && in_window
            && self.applies_to.contains(&kind)
            && (self.stages.is_empty()
                || self
                    .stages
                    .iter()
                    .any(|s| Some(s.as_str()) == stage.or(Some("draft"))))
    }
}

/// A rule's `when`, compiled: conditions that must all hold.
#[derive(Debug, Clone)]
pub struct Guard {
    all: Vec<Condition>,
}

impl Guard {
    fn compile(whens: &crate::pack::spec::Whens, has_each: bool) -> Result<Guard, String> {
        let all = whens
            .all()
            .iter()
            .map(|w| Condition::compile(w, has_each))
            .collect::<Result<Vec<_>, _>>()?;
        if all.is_empty() {
            return Err("`when` lists no condition".into());
        }
        Ok(Guard { all })
    }

    /// Whether the rule runs here.
    pub fn holds(&self, cx: &RunCx<'_>) -> bool {
        self.all.iter().all(|c| c.holds(cx))
    }
}

/// Whether `value` is `pattern`, or starts with it when it ends in `*`.
fn matches_pattern(pattern: &str, value: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => value.starts_with(prefix),
        None => pattern == value,
    }
}

/// One condition of a `when`.
#[derive(Debug, Clone)]
struct Condition {
    field: kinds::Ref,
    any_of: Vec<String>,
    not_in: Vec<String>,
    present: Option<bool>,
    outside: Option<(RegionLevel, kinds::Ref)>,
}

impl Condition {
    fn compile(when: &crate::pack::spec::When, has_each: bool) -> Result<Condition, String> {
        let absolute = when.field.starts_with('/');
        if !absolute && !has_each {
            return Err(format!(
                "when.field = \"{}\" is relative, but the rule has no `each`",
                when.field
            ));
        }
        let outside = match (when.outside, &when.of) {
            (None, None) => None,
            (Some(level), Some(of)) => {
                let of_absolute = of.starts_with('/');
                if !of_absolute && !has_each {
                    return Err(format!(
                        "when.of = \"{of}\" is relative, but the rule has no `each`"
                    ));
                }
                Some((
                    level,
                    kinds::Ref {
                        pointer: Pointer::parse(of),
                        absolute: of_absolute,
                    },
                ))
            }
            _ => return Err("`when` needs `outside` and `of` together".into()),
        };
        if when.any_of.is_empty()
            && when.not_in.is_empty()
            && when.present.is_none()
            && outside.is_none()
        {
            return Err("`when` needs `in`, `not_in`, `present` or `outside`".into());
        }
        Ok(Condition {
            field: kinds::Ref {
                pointer: Pointer::parse(&when.field),
                absolute,
            },
            any_of: when.any_of.clone(),
            not_in: when.not_in.clone(),
            present: when.present,
            outside,
        })
    }

    fn holds(&self, cx: &RunCx<'_>) -> bool {
        let node = cx.get(&self.field);
        if self.present.is_some_and(|p| p != node.is_present()) {
            return false;
        }
        if let Some((level, of)) = &self.outside {
            let (Node::Region(a), Node::Region(b)) = (node, cx.get(of)) else {
                return false;
            };
            let same = match level {
                RegionLevel::Province => a.same_province(&b),
                RegionLevel::City => a.same_city(&b),
                RegionLevel::County => a.same_county(&b),
            };
            if same {
                return false;
            }
        }
        if self.any_of.is_empty() && self.not_in.is_empty() {
            return true;
        }
        let text = node.text();
        if let Some(t) = &text
            && self.not_in.iter().any(|p| matches_pattern(p, t))
        {
            return false;
        }
        self.any_of.is_empty()
            || text.is_some_and(|t| self.any_of.iter().any(|p| matches_pattern(p, &t)))
    }
}

/// A compiled chain.
#[derive(Debug)]
pub struct Chain {
    /// The packs, most specific first.
    pub packs: Vec<PackRef>,
    /// The rules, national first, in declaration order.
    pub rules: Vec<CompiledRule>,
    /// Catalogue editions, oldest first.
    pub catalogues: Vec<Arc<Catalogue>>,
    /// The working-day calendar (the most specific pack's that has one).
    pub calendar: Option<Arc<Calendar>>,
    /// The resolved parameters.
    pub params: BTreeMap<String, toml::Value>,
    scripts: Option<Arc<ScriptEngine>>,
    /// The parameters as scripts see them: converted once, shared by every run.
    script_params: rhai::Dynamic,
    /// By document kind, the fact collections its scripts read (`facts.licences`…),
    /// so only those are converted; `None` when a script uses `facts` otherwise.
    script_facts: BTreeMap<DocumentKind, Option<Vec<String>>>,
}

const fn severity_rank(severity: Severity) -> u8 {
    match severity {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    }
}

fn as_decimal(value: &toml::Value) -> Option<rust_decimal::Decimal> {
    match value {
        toml::Value::Integer(n) => Some((*n).into()),
        toml::Value::Float(f) => f.to_string().parse().ok(),
        toml::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Options for compiling chains.
#[derive(Debug, Clone, Default)]
pub struct CompileOptions {
    /// Sandbox limits for scripts.
    pub limits: Limits,
    /// Compile only these rules (a pack test runs one rule at a time).
    pub only: Option<Vec<String>>,
}

/// Script engines and compiled scripts shared by chains compiled together (the
/// chains of one registry): chains over the same catalogue, calendar and limits
/// share one engine, and each script source is compiled once per engine. Without
/// it `zj-shaoxing`'s chain would build its engine and compile `cn`'s and `zj`'s
/// scripts again — a sixth of a checker's start-up in the browser. The outcome is
/// the same as compiling each chain on its own: the same engine set-up and source
/// give the same compiled script (or the same error).
#[derive(Debug, Default)]
pub struct ScriptCache {
    engines: Vec<SharedEngine>,
}

#[derive(Debug)]
struct SharedEngine {
    limits: Limits,
    catalogue: Arc<Catalogue>,
    calendar: Option<Arc<Calendar>>,
    engine: Arc<ScriptEngine>,
    compiled: BTreeMap<String, Result<CompiledScript, CompileError>>,
}

impl ScriptCache {
    /// The engine for these inputs, built on first use.
    fn engine(
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

    /// `source` compiled by engine `at`, compiled on first use.
    fn compile(&mut self, at: usize, source: &str) -> Result<CompiledScript, CompileError> {
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
        let done = shared.engine.compile(source);
        shared.compiled.insert(source.to_owned(), done.clone());
        done
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
    pub fn compile_shared(
        packs: &[Arc<SourcePack>],
        options: &CompileOptions,
        cache: &mut ScriptCache,
    ) -> Result<Chain, Vec<PackProblem>> {
        let mut problems = Vec::new();
        let mut params: BTreeMap<String, toml::Value> = BTreeMap::new();
        let mut strictness: BTreeMap<String, Stricter> = BTreeMap::new();
        let mut severities: BTreeMap<String, Severity> = BTreeMap::new();
        let mut disabled: BTreeMap<String, String> = BTreeMap::new();
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
                let Some(current) = severities.get(rule).copied() else {
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
                severities.insert(rule.clone(), change.severity);
            }
            for (rule, reason) in &m.disable {
                if !severities.contains_key(rule) {
                    problems.push(at(format!(
                        "`{rule}` is disabled, but no parent pack has it"
                    )));
                }
                disabled.insert(rule.clone(), reason.clone());
            }
            for rule in &pack.rules {
                if severities
                    .insert(rule.spec.id.clone(), rule.spec.severity)
                    .is_some()
                {
                    problems.push(at(format!(
                        "rule `{}` is already defined by a parent pack",
                        rule.spec.id
                    )));
                }
                declared.push((pack, rule));
            }
        }

        let catalogues: Vec<Arc<Catalogue>> = {
            let mut all: Vec<Arc<Catalogue>> = packs
                .iter()
                .flat_map(|p| p.catalogues.iter().cloned())
                .collect();
            sorting::sort_by_key(&mut all, |c| c.edition().effective_from);
            all
        };
        let calendar = packs.iter().rev().find_map(|p| p.calendar.clone());
        let newest = catalogues.last().cloned();

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
            if disabled.contains_key(&spec.id)
                || options
                    .only
                    .as_ref()
                    .is_some_and(|only| !only.contains(&spec.id))
            {
                continue;
            }
            let file = format!("{}/rule.toml", rule.dir);
            let at = |message: String| PackProblem {
                pack: pack.manifest.id.clone(),
                file: file.clone(),
                line: None,
                message,
            };
            let body = match (&spec.check, &rule.script, &scripts) {
                (Some(table), _, _) => {
                    let kind_name = table
                        .get("kind")
                        .and_then(toml::Value::as_str)
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
                    let mut args = Args::new(table, &params, spec.each.is_some());
                    let (check, provides) = kinds::compile(kind, &mut args);
                    args.finish();
                    let unknown: Vec<&str> = crate::pack::spec::placeholders(&spec.messages.zh)
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
                    if !args.problems.is_empty() || check.is_none() {
                        problems.extend(
                            args.problems
                                .into_iter()
                                .map(|p| at(format!("[check] {p}"))),
                        );
                        continue;
                    }
                    match check {
                        Some(check) => Body::Native(check),
                        None => continue,
                    }
                }
                (None, Some(source), Some(engine)) => match cache.compile(*engine, source) {
                    Ok(script) => Body::Script(script),
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
                },
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
            rules.push(CompiledRule {
                guard,
                id: spec.id.clone(),
                pack: pack.label(),
                title: spec.title.clone(),
                severity: severities.get(&spec.id).copied().unwrap_or(spec.severity),
                applies_to: spec.applies_to.clone(),
                stages: spec.stage.clone(),
                effective_from: spec.effective_from,
                effective_until: spec.effective_until,
                basis: spec.legal_basis.clone(),
                messages: spec.messages.clone(),
                each: spec.each.as_ref().map(|each| {
                    sorting::map_from(spec.applies_to.iter().map(|kind| {
                        (
                            *kind,
                            each.lists(*kind).into_iter().map(Pointer::parse).collect(),
                        )
                    }))
                }),
                body,
                status: spec.status,
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
                    all.extend(fact_collections(source)?);
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
            catalogues,
            calendar,
            params,
            scripts: scripts
                .and_then(|at| cache.engines.get(at))
                .map(|shared| shared.engine.clone()),
            script_params,
            script_facts,
        })
    }

    /// The fact collections the chain's scripts for a kind read (`None`: all).
    pub fn script_fact_collections(&self, kind: DocumentKind) -> Option<&[String]> {
        self.script_facts
            .get(&kind)
            .and_then(|read| read.as_deref())
    }

    /// The catalogue edition in force on `date` (the newest when no date is known,
    /// the oldest for dates before every edition the chain carries).
    pub fn catalogue_on(&self, date: Option<Date>) -> Option<&Arc<Catalogue>> {
        match date {
            None => self.catalogues.last(),
            Some(date) => self
                .catalogues
                .iter()
                .rev()
                .find(|c| c.edition().effective_from <= date)
                .or_else(|| self.catalogues.first()),
        }
    }

    /// Runs every applicable rule over a decoded document.
    #[allow(clippy::too_many_arguments)]
    pub fn run(
        &self,
        document: &Document,
        raw: &Json<'_>,
        facts: Option<&PreparedFacts<'_>>,
        as_of: Option<Date>,
        locale: Locale,
    ) -> (Vec<Violation>, Vec<NotEvaluated>) {
        let mut violations = Vec::new();
        let mut not_evaluated = Vec::new();
        let Some(catalogue) = self.catalogue_on(as_of) else {
            return (violations, not_evaluated);
        };
        let kind = document.kind();
        let root = document_node(document);
        let stage = root.member("stage").text();
        let no_facts = IndexedFacts::default();
        let cx = RunCx {
            root,
            item: None,
            facts: facts.map_or(&no_facts, PreparedFacts::indexed),
            as_of,
            catalogue,
            calendar: self.calendar.as_deref(),
        };
        let script_inputs = ScriptInputs {
            converted: OnceCell::new(),
            raw,
            facts,
            collections: self.script_fact_collections(kind),
        };

        let mut item_paths: Vec<(&str, Vec<String>)> = Vec::new();
        for rule in self
            .rules
            .iter()
            .filter(|r| r.applies(kind, stage.as_deref(), as_of))
        {
            let mut findings = Vec::new();
            let lists: Option<&[Pointer]> = rule.each.as_ref().map(|each| {
                each.iter()
                    .find(|(k, _)| *k == kind)
                    .map_or(&[][..], |(_, lists)| lists.as_slice())
            });
            // The items' paths (`/wastes/0`…), made once per check for every rule.
            for list in lists.unwrap_or_default() {
                if !item_paths.iter().any(|(p, _)| *p == list.as_str()) {
                    let count = match list.resolve(root) {
                        Node::List(items) => items.len(),
                        _ => 0,
                    };
                    let paths = (0..count).map(|i| crate::json::pointer::item(list.as_str(), i));
                    item_paths.push((list.as_str(), paths.collect()));
                }
            }
            let paths_of = |list: &Pointer| {
                item_paths
                    .iter()
                    .find(|(p, _)| *p == list.as_str())
                    .map(|(_, paths)| paths.as_slice())
            };
            let outcome = match &rule.body {
                Body::Native(check) => match &lists {
                    None => run_native(
                        check.as_ref(),
                        None,
                        rule.guard.as_ref(),
                        &cx,
                        &mut findings,
                    ),
                    Some(lists) => lists.iter().try_for_each(|list| {
                        run_native_on(
                            check.as_ref(),
                            Some((list, paths_of(list))),
                            rule.guard.as_ref(),
                            &cx,
                            &mut findings,
                        )
                    }),
                },
                Body::Script(script) => match &lists {
                    None => self.run_script(
                        script,
                        None,
                        rule.guard.as_ref(),
                        &cx,
                        &script_inputs,
                        as_of,
                        &mut findings,
                    ),
                    Some(lists) => lists.iter().try_for_each(|list| {
                        self.run_script(
                            script,
                            Some(list),
                            rule.guard.as_ref(),
                            &cx,
                            &script_inputs,
                            as_of,
                            &mut findings,
                        )
                    }),
                },
            };
            if let Err(why) = outcome {
                not_evaluated.push(NotEvaluated::new(&rule.id, &rule.pack, why));
            }
            violations.extend(findings.into_iter().map(|f| render(rule, f, locale)));
        }
        (violations, not_evaluated)
    }

    #[allow(clippy::too_many_arguments)]
    fn run_script(
        &self,
        script: &CompiledScript,
        each: Option<&Pointer>,
        guard: Option<&Guard>,
        cx: &RunCx<'_>,
        inputs: &ScriptInputs<'_, '_>,
        as_of: Option<Date>,
        out: &mut Vec<Finding>,
    ) -> Result<(), Unevaluable> {
        let Some(engine) = &self.scripts else {
            return Err(Unevaluable::new(
                ReasonCode::ScriptFailed,
                "internal error: no script engine",
            ));
        };
        let raw = inputs.raw;
        let mut run =
            |item: Option<(usize, &rhai::Dynamic)>, base: &str| -> Result<(), Unevaluable> {
                let (doc, facts) = inputs.get();
                let input = ScriptInput {
                    document: doc,
                    facts,
                    item,
                    params: &self.script_params,
                    as_of,
                };
                let findings = engine.run(script, &input).map_err(|e| {
                    let code = match e {
                        ScriptError::Limit { .. } => ReasonCode::ScriptLimit,
                        _ => ReasonCode::ScriptFailed,
                    };
                    Unevaluable::new(code, e.to_string())
                })?;
                out.extend(findings.into_iter().map(|f| {
                    let path = if f.path.starts_with('/') || base.is_empty() && f.path.is_empty() {
                        f.path
                    } else if f.path.is_empty() {
                        base.to_owned()
                    } else {
                        format!("{base}/{}", f.path)
                    };
                    Finding {
                        path,
                        params: f.params,
                        severity: None,
                    }
                }));
                Ok(())
            };
        match each {
            None if guard.is_some_and(|g| !g.holds(cx)) => Ok(()),
            None => run(None, ""),
            Some(pointer) => {
                let items = match raw.pointer(pointer.as_str()) {
                    Some(Json::Array(items)) => items,
                    // A pointer naming one record (`""`, the document): once, on it.
                    Some(Json::Object(_)) => {
                        let record = pointer.resolve(cx.root);
                        let item_cx = RunCx {
                            item: Some((record, pointer.as_str())),
                            ..*cx
                        };
                        return match (
                            guard.is_none_or(|g| g.holds(&item_cx)),
                            ScriptEngine::pointer(&inputs.get().0, pointer.as_str()),
                        ) {
                            (true, Some(item)) => run(Some((0, &item)), pointer.as_str()),
                            _ => Ok(()),
                        };
                    }
                    _ => return Ok(()),
                };
                let typed = pointer.resolve(cx.root);
                for (index, item) in items.iter().enumerate() {
                    let path = crate::json::pointer::item(pointer.as_str(), index);
                    if let (Some(guard), Node::List(list)) = (guard, typed) {
                        let item_cx = RunCx {
                            item: Some((list.item(index), path.as_str())),
                            ..*cx
                        };
                        if !guard.holds(&item_cx) {
                            continue;
                        }
                    }
                    // A view into the document converted once per check, not a copy.
                    if let (true, Some(item)) = (
                        item.as_object().is_some(),
                        ScriptEngine::pointer(&inputs.get().0, &path),
                    ) {
                        run(Some((index, &item)), &path)?;
                    }
                }
                Ok(())
            }
        }
    }
}

/// The document and the facts as scripts see them, converted when the first script
/// of a check actually runs (a rule whose guard does not hold converts nothing), then
/// shared by every script rule of the check.
struct ScriptInputs<'r, 'j> {
    converted: OnceCell<(rhai::Dynamic, rhai::Dynamic)>,
    raw: &'r Json<'j>,
    facts: Option<&'r PreparedFacts<'r>>,
    collections: Option<&'r [String]>,
}

impl ScriptInputs<'_, '_> {
    fn get(&self) -> &(rhai::Dynamic, rhai::Dynamic) {
        self.converted.get_or_init(|| {
            (
                ScriptEngine::json_to_dynamic(self.raw),
                self.facts
                    .map_or(rhai::Dynamic::UNIT, |f| f.script_view(self.collections)),
            )
        })
    }
}

pub(crate) fn document_node(document: &Document) -> Node<'_> {
    match document {
        Document::Manifest(d) => Node::Record(d.as_ref()),
        Document::Declaration(d) => Node::Record(d.as_ref()),
        Document::Plan(d) => Node::Record(d.as_ref()),
        Document::Ledger(d) => Node::Record(d.as_ref()),
        Document::Storage(d) => Node::Record(d.as_ref()),
        Document::DistrictReport(d) => Node::Record(d.as_ref()),
    }
}

pub(crate) fn run_native(
    check: &dyn Check,
    each: Option<&Pointer>,
    guard: Option<&Guard>,
    cx: &RunCx<'_>,
    out: &mut Vec<Finding>,
) -> Result<(), Unevaluable> {
    run_native_on(check, each.map(|e| (e, None)), guard, cx, out)
}

/// [`run_native`], with the paths of the list's items when the caller made them.
fn run_native_on(
    check: &dyn Check,
    each: Option<(&Pointer, Option<&[String]>)>,
    guard: Option<&Guard>,
    cx: &RunCx<'_>,
    out: &mut Vec<Finding>,
) -> Result<(), Unevaluable> {
    match each {
        None if guard.is_some_and(|g| !g.holds(cx)) => Ok(()),
        None => check.run(cx, out),
        Some((pointer, paths)) => {
            let list = match pointer.resolve(cx.root) {
                Node::List(list) => list,
                // A pointer naming one record (`""`, the document): once, on it.
                record @ Node::Record(_) => {
                    let item_cx = RunCx {
                        item: Some((record, pointer.as_str())),
                        ..*cx
                    };
                    if guard.is_none_or(|g| g.holds(&item_cx)) {
                        check.run(&item_cx, out)?;
                    }
                    return Ok(());
                }
                _ => return Ok(()),
            };
            for index in 0..list.len() {
                let item = list.item(index);
                if let Node::Record(_) = item {
                    let made;
                    let base = match paths.and_then(|p| p.get(index)) {
                        Some(path) => path.as_str(),
                        None => {
                            made = crate::json::pointer::item(pointer.as_str(), index);
                            made.as_str()
                        }
                    };
                    let item_cx = RunCx {
                        item: Some((item, base)),
                        ..*cx
                    };
                    if guard.is_none_or(|g| g.holds(&item_cx)) {
                        check.run(&item_cx, out)?;
                    }
                }
            }
            Ok(())
        }
    }
}

/// Fills a message template's `{placeholders}` from a finding's parameters. A
/// parameter may be localised, `{"zh-CN": …, "en": …}`.
pub fn fill(template: &str, params: &Map<String, Value>, locale: Locale) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start + 1..).unwrap_or_default();
        match after.find('}') {
            Some(end) if after.get(..end).is_some_and(|n| params.contains_key(n)) => {
                let name = after.get(..end).unwrap_or_default();
                let value = match params.get(name) {
                    Some(Value::Object(localised)) => localised.get(locale.tag()),
                    other => other,
                };
                match value {
                    Some(Value::String(s)) => out.push_str(s),
                    Some(Value::Null) | None => out.push('—'),
                    Some(other) => out.push_str(&other.to_string()),
                }
                rest = after.get(end + 1..).unwrap_or_default();
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn render(rule: &CompiledRule, finding: Finding, locale: Locale) -> Violation {
    let text = Bilingual::new(
        fill(&rule.messages.zh, &finding.params, Locale::ZhCn),
        fill(&rule.messages.en, &finding.params, Locale::En),
    );
    Violation {
        rule: rule.id.clone(),
        severity: finding.severity.unwrap_or(rule.severity),
        path: finding.path,
        message: text.get(locale).to_owned(),
        params: finding.params,
        basis: rule
            .basis
            .iter()
            .map(|b| Basis {
                instrument: b.instrument.clone(),
                article: Some(b.article.clone()),
            })
            .collect(),
        pack: Some(rule.pack.clone()),
        text: Some(text),
    }
}

#[cfg(test)]
mod tests {
    use super::{Limits, ScriptCache, fact_collections};
    use crate::engine::kinds::testing::{calendar, catalogue};
    use std::sync::Arc;

    #[test]
    fn chains_share_script_engines_and_compiled_scripts() {
        let mut cache = ScriptCache::default();
        let (limits, catalogue, calendar) = (
            Limits::default(),
            Arc::new(catalogue().clone()),
            Arc::new(calendar().clone()),
        );
        let a = cache.engine(&limits, &catalogue, Some(&calendar));
        assert_eq!(cache.engine(&limits, &catalogue, Some(&calendar)), a);
        // Another calendar, none, another catalogue or other limits: another engine.
        let other = Arc::new(calendar.as_ref().clone());
        let b = cache.engine(&limits, &catalogue, Some(&other));
        let c = cache.engine(&limits, &catalogue, None);
        let d = cache.engine(&limits, &Arc::new(catalogue.as_ref().clone()), None);
        let tight = Limits {
            max_operations: 10,
            ..limits
        };
        let e = cache.engine(&tight, &catalogue, Some(&calendar));
        let mut all = vec![a, b, c, d, e];
        all.dedup();
        assert_eq!(all.len(), 5);

        let source = "catalogue_has(\"900-041-49\")";
        let first = cache.compile(a, source).unwrap();
        assert_eq!(cache.engines.get(a).map(|e| e.compiled.len()), Some(1));
        let again = cache.compile(a, source).unwrap();
        assert_eq!(format!("{first:?}"), format!("{again:?}"));
        assert_eq!(cache.engines.get(a).map(|e| e.compiled.len()), Some(1));
        // An error is kept too, and given again.
        let broken = cache.compile(a, "let x = ;").unwrap_err();
        assert_eq!(cache.compile(a, "let x = ;").unwrap_err(), broken);
        assert!(cache.compile(99, source).is_err());
    }

    #[test]
    fn scripts_fact_collections() {
        assert_eq!(
            fact_collections(
                "let l = facts?.licences; // the facts\nthrow \"no facts\"; /* facts */"
            ),
            Some(vec!["licences".to_owned()]),
            "comments and strings are not code"
        );
        assert_eq!(
            fact_collections("let l = facts?.licences; let p = facts.plans; let q = my_facts;"),
            Some(vec!["licences".to_owned(), "plans".to_owned()])
        );
        assert_eq!(fact_collections("let all = facts;"), None);
        assert_eq!(fact_collections("doc.number"), Some(vec![]));
    }
}

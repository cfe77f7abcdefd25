//! Pack tooling for regulators' engineers: `test` (each rule's fixtures with only
//! that rule enabled), `lint` (what a well-kept pack has), `diff` (what changed
//! between two versions). The command line gives them verbs; CI runs them.

use crate::check::{CheckRequest, Checker};
use crate::engine::chain::{Chain, CompileOptions};
use crate::locale::Locale;
use crate::model::kind_of;
use crate::pack::bundle::PackFiles;
use crate::pack::load::{SourcePack, read_pack};
use crate::pack::spec::PackProblem;
use crate::registry::{Registry, lineage};
use crate::report::NotEvaluated;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::sync::Arc;

/// What a fixture produced, as snapshotted: both locales and the basis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixtureOutcome {
    /// Findings of the rule under test.
    pub findings: Vec<SnapshotFinding>,
    /// Why the rule could not be evaluated, if it could not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_evaluated: Vec<NotEvaluated>,
}

/// One finding in a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotFinding {
    /// Rule id.
    pub rule: String,
    /// Severity.
    pub severity: crate::report::Severity,
    /// JSON Pointer.
    pub path: String,
    /// Message in Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
    /// Parameters.
    pub params: Map<String, Value>,
    /// Legal basis.
    pub basis: Vec<crate::report::Basis>,
}

/// The result of one fixture.
#[derive(Debug, Clone, PartialEq)]
pub struct FixtureResult {
    /// The rule.
    pub rule: String,
    /// `<rule>/fixtures/<name>.json`.
    pub file: String,
    /// What it produced.
    pub outcome: FixtureOutcome,
    /// The canonical snapshot text of the outcome.
    pub snapshot: String,
    /// Why the fixture fails, if it does.
    pub failure: Option<String>,
}

/// The result of testing a pack.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TestReport {
    /// Every fixture run.
    pub fixtures: Vec<FixtureResult>,
    /// Problems that kept fixtures from running at all.
    pub problems: Vec<PackProblem>,
}

impl TestReport {
    /// Whether every fixture passed and nothing kept one from running.
    pub fn passed(&self) -> bool {
        self.problems.is_empty() && self.fixtures.iter().all(|f| f.failure.is_none())
    }
}

fn problem(pack: &str, file: &str, message: String) -> PackProblem {
    PackProblem {
        pack: pack.to_owned(),
        file: file.to_owned(),
        line: None,
        message,
    }
}

/// The fixtures of a rule folder: `(file, text)`.
fn fixtures<'a>(files: &'a PackFiles, rule_dir: &str) -> Vec<(&'a str, &'a str)> {
    let prefix = format!("{rule_dir}/fixtures/");
    files
        .files
        .iter()
        .filter(|(path, _)| path.starts_with(&prefix) && path.ends_with(".json"))
        .filter(|(path, _)| !path.get(prefix.len()..).unwrap_or_default().contains('/'))
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect()
}

/// The snapshot file of a fixture: `<rule>/fixtures/snapshots/<name>.snap`.
pub fn snapshot_path(fixture: &str) -> String {
    match fixture.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/snapshots/{}.snap", name.trim_end_matches(".json")),
        None => format!("snapshots/{fixture}.snap"),
    }
}

/// The content of an insta snapshot file (after its `---` header).
pub fn snapshot_content(snap: &str) -> Option<&str> {
    let body = snap.strip_prefix("---\n")?;
    let end = body.find("\n---\n")?;
    body.get(end + 5..)
}

/// Checks a fixture's request with `checker`, as every host does, and keeps what
/// rule `rule` reported.
fn run_fixture(checker: &Checker, rule: &str, text: &str) -> Result<FixtureOutcome, String> {
    let request: CheckRequest =
        serde_json::from_str(text).map_err(|e| format!("not a check request: {e}"))?;
    let mut options = request.options().map_err(|e| e.to_string())?;
    options.locale = Locale::ZhCn;
    if options.kind.is_none() && kind_of(&request.document).is_none_or(|k| k.is_err()) {
        return Err("the fixture's document names no kind".into());
    }
    if !request.document.is_object() {
        return Err("the fixture's document is not an object".into());
    }
    let report = checker.check_value(&request.document, request.facts.as_ref(), &options);
    let (violations, not_evaluated) = (report.violations, report.not_evaluated);
    Ok(FixtureOutcome {
        findings: violations
            .into_iter()
            .filter(|v| v.rule == rule)
            .map(|v| {
                let text = v.text.clone().unwrap_or_else(|| {
                    crate::locale::Bilingual::new(v.message.clone(), v.message.clone())
                });
                SnapshotFinding {
                    rule: v.rule,
                    severity: v.severity,
                    path: v.path,
                    message_zh: text.zh,
                    message_en: text.en,
                    params: v.params,
                    basis: v.basis,
                }
            })
            .collect(),
        not_evaluated,
    })
}

/// Runs every fixture of pack `name` with only its rule enabled. `sources` must
/// include the pack's ancestors.
pub fn test_pack(sources: &[PackFiles], name: &str) -> TestReport {
    let mut report = TestReport::default();
    let Some(files) = sources.iter().find(|s| s.name == name) else {
        report.problems.push(problem(
            name,
            "",
            format!("no pack `{name}` among the sources"),
        ));
        return report;
    };
    // The problems reading the packs, and the fixtures of every rule that read well.
    let (packs, read) = load_all(sources);
    report.problems = read;
    let Some(pack) = packs.iter().find(|p| p.files.name == name) else {
        return report;
    };
    let line = match lineage(&packs, pack) {
        Ok(line) => line,
        Err(p) => {
            report.problems.push(p);
            return report;
        }
    };
    for rule in &pack.rules {
        if rule.spec.status == crate::pack::spec::Status::Removed {
            continue;
        }
        let options = CompileOptions {
            only: Some(vec![rule.spec.id.clone()]),
            ..CompileOptions::default()
        };
        let checker = match Chain::compile(&line, &options) {
            Ok(chain) => Checker::new(Registry::pinned(pack.clone(), chain)),
            Err(mut p) => {
                report.problems.append(&mut p);
                continue;
            }
        };
        for (file, text) in fixtures(files, &rule.dir) {
            let name = file.rsplit('/').next().unwrap_or_default();
            let (outcome, mut failure) = match run_fixture(&checker, &rule.spec.id, text) {
                Ok(outcome) => (outcome, None),
                Err(e) => (
                    FixtureOutcome {
                        findings: Vec::new(),
                        not_evaluated: Vec::new(),
                    },
                    Some(e),
                ),
            };
            if failure.is_none() {
                failure = if name.starts_with("pass-") {
                    (!outcome.findings.is_empty() || !outcome.not_evaluated.is_empty()).then(|| {
                        format!(
                            "a pass fixture must produce nothing, but the rule reported {} finding(s){}",
                            outcome.findings.len(),
                            if outcome.not_evaluated.is_empty() { "" } else { " and could not be evaluated" }
                        )
                    })
                } else if name.starts_with("fail-") {
                    outcome.findings.is_empty().then(|| match outcome.not_evaluated.first() {
                        Some(n) => format!("a fail fixture must produce a finding, but the rule was not evaluated: {}", n.reason),
                        None => "a fail fixture must produce a finding of the rule, but produced none".into(),
                    })
                } else if name.starts_with("unevaluated-") {
                    if !outcome.findings.is_empty() {
                        Some(format!(
                            "an unevaluated fixture must produce no finding, but the rule reported {}",
                            outcome.findings.len()
                        ))
                    } else if outcome.not_evaluated.is_empty() {
                        Some("an unevaluated fixture must leave the rule not evaluated, but it was evaluated".into())
                    } else {
                        None
                    }
                } else {
                    Some("fixture names start with `pass-`, `fail-` or `unevaluated-`".into())
                };
            }
            let snapshot = serde_json::to_string_pretty(&outcome).unwrap_or_default();
            if failure.is_none()
                && let Some(snap) = files.files.get(&snapshot_path(file))
            {
                let recorded = snapshot_content(snap).map(str::trim_end);
                if recorded != Some(snapshot.trim_end()) {
                    failure = Some(format!("differs from its snapshot {}", snapshot_path(file)));
                }
            }
            report.fixtures.push(FixtureResult {
                rule: rule.spec.id.clone(),
                file: file.to_owned(),
                outcome,
                snapshot,
                failure,
            });
        }
    }
    report
}

/// Every pack that reads far enough (see [`read_pack`]), and every problem found
/// reading them.
fn load_all(sources: &[PackFiles]) -> (Vec<Arc<SourcePack>>, Vec<PackProblem>) {
    let mut packs = Vec::new();
    let mut problems = Vec::new();
    for files in sources {
        let (pack, mut read) = read_pack(files);
        problems.append(&mut read);
        packs.extend(pack.map(Arc::new));
    }
    (packs, problems)
}

/// What a well-kept pack has: it loads and compiles; every rule has docs
/// (`README.md`), a pass and a fail fixture; no fixture or snapshot is orphaned.
pub fn lint(sources: &[PackFiles], name: &str) -> Vec<PackProblem> {
    let Some(files) = sources.iter().find(|s| s.name == name) else {
        return vec![problem(
            name,
            "",
            format!("no pack `{name}` among the sources"),
        )];
    };
    // Every phase's problems at once: those reading the packs, then compiling and
    // linting what read far enough.
    let (packs, read) = load_all(sources);
    let mut problems: Vec<PackProblem> = read.into_iter().filter(|p| p.pack == name).collect();
    let Some(pack) = packs.iter().find(|p| p.files.name == name) else {
        return problems;
    };
    match lineage(&packs, pack) {
        Ok(line) => {
            if let Err(mut p) = Chain::compile(&line, &CompileOptions::default()) {
                problems.append(&mut p);
            }
        }
        Err(p) => problems.push(p),
    }
    let rule_dirs: BTreeSet<&str> = pack.rules.iter().map(|r| r.dir.as_str()).collect();
    for rule in &pack.rules {
        let file = format!("{}/rule.toml", rule.dir);
        if !files.files.contains_key(&format!("{}/README.md", rule.dir)) {
            problems.push(problem(
                name,
                &file,
                "the rule has no README.md documenting it".into(),
            ));
        }
        let names: Vec<&str> = fixtures(files, &rule.dir)
            .iter()
            .filter_map(|(f, _)| f.rsplit('/').next())
            .collect();
        // A removed rule does not run: its id stays reserved, documented by its
        // README, with no fixtures to run.
        let removed = rule.spec.status == crate::pack::spec::Status::Removed;
        for (prefix, what) in [("pass-", "pass"), ("fail-", "fail")] {
            if !removed && !names.iter().any(|n| n.starts_with(prefix)) {
                problems.push(problem(
                    name,
                    &file,
                    format!("the rule has no {what} fixture ({prefix}*.json)"),
                ));
            }
        }
        // The engine runs a rule only while a basis is in force; a window that opens
        // earlier promises what the rule will not do.
        let starts = rule
            .spec
            .effective_from
            .unwrap_or(pack.manifest.effective_from);
        if let Some(earliest) = rule.spec.legal_basis.iter().map(|b| b.effective_from).min()
            && starts < earliest
        {
            problems.push(problem(
                name,
                &file,
                format!(
                    "the rule's window starts on {starts}, before its earliest legal basis takes \
                     effect ({earliest}): give it effective_from = \"{earliest}\""
                ),
            ));
        }
        if rule.spec.messages.zh.trim().is_empty() || rule.spec.messages.en.trim().is_empty() {
            problems.push(problem(name, &file, "a message is empty".into()));
        }
    }
    for path in files.files.keys() {
        if let Some((dir, _)) = path.split_once("/fixtures/") {
            if !rule_dirs.contains(dir) {
                problems.push(problem(
                    name,
                    path,
                    format!("fixture of `{dir}`, which is not a rule of the pack"),
                ));
            } else if path.ends_with(".snap") {
                let fixture = path.replace("/snapshots/", "/").replace(".snap", ".json");
                if !files.files.contains_key(&fixture) {
                    problems.push(problem(
                        name,
                        path,
                        "snapshot of a fixture that does not exist".into(),
                    ));
                }
            } else if !path.ends_with(".json") {
                problems.push(problem(
                    name,
                    path,
                    "fixtures are `pass-*.json`, `fail-*.json` or `unevaluated-*.json`".into(),
                ));
            }
        }
    }
    problems
}

/// One difference between two versions of a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// A rule only in the new version.
    RuleAdded {
        /// The rule's id.
        rule: String,
    },
    /// A rule only in the old version.
    RuleRemoved {
        /// The rule's id.
        rule: String,
    },
    /// A rule's declaration changed (what: severity, status, messages, check, …).
    RuleChanged {
        /// The rule's id.
        rule: String,
        /// The parts of the declaration that changed: `severity`, `status`, `check`, ….
        what: Vec<String>,
    },
    /// A parameter's value changed, or it was added or removed.
    ParamChanged {
        /// The parameter's name.
        param: String,
        /// Its value in the old version, if it had one there.
        old: Option<String>,
        /// Its value in the new version, if it has one there.
        new: Option<String>,
    },
    /// The pack's window, parent or catalogue editions changed.
    PackChanged {
        /// Which: `effective window`, `extends` or `catalogue editions`.
        what: String,
    },
}

/// The differences between two versions of a pack.
pub fn diff(old: &SourcePack, new: &SourcePack) -> Vec<Change> {
    let mut out = Vec::new();
    let (om, nm) = (&old.manifest, &new.manifest);
    if (om.effective_from, om.effective_until) != (nm.effective_from, nm.effective_until) {
        out.push(Change::PackChanged {
            what: "effective window".into(),
        });
    }
    if om.extends != nm.extends {
        out.push(Change::PackChanged {
            what: "extends".into(),
        });
    }
    if om
        .catalogue
        .iter()
        .map(|c| &c.id)
        .ne(nm.catalogue.iter().map(|c| &c.id))
    {
        out.push(Change::PackChanged {
            what: "catalogue editions".into(),
        });
    }
    let names: BTreeSet<&String> = om.params.keys().chain(nm.params.keys()).collect();
    for name in names {
        let (a, b) = (
            om.params.get(name).map(|p| inline(&p.value)),
            nm.params.get(name).map(|p| inline(&p.value)),
        );
        if a != b {
            out.push(Change::ParamChanged {
                param: name.clone(),
                old: a,
                new: b,
            });
        }
    }
    for rule in &old.rules {
        match new.rules.iter().find(|r| r.spec.id == rule.spec.id) {
            None => out.push(Change::RuleRemoved {
                rule: rule.spec.id.clone(),
            }),
            Some(newer) => {
                let (a, b) = (&rule.spec, &newer.spec);
                let mut what = Vec::new();
                let mut differs = |name: &str, changed: bool| {
                    if changed {
                        what.push(name.to_owned());
                    }
                };
                differs("severity", a.severity != b.severity);
                differs("status", a.status != b.status);
                differs("applies_to", a.applies_to != b.applies_to);
                differs("stage", a.stage != b.stage);
                differs(
                    "effective window",
                    (a.effective_from, a.effective_until) != (b.effective_from, b.effective_until),
                );
                differs("legal_basis", a.legal_basis != b.legal_basis);
                differs("messages", a.messages != b.messages);
                differs("each", a.each != b.each);
                differs("when", a.when != b.when);
                differs("check", a.check != b.check);
                differs("script", rule.script != newer.script);
                if !what.is_empty() {
                    out.push(Change::RuleChanged {
                        rule: a.id.clone(),
                        what,
                    });
                }
            }
        }
    }
    for rule in &new.rules {
        if !old.rules.iter().any(|r| r.spec.id == rule.spec.id) {
            out.push(Change::RuleAdded {
                rule: rule.spec.id.clone(),
            });
        }
    }
    out
}

/// A parameter's value as a pack author writes it, inline TOML style:
/// `["a", "b"]`, `{ a = 1 }`.
fn inline(value: &Value) -> String {
    match value {
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) if map.is_empty() => "{}".to_owned(),
        Value::Object(map) => {
            let members: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k} = {}", inline(v)))
                .collect();
            format!("{{ {} }}", members.join(", "))
        }
        other => other.to_string(),
    }
}

/// The parameters a rule uses: `"$name"` references in its check, `params.name` in
/// its script.
fn rule_params(rule: &crate::pack::load::SourceRule) -> Vec<String> {
    let mut out = BTreeSet::new();
    if let Some(check) = &rule.spec.check {
        for value in check.values() {
            let texts: Vec<&str> = match value {
                Value::String(s) => vec![s.as_str()],
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            out.extend(
                texts
                    .into_iter()
                    .filter_map(|t| t.strip_prefix('$'))
                    .map(str::to_owned),
            );
        }
    }
    if let Some(script) = &rule.script {
        for part in script.split("params.").skip(1) {
            let name: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out.into_iter().collect()
}

/// A window in the rule book: `from 2022-01-01`, `2021-01-01 – 2024-12-31`.
fn dates(from: crate::model::Date, until: Option<crate::model::Date>) -> String {
    match until {
        None => format!("from {from}"),
        Some(until) => format!("{from} – {until}"),
    }
}

/// The rule catalogue page (`spec/rules.md`): every rule of every pack with its id,
/// severity, window, documents, what it checks, its tier, dated bases and
/// parameters, and each pack's overrides and disabled rules.
pub fn rule_catalogue(packs: &[Arc<SourcePack>]) -> String {
    let mut out = String::from(
        "# Rule catalogue\n\nGenerated from the built-in packs by `./x bless`; do not edit by hand.\n",
    );
    for pack in packs {
        let m = &pack.manifest;
        let removed = |r: &&crate::pack::load::SourceRule| {
            r.spec.status == crate::pack::spec::Status::Removed
        };
        let live: Vec<_> = pack.rules.iter().filter(|r| !removed(r)).collect();
        out.push_str(&format!(
            "\n## {} {} — {} / {}\n\nJurisdiction {}, in force from {}{}. {} rules ({} declarative, {} scripts){}.\n\n",
            m.id,
            m.version,
            m.title.zh,
            m.title.en,
            m.jurisdiction,
            m.effective_from,
            m.effective_until.map(|u| format!(" until {u}")).unwrap_or_default(),
            live.len(),
            live.iter().filter(|r| r.script.is_none()).count(),
            live.iter().filter(|r| r.script.is_some()).count(),
            match pack.rules.len() - live.len() {
                0 => String::new(),
                n => format!("; {n} removed (listed, never run)"),
            },
        ));
        let word = |severity: crate::report::Severity| {
            serde_json::to_value(severity)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        };
        for (rule, o) in &m.overrides {
            out.push_str(&format!(
                "Overrides `{rule}`: severity {}{}{}.\n\n",
                word(o.severity),
                o.effective_from
                    .map(|from| format!(" from {from}"))
                    .unwrap_or_default(),
                if o.at.is_empty() {
                    String::new()
                } else {
                    format!(", for the findings at `{}`", o.at.join("`, `"))
                }
            ));
        }
        for (rule, reason) in &m.disable {
            out.push_str(&format!("Disables `{rule}`: {reason}\n\n"));
        }
        out.push_str("| rule | severity | window | documents | checks | tier | basis (in force) | parameters |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        let mut rules: Vec<_> = pack.rules.iter().collect();
        rules.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
        for rule in rules {
            let spec = &rule.spec;
            let severity = if removed(&rule) {
                format!("removed (was {})", word(spec.severity))
            } else {
                word(spec.severity)
            };
            let window = match (spec.effective_from, spec.effective_until) {
                (None, None) => "the pack's".to_owned(),
                (from, until) => dates(from.unwrap_or(m.effective_from), until),
            };
            let documents: Vec<&str> = spec.applies_to.iter().map(|k| k.as_str()).collect();
            let tier = match (&spec.check, &rule.script) {
                (Some(check), _) => format!(
                    "`{}`",
                    check.get("kind").and_then(Value::as_str).unwrap_or("?")
                ),
                _ => "script".to_owned(),
            };
            let basis: Vec<String> = spec
                .legal_basis
                .iter()
                .map(|b| {
                    format!(
                        "{} {} ({})",
                        b.instrument,
                        b.article,
                        dates(b.effective_from, b.effective_until)
                    )
                })
                .collect();
            let params: Vec<String> = rule_params(rule)
                .into_iter()
                .map(|name| match m.params.get(&name) {
                    Some(p) => format!(
                        "`{name}` = {}{}",
                        inline(&p.value),
                        if p.recall { " (recalled)" } else { "" }
                    ),
                    None => format!("`{name}`"),
                })
                .collect();
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} / {} | {} | {} | {} |\n",
                spec.id,
                severity,
                window,
                documents.join(", "),
                spec.title.zh,
                spec.title.en,
                tier,
                basis.join("; "),
                if params.is_empty() {
                    "—".into()
                } else {
                    params.join(", ")
                },
            ));
        }
    }
    out
}

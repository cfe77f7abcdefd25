//! What a user would pick instead of wastecheck, measured beside it (issue 22): the
//! baseline's five rules in Rego, evaluated by `regorus` (Microsoft's Rust
//! implementation of OPA's language); JSON Schema validation of the same document
//! with the `jsonschema` crate against `spec/schemas/manifest.json` (structure
//! only); and `serde_json::from_str` to a `Value`, the floor of anything that reads
//! JSON. Each is set up once (the policy compiled and its data loaded, the schema
//! compiled), and each check hands over the document's text as a user would.
//!
//! Before anything is timed, the Rego policy and the hand-written baseline must
//! find what the engine finds with the same five rules, on every generated document
//! and on edge cases the generator never makes ([`edge_cases`]).

use super::baseline::{BFacts, date_of};
use super::fixture::{Fixture, Key};
use serde_json::{Value, json};
use std::cell::RefCell;
use wastecheck::calendar::DayKind;

/// The Rego policy: the baseline's rules as a Rego author would write them.
const POLICY: &str = include_str!("baseline.rego");
/// The schema the documents are validated against, as published.
const MANIFEST_SCHEMA: &str = include_str!("../../../../spec/schemas/manifest.json");

/// The peers, set up once.
pub(super) struct Peers {
    rego: RefCell<regorus::Engine>,
    schema: jsonschema::Validator,
    /// Each consignor's facts as the policy's input holds them (prepared once, as
    /// the engine's are).
    rego_facts: Vec<regorus::Value>,
}

/// What the Rego policy decided for one document.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct RegoOutcome {
    pub(super) findings: Vec<Key>,
    pub(super) not_evaluated: Vec<String>,
}

fn rego_value(value: &Value) -> regorus::Value {
    match regorus::Value::from_json_str(&value.to_string()) {
        Ok(value) => value,
        Err(e) => panic!("regorus cannot read JSON it was given: {e}"),
    }
}

/// The policy's data: the catalogue, the working-day calendar and the chain's
/// parameters, from the same chain the engine runs.
fn rego_data(fx: &Fixture) -> Value {
    let catalogue: serde_json::Map<String, Value> = wastecheck_rules::catalogue()
        .entries()
        .iter()
        .map(|e| (e.code.to_string(), json!(e.category.to_string())))
        .collect();
    let calendar = &fx.baseline.calendar;
    let day = |date: wastecheck::model::Date| -> String {
        match date_of(&date.to_string()) {
            Some(day) => day.to_string(),
            None => panic!("the calendar holds a date that is not one: {date}"),
        }
    };
    let listed = |kind: DayKind| -> serde_json::Map<String, Value> {
        calendar
            .exceptions()
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| (day(e.date), json!(true)))
            .collect()
    };
    json!({
        "catalogue": catalogue,
        "calendar": {
            "first": calendar.first_covered().to_string(),
            "last": calendar.covers_until().to_string(),
            "off": listed(DayKind::Holiday),
            "work": listed(DayKind::Workday),
        },
        "params": {
            "pack_from": "2020-09-01",
            "transfer_rules_from": "2022-01-01",
            "confirmation_working_days": fx.baseline.max_working_days,
        },
    })
}

impl Peers {
    pub(super) fn new(fx: &Fixture) -> Peers {
        let mut rego = regorus::Engine::new();
        // As OPA does: a builtin's error (a date that does not exist) is undefined.
        rego.set_strict_builtin_errors(false);
        if let Err(e) = rego.add_policy("baseline.rego".to_owned(), POLICY.to_owned()) {
            panic!("the Rego policy does not compile: {e}");
        }
        if let Err(e) = rego.add_data(rego_value(&rego_data(fx))) {
            panic!("the Rego data is refused: {e}");
        }
        let schema: Value = match serde_json::from_str(MANIFEST_SCHEMA) {
            Ok(schema) => schema,
            Err(e) => panic!("spec/schemas/manifest.json is not JSON: {e}"),
        };
        let schema = match jsonschema::draft202012::new(&schema) {
            Ok(validator) => validator,
            Err(e) => panic!("jsonschema cannot compile the manifest schema: {e}"),
        };
        let rego_facts = fx
            .facts
            .iter()
            .map(|f| rego_value(&json!({ "licences": f["licences"] })))
            .collect();
        Peers {
            rego: RefCell::new(rego),
            schema,
            rego_facts,
        }
    }

    /// The Rego policy over a document's text and its consignor's facts.
    pub(super) fn rego(&self, text: &str, facts: usize) -> RegoOutcome {
        let document = match regorus::Value::from_json_str(text) {
            Ok(document) => document,
            Err(e) => panic!("regorus cannot read a document: {e}"),
        };
        self.rego_with(document, self.rego_facts[facts].clone())
    }

    fn rego_with(&self, document: regorus::Value, facts: regorus::Value) -> RegoOutcome {
        let mut input = regorus::Value::new_object();
        if let Ok(members) = input.as_object_mut() {
            members.insert(regorus::Value::from("manifest"), document);
            members.insert(regorus::Value::from("facts"), facts);
        }
        let mut rego = self.rego.borrow_mut();
        rego.set_input(input);
        let result = match rego.eval_rule("data.wastecheck.result".to_owned()) {
            Ok(result) => result,
            Err(e) => panic!("the Rego policy fails: {e}"),
        };
        let strings = |value: &regorus::Value| -> Vec<String> {
            match value {
                regorus::Value::Set(set) => set
                    .iter()
                    .map(|v| {
                        v.as_string()
                            .map_or_else(|_| v.to_string(), |s| s.to_string())
                    })
                    .collect(),
                regorus::Value::Array(array) => array
                    .iter()
                    .map(|v| {
                        v.as_string()
                            .map_or_else(|_| v.to_string(), |s| s.to_string())
                    })
                    .collect(),
                _ => Vec::new(),
            }
        };
        let member = |name: &str| &result[&regorus::Value::from(name)];
        let mut findings: Vec<Key> = match member("findings") {
            regorus::Value::Set(set) => set
                .iter()
                .map(|finding| {
                    let parts = strings(finding);
                    (
                        parts.first().cloned().unwrap_or_default(),
                        parts.get(1).cloned().unwrap_or_default(),
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
        findings.sort();
        let mut not_evaluated = strings(member("not_evaluated"));
        not_evaluated.sort();
        RegoOutcome {
            findings,
            not_evaluated,
        }
    }

    /// The schema's structural errors in a document's text (parsed, then validated).
    pub(super) fn schema_errors(&self, text: &str) -> usize {
        serde_json::from_str::<Value>(text).map_or(1, |v| self.schema_errors_in(&v))
    }

    /// The schema's structural errors in a parsed document.
    pub(super) fn schema_errors_in(&self, value: &Value) -> usize {
        self.schema.iter_errors(value).count()
    }
}

/// The facts a case is checked with, in each checker's form.
struct CaseFacts<'a> {
    engine: &'a wastecheck::PreparedFacts<'static>,
    baseline: &'a BFacts<'static>,
    rego: regorus::Value,
}

impl Peers {
    fn case_facts<'a>(&self, fx: &'a Fixture, facts: usize) -> CaseFacts<'a> {
        CaseFacts {
            engine: &fx.prepared[facts],
            baseline: &fx.baseline_facts[facts],
            rego: self.rego_facts[facts].clone(),
        }
    }
}

/// A checker's findings and rules not evaluated, of the baseline's rules only.
fn of_rules<'a>(
    fx: &Fixture,
    findings: impl IntoIterator<Item = (&'a str, &'a str)>,
    not_evaluated: impl IntoIterator<Item = &'a str>,
) -> RegoOutcome {
    let ours = |rule: &str| fx.like_rules.iter().any(|r| r == rule);
    let mut findings: Vec<Key> = findings
        .into_iter()
        .filter(|(r, _)| ours(r))
        .map(|(r, p)| (r.to_owned(), p.to_owned()))
        .collect();
    findings.sort();
    let mut not_evaluated: Vec<String> = not_evaluated
        .into_iter()
        .filter(|r| ours(r))
        .map(str::to_owned)
        .collect();
    not_evaluated.sort();
    RegoOutcome {
        findings,
        not_evaluated,
    }
}

fn engine_rules(fx: &Fixture, value: &Value, facts: &CaseFacts<'_>) -> RegoOutcome {
    let report = fx.like_checker.check_value_with(
        value,
        Some(facts.engine),
        &wastecheck::CheckOptions::default(),
    );
    of_rules(
        fx,
        report
            .violations
            .iter()
            .map(|v| (v.rule.as_str(), v.path.as_str())),
        report.not_evaluated.iter().map(|n| n.rule.as_str()),
    )
}

fn baseline_rules(fx: &Fixture, value: &Value, facts: &CaseFacts<'_>) -> RegoOutcome {
    let outcome = match fx.baseline.check(&value.to_string(), facts.baseline) {
        Ok(outcome) => outcome,
        Err(e) => panic!("the baseline cannot read a document: {e}"),
    };
    of_rules(
        fx,
        outcome.findings.iter().map(|(r, p)| (*r, p.as_str())),
        outcome.not_evaluated.iter().copied(),
    )
}

/// Documents the generator never makes: each a generated one with one thing wrong
/// or missing, named.
pub(super) fn edge_cases(fx: &Fixture) -> Vec<(&'static str, Value, usize)> {
    let base = &fx.values[0];
    let facts = fx.facts_of[0];
    let edit = |name: &'static str, f: &dyn Fn(&mut Value)| {
        let mut value = base.clone();
        f(&mut value);
        (name, value, facts)
    };
    let remove = |value: &mut Value, pointer: &str| {
        let (parent, member) = pointer.rsplit_once('/').unwrap_or(("", pointer));
        if let Some(Value::Object(map)) = value.pointer_mut(parent) {
            map.remove(member);
        }
    };
    let set = |value: &mut Value, pointer: &str, new: Value| {
        if let Some(slot) = value.pointer_mut(pointer) {
            *slot = new;
        }
    };
    vec![
        edit("dispatched on 30 February", &|v| {
            set(v, "/dispatched_at", json!("2025-02-30T09:00:00+08:00"))
        }),
        edit("confirmed on 30 February", &|v| {
            set(v, "/confirmed_at", json!("2025-02-30T09:00:00+08:00"))
        }),
        edit("a letter inside the manifest number", &|v| {
            set(v, "/number", json!("2025330A000123"))
        }),
        edit("a manifest number of the wrong year and city", &|v| {
            set(v, "/number", json!("20193301000123"))
        }),
        edit("no receipt date", &|v| remove(v, "/received_at")),
        edit("no dispatch date", &|v| remove(v, "/dispatched_at")),
        edit("no receiver credit code", &|v| {
            remove(v, "/receiver/credit_code")
        }),
        edit(
            "a receiver credit code with a wrong check character",
            &|v| {
                let code = v["receiver"]["credit_code"].as_str().unwrap_or_default();
                let last = if code.ends_with('1') { "2" } else { "1" };
                let wrong = format!("{}{last}", &code[..code.len().saturating_sub(1)]);
                set(v, "/receiver/credit_code", json!(wrong))
            },
        ),
        edit("no waste lines", &|v| remove(v, "/wastes")),
        edit("a line with no code", &|v| remove(v, "/wastes/0/code")),
        edit("a line with no method", &|v| remove(v, "/wastes/0/method")),
        edit("a code not in the list", &|v| {
            set(v, "/wastes/0/code", json!("900-999-49"))
        }),
        edit("a code of the wrong form", &|v| {
            set(v, "/wastes/0/code", json!("900-41-49"))
        }),
        edit("a general industrial category", &|v| {
            set(v, "/wastes/0/category", json!("SW17"))
        }),
        edit("an identified waste with its report", &|v| {
            set(v, "/wastes/0/code", json!("900-000-49"));
            set(v, "/wastes/0/category", json!("HW49"));
            if let Some(line) = v.pointer_mut("/wastes/0").and_then(Value::as_object_mut) {
                line.insert("identification_report".into(), json!("绍环鉴〔2025〕12号"));
            }
        }),
        edit("a method no licence names", &|v| {
            set(v, "/wastes/0/method", json!("R1"))
        }),
        edit("dispatched before the transfer measures", &|v| {
            set(v, "/created_at", json!("2021-06-01T08:00:00+08:00"));
            set(v, "/dispatched_at", json!("2021-06-02T08:00:00+08:00"));
        }),
        edit("confirmed a year after receipt", &|v| {
            set(v, "/received_at", json!("2025-03-03T10:00:00+08:00"));
            set(v, "/confirmed_at", json!("2026-03-03T10:00:00+08:00"));
        }),
        edit("confirmed beyond the calendar", &|v| {
            set(v, "/confirmed_at", json!("2031-01-06T10:00:00+08:00"))
        }),
        edit("no facts about licences", &|v| {
            set(v, "/receiver/credit_code", json!("91330100MA27XL0Q1G"))
        }),
    ]
}

/// The Rego policy and the baseline must find what the engine finds with the same
/// rules, on every generated document and on every edge case.
pub(super) fn verify(fx: &Fixture, peers: &Peers) {
    let check = |name: &str, value: &Value, facts: &CaseFacts<'_>| -> RegoOutcome {
        let engine = engine_rules(fx, value, facts);
        let baseline = baseline_rules(fx, value, facts);
        let rego = peers.rego_with(rego_value(value), facts.rego.clone());
        if engine != rego || engine != baseline {
            let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
            panic!(
                "\n\nTHE PEERS DISAGREE WITH THE ENGINE on {name}:\n{pretty}\n\
                 engine:   {engine:?}\nbaseline: {baseline:?}\nrego:     {rego:?}\n"
            );
        }
        engine
    };
    let mut compared = 0;
    for (i, value) in fx.values.iter().enumerate() {
        let facts = peers.case_facts(fx, fx.facts_of[i]);
        compared += check(&format!("generated document {i}"), value, &facts)
            .findings
            .len();
    }
    let mut cases: Vec<(&str, Value, CaseFacts<'_>)> = edge_cases(fx)
        .into_iter()
        .map(|(name, value, facts)| (name, value, peers.case_facts(fx, facts)))
        .collect();
    // With no licences among the facts, the scope rule cannot decide.
    let no_licences = BFacts { licences: None };
    let empty = wastecheck::PreparedFacts::new(json!({}));
    cases.push((
        "no licences in the facts",
        fx.values[0].clone(),
        CaseFacts {
            engine: &empty,
            baseline: &no_licences,
            rego: rego_value(&json!({})),
        },
    ));
    let mut reached = std::collections::BTreeSet::new();
    for (name, value, facts) in &cases {
        let found = check(name, value, facts);
        compared += found.findings.len();
        reached.extend(found.findings.into_iter().map(|(rule, _)| rule));
        reached.extend(
            found
                .not_evaluated
                .into_iter()
                .map(|rule| format!("{rule} (not evaluated)")),
        );
    }
    // The edge cases reach every rule, and both ways of not deciding.
    for rule in &fx.like_rules {
        assert!(
            reached.contains(rule),
            "no edge case makes {rule} find anything: {reached:?}"
        );
    }
    for rule in [
        "cn.transfer.receiver-licence-scope",
        "cn.transfer.confirmation-late",
    ] {
        let undecided = format!("{rule} (not evaluated)");
        assert!(
            reached.contains(&undecided),
            "no edge case leaves {rule} undecided: {reached:?}"
        );
    }
    println!(
        "the Rego policy, the baseline and the engine agree on all {} documents and {} edge cases: {compared} violations of {} rules",
        fx.values.len(),
        cases.len(),
        fx.like_rules.len()
    );
    let refused = fx
        .texts
        .iter()
        .filter(|t| peers.schema_errors(t) > 0)
        .count();
    println!(
        "jsonschema finds structural errors in {refused} of {} documents (a check character is beyond JSON Schema)",
        fx.texts.len()
    );
}

/// The peers table: medians of interleaved runs over the same documents, each
/// ratio to the engine with the baseline's five rules.
pub(super) fn table(fx: &Fixture, peers: &Peers) {
    use super::summary::{median, per_second, round_ratio, time_runs_each, us};
    use super::{ITERS, N};

    let engine_five = |i: usize| fx.check_str(&fx.like_checker, i).violations.len();
    let engine_chain = |i: usize| fx.check_str(fx.checker, i).violations.len();
    let baseline = |i: usize| fx.hand(i).map_or(0, |o| o.findings.len());
    let rego = |i: usize| peers.rego(&fx.texts[i], fx.facts_of[i]).findings.len();
    let schema = |i: usize| peers.schema_errors(&fx.texts[i]);
    let schema_alone = |i: usize| peers.schema_errors_in(&fx.values[i]);
    let parse = |i: usize| {
        serde_json::from_str::<Value>(&fx.texts[i])
            .map_or(0, |v| v.as_object().map_or(0, |o| o.len()))
    };
    // Rego is about a hundred times slower: it runs each document once per run.
    let fast = ITERS / 2;
    let runs = time_runs_each(
        [fast, fast, fast, N, fast, fast, fast],
        [
            &engine_five,
            &engine_chain,
            &baseline,
            &rego,
            &schema,
            &schema_alone,
            &parse,
        ],
    );
    let chain_to_schema = round_ratio(&runs[1], &runs[4]);
    let chain_to_parse = round_ratio(&runs[1], &runs[6]);
    let five_to_base = round_ratio(&runs[0], &runs[2]);
    let [
        t_five,
        t_chain,
        t_base,
        t_rego,
        t_schema,
        t_schema_alone,
        t_parse,
    ] = runs.map(median);
    let rules = fx.like_rules.len();
    let row = |label: String, t: f64| {
        println!(
            "  {label:<50} {}  {}  {:8.2}",
            us(t),
            per_second(t),
            t / t_five
        )
    };
    println!();
    println!(
        "peers — the same {N} documents, medians of interleaved runs ({fast} checks each; Rego {N}); ratio to the engine with {rules} rules:"
    );
    println!("  {:<50}   per check    checks/s     ratio", "");
    row(
        format!("engine, the baseline's {rules} rules (check_str)"),
        t_five,
    );
    row(
        format!(
            "engine, whole chain ({} rules, check_str)",
            fx.manifest_rules.len()
        ),
        t_chain,
    );
    row(format!("hand-written baseline, {rules} rules"), t_base);
    row(
        format!("Rego ({rules} rules) in regorus: parse, input, eval"),
        t_rego,
    );
    row(
        "jsonschema, manifest.json: parse + validate".to_owned(),
        t_schema,
    );
    row(
        "jsonschema, manifest.json: validate alone".to_owned(),
        t_schema_alone,
    );
    row(
        "serde_json::from_str to a Value (the floor)".to_owned(),
        t_parse,
    );
    // Each of these: the median of each round's ratio (the rows are medians of
    // the runs, which may come from different rounds).
    println!(
        "  whole chain / (jsonschema parse + validate) = {:.2} (goal ≤ 0.8); whole chain / parse floor = {:.2} (goal ≤ 1.5); engine({rules}) / baseline = {:.2}; {five_to_base} for the last",
        chain_to_schema.median, chain_to_parse.median, five_to_base.median,
    );
}

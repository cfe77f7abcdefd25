//! The fixture shared by the benchmarks and the summary, and the agreement of the
//! engine and the baseline.

use super::baseline::{BFacts, Baseline, Outcome};
use super::generate::{Rng, consignors, facts, manifest};
use super::{BASELINE_RULES, N, SEED};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use wastecheck::calendar::Calendar;
use wastecheck::engine::chain::{Body, Chain, CompileOptions};
use wastecheck::json::Json;
use wastecheck::model::{Date, Document, DocumentKind, decode_document};
use wastecheck::registry::Registry;
use wastecheck::{CheckOptions, Checker, PreparedFacts};

/// A document decoded once, for timing the rules alone.
pub(super) struct Decoded {
    pub(super) raw: Json<'static>,
    pub(super) document: Document,
    pub(super) as_of: Option<Date>,
}

/// A rule of the chain that applies to confirmed manifests.
pub(super) struct RuleInfo {
    pub(super) id: String,
    pub(super) script: bool,
    /// A chain with this rule alone.
    pub(super) alone: Arc<Chain>,
}

pub(super) struct Fixture {
    pub(super) texts: Vec<String>,
    pub(super) values: Vec<Value>,
    pub(super) decoded: Vec<Decoded>,
    /// The facts about each consignor's manifests (its plans, the receiver's
    /// licences, …), and which of them each document comes with.
    pub(super) facts: Vec<&'static Value>,
    /// The same, prepared once as a host holds them: for the engine, and for the
    /// baseline.
    pub(super) prepared: Vec<PreparedFacts<'static>>,
    pub(super) baseline_facts: Vec<BFacts<'static>>,
    pub(super) facts_of: Vec<usize>,
    pub(super) checker: &'static Checker,
    /// The chain the documents are checked against (the same for all of them).
    pub(super) chain: Arc<Chain>,
    /// The chain's rules that apply to confirmed manifests.
    pub(super) manifest_rules: Vec<RuleInfo>,
    /// The engine with only the rules the baseline implements (like for like).
    pub(super) like_checker: Checker,
    pub(super) like_rules: Vec<String>,
    /// Manifest rules of the chain the baseline does not implement.
    pub(super) missing: Vec<String>,
    /// The chain's script rules for manifests alone, and no rules at all.
    pub(super) script_rules: Vec<String>,
    pub(super) scripts_only: Arc<Chain>,
    pub(super) no_rules: Arc<Chain>,
    pub(super) no_rules_checker: Checker,
    pub(super) baseline: Baseline<'static>,
}

impl Fixture {
    pub(super) fn facts(&self, i: usize) -> &Value {
        self.facts[self.facts_of[i]]
    }

    pub(super) fn prepared(&self, i: usize) -> &PreparedFacts<'static> {
        &self.prepared[self.facts_of[i]]
    }

    pub(super) fn check_str(&self, checker: &Checker, i: usize) -> wastecheck::Report {
        checker.check_str_with(
            &self.texts[i],
            Some(self.prepared(i)),
            &CheckOptions::default(),
        )
    }

    /// As a host that decodes the facts again for every document would.
    pub(super) fn check_str_raw_facts(&self, checker: &Checker, i: usize) -> wastecheck::Report {
        checker.check_str(
            &self.texts[i],
            Some(self.facts(i)),
            &CheckOptions::default(),
        )
    }

    pub(super) fn check_value(&self, checker: &Checker, i: usize) -> wastecheck::Report {
        checker.check_value_with(
            &self.values[i],
            Some(self.prepared(i)),
            &CheckOptions::default(),
        )
    }

    pub(super) fn hand(&self, i: usize) -> Result<Outcome, serde_json::Error> {
        self.baseline
            .check(&self.texts[i], &self.baseline_facts[self.facts_of[i]])
    }
}

/// A document as the engine reads JSON text, kept for the whole run.
pub(super) fn parsed(value: &Value) -> Json<'static> {
    let text: &'static str = Box::leak(value.to_string().into_boxed_str());
    match wastecheck::json::parse(text) {
        Ok(parsed) => parsed.value,
        Err(e) => panic!("generated JSON does not parse: {e}"),
    }
}

pub(super) fn chain_with(
    only: Vec<String>,
    sample: &Document,
    as_of: Option<Date>,
) -> (Checker, Arc<Chain>) {
    let options = CompileOptions {
        only: Some(only),
        ..CompileOptions::default()
    };
    let registry = match Registry::from_sources(&wastecheck_rules::packs(), &options) {
        Ok(registry) => registry,
        Err(e) => panic!("the embedded packs do not compile: {e}"),
    };
    let checker = Checker::new(registry);
    let chain = match checker.chain_for(sample, as_of) {
        Some(chain) => chain.clone(),
        None => panic!("no chain for the sample document"),
    };
    (checker, chain)
}

pub(super) fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let catalogue = wastecheck_rules::catalogue();
        let mut rng = Rng(SEED);
        let parties = consignors(&mut rng, catalogue);
        let generated: Vec<(usize, Value, (Value, Value))> = (0..N)
            .map(|_| manifest(&mut rng, catalogue, &parties))
            .collect();
        let facts_of: Vec<usize> = generated.iter().map(|g| g.0).collect();
        let values: Vec<Value> = generated.iter().map(|g| g.1.clone()).collect();
        let texts: Vec<String> = values.iter().map(Value::to_string).collect();
        // Leaked, so that the baseline's borrowed facts live as long as the fixture.
        // Each consignor's facts hold the tracks and waybills of all its trips.
        let facts: Vec<&'static Value> = parties
            .iter()
            .enumerate()
            .map(|(who, p)| {
                let mut facts = facts(catalogue, p);
                let trips = generated.iter().filter(|g| g.0 == who).map(|g| &g.2);
                facts["tracks"] = trips.clone().map(|t| t.0.clone()).collect();
                facts["waybills"] = trips.map(|t| t.1.clone()).collect();
                &*Box::leak(Box::new(facts))
            })
            .collect();
        let prepared = facts
            .iter()
            .map(|f| PreparedFacts::new((*f).clone()))
            .collect();
        let baseline_facts = facts
            .iter()
            .map(|f| match BFacts::deserialize(*f) {
                Ok(facts) => facts,
                Err(e) => panic!("the baseline cannot read the facts: {e}"),
            })
            .collect();
        let checker = wastecheck_rules::checker();

        let decoded: Vec<Decoded> = values
            .iter()
            .map(|raw| {
                let (document, problems) = decode_document(DocumentKind::Manifest, raw);
                let document = document.unwrap_or_else(|| panic!("undecodable: {problems:?}"));
                let as_of = wastecheck::check::legal_date(&document);
                Decoded {
                    raw: parsed(raw),
                    document,
                    as_of,
                }
            })
            .collect();
        let sample = &decoded[0];
        let chain = match checker.chain_for(&sample.document, sample.as_of) {
            Some(chain) => chain.clone(),
            None => panic!("no chain for the generated documents"),
        };
        for d in &decoded {
            let other = checker.chain_for(&d.document, d.as_of).map(Arc::as_ptr);
            assert_eq!(
                other,
                Some(Arc::as_ptr(&chain)),
                "the documents select different chains"
            );
        }
        let manifest_rules: Vec<RuleInfo> = chain
            .rules
            .iter()
            .filter(|r| {
                r.applies_to.contains(&DocumentKind::Manifest)
                    && (r.stages.is_empty() || r.stages.iter().any(|s| s == "confirmed"))
            })
            .map(|r| RuleInfo {
                id: r.id.clone(),
                script: matches!(r.body, Body::Script(_)),
                alone: chain_with(vec![r.id.clone()], &sample.document, sample.as_of).1,
            })
            .collect();
        let like_rules: Vec<String> = BASELINE_RULES
            .iter()
            .filter(|id| chain.rules.iter().any(|r| r.id == **id))
            .map(|id| (*id).to_owned())
            .collect();
        let like_checker = chain_with(like_rules.clone(), &sample.document, sample.as_of).0;
        let missing = manifest_rules
            .iter()
            .filter(|r| !BASELINE_RULES.contains(&r.id.as_str()))
            .map(|r| r.id.clone())
            .collect();
        let script_rules: Vec<String> = manifest_rules
            .iter()
            .filter(|r| r.script)
            .map(|r| r.id.clone())
            .collect();
        let scripts_only = chain_with(script_rules.clone(), &sample.document, sample.as_of).1;
        let (no_rules_checker, no_rules) = chain_with(Vec::new(), &sample.document, sample.as_of);
        let calendar: &'static Calendar = match &chain.calendar {
            // The chain lives in the 'static checker; keep our Arc alive for 'static.
            Some(calendar) => {
                let leaked: &'static Arc<Calendar> = Box::leak(Box::new(calendar.clone()));
                leaked
            }
            None => panic!("the chain has no working-day calendar"),
        };
        let max_working_days = chain
            .params
            .get("confirmation_working_days")
            .and_then(|v| v.as_i64())
            .unwrap_or(5);
        Fixture {
            texts,
            values,
            decoded,
            facts,
            prepared,
            baseline_facts,
            facts_of,
            checker,
            chain,
            manifest_rules,
            like_checker,
            like_rules,
            missing,
            script_rules,
            scripts_only,
            no_rules,
            no_rules_checker,
            baseline: Baseline {
                catalogue,
                calendar,
                max_working_days,
            },
        }
    })
}

pub(super) type Key = (String, String);

pub(super) fn keys(report: &wastecheck::Report) -> (Vec<Key>, Vec<String>) {
    let mut keys: Vec<Key> = report
        .violations
        .iter()
        .map(|v| (v.rule.clone(), v.path.clone()))
        .collect();
    keys.sort();
    let mut not_evaluated: Vec<String> = report
        .not_evaluated
        .iter()
        .map(|n| n.rule.clone())
        .collect();
    not_evaluated.sort();
    (keys, not_evaluated)
}

/// The baseline must find exactly what the engine finds, with the same rules, on
/// every document; and what the whole chain finds is shown.
pub(super) fn verify(fx: &Fixture) {
    let mut agreed = 0;
    for i in 0..N {
        let (engine, engine_ne) = keys(&fx.check_str(&fx.like_checker, i));
        let outcome = match fx.hand(i) {
            Ok(outcome) => outcome,
            Err(e) => panic!("the baseline cannot read document {i}: {e}"),
        };
        let known =
            |rule: &str| rule.starts_with("schema.") || fx.like_rules.iter().any(|r| r == rule);
        let mut baseline: Vec<Key> = outcome
            .findings
            .iter()
            .filter(|(r, _)| known(r))
            .map(|(r, p)| ((*r).to_owned(), p.clone()))
            .collect();
        baseline.sort();
        let mut baseline_ne: Vec<String> = outcome
            .not_evaluated
            .iter()
            .filter(|r| known(r))
            .map(|r| (*r).to_owned())
            .collect();
        baseline_ne.sort();
        if engine != baseline || engine_ne != baseline_ne {
            let pretty = serde_json::to_string_pretty(&fx.values[i]).unwrap_or_default();
            panic!(
                "\n\nBASELINE AND ENGINE DISAGREE on generated document {i}:\n{pretty}\n\
                 engine:   {engine:?}\n          not evaluated {engine_ne:?}\n\
                 baseline: {baseline:?}\n          not evaluated {baseline_ne:?}\n"
            );
        }
        agreed += engine.len();
    }
    println!(
        "baseline and engine agree on all {N} documents: {agreed} violations of {} rules + structure",
        fx.like_rules.len()
    );

    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    let mut not_evaluated: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for i in 0..N {
        let report = fx.check_str(fx.checker, i);
        for v in &report.violations {
            *found.entry(v.rule.clone()).or_default() += 1;
        }
        for n in &report.not_evaluated {
            not_evaluated
                .entry(n.rule.clone())
                .or_insert((0, n.reason.clone()))
                .0 += 1;
        }
    }
    println!(
        "the whole chain ({} rules, {} for confirmed manifests) finds {} violations:",
        fx.chain.rules.len(),
        fx.manifest_rules.len(),
        found.values().sum::<usize>()
    );
    for (rule, count) in &found {
        println!("  {count:4}  {rule}");
    }
    for (rule, (count, reason)) in &not_evaluated {
        println!("  not evaluated {count:4}× {rule}: {reason}");
    }
    if !fx.missing.is_empty() {
        println!(
            "\nWARNING: the hand-written baseline implements {} of the {} rules the chain runs on manifests; \
             missing: {:?}.\nThe engine/baseline ratio below is like for like (the engine with the baseline's rules only); \
             add the missing rules to the baseline in rules/benches/check/baseline.rs to compare the whole chain.\n",
            fx.manifest_rules.len() - fx.missing.len(),
            fx.manifest_rules.len(),
            fx.missing
        );
    }
}

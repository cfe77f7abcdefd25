//! `spec/script-api.md` is the script authors' reference: every function of the
//! library is documented there, and every example in it runs and evaluates to
//! `true` against the example manifest and facts with the built-in chain.

use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use wastecheck::engine::chain::Chain;
use wastecheck::engine::script::sandbox::Limits;
use wastecheck::engine::script::{ScriptEngine, ScriptInput};

fn spec() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/script-api.md");
    std::fs::read_to_string(path).unwrap()
}

fn example(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec/examples")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The ```rhai blocks of the page, with the heading above each.
fn examples(page: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut heading = String::new();
    let mut block: Option<String> = None;
    for line in page.lines() {
        match &mut block {
            Some(code) if line.trim() == "```" => {
                out.push((heading.clone(), std::mem::take(code)));
                block = None;
            }
            Some(code) => {
                code.push_str(line);
                code.push('\n');
            }
            None if line.trim() == "```rhai" => block = Some(String::new()),
            None if line.starts_with('#') => heading = line.to_owned(),
            None => {}
        }
    }
    out
}

/// The built-in national chain and a script engine over its catalogue and calendar.
fn engine() -> (Arc<Chain>, ScriptEngine) {
    let chain = wastecheck_rules::checker()
        .registry()
        .select(None, None)
        .unwrap()
        .clone();
    let engine = ScriptEngine::new(
        &Limits::default(),
        chain.editions.newest_carried().unwrap().clone(),
        chain.calendar.clone(),
    );
    (chain, engine)
}

#[test]
fn every_function_is_documented_under_its_own_heading() {
    let page = spec();
    let headings: Vec<&str> = page.lines().filter(|l| l.starts_with("### ")).collect();
    let basics = ScriptEngine::basics().iter().copied();
    for name in ScriptEngine::library().into_iter().chain(basics) {
        assert!(
            headings.iter().any(|h| h.contains(&format!("`{name}("))),
            "spec/script-api.md has no heading for `{name}`"
        );
    }
}

#[test]
fn every_example_runs_and_is_true() {
    let (chain, engine) = engine();
    let doc = ScriptEngine::to_dynamic(&example("manifest.valid.json"));
    let facts = ScriptEngine::to_dynamic(&example("facts.example.json"));
    let params = ScriptEngine::to_dynamic(&serde_json::to_value(&chain.params).unwrap());
    let input = ScriptInput {
        document: &doc,
        facts: &facts,
        item: None,
        params: &params,
        as_of: "2026-03-03".parse().ok(),
    };
    let examples = examples(&spec());
    assert!(examples.len() >= 20, "{} examples", examples.len());
    for (heading, code) in examples {
        let script = engine
            .compile(&code)
            .unwrap_or_else(|e| panic!("{heading}: does not compile: {e}\n{code}"));
        let value = engine.evaluate(&script, &input);
        assert_eq!(
            value.as_ref().ok(),
            Some(&Value::Bool(true)),
            "{heading}: {value:?}\n{code}"
        );
    }
}

#[test]
fn a_lookup_without_its_facts_is_an_error_not_a_pass() {
    let (_, engine) = engine();
    let doc = ScriptEngine::to_dynamic(&example("manifest.valid.json"));
    let none = rhai::Dynamic::UNIT;
    let input = ScriptInput {
        document: &doc,
        facts: &none,
        item: None,
        params: &none,
        as_of: None,
    };
    for code in [
        r#"licences_of(facts, "91330604MA2JL6C3X2", "2026-03-03")"#,
        r#"track_by_id(facts, "x")"#,
        r#"received_in_year(facts, "91330604MA2JL6C3X2", 2026)"#,
    ] {
        let script = engine.compile(code).unwrap();
        let error = engine.evaluate(&script, &input).unwrap_err().to_string();
        assert!(error.contains("facts were passed"), "{code}: {error}");
    }
}

//! The JSON Schemas in spec/schemas must be usable by the JavaScript tools forms use,
//! and must say what our checker says.
//!
//! `spec/tools/ajv-check.mjs` compiles every schema with ajv (draft 2020-12, strict
//! mode, ajv-formats) and validates every example in spec/examples. These tests run it
//! (Node.js and `npm ci` at the repository root are needed) and compare its verdicts
//! with our checker's, and with the `jsonschema` crate's.
//!
//! Our checker also reports what no JSON Schema can express: a credit code's check
//! character (`schema.check-digit`), repeated keys (`schema.duplicate-key`) and the
//! catalogue rules (`cn.catalogue.*`). Every
//! other `schema.*` violation is a structural one that the schemas must express too.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use wastecheck::model::DocumentKind;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// One error ajv reported, at the path of the value (or member) it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AjvError {
    path: String,
    keyword: String,
    message: String,
}

impl fmt::Display for AjvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} {}: {}", self.path, self.keyword, self.message)
    }
}

#[derive(Debug, Clone)]
struct AjvVerdict {
    valid: bool,
    errors: Vec<AjvError>,
}

#[derive(Debug)]
struct AjvRun {
    schemas: Vec<String>,
    examples: BTreeMap<String, AjvVerdict>,
}

fn string_at<'v>(value: &'v Value, key: &str, what: &str) -> &'v str {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("ajv-check: {what} has no string `{key}`: {value}"))
}

/// Runs spec/tools/ajv-check.mjs once for the whole test binary.
fn ajv() -> &'static AjvRun {
    static RUN: OnceLock<AjvRun> = OnceLock::new();
    RUN.get_or_init(run_ajv)
}

fn run_ajv() -> AjvRun {
    let root = root();
    assert!(
        root.join("node_modules/ajv/package.json").is_file()
            && root.join("node_modules/ajv-formats/package.json").is_file(),
        "ajv is not installed ({} has no ajv or ajv-formats): run `npm ci` at the repository root first",
        root.join("node_modules").display()
    );
    let output = Command::new("node")
        .arg("spec/tools/ajv-check.mjs")
        .current_dir(&root)
        .output()
        .unwrap_or_else(|error| {
            panic!(
                "cannot run `node spec/tools/ajv-check.mjs` ({error}): install Node.js, then run `npm ci` at the repository root first"
            )
        });
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "`node spec/tools/ajv-check.mjs` failed ({}): ajv could not compile the schemas or check the examples\n--- stderr\n{stderr}\n--- stdout\n{stdout}",
        output.status
    );
    let parsed: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|error| panic!("ajv-check printed no JSON ({error}):\n{stdout}"));

    let schemas = parsed
        .get("schemas")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("ajv-check: no `schemas` list in {parsed}"))
        .iter()
        .map(|s| {
            s.as_str()
                .unwrap_or_else(|| panic!("ajv-check: schema name {s} is not a string"))
                .to_owned()
        })
        .collect();
    let examples = parsed
        .get("examples")
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("ajv-check: no `examples` object in {parsed}"))
        .iter()
        .map(|(name, verdict)| {
            let valid = verdict
                .get("valid")
                .and_then(Value::as_bool)
                .unwrap_or_else(|| panic!("ajv-check: {name} has no boolean `valid`"));
            let errors = verdict
                .get("errors")
                .and_then(Value::as_array)
                .unwrap_or_else(|| panic!("ajv-check: {name} has no `errors` list"))
                .iter()
                .map(|error| AjvError {
                    path: string_at(error, "path", name).to_owned(),
                    keyword: string_at(error, "keyword", name).to_owned(),
                    message: string_at(error, "message", name).to_owned(),
                })
                .collect();
            (name.clone(), AjvVerdict { valid, errors })
        })
        .collect();
    AjvRun { schemas, examples }
}

/// The schema files in spec/schemas.
fn schema_files() -> Vec<String> {
    json_files("spec/schemas")
}

/// The example files in spec/examples.
fn example_files() -> Vec<String> {
    json_files("spec/examples")
}

fn json_files(dir: &str) -> Vec<String> {
    let dir = root().join(dir);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
        .map(|entry| {
            entry
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    names
}

fn read_example(name: &str) -> String {
    let path = root().join("spec/examples").join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// The kind prefix of an example's name: `manifest` for `manifest.valid.json`.
fn kind_prefix(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

/// One violation of our checker, or one problem of the facts decoder.
#[derive(Debug, Clone)]
struct Ours {
    path: String,
    rule: String,
    message: String,
}

impl fmt::Display for Ours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} {}: {}", self.path, self.rule, self.message)
    }
}

impl Ours {
    /// A structural violation that a JSON Schema can express, and so ajv must see.
    fn is_schema_level(&self) -> bool {
        self.rule.starts_with("schema.") && !self.is_beyond_schemas()
    }

    /// A violation no JSON Schema can express: the check character of a credit code,
    /// a key repeated in one object (a JSON parser keeps the last), and the
    /// catalogue rules.
    fn is_beyond_schemas(&self) -> bool {
        matches!(
            self.rule.as_str(),
            "schema.check-digit" | "schema.duplicate-key"
        ) || self.rule.starts_with("cn.catalogue.")
    }
}

/// Our verdict on an example: the checker's violations, or for facts the decoder's
/// problems.
fn our_verdict(name: &str, text: &str) -> Vec<Ours> {
    let prefix = kind_prefix(name);
    if prefix == "facts" {
        let value: Value = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(error) => {
                return vec![Ours {
                    path: String::new(),
                    rule: "schema.json".into(),
                    message: error.to_string(),
                }];
            }
        };
        let (_facts, problems) = wastecheck::model::decode_facts(&value);
        return problems
            .into_iter()
            .map(|located| Ours {
                path: located.path,
                rule: located.problem.rule().to_owned(),
                message: located.problem.to_string(),
            })
            .collect();
    }
    assert!(
        prefix.parse::<DocumentKind>().is_ok(),
        "{name}: `{prefix}` is no document kind our checker checks, nor `facts`"
    );
    let report =
        wastecheck_rules::checker().check_str(text, None, &wastecheck::CheckOptions::default());
    // Findings, not the `info` aids (the notice that the 2025 list is not loaded).
    report
        .violations
        .into_iter()
        .filter(|v| v.severity != wastecheck::Severity::Info)
        .map(|v| Ours {
            path: v.path,
            rule: v.rule,
            message: v.message,
        })
        .collect()
}

/// Whether the JSON Pointer `inner` is `outer` or inside it.
fn inside(inner: &str, outer: &str) -> bool {
    inner
        .strip_prefix(outer)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Whether two JSON Pointers are the same, or one is inside the other.
fn related(a: &str, b: &str) -> bool {
    inside(a, b) || inside(b, a)
}

/// Keywords ajv reports for a union (nullable fields are `anyOf: [T, null]`, amounts
/// `anyOf: [number, string]`, enums with descriptions `oneOf` of `const`s) at the
/// union's own path, besides the errors of its branches.
const UNION_NOISE: [&str; 3] = ["anyOf", "oneOf", "type"];

/// ajv's errors without the union noise: an `anyOf`/`oneOf`/`type` error is dropped
/// when another error at its path says what is wrong there (a nullable text that is
/// blank: `pattern`), or any error inside its value does (a nullable object with a bad
/// member). A field that is a number where text belongs keeps its `type` error, since
/// nothing else explains it.
fn normalised(errors: &[AjvError]) -> Vec<&AjvError> {
    let is_noise = |error: &AjvError| UNION_NOISE.contains(&error.keyword.as_str());
    errors
        .iter()
        .filter(|error| {
            !is_noise(error)
                || !errors.iter().any(|other| {
                    if other.path == error.path {
                        !is_noise(other)
                    } else {
                        inside(&other.path, &error.path)
                    }
                })
        })
        .collect()
}

fn bullet_list<T: fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    let lines: Vec<String> = items
        .into_iter()
        .map(|item| format!("\n      - {item}"))
        .collect();
    if lines.is_empty() {
        " (none)".to_owned()
    } else {
        lines.concat()
    }
}

#[test]
fn ajv_compiles_every_schema_and_agrees_with_the_checker() {
    let run = ajv();

    // (a) Every schema compiled.
    assert_eq!(
        run.schemas,
        schema_files(),
        "ajv did not compile every schema in spec/schemas"
    );

    let examples = example_files();
    assert!(
        !examples.is_empty(),
        "spec/examples has no examples to compare ajv and our checker on"
    );
    assert_eq!(
        run.examples.keys().cloned().collect::<Vec<_>>(),
        examples,
        "ajv did not validate every example in spec/examples"
    );

    let mut disagreements = Vec::new();
    for name in &examples {
        let text = read_example(name);
        let ajv = &run.examples[name];
        let ours = our_verdict(name, &text);
        let schema_level: Vec<&Ours> = ours.iter().filter(|v| v.is_schema_level()).collect();
        let ajv_errors = normalised(&ajv.errors);
        let mut problems = Vec::new();

        // (b) The schema-level verdicts agree: ajv finds it valid exactly when our
        // checker reports no structural violation a schema can express. When ajv finds
        // it valid, our checker may still report what no schema can express, and
        // nothing else.
        if ajv.valid {
            let unexplained: Vec<&Ours> = ours.iter().filter(|v| !v.is_beyond_schemas()).collect();
            if !unexplained.is_empty() {
                problems.push(format!(
                    "ajv finds it valid, but our checker reports violations that are neither a check character nor a catalogue rule:{}",
                    bullet_list(&unexplained)
                ));
            }
        } else if schema_level.is_empty() {
            problems.push(format!(
                "ajv finds it invalid, but our checker reports no structural violation:{}\n    ours:{}",
                bullet_list(&ajv_errors),
                bullet_list(&ours)
            ));
        }

        // (c) Both name the same places: every ajv error is at (or above, or below) one
        // of our structural violations, and every one of those at (or near) an ajv
        // error.
        if !ajv.valid && !schema_level.is_empty() {
            let unmatched: Vec<&&AjvError> = ajv_errors
                .iter()
                .filter(|e| !schema_level.iter().any(|v| related(&e.path, &v.path)))
                .collect();
            if !unmatched.is_empty() {
                problems.push(format!(
                    "ajv reports errors where our checker reports nothing:{}\n    our structural violations:{}",
                    bullet_list(&unmatched),
                    bullet_list(&schema_level)
                ));
            }
            let missed: Vec<&&Ours> = schema_level
                .iter()
                .filter(|v| !ajv_errors.iter().any(|e| related(&e.path, &v.path)))
                .collect();
            if !missed.is_empty() {
                problems.push(format!(
                    "our checker reports structural violations where ajv reports nothing:{}\n    ajv's errors:{}",
                    bullet_list(&missed),
                    bullet_list(&ajv_errors)
                ));
            }
        }

        // (d) Valid examples are valid for both, with a clean report; mistakes are
        // mistakes for both.
        if name.ends_with(".valid.json") {
            if !ajv.valid {
                problems.push(format!(
                    "a valid example, but ajv finds it invalid:{}",
                    bullet_list(&ajv_errors)
                ));
            }
            if !ours.is_empty() {
                problems.push(format!(
                    "a valid example, but our report is not empty:{}",
                    bullet_list(&ours)
                ));
            }
        }
        if name.ends_with(".mistakes.json") {
            if ajv.valid {
                problems.push("an example of mistakes, but ajv finds it valid".to_owned());
            }
            if schema_level.is_empty() {
                problems.push(format!(
                    "an example of mistakes, but our checker reports no structural violation:{}",
                    bullet_list(&ours)
                ));
            }
        }

        if !problems.is_empty() {
            disagreements.push(format!("  {name}:\n    {}", problems.join("\n    ")));
        }
    }
    assert!(
        disagreements.is_empty(),
        "ajv and our checker disagree on {} of {} examples:\n{}",
        disagreements.len(),
        examples.len(),
        disagreements.join("\n")
    );
}

/// ajv and the `jsonschema` crate read the schemas alike: the same verdict on every
/// example.
#[test]
fn the_jsonschema_crate_agrees_with_ajv() {
    let run = ajv();
    let mut validators = BTreeMap::new();
    for name in schema_files() {
        let path = root().join("spec/schemas").join(&name);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        let schema: Value = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("{name} is not JSON: {error}"));
        // Like ajv in strict mode, an unknown format is an error; schemars' `uint`
        // (report.json) is declared, and the crate checks formats of strings only.
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .should_ignore_unknown_formats(false)
            .with_format("uint", |_| true)
            .build(&schema)
            .unwrap_or_else(|error| panic!("jsonschema cannot compile {name}: {error}"));
        validators.insert(name, validator);
    }

    let mut disagreements = Vec::new();
    for name in example_files() {
        let schema_name = format!("{}.json", kind_prefix(&name));
        let validator = validators
            .get(&schema_name)
            .unwrap_or_else(|| panic!("{name}: no schema spec/schemas/{schema_name}"));
        let ajv = run
            .examples
            .get(&name)
            .unwrap_or_else(|| panic!("ajv did not validate {name}"));
        let (valid, errors) = match serde_json::from_str::<Value>(&read_example(&name)) {
            Ok(instance) => {
                let errors: Vec<String> = validator
                    .iter_errors(&instance)
                    .map(|e| format!("{:?}: {e}", e.instance_path().as_str()))
                    .collect();
                (validator.is_valid(&instance), errors)
            }
            Err(error) => (false, vec![format!("not JSON: {error}")]),
        };
        if valid != ajv.valid {
            disagreements.push(format!(
                "  {name}: jsonschema says {}, ajv says {}\n    jsonschema:{}\n    ajv:{}",
                if valid { "valid" } else { "invalid" },
                if ajv.valid { "valid" } else { "invalid" },
                bullet_list(&errors),
                bullet_list(&ajv.errors)
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "the jsonschema crate and ajv disagree:\n{}",
        disagreements.join("\n")
    );
}

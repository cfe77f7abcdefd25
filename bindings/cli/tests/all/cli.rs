//! The command line as a person uses it: exit codes, both languages in text output,
//! the report as JSON.

use crate::wastecheck;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn example(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../spec/examples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The example facts with the consignor's 2026 management plan (from the fixtures of
/// `cn.transfer.not-in-plan`) and the vehicle's other manifests (none): every rule
/// of the valid manifest can then decide.
fn complete_facts(dir: &std::path::Path) -> String {
    let read = |path: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let mut facts = read(&example("facts.example.json"));
    let fixture = read(&format!(
        "{}/../../rules/packs/cn/cn.transfer.not-in-plan/fixtures/pass-planned.json",
        env!("CARGO_MANIFEST_DIR")
    ));
    facts["plans"] = fixture["facts"]["plans"].clone();
    // The vehicle's other manifests (cn.transfer.one-manifest-per-trip): none.
    facts["manifests"] = serde_json::json!([]);
    let path = dir.join("facts.json");
    std::fs::write(&path, facts.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_valid_example_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let output = wastecheck(&[
        "check",
        "--facts",
        &complete_facts(dir.path()),
        &example("manifest.valid.json"),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("valid / 合规"));
}

/// Issue 20: valid but not checked completely is exit 3, never 0, and the text
/// says so and lists what was not evaluated; `--strict` makes it a failure.
#[test]
fn an_incomplete_check_is_exit_3_and_says_what_was_not_evaluated() {
    let output = wastecheck(&["check", &example("manifest.valid.json")]);
    assert_eq!(output.status.code(), Some(3), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(
        text.contains("incomplete") && text.contains("未完整核查"),
        "{text}"
    );
    assert!(
        text.contains("not evaluated[cn.transfer.receiver-unlicensed] (facts.missing)"),
        "{text}"
    );
    assert!(!text.contains("valid / 合规"), "{text}");
    let strict = wastecheck(&["check", "--strict", &example("manifest.valid.json")]);
    assert_eq!(strict.status.code(), Some(1));
}

/// Issue 20: a document dated before every pack was "valid and complete", exit 0.
#[test]
fn a_document_no_pack_covers_is_incomplete_not_valid_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backdated.json");
    let backdated = r#"{"kind": "manifest", "consignor": {"region": "330603"},
        "dispatched_at": "2020-08-01T09:00:00+08:00", "wastes": [{"code": "900-041-49"}]}"#;
    std::fs::write(&path, backdated).unwrap();
    let output = wastecheck(&["check", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["complete"], false);
    assert_eq!(report["not_evaluated"][0]["code"], "packs.none");
    assert_eq!(report["not_evaluated"][0]["rule"], "*");
}

/// Issue 20: a storage inventory padded with 15,000 labelled lots hid an unlabelled
/// one (the labelling script stops at its operations limit) and printed "valid / 合规",
/// exit 0. It is incomplete, exit 3, and says which rules were not evaluated.
#[test]
fn a_padded_inventory_that_stops_a_script_is_incomplete() {
    let mut storage: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example("storage.valid.json")).unwrap())
            .unwrap();
    let lot = storage["lots"][0].clone();
    let mut lots: Vec<serde_json::Value> = (0..15_000)
        .map(|i| {
            let mut l = lot.clone();
            l["id"] = format!("HWRK2026{i:07}").into();
            l["labelled"] = true.into();
            l
        })
        .collect();
    let mut unlabelled = lot;
    unlabelled["labelled"] = false.into();
    lots.insert(7_500, unlabelled);
    storage["lots"] = lots.into();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("padded.json");
    std::fs::write(&path, storage.to_string()).unwrap();
    let output = wastecheck(&["check", path.to_str().unwrap()]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(3), "{text}");
    assert!(!text.contains("valid / 合规"), "{text}");
    assert!(
        text.contains("not evaluated[cn.storage.label-missing] (script.limit)"),
        "{text}"
    );
}

/// Issue 20: `wastecheck check … | head -1` panicked on the closed pipe (exit 101).
#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wastecheck"))
        .args(["check", &example("manifest.mistakes.json")])
        .args(std::iter::repeat_n(example("manifest.mistakes.json"), 200))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(141), "{stderr}");
}

#[test]
fn a_wrong_check_character_is_shown_in_both_languages() {
    let output = wastecheck(&["check", &example("manifest.mistakes.json")]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("error[schema.check-digit] at /consignor/credit_code"),
        "{text}"
    );
    assert!(text.contains("校验位错误"), "{text}");
    assert!(text.contains("wrong check digit"), "{text}");
    assert!(text.contains("basis: GB 32100-2015"), "{text}");
}

#[test]
fn json_output_is_the_report() {
    let output = wastecheck(&[
        "check",
        "--format",
        "json",
        "--locale",
        "en",
        &example("manifest.mistakes.json"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["kind"], "manifest");
    assert_eq!(report["valid"], false);
    let violations = report["violations"].as_array().unwrap();
    assert!(
        violations
            .iter()
            .any(|v| v["path"] == "/consignor/credit_code"
                && v["message"].as_str().unwrap().contains("check digit"))
    );
}

#[test]
fn several_files_give_an_array_and_the_worst_exit_code() {
    let output = wastecheck(&[
        "check",
        "--format",
        "json",
        &example("manifest.valid.json"),
        &example("manifest.mistakes.json"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let reports: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(reports.as_array().unwrap().len(), 2);
}

#[test]
fn standard_input_and_kind_override() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wastecheck"))
        .args(["check", "--kind", "plan", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"year": 1999}"#)
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("error[schema.range] at /year"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(wastecheck(&["check"]).status.code(), Some(2));
    assert_eq!(
        wastecheck(&["check", "--kind", "invoice", "x.json"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        wastecheck(&["check", "no-such-file.json"]).status.code(),
        Some(2)
    );
    assert_eq!(wastecheck(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn catalogue_search_prints_the_best_matches() {
    let output = wastecheck(&["catalogue", "search", "90004149"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).starts_with("900-041-49  HW49  [T/In]"));
    let output = wastecheck(&[
        "catalogue",
        "search",
        "--format",
        "json",
        "--limit",
        "3",
        "废矿物油",
    ]);
    let hits: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 3);
    assert_eq!(
        wastecheck(&["catalogue", "search", "没有这种废物"])
            .status
            .code(),
        Some(1)
    );
}

/// Issue 21: `--fix` writes FILE.fixed.json with every single-valued fix applied,
/// never touches the input, prints the patch; the fixed document has none of the
/// findings fixed.
#[test]
fn fix_writes_the_fixed_document_beside_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("manifest.json");
    let original = std::fs::read_to_string(example("manifest.mistakes.json")).unwrap();
    std::fs::write(&input, &original).unwrap();
    let facts = example("facts.example.json");
    let output = wastecheck(&["check", "--fix", "--facts", &facts, input.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "the input's exit code");
    let text = stdout(&output);
    assert!(
        text.contains("fix: replace /dispatched_at with \"2026-03-03T09:15:00+08:00\""),
        "{text}"
    );
    assert!(
        text.contains("fix operation(s) applied, written to"),
        "{text}"
    );
    assert!(
        text.contains("\"op\": \"replace\""),
        "the patch is printed: {text}"
    );
    assert_eq!(
        std::fs::read_to_string(&input).unwrap(),
        original,
        "the input is untouched"
    );
    let fixed = dir.path().join("manifest.fixed.json");
    let output = wastecheck(&[
        "check",
        "--format",
        "json",
        "--facts",
        &facts,
        fixed.to_str().unwrap(),
    ]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules: Vec<&str> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rule"].as_str().unwrap())
        .collect();
    for fixed_rule in [
        "schema.check-digit",
        "schema.format",
        "cn.catalogue.category-mismatch",
    ] {
        assert!(
            !rules.contains(&fixed_rule),
            "{fixed_rule} left in {rules:?}"
        );
    }
    // With JSON output the report stays alone on standard output.
    let output = wastecheck(&[
        "check",
        "--fix",
        "--format",
        "json",
        "--facts",
        &facts,
        input.to_str().unwrap(),
    ]);
    serde_json::from_slice::<serde_json::Value>(&output.stdout).expect("stdout is the report");
    assert!(String::from_utf8_lossy(&output.stderr).contains("written to"));
    // Standard input has nowhere to write beside.
    assert_eq!(wastecheck(&["check", "--fix", "-"]).status.code(), Some(2));
}

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

#[test]
fn a_valid_example_is_valid() {
    let output = wastecheck(&["check", &example("manifest.valid.json")]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("valid / 合规"));
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

//! Scenarios: whole documents, with the facts a host would hold, checked against the
//! whole built-in chain and snapshotted — what a regulator would see, in both
//! languages. Each file in `tests/scenarios/` is a check request.

use serde::Serialize;
use std::path::PathBuf;
use wastecheck::check::CheckRequest;
use wastecheck::{Locale, Report, Severity};

#[derive(Serialize)]
struct Seen {
    valid: bool,
    complete: bool,
    packs: Vec<String>,
    catalogue: Option<String>,
    counts: wastecheck::report::Counts,
    violations: Vec<Line>,
    not_evaluated: Vec<String>,
}

#[derive(Serialize)]
struct Line {
    rule: String,
    severity: String,
    path: String,
    zh: String,
    en: String,
}

fn seen(report: &Report, english: &Report) -> Seen {
    Seen {
        valid: report.valid,
        complete: report.complete,
        packs: report
            .packs
            .iter()
            .map(|p| format!("{}@{}", p.id, p.version))
            .collect(),
        catalogue: report.catalogue.clone(),
        counts: report.counts,
        violations: report
            .violations
            .iter()
            .zip(&english.violations)
            .map(|(zh, en)| Line {
                rule: zh.rule.clone(),
                severity: format!("{:?}", zh.severity).to_lowercase(),
                path: zh.path.clone(),
                zh: zh.message.clone(),
                en: en.message.clone(),
            })
            .collect(),
        not_evaluated: report
            .not_evaluated
            .iter()
            .map(|n| format!("{}: {}", n.rule, n.reason))
            .collect(),
    }
}

/// The severity of `cn.transfer.uninsured`'s finding at `path`, if any.
fn uninsured(report: &Report, path: &str) -> Option<Severity> {
    report
        .violations
        .iter()
        .find(|v| v.rule == "cn.transfer.uninsured" && v.path == path)
        .map(|v| v.severity)
}

#[test]
fn scenarios() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 4, "the scenario suite is missing");
    let checker = wastecheck_rules::checker();
    for file in files {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let request: CheckRequest =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let mut options = request.options().unwrap();
        options.locale = Locale::ZhCn;
        let zh = checker.check_value(&request.document, request.facts.as_ref(), &options);
        let en = zh.in_locale(Locale::En);
        insta::assert_json_snapshot!(name.clone(), seen(&zh, &en));
        let rules: Vec<&str> = zh.violations.iter().map(|v| v.rule.as_str()).collect();
        let packs: Vec<&str> = zh.packs.iter().map(|p| p.id.as_str()).collect();
        match name.as_str() {
            // One manifest, three layers: each layer finds something.
            "shaoxing-manifest-three-layers" => {
                assert_eq!(packs, ["zj-shaoxing", "zj", "cn"]);
                for layer in ["cn.", "zj.", "zj-shaoxing."] {
                    assert!(
                        rules.iter().any(|r| r.starts_with(layer)),
                        "{layer}: {rules:?}"
                    );
                }
                // The receiver's missing insurance: the national rule, raised to an
                // error in Shaoxing from 2021 (not a second, city rule).
                assert!(!rules.contains(&"zj-shaoxing.insurance.operator-uninsured"));
                assert_eq!(
                    uninsured(&zh, "/receiver/credit_code"),
                    Some(Severity::Error)
                );
            }
            // The same manifest from Hangzhou: the province and the nation only.
            "hangzhou-manifest-two-layers" => {
                assert_eq!(packs, ["zj", "cn"]);
                assert!(!rules.iter().any(|r| r.starts_with("zj-shaoxing.")));
            }
            // Dated before 2021: the city's raise of the operator-insurance finding is
            // not yet in force.
            "shaoxing-manifest-before-2021" => {
                assert!(!rules.contains(&"zj-shaoxing.insurance.operator-uninsured"));
                assert_eq!(
                    uninsured(&zh, "/receiver/credit_code"),
                    Some(Severity::Warning)
                );
                assert!(rules.contains(&"zj-shaoxing.transfer.fee-to-carrier"));
            }
            // 2020, checked at the year's end: the 2020 targets (95 %, 96 %) apply, and
            // the capacity targets (end of 2020 and 2021) do not yet.
            "district-report-2020-year-end" => {
                assert_eq!(rules, ["zj-shaoxing.district.general-utilisation"]);
                assert!(
                    zh.violations[0].message.contains("目标 95%"),
                    "{}",
                    zh.violations[0].message
                );
            }
            // 2022: the plan set targets for 2020 and 2021 only; they are not
            // carried on (district_targets_until_year).
            "district-report-under-target" => {
                assert!(
                    !rules.iter().any(|r| {
                        *r == "zj-shaoxing.district.general-utilisation"
                            || *r == "zj-shaoxing.district.hazardous-disposal"
                    }),
                    "{rules:?}"
                );
            }
            _ => {}
        }
        // Clean: nothing but aids (the notice that the 2025 list is not loaded).
        if name.starts_with("clean-") {
            assert!(
                zh.violations.iter().all(|v| v.severity == Severity::Info) && zh.complete,
                "{name} should be clean: {:#?}",
                zh.violations
            );
        }
    }
}

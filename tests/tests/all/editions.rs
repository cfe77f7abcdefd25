//! Catalogue editions by date, through the whole built-in chain: a list not in
//! force is never applied or cited, and a list in force but not loaded is named.

use serde_json::{Value, json};
use wastecheck::report::ReasonCode;
use wastecheck::{CheckOptions, Report, Severity};

const CATALOGUE_RULES: [&str; 4] = [
    "cn.catalogue.unknown-code",
    "cn.catalogue.category-mismatch",
    "cn.catalogue.hazards-mismatch",
    "cn.catalogue.exemption-misapplied",
];

/// A Shaoxing manifest dispatched on `date`: one listed code declared under the
/// wrong category and without its listed characteristic, and one unlisted code.
fn manifest(date: &str) -> Value {
    json!({
        "kind": "manifest",
        "consignor": {"region": "330603"},
        "dispatched_at": format!("{date}T09:00:00+08:00"),
        "wastes": [
            {"code": "900-249-08", "category": "HW49", "hazards": ["I"]},
            {"code": "900-123-49", "category": "HW49", "hazards": ["T"]}
        ]
    })
}

fn check(date: &str) -> Report {
    wastecheck_rules::checker().check_value(&manifest(date), None, &CheckOptions::default())
}

fn found_by<'a>(report: &'a Report, rule: &str) -> Vec<&'a wastecheck::Violation> {
    report
        .violations
        .iter()
        .filter(|v| v.rule == rule)
        .collect()
}

#[test]
fn before_2021_the_catalogue_rules_are_not_evaluated_and_name_the_2016_list() {
    let report = check("2020-10-15");
    assert_eq!(report.catalogue, None, "no table was checked against");
    assert!(!report.complete);
    for rule in CATALOGUE_RULES.iter().take(3) {
        assert!(
            found_by(&report, rule).is_empty(),
            "{rule} judged by a list not in force"
        );
        let entry = report
            .not_evaluated
            .iter()
            .find(|n| n.rule == *rule)
            .unwrap_or_else(|| panic!("{rule} is not reported as not evaluated"));
        assert_eq!(entry.code, ReasonCode::CatalogueNotCarried);
        assert!(
            entry.reason.contains("国家危险废物名录（2016年版）"),
            "{}",
            entry.reason
        );
    }
    let cited: Vec<&str> = report
        .violations
        .iter()
        .flat_map(|v| &v.basis)
        .map(|b| b.instrument.as_str())
        .collect();
    assert!(
        !cited
            .iter()
            .any(|i| i.contains("名录（2021年版）") || i.contains("名录（2025年版）")),
        "{cited:?}"
    );
}

#[test]
fn in_2024_the_2021_list_decides_and_an_unlisted_code_is_an_error() {
    let report = check("2024-06-01");
    assert_eq!(report.catalogue.as_deref(), Some("hw-2021"));
    assert!(found_by(&report, "cn.catalogue.edition-not-loaded").is_empty());
    let unknown = found_by(&report, "cn.catalogue.unknown-code");
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].severity, Severity::Error);
    assert_eq!(
        unknown[0].basis[0].instrument,
        "国家危险废物名录（2021年版）"
    );
    assert_eq!(found_by(&report, "cn.catalogue.category-mismatch").len(), 1);
    assert_eq!(found_by(&report, "cn.catalogue.hazards-mismatch").len(), 1);
}

#[test]
fn from_2025_the_2021_tables_stand_in_with_a_notice_and_unlisted_codes_are_warnings() {
    let report = check("2025-06-01");
    assert_eq!(
        report.catalogue.as_deref(),
        Some("hw-2021"),
        "names the edition checked"
    );
    let notice = found_by(&report, "cn.catalogue.edition-not-loaded");
    assert_eq!(notice.len(), 1);
    assert_eq!(notice[0].severity, Severity::Info);
    let text = notice[0].text.as_ref().unwrap();
    assert!(text.zh.contains("国家危险废物名录（2025年版）") && text.zh.contains("2021年版"));
    let unknown = found_by(&report, "cn.catalogue.unknown-code");
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].severity, Severity::Warning);
    assert!(
        unknown[0]
            .text
            .as_ref()
            .unwrap()
            .en
            .contains("2025 edition")
    );
    // A code the 2021 list has is checked as before, and cites the list in force.
    let category = found_by(&report, "cn.catalogue.category-mismatch");
    assert_eq!(category.len(), 1);
    assert_eq!(category[0].severity, Severity::Error);
    for v in report
        .violations
        .iter()
        .filter(|v| v.rule.starts_with("cn.catalogue."))
    {
        assert!(
            v.basis.iter().all(|b| !b.instrument.contains("2021年版")),
            "{} cites the repealed 2021 list: {:?}",
            v.rule,
            v.basis
        );
    }
}

//! Fixes resolve what they address (issue 21): each single-valued fix, applied to
//! the document as a form would (RFC 6902), makes its finding go and brings no new
//! error; a fixable mistake always gets a fix or choices where it is.

use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use wastecheck::{CheckOptions, Report};

/// The generated manifests, over the built-in catalogue.
fn manifests() -> impl Strategy<Value = Value> {
    let catalogue = wastecheck_rules::checker()
        .catalogue()
        .expect("the built-in packs carry a catalogue");
    wastecheck::strategies::manifest(std::sync::Arc::new(catalogue.clone()))
}

fn check(document: &Value, facts: Option<&Value>) -> Report {
    wastecheck_rules::checker().check_value(document, facts, &CheckOptions::default())
}

/// The document with a patch applied, as a form applies it.
fn applied(document: &Value, patch: &[wastecheck::report::PatchOp]) -> Result<Value, String> {
    let patch: json_patch::Patch =
        serde_json::from_value(serde_json::to_value(patch).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let mut out = document.clone();
    json_patch::patch(&mut out, &patch).map_err(|e| e.to_string())?;
    Ok(out)
}

/// The errors of a report, by rule and path.
fn errors(report: &Report) -> BTreeSet<(String, String)> {
    report
        .violations
        .iter()
        .filter(|v| v.severity == wastecheck::Severity::Error)
        .map(|v| (v.rule.clone(), v.path.clone()))
        .collect()
}

/// Every single-valued fix of `document`'s report resolves its finding, with no
/// new error; returns how many were tried.
fn every_fix_resolves(document: &Value, facts: Option<&Value>) -> Result<usize, TestCaseError> {
    let report = check(document, facts);
    let before = errors(&report);
    let mut tried = 0;
    for violation in report.violations.iter().filter(|v| !v.fix.is_empty()) {
        let fixed = applied(document, &violation.fix).map_err(|e| {
            TestCaseError::fail(format!("{} at {}: {e}", violation.rule, violation.path))
        })?;
        let after = check(&fixed, facts);
        let still = after.violations.iter().any(|v| {
            v.rule == violation.rule && v.path == violation.path && v.params == violation.params
        });
        prop_assert!(
            !still,
            "{} at {} is still there after {:?}",
            violation.rule,
            violation.path,
            violation.fix
        );
        let new: Vec<_> = errors(&after).difference(&before).cloned().collect();
        prop_assert!(
            new.is_empty(),
            "{:?} brought new errors {new:?}",
            violation.fix
        );
        tried += 1;
    }
    Ok(tried)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A fixable mistake gets a fix (or choices) where it is, and the fix resolves it.
    #[test]
    fn a_fixable_mistake_is_fixed(mistake in wastecheck::strategies::fixable(manifests())) {
        let report = check(&mistake.document, None);
        let at: Vec<_> = report.violations.iter().filter(|v| v.path == mistake.path).collect();
        prop_assert!(
            at.iter().any(|v| !v.fix.is_empty() || !v.choices.is_empty()),
            "{} at {}: no fix offered in {:#?}", mistake.what, mistake.path, at
        );
        // A "/" entry's characteristics are choices, not a fix: nothing single-valued.
        let fixed = every_fix_resolves(&mistake.document, None)?;
        prop_assert!(fixed > 0 || at.iter().any(|v| !v.choices.is_empty()), "{}", mistake.what);
        // A choice resolves its finding too.
        for v in at.iter().filter(|v| !v.choices.is_empty()) {
            for choice in &v.choices {
                let fixed = applied(&mistake.document, &choice.patch).map_err(TestCaseError::fail)?;
                let after = check(&fixed, None);
                prop_assert!(
                    !after.violations.iter().any(|w| w.rule == v.rule && w.path == v.path),
                    "choice {} leaves {} at {}", choice.value, v.rule, v.path
                );
            }
        }
    }
}

/// The example of mistakes: every fix offered resolves its finding.
#[test]
fn the_mistakes_example_s_fixes_resolve_their_findings() {
    let read = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(format!("../spec/examples/{name}")).unwrap())
            .unwrap()
    };
    let facts = read("facts.example.json");
    for example in [
        "manifest.mistakes.json",
        "declaration.mistakes.json",
        "plan.mistakes.json",
        "ledger.mistakes.json",
        "storage.mistakes.json",
    ] {
        let document = read(example);
        every_fix_resolves(&document, Some(&facts)).unwrap_or_else(|e| panic!("{example}: {e}"));
    }
    let manifest = read("manifest.mistakes.json");
    assert!(every_fix_resolves(&manifest, Some(&facts)).unwrap() >= 5);
}

/// A submitted manifest of `wastes` to receiver 91330604MA2JL6C3X2 under licence L-1.
fn to_receiver_l1(wastes: Value) -> Value {
    json!({
        "kind": "manifest", "stage": "submitted", "number": "20263306000123",
        "created_at": "2026-03-02T08:00:00+08:00", "dispatched_at": "2026-03-02T09:00:00+08:00",
        "consignor": {"credit_code": "91330603MA2D7K4P5W", "name": "甲", "region": "330603", "address": "绍兴"},
        "receiver": {"credit_code": "91330604MA2JL6C3X2", "name": "乙", "region": "330604", "licence_number": "L-1"},
        "wastes": wastes
    })
}

/// A comprehensive licence valid 2024–2028.
fn licence(number: &str, holder: &str, scope: Value) -> Value {
    json!({
        "number": number, "holder": holder, "kind": "comprehensive", "scope": scope,
        "valid_from": "2024-01-01", "valid_until": "2028-12-31"
    })
}

/// A receiver whose licence does not cover the waste: the choices are the
/// receivers among the facts whose licences cover every line, and each resolves it.
#[test]
fn the_receivers_offered_cover_every_line() {
    let document = to_receiver_l1(json!([
        {"code": "900-249-08", "category": "HW08", "hazards": ["T", "I"], "quantity": {"value": "2", "unit": "t"}, "method": "D10"},
        {"code": "900-041-49", "category": "HW49", "hazards": ["T", "In"], "quantity": {"value": "1", "unit": "t"}, "method": "D10"}
    ]));
    let facts = json!({
        "enterprises": [{"credit_code": "91330100716105852F", "name": "杭州某某处置有限公司", "region": "330100"}],
        "licences": [
            licence("L-1", "91330604MA2JL6C3X2", json!([{"categories": ["HW49"], "methods": ["D10"], "capacity_t": "100"}])),
            // Covers only one of the two lines: not offered.
            licence("L-2", "91330602MA2BQ81HXG", json!([{"categories": ["HW08"], "methods": ["D10"], "capacity_t": "100"}])),
            // Covers both, but not by the method: not offered.
            licence("L-3", "91330621MA2BQ8JQ2K", json!([{"categories": ["HW08", "HW49"], "methods": ["R9"], "capacity_t": "100"}])),
            licence("L-4", "91330100716105852F", json!([{"categories": ["HW08", "HW49"], "methods": ["D10"], "capacity_t": "100"}]))
        ]
    });
    let report = check(&document, Some(&facts));
    let scope = report
        .violations
        .iter()
        .find(|v| v.rule == "cn.transfer.receiver-licence-scope")
        .expect("the licence does not cover 900-249-08");
    assert_eq!(scope.path, "/wastes/0/code");
    // One lawful receiver: the fix itself.
    assert_eq!(
        serde_json::to_value(&scope.fix).unwrap(),
        json!([
            {"op": "add", "path": "/receiver/credit_code", "value": "91330100716105852F"},
            {"op": "add", "path": "/receiver/licence_number", "value": "L-4"},
            {"op": "add", "path": "/receiver/name", "value": "杭州某某处置有限公司"},
            {"op": "add", "path": "/receiver/region", "value": "330100"}
        ])
    );
    assert!(scope.hint.is_some());
    every_fix_resolves(&document, Some(&facts)).unwrap();
}

/// The receivers offered are found through an index of the licences by code and
/// category, and come in the order a scan of every licence would give: each holder
/// where its first licence stands, whichever of its licences covers the lines.
#[test]
fn the_receivers_offered_keep_the_facts_order() {
    let document = to_receiver_l1(json!([
        {"code": "900-249-08", "category": "HW08", "hazards": ["T", "I"], "quantity": {"value": "2", "unit": "t"}, "method": "D10"}
    ]));
    let d10 = |field: &str, values: &[&str]| json!([{field: values, "methods": ["D10"], "capacity_t": "100"}]);
    let mut licences = vec![
        licence("L-1", "91330604MA2JL6C3X2", d10("categories", &["HW49"])),
        // First seen here, with a licence that covers nothing of the manifest…
        licence("L-2", "91330602MA2BQ81HXG", d10("categories", &["HW17"])),
        // … offered by the code in its second scope.
        licence(
            "L-3",
            "91330621MA2BQ8JQ25",
            json!([
                {"categories": ["HW17"], "methods": ["D10"], "capacity_t": "100"},
                {"codes": ["900-249-08"], "methods": ["D10"], "capacity_t": "100"}
            ]),
        ),
        licence("L-4", "91330100716105852F", d10("categories", &["HW08"])),
    ];
    // Many other holders' licences that cover other wastes.
    for k in 0..300 {
        let holder = wastecheck::model::CreditCode::with_check_char(&format!("913306990000{k:05}"))
            .expect("a credit code");
        licences.push(licence(
            &format!("X-{k}"),
            holder.as_str(),
            d10("categories", &["HW49"]),
        ));
    }
    // … and L-2's holder's licence that does cover it, last.
    licences.push(licence(
        "L-5",
        "91330602MA2BQ81HXG",
        d10("codes", &["900-249-08"]),
    ));
    let facts = json!({ "licences": licences });
    let report = check(&document, Some(&facts));
    assert!(
        !report
            .violations
            .iter()
            .any(|v| v.rule.starts_with("facts.")),
        "the facts are well formed"
    );
    let scope = report
        .violations
        .iter()
        .find(|v| v.rule == "cn.transfer.receiver-licence-scope")
        .expect("L-1 does not cover 900-249-08");
    let offered: Vec<&Value> = scope.choices.iter().map(|c| &c.value).collect();
    assert_eq!(
        offered,
        [
            &json!("91330602MA2BQ81HXG"),
            &json!("91330621MA2BQ8JQ25"),
            &json!("91330100716105852F")
        ]
    );
}

//! The JSON facade the bindings sit on, and serde on the typed model.

use serde_json::{Value, json};
use wastecheck::check::check_json;
use wastecheck::model::{Field, Manifest};

fn facade(request: &Value) -> Value {
    serde_json::from_str(&check_json(
        wastecheck_rules::checker(),
        &request.to_string(),
    ))
    .unwrap()
}

#[test]
fn a_request_gives_a_report() {
    let report = facade(&json!({
        "document": {"kind": "manifest", "consignor": {"credit_code": "91330100716105852A"}},
        "locale": "en",
        "as_of": "2026-03-02"
    }));
    assert_eq!(report["as_of"], "2026-03-02");
    assert_eq!(report["valid"], false);
    assert_eq!(report["violations"][0]["path"], "/consignor/credit_code");
    assert!(
        report["violations"][0]["message"]
            .as_str()
            .unwrap()
            .contains("check digit")
    );
    assert_eq!(
        report["counts"],
        json!({"error": 1, "warning": 0, "info": 0})
    );
}

#[test]
fn bad_requests_are_errors_with_codes_never_panics() {
    for (request, code) in [
        (json!({"locale": "en"}), "request.json"),
        (json!({"document": {}, "locale": "fr"}), "request.locale"),
        (
            json!({"document": {}, "as_of": "2026-13-01"}),
            "request.as_of",
        ),
        (json!({"document": {}, "kind": "invoice"}), "request.kind"),
        (json!({"document": {}, "extra": 1}), "request.json"),
    ] {
        let answer = facade(&request);
        assert_eq!(answer["error"]["code"], code, "{request}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    let answer: Value =
        serde_json::from_str(&check_json(wastecheck_rules::checker(), "not json")).unwrap();
    assert_eq!(answer["error"]["code"], "request.json");
}

#[test]
fn facts_with_problems_are_reported_as_warnings_under_facts() {
    let report = facade(&json!({
        "document": {"kind": "manifest"},
        "facts": {"licences": [{"holder": "91330100716105852A", "valid_until": "2026-02-30"}]}
    }));
    let rules: Vec<(&str, &str, &str)> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["rule"].as_str().unwrap(),
                v["path"].as_str().unwrap(),
                v["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            ("facts.check-digit", "/licences/0/holder", "warning"),
            ("facts.format", "/licences/0/valid_until", "warning"),
        ]
    );
    assert_eq!(report["valid"], true, "the document itself has no error");
}

#[test]
fn serde_keeps_malformed_values_in_the_typed_model() {
    let manifest: Manifest = serde_json::from_value(json!({
        "number": "2026-0001",
        "stage": "draft",
        "wastes": [{"code": "900-041-49"}]
    }))
    .unwrap();
    assert!(manifest.number.is_invalid());
    assert_eq!(manifest.stage.valid().map(|s| s.as_str()), Some("draft"));
    let Field::Valid(lines) = &manifest.wastes else {
        panic!("wastes")
    };
    assert_eq!(lines.len(), 1);
    assert!(serde_json::from_value::<Manifest>(json!([1])).is_err());
}

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
        // The info: the 2025 list is in force on 2026-03-02 and not loaded.
        json!({"error": 1, "warning": 0, "info": 1})
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
            // An undated draft is checked against the newest edition declared, the
            // 2025 list, for which the 2021 list stands in.
            ("cn.catalogue.edition-not-loaded", "", "info"),
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

#[test]
fn keys_given_twice_in_a_request_are_reported_where_they_are() {
    let checker = wastecheck_rules::checker();
    let answer =
        |text: &str| -> Value { serde_json::from_str(&check_json(checker, text)).unwrap() };
    let report = answer(
        r#"{"document": {"kind": "manifest", "stage": "draft", "stage": "submitted"},
            "facts": {"licences": [], "licences": []}}"#,
    );
    let found: Vec<(&str, &str)> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["rule"].as_str().unwrap(), v["path"].as_str().unwrap()))
        .collect();
    assert!(
        found.contains(&("schema.duplicate-key", "/stage")),
        "{found:?}"
    );
    assert!(
        found.contains(&("facts.duplicate-key", "/licences")),
        "{found:?}"
    );
    let error = answer(r#"{"document": {}, "locale": "en", "locale": "zh-CN"}"#);
    assert_eq!(error["error"]["code"], "request.json");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/locale")
    );
}

/// Facts prepared once and used for many checks give the same reports as facts
/// decoded on every check.
#[test]
fn prepared_facts_give_the_same_reports() {
    use wastecheck::PreparedFacts;
    use wastecheck::check::CheckRequest;
    let checker = wastecheck_rules::checker();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let request: CheckRequest = serde_json::from_str(&text).unwrap();
        let options = request.options().unwrap();
        let Some(raw) = &request.facts else { continue };
        let prepared = PreparedFacts::new(raw.clone());
        let once = checker.check_value(&request.document, Some(raw), &options);
        for _ in 0..2 {
            let again = checker.check_value_with(&request.document, Some(&prepared), &options);
            assert_eq!(again, once);
        }
        checked += 1;
    }
    assert!(checked >= 3, "scenarios with facts: {checked}");
}

/// Issue 20: facts of the wrong type were a warning, and the document still valid.
#[test]
fn facts_or_a_collection_of_the_wrong_type_are_errors() {
    for (facts, path) in [
        (json!([1, 2]), ""),
        (json!({"licences": {"holder": "x"}}), "/licences"),
    ] {
        let report = facade(&json!({
            "document": {"kind": "manifest"},
            "facts": facts
        }));
        let found: Vec<(&str, &str)> = report["violations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| v["rule"] == "facts.type")
            .map(|v| (v["path"].as_str().unwrap(), v["severity"].as_str().unwrap()))
            .collect();
        assert_eq!(found, [(path, "error")], "{report}");
        assert_eq!(report["valid"], false);
    }
}

/// Issue 20: a host stops a check (its client went away, its deadline passed) by
/// raising an interrupt; the check never answers as if it were whole.
#[test]
fn an_interrupted_check_says_so_and_is_never_whole() {
    let checker = wastecheck_rules::checker();
    let request = include_str!("../../../spec/examples/manifest.mistakes.json");
    let request = format!("{{\"document\": {request}}}");
    let interrupt = wastecheck::Interrupt::new();
    let whole = wastecheck::check::check_json_with(checker, &request, &interrupt);
    assert_eq!(whole, wastecheck::check::check_json(checker, &request));
    interrupt.raise();
    let stopped = wastecheck::check::check_json_with(checker, &request, &interrupt);
    assert!(stopped.starts_with("{\"error\":"), "{stopped}");
    assert!(stopped.contains("check.interrupted"), "{stopped}");
    let document: serde_json::Value = serde_json::from_str(include_str!(
        "../../../spec/examples/manifest.mistakes.json"
    ))
    .unwrap();
    let options = wastecheck::CheckOptions {
        interrupt,
        ..wastecheck::CheckOptions::default()
    };
    let report = checker.check_value(&document, None, &options);
    assert!(!report.complete);
    assert!(
        report
            .not_evaluated
            .iter()
            .any(|n| n.rule == "*" && n.code.as_str() == "check.interrupted"),
        "{:?}",
        report.not_evaluated
    );
    // No rule ran: only what reading the document found.
    assert!(
        report
            .violations
            .iter()
            .all(|v| v.rule.starts_with("schema."))
    );
}

/// Issue 20: reading a large body was most of what an abandoned check still cost.
/// Once the interrupt is raised, parsing and decoding stop early too, and the
/// answer is the interruption — not a syntax error, not a report of half the lines.
#[test]
fn an_interrupt_stops_reading_a_large_body() {
    let checker = wastecheck_rules::checker();
    let mut document: serde_json::Value =
        serde_json::from_str(include_str!("../../../spec/examples/manifest.valid.json")).unwrap();
    let line = document["wastes"][0].clone();
    document["wastes"] = vec![line; 20_000].into();
    let request = serde_json::json!({ "document": document }).to_string();
    let interrupt = wastecheck::Interrupt::new();
    interrupt.raise();
    let stopped = wastecheck::check::check_json_with(checker, &request, &interrupt);
    assert!(stopped.contains("check.interrupted"), "{stopped}");
    // Decoding alone (the document already read) stops short as well.
    let parsed = wastecheck::json::parse(&request).unwrap();
    let (decoded, _) = wastecheck::model::decode_json_document_with(
        wastecheck::model::DocumentKind::Manifest,
        parsed.value.get("document").unwrap(),
        &interrupt,
    );
    let Some(wastecheck::model::Document::Manifest(manifest)) = decoded else {
        panic!("not decoded");
    };
    let lines = manifest.wastes.valid().map_or(0, |w| w.len());
    assert!(lines < 20_000, "{lines} lines decoded");
}

/// Issue 22: a batch answers each request exactly as `check_json` answers it alone,
/// in order; shared facts serve the requests without their own.
#[test]
fn a_batch_answers_each_request_as_alone() {
    use wastecheck::check::{MAX_BATCH, check_batch_json};
    let checker = wastecheck_rules::checker();
    let alone = |request: &str| check_json(checker, request);
    let batch = |text: &str| check_batch_json(checker, text, MAX_BATCH, &Default::default());
    let valid = include_str!("../../../spec/examples/manifest.valid.json");
    let mistakes = include_str!("../../../spec/examples/manifest.mistakes.json");
    let facts = include_str!("../../../spec/examples/facts.example.json");
    let requests = [
        format!(r#"{{"document": {valid}, "facts": {facts}}}"#),
        format!(r#"{{"document": {mistakes}, "locale": "en"}}"#),
        r#"{"document": {}, "locale": "fr"}"#.to_owned(),
        r#"{"document": {"kind": "manifest", "stage": "draft", "stage": "x"}}"#.to_owned(),
        r#"{"document": {}, "as_of": "2026-01-01", "as_of": "2026-01-02"}"#.to_owned(),
        "7".to_owned(),
    ];
    let expected = format!(
        "[{}]",
        requests
            .iter()
            .map(|r| alone(r))
            .collect::<Vec<_>>()
            .join(",")
    );
    assert_eq!(batch(&format!("[{}]", requests.join(","))), expected);
    assert_eq!(batch("[]"), "[]");

    // Shared facts: the same as each request with the facts inside, and a
    // request's own facts win.
    let shared = batch(&format!(
        r#"{{"facts": {facts}, "requests": [{{"document": {valid}}}, {{"document": {mistakes}, "facts": {{}}}}, {{"document": {valid}, "facts": {{"licences": [], "licences": []}}}}]}}"#
    ));
    let expected = format!(
        "[{},{},{}]",
        alone(&format!(r#"{{"document": {valid}, "facts": {facts}}}"#)),
        alone(&format!(r#"{{"document": {mistakes}, "facts": {{}}}}"#)),
        alone(&format!(
            r#"{{"document": {valid}, "facts": {{"licences": [], "licences": []}}}}"#
        )),
    );
    assert_eq!(shared, expected);
    // Keys given twice in the shared facts are reported in every report using them.
    let twice: Value = serde_json::from_str(&batch(&format!(
        r#"{{"facts": {{"licences": [], "licences": []}}, "requests": [{{"document": {valid}}}]}}"#
    )))
    .unwrap();
    assert!(
        twice[0]["violations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["rule"] == "facts.duplicate-key" && v["path"] == "/licences"),
        "{twice}"
    );
}

#[test]
fn a_batch_that_cannot_be_read_is_one_error() {
    use wastecheck::check::check_batch_json;
    let checker = wastecheck_rules::checker();
    let answer = |text: &str, max: usize| -> Value {
        serde_json::from_str(&check_batch_json(checker, text, max, &Default::default())).unwrap()
    };
    for (text, code) in [
        ("not json", "request.json"),
        ("{\"document\": {}}", "request.json"),
        ("{\"requests\": {}}", "request.json"),
        ("{\"facts\": {}}", "request.json"),
        ("{\"requests\": [], \"requests\": []}", "request.json"),
        ("{\"requests\": [], \"extra\": 1}", "request.json"),
        ("\"x\"", "request.json"),
        (
            "[{\"document\": {}}, {\"document\": {}}, {\"document\": {}}]",
            "request.batch_too_long",
        ),
    ] {
        let answer = answer(text, 2);
        assert_eq!(answer["error"]["code"], code, "{text}: {answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    // Raised, every request not yet answered is answered as interrupted.
    let interrupt = wastecheck::Interrupt::new();
    interrupt.raise();
    let stopped: Value = serde_json::from_str(&check_batch_json(
        checker,
        "[{\"document\": {}}, {\"document\": {}}]",
        10,
        &interrupt,
    ))
    .unwrap();
    let codes = [stopped["error"]["code"].clone()];
    assert!(codes.iter().all(|c| c == "check.interrupted"), "{codes:?}");
}

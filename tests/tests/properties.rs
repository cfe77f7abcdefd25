//! Properties over arbitrary input: the checker never panics, is deterministic, and
//! the locale never changes the findings (only their wording).

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use wastecheck::model::DocumentKind;
use wastecheck::{CheckOptions, Locale, Report};

/// Member names that occur in documents, so generated objects reach deep into the
/// typed model instead of stopping at the first unknown field.
const KEYS: &[&str] = &[
    "kind",
    "number",
    "stage",
    "consignor",
    "carrier",
    "receiver",
    "wastes",
    "code",
    "category",
    "hazards",
    "quantity",
    "value",
    "unit",
    "credit_code",
    "region",
    "name",
    "packaging",
    "type",
    "count",
    "dispatched_at",
    "year",
    "hazardous",
    "general",
    "produced",
    "entries",
    "lots",
    "facilities",
    "zones",
    "enterprise",
    "licence_number",
    "vehicle_plate",
    "driver",
    "payments",
    "amount",
    "paper_fallback",
    "transfers",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![
            Just("900-041-49".to_owned()),
            Just("HW49".to_owned()),
            Just("91330100716105852F".to_owned()),
            Just("330603".to_owned()),
            Just("2026-03-02T08:30:00+08:00".to_owned()),
            Just("1,5".to_owned()),
            Just("t".to_owned()),
            Just("manifest".to_owned()),
            "\\PC{0,12}",
            "[0-9\\-]{0,14}",
        ]
        .prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|members| {
                Value::Object(
                    members
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

fn findings(report: &Report) -> Vec<(String, String, String, Value)> {
    report
        .violations
        .iter()
        .map(|v| {
            (
                v.rule.clone(),
                v.path.clone(),
                format!("{:?}", v.severity),
                Value::Object(v.params.clone()),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_deterministic_and_locale_independent(
        body in json_value(),
        kind in prop::sample::select(DocumentKind::KINDS.to_vec()),
    ) {
        let checker = wastecheck_rules::checker();
        let mut document = body;
        if let Value::Object(members) = &mut document {
            members.insert("kind".into(), json!(kind.as_str()));
        }
        let zh = checker.check_value(&document, Some(&document), &CheckOptions::default());
        let again = checker.check_value(&document, Some(&document), &CheckOptions::default());
        prop_assert_eq!(&zh, &again);
        let en = checker.check_value(
            &document,
            Some(&document),
            &CheckOptions { locale: Locale::En, ..CheckOptions::default() },
        );
        prop_assert_eq!(findings(&zh), findings(&en));
        prop_assert_eq!(zh.valid, zh.counts.error == 0);
        // Every path points into the document, or names a missing member of an
        // object that is there.
        for v in zh.violations.iter().filter(|v| !v.rule.starts_with("facts.")) {
            let parent = v.path.rsplit_once('/').map_or("", |(p, _)| p);
            prop_assert!(
                document.pointer(&v.path).is_some() || document.pointer(parent).is_some_and(Value::is_object),
                "{} does not point into the document", v.path
            );
        }
    }

    #[test]
    fn any_text_gives_a_report(text in "\\PC{0,200}") {
        let report = wastecheck_rules::checker().check_str(&text, None, &CheckOptions::default());
        prop_assert!(report.valid || !report.violations.is_empty());
    }
}

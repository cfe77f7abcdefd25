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

/// The generated manifests, over the built-in catalogue.
fn manifests() -> impl Strategy<Value = Value> {
    let catalogue = wastecheck_rules::checker()
        .catalogue()
        .expect("the built-in packs carry a catalogue");
    wastecheck::strategies::manifest(std::sync::Arc::new(catalogue.clone()))
}

/// The findings with `/wastes/i` read through `index` (line order undone).
fn by_line(report: &Report, index: impl Fn(usize) -> usize) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = report
        .violations
        .iter()
        .map(|v| {
            let path = match v.path.strip_prefix("/wastes/") {
                Some(rest) => {
                    let (i, tail) = rest.split_once('/').unwrap_or((rest, ""));
                    let i = index(i.parse().unwrap());
                    if tail.is_empty() {
                        format!("/wastes/{i}")
                    } else {
                        format!("/wastes/{i}/{tail}")
                    }
                }
                None => v.path.clone(),
            };
            (v.rule.clone(), path, format!("{:?}", v.severity))
        })
        .collect();
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// What the generators call valid is valid: no structural finding.
    #[test]
    fn generated_manifests_are_structurally_valid(document in manifests()) {
        let report = wastecheck_rules::checker().check_value(&document, None, &CheckOptions::default());
        let structural: Vec<_> = report.violations.iter().filter(|v| v.rule.starts_with("schema.")).collect();
        prop_assert!(structural.is_empty(), "{structural:#?}\n{document:#}");
    }

    /// The order of the waste lines changes nothing but the line numbers.
    #[test]
    fn line_order_is_irrelevant(document in manifests()) {
        let checker = wastecheck_rules::checker();
        let mut reversed = document.clone();
        let lines = reversed["wastes"].as_array_mut().unwrap();
        lines.reverse();
        let n = lines.len();
        let as_given = checker.check_value(&document, None, &CheckOptions::default());
        let turned = checker.check_value(&reversed, None, &CheckOptions::default());
        prop_assert_eq!(by_line(&as_given, |i| i), by_line(&turned, |i| n - 1 - i));
    }

    /// A mistake is reported where it is.
    #[test]
    fn a_mistake_is_reported_where_it_is(mistake in wastecheck::strategies::mistake(manifests())) {
        let report = wastecheck_rules::checker().check_value(&mistake.document, None, &CheckOptions::default());
        let inside = format!("{}/", mistake.path);
        prop_assert!(
            report.violations.iter().any(|v| v.rule.starts_with("schema.")
                && (v.path == mistake.path || v.path.starts_with(&inside))),
            "{} at {} not reported: {:#?}", mistake.what, mistake.path, report.violations
        );
    }

    /// The JSON facade every binding uses gives the report `check_value` gives.
    #[test]
    fn the_facade_agrees_with_the_library(document in manifests()) {
        let checker = wastecheck_rules::checker();
        let request = json!({ "document": document, "locale": "en" });
        let answer: Value =
            serde_json::from_str(&wastecheck::check::check_json(checker, &request.to_string())).unwrap();
        let options = CheckOptions { locale: Locale::En, ..CheckOptions::default() };
        let direct = serde_json::to_value(checker.check_value(&document, None, &options)).unwrap();
        prop_assert_eq!(answer, direct);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A valid manifest with one value replaced by junk or one member removed:
    /// a report in both locales with the same findings, every path a JSON Pointer
    /// (a required member of a removed object is named under it: a form's field).
    #[test]
    fn hostile_manifests_get_a_whole_report(
        document in wastecheck::strategies::hostile(manifests()),
    ) {
        let checker = wastecheck_rules::checker();
        let zh = checker.check_value(&document, None, &CheckOptions::default());
        let en = checker.check_value(
            &document,
            None,
            &CheckOptions { locale: Locale::En, ..CheckOptions::default() },
        );
        prop_assert_eq!(findings(&zh), findings(&en));
        prop_assert_eq!(zh.valid, zh.counts.error == 0);
        for v in &zh.violations {
            prop_assert!(v.path.is_empty() || v.path.starts_with('/'), "{}", v.path);
        }
    }

    /// Text gets the report its parsed value gets: with the kind named by the
    /// document, first or last, or given by the host, and with facts.
    #[test]
    fn text_gets_the_report_its_value_gets(
        document in prop_oneof![
            wastecheck::strategies::hostile(manifests()),
            wastecheck::strategies::mistake(manifests()).prop_map(|m| m.document),
        ],
        kind_first in any::<bool>(),
        given in any::<bool>(),
    ) {
        let checker = wastecheck_rules::checker();
        // Serialised keys are sorted; a form's often name the kind first.
        let text = match document.as_object() {
            Some(members) if kind_first => {
                let mut rest = members.clone();
                rest.remove("kind");
                let rest = Value::Object(rest).to_string();
                let rest = rest.get(1..).unwrap_or_default();
                let comma = if rest == "}" { "" } else { "," };
                format!("{{\"kind\":\"manifest\"{comma}{rest}")
            }
            _ => document.to_string(),
        };
        let document: Value = serde_json::from_str(&text).unwrap();
        let options = CheckOptions {
            kind: given.then_some(DocumentKind::Manifest),
            ..CheckOptions::default()
        };
        let facts = json!({ "licences": [] });
        let by_text = checker.check_str(&text, Some(&facts), &options);
        let by_value = checker.check_value(&document, Some(&facts), &options);
        prop_assert_eq!(by_text, by_value);
    }
}

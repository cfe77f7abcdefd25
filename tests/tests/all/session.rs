//! A session re-runs only the rules an edit touches, and must give exactly the
//! report a full check gives (issue 21): compared after every edit of random edit
//! sequences over generated manifests, with and without facts.

use proptest::prelude::*;
use serde_json::{Value, json};
use wastecheck::{CheckOptions, Locale};

/// The generated manifests, over the built-in catalogue.
fn manifests() -> impl Strategy<Value = Value> {
    let catalogue = wastecheck_rules::checker()
        .catalogue()
        .expect("the built-in packs carry a catalogue");
    wastecheck::strategies::manifest(std::sync::Arc::new(catalogue.clone()))
}

/// Values an edit may put anywhere: right, wrong, of other types.
fn value() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        prop::sample::select(vec![
            json!(""),
            json!("HW08"),
            json!("HW49"),
            json!("900-249-08"),
            json!("900-041-49"),
            json!("90004149"),
            json!("2026-03-02T08:00:00+08:00"),
            json!("2026-03-02T08:00:00"),
            json!("2021-01-04T08:00:00+08:00"),
            json!("submitted"),
            json!("confirmed"),
            json!("T"),
            json!("t"),
            json!("kg"),
            json!("1,5"),
            json!("2.5"),
            json!("330603"),
            json!("320100"),
            json!("91330100716105852F"),
            json!("浙D12345"),
            json!(0),
            json!(1.5),
            json!(true),
            json!(null),
            json!(["T", "I"]),
            json!({"value": "1", "unit": "t"}),
        ])
        .prop_map(Some),
    ]
}

/// One edit: where (an index into the document's pointers as it then is, or a
/// chosen place) and what.
#[derive(Debug, Clone)]
enum Edit {
    Leaf(prop::sample::Index, Option<Value>),
    Member(prop::sample::Index, &'static str, Option<Value>),
    AppendLine,
    Stage(&'static str),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<prop::sample::Index>(), value()).prop_map(|(at, v)| Edit::Leaf(at, v)),
        2 => (
            any::<prop::sample::Index>(),
            prop::sample::select(vec!["code", "category", "hazards", "method", "quantity", "received_quantity", "region", "vehicle_plate"]),
            value(),
        )
            .prop_map(|(at, name, v)| Edit::Member(at, name, v)),
        1 => Just(Edit::AppendLine),
        1 => prop::sample::select(vec!["draft", "submitted", "in_transit", "received", "confirmed"]).prop_map(Edit::Stage),
    ]
}

/// Every pointer of `value` (objects and lists too, not the root).
fn pointers(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (key, v) in members {
                let p = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(v, &p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(v, &p, out);
            }
        }
        _ => {}
    }
}

/// The objects of `value` (where a member may be added).
fn objects(value: &Value, at: &str, out: &mut Vec<String>) {
    if let Value::Object(members) = value {
        out.push(at.to_owned());
        for (key, v) in members {
            objects(
                v,
                &format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                out,
            );
        }
    } else if let Value::Array(items) = value {
        for (i, v) in items.iter().enumerate() {
            objects(v, &format!("{at}/{i}"), out);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn a_session_gives_the_full_check_s_report_after_every_edit(
        document in manifests(),
        edits in prop::collection::vec(edit(), 1..12),
        with_facts in any::<bool>(),
        english in any::<bool>(),
    ) {
        let checker = wastecheck_rules::checker();
        let facts: Option<Value> = with_facts.then(|| {
            serde_json::from_str(&std::fs::read_to_string("../spec/examples/facts.example.json").unwrap()).unwrap()
        });
        let options = CheckOptions {
            locale: if english { Locale::En } else { Locale::ZhCn },
            ..CheckOptions::default()
        };
        let mut session = checker.session(document.clone(), facts.clone(), options.clone());
        let full = |doc: &Value| checker.check_value(doc, facts.as_ref(), &options);
        prop_assert_eq!(session.report(), &full(&document));
        for edit in edits {
            let before = session.report().clone();
            let result = match &edit {
                Edit::Leaf(at, value) => {
                    let mut all = Vec::new();
                    pointers(session.document(), "", &mut all);
                    if all.is_empty() { continue; }
                    session.set(&all[at.index(all.len())], value.clone())
                }
                Edit::Member(at, name, value) => {
                    let mut all = Vec::new();
                    objects(session.document(), "", &mut all);
                    if all.is_empty() { continue; }
                    let object = &all[at.index(all.len())];
                    session.set(&format!("{object}/{name}"), value.clone())
                }
                Edit::AppendLine => {
                    let line = session.document().pointer("/wastes/0").cloned().unwrap_or(json!({"code": "900-041-49"}));
                    session.set("/wastes/-", Some(line))
                }
                Edit::Stage(stage) => session.set("/stage", Some(json!(stage))),
            };
            let Ok(change) = result else {
                prop_assert_eq!(session.report(), &before, "a failed edit changes nothing");
                continue;
            };
            let expected = full(session.document());
            prop_assert_eq!(session.report(), &expected, "after {:?}", edit);
            // The change is the difference between the two reports.
            for v in &change.added {
                prop_assert!(expected.violations.contains(v));
            }
            for v in &change.removed {
                prop_assert!(before.violations.contains(v));
            }
            prop_assert_eq!(
                before.violations.len() + change.added.len() - change.removed.len(),
                expected.violations.len()
            );
        }
    }
}

/// Applying a fix through the session resolves its finding, as a full check sees.
#[test]
fn a_fix_applied_in_a_session_removes_its_finding() {
    let document: Value = serde_json::from_str(
        &std::fs::read_to_string("../spec/examples/manifest.mistakes.json").unwrap(),
    )
    .unwrap();
    let checker = wastecheck_rules::checker();
    let mut session = checker.session(document, None, CheckOptions::default());
    let fixable = session
        .report()
        .violations
        .iter()
        .find(|v| v.rule == "schema.check-digit")
        .cloned()
        .unwrap();
    let change = session.apply(&fixable.fix).unwrap();
    assert!(change.removed.contains(&fixable), "{change:#?}");
    assert!(change.added.is_empty(), "{change:#?}");
    assert_eq!(
        session.report(),
        &checker.check_value(session.document(), None, &CheckOptions::default())
    );
    // An edit that cannot be made changes nothing.
    let before = session.report().clone();
    assert!(session.set("/no/such/parent", Some(json!(1))).is_err());
    assert!(session.set("/wastes/99", None).is_err());
    assert_eq!(session.report(), &before);
}

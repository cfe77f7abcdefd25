//! A session re-runs only the rules an edit touches, and must give exactly the
//! report a full check gives (issue 21): compared after every edit of random edit
//! sequences over generated manifests, with and without facts.

use proptest::prelude::*;
use serde_json::{Value, json};
use wastecheck::report::{FindingLimits, Violation};
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
    /// A member of a line (an index into the lines as they then are).
    Line(prop::sample::Index, &'static str, Option<Value>),
    /// A chosen place.
    At(&'static str, Option<Value>),
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

/// An example of spec/examples.
fn example(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("../spec/examples/{name}")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The example facts, and with `plan` the consignor's management plan for 2026
/// too, so that the plan rules decide.
fn example_facts(plan: bool) -> Value {
    let mut facts = example("facts.example.json");
    if plan {
        facts["plans"] = json!([example("plan.valid.json")]);
    }
    facts
}

/// Makes `edit` in `session`; `None` when there is nowhere to make it.
fn make(
    session: &mut wastecheck::check::Session,
    edit: &Edit,
) -> Option<Result<wastecheck::check::Change, wastecheck::check::EditError>> {
    Some(match edit {
        Edit::Leaf(at, value) => {
            let mut all = Vec::new();
            pointers(session.document(), "", &mut all);
            if all.is_empty() {
                return None;
            }
            session.set(&all[at.index(all.len())], value.clone())
        }
        Edit::Member(at, name, value) => {
            let mut all = Vec::new();
            objects(session.document(), "", &mut all);
            if all.is_empty() {
                return None;
            }
            let object = &all[at.index(all.len())];
            session.set(&format!("{object}/{name}"), value.clone())
        }
        Edit::Line(at, field, value) => {
            let lines = session
                .document()
                .pointer("/wastes")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            if lines == 0 {
                return None;
            }
            session.set(
                &format!("/wastes/{}/{field}", at.index(lines)),
                value.clone(),
            )
        }
        Edit::At(pointer, value) => session.set(pointer, value.clone()),
        Edit::AppendLine => {
            let line = session
                .document()
                .pointer("/wastes/0")
                .cloned()
                .unwrap_or(json!({"code": "900-041-49"}));
            session.set("/wastes/-", Some(line))
        }
        Edit::Stage(stage) => session.set("/stage", Some(json!(stage))),
    })
}

/// Checks after every edit that the session's report is the full check's, and that
/// the change it answered is the difference.
fn session_follows_full_check(
    document: Value,
    facts: Option<Value>,
    options: CheckOptions,
    edits: &[Edit],
) -> Result<(), TestCaseError> {
    let checker = wastecheck_rules::checker();
    let mut session = checker.session(document.clone(), facts.clone(), options.clone());
    let full = |doc: &Value| checker.check_value(doc, facts.as_ref(), &options);
    prop_assert_eq!(session.report(), &full(&document));
    for edit in edits {
        let before = session.report().clone();
        let Some(result) = make(&mut session, edit) else {
            continue;
        };
        let Ok(change) = result else {
            prop_assert_eq!(session.report(), &before, "a failed edit changes nothing");
            continue;
        };
        let expected = full(session.document());
        prop_assert_eq!(session.report(), &expected, "after {:?}", edit);
        // The change is the difference between the two reports, as multisets.
        let mut gone: Vec<&Violation> = before.violations.iter().collect();
        let mut came = Vec::new();
        for v in &expected.violations {
            match gone.iter().position(|g| *g == v) {
                Some(at) => {
                    gone.swap_remove(at);
                }
                None => came.push(v),
            }
        }
        prop_assert!(
            same_multiset(&change.added, &came),
            "added {:?}, expected {:?}, after {:?}",
            change.added,
            came,
            edit
        );
        prop_assert!(
            same_multiset(&change.removed, &gone),
            "removed {:?}, expected {:?}, after {:?}",
            change.removed,
            gone,
            edit
        );
    }
    Ok(())
}

/// Whether two lists hold the same violations, as many times each.
fn same_multiset(a: &[Violation], b: &[&Violation]) -> bool {
    let mut rest: Vec<&Violation> = b.to_vec();
    a.len() == b.len()
        && a.iter().all(|v| match rest.iter().position(|r| *r == v) {
            Some(at) => {
                rest.swap_remove(at);
                true
            }
            None => false,
        })
}

/// Edits of what the rules reading beyond their parameters read: every line's
/// code, quantity, method and exemption, the consignor's site, the parties.
fn targeted_edit() -> impl Strategy<Value = Edit> {
    let line_value = prop_oneof![
        Just(None),
        prop::sample::select(vec![
            json!("900-041-49"),
            json!("900-039-49"),
            json!("900-249-08"),
            json!("772-006-49"),
            json!("2.350"),
            json!("19000"),
            json!({"value": "0.860", "unit": "t"}),
            json!({"value": "25000", "unit": "t"}),
            json!("D10"),
            json!("R9"),
            json!({"item": 1, "stage": "disposal"}),
            json!("disposal"),
            json!(3),
        ])
        .prop_map(Some),
    ];
    let party = prop_oneof![
        Just(None),
        prop::sample::select(vec![
            json!("S-330603-0158"),
            json!("S-330602-0009"),
            json!("91330602MA2C4T7R5A"),
            json!("91330604MA2JL6C3X2"),
            json!("91330603MA2D7K4P5W"),
        ])
        .prop_map(Some),
    ];
    prop_oneof![
        4 => (
            any::<prop::sample::Index>(),
            prop::sample::select(vec!["code", "quantity", "quantity/value", "method", "name", "exemption", "exemption/stage", "exemption/item"]),
            line_value,
        )
            .prop_map(|(at, field, v)| Edit::Line(at, field, v)),
        2 => (
            prop::sample::select(vec!["/consignor/site_id", "/consignor/credit_code", "/receiver/credit_code", "/receiver/site_id", "/carrier/vehicle_plate"]),
            party,
        )
            .prop_map(|(at, v)| Edit::At(at, v)),
        1 => Just(Edit::AppendLine),
        2 => edit(),
    ]
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
        let options = CheckOptions {
            locale: if english { Locale::En } else { Locale::ZhCn },
            ..CheckOptions::default()
        };
        session_follows_full_check(document, with_facts.then(|| example_facts(false)), options, &edits)?;
    }

    /// On the example manifest, whose parties the facts know (licences, receipts,
    /// sites, plans), so that the rules reading other lines and the facts decide.
    #[test]
    fn a_session_on_the_example_follows_every_edit_of_lines_and_parties(
        mistakes in any::<bool>(),
        lines in 1..6usize,
        edits in prop::collection::vec(targeted_edit(), 1..16),
        // Small limits: the report leaves findings out, and edits go past them.
        limits in prop::option::of((1..4usize, 2..8usize)),
    ) {
        let name = if mistakes { "manifest.mistakes.json" } else { "manifest.valid.json" };
        let mut document = example(name);
        if let Some(wastes) = document["wastes"].as_array_mut().filter(|w| !w.is_empty()) {
            let first = wastes.clone();
            while wastes.len() < lines {
                wastes.push(first[wastes.len() % first.len()].clone());
            }
        }
        let mut options = CheckOptions::default();
        if let Some((per_rule, total)) = limits {
            options.limits = FindingLimits { per_rule, total };
        }
        session_follows_full_check(document, Some(example_facts(true)), options, &edits)?;
    }
}

/// Applying a fix through the session resolves its finding, as a full check sees.
#[test]
fn a_fix_applied_in_a_session_removes_its_finding() {
    let document = example("manifest.mistakes.json");
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

/// The kinds that read beyond their parameters' fields say so: an edit of what
/// they read runs them again, an edit of anything else does not.
#[test]
fn rules_reading_every_line_run_again_for_what_they_read_and_nothing_else() {
    let document = example("manifest.valid.json");
    let checker = wastecheck_rules::checker();
    let (decoded, _) =
        wastecheck::model::decode_document(wastecheck::DocumentKind::Manifest, &document);
    let decoded = decoded.unwrap();
    let chain = checker
        .chain_for(&decoded, wastecheck::check::legal_date(&decoded))
        .unwrap();
    // Whether an edit at `pointer` touches what `rule` reads: (to decide, to offer).
    let touched = |rule: &str, pointer: &str| {
        let tokens = wastecheck::json::pointer::Pointer::parse(pointer)
            .tokens()
            .to_vec();
        let rule = chain.rules.iter().find(|r| r.id == rule).unwrap();
        (
            rule.reads.touched_by(&tokens),
            rule.offer_reads.touched_by(&tokens),
        )
    };
    // (rule, read to decide, read only for the choices offered, not read)
    type Case<'a> = (&'a str, &'a [&'a str], &'a [&'a str], &'a [&'a str]);
    let cases: &[Case] = &[
        (
            "cn.transfer.receiver-capacity",
            &[
                "/wastes/3/quantity/value",
                "/wastes/-",
                "/receiver/credit_code",
            ],
            &[],
            &[
                "/wastes/3/name",
                "/consignor/site_id",
                "/carrier/driver/name",
            ],
        ),
        (
            "cn.transfer.not-in-plan",
            &[
                "/wastes/1/code",
                "/consignor/credit_code",
                "/receiver/credit_code",
            ],
            &[],
            &["/wastes/1/quantity", "/wastes/1/name"],
        ),
        (
            // The receivers it offers read every line's quantity and the
            // consignor's site; whether it finds anything does not.
            "cn.transfer.receiver-licence-scope",
            &["/wastes/1/code", "/wastes/2/exemption/stage"],
            &["/wastes/0/quantity/value", "/consignor/site_id"],
            &["/wastes/1/name", "/carrier/vehicle_plate"],
        ),
        (
            "zj-shaoxing.transfer.waybill-mismatch",
            &["/wastes/4/quantity/value"],
            &[],
            &["/wastes/4/name", "/consignor/name"],
        ),
    ];
    for (rule, read, offers, not_read) in cases {
        for pointer in *read {
            assert!(touched(rule, pointer).0, "{rule} reads {pointer}");
        }
        for pointer in *offers {
            let (decide, offer) = touched(rule, pointer);
            assert!(offer && !decide, "{rule} reads {pointer} only to offer");
        }
        for pointer in *not_read {
            assert_eq!(
                touched(rule, pointer),
                (false, false),
                "{rule} does not read {pointer}"
            );
        }
    }
}

/// A rule reading a field only for the choices it offers runs again on an edit of
/// it while it has findings: the receivers offered follow the lines' quantity.
#[test]
fn the_receivers_offered_follow_an_edit_of_a_quantity() {
    let checker = wastecheck_rules::checker();
    let facts = example_facts(false);
    let mut session = checker.session(
        example("manifest.valid.json"),
        Some(facts.clone()),
        CheckOptions::default(),
    );
    const RULE: &str = "cn.transfer.receiver-licence-scope";
    // The receivers a finding offers: its one fix, or its choices.
    let receivers = |v: &Violation| serde_json::to_string(&(&v.fix, &v.choices)).unwrap();
    // A code of HW49 that the receiver's licence does not list: another licensed
    // receiver, with 30,000 t a year and nothing received yet, is offered.
    let change = session
        .set("/wastes/0/code", Some(json!("772-006-49")))
        .unwrap();
    let found = change.added.iter().find(|v| v.rule == RULE).unwrap();
    assert!(
        receivers(found).contains("91330602MA2C4T7R5A"),
        "{found:#?}"
    );
    // More than its licensed scale on another line: it is offered no more.
    let change = session
        .set("/wastes/1/quantity/value", Some(json!("40000")))
        .unwrap();
    assert!(change.removed.iter().any(|v| v == found), "{change:#?}");
    let now = change.added.iter().find(|v| v.rule == RULE).unwrap();
    assert!(!receivers(now).contains("91330602MA2C4T7R5A"), "{now:#?}");
    let full = checker.check_value(session.document(), Some(&facts), &CheckOptions::default());
    assert_eq!(session.report(), &full);
}

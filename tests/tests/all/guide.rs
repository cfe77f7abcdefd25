//! `next` and `choices` (issue 21): what a document needs for its next stage and
//! what each undecided rule waits for; lawful values for a field, each passing the
//! rules that judge it.

use serde_json::{Value, json};
use wastecheck::CheckOptions;

fn read(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("../spec/examples/{name}")).unwrap())
        .unwrap()
}

/// A draft manifest: the consignor and one line so far.
fn draft() -> Value {
    json!({
        "kind": "manifest",
        "stage": "draft",
        "created_at": "2026-03-02T08:00:00+08:00",
        "consignor": {"credit_code": "91330603MA2D7K4P5W", "name": "绍兴某某化工有限公司", "region": "330603", "site_id": "S-330603-0158"},
        "receiver": {"credit_code": "91330604MA2JL6C3X2"},
        "carrier": {"credit_code": "91330602MA2BQ81HXG"},
        "wastes": [{"code": "900-249-08", "category": "HW08", "hazards": ["T", "I"], "quantity": {"value": "2", "unit": "t"}}]
    })
}

#[test]
fn next_lists_what_the_next_stage_requires_in_form_order_and_what_rules_wait_for() {
    let checker = wastecheck_rules::checker();
    let facts = read("facts.example.json");
    let next = checker.next(&draft(), Some(&facts), &CheckOptions::default());
    assert_eq!(next.stage.as_deref(), Some("draft"));
    assert_eq!(next.next_stage.as_deref(), Some("submitted"));
    let paths: Vec<&str> = next.required.iter().map(|n| n.path.as_str()).collect();
    // 转移办法 第十条(四): in the order the rule lists them, which is the form's.
    assert_eq!(
        paths,
        [
            "/number",
            "/consignor/address",
            "/carrier/name",
            "/receiver/name",
            "/receiver/region",
            "/receiver/licence_number",
            "/wastes/0/name"
        ]
    );
    assert_eq!(next.required[0].label.zh, "联单编号");
    // The licence scope waits for the dispatch time (its date).
    let scope = next
        .undecided
        .iter()
        .find(|u| u.rule == "cn.transfer.receiver-licence-scope")
        .expect("the licence scope cannot decide without a date");
    let json = serde_json::to_value(&scope.needs).unwrap();
    assert!(json.as_array().unwrap().contains(&json!({"type": "field", "path": "/dispatched_at", "label": {"zh-CN": "移出时间", "en": "dispatch time"}})), "{json}");
    // Nothing is asked of what no stage requires (a claimed exemption).
    assert!(
        !next
            .undecided
            .iter()
            .any(|u| u.rule == "cn.catalogue.exemption-misapplied")
    );
    // Without facts, a rule waits for its facts.
    let mut dispatched = draft();
    dispatched["dispatched_at"] = json!("2026-03-03T09:15:00+08:00");
    let bare = checker.next(&dispatched, None, &CheckOptions::default());
    let unlicensed = bare
        .undecided
        .iter()
        .find(|u| u.rule == "cn.transfer.uninsured")
        .expect("insurance needs its facts");
    assert!(
        serde_json::to_value(&unlicensed.needs)
            .unwrap()
            .as_array()
            .unwrap()
            .contains(&json!({"type": "facts", "collection": "insurance_policies"}))
    );
    // A valid confirmed manifest needs nothing more.
    let done = checker.next(
        &read("manifest.valid.json"),
        Some(&facts),
        &CheckOptions::default(),
    );
    assert_eq!(done.next_stage, None);
    assert!(done.required.is_empty(), "{:?}", done.required);
    // A document of a kind without stages: what it requires as it stands.
    let ledger = checker.next(&json!({"kind": "ledger"}), None, &CheckOptions::default());
    assert_eq!(ledger.next_stage, None);
}

#[test]
fn choices_offer_lawful_values_each_passing_its_rules() {
    let checker = wastecheck_rules::checker();
    let mut facts = read("facts.example.json");
    // A second licensed receiver covering HW08 by D10, and one that does not.
    facts["licences"].as_array_mut().unwrap().extend([
        json!({"number": "浙危废经第3301000001号", "holder": "91330100716105852F", "kind": "comprehensive",
               "scope": [{"categories": ["HW08", "HW49"], "methods": ["D10", "R9"], "capacity_t": "1000"}],
               "valid_from": "2025-01-01", "valid_until": "2029-12-31"}),
        json!({"number": "浙危废经第3302000002号", "holder": "91330200MA2GQ5TK3A", "kind": "comprehensive",
               "scope": [{"categories": ["HW49"], "methods": ["D10"], "capacity_t": "1000"}],
               "valid_from": "2025-01-01", "valid_until": "2029-12-31"}),
    ]);
    // Insured, as the Shaoxing pack requires of a receiver.
    facts["insurance_policies"].as_array_mut().unwrap().push(json!({
        "number": "PZBE2026330100001", "holder": "91330100716105852F", "insurer": "某某财产保险",
        "sum_insured": "5000000", "valid_from": "2026-01-01", "valid_until": "2026-12-31"
    }));
    let mut document = draft();
    document["dispatched_at"] = json!("2026-03-03T09:15:00+08:00");
    document["wastes"][0]["method"] = json!("D10");
    let options = CheckOptions::default();

    let receivers = checker.choices(&document, "/receiver", Some(&facts), &options);
    let values: Vec<&Value> = receivers.choices.iter().map(|c| &c.value).collect();
    // The Shaoxing receiver of the example facts first: its site is the nearer.
    assert_eq!(
        values,
        [&json!("91330602MA2C4T7R5A"), &json!("91330100716105852F")],
        "{receivers:#?}"
    );

    let methods = checker.choices(&document, "/wastes/0/method", Some(&facts), &options);
    let values: Vec<&Value> = methods.choices.iter().map(|c| &c.value).collect();
    assert_eq!(
        values,
        [&json!("D10")],
        "the receiver's licence allows D10 for HW08"
    );

    let vehicles = checker.choices(&document, "/carrier/vehicle_plate", Some(&facts), &options);
    assert!(!vehicles.choices.is_empty(), "{vehicles:#?}");
    assert_eq!(
        vehicles.choices[0].patch[0],
        wastecheck::report::PatchOp::add(
            "/carrier/vehicle_plate",
            vehicles.choices[0].value.clone()
        )
    );

    let mut typing = document.clone();
    typing["wastes"][0]["code"] = json!("废矿物油");
    let codes = checker.choices(&typing, "/wastes/0/code", Some(&facts), &options);
    assert!(!codes.choices.is_empty());
    assert!(
        codes
            .choices
            .iter()
            .all(|c| c.value.as_str().unwrap().ends_with("-08")),
        "{:?}",
        codes.choices.iter().map(|c| &c.value).collect::<Vec<_>>()
    );

    let units = checker.choices(&document, "/wastes/0/quantity/unit", None, &options);
    assert_eq!(units.choices.len(), 2);
    let open = checker.choices(&document, "/consignor/name", None, &options);
    assert!(open.choices.is_empty() && open.reason.is_some());
}

/// The generated manifests, over the built-in catalogue.
fn manifests() -> impl proptest::strategy::Strategy<Value = Value> {
    let catalogue = wastecheck_rules::checker()
        .catalogue()
        .expect("the built-in packs carry a catalogue");
    wastecheck::strategies::manifest(std::sync::Arc::new(catalogue.clone()))
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]

    /// Hostile documents and any pointer: `next` and `choices` answer (through the
    /// facade, as every face calls them), never panic, and every choice offered
    /// applies to the document.
    #[test]
    fn guidance_answers_any_document(
        document in proptest::prop_oneof![
            wastecheck::strategies::hostile(manifests()),
            wastecheck::strategies::arbitrary_json(),
        ],
        pointer in proptest::prop_oneof![
            proptest::strategy::Just("/receiver".to_owned()),
            proptest::strategy::Just("/wastes/0/code".to_owned()),
            proptest::strategy::Just("/wastes/0/method".to_owned()),
            proptest::strategy::Just("/carrier/vehicle_plate".to_owned()),
            proptest::strategy::Just("/stage".to_owned()),
            "(/[a-z0-9_~-]{0,12}){0,4}",
        ],
        with_facts in proptest::prelude::any::<bool>(),
    ) {
        let checker = wastecheck_rules::checker();
        let facts = with_facts.then(|| read("facts.example.json"));
        let request = json!({"document": document, "facts": facts, "pointer": pointer});
        let next: Value = serde_json::from_str(&wastecheck::check::next_json(checker, &request.to_string())).unwrap();
        proptest::prop_assert!(next.get("required").is_some() || next.get("error").is_some(), "{next}");
        let answer: Value = serde_json::from_str(&wastecheck::check::choices_json(checker, &request.to_string())).unwrap();
        if let Some(choices) = answer.get("choices").and_then(Value::as_array) {
            for choice in choices {
                let patch: json_patch::Patch = serde_json::from_value(choice["patch"].clone()).unwrap();
                let mut applied = document.clone();
                proptest::prop_assert!(json_patch::patch(&mut applied, &patch).is_ok(), "{choice}");
            }
        }
    }
}

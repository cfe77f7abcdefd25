//! Native = wasmtime, as a property: for generated transfer manifests — valid ones,
//! ones with a known mistake, and arbitrary JSON — in both locales, the host's
//! answer is the native facade's, byte for byte. (The Node.js build is held to the
//! same documents by wasm/test/parity.test.mjs.)

use crate::common;

use proptest::prelude::*;
use serde_json::{Value, json};
use std::cell::RefCell;
use wastecheck_host::Host;

thread_local! {
    static HOST: RefCell<Host> = RefCell::new(common::host());
}

fn manifests() -> impl Strategy<Value = Value> {
    wastecheck::strategies::manifest(std::sync::Arc::new(wastecheck_rules::catalogue().clone()))
}

/// Arbitrary JSON a form or a client might send: mostly objects with document
/// members, any values.
fn arbitrary() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[0-9A-Z-]{0,20}".prop_map(Value::from),
        Just(json!("900-041-49")),
        Just(json!("2026-03-02")),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "kind",
                    "wastes",
                    "code",
                    "quantity",
                    "stage",
                    "consignor",
                    "x"
                ]),
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

fn documents() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => manifests(),
        3 => wastecheck::strategies::mistake(manifests()).prop_map(|m| m.document),
        1 => arbitrary(),
    ]
}

fn requests() -> impl Strategy<Value = String> {
    (
        documents(),
        prop::sample::select(vec!["zh-CN", "en"]),
        any::<bool>(),
    )
        .prop_map(|(document, locale, dated)| {
            let mut request = json!({ "document": document, "locale": locale });
            if dated {
                request["as_of"] = json!("2026-03-02");
            }
            request.to_string()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn wasmtime_answers_as_natively(request in requests()) {
        let answer = HOST.with(|host| host.borrow_mut().check_json(&request));
        prop_assert_eq!(answer.unwrap(), common::native(&request));
    }
}

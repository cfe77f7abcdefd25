//! Native = wasmtime, as a property: for generated transfer manifests — valid ones,
//! ones with a known mistake, hostile ones and arbitrary JSON
//! (`wastecheck::strategies::requests`) — in both locales, and for every rule fixture
//! and scenario, the host's answer is the native facade's, byte for byte. (The Node.js build is held to the
//! same documents by wasm/test/parity.test.mjs.)

use crate::common;

use proptest::prelude::*;
use std::cell::RefCell;
use wastecheck_host::Host;

thread_local! {
    static HOST: RefCell<Host> = RefCell::new(common::host());
}

fn requests() -> impl Strategy<Value = String> {
    wastecheck::strategies::requests(std::sync::Arc::new(wastecheck_rules::catalogue().clone()))
}

/// Every rule fixture and scenario of the repository — each a check request — is
/// answered by wastecheck.wasm under wasmtime as by the native facade.
#[test]
fn every_fixture_and_scenario_answers_as_natively() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for pack in std::fs::read_dir(root.join("rules/packs")).unwrap() {
        for rule in std::fs::read_dir(pack.unwrap().path()).unwrap() {
            let fixtures = rule.unwrap().path().join("fixtures");
            if let Ok(entries) = std::fs::read_dir(&fixtures) {
                files.extend(entries.map(|e| e.unwrap().path()));
            }
        }
    }
    files.extend(
        std::fs::read_dir(root.join("tests/scenarios"))
            .unwrap()
            .map(|e| e.unwrap().path()),
    );
    files.retain(|f| f.extension().is_some_and(|e| e == "json"));
    assert!(files.len() > 100, "{} files", files.len());
    let mut host = common::host();
    for file in files {
        let request = std::fs::read_to_string(&file).unwrap();
        let answer = host.check_json(&request).unwrap();
        assert_eq!(answer, common::native(&request), "{}", file.display());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn wasmtime_answers_as_natively(request in requests()) {
        let answer = HOST.with(|host| host.borrow_mut().check_json(&request));
        prop_assert_eq!(answer.unwrap(), common::native(&request));
    }
}

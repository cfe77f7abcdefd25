//! The JSON facade: arbitrary text into the entries every face uses. A request
//! (`check_json`: `serve`, the ABI module, the npm package, `wastecheck-host`), or
//! — when the input holds a NUL byte — a document text and a facts text as the
//! command line reads them (`check_str`). The answer must always be JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use wastecheck::CheckOptions;
use wastecheck::check::check_json;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let checker = wastecheck_rules::checker();
    match text.split_once('\0') {
        Some((document, facts)) => {
            let facts = serde_json::from_str::<Value>(facts).ok();
            let report = checker.check_str(document, facts.as_ref(), &CheckOptions::default());
            serde_json::to_string(&report).expect("a report serialises");
        }
        None => {
            let answer = check_json(checker, &text);
            let answer: Value = serde_json::from_str(&answer).expect("the facade answers JSON");
            assert!(
                answer.get("error").is_some() || answer.get("valid").is_some(),
                "neither a report nor an error: {answer}"
            );
        }
    }
});

//! The JSON facade: arbitrary text into the entries every face uses. A request
//! (`check_json`: `serve`, the ABI module, the npm package, `wastecheck-host`), or
//! — when the input holds a NUL byte — a document text and a facts text as the
//! command line reads them (`check_str`). A text starting with `[` or `{"facts"` /
//! `{"requests"` is also checked as a batch (`check_batch_json`): its answer is an
//! array of as many answers as the batch has requests, or one error. The answer
//! must always be JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use wastecheck::CheckOptions;
use wastecheck::check::{check_batch_json, check_json};

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
            let trimmed = text.trim_start();
            if trimmed.starts_with('[')
                || trimmed.starts_with("{\"facts\"")
                || trimmed.starts_with("{\"requests\"")
            {
                batch(checker, &text);
            }
        }
    }
});

/// A batch answers one answer per request (each a report or an error), or one error.
fn batch(checker: &wastecheck::Checker, text: &str) {
    let answer = check_batch_json(checker, text, 8, &Default::default());
    let answer: Value = serde_json::from_str(&answer).expect("a batch answers JSON");
    match answer.as_array() {
        Some(answers) => {
            let asked = serde_json::from_str::<Value>(text)
                .ok()
                .and_then(|v| match v {
                    Value::Array(all) => Some(all.len()),
                    Value::Object(o) => o.get("requests")?.as_array().map(Vec::len),
                    _ => None,
                });
            if let Some(asked) = asked {
                assert_eq!(answers.len(), asked, "one answer per request");
            }
            for one in answers {
                assert!(
                    one.get("error").is_some() || one.get("valid").is_some(),
                    "neither a report nor an error: {one}"
                );
            }
        }
        None => assert!(
            answer.get("error").is_some(),
            "neither answers nor an error: {answer}"
        ),
    }
}

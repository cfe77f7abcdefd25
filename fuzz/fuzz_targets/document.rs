//! The document and facts decoders, and every rule behind them: documents made
//! from the examples by structured edits (model field names, codes, dates,
//! regions), checked with the three built-in packs natively and through the JSON
//! facade, which must agree byte for byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wastecheck::check::check_json;
use wastecheck_fuzz::Plausible;

fuzz_target!(|input: Plausible| {
    let mut input = input;
    // The facade reads `"facts": null` as no facts (the command line reads a facts
    // file holding `null` as facts of the wrong type): compare like with like.
    if input.facts.as_ref().is_some_and(serde_json::Value::is_null) {
        input.facts = None;
    }
    let checker = wastecheck_rules::checker();
    let options = input.options();
    let report = checker.check_value(&input.document, input.facts.as_ref(), &options);
    let native = serde_json::to_string(&report).expect("a report serialises");

    let mut request = serde_json::json!({
        "document": input.document,
        "locale": if input.english { "en" } else { "zh-CN" },
    });
    if let Some(facts) = input.facts {
        request["facts"] = facts;
    }
    if let Some(as_of) = options.as_of {
        request["as_of"] = as_of.to_string().into();
    }
    let text = serde_json::to_string(&request).expect("a request serialises");
    // The serialised document may nest beyond the facade's limit; its answer is
    // then an error, not a report to compare.
    let facade = check_json(checker, &text);
    if !facade.starts_with("{\"error\"") {
        assert_eq!(
            native, facade,
            "native and facade reports differ for {text}"
        );
    }
});

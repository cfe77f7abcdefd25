//! A person typing into a manifest form, as `wasm/bench.mjs` times it in Node: a
//! session on `spec/examples/manifest.valid.json` grown to 5 lines, with
//! `facts.example.json`, one character more at a time in a line's name, a line's
//! quantity and the driver's name.

use serde_json::Value;
use wastecheck::check::Session;
use wastecheck::{CheckOptions, Checker};

/// The fields typed into and what is typed, as in Node's benchmark.
pub const FIELDS: [(&str, &str, &str); 3] = [
    ("name", "/wastes/2/name", "沾染有机原料的废包装袋、废包装桶"),
    ("quantity", "/wastes/3/quantity/value", "12.350"),
    ("driver", "/carrier/driver/name", "张某某李某某"),
];

fn example(name: &str) -> Value {
    let path = format!("{}/../spec/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The 5-line manifest and the facts.
pub fn document_and_facts() -> (Value, Value) {
    let mut manifest = example("manifest.valid.json");
    let lines = manifest["wastes"].as_array_mut().expect("wastes");
    let first = lines.clone();
    while lines.len() < 5 {
        lines.push(first[lines.len() % first.len()].clone());
    }
    (manifest, example("facts.example.json"))
}

/// A session on the 5-line manifest.
pub fn session(checker: &Checker) -> Session {
    let (document, facts) = document_and_facts();
    checker.session(document, Some(facts), CheckOptions::default())
}

/// The keystrokes into the fields named (all when `only` is `None`), in order:
/// each field's text one character longer each time.
pub fn strokes(only: Option<&str>) -> Vec<(&'static str, Value)> {
    FIELDS
        .iter()
        .filter(|(field, _, _)| only.is_none_or(|o| o == *field))
        .flat_map(|(_, pointer, text)| {
            let chars: Vec<char> = text.chars().collect();
            (1..=chars.len())
                .map(move |n| (*pointer, Value::from(chars[..n].iter().collect::<String>())))
        })
        .collect()
}

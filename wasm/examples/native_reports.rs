//! The native side of the parity test (`wasm/test/parity.test.mjs`): for each
//! check-request file named on the command line, the report the native core's
//! JSON facade gives, in the request's locale and in English, as one JSON object
//! `{"<file>": {"request": <locale of the request>, "en": <English>}}` on stdout,
//! each report as the exact text `check_json` returned.

use serde_json::{Map, Value};
use std::io::Write;
use wastecheck::check::check_json;

fn main() -> anyhow::Result<()> {
    let checker = wastecheck_rules::checker();
    let mut out = Map::new();
    for file in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&file)?;
        let mut request: Value = serde_json::from_str(&text)?;
        let as_given = check_json(checker, &text);
        if let Some(object) = request.as_object_mut() {
            object.insert("locale".into(), Value::String("en".into()));
        }
        let english = check_json(checker, &request.to_string());
        let mut both = Map::new();
        both.insert("request".into(), Value::String(as_given));
        both.insert("en".into(), Value::String(english));
        out.insert(file, Value::Object(both));
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", Value::Object(out))?;
    Ok(())
}

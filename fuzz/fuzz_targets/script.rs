//! The rhai sandbox: arbitrary script text compiled and run as a rule script is,
//! under the packs' limits (`CompileOptions::default().limits`), with the national
//! chain's catalogue and working-day calendar, over an example manifest, the
//! example facts and a bound line item. Whatever the script does, it must end
//! (the operation limit) with findings or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rhai::Dynamic;
use std::sync::OnceLock;
use wastecheck::engine::chain::CompileOptions;
use wastecheck::engine::script::{ScriptEngine, ScriptInput};
use wastecheck::model::Date;

struct Fixture {
    engine: ScriptEngine,
    document: Dynamic,
    facts: Dynamic,
    params: Dynamic,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let chain = wastecheck_rules::builtin()
            .select(None, None)
            .expect("the national chain");
        let catalogue = chain
            .editions
            .newest_carried()
            .expect("a carried catalogue")
            .clone();
        let engine = ScriptEngine::new(
            &CompileOptions::default().limits,
            catalogue,
            chain.calendar.clone(),
        );
        let json = |text: &str| serde_json::from_str(text).expect("example JSON");
        let params = serde_json::Value::Object(chain.params.clone().into_iter().collect());
        Fixture {
            engine,
            document: ScriptEngine::to_dynamic(&json(wastecheck_fuzz::DOCUMENTS[0])),
            facts: ScriptEngine::to_dynamic(&json(wastecheck_fuzz::FACTS)),
            params: ScriptEngine::to_dynamic(&params),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    let fixture = fixture();
    let Ok(script) = fixture.engine.compile(&source) else {
        return;
    };
    let item = ScriptEngine::pointer(&fixture.document, "/wastes/0");
    let input = ScriptInput {
        document: &fixture.document,
        facts: &fixture.facts,
        item: item.as_ref().map(|item| (0, item)),
        params: &fixture.params,
        as_of: Date::from_ymd(2026, 3, 3),
    };
    let _ = fixture.engine.run(&script, &input);
    let _ = fixture.engine.evaluate(&script, &input);
});

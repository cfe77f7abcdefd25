//! The script tier's tests: the sandbox, the views, the library, findings.

#![allow(clippy::disallowed_methods)] // the tests time the limits with `Instant::now`

use super::super::values::elements;
use super::*;
use crate::catalogue::{Edition, Sources};
use crate::model::{Date, Decimal};
use rhai::Map;
use serde_json::json;
use std::time::{Duration, Instant};

fn catalogue() -> Arc<Catalogue> {
    let edition = Edition {
        id: "hw-2021".into(),
        title_zh: "国家危险废物名录（2021年版）".into(),
        title_en: "National Hazardous Waste List (2021 edition)".into(),
        effective_from: Date::from_ymd(2021, 1, 1).unwrap(),
    };
    let sources = Sources {
        list: include_str!("../../../../rules/packs/cn/catalogue/hw-list-2021.csv"),
        categories: include_str!("../../../../rules/packs/cn/catalogue/hw-categories-2021.csv"),
        exemptions: include_str!("../../../../rules/packs/cn/catalogue/hw-exemptions-2021.csv"),
        general: include_str!("../../../../rules/packs/cn/catalogue/sw-categories-2021.csv"),
    };
    Arc::new(Catalogue::from_csv(edition, sources).unwrap())
}

fn calendar() -> Arc<Calendar> {
    let csv = include_str!("../../../../rules/packs/cn/calendar/cn-holidays.csv");
    Arc::new(Calendar::from_csv(csv, Date::from_ymd(2026, 12, 31).unwrap()).unwrap())
}

fn engine() -> ScriptEngine {
    ScriptEngine::new(&Limits::default(), catalogue(), Some(calendar()))
}

fn manifest() -> Value {
    json!({
        "kind": "manifest",
        "number": "20263306000123",
        "stage": "received",
        "consignor": {"region": "330603", "name": "绍兴某某化工有限公司"},
        "receiver": {"region": "330604", "licence_number": "浙危废经第3306040012号"},
        "wastes": [
            {"code": "900-041-49", "hazards": ["T"], "quantity": {"value": "2.350", "unit": "t"}},
            {"code": "900-249-08", "hazards": ["T", "I"], "quantity": {"value": 860, "unit": "kg"}},
            {"code": "900-249-08", "quantity": {"value": 12.5, "unit": "t"}}
        ],
        "received_at": "2026-02-13T16:20:00+08:00",
        "confirmed_at": "2026-02-24T09:00:00+08:00"
    })
}

/// Runs `source` over the manifest (and `item` bound to line `item`, if given)
/// and returns what it evaluated to.
fn eval_raw(source: &str, item: Option<usize>, params: Map) -> Result<Dynamic, ScriptError> {
    let engine = engine();
    let script = engine
        .compile(source)
        .unwrap_or_else(|e| panic!("{source}: {e}"));
    let raw = manifest();
    let doc = ScriptEngine::to_dynamic(&raw);
    let facts = ScriptEngine::to_dynamic(&json!({"licences": []}));
    let item_value = item.map(|i| ScriptEngine::to_dynamic(&raw["wastes"][i]));
    let params_dyn = Dynamic::from_map(params.clone());
    let input = ScriptInput {
        document: &doc,
        facts: &facts,
        item: item.zip(item_value.as_ref()),
        params: &params_dyn,
        as_of: Date::from_ymd(2026, 3, 2),
    };
    engine.eval(&script, &input)
}

/// Runs `source` over the manifest and returns its findings.
fn eval(source: &str, item: Option<usize>, params: Map) -> Result<Vec<ScriptFinding>, ScriptError> {
    findings(&eval_raw(source, item, params)?)
}

/// What `source` evaluates to (with line 0 bound), as JSON.
fn value_of(source: &str) -> Value {
    let value = eval_raw(source, Some(0), Map::new()).unwrap_or_else(|e| panic!("{source}: {e}"));
    to_json(&value, 0).unwrap()
}

fn error_of(source: &str) -> ScriptError {
    match eval_raw(source, Some(0), Map::new()) {
        Ok(value) => panic!("{source} gave {value}"),
        Err(e) => e,
    }
}

#[test]
fn the_realistic_script_reports_lines_over_the_threshold() {
    let source = r#"
        if tonnes(item.quantity) > params.max {
            #{path: "quantity/value", params: #{code: item.code, tonnes: tonnes(item.quantity)}}
        }
    "#;
    let mut params = Map::new();
    params.insert("max".into(), Dynamic::from_decimal(Decimal::new(2, 0)));
    let over: Vec<_> = (0..3)
        .map(|i| eval(source, Some(i), params.clone()).unwrap())
        .collect();
    assert_eq!(
        over[0],
        vec![ScriptFinding {
            path: "quantity/value".into(),
            params: json!({"code": "900-041-49", "tonnes": "2.350"})
                .as_object()
                .unwrap()
                .clone(),
            guidance: Default::default(),
        }]
    );
    assert_eq!(over[1], vec![]); // 860 kg = 0.860 t
    assert_eq!(over[2][0].params["tonnes"], json!("12.5"));
}

#[test]
fn inputs_are_visible_and_constant() {
    assert_eq!(value_of("doc.number"), json!("20263306000123"));
    assert_eq!(value_of("doc.wastes.len()"), json!(3));
    assert_eq!(value_of("item.code"), json!("900-041-49"));
    assert_eq!(value_of("index"), json!(0));
    assert_eq!(value_of("as_of"), json!("2026-03-02"));
    assert_eq!(value_of("facts.licences.len()"), json!(0));
    assert_eq!(value_of("type_of(params)"), json!("map"));
    // JSON numbers: whole ones are integers, others exact decimals.
    assert_eq!(value_of("doc.wastes[1].quantity.value + 1"), json!(861));
    assert_eq!(value_of("doc.wastes[2].quantity.value * 2"), json!("25.0"));
    for source in [
        r#"doc.number = "x""#,
        r#"doc.wastes[0].code = "x""#,
        "doc.wastes.push(1)",
        "doc.wastes.clear()",
        "item.quantity.value = 1",
        "facts.licences.push(1)",
        r#"let d = doc; d.stage = "x";"#,
        r#"let w = doc.wastes; w[0] = 1;"#,
        r#"let m = doc.to_map(); m.wastes[0].code = "x";"#,
        "fn f() { this.clear(); } doc.wastes.f()",
        "fn f() { this.code = 1; } item.f()",
    ] {
        assert!(
            matches!(error_of(source), ScriptError::Runtime { .. }),
            "{source} did not fail"
        );
    }
    // rhai guards a constant map's existing properties (it lets a script add new
    // ones, but `params` is a copy made for each run).
    let mut params = Map::new();
    params.insert("max".into(), Dynamic::from_int(2));
    assert!(matches!(
        eval("params.max = 3", None, params),
        Err(ScriptError::Runtime { message, .. }) if message.contains("constant")
    ));
    // A shallow copy may be changed; the input stays as it was.
    assert_eq!(
        value_of(r#"let d = doc.to_map(); d.number = "zzz"; d.wastes = (); d.number"#),
        json!("zzz")
    );
    assert_eq!(value_of("doc.wastes[0].code"), json!("900-041-49"));
}

#[test]
fn the_views_of_the_input() {
    assert_eq!(value_of("type_of(doc)"), json!("map"));
    assert_eq!(value_of("type_of(doc.wastes)"), json!("array"));
    assert_eq!(value_of("doc.wastes[-1].quantity.unit"), json!("t"));
    assert_eq!(value_of(r#"doc["stage"]"#), json!("received"));
    assert_eq!(value_of("doc.missing"), Value::Null);
    assert_eq!(value_of("doc?.missing?.deeper"), Value::Null);
    assert_eq!(value_of("doc.missing == ()"), json!(true));
    assert_eq!(value_of("doc.consignor == ()"), json!(false));
    assert_eq!(value_of("doc.consignor != ()"), json!(true));
    assert_eq!(value_of(r#""wastes" in doc"#), json!(true));
    assert_eq!(value_of(r#""track_id" in doc"#), json!(false));
    assert_eq!(value_of(r#""I" in doc.wastes[1].hazards"#), json!(true));
    assert_eq!(value_of(r#""C" in item.hazards"#), json!(false));
    assert_eq!(value_of("doc.consignor.keys()"), json!(["name", "region"]));
    assert_eq!(value_of("doc.consignor.values().len()"), json!(2));
    assert_eq!(value_of("doc.consignor.len()"), json!(2));
    assert_eq!(
        value_of("doc.wastes.is_empty() || doc.consignor.is_empty()"),
        json!(false)
    );
    assert_eq!(
        value_of(r#"let n = 0; for w in doc.wastes { if w.code == "900-249-08" { n += 1; } } n"#),
        json!(2)
    );
    assert_eq!(
        value_of(
            r#"fn oil(w) { category_of(w.code) == "HW08" } doc.wastes.to_array().filter(Fn("oil")).len()"#
        ),
        json!(2)
    );
    assert_eq!(
        value_of("item.quantity"),
        json!({"value": "2.350", "unit": "t"})
    );
    assert_eq!(
        value_of("`${item.quantity}`"),
        json!(r#"{"unit":"t","value":"2.350"}"#)
    );
    assert!(matches!(
        error_of("doc.wastes[3]"),
        ScriptError::Runtime { message, .. } if message.contains("out of bounds")
    ));
    assert!(matches!(
        error_of("doc.wastes[-4]"),
        ScriptError::Runtime { message, .. } if message.contains("out of bounds")
    ));
}

#[test]
fn the_input_is_never_copied_nor_changed() {
    let engine = engine();
    let raw = manifest();
    let doc = ScriptEngine::to_dynamic(&raw);
    let copy = doc.clone();
    assert!(Arc::ptr_eq(
        &doc.read_lock::<JsonMap>().unwrap().0,
        &copy.read_lock::<JsonMap>().unwrap().0
    ));
    let before = to_json(&doc, 0).unwrap();
    let facts = Dynamic::UNIT;
    let params = Map::new();
    let params_dyn = Dynamic::from_map(params.clone());
    let input = ScriptInput {
        document: &doc,
        facts: &facts,
        item: None,
        params: &params_dyn,
        as_of: None,
    };
    for source in [
        r#"let d = doc; d.stage = "x"; ()"#,
        "let w = doc.wastes; w.clear(); ()",
        "let a = [doc, doc.wastes]; a[0].number = 1; ()",
        "let m = #{d: doc}; m.d.number = 1; m.e = doc; ()",
        "let a = []; a.push(doc); a += doc.wastes; a.insert(0, doc); a.pad(5, doc); a[0].x = 1; ()",
        "let m = #{}; m.mixin(doc.to_map()); m += doc.to_map(); m.number = 1; m.wastes[0].code = 1; ()",
        "fn id(x) { x } let x = id(doc); x.stage = 1; [id(doc)]; ()",
        "doc.wastes.to_array().filter(Fn(\"f\")); fn f(w) { w.code = 1; true } ()",
        "call(Fn(\"g\"), doc); fn g(d) { d.stage = 1; } ()",
        "let w = doc.wastes.to_array(); w.clear(); w.push(1); ()",
        r#"doc.wastes[doc.wastes.len() - 1].code + doc.consignor.region; ()"#,
        r#"`${doc}`.len(); ()"#,
    ] {
        let script = engine
            .compile(source)
            .unwrap_or_else(|e| panic!("{source}: {e}"));
        let start = Instant::now();
        let _ = engine.run(&script, &input);
        assert!(start.elapsed() < Duration::from_secs(2), "{source}: slow");
        assert_eq!(
            to_json(&doc, 0).unwrap(),
            before,
            "{source} changed the document"
        );
    }
}

#[test]
fn large_inputs_do_not_count_against_the_limits() {
    // rhai counts every element and string byte inside a value against its
    // limits, on every method call: a 1,000-line manifest as a rhai map would
    // exceed them at `doc.wastes.len()`.
    let lines: Vec<Value> = (0..1000)
        .map(|i| json!({"code": "900-041-49", "name": format!("沾染有机原料的废包装袋 {i}"), "hazards": ["T", "In"], "quantity": {"value": "1.5", "unit": "t"}}))
        .collect();
    let raw = json!({"wastes": lines});
    let engine = engine();
    let doc = ScriptEngine::to_dynamic(&raw);
    let unit = Dynamic::UNIT;
    let params = Map::new();
    let params_dyn = Dynamic::from_map(params.clone());
    let input = ScriptInput {
        document: &doc,
        facts: &unit,
        item: None,
        params: &params_dyn,
        as_of: None,
    };
    let script = engine
        .compile(
            r#"
            let total = decimal("0");
            for w in doc.wastes { total += tonnes(w.quantity); }
            let n = doc.wastes.len() + doc.wastes.to_array().len() + doc.values().len();
            #{params: #{total: total, n: n, last: doc.wastes[-1].name}}
        "#,
        )
        .unwrap();
    let found = engine.run(&script, &input).unwrap();
    assert_eq!(
        Value::Object(found[0].params.clone()),
        json!({"total": "1500.0", "n": 2001, "last": "沾染有机原料的废包装袋 999"})
    );
}

#[test]
fn results() {
    let ok = |source: &str| eval(source, Some(0), Map::new()).unwrap();
    assert_eq!(ok("()"), vec![]);
    assert_eq!(ok("false"), vec![]);
    assert_eq!(ok("[]"), vec![]);
    assert_eq!(ok("if false { 1 }"), vec![]);
    let two = ok(
        r#"[#{path: "/number"}, #{path: "code", params: #{n: 1, d: decimal("1.50"), s: "x", b: true, a: [1, "y"], m: #{k: ()}, c: 'z', f: 0.5}}]"#,
    );
    assert_eq!(two.len(), 2);
    assert_eq!(two[0].path, "/number");
    assert!(two[0].params.is_empty());
    assert_eq!(
        Value::Object(two[1].params.clone()),
        json!({"n": 1, "d": "1.50", "s": "x", "b": true, "a": [1, "y"], "m": {"k": null}, "c": "z", "f": "0.5"})
    );
    assert_eq!(ok(r#"#{params: #{}}"#)[0].path, "");
    assert_eq!(ok(r#"#{path: "hazards/0"}"#)[0].path, "hazards/0");
    assert_eq!(ok(r#"#{path: "/a~1b/c~0d/"}"#)[0].path, "/a~1b/c~0d/");

    let bad = |source: &str| match eval(source, Some(0), Map::new()) {
        Err(ScriptError::BadResult { message }) => message,
        other => panic!("{source}: {other:?}"),
    };
    assert!(bad("true").contains("the boolean true"));
    assert!(bad("42").contains("the integer 42"));
    assert!(bad(r#""finding""#).contains("the string \"finding\""));
    assert!(bad("[1]").contains("element 0 is the integer 1"));
    assert!(bad(r#"#{path: 1}"#).contains("path is the integer 1"));
    assert!(bad(r#"#{pth: "x"}"#).contains("unknown key `pth`"));
    assert!(bad(r#"#{path: "x", params: 1}"#).contains("params are the integer 1"));
    assert!(bad(r#"#{path: "x", params: #{f: Fn("abs")}}"#).contains("param `f`"));
    for path in ["a//b", "../x", "./x", "a/", "a~2", "/a~"] {
        assert!(
            bad(&format!("#{{path: \"{path}\"}}")).contains("not a JSON Pointer"),
            "{path}"
        );
    }
    assert!(bad("let x = 1; for i in 0..40 { x = [x]; } #{params: #{x: x}}").contains("nested"));
}

#[test]
fn errors() {
    let engine = engine();
    let raw = manifest();
    let doc = ScriptEngine::to_dynamic(&raw);
    let item = ScriptEngine::to_dynamic(&raw["wastes"][0]);
    let params = Map::new();
    let params_dyn = Dynamic::from_map(params.clone());
    let input = ScriptInput {
        document: &doc,
        facts: &doc,
        item: Some((0, &item)),
        params: &params_dyn,
        as_of: None,
    };
    // Measured in release: from 0.03 to 12 ms each (an unoptimised test build is
    // several times slower), except rebuilding a nested array each iteration:
    // rhai copies and re-measures it every time, so it costs the square of the
    // array limit, about 70 ms at 1,024 (the worst case found).
    let run = |source: &str, budget: Duration| {
        let script = engine.compile(source).unwrap();
        let start = Instant::now();
        let result = engine.run(&script, &input);
        let elapsed = start.elapsed();
        assert!(elapsed < budget, "{source}: {elapsed:?}");
        result
    };
    // Budgets far above those figures, so that a loaded CI machine never fails
    // them: without the limits, these scripts would run forever.
    let budget = Duration::from_secs(if cfg!(debug_assertions) { 5 } else { 2 });
    assert_eq!(
        run("let a = []; loop { a = [a]; }", budget * 10),
        Err(ScriptError::Limit {
            what: "size of array/blob".into()
        })
    );
    for (source, limit) in [
        ("loop {}", "operations"),
        ("let i = 0; while true { i += 1; }", "operations"),
        ("fn f(n) { f(n + 1) } f(0)", "call depth"),
        ("fn f(n) { if n > 0 { f(n - 1) } } f(1000)", "call depth"),
        (r#"let s = "x"; loop { s += s; }"#, "length of string"),
        (
            r#"let s = item.code; loop { s = `${s}${s}`; }"#,
            "length of string",
        ),
        ("let a = []; loop { a.push(index); }", "size of array/blob"),
        (
            "let a = []; loop { a.push(#{code: item.code, n: index}); }",
            "size of object map",
        ),
        ("let m = #{}; loop { m = #{m: m}; }", "size of object map"),
        (
            "let a = []; for w in doc.wastes { loop { a += w.code; } }",
            "size of array/blob",
        ),
    ] {
        assert_eq!(
            run(source, budget),
            Err(ScriptError::Limit { what: limit.into() }),
            "{source}"
        );
    }

    assert_eq!(
        error_of("let x = 1;\nlet y = 2;\nthrow \"boom\";"),
        ScriptError::Runtime {
            message: "boom".into(),
            line: Some(3)
        }
    );
    assert!(matches!(
        error_of("fn f() {\n  throw \"inner\";\n}\nf()"),
        ScriptError::Runtime { message, line: Some(2) } if message == "inner"
    ));
    assert!(matches!(
        error_of("doc.wastes[9]"),
        ScriptError::Runtime { line: Some(1), .. }
    ));
    assert!(matches!(
        error_of("\n\nsame_province(\"33\", \"330000\")"),
        ScriptError::Runtime { message, line: Some(3) } if message.contains("not a region code")
    ));
    // A script over a list item, with no item bound.
    assert!(matches!(
        eval("item.code", None, Map::new()),
        Err(ScriptError::Runtime { message, .. }) if message.contains("item")
    ));
    let shown = ScriptError::Runtime {
        message: "boom".into(),
        line: Some(3),
    }
    .to_string();
    assert_eq!(shown, "script failed at line 3: boom");
}

#[test]
fn compile_errors_and_what_is_forbidden() {
    let engine = engine();
    let err = engine.compile("let x = 1;\nlet y = (x + ;").unwrap_err();
    assert_eq!(err.line, Some(2));
    assert!(err.column.is_some());
    assert!(
        err.to_string()
            .starts_with("script does not compile at line 2, column")
    );
    for source in [
        r#"eval("1 + 1")"#,
        r#"import "fs" as fs;"#,
        "let f = |x| x; f.call(1)",
        "const X = #{a: 1}; X.a = 2;",
        "nonexistent_variable",
    ] {
        assert!(engine.compile(source).is_err(), "{source} compiled");
    }
    // Functions do not see the inputs (rhai functions see only their arguments).
    assert!(matches!(
        error_of("fn f() { doc } f()"),
        ScriptError::Runtime { message, .. } if message.contains("doc")
    ));
    for source in [
        "timestamp()",
        "sleep(1)",
        r#"read_file("/etc/passwd")"#,
        r#"open("/etc/passwd")"#,
        r#"env("HOME")"#,
        "exit(1)",
    ] {
        let start = Instant::now();
        let err = error_of(source);
        assert!(start.elapsed() < Duration::from_secs(2), "{source}");
        assert!(
            matches!(&err, ScriptError::Runtime { message, .. } if message.contains("not found")),
            "{source}: {err:?}"
        );
    }
}

#[test]
fn catalogue_functions() {
    assert_eq!(value_of(r#"catalogue_has("900-041-49")"#), json!(true));
    assert_eq!(value_of(r#"catalogue_has("900-999-49")"#), json!(true));
    assert_eq!(value_of(r#"catalogue_has("900-998-49")"#), json!(false));
    assert_eq!(value_of(r#"catalogue_has("nonsense")"#), json!(false));
    assert_eq!(value_of("catalogue_has(item.missing)"), json!(false));
    assert_eq!(value_of("category_of(item.code)"), json!("HW49"));
    assert_eq!(value_of(r#"category_of("900-249-08")"#), json!("HW08"));
    assert_eq!(value_of(r#"category_of("900-998-49")"#), json!("HW49"));
    assert_eq!(value_of(r#"category_of("HW49")"#), Value::Null);
    assert_eq!(value_of("category_of(())"), Value::Null);
    assert_eq!(value_of(r#"hazards_of("900-249-08")"#), json!(["T", "I"]));
    assert_eq!(value_of(r#"hazards_of("900-041-49")"#), json!(["T", "In"]));
    assert_eq!(value_of(r#"hazards_of("900-998-49")"#), json!([]));
    assert_eq!(value_of("hazards_of(item.missing)"), json!([]));
}

#[test]
fn calendar_functions() {
    // Received Friday 13 February 2026, confirmed Tuesday 24: Saturday 14 is a
    // make-up workday, 15–23 is the Spring Festival.
    assert_eq!(
        value_of("working_days_between(doc.received_at, doc.confirmed_at)"),
        json!(2)
    );
    assert_eq!(
        value_of(r#"working_days_between("2026-02-24", "2026-02-13")"#),
        json!(-2)
    );
    assert_eq!(
        value_of(r#"working_days_between("2026-12-30", "2027-01-04")"#),
        Value::Null
    );
    // The local date of a date-time: 23:30 in Beijing is still the 13th.
    assert_eq!(
        value_of(r#"working_days_between("2026-02-13T23:30:00+08:00", "2026-02-14")"#),
        json!(1)
    );
    assert_eq!(
        value_of(r#"add_working_days("2026-02-13", 2)"#),
        json!("2026-02-24")
    );
    assert_eq!(
        value_of(r#"add_working_days(doc.received_at, 1)"#),
        json!("2026-02-14")
    );
    assert_eq!(
        value_of(r#"add_working_days("2026-12-25", 5)"#),
        Value::Null
    );
    assert_eq!(
        value_of(r#"add_working_days("2026-03-02", 9999999999)"#),
        Value::Null
    );
    assert!(matches!(
        error_of(r#"add_working_days("2026-03-02", -1)"#),
        ScriptError::Runtime { message, .. } if message.contains("negative")
    ));
    assert!(matches!(
        error_of(r#"working_days_between("2026-02-30", "2026-03-02")"#),
        ScriptError::Runtime { message, .. } if message.contains("not a date")
    ));

    // Without a calendar the rule cannot be evaluated.
    let engine = ScriptEngine::new(&Limits::default(), catalogue(), None);
    let script = engine
        .compile(r#"working_days_between("2026-02-13", "2026-02-24")"#)
        .unwrap();
    let unit = Dynamic::UNIT;
    let params_dyn = Dynamic::from_map(Map::new());
    let input = ScriptInput {
        document: &unit,
        facts: &unit,
        item: None,
        params: &params_dyn,
        as_of: None,
    };
    assert!(matches!(
        engine.run(&script, &input),
        Err(ScriptError::Runtime { message, .. }) if message.contains("no working-day calendar")
    ));
}

#[test]
fn region_functions() {
    assert_eq!(
        value_of("same_province(doc.consignor.region, doc.receiver.region)"),
        json!(true)
    );
    assert_eq!(
        value_of("same_city(doc.consignor.region, doc.receiver.region)"),
        json!(true)
    );
    assert_eq!(
        value_of("same_county(doc.consignor.region, doc.receiver.region)"),
        json!(false)
    );
    assert_eq!(value_of(r#"same_county("330603", "330603")"#), json!(true));
    assert_eq!(
        value_of(r#"same_province("330603", "320500")"#),
        json!(false)
    );
    assert_eq!(value_of(r#"same_city("330000", "330100")"#), json!(false));
    assert!(matches!(
        error_of(r#"same_city("330603", "99")"#),
        ScriptError::Runtime { message, .. } if message.contains("`99`")
    ));
}

#[test]
fn distance() {
    // An exact decimal (scripts have no binary floats): a string in JSON.
    let km_of = |source: &str| -> f64 { value_of(source).as_str().unwrap().parse().unwrap() };
    // Shaoxing (30.0, 120.58) to Hangzhou (30.27, 120.15): about 51 km.
    let km = km_of("distance_km(30.0, 120.58, 30.27, 120.15)");
    assert!((km - 51.5).abs() < 1.0, "{km}");
    // One degree of longitude on the equator: 2πR/360.
    let km = km_of("distance_km(0, 0, 0, 1)");
    assert!((km - 111.195).abs() < 0.001, "{km}");
    let km = km_of(r#"distance_km(decimal("0"), 0, 0, 180)"#);
    assert!((km - std::f64::consts::PI * 6371.0088).abs() < 1e-6, "{km}");
    assert_eq!(value_of("distance_km(30, 120, 30, 120)"), json!("0"));
    assert!(matches!(
        error_of("distance_km(91, 0, 0, 0)"),
        ScriptError::Runtime { message, .. } if message.contains("latitude")
    ));
    assert!(matches!(
        error_of(r#"distance_km("30", 0, 0, 0)"#),
        ScriptError::Runtime { message, .. } if message.contains("not a number")
    ));
}

#[test]
fn decimals_and_tonnes() {
    assert_eq!(value_of(r#"decimal("2.350")"#), json!("2.350"));
    assert_eq!(
        value_of(r#"decimal("-0.1") + decimal("0.3")"#),
        json!("0.2")
    );
    assert_eq!(value_of(r#"decimal(" 7 ")"#), json!("7"));
    assert_eq!(value_of("decimal(3)"), json!("3"));
    assert_eq!(value_of("decimal(0.1)"), json!("0.1"));
    for bad in ["1,5", "1e3", "abc", "", ".5", "1.", "1_000"] {
        assert!(
            matches!(
                error_of(&format!("decimal(\"{bad}\")")),
                ScriptError::Runtime { message, .. } if message.contains("not an exact decimal")
            ),
            "{bad}"
        );
    }
    assert_eq!(value_of("tonnes(item.quantity)"), json!("2.350"));
    assert_eq!(value_of("tonnes(doc.wastes[1].quantity)"), json!("0.860"));
    assert_eq!(value_of("tonnes(doc.wastes[2].quantity)"), json!("12.5"));
    assert_eq!(
        value_of(r#"tonnes(#{value: "1.5", unit: "kg"})"#),
        json!("0.0015")
    );
    assert_eq!(
        value_of(r#"tonnes(doc.wastes[0].quantity) + tonnes(doc.wastes[1].quantity)"#),
        json!("3.210")
    );
    assert_eq!(
        value_of(
            r#"tonnes(#{value: decimal("0.1"), unit: "t"}) + tonnes(#{value: 0.2, unit: "t"}) == decimal("0.3")"#
        ),
        json!(true)
    );
    for (quantity, needle) in [
        (r#"#{value: "1,5", unit: "t"}"#, "not a non-negative"),
        (r#"#{value: -1, unit: "t"}"#, "not a non-negative"),
        (r#"#{unit: "t"}"#, "missing"),
        (r#"#{value: 1, unit: "lb"}"#, "`lb`"),
        (r#"#{value: 1}"#, "unit is missing"),
    ] {
        assert!(
            matches!(
                error_of(&format!("tonnes({quantity})")),
                ScriptError::Runtime { ref message, .. } if message.contains(needle)
            ),
            "{quantity}"
        );
    }
}

#[test]
fn json_numbers_convert_exactly() {
    let d = ScriptEngine::to_dynamic(&json!([1, -2, 2.35, 1e2, 18446744073709551615_u64, 1e300]));
    let items = elements(&d).unwrap();
    assert_eq!(items[0].as_int(), Ok(1));
    assert_eq!(items[1].as_int(), Ok(-2));
    assert_eq!(items[2].as_decimal(), Ok(Decimal::new(235, 2)));
    assert_eq!(
        items[3].as_decimal().map(|d| d.normalize()),
        Ok(Decimal::new(100, 0))
    );
    assert_eq!(items[4].as_decimal(), Ok(Decimal::from(u64::MAX)));
    // Beyond an exact decimal's range (scripts have no binary floats): the JSON text.
    assert_eq!(items[5].clone().into_string().as_deref(), Ok("1e+300"));
}

#[test]
fn pointing_into_a_converted_value() {
    let raw = json!({"wastes": [{"code": "900-041-49"}, {"a/b": {"~": 1}}]});
    let doc = ScriptEngine::to_dynamic(&raw);
    let at = |p: &str| ScriptEngine::pointer(&doc, p).map(|v| to_json(&v, 0).unwrap());
    assert_eq!(at(""), Some(raw.clone()));
    assert_eq!(at("/wastes/0/code"), Some(json!("900-041-49")));
    assert_eq!(at("/wastes/1/a~1b/~0"), Some(json!(1)));
    assert_eq!(at("/wastes/2"), None);
    assert_eq!(at("/wastes/01"), None);
    assert_eq!(at("/nothing"), None);
    assert_eq!(at("wastes"), None);
    let item = ScriptEngine::pointer(&doc, "/wastes/0").unwrap();
    let again = ScriptEngine::pointer(&doc, "/wastes/0").unwrap();
    assert!(Arc::ptr_eq(
        &item.read_lock::<JsonMap>().unwrap().0,
        &again.read_lock::<JsonMap>().unwrap().0
    ));
}

/// The cost of one `run` of a small script over a ~2 KB manifest, shared as the
/// engine shares it, against a deep copy per rule. Run with
/// `cargo test --release -p wastecheck --lib engine::script::tests::cost -- --ignored --nocapture`.
#[test]
#[ignore]
fn cost() {
    let engine = engine();
    let text = include_str!("../../../../spec/examples/manifest.valid.json");
    let raw: Value = serde_json::from_str(text).unwrap();
    let script = engine
        .compile(
            r#"
            let found = [];
            for w in doc.wastes {
                if !catalogue_has(w.code) { found.push(#{path: "/wastes", params: #{code: w.code}}); }
            }
            if doc.stage == "confirmed" && working_days_between(doc.received_at, doc.confirmed_at) > 1 {
                found.push(#{path: "/confirmed_at"});
            }
            found
        "#,
        )
        .unwrap();
    let item_script = engine
        .compile(r#"if tonnes(item.quantity) > params.max { #{path: "quantity/value", params: #{code: item.code}} }"#)
        .unwrap();
    let mut params = Map::new();
    params.insert("max".into(), Dynamic::from_decimal(Decimal::new(2, 0)));
    let facts = Dynamic::UNIT;
    let shared = ScriptEngine::to_dynamic(&raw);
    let plain = rhai::serde::to_dynamic(&raw).unwrap();
    let item = ScriptEngine::to_dynamic(&raw["wastes"][0]);
    let n = 20_000;
    let time =
        |label: &str, script: &CompiledScript, doc: &Dynamic, item: Option<(usize, &Dynamic)>| {
            let params_dyn = Dynamic::from_map(params.clone());
            let input = ScriptInput {
                document: doc,
                facts: &facts,
                item,
                params: &params_dyn,
                as_of: Date::from_ymd(2026, 3, 4),
            };
            for _ in 0..1000 {
                engine.run(script, &input).unwrap();
            }
            let start = Instant::now();
            for _ in 0..n {
                std::hint::black_box(engine.run(script, &input).unwrap());
            }
            let us = start.elapsed().as_secs_f64() * 1e6 / f64::from(n);
            println!("{label}: {us:.2} µs per run");
        };
    println!("manifest: {} bytes", text.len());
    for probe in [
        "()",
        "index",
        "item.code",
        "item.unknown_name",
        "item[\"code\"]",
        "params.max",
        "doc.number",
        "doc.wastes[0].quantity.value",
        "tonnes(item.quantity)",
        "catalogue_has(item.code)",
    ] {
        let s = engine.compile(probe).unwrap();
        let params_dyn = Dynamic::from_map(params.clone());
        let input = ScriptInput {
            document: &shared,
            facts: &facts,
            item: Some((0, &item)),
            params: &params_dyn,
            as_of: None,
        };
        let start = Instant::now();
        for _ in 0..n {
            let _ = std::hint::black_box(engine.eval(&s, &input));
        }
        println!(
            "probe {probe}: {:.2} µs",
            start.elapsed().as_secs_f64() * 1e6 / f64::from(n)
        );
    }
    time("document script, input views", &script, &shared, None);
    time(
        "document script, rhai map copied per run",
        &script,
        &plain,
        None,
    );
    time(
        "item script, input views",
        &item_script,
        &shared,
        Some((0, &item)),
    );
    let start = Instant::now();
    for _ in 0..n {
        let _ = std::hint::black_box(ScriptEngine::to_dynamic(&raw));
    }
    println!(
        "to_dynamic of the manifest: {:.2} µs",
        start.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    );
}

#[test]
fn a_finding_may_carry_its_fix_choices_and_hint() {
    let source = r#"
        #{path: "quantity/unit", params: #{},
          fix: [#{op: "replace", path: "quantity/unit", value: "t"}],
          choices: [#{value: "kg", label: #{"zh-CN": "千克", en: "kilograms"}, patch: [#{op: "remove", path: "quantity"}]}],
          hint: #{"zh-CN": "单位", en: "unit"}}
    "#;
    let found = eval(source, Some(0), Map::new()).unwrap();
    let guidance = &found[0].guidance;
    assert_eq!(
        guidance.fix,
        [crate::report::PatchOp::replace("quantity/unit", "t")]
    );
    assert_eq!(guidance.choices[0].label.en, "kilograms");
    assert_eq!(guidance.hint.as_ref().map(|h| h.zh.as_str()), Some("单位"));
    for bad in [
        r#"#{path: "", fix: [#{op: "move", path: "/a"}]}"#,
        r#"#{path: "", fix: "t"}"#,
        r#"#{path: "", hint: #{"zh-CN": "只有中文"}}"#,
    ] {
        let error = eval(bad, None, Map::new()).unwrap_err();
        assert!(
            matches!(error, ScriptError::BadResult { .. }),
            "{bad}: {error}"
        );
    }
}

/// A script compiled on first use gives what it gives compiled at once, and the
/// compiled script is shared by its clones (the chains of a registry). One that
/// does not compile says so at each run (the rule is not evaluated) rather than
/// panic or find nothing.
#[test]
fn a_script_compiled_on_first_use_runs_as_one_compiled_at_once() {
    let engine = engine();
    let raw = manifest();
    let doc = ScriptEngine::to_dynamic(&raw);
    let params = Dynamic::from_map(Map::new());
    let input = ScriptInput {
        document: &doc,
        facts: &Dynamic::UNIT,
        item: None,
        params: &params,
        as_of: Date::from_ymd(2026, 3, 2),
    };
    let run = |script: &CompiledScript| engine.run(script, &input);

    let source = r#"let out = []; for w in doc.wastes { out.push(#{path: "/wastes", params: #{code: w.code}}); } out"#;
    let at_once = engine.compile(source).unwrap();
    let deferred = engine.compile_on_first_use(source);
    let shared = deferred.clone();
    assert!(deferred.ast.get().is_none(), "not compiled before it runs");
    let expected = run(&at_once).unwrap();
    assert_eq!(expected.len(), 3);
    assert_eq!(run(&deferred).unwrap(), expected);
    assert!(
        shared.ast.get().is_some_and(Result::is_ok),
        "compiled once, for both"
    );
    assert_eq!(run(&shared).unwrap(), expected);

    let broken = "let x = ;";
    assert!(engine.compile(broken).is_err());
    let deferred = engine.compile_on_first_use(broken);
    for _ in 0..2 {
        assert!(matches!(
            run(&deferred),
            Err(ScriptError::Runtime { message, line: Some(1) }) if message.contains("does not compile")
        ));
    }
}

//! `limits`: what a waste may be to enter a facility or a process — each limit a
//! field of the line (or document) within bounds, or not one of some values, with
//! the clause of the standard that sets it: GB 18598-2019 §6 for a flexible
//! landfill, a cement kiln's or an incinerator's entry limits, a district's targets.
//!
//! ```toml
//! [check]
//! kind = "limits"
//!
//! [[check.limits]]
//! field = "analysis/leachate_ph"
//! min = "$flexible_landfill_min_ph"        # at least (inclusive)
//! max = "$flexible_landfill_max_ph"        # at most (inclusive)
//! what = { zh-CN = "浸出液 pH", en = "leachate pH" }
//! clause = { zh-CN = "第6.2条(b)", en = "§6.2(b)" }
//!
//! [[check.limits]]
//! field = "analysis/moisture_pct"
//! below = "$flexible_landfill_max_moisture_pct"   # strictly below
//! unit = "%"
//! what = { zh-CN = "含水率", en = "moisture" }
//! clause = { zh-CN = "第6.2条(c)", en = "§6.2(c)" }
//!
//! [[check.limits]]
//! field = ["analysis/medical", "code", "category"]   # the first that is one of…
//! is = ["true", "HW01"]                               # …these is a finding (a code as its category)
//! reason = { zh-CN = "医疗废物不得填埋", en = "medical waste is never landfilled" }
//! clause = { zh-CN = "第6.1条", en = "§6.1" }
//! ```
//! Each limit gives `min`/`max`, `below`, or `is` (`"HW*"` a prefix; a waste code
//! matches its category or the whole code, `"900-451-13"`); `when` and
//! `unless` — a field (true) or `{ field = "site_type", in = ["general_class_i"] }` —
//! say where it applies; `at` reports it at another field (`site_type`); `stop =
//! true` ends the line's checks once it is broken (hazardous waste: the entry limits
//! of general waste do not matter); `reason` (both languages; `{value}` and `{limit}` filled in)
//! replaces the reason the kind words from `what` and `unit` ("含水率为 62%，应低于
//! 60%"), and is required with `is`. One finding per limit broken, at its field, in
//! the order written. Provides `{reason}` and `{clause}` (both languages), `{value}`
//! and `{limit}` (`7.0–12.0` for a range). A value not given is not checked.
//! `severity` (`warning`, `info`) gives a limit's findings another severity than
//! the rule's: the heuristic limb of a rule whose other limbs are breaches.

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable};
use super::{Param as P, ParamType as T};
use crate::model::Decimal;
use crate::model::node::Node;
use crate::report::Severity;
use serde_json::{Map, Value};

pub const KIND: Kind = Kind {
    name: "limits",
    offers: None,
    provides: &["reason", "clause", "value", "limit"],
    params: PARAMS,
    finds: "each limit a line breaks, at its field",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[P::required(
    "limits",
    T::Tables(LIMIT),
    "`[[check.limits]]`, each with `field` (a pointer or a list), one test — `min`/`max` (inclusive), `below` (strict) or `is` (values, `\"HW*\"` a prefix, a waste code as its category or whole) — `clause`, `what` and `unit` or `reason`; optionally `when`, `unless`, `at`, `stop`, `severity`",
)];

#[derive(Debug)]
struct Limits {
    limits: Vec<Limit>,
}

#[derive(Debug)]
struct Limit {
    fields: Vec<Ref>,
    test: Test,
    when: Option<Cond>,
    unless: Option<Cond>,
    at: Option<Ref>,
    stop: bool,
    severity: Option<Severity>,
    unit: String,
    what: Option<(String, String)>,
    reason: Option<(String, String)>,
    clause: Value,
}

#[derive(Debug)]
enum Test {
    Range(Option<Decimal>, Option<Decimal>),
    Below(Decimal),
    Is(Vec<String>),
}

/// A condition: one of `fields` is one of `values` (`"HW*"` a prefix; a waste code
/// as its category or the whole code).
#[derive(Debug)]
struct Cond {
    fields: Vec<Ref>,
    values: Vec<String>,
}

impl Cond {
    /// The field and value that make it hold.
    fn holds<'r>(&'r self, cx: &RunCx<'_>) -> Option<(&'r Ref, String)> {
        self.fields
            .iter()
            .find_map(|f| one_of(&cx.get(f), &self.values).map(|value| (f, value)))
    }
}

/// Whether `class` is `pattern`, or starts with it when it ends in `*`.
fn matches(pattern: &str, class: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => class.starts_with(prefix),
        None => pattern == class,
    }
}

/// The text by which `node` is one of `patterns`: a waste code as its category
/// (`HW08`), else as the whole code (`900-451-13`); any other value as its text.
fn one_of(node: &Node<'_>, patterns: &[String]) -> Option<String> {
    let class = class_of(node)?;
    if patterns.iter().any(|p| matches(p, &class)) {
        return Some(class);
    }
    let whole = node.text()?;
    (whole != class && patterns.iter().any(|p| matches(p, &whole))).then(|| whole.into_owned())
}

/// Values to compare with: strings, or booleans as `true`/`false`.
fn values(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| match x {
                    Value::String(s) => Some(s.clone()),
                    Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Pointer texts: one or a list.
fn pointers(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// `"field"` (the field is true) or `{ field = …, in = [...] }`.
fn cond(args: &mut Args<'_>, at: &str, value: Option<&Value>) -> Option<Cond> {
    let value = value?;
    let (texts, values) = match value {
        Value::String(s) => (vec![s.as_str()], vec!["true".to_owned()]),
        Value::Object(t) => (pointers(t.get("field")), values(t.get("in"))),
        _ => (Vec::new(), Vec::new()),
    };
    if texts.is_empty() || values.is_empty() {
        args.problems.push(format!(
            "`{at}` must be a field (true) or {{ field = \"…\", in = [\"…\"] }}"
        ));
        return None;
    }
    let fields: Vec<Ref> = texts
        .iter()
        .filter_map(|t| args.reference_in(at, t))
        .collect();
    (fields.len() == texts.len()).then_some(Cond { fields, values })
}

/// `{ zh-CN = "…", en = "…" }`.
fn bilingual(value: Option<&Value>) -> Option<(String, String)> {
    let table = value?.as_object()?;
    Some((
        table.get("zh-CN")?.as_str()?.to_owned(),
        table.get("en")?.as_str()?.to_owned(),
    ))
}

/// A number in a limit: a number, a decimal string, or a `$param`.
fn number(args: &Args<'_>, value: Option<&Value>) -> Result<Option<Decimal>, ()> {
    let value = match value {
        None => return Ok(None),
        Some(Value::String(s)) if s.starts_with('$') => {
            args.params().get(s.trim_start_matches('$')).ok_or(())?
        }
        Some(v) => v,
    };
    match value {
        Value::Number(n) => super::args::number(n).map(Some).ok_or(()),
        Value::String(s) => Decimal::from_str_exact(s).map(Some).map_err(|_| ()),
        _ => Err(()),
    }
}

/// The members of each `[[check.limits]]` table.
const LIMIT: &[P] = &[
    P::required(
        "field",
        T::PointerOrPointers,
        "the value tested (a list: the first given)",
    ),
    P::optional("min", T::Decimal, "at least (inclusive)"),
    P::optional("max", T::Decimal, "at most (inclusive)"),
    P::optional("below", T::Decimal, "strictly below"),
    P::optional(
        "is",
        T::Values,
        "a finding when the value is one of these (`\"HW*\"` a prefix; a waste code as its category)",
    ),
    P::optional(
        "when",
        T::PointerOrTable,
        "where it applies: a field that is true, or `{ field = \"…\", in = [\"…\"] }`",
    ),
    P::optional(
        "unless",
        T::PointerOrTable,
        "where it does not apply: a field that is true, or `{ field = \"…\", in = [\"…\"] }`",
    ),
    P::optional("at", T::Pointer, "the field the finding is reported at"),
    P::optional(
        "severity",
        T::Choice(&["error", "warning", "info"]),
        "the findings' severity when not the rule's",
    ),
    P::optional(
        "stop",
        T::Boolean,
        "end the line's checks once it is broken",
    )
    .default("false"),
    P::optional(
        "unit",
        T::Text,
        "the value's unit, for the reason worded from `what`",
    ),
    P::optional("what", T::Bilingual, "the value's name; `what` or `reason`"),
    P::optional(
        "reason",
        T::Bilingual,
        "the reason (`{value}` and `{limit}` filled in); required with `is`",
    ),
    P::required("clause", T::Bilingual, "the clause that sets the limit"),
];

fn compile_one(args: &mut Args<'_>, at: &str, table: &Map<String, Value>) -> Option<Limit> {
    for key in table.keys() {
        if !LIMIT.iter().any(|p| p.name == key) {
            args.problems
                .push(format!("`{at}`: unknown parameter `{key}`"));
        }
    }
    let texts = pointers(table.get("field"));
    if texts.is_empty() {
        args.problems.push(format!(
            "`{at}.field` is required: a JSON Pointer or a list of them"
        ));
    }
    let fields: Vec<Ref> = texts
        .iter()
        .filter_map(|t| args.reference_in(&format!("{at}.field"), t))
        .collect();
    let when = cond(args, &format!("{at}.when"), table.get("when"));
    let unless = cond(args, &format!("{at}.unless"), table.get("unless"));
    let report_at = table
        .get("at")
        .and_then(Value::as_str)
        .and_then(|t| args.reference_in(&format!("{at}.at"), t));
    let stop = match table.get("stop") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            args.problems
                .push(format!("`{at}.stop` must be true or false"));
            false
        }
    };
    let severity = match table.get("severity").map(Value::as_str) {
        None => None,
        Some(Some("error")) => Some(Severity::Error),
        Some(Some("warning")) => Some(Severity::Warning),
        Some(Some("info")) => Some(Severity::Info),
        Some(_) => {
            args.problems.push(format!(
                "`{at}.severity` must be \"error\", \"warning\" or \"info\""
            ));
            None
        }
    };
    let mut num = |key: &str| {
        number(args, table.get(key)).unwrap_or_else(|()| {
            args.problems.push(format!(
                "`{at}.{key}` must be a number or a `$param` holding one"
            ));
            None
        })
    };
    let (min, max, below) = (num("min"), num("max"), num("below"));
    let is = table.get("is").map(|v| values(Some(v)));
    let test = match (min.or(max), below, is) {
        (Some(_), None, None) => Some(Test::Range(min, max)),
        (None, Some(below), None) => Some(Test::Below(below)),
        (None, None, Some(values)) if !values.is_empty() => Some(Test::Is(values)),
        _ => {
            args.problems.push(format!(
                "`{at}` needs one test: `min`/`max`, `below`, or `is` (a list of values)"
            ));
            None
        }
    };
    let what = bilingual(table.get("what"));
    let reason = bilingual(table.get("reason"));
    if table.contains_key("reason") && reason.is_none() {
        args.problems.push(format!(
            "`{at}.reason` must be {{ zh-CN = \"…\", en = \"…\" }}"
        ));
    }
    if what.is_none() && reason.is_none() {
        args.problems.push(format!(
            "`{at}` needs `what` (the value's name) or `reason`, in both languages"
        ));
    }
    if matches!(test, Some(Test::Is(_))) && reason.is_none() {
        args.problems
            .push(format!("`{at}`: a limit with `is` needs a `reason`"));
    }
    let clause = bilingual(table.get("clause")).map(|(zh, en)| {
        let mut map = Map::new();
        map.insert("zh-CN".into(), zh.into());
        map.insert("en".into(), en.into());
        Value::Object(map)
    });
    if clause.is_none() {
        args.problems.push(format!(
            "`{at}.clause` is required: {{ zh-CN = \"…\", en = \"…\" }}"
        ));
    }
    let unit = table
        .get("unit")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if fields.len() != texts.len() {
        return None;
    }
    Some(Limit {
        fields,
        test: test?,
        when,
        unless,
        at: report_at,
        stop,
        severity,
        unit,
        what,
        reason,
        clause: clause?,
    })
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let mut limits = Vec::new();
    match args.optional_array("limits") {
        None => {}
        Some(items) => {
            for (n, item) in items.iter().enumerate() {
                let at = format!("limits[{n}]");
                match item.as_object() {
                    Some(table) => limits.extend(compile_one(args, &at, table)),
                    None => args.problems.push(format!("`{at}` must be a table")),
                }
            }
        }
    }
    Some(Box::new(Limits { limits }))
}

/// The text a value compares by: a waste code as its category.
fn class_of(node: &Node<'_>) -> Option<String> {
    match node {
        Node::WasteCode(code) => Some(code.category().to_string()),
        other => other.text().map(|t| t.into_owned()),
    }
}

/// `{value}` and `{limit}` filled into a template.
fn filled(template: &str, value: &str, limit: &str) -> String {
    template.replace("{value}", value).replace("{limit}", limit)
}

impl Limit {
    /// (path, value, limit, worded reason) when the limit is broken.
    fn broken(&self, cx: &RunCx<'_>) -> Option<(String, String, Value, (String, String))> {
        if self.when.as_ref().is_some_and(|c| c.holds(cx).is_none())
            || self.unless.as_ref().is_some_and(|c| c.holds(cx).is_some())
        {
            return None;
        }
        let unit = &self.unit;
        let (what_zh, what_en) = self.what.clone().unwrap_or_default();
        // "浸出液 pH 为", "含水率为": a space after a Latin name.
        let zh_name = if what_zh.ends_with(|c: char| c.is_ascii_alphanumeric()) {
            format!("{what_zh} ")
        } else {
            what_zh
        };
        let (at, value, limit, worded) = match &self.test {
            Test::Is(values) => {
                let (at, value) = self
                    .fields
                    .iter()
                    .find_map(|f| one_of(&cx.get(f), values).map(|v| (f, v)))?;
                (at, value, Value::Null, (String::new(), String::new()))
            }
            test => {
                let at = self.fields.iter().find(|f| cx.get(f).is_present())?;
                let value = cx.get(at).decimal()?;
                let shown = format!("{value}{unit}");
                match test {
                    Test::Below(limit) if value >= *limit => (
                        at,
                        value.to_string(),
                        limit.to_string().into(),
                        (
                            format!("{zh_name}为 {shown}，应低于 {limit}{unit}"),
                            format!("{what_en} is {shown}; it must be below {limit}{unit}"),
                        ),
                    ),
                    Test::Range(min, max)
                        if min.is_some_and(|m| value < m) || max.is_some_and(|m| value > m) =>
                    {
                        let (zh, en, limit) = match (min, max) {
                            (Some(a), Some(b)) => (
                                format!("应在 {a}{unit} 至 {b}{unit} 之间"),
                                format!("it must be from {a}{unit} to {b}{unit}"),
                                format!("{a}–{b}"),
                            ),
                            (Some(a), None) => (
                                format!("应不低于 {a}{unit}"),
                                format!("it must be at least {a}{unit}"),
                                a.to_string(),
                            ),
                            (_, b) => {
                                let b = b.unwrap_or_default();
                                (
                                    format!("不得超过 {b}{unit}"),
                                    format!("it must be at most {b}{unit}"),
                                    b.to_string(),
                                )
                            }
                        };
                        (
                            at,
                            value.to_string(),
                            limit.into(),
                            (
                                format!("{zh_name}为 {shown}，{zh}"),
                                format!("{what_en} is {shown}; {en}"),
                            ),
                        )
                    }
                    _ => return None,
                }
            }
        };
        let limit_text = match &limit {
            Value::String(s) => s.clone(),
            _ => String::new(),
        };
        let reason = match &self.reason {
            Some((zh, en)) => (
                filled(zh, &value, &limit_text),
                filled(en, &value, &limit_text),
            ),
            None => worded,
        };
        Some((
            cx.path(self.at.as_ref().unwrap_or(at)),
            value,
            limit,
            reason,
        ))
    }
}

impl Check for Limits {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        for limit in &self.limits {
            if let Some((path, value, bound, (zh, en))) = limit.broken(cx) {
                let stop = limit.stop;
                let mut finding = Finding::new(
                    path,
                    [
                        ("reason", serde_json::json!({"zh-CN": zh, "en": en})),
                        ("clause", limit.clause.clone()),
                        ("value", value.into()),
                        ("limit", bound),
                    ],
                );
                finding.severity = limit.severity;
                out.push(finding);
                if stop {
                    break;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paths, run};
    use serde_json::json;

    const CHECK: &str = r#"
kind = "limits"
[[limits]]
field = ["analysis/medical", "code", "category"]
is = ["true", "HW01"]
reason = { zh-CN = "医疗废物不得填埋", en = "medical waste is never landfilled" }
clause = { zh-CN = "第6.1条", en = "§6.1" }
[[limits]]
field = "analysis/leachate_ph"
min = "7.0"
max = "12.0"
what = { zh-CN = "浸出液 pH", en = "leachate pH" }
clause = { zh-CN = "第6.2条(b)", en = "§6.2(b)" }
[[limits]]
field = "analysis/moisture_pct"
below = 60
unit = "%"
unless = "analysis/coal_gangue"
what = { zh-CN = "含水率", en = "moisture" }
clause = { zh-CN = "第6.2条(c)", en = "§6.2(c)" }
[[limits]]
field = "analysis/arsenic_pct"
max = "$limit"
reason = { zh-CN = "砷含量为 {value}%，超过 {limit}% 的废物应进入刚性填埋场", en = "arsenic is {value}%; above {limit}% it goes to a rigid landfill" }
clause = { zh-CN = "第6.4条", en = "§6.4" }
"#;

    #[test]
    fn each_limit_broken_is_a_finding_at_its_field() {
        let doc = json!({"kind": "manifest", "wastes": [
            {"code": "841-001-01", "analysis": {"leachate_ph": "6.4", "moisture_pct": "60"}},
            {"code": "900-249-08", "analysis": {"leachate_ph": "5", "moisture_pct": "75", "coal_gangue": true, "arsenic_pct": "8.3"}},
            {"code": "900-249-08", "analysis": {"leachate_ph": "7.0", "moisture_pct": "59.9", "arsenic_pct": "5"}}
        ]});
        let found = run(CHECK, Some("/wastes"), doc, None).unwrap().unwrap();
        assert_eq!(
            paths(&found),
            [
                "/wastes/0/code",
                "/wastes/0/analysis/leachate_ph",
                "/wastes/0/analysis/moisture_pct",
                "/wastes/1/analysis/leachate_ph",
                "/wastes/1/analysis/arsenic_pct",
            ]
        );
        assert_eq!(found[0].params["value"], "HW01");
        assert_eq!(
            found[1].params["reason"]["zh-CN"],
            "浸出液 pH 为 6.4，应在 7.0 至 12.0 之间"
        );
        assert_eq!(found[1].params["limit"], "7.0–12.0");
        assert_eq!(
            found[2].params["reason"]["en"],
            "moisture is 60%; it must be below 60%"
        );
        assert_eq!(
            found[4].params["reason"]["zh-CN"],
            "砷含量为 8.3%，超过 5% 的废物应进入刚性填埋场"
        );
    }

    #[test]
    fn limits_are_checked_at_load() {
        let problems = run(
            "kind = \"limits\"\n[[limits]]\nfield = \"/x\"\nis = [\"a\"]\nclause = { zh-CN = \"x\" }\nbelow = \"$nope\"\nsize = 1",
            None,
            json!({"kind": "manifest"}),
            None,
        )
        .unwrap_err()
        .join("\n");
        assert!(problems.contains("unknown parameter `size`"), "{problems}");
        assert!(problems.contains("limits[0].below"), "{problems}");
        assert!(problems.contains("needs a `reason`"), "{problems}");
        assert!(problems.contains("limits[0].clause"), "{problems}");
    }

    #[test]
    fn when_unless_at_and_stop() {
        let check = r#"
kind = "limits"
[[limits]]
field = ["code", "category"]
is = ["HW*"]
unless = { field = "exemption/stage", in = ["disposal", "all"] }
at = "site_type"
stop = true
reason = { zh-CN = "属于危险废物（{value}）", en = "it is hazardous waste ({value})" }
clause = { zh-CN = "第6.5条", en = "§6.5" }
[[limits]]
field = "analysis/organic_matter_pct"
below = 2
unit = "%"
when = { field = "site_type", in = ["general_class_i"] }
what = { zh-CN = "有机质含量", en = "organic matter" }
clause = { zh-CN = "第6.1条", en = "§6.1" }
"#;
        let doc = json!({"kind": "manifest", "wastes": [
            {"code": "900-249-08", "site_type": "general_class_i", "analysis": {"organic_matter_pct": "5"}},
            {"category": "SW07", "site_type": "general_class_i", "analysis": {"organic_matter_pct": "5"}},
            {"category": "SW07", "site_type": "general_class_ii", "analysis": {"organic_matter_pct": "5"}},
            {"code": "772-002-18", "exemption": {"stage": "disposal"}, "site_type": "general_class_ii"}
        ]});
        let found = run(check, Some("/wastes"), doc, None).unwrap().unwrap();
        assert_eq!(
            paths(&found),
            [
                "/wastes/0/site_type",
                "/wastes/1/analysis/organic_matter_pct"
            ]
        );
        assert_eq!(found[0].params["reason"]["zh-CN"], "属于危险废物（HW08）");
    }

    #[test]
    fn whole_codes_and_severity() {
        let check = r#"
kind = "limits"
[[limits]]
field = ["code", "category"]
is = ["HW*"]
unless = { field = ["exemption/item", "code"], in = ["11", "900-451-13"] }
stop = true
reason = { zh-CN = "属于危险废物（{value}）", en = "it is hazardous waste ({value})" }
clause = { zh-CN = "第6.5条", en = "§6.5" }
[[limits]]
field = "analysis/similar_to_domestic"
is = [false]
severity = "warning"
reason = { zh-CN = "不相近", en = "not similar" }
clause = { zh-CN = "第6.1条", en = "§6.1" }
"#;
        let doc = json!({"kind": "manifest", "wastes": [
            {"code": "900-451-13", "analysis": {"similar_to_domestic": false}},
            {"code": "193-002-21", "exemption": {"item": 11}},
            {"code": "193-002-21"},
            {"code": "336-064-17", "exemption": {"item": 12}}
        ]});
        let found = run(check, Some("/wastes"), doc, None).unwrap().unwrap();
        assert_eq!(
            paths(&found),
            [
                "/wastes/0/analysis/similar_to_domestic",
                "/wastes/2/code",
                "/wastes/3/code"
            ]
        );
        assert_eq!(found[0].severity, Some(crate::report::Severity::Warning));
        assert_eq!(found[1].severity, None, "the rule's own severity");
        assert_eq!(found[1].params["value"], "HW21");
    }
}

//! `code-parts`: positions of a code or number carry other fields of the document —
//! a manifest number's year and sending region (转移办法 Art.15), a 统一社会信用代码's
//! registration region, a waybill number's date.
//!
//! ```toml
//! [check]
//! kind = "code-parts"
//! field = "/number"
//!
//! [[check.parts]]
//! digits = [1, 4]                # 1-based, both ends included, of `field`
//! equals = "/created_at"         # the field they must equal
//! from = [1, 4]                  # optional: only these positions of `equals`
//! what = { zh-CN = "联单创建年份", en = "the year the manifest was created" }
//!
//! [[check.parts]]
//! digits = [5, 8]
//! equals = "/consignor/region"
//! from = [1, 4]
//! what = { zh-CN = "移出人所在省、市", en = "the consignor's province and city" }
//! ```
//! A date or date-time compares as written in its own offset, `YYYY-MM-DD`. One
//! finding at `field` per part that differs. Provides `{value}` (the code),
//! `{digits}` (`1–4`), `{found}`, `{expected}` and `{what}` (both languages). A part
//! is skipped when either field is missing, malformed or too short (the code's
//! form is a structural check).
//!
//! Offers `corrected` (`[fix] candidates = "corrected"`): the code with every part
//! that differs set to what it should be — the same fix on each finding, so that
//! applying them all gives one code.

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable};
use super::{Param as P, ParamType as T};
use crate::locale::Bilingual;
use crate::model::node::{Node, NodeText};
use crate::report::Choice;
use serde_json::{Map, Value};

pub const KIND: Kind = Kind {
    name: "code-parts",
    offers: Some("corrected"),
    provides: &["value", "digits", "found", "expected", "what"],
    params: PARAMS,
    finds: "positions of a code or number that differ from (part of) another field; dates compare as `YYYY-MM-DD`",
    compile,
};

/// The members of each `[[check.parts]]` table.
const PART: &[P] = &[
    P::required("digits", T::Range, "the positions of `field`"),
    P::required("equals", T::Pointer, "the field they must equal"),
    P::optional("from", T::Range, "only these positions of `equals`"),
    P::required("what", T::Bilingual, "what the positions carry"),
];

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("field", T::Pointer, "the code or number"),
    P::required(
        "parts",
        T::Tables(PART),
        "`[[check.parts]]`, each with `digits` (`[first, last]`, 1-based), `equals` (the field they must equal), `from` (optional: only these positions of `equals`) and `what` (`{ zh-CN, en }`)",
    ),
];

#[derive(Debug)]
struct CodeParts {
    field: Ref,
    parts: Vec<Part>,
}

#[derive(Debug)]
struct Part {
    digits: (usize, usize),
    equals: Ref,
    from: Option<(usize, usize)>,
    what: Value,
}

/// A `[first, last]` pair of 1-based positions.
fn range(value: Option<&Value>) -> Result<Option<(usize, usize)>, ()> {
    let Some(value) = value else {
        return Ok(None);
    };
    let pair: Vec<usize> = value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_u64().and_then(|n| usize::try_from(n).ok()))
                // Codes are short: a position past 1,000 is a mistake.
                .filter(|n| *n <= 1_000)
                .collect()
        })
        .unwrap_or_default();
    match pair.as_slice() {
        [first, last] if *first >= 1 && first <= last => Ok(Some((*first, *last))),
        _ => Err(()),
    }
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let field = args.field("field");
    let mut parts = Vec::new();
    match args.optional_array("parts") {
        None => {}
        Some(items) => {
            for (n, item) in items.iter().enumerate() {
                let at = format!("parts[{n}]");
                let Some(table) = item.as_object() else {
                    args.problems.push(format!("`{at}` must be a table"));
                    continue;
                };
                for key in table.keys() {
                    if !PART.iter().any(|p| p.name == key) {
                        args.problems
                            .push(format!("`{at}`: unknown parameter `{key}`"));
                    }
                }
                let digits = match range(table.get("digits")) {
                    Ok(Some(d)) => Some(d),
                    _ => {
                        args.problems.push(format!(
                            "`{at}.digits` is required: [first, last], 1-based positions"
                        ));
                        None
                    }
                };
                let from = range(table.get("from")).unwrap_or_else(|()| {
                    args.problems.push(format!(
                        "`{at}.from` must be [first, last], 1-based positions"
                    ));
                    None
                });
                let equals = match table.get("equals").and_then(Value::as_str) {
                    Some(text) => args.reference_in(&format!("{at}.equals"), text),
                    None => {
                        args.problems
                            .push(format!("`{at}.equals` is required: a JSON Pointer"));
                        None
                    }
                };
                let what = table.get("what").and_then(Value::as_object).and_then(|t| {
                    let zh = t.get("zh-CN")?.as_str()?;
                    let en = t.get("en")?.as_str()?;
                    let mut map = Map::new();
                    map.insert("zh-CN".into(), zh.into());
                    map.insert("en".into(), en.into());
                    Some(Value::Object(map))
                });
                if what.is_none() {
                    args.problems.push(format!(
                        "`{at}.what` is required: {{ zh-CN = \"…\", en = \"…\" }}"
                    ));
                }
                if let (Some(digits), Some(equals), Some(what)) = (digits, equals, what) {
                    if from.is_some_and(|(a, b)| b - a != digits.1 - digits.0) {
                        args.problems.push(format!(
                            "`{at}`: `digits` and `from` must have the same length"
                        ));
                    }
                    parts.push(Part {
                        digits,
                        equals,
                        from,
                        what,
                    });
                }
            }
        }
    }
    Some(Box::new(CodeParts {
        field: field?,
        parts,
    }))
}

/// Characters `first..=last` (1-based) of `text`, if it is long enough: a slice of
/// it, so that a document whose parts agree costs no allocation.
fn slice(text: &str, (first, last): (usize, usize)) -> Option<&str> {
    let mut bounds = text
        .char_indices()
        .map(|(at, _)| at)
        .chain(std::iter::once(text.len()));
    let start = bounds.nth(first - 1)?;
    let end = bounds.nth(last - first)?;
    text.get(start..end)
}

/// A field's text; a date or date-time as its `YYYY-MM-DD` date.
fn text_of<'a>(node: &Node<'a>) -> Option<NodeText<'a>> {
    match node {
        Node::Date(_) | Node::DateTime(_) => node.date().map(|d| NodeText::written(&d)),
        _ => node.text(),
    }
}

impl Check for CodeParts {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let Some(value) = cx.get(&self.field).text() else {
            return Ok(());
        };
        let mut differing = Vec::new();
        for part in &self.parts {
            let Some(other) = text_of(&cx.get(&part.equals)) else {
                continue;
            };
            let expected = match part.from {
                Some(from) => slice(&other, from),
                None => Some(other.as_ref()),
            };
            let (Some(found), Some(expected)) = (slice(&value, part.digits), expected) else {
                continue;
            };
            if found != expected {
                differing.push((part, found.to_owned(), expected.to_owned()));
            }
        }
        if differing.is_empty() {
            return Ok(());
        }
        let mut corrected: Vec<char> = value.chars().collect();
        for (part, _, expected) in &differing {
            let (first, _) = part.digits;
            for (offset, ch) in expected.chars().enumerate() {
                if let Some(slot) = corrected.get_mut(first - 1 + offset) {
                    *slot = ch;
                }
            }
        }
        let corrected: String = corrected.into_iter().collect();
        let path = cx.path(&self.field);
        for (part, found, expected) in differing {
            let (first, last) = part.digits;
            let digits = if first == last {
                first.to_string()
            } else {
                format!("{first}–{last}")
            };
            let label = Bilingual::new(corrected.clone(), corrected.clone());
            out.push(
                Finding::new(
                    path.clone(),
                    [
                        ("value", value.as_ref().into()),
                        ("digits", digits.into()),
                        ("found", found.into()),
                        ("expected", expected.into()),
                        ("what", part.what.clone()),
                    ],
                )
                .offering(vec![Choice::at(
                    &path,
                    corrected.clone().into(),
                    label,
                    false,
                )]),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use serde_json::json;

    const CHECK: &str = r#"
kind = "code-parts"
field = "/number"
[[parts]]
digits = [1, 4]
equals = "/dispatched_at"
from = [1, 4]
what = { zh-CN = "移出年份", en = "the year of dispatch" }
[[parts]]
digits = [5, 8]
equals = "/consignor/region"
from = [1, 4]
what = { zh-CN = "移出人所在省、市", en = "the consignor's province and city" }
"#;

    fn doc(number: &str, dispatched: &str) -> serde_json::Value {
        json!({"kind": "manifest", "number": number, "consignor": {"region": "330603"}, "dispatched_at": dispatched})
    }

    #[test]
    fn year_and_region_digits() {
        let ok = run(
            CHECK,
            None,
            doc("20263306000123", "2026-01-02T09:10:00+08:00"),
            None,
        );
        assert!(ok.unwrap().unwrap().is_empty());
        let found = run(
            CHECK,
            None,
            doc("20253301000123", "2026-01-02T09:10:00+08:00"),
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].path, "/number");
        assert_eq!(found[0].params["digits"], "1–4");
        assert_eq!(found[0].params["found"], "2025");
        assert_eq!(found[0].params["expected"], "2026");
        assert_eq!(found[1].params["found"], "3301");
        assert_eq!(found[1].params["expected"], "3306");
        assert_eq!(
            found[1].params["what"]["en"],
            "the consignor's province and city"
        );
    }

    #[test]
    fn the_year_as_written_in_its_own_offset() {
        // 2025-12-31T23:30 in UTC+8 is still 2025 there.
        let found = run(
            CHECK,
            None,
            doc("20253306000123", "2025-12-31T23:30:00+08:00"),
            None,
        );
        assert!(found.unwrap().unwrap().is_empty());
    }

    #[test]
    fn parts_are_checked_at_load() {
        let problems = run(
            "kind = \"code-parts\"\nfield = \"/number\"\n[[parts]]\ndigits = [4, 1]\nequals = \"/x\"\nwhere = 1",
            None,
            doc("20263306000123", "2026-01-02"),
            None,
        )
        .unwrap_err();
        let all = problems.join("\n");
        assert!(all.contains("parts[0].digits"), "{all}");
        assert!(all.contains("unknown parameter `where`"), "{all}");
        assert!(all.contains("parts[0].what"), "{all}");
    }
}

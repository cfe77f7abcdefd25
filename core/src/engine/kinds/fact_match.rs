//! `fact-match`: the fact a document names (a waybill, a permit, an approval…)
//! agrees with the document, member by member.
//!
//! ```toml
//! [check]
//! kind = "fact-match"
//! fact = "waybills"                 # the fact collection
//! key = "number"                    # the fact's member holding the key (default `id`)
//! field = "/waybill_number"         # the document's value to look up
//! compare = { vehicle_plate = "/carrier/vehicle_plate", date = "/dispatched_at" }
//! totals = { quantity = "/wastes/quantity" }   # optional: a member against the total
//!                                              # of a list's field (`/list/field`)
//! tolerance = "$waybill_quantity_tolerance"    # optional: relative, for quantities
//! ```
//!
//! Values are compared by their type: quantities and amounts exactly in tonnes (or
//! within `tolerance` × the document's value), a date with a date-time by its local
//! date, anything else by its text. A member or a field not given is not compared.
//! One finding per member that differs (in member name order, totals last), at
//! the document's field (the list for a total). Provides `{what}` (the member's name in both languages), `{document}`,
//! `{found}` (the fact's value), `{key}` (the value looked up) and `{fact}`.
//! Skipped when the document does not give the key; not evaluated when the host
//! passed no such facts, or none with this key.

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable};
use super::{Param as P, ParamType as T};
use crate::json::pointer::Pointer;
use crate::model::Decimal;
use crate::model::node::Node;
use serde_json::{Value, json};

pub const KIND: Kind = Kind {
    name: "fact-match",
    offers: None,
    provides: &["what", "document", "found", "key", "fact"],
    params: PARAMS,
    finds: "each member of the fact the document names that disagrees with the document (quantities in tonnes, a date with a date-time by its local date, else text)",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("fact", T::Choice(COLLECTIONS), "the fact collection"),
    P::optional("key", T::Text, "the fact's member holding the key").default("\"id\""),
    P::required("field", T::Pointer, "the document's value to look up"),
    P::optional(
        "compare",
        T::PointersByName,
        "`{ member = \"pointer\" }`: fact members compared with document fields",
    ),
    P::optional(
        "totals",
        T::PointersByName,
        "`{ member = \"/list/field\" }`: fact members compared with the total of a list's field",
    ),
    P::optional("tolerance", T::Decimal, "relative, for quantities").default("0"),
];

/// The fact collections a document may name.
pub(crate) const COLLECTIONS: &[&str] = crate::model::Facts::FIELDS;

/// Names of the members commonly compared.
const NAMES: &[(&str, &str, &str)] = &[
    ("vehicle_plate", "车牌号", "vehicle plate"),
    ("date", "日期", "date"),
    ("quantity", "数量", "quantity"),
    ("manifest_number", "联单编号", "manifest number"),
    ("consignor", "移出人", "consignor"),
    ("receiver", "接受人", "receiver"),
    ("holder", "持有人", "holder"),
    ("method", "利用处置方式", "method"),
];

#[derive(Debug)]
struct FactMatch {
    fact: &'static str,
    key: String,
    field: Ref,
    compare: Vec<(String, Ref)>,
    totals: Vec<(String, Ref, Pointer)>,
    tolerance: Decimal,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let fact = args.choice("fact", COLLECTIONS);
    let key = args.optional_string("key").unwrap_or("id").to_owned();
    let field = args.field("field");
    let compare: Vec<(String, Ref)> = args
        .fields_by_key("compare")
        .into_iter()
        .filter_map(|(member, refs)| Some((member, refs.into_iter().next()?)))
        .collect();
    let mut totals = Vec::new();
    for (member, refs) in args.fields_by_key("totals") {
        let Some(total) = refs.into_iter().next() else {
            continue;
        };
        let segments = total.pointer.tokens();
        match segments.split_last() {
            Some((item_field, list)) if !list.is_empty() => {
                let list_text = format!("/{}", list.join("/"));
                args.reads(Ref {
                    pointer: Pointer::parse(&list_text).any_item(&Pointer::parse(item_field)),
                    absolute: total.absolute,
                });
                totals.push((
                    member,
                    Ref {
                        pointer: Pointer::parse(&list_text),
                        absolute: total.absolute,
                    },
                    Pointer::parse(item_field),
                ));
            }
            _ => args.problems.push(format!(
                "`totals.{member}` must name a list and a field of its items: \"/wastes/quantity\""
            )),
        }
    }
    let tolerance = args.optional_decimal("tolerance").unwrap_or_default();
    if tolerance.is_sign_negative() {
        args.problems
            .push("`tolerance` must not be negative".into());
    }
    if compare.is_empty() && totals.is_empty() {
        args.problems
            .push("give `compare` or `totals`: what to compare with the fact".into());
    }
    Some(Box::new(FactMatch {
        fact: fact?,
        key,
        field: field?,
        compare,
        totals,
        tolerance,
    }))
}

fn what(member: &str) -> Value {
    match NAMES.iter().find(|(n, _, _)| *n == member) {
        Some((_, zh, en)) => json!({"zh-CN": zh, "en": en}),
        None => Value::String(member.to_owned()),
    }
}

/// Whether two values differ, and their texts for the message.
fn differs(found: &Node<'_>, document: &Node<'_>, tolerance: Decimal) -> Option<(String, String)> {
    if let (Some(a), Some(b)) = (found.decimal(), document.decimal()) {
        let allowed = (b * tolerance).abs();
        return ((a - b).abs() > allowed).then(|| {
            (
                format!("{} t", a.normalize()),
                format!("{} t", b.normalize()),
            )
        });
    }
    if let (Node::Date(a), Some(b)) = (found, document.date()) {
        return (*a != b).then(|| (a.to_string(), b.to_string()));
    }
    if let (Some(a), Node::Date(b)) = (found.date(), document) {
        return (a != *b).then(|| (a.to_string(), b.to_string()));
    }
    // Copied only when they differ.
    let (a, b) = (found.text()?, document.text()?);
    (a != b).then(|| (a.into_owned(), b.into_owned()))
}

impl Check for FactMatch {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let Some(key) = cx.get(&self.field).text() else {
            return Ok(());
        };
        let Some(found) = cx.facts.find(self.fact, &self.key, &key) else {
            return Err(Unevaluable::facts_missing(self.fact));
        };
        let Some((_, fact)) = found.first() else {
            return Err(Unevaluable::fact_not_found(format!(
                "no `{}` fact with {} {key} was passed",
                self.fact, self.key
            )));
        };
        let mut push = |member: &str, path: String, (found, document): (String, String)| {
            out.push(Finding::new(
                path,
                [
                    ("what", what(member)),
                    ("document", document.into()),
                    ("found", found.into()),
                    ("key", key.as_ref().into()),
                    ("fact", self.fact.into()),
                ],
            ));
        };
        for (member, field) in &self.compare {
            if let Some(difference) = differs(&fact.member(member), &cx.get(field), self.tolerance)
            {
                push(member, cx.path(field), difference);
            }
        }
        for (member, list_ref, item_field) in &self.totals {
            let Node::List(items) = cx.get(list_ref) else {
                continue;
            };
            let mut total = Decimal::ZERO;
            let mut any = false;
            for i in 0..items.len() {
                if let Some(value) = item_field.resolve(items.item(i)).decimal() {
                    total += value;
                    any = true;
                }
            }
            let found = fact.member(member);
            if let (true, Some(a)) = (any, found.decimal())
                && (a - total).abs() > (total * self.tolerance).abs()
            {
                push(
                    member,
                    cx.path(list_ref),
                    (
                        format!("{} t", a.normalize()),
                        format!("{} t", total.normalize()),
                    ),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paths, run};
    use serde_json::{Value, json};

    const CHECK: &str = r#"kind = "fact-match"
fact = "waybills"
key = "number"
field = "/waybill_number"
compare = { vehicle_plate = "/carrier/vehicle_plate", date = "/dispatched_at", manifest_number = "/number" }
totals = { quantity = "/wastes/quantity" }
tolerance = 0.01"#;

    fn doc(plate: &str, date: &str, second: &str) -> Value {
        json!({"kind": "manifest", "number": "20263306000123", "waybill_number": "YD-1",
            "carrier": {"vehicle_plate": plate},
            "dispatched_at": format!("{date}T08:00:00+08:00"),
            "wastes": [{"quantity": {"value": "2", "unit": "t"}}, {"quantity": {"value": second, "unit": "kg"}}]})
    }

    fn facts() -> Value {
        json!({"waybills": [{"number": "YD-1", "manifest_number": "20263306000123", "vehicle_plate": "浙D12345", "date": "2026-03-03", "quantity": {"value": "2.5", "unit": "t"}}]})
    }

    #[test]
    fn an_agreeing_waybill_passes() {
        let found = run(
            CHECK,
            None,
            doc("浙D12345", "2026-03-03", "500"),
            Some(facts()),
        )
        .unwrap()
        .unwrap();
        assert!(found.is_empty(), "{found:?}");
        let within = run(
            CHECK,
            None,
            doc("浙D12345", "2026-03-03", "520"),
            Some(facts()),
        )
        .unwrap()
        .unwrap();
        assert!(within.is_empty(), "within 1%: {within:?}");
    }

    #[test]
    fn each_member_that_differs_is_a_finding() {
        let found = run(
            CHECK,
            None,
            doc("浙D99999", "2026-03-04", "900"),
            Some(facts()),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            paths(&found),
            ["/dispatched_at", "/carrier/vehicle_plate", "/wastes"],
            "compared members in name order, totals last"
        );
        assert_eq!(found[1].params["found"], "浙D12345");
        assert_eq!(found[1].params["what"]["zh-CN"], "车牌号");
        assert_eq!(found[0].params["document"], "2026-03-04");
        assert_eq!(found[2].params["found"], "2.5 t");
        assert_eq!(found[2].params["document"], "2.9 t");
    }

    #[test]
    fn an_unknown_waybill_is_not_evaluated() {
        let outcome = run(
            CHECK,
            None,
            doc("浙D12345", "2026-03-03", "500"),
            Some(json!({"waybills": []})),
        )
        .unwrap();
        assert!(outcome.unwrap_err().contains("YD-1"));
        let bad = run(
            "kind = \"fact-match\"\nfact = \"rumours\"\nfield = \"/x\"\ntotals = { quantity = \"/wastes\" }",
            None,
            json!({"kind": "manifest"}),
            None,
        )
        .unwrap_err();
        assert!(bad.iter().any(|p| p.contains("rumours")), "{bad:?}");
        assert!(bad.iter().any(|p| p.contains("totals.quantity")), "{bad:?}");
    }
}

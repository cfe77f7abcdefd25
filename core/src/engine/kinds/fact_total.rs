//! `fact-total`: a quantity a document declares equals the total of the facts it
//! refers to — a declaration's transferred quantity and the manifests it lists, a
//! manifest's quantity and its waybills, a district's figure and the declarations
//! behind it.
//!
//! ```toml
//! [check]
//! kind = "fact-total"
//! value = "transferred"          # the declared quantity (tonnes)
//! refs = "manifests"             # the field naming the facts: one key or a list
//! fact = "manifests"             # the fact collection
//! key = "number"                 # the facts' member the refs name
//! lines = "wastes"               # optional: the facts' list whose items count (else each fact)
//! match = { code = "code" }      # optional: only items whose member equals the field
//! quantity = ["received_quantity", "quantity"]   # the item's quantity: the first given
//! tolerance = "$balance_tolerance_t"             # optional, tonnes (default 0)
//! ```
//! A finding at `value` when it differs from the total by more than the tolerance; a
//! field that names no fact counts 0 t. Provides `{value}`, `{total}`, `{difference}`
//! (value − total, tonnes), `{count}` and `{refs}` (the facts counted). Not evaluated
//! when a fact named is not among the facts; skipped when the value, a `match` field
//! or a counted item's quantity is not given.

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable};
use super::{Param as P, ParamType as T};
use crate::json::pointer::Pointer;
use crate::model::Decimal;
use crate::model::node::{Node, Record};
use serde_json::Value;

pub const KIND: Kind = Kind {
    name: "fact-total",
    offers: None,
    provides: &["value", "total", "difference", "count", "refs"],
    params: PARAMS,
    finds: "a declared quantity that differs from the total of the facts it names by more than the tolerance",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("value", T::Pointer, "the declared quantity (tonnes)"),
    P::required(
        "refs",
        T::Pointer,
        "the field naming the facts: one key or a list",
    ),
    P::required("fact", T::Choice(COLLECTIONS), "the fact collection"),
    P::optional("key", T::Text, "the facts' member the refs name").default("\"number\""),
    P::optional(
        "lines",
        T::Text,
        "the facts' list whose items count (else each fact)",
    ),
    P::optional(
        "match",
        T::PointersByName,
        "`{ member = \"pointer\" }`: only items whose member equals the field",
    ),
    P::required(
        "quantity",
        T::TextOrTexts,
        "the item's member holding the quantity (a list: the first given)",
    ),
    P::optional("tolerance", T::Decimal, "tonnes").default("0"),
];

const COLLECTIONS: &[&str] = &["manifests", "waybills", "receipts", "plans"];

#[derive(Debug)]
struct FactTotal {
    value: Ref,
    refs: Ref,
    fact: &'static str,
    key: String,
    lines: Option<Pointer>,
    matches: Vec<(Pointer, Ref)>,
    quantity: Vec<Pointer>,
    tolerance: Decimal,
}

/// A member of a fact (`received_quantity`), relative, or a problem.
fn member(args: &mut Args<'_>, key: &str, text: &str) -> Option<Pointer> {
    if text.is_empty() || text.starts_with('/') || text.ends_with('/') {
        args.problems.push(format!(
            "`{key}` = \"{text}\" must name a member of the fact (relative, no leading `/`)"
        ));
        return None;
    }
    Some(Pointer::parse(text))
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let value = args.field("value");
    let refs = args.field("refs");
    let fact = args.choice("fact", COLLECTIONS);
    let key = args.optional_string("key").unwrap_or("number").to_owned();
    let lines = args
        .optional_string("lines")
        .and_then(|l| member(args, "lines", l));
    let mut matches = Vec::new();
    for (name, refs) in args.fields_by_key("match") {
        match (
            member(args, &format!("match.{name}"), &name),
            refs.as_slice(),
        ) {
            (Some(m), [one]) => matches.push((m, one.clone())),
            (Some(_), _) => args
                .problems
                .push(format!("`match.{name}` must be one JSON Pointer")),
            (None, _) => {}
        }
    }
    let quantity: Vec<String> = if args.is_array("quantity") {
        args.optional_strings("quantity").unwrap_or_default()
    } else {
        args.optional_string("quantity")
            .map(|q| vec![q.to_owned()])
            .unwrap_or_default()
    };
    if quantity.is_empty() && args.has("quantity") {
        args.problems
            .push("`quantity` is required: the member (or members) holding the quantity".into());
    }
    let quantity: Vec<Pointer> = quantity
        .iter()
        .filter_map(|q| member(args, "quantity", q))
        .collect();
    let tolerance = args.optional_decimal("tolerance").unwrap_or(Decimal::ZERO);
    Some(Box::new(FactTotal {
        value: value?,
        refs: refs?,
        fact: fact?,
        key,
        lines,
        matches,
        quantity,
        tolerance,
    }))
}

fn plain(d: Decimal) -> Value {
    d.normalize().to_string().into()
}

impl Check for FactTotal {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let Some(value) = cx.get(&self.value).decimal() else {
            return Ok(());
        };
        let mut wanted = Vec::new();
        for (member, field) in &self.matches {
            let Some(text) = cx.get(field).text() else {
                return Ok(());
            };
            wanted.push((member, text));
        }
        let mut refs: Vec<String> = Vec::new();
        match cx.get(&self.refs) {
            Node::List(list) => {
                for text in (0..list.len()).filter_map(|i| list.item(i).text()) {
                    if !refs.iter().any(|r| *r == text) {
                        refs.push(text.into_owned());
                    }
                }
            }
            other => refs.extend(other.text().map(|t| t.into_owned())),
        }
        let mut total = Decimal::ZERO;
        if !refs.is_empty() {
            if !matches!(cx.facts.member(self.fact), Node::List(_)) {
                return Err(Unevaluable::facts_missing(self.fact));
            }
            for reference in &refs {
                let fact = cx
                    .facts
                    .find(self.fact, &self.key, reference)
                    .and_then(|found| found.first())
                    .map(|(_, fact)| fact)
                    .ok_or_else(|| {
                        Unevaluable::fact_not_found(format!(
                            "no `{}` fact has {} {reference}",
                            self.fact, self.key
                        ))
                    })?;
                let items: Vec<Node<'_>> = match &self.lines {
                    None => vec![fact],
                    Some(lines) => match lines.resolve(fact) {
                        Node::List(list) => (0..list.len()).map(|i| list.item(i)).collect(),
                        _ => Vec::new(),
                    },
                };
                for item in items {
                    if !wanted
                        .iter()
                        .all(|(m, v)| m.resolve(item).text().as_deref() == Some(v.as_ref()))
                    {
                        continue;
                    }
                    let quantity = self.quantity.iter().find_map(|q| q.resolve(item).decimal());
                    match quantity.and_then(|q| total.checked_add(q)) {
                        Some(sum) => total = sum,
                        // A quantity not given: the total cannot be known.
                        None => return Ok(()),
                    }
                }
            }
        }
        let Some(difference) = value.checked_sub(total) else {
            return Ok(());
        };
        if difference.abs() > self.tolerance {
            out.push(Finding::new(
                cx.path(&self.value),
                [
                    ("value", plain(value)),
                    ("total", plain(total)),
                    ("difference", plain(difference)),
                    ("count", refs.len().into()),
                    ("refs", refs.into()),
                ],
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paths, run};
    use serde_json::json;

    const CHECK: &str = "kind = \"fact-total\"\nvalue = \"transferred\"\nrefs = \"manifests\"\nfact = \"manifests\"\nkey = \"number\"\nlines = \"wastes\"\nmatch = { code = \"code\" }\nquantity = [\"received_quantity\", \"quantity\"]\ntolerance = \"0.001\"";

    fn declaration(transferred: &str, manifests: &[&str]) -> serde_json::Value {
        json!({"kind": "declaration", "year": 2025, "hazardous": [
            {"code": "900-041-49", "transferred": {"value": transferred, "unit": "t"}, "manifests": manifests}
        ]})
    }

    fn manifests() -> serde_json::Value {
        json!({"manifests": [
            {"kind": "manifest", "number": "20253306000412", "wastes": [
                {"code": "900-041-49", "quantity": {"value": "2.5", "unit": "t"}, "received_quantity": {"value": "2350", "unit": "kg"}},
                {"code": "900-249-08", "quantity": {"value": "1", "unit": "t"}}
            ]},
            {"kind": "manifest", "number": "20253306001187", "wastes": [
                {"code": "900-041-49", "quantity": {"value": "1.18", "unit": "t"}}
            ]}
        ]})
    }

    #[test]
    fn the_declared_quantity_is_the_total_of_the_facts_named() {
        let both = ["20253306000412", "20253306001187"];
        let ok = run(
            CHECK,
            Some("/hazardous"),
            declaration("3.53", &both),
            Some(manifests()),
        );
        assert!(
            ok.unwrap().unwrap().is_empty(),
            "received quantities count first"
        );
        let found = run(
            CHECK,
            Some("/hazardous"),
            declaration("4.71", &both),
            Some(manifests()),
        )
        .unwrap()
        .unwrap();
        assert_eq!(paths(&found), ["/hazardous/0/transferred"]);
        assert_eq!(found[0].params["total"], "3.53");
        assert_eq!(found[0].params["difference"], "1.18");
        assert_eq!(found[0].params["count"], 2);
        let none = run(CHECK, Some("/hazardous"), declaration("1", &[]), None)
            .unwrap()
            .unwrap();
        assert_eq!(
            none[0].params["total"], "0",
            "no manifest listed counts 0 t"
        );
        let unknown = run(
            CHECK,
            Some("/hazardous"),
            declaration("1", &["20253306009999"]),
            Some(manifests()),
        )
        .unwrap();
        assert!(unknown.unwrap_err().contains("20253306009999"));
    }

    #[test]
    fn members_are_checked_at_load() {
        let problems = run(
            "kind = \"fact-total\"\nvalue = \"/x\"\nrefs = \"/y\"\nfact = \"tracks\"\nquantity = \"/quantity\"",
            None,
            json!({"kind": "declaration"}),
            None,
        )
        .unwrap_err()
        .join("\n");
        assert!(problems.contains("manifests, waybills"), "{problems}");
        assert!(problems.contains("member of the fact"), "{problems}");
    }
}

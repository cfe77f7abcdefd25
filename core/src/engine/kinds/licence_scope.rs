//! `licence-scope`: the receiver's licences in force cover the waste — its code, or
//! its whole category — and, when given, the method (许可证办法 Art.10, 12, 15).
//!
//! ```toml
//! [check]
//! kind = "licence-scope"
//! holder = "/receiver/credit_code"
//! date = "/dispatched_at"
//! code = "code"          # in a rule with each = "/wastes"
//! method = "method"      # optional
//! ```
//! A finding at `code` (or `method`) when no licence in force covers it. Provides
//! `{code}`, `{method}`, `{holder}`, `{licences}` (the numbers of the licences in
//! force). When the party holds no licence in force, nothing is reported here
//! (that is the unlicensed rule's finding); not evaluated without licence facts.
//!
//! A kind of licence the law limits whatever its scope says (许可证办法 Art.3: a
//! 收集经营许可证 covers only vehicle-repair waste oil and household Cd-Ni batteries;
//! a pilot collector only the codes of the local pilot plan):
//!
//! ```toml
//! licence_kind = "collection"          # comprehensive | collection
//! allowed = "$collection_licence_codes"   # a list of codes
//! ```
//! Then, when **every** licence the holder has in force is of `licence_kind`, a code
//! not in `allowed` is a finding; a holder with another kind of licence in force is
//! judged by scope alone, and the scopes are not read here. Provides `{allowed}`,
//! and `{licences}` and `{allowed}` as lists in both languages (`、`, `, `).
//!
//! `unless_exempt` (see `exempt.rs`): a line exempt at 利用 or 处置 under the
//! 豁免管理清单 needs no licence covering it, and is not checked.
//!
//! Offers `receivers` (`[fix] candidates = "receivers"`): the other holders of
//! licences in force on the date whose licences cover every line of the list the
//! finding's item is in (its code or category, and its method), with licensed
//! annual scale left for the lines' `quantity` this year (when `receipts` are
//! known). Each puts the holder's credit code, its licence number and, from the
//! `enterprises` facts, its name and region into the holder's record. The 20
//! nearest the consignor's site are offered (by `sites`; the facts' order else).

use super::in_force::{held_by, in_force_on};
use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable};
use super::{Param as P, ParamType as T};
use crate::engine::fact_index::Found;
use crate::json::pointer::Pointer;
use crate::locale::Bilingual;
use crate::model::node::{ListNode, Node, NodeText, Record};
use crate::model::{Category, Date, Decimal, WasteCode};
use crate::report::{Choice, PatchOp};
use std::collections::HashSet;

pub const KIND: Kind = Kind {
    name: "licence-scope",
    offers: Some("receivers"),
    provides: &["code", "method", "holder", "licences", "allowed"],
    params: PARAMS,
    finds: "the holder's licences in force cover neither the code nor its category, or not the method; with `licence_kind`: every licence in force is of that kind and the code is not `allowed`",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("holder", T::Pointer, "the licence holder"),
    P::required("date", T::Pointer, "the date the licences are in force on"),
    P::required("code", T::Pointer, "the waste code"),
    P::optional("method", T::Pointer, "the method the licences must cover"),
    P::optional(
        "licence_kind",
        T::Choice(&["comprehensive", "collection"]),
        "with `allowed`: the kind of licence the law limits",
    ),
    P::optional(
        "allowed",
        T::Texts,
        "with `licence_kind`: the codes such a licence may cover",
    ),
    super::exempt::PARAM,
];

#[derive(Debug)]
struct LicenceScope {
    holder: Ref,
    date: Ref,
    code: Ref,
    method: Option<Ref>,
    /// A kind of licence limited to a list of codes.
    limited: Option<(&'static str, Vec<String>)>,
    exempt: Option<super::exempt::Exempt>,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let holder = args.field("holder");
    let date = args.field("date");
    let code = args.field("code");
    let method = args.optional_field("method");
    let limited = match (args.has("licence_kind"), args.has("allowed")) {
        (false, false) => None,
        (true, true) => {
            let kind = args.choice("licence_kind", &["comprehensive", "collection"]);
            let allowed = args.optional_strings("allowed");
            if let Some(bad) = allowed
                .iter()
                .flatten()
                .find(|c| c.parse::<crate::model::WasteCode>().is_err())
            {
                args.problems.push(format!(
                    "`allowed` lists `{bad}`, which is not a waste code"
                ));
            }
            if method.is_some() {
                args.problems
                    .push("`method` is not read with `licence_kind`: give one or the other".into());
            }
            kind.zip(allowed)
        }
        _ => {
            args.problems
                .push("`licence_kind` and `allowed` go together".into());
            None
        }
    };
    let exempt = super::exempt::compile(args);
    // The receivers offered read every line's quantity and the consignor's site;
    // whether there is a finding does not.
    for read in ["quantity", "/consignor/site_id"] {
        args.reads_for_offers(Ref {
            pointer: Pointer::parse(read),
            absolute: read.starts_with('/'),
        });
    }
    Some(Box::new(LicenceScope {
        holder: holder?,
        date: date?,
        code: code?,
        method,
        limited,
        exempt,
    }))
}

/// Whether a list holds the text `wanted`. Codes and plain texts are compared as
/// they are stored (licences list hundreds of codes: no copy per item).
fn list_has(node: Node<'_>, wanted: &str) -> bool {
    let Node::List(list) = node else {
        return false;
    };
    (0..list.len()).any(|i| match list.item(i) {
        Node::WasteCode(code) => code.as_str() == wanted,
        Node::Text(text) => text == wanted,
        item => item.text().as_deref() == Some(wanted),
    })
}

/// Whether a list holds the category (compared as a value, not as text).
fn list_has_category(node: Node<'_>, wanted: Category) -> bool {
    let Node::List(list) = node else {
        return false;
    };
    (0..list.len()).any(|i| matches!(list.item(i), Node::Category(c) if c == wanted))
}

/// A list in both languages: `a、b` and `a, b`.
fn listed(items: &[String]) -> serde_json::Value {
    serde_json::json!({"zh-CN": items.join("、"), "en": items.join(", ")})
}

impl Check for LicenceScope {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let (Some(holder), Some(date), Node::WasteCode(code)) = (
            cx.get(&self.holder).text(),
            cx.get(&self.date).date(),
            cx.get(&self.code),
        ) else {
            return Ok(());
        };
        if let Some(exempt) = &self.exempt
            && exempt.lifts(cx, Some(&holder), Some(date))?
        {
            return Ok(());
        }
        // Walked again rather than collected: a document the licences cover
        // allocates nothing here.
        let in_force = held_by(cx, "licences", &holder)
            .ok_or_else(|| Unevaluable::facts_missing("licences"))?
            .filter(move |l| in_force_on(l, date));
        if in_force.clone().next().is_none() {
            return Ok(());
        }
        // Only a finding needs them.
        let numbers = || -> Vec<String> {
            in_force
                .clone()
                .filter_map(|l| l.member("number").text().map(|t| t.into_owned()))
                .collect()
        };
        if let Some((kind, allowed)) = &self.limited {
            let all_of_kind = in_force
                .clone()
                .all(|l| l.member("kind").text().as_deref() == Some(*kind));
            if all_of_kind && !allowed.iter().any(|c| c == code.as_str()) {
                out.push(Finding::new(
                    cx.path(&self.code),
                    [
                        ("code", code.as_str().into()),
                        ("holder", holder.as_ref().into()),
                        ("licences", listed(&numbers())),
                        ("allowed", listed(allowed)),
                    ],
                ));
            }
            return Ok(());
        }
        let method = self.method.as_ref().map(|m| (m, cx.get(m)));
        let method_text = method.as_ref().and_then(|(_, n)| n.text());
        let (code_covered, method_covered) = covers(in_force.clone(), code, method_text.as_deref());
        let params = |path: String| {
            Finding::new(
                path,
                [
                    ("code", code.as_str().into()),
                    (
                        "method",
                        method_text
                            .as_deref()
                            .map_or(serde_json::Value::Null, |m| m.into()),
                    ),
                    ("holder", holder.as_ref().into()),
                    ("licences", numbers().join("、").into()),
                ],
            )
            .offering(self.receivers(cx, &holder, date))
        };
        if !code_covered {
            out.push(params(cx.path(&self.code)));
        } else if !method_covered && let Some((reference, _)) = &method {
            out.push(params(cx.path(reference)));
        }
        Ok(())
    }
}

/// Whether licences cover a code (by code or category), and the method when given:
/// `(code covered, method covered by a scope line covering the code)`.
fn covers<'a>(
    in_force: impl Iterator<Item = Node<'a>>,
    code: &WasteCode,
    method: Option<&str>,
) -> (bool, bool) {
    let category = code.category();
    let mut code_covered = false;
    let mut method_covered = method.is_none();
    for licence in in_force {
        let Node::List(scopes) = licence.member("scope") else {
            continue;
        };
        for scope in (0..scopes.len()).map(|i| scopes.item(i)) {
            if list_has(scope.member("codes"), code.as_str())
                || list_has_category(scope.member("categories"), category)
            {
                code_covered = true;
                if let Some(method) = method
                    && (list_has(scope.member("methods"), method)
                        || !scope.member("methods").is_present())
                {
                    method_covered = true;
                }
                // Both only ever turn true: nothing further can change the answer.
                if method_covered {
                    return (true, true);
                }
            }
        }
    }
    (code_covered, method_covered)
}

impl LicenceScope {
    /// The other licence holders that could take every line of the item's list
    /// lawfully on `date` (module docs), in the order of the `licences` facts.
    fn receivers(&self, cx: &RunCx<'_>, current: &str, date: Date) -> Vec<Choice> {
        let Some((_, item_path)) = cx.item else {
            return Vec::new();
        };
        // The lines: the items of the list the finding's item is in.
        let list_path = item_path.parent();
        let Some(memo) = cx.memo else {
            return self.receivers_for(cx, list_path, current, date);
        };
        // The same for every item of the list: worked out once per document.
        let key = [
            list_path,
            self.code.pointer.as_str(),
            self.method.as_ref().map_or("", |m| m.pointer.as_str()),
            self.holder.pointer.as_str(),
            current,
            &date.to_string(),
        ]
        .join("\u{0}");
        memo.offers(key, || self.receivers_for(cx, list_path, current, date))
    }

    fn receivers_for(
        &self,
        cx: &RunCx<'_>,
        list_path: &str,
        current: &str,
        date: Date,
    ) -> Vec<Choice> {
        let Node::List(items) = Pointer::parse(list_path).resolve(cx.root) else {
            return Vec::new();
        };
        let lines: Vec<(WasteCode, Option<String>, Decimal)> = (0..items.len())
            .filter_map(|i| {
                let item = items.item(i);
                let Node::WasteCode(code) = self.code.pointer.resolve(item) else {
                    return None;
                };
                let method = self
                    .method
                    .as_ref()
                    .and_then(|m| m.pointer.resolve(item).text());
                let tonnes = item.member("quantity").decimal().unwrap_or_default();
                Some((code.clone(), method.map(|m| m.into_owned()), tonnes))
            })
            .collect();
        let record = self
            .holder
            .pointer
            .as_str()
            .rsplit_once('/')
            .map_or("", |(record, _)| record);
        lawful_receivers(cx, &lines, current, record, date)
    }
}

/// A line to receive: its code, its method when given, and its tonnes.
pub(crate) type Line = (WasteCode, Option<String>, Decimal);

/// At most this many receivers are offered: a city's facts may hold thousands of
/// licence holders, and a form shows a short list.
pub(crate) const MAX_RECEIVERS: usize = 20;

/// The licence holders among the facts, other than `current`, whose licences in
/// force on `date` cover every line (code or category, and method), with licensed
/// scale left for the lines this year; each a choice put into `record`
/// (`/receiver`), nearest the consignor's site first when `sites` give both, at
/// most [`MAX_RECEIVERS`]. Only the holders of a licence whose scope names the
/// first line's code or category are looked at (found by an index of the facts),
/// so a city's other licences cost nothing.
pub(crate) fn lawful_receivers(
    cx: &RunCx<'_>,
    lines: &[Line],
    current: &str,
    record: &str,
    date: Date,
) -> Vec<Choice> {
    let Node::List(all) = cx.facts.member("licences") else {
        return Vec::new();
    };
    let Some(total) = super::checked_sum(lines.iter().map(|(_, _, t)| *t)) else {
        return Vec::new();
    };
    let mut lawful = Vec::new();
    for holder in candidate_holders(cx, all, lines.first(), current) {
        let in_force: Vec<Node<'_>> = held_by(cx, "licences", &holder)
            .into_iter()
            .flatten()
            .filter(|l| in_force_on(l, date))
            .collect();
        let covered = !in_force.is_empty()
            && lines.iter().all(|(code, method, _)| {
                covers(in_force.iter().copied(), code, method.as_deref()) == (true, true)
            })
            && super::licence_capacity::has_room(cx, &holder, date, total);
        if covered {
            lawful.push((distance_from_consignor(cx, &holder), holder, in_force));
        }
    }
    // Nearest first; those without a known site keep the facts' order, after.
    crate::sorting::sort_by(&mut lawful, |(a, ..), (b, ..)| match (a, b) {
        (Some(a), Some(b)) => a.total_cmp(b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    lawful
        .into_iter()
        .take(MAX_RECEIVERS)
        .map(|(_, holder, in_force)| receiver_choice(cx, record, &holder, &in_force))
        .collect()
}

/// The holders who might cover every line, other than `current`, each once, in the
/// order of their first licence among the facts: those of a licence whose scope
/// names the first line's code or category (every holder when there are no lines).
fn candidate_holders<'a>(
    cx: &RunCx<'a>,
    all: &'a dyn ListNode,
    first_line: Option<&Line>,
    current: &str,
) -> Vec<NodeText<'a>> {
    let licences: Vec<Node<'a>> = match first_line {
        None => (0..all.len()).map(|i| all.item(i)).collect(),
        Some((code, ..)) => {
            let category = code.category().to_string();
            let mut positions: Vec<usize> = [
                ("scope/codes", code.as_str()),
                ("scope/categories", category.as_str()),
            ]
            .into_iter()
            .filter_map(|(key, value)| cx.facts.find_within("licences", key, value))
            .flat_map(Found::into_positions)
            .collect();
            crate::sorting::sort_by(&mut positions, Ord::cmp);
            positions.dedup();
            positions.into_iter().map(|i| all.item(i)).collect()
        }
    };
    let mut holders: Vec<(usize, NodeText<'a>)> = Vec::new();
    let mut seen: HashSet<NodeText<'a>> = HashSet::from([NodeText::Owned(current.to_owned())]);
    for licence in licences {
        let Some(holder) = licence.member("holder").text() else {
            continue;
        };
        if !seen.insert(holder.clone()) {
            continue;
        }
        // Where the full list would have met this holder first.
        let first = cx
            .facts
            .find("licences", "holder", &holder)
            .and_then(Found::first)
            .map_or(usize::MAX, |(position, _)| position);
        holders.push((first, holder));
    }
    crate::sorting::sort_by_key(&mut holders, |(first, _)| *first);
    holders.into_iter().map(|(_, holder)| holder).collect()
}

/// The methods `holder`'s licences in force on `date` allow for `code`.
pub(crate) fn licensed_methods(
    cx: &RunCx<'_>,
    holder: &str,
    code: &WasteCode,
    date: Date,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for licence in held_by(cx, "licences", holder).into_iter().flatten() {
        if !in_force_on(&licence, date) {
            continue;
        }
        let Node::List(scopes) = licence.member("scope") else {
            continue;
        };
        for scope in (0..scopes.len()).map(|i| scopes.item(i)) {
            let in_scope = list_has(scope.member("codes"), code.as_str())
                || list_has_category(scope.member("categories"), code.category());
            if !in_scope {
                continue;
            }
            if let Node::List(methods) = scope.member("methods") {
                for method in (0..methods.len()).filter_map(|i| methods.item(i).text()) {
                    if !out.iter().any(|m| *m == method) {
                        out.push(method.into_owned());
                    }
                }
            }
        }
    }
    out
}

/// Kilometres from the consignor's site (`/consignor/site_id` among `sites`) to the
/// nearest site of `holder`, when both are known.
fn distance_from_consignor(cx: &RunCx<'_>, holder: &str) -> Option<f64> {
    let position = |site: Node<'_>| match (site.member("lat"), site.member("lon")) {
        (Node::Number(lat), Node::Number(lon)) => Some((lat, lon)),
        _ => None,
    };
    let from_id = cx.root.member("consignor").member("site_id").text()?;
    let from = cx
        .facts
        .find("sites", "id", &from_id)?
        .first()
        .and_then(|(_, s)| position(s))?;
    cx.facts
        .find("sites", "holder", holder)?
        .filter_map(position)
        .map(|to| crate::engine::track::distance_km(from, to))
        .min_by(f64::total_cmp)
}

/// A receiver as a choice: its credit code, licence number, and (from the
/// `enterprises` facts) name and region, put into the holder's `record`.
fn receiver_choice(cx: &RunCx<'_>, record: &str, holder: &str, in_force: &[Node<'_>]) -> Choice {
    let enterprise = cx
        .facts
        .find("enterprises", "credit_code", holder)
        .and_then(|found| found.first())
        .map(|(_, e)| e);
    let member = |name: &str| enterprise.and_then(|e| e.member(name).text());
    let number = in_force
        .iter()
        .find_map(|l| l.member("number").text())
        .map(|n| n.into_owned());
    let mut patch = vec![PatchOp::add(format!("{record}/credit_code"), holder)];
    if let Some(number) = &number {
        patch.push(PatchOp::add(
            format!("{record}/licence_number"),
            number.as_str(),
        ));
    }
    for field in ["name", "region"] {
        if let Some(value) = member(field) {
            patch.push(PatchOp::add(format!("{record}/{field}"), value.as_ref()));
        }
    }
    let name = member("name").map_or_else(|| holder.to_owned(), |n| n.into_owned());
    let label = match &number {
        Some(number) => Bilingual::new(
            format!("{name}（许可证 {number}）"),
            format!("{name} (licence {number})"),
        ),
        None => Bilingual::new(name.clone(), name),
    };
    Choice {
        value: holder.into(),
        label,
        patch,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paths, run};
    use serde_json::json;

    const CHECK: &str = "kind = \"licence-scope\"\nholder = \"/receiver/credit_code\"\ndate = \"/dispatched_at\"\ncode = \"code\"\nmethod = \"method\"";

    #[test]
    fn codes_categories_and_methods() {
        let doc = json!({"kind": "manifest", "receiver": {"credit_code": "91330100716105852F"}, "dispatched_at": "2026-03-02T08:00:00+08:00", "wastes": [
            {"code": "900-041-49", "method": "D10"},
            {"code": "900-249-08", "method": "R9"},
            {"code": "900-249-08", "method": "D1"},
            {"code": "336-064-17", "method": "D10"}
        ]});
        let facts = json!({"licences": [{"number": "3306000123", "holder": "91330100716105852F", "valid_from": "2024-01-01", "valid_until": "2028-12-31", "scope": [
            {"codes": ["900-041-49"], "methods": ["D10"]},
            {"categories": ["HW08"], "methods": ["D10", "R9"]}
        ]}]});
        let found = run(CHECK, Some("/wastes"), doc, Some(facts))
            .unwrap()
            .unwrap();
        assert_eq!(paths(&found), ["/wastes/2/method", "/wastes/3/code"]);
        assert_eq!(found[1].params["licences"], "3306000123");
    }

    #[test]
    fn every_failing_line_of_a_list_is_offered_the_same_receivers() {
        let doc = json!({"kind": "manifest", "receiver": {"credit_code": "91330100716105852F"}, "dispatched_at": "2026-03-02T08:00:00+08:00", "wastes": [
            {"code": "900-041-49", "method": "D10", "quantity": 1},
            {"code": "900-249-08", "method": "R9", "quantity": 2}
        ]});
        let licence = |number: &str, holder: &str, codes: serde_json::Value| {
            json!({"number": number, "holder": holder, "valid_from": "2024-01-01", "valid_until": "2028-12-31", "scope": [
                {"codes": codes, "methods": ["D10", "R9"], "capacity_t": 100}
            ]})
        };
        let facts = json!({"licences": [
            licence("L1", "91330100716105852F", json!(["336-064-17"])),
            licence("L2", "91330603MA2KE4L815", json!(["900-041-49", "900-249-08"])),
            licence("L3", "91330000MA27U0XXXX", json!(["900-041-49"]))
        ]});
        let found = run(CHECK, Some("/wastes"), doc, Some(facts))
            .unwrap()
            .unwrap();
        assert_eq!(paths(&found), ["/wastes/0/code", "/wastes/1/code"]);
        let offered: Vec<Vec<serde_json::Value>> = found
            .iter()
            .map(|f| f.offered.choices.iter().map(|c| c.value.clone()).collect())
            .collect();
        // Only L2's holder takes both lines.
        assert_eq!(offered[0], [json!("91330603MA2KE4L815")]);
        assert_eq!(offered[0], offered[1]);
    }

    const COLLECTION: &str = "kind = \"licence-scope\"\nholder = \"/receiver/credit_code\"\ndate = \"/dispatched_at\"\ncode = \"code\"\nlicence_kind = \"collection\"\nallowed = \"$codes\"";

    fn collector(licences: serde_json::Value) -> Vec<super::Finding> {
        let doc = json!({"kind": "manifest", "receiver": {"credit_code": "91330603MA2KE4L815"}, "dispatched_at": "2026-03-02T08:00:00+08:00", "wastes": [
            {"code": "900-214-08"},
            {"code": "900-041-49"}
        ]});
        run(
            COLLECTION,
            Some("/wastes"),
            doc,
            Some(json!({"licences": licences})),
        )
        .unwrap()
        .unwrap()
    }

    #[test]
    fn a_collection_licence_covers_only_its_codes() {
        let collection = json!({"number": "收2025003", "holder": "91330603MA2KE4L815", "kind": "collection", "valid_from": "2025-01-01", "valid_until": "2027-12-31"});
        let found = collector(json!([collection.clone()]));
        assert_eq!(paths(&found), ["/wastes/1/code"]);
        assert_eq!(
            found[0].params["allowed"]["zh-CN"],
            "900-214-08、900-044-49"
        );
        assert_eq!(found[0].params["licences"]["en"], "收2025003");
        let comprehensive = json!({"number": "综2024001", "holder": "91330603MA2KE4L815", "kind": "comprehensive", "valid_from": "2024-01-01", "valid_until": "2028-12-31"});
        assert!(
            collector(json!([collection, comprehensive])).is_empty(),
            "a comprehensive licence in force: judged by scope"
        );
    }

    #[test]
    fn a_limited_kind_is_checked_at_load() {
        let problems = run(
            "kind = \"licence-scope\"\nholder = \"/receiver/credit_code\"\ndate = \"/dispatched_at\"\ncode = \"code\"\nlicence_kind = \"collector\"\nallowed = [\"HW08\"]",
            Some("/wastes"),
            json!({"kind": "manifest"}),
            None,
        )
        .unwrap_err();
        let all = problems.join("\n");
        assert!(all.contains("comprehensive, collection"), "{all}");
        assert!(all.contains("`HW08`"), "{all}");
    }
}

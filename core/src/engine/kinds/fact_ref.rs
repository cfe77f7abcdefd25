//! `fact-ref`: a value names a fact the host holds — a track id a track, a waybill
//! number a waybill, a licence number a licence — and, optionally, that fact is in
//! force on a date, matches other fields of the document and covers a quantity.
//!
//! ```toml
//! [check]
//! kind = "fact-ref"
//! field = "/track_id"          # or a list: the first one given
//! fact = "tracks"
//! key = "id"                   # the fact's member; a list member must contain the value
//! ```
//! A finding at `field` when no fact of the collection has that key. Provides
//! `{value}` and `{fact}`. Not evaluated when the host passed no such facts.
//!
//! Options, for a licence used on a date or an approval covering a transfer:
//!
//! ```toml
//! match = { consignor = "/consignor/credit_code", receiver = "/receiver/credit_code" }
//! in_force = "/dispatched_at"  # or a list, the first given; else the legal date
//! validity_months = "$approval_validity_months"   # at most this long from valid_from
//! quantity = "quantity"        # the fact's member, at least…
//! at_least = { sum = "/wastes", of = "quantity" }  # …this total (or a field)
//! unknown = "not-evaluated"    # no fact with the key: not evaluated (default: a finding)
//! same = { method = "method" } # fact members that, where the fact gives them, equal these
//! used = { fact = "manifests", by = "cross_province_approval", exclude = "/number", lines = "wastes", quantity = ["received_quantity", "quantity"] }
//! capped_by = { fact = "licences", holder = "/receiver/credit_code" }
//! ```
//! `used`: the quantity already moved under a candidate — the total of `quantity`
//! (the first given) over the `lines` of the facts whose `by` member names the
//! candidate's `number`, less the document itself (`exclude`: its own number) — is
//! added to the quantity the candidate must cover (an approval's quantity is for all
//! its transfers together). `capped_by`: a candidate's validity ends no later than
//! the last day of the holder's fact of that collection in force on the candidate's
//! first day (an approval is capped by the receiver's licence). Both are not
//! evaluated when the host passed no such facts.
//! The facts with the key whose `match` members equal the fields are the candidates;
//! one of them must be in force on the date (`valid_from` ≤ date ≤ `valid_until`, an
//! end not given is open), within `validity_months` of its `valid_from`, and cover
//! the quantity (tonnes). Skipped while a field it reads is not given. Provides
//! with `in_force` `{date}`, and `{from}` and `{until}` of the nearest candidate
//! (its validity, capped by `validity_months`); with `validity_months` `{months}`;
//! with `quantity` `{quantity}` (the total required, tonnes); with `match` or
//! `quantity` `{found}` (the nearest candidate's `number`); with `used` `{used}`
//! (tonnes already moved under the nearest candidate, also stated in `{nearest}`); and `{nearest}`
//! (` (number: from to until)`, in both languages, empty when there is none). The
//! nearest candidate is the last one that covers the quantity, else the first.

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable, first_given};
use super::{Param as P, ParamType as T};
use crate::model::node::Node;
use crate::model::{Date, Decimal};
use serde_json::Value;

pub const KIND: Kind = Kind {
    name: "fact-ref",
    offers: None,
    provides: &[
        "value", "fact", "date", "months", "quantity", "found", "from", "until", "nearest", "used",
    ],
    params: PARAMS,
    finds: "no fact whose key equals the value (and whose `match` members equal the fields) that is in force on the date, within the months and covers the quantity",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required(
        "field",
        T::PointerOrPointers,
        "the value naming the fact (a list: the first given)",
    ),
    P::required("fact", T::Choice(COLLECTIONS), "the fact collection"),
    P::optional(
        "key",
        T::Text,
        "the fact's member holding the key; a list member must contain the value",
    )
    .default("\"id\""),
    P::optional(
        "match",
        T::PointersByName,
        "`{ member = \"pointer\" }`: fact members that must equal these fields",
    ),
    P::optional(
        "in_force",
        T::PointerOrPointers,
        "the date the fact must be in force on (the first given; else the legal date)",
    ),
    P::optional(
        "validity_months",
        T::Decimal,
        "with `in_force`: at most this many months from the fact's `valid_from`",
    ),
    P::optional(
        "quantity",
        T::Text,
        "with `at_least`: the fact's member holding the quantity it covers",
    ),
    P::optional(
        "at_least",
        T::PointerOrTable,
        "with `quantity`: a field, or `{ sum = \"/list\", of = \"member\" }`, the quantity to cover",
    ),
    P::optional(
        "unknown",
        T::Choice(&["finding", "not-evaluated"]),
        "what no fact with the key is",
    )
    .default("\"finding\""),
    P::optional(
        "same",
        T::PointersByName,
        "`{ member = \"pointer\" }`: fact members that, where the fact gives them, must equal these fields",
    ),
    P::optional(
        "used",
        T::Table(USED),
        "with `quantity`: the quantity already moved under a fact, added to the quantity it must cover",
    ),
    P::optional(
        "capped_by",
        T::Table(CAPPED_BY),
        "`{ fact = \"…\", holder = \"…\" }`: a fact's validity ends no later than that of the holder's fact in force on its first day",
    ),
];

/// The members of `used`.
const USED: &[P] = &[
    P::required(
        "fact",
        T::Choice(COLLECTIONS),
        "the facts recording earlier transfers",
    ),
    P::required(
        "by",
        T::Text,
        "their member naming the fact checked (its `number`)",
    ),
    P::optional(
        "exclude",
        T::Pointer,
        "the document's own number: a fact with it is not an earlier transfer",
    ),
    P::optional(
        "lines",
        T::Text,
        "their list whose items count (else each fact)",
    ),
    P::required(
        "quantity",
        T::TextOrTexts,
        "the member holding the quantity (a list: the first given)",
    ),
];

/// The members of `capped_by`.
const CAPPED_BY: &[P] = &[
    P::required(
        "fact",
        T::Choice(super::in_force::COLLECTIONS),
        "the fact collection",
    ),
    P::required("holder", T::Pointer, "the party holding the capping fact"),
];

const COLLECTIONS: &[&str] = crate::model::Facts::FIELDS;

#[derive(Debug)]
struct FactRef {
    field: Vec<Ref>,
    fact: &'static str,
    key: String,
    matches: Vec<(String, Ref)>,
    in_force: Option<Vec<Ref>>,
    months: Option<u32>,
    quantity: Option<(String, Total)>,
    unknown_evaluates: bool,
    same: Vec<(String, Ref)>,
    used: Option<Used>,
    capped_by: Option<(&'static str, Ref)>,
}

/// A candidate fact, with what was moved under it (`None`: a sum overflowed) and the
/// last day its capping fact allows.
struct Candidate<'a> {
    fact: Node<'a>,
    used: Option<Decimal>,
    cap: Option<Date>,
}

/// `used`, compiled.
#[derive(Debug)]
struct Used {
    fact: &'static str,
    by: String,
    exclude: Option<Ref>,
    lines: Option<crate::json::pointer::Pointer>,
    quantity: Vec<crate::json::pointer::Pointer>,
}

/// The quantity a fact must cover.
#[derive(Debug)]
enum Total {
    /// One field.
    Field(Ref),
    /// The sum of a member over a list.
    Sum(Ref, Ref),
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let field = args.field_or_fields("field");
    let fact = args.choice("fact", COLLECTIONS);
    let key = args.optional_string("key").unwrap_or("id").to_owned();
    let mut matches = Vec::new();
    for (member, refs) in args.fields_by_key("match") {
        match refs.as_slice() {
            [one] => matches.push((member, one.clone())),
            _ => args
                .problems
                .push(format!("`match.{member}` must be one JSON Pointer")),
        }
    }
    let in_force = args
        .has("in_force")
        .then(|| args.optional_field_or_fields("in_force"));
    let months = args.optional_decimal("validity_months").and_then(|m| {
        let whole = u32::try_from(m.trunc().mantissa())
            .ok()
            .filter(|_| m.fract().is_zero());
        if whole.is_none() {
            args.problems
                .push("`validity_months` must be a whole number of months".into());
        }
        whole
    });
    if args.has("validity_months") && in_force.is_none() {
        args.problems
            .push("`validity_months` needs `in_force`, the date it is counted to".into());
    }
    let member = args.optional_string("quantity").map(str::to_owned);
    let total = if args.is_table("at_least") {
        let table = args.optional_table("at_least");
        let sum = table.and_then(|t| t.get("sum")).and_then(Value::as_str);
        let of = table.and_then(|t| t.get("of")).and_then(Value::as_str);
        match (sum, of, table.map(serde_json::Map::len)) {
            (Some(sum), Some(of), Some(2)) if !of.starts_with('/') && !of.is_empty() => {
                args.reference_in("at_least.sum", sum).map(|list| {
                    Total::Sum(
                        list,
                        Ref {
                            pointer: crate::json::pointer::Pointer::parse(of),
                            absolute: false,
                        },
                    )
                })
            }
            _ => {
                args.problems.push(
                    "`at_least` must be a field or { sum = \"/list\", of = \"member\" } (the member relative to each item)"
                        .into(),
                );
                None
            }
        }
    } else {
        args.optional_field("at_least").map(Total::Field)
    };
    let quantity = match (member, total) {
        (Some(member), Some(total)) => Some((member, total)),
        (None, None) => None,
        _ => {
            args.problems
                .push("`quantity` and `at_least` go together".into());
            None
        }
    };
    let unknown_evaluates = match args.optional_string("unknown") {
        None | Some("finding") => true,
        Some("not-evaluated") => false,
        Some(other) => {
            args.problems.push(format!(
                "`unknown` = \"{other}\": use one of finding, not-evaluated"
            ));
            true
        }
    };
    let mut same = Vec::new();
    for (member, refs) in args.fields_by_key("same") {
        match refs.as_slice() {
            [one] => same.push((member, one.clone())),
            _ => args
                .problems
                .push(format!("`same.{member}` must be one JSON Pointer")),
        }
    }
    let used = compile_used(args);
    if used.is_some() && quantity.is_none() {
        args.problems
            .push("`used` needs `quantity` and `at_least`".into());
    }
    let capped_by = compile_capped_by(args);
    if capped_by.is_some() && in_force.is_none() {
        args.problems
            .push("`capped_by` needs `in_force`, the date it is counted to".into());
    }
    if field.is_empty() {
        return None;
    }
    Some(Box::new(FactRef {
        field,
        fact: fact?,
        key,
        matches,
        in_force,
        months,
        quantity,
        unknown_evaluates,
        same,
        used,
        capped_by,
    }))
}

fn compile_used(args: &mut Args<'_>) -> Option<Used> {
    let table = args.optional_table("used")?;
    let text = |key: &str| table.get(key).and_then(Value::as_str);
    let fact = text("fact").and_then(|f| COLLECTIONS.iter().find(|c| **c == f).copied());
    let by = text("by").filter(|b| !b.is_empty()).map(str::to_owned);
    let exclude = text("exclude").and_then(|e| args.reference_in("used.exclude", e));
    let lines = text("lines").map(crate::json::pointer::Pointer::parse);
    let quantity: Vec<_> = match table.get("quantity") {
        Some(Value::String(q)) => vec![crate::json::pointer::Pointer::parse(q)],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(crate::json::pointer::Pointer::parse)
            .collect(),
        _ => Vec::new(),
    };
    let unknown = table
        .keys()
        .find(|k| !USED.iter().any(|p| p.name == k.as_str()));
    match (fact, by, quantity.is_empty(), unknown) {
        (Some(fact), Some(by), false, None) => Some(Used {
            fact,
            by,
            exclude,
            lines,
            quantity,
        }),
        _ => {
            args.problems.push(format!(
                "`used` must be {{ fact = \"…\", by = \"member\", quantity = \"member\" }} (optionally `exclude`, `lines`), the fact one of {}",
                COLLECTIONS.join(", ")
            ));
            None
        }
    }
}

fn compile_capped_by(args: &mut Args<'_>) -> Option<(&'static str, Ref)> {
    let table = args.optional_table("capped_by")?;
    let fact = table.get("fact").and_then(Value::as_str).and_then(|f| {
        super::in_force::COLLECTIONS
            .iter()
            .find(|c| **c == f)
            .copied()
    });
    let holder = table
        .get("holder")
        .and_then(Value::as_str)
        .and_then(|h| args.reference_in("capped_by.holder", h));
    let unknown = table
        .keys()
        .any(|k| !CAPPED_BY.iter().any(|p| p.name == k.as_str()));
    match (fact, holder, unknown) {
        (Some(fact), Some(holder), false) => Some((fact, holder)),
        _ => {
            args.problems.push(format!(
                "`capped_by` must be {{ fact = \"…\", holder = \"…\" }}, the fact one of {}",
                super::in_force::COLLECTIONS.join(", ")
            ));
            None
        }
    }
}

/// Whether a fact's member equals `value`, or, for a list, contains it.
fn has(node: Node<'_>, value: &str) -> bool {
    match node {
        Node::List(list) => (0..list.len()).any(|i| list.item(i).text().as_deref() == Some(value)),
        other => other.text().as_deref() == Some(value),
    }
}

/// `date` `months` months later: the same day, or the month's last day.
fn months_after(date: Date, months: u32) -> Option<Date> {
    date.0
        .checked_add_months(chrono::Months::new(months))
        .map(Date)
}

impl Used {
    /// The quantity moved under `fact` by the other records naming its number, or
    /// `None` when a sum overflows. Not evaluated without the records.
    fn moved(&self, cx: &RunCx<'_>, fact: &Node<'_>) -> Result<Option<Decimal>, Unevaluable> {
        let Some(number) = fact.member("number").text() else {
            return Ok(Some(Decimal::ZERO));
        };
        let own = self.exclude.as_ref().and_then(|e| cx.get(e).text());
        let records = cx
            .facts
            .find(self.fact, &self.by, &number)
            .ok_or_else(|| Unevaluable::facts_missing(self.fact))?;
        let quantity = |item: Node<'_>| {
            self.quantity
                .iter()
                .map(|q| q.resolve(item))
                .find(Node::is_present)
                .and_then(|n| n.decimal())
        };
        let mut sum = Decimal::ZERO;
        for record in records {
            if own.is_some() && record.member("number").text() == own {
                continue;
            }
            let items: Vec<Node<'_>> = match &self.lines {
                None => vec![record],
                Some(lines) => match lines.resolve(record) {
                    Node::List(list) => (0..list.len()).map(|i| list.item(i)).collect(),
                    _ => Vec::new(),
                },
            };
            for item in items {
                if let Some(q) = quantity(item) {
                    let Some(next) = sum.checked_add(q) else {
                        return Ok(None);
                    };
                    sum = next;
                }
            }
        }
        Ok(Some(sum))
    }
}

/// The last day `holder`'s facts of `collection` in force on `fact`'s first day
/// allow (the latest of their ends), if any is; not evaluated without them.
fn cap(
    cx: &RunCx<'_>,
    collection: &str,
    holder: &Ref,
    fact: &Node<'_>,
) -> Result<Option<Date>, Unevaluable> {
    let (Some(holder), Some(first)) = (cx.get(holder).text(), fact.member("valid_from").date())
    else {
        return Ok(None);
    };
    let held = super::in_force::held_by(cx, collection, &holder)
        .ok_or_else(|| Unevaluable::facts_missing(collection))?;
    let in_force: Vec<_> = held
        .filter(|f| super::in_force::in_force_on(f, first))
        .collect();
    // An open-ended fact does not cap.
    if in_force
        .iter()
        .any(|f| !f.member("valid_until").is_present())
    {
        return Ok(None);
    }
    Ok(in_force
        .iter()
        .filter_map(|f| f.member("valid_until").date())
        .max())
}

impl FactRef {
    fn total(&self, cx: &RunCx<'_>) -> Option<Decimal> {
        match &self.quantity.as_ref()?.1 {
            Total::Field(field) => cx.get(field).decimal(),
            Total::Sum(list, member) => {
                let Node::List(items) = cx.get(list) else {
                    return Some(Decimal::ZERO);
                };
                (0..items.len())
                    .filter_map(|i| member.pointer.resolve(items.item(i)).decimal())
                    .try_fold(Decimal::ZERO, |sum, q| sum.checked_add(q))
            }
        }
    }
}

impl Check for FactRef {
    fn run<'a>(&self, cx: &RunCx<'a>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let Some(at) = self.field.iter().find(|r| cx.get(r).is_present()) else {
            return Ok(());
        };
        let Some(value) = cx.get(at).text().filter(|v| !v.is_empty()) else {
            return Ok(());
        };
        let mut wanted = Vec::new();
        for (member, reference) in &self.matches {
            let Some(text) = cx.get(reference).text() else {
                return Ok(());
            };
            wanted.push((member.as_str(), text));
        }
        let date = match &self.in_force {
            None => None,
            Some(refs) => match first_given(cx, refs).date().or(cx.as_of) {
                Some(date) => Some(date),
                None => return Ok(()),
            },
        };
        let total = match &self.quantity {
            None => None,
            Some(_) => match self.total(cx) {
                Some(total) => Some(total),
                None => return Ok(()),
            },
        };
        // The candidates are walked again rather than collected: a document that
        // one of them answers allocates nothing here.
        let candidates = cx
            .facts
            .find_having(self.fact, &self.key, &value)
            .ok_or_else(|| Unevaluable::facts_missing(self.fact))?
            .filter(|f| wanted.iter().all(|(m, v)| has(f.member(m), v)));
        if candidates.clone().next().is_none() && !self.unknown_evaluates {
            return Err(Unevaluable::fact_not_found(format!(
                "no `{}` fact has {} {value}",
                self.fact, self.key
            )));
        }
        // Fields the fact must agree with where it gives the member.
        let mut same = Vec::new();
        for (member, reference) in &self.same {
            if let Some(text) = cx.get(reference).text() {
                same.push((member.as_str(), text));
            }
        }
        let candidates = candidates.filter(|f| {
            same.iter()
                .all(|(m, v)| !f.member(m).is_present() || has(f.member(m), v))
        });
        // A candidate with what it has moved already and the last day its capping
        // fact allows.
        let weigh = |fact: Node<'a>| -> Result<Candidate<'a>, Unevaluable> {
            let used = match &self.used {
                None => Some(Decimal::ZERO),
                Some(spec) => spec.moved(cx, &fact)?,
            };
            let cap = match &self.capped_by {
                None => None,
                Some((collection, holder)) => cap(cx, collection, holder, &fact)?,
            };
            Ok(Candidate { fact, used, cap })
        };
        // (first day, last day within the months allowed and the cap) of a candidate.
        let window = |c: &Candidate<'_>| {
            let from = c.fact.member("valid_from").date();
            let until = c.fact.member("valid_until").date();
            let months = self
                .months
                .and_then(|m| from.and_then(|f| months_after(f, m)));
            let until = [until, months, c.cap].into_iter().flatten().min();
            (from, until)
        };
        let covers = |c: &Candidate<'_>| match (&self.quantity, total, c.used) {
            (Some((member, _)), Some(total), Some(used)) => {
                let needed = total.checked_add(used);
                c.fact
                    .member(member)
                    .decimal()
                    .zip(needed)
                    .is_some_and(|(q, needed)| q >= needed)
            }
            (Some(_), Some(_), None) => false,
            _ => true,
        };
        let dated = |c: &Candidate<'_>| match date {
            None => true,
            Some(date) => {
                let (from, until) = window(c);
                (from.is_some() || self.months.is_none())
                    && from.is_none_or(|f| f <= date)
                    && until.is_none_or(|u| date <= u)
            }
        };
        // Every candidate is weighed, so that one that cannot be still leaves the
        // rule not evaluated.
        let mut answered = false;
        for fact in candidates.clone() {
            let candidate = weigh(fact)?;
            answered |= covers(&candidate) && dated(&candidate);
        }
        if answered {
            return Ok(());
        }
        let weighed = candidates.map(weigh).collect::<Result<Vec<_>, _>>()?;
        let nearest = weighed.iter().rev().find(|c| covers(c)).or(weighed.first());
        let day = |d: Option<Date>| d.map_or(Value::Null, |d| d.to_string().into());
        let used_nearest = nearest
            .and_then(|c| c.used)
            .map_or(Value::Null, |u| u.normalize().to_string().into());
        let (found, from, until, nearest_text) = match nearest {
            None => (
                Value::Null,
                Value::Null,
                Value::Null,
                serde_json::json!({"zh-CN": "", "en": ""}),
            ),
            Some(c) => {
                let fact = &c.fact;
                let (from, until) = window(c);
                let number = fact.member("number").text().map(|t| t.into_owned());
                let show = |d: Option<Date>| d.map_or_else(|| "—".to_owned(), |d| d.to_string());
                let name = number.clone().unwrap_or_else(|| "—".into());
                // What was already moved under it, where the check counts it.
                let (moved_zh, moved_en) = match c.used.filter(|_| self.used.is_some()) {
                    Some(used) => {
                        let used = used.normalize();
                        (
                            format!("，其下已转移 {used} 吨"),
                            format!(", {used} t already moved under it"),
                        )
                    }
                    None => (String::new(), String::new()),
                };
                (
                    number.map_or(Value::Null, Value::from),
                    day(from),
                    day(until),
                    serde_json::json!({
                        "zh-CN": format!("（最接近的为 {name}：{} 至 {}{moved_zh}）", show(from), show(until)),
                        "en": format!(" (the nearest: {name}, {} to {}{moved_en})", show(from), show(until)),
                    }),
                )
            }
        };
        // Only the parameters of the options the check uses.
        let mut params = vec![
            ("value", Value::from(value.as_ref())),
            ("fact", self.fact.into()),
        ];
        // The nearest candidate differs from the key's own fact only with these.
        if !self.matches.is_empty() || self.quantity.is_some() {
            params.extend([("found", found), ("nearest", nearest_text)]);
        }
        if self.in_force.is_some() {
            params.extend([("date", day(date)), ("from", from), ("until", until)]);
        }
        if let Some(months) = self.months {
            params.push(("months", months.into()));
        }
        if let Some(total) = total {
            params.push(("quantity", total.normalize().to_string().into()));
        }
        if self.used.is_some() {
            params.push(("used", used_nearest));
        }
        out.push(Finding::new(cx.path(at), params));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paths, run};
    use serde_json::json;

    #[test]
    fn a_value_must_name_a_fact() {
        let check = "kind = \"fact-ref\"\nfield = \"/track_id\"\nfact = \"tracks\"";
        let doc = json!({"kind": "manifest", "track_id": "T-2"});
        let facts = json!({"tracks": [{"id": "T-1"}]});
        let found = run(check, None, doc.clone(), Some(facts)).unwrap().unwrap();
        assert_eq!(found[0].params["value"], "T-2");
        assert!(
            run(check, None, doc, None).unwrap().is_err(),
            "not evaluated without tracks"
        );
    }

    const LICENCE: &str = "kind = \"fact-ref\"\nfield = [\"receiver/licence_number\", \"receiver_licence_number\"]\nfact = \"licences\"\nkey = \"number\"\nin_force = [\"dispatched_at\", \"time\"]\nunknown = \"not-evaluated\"";

    fn licences() -> serde_json::Value {
        json!({"licences": [{"number": "L-1", "holder": "91330100716105852F", "valid_from": "2021-01-01", "valid_until": "2025-12-31"}]})
    }

    #[test]
    fn a_licence_in_force_on_the_day_it_is_used() {
        let manifest = |date: &str| json!({"kind": "manifest", "receiver": {"licence_number": "L-1"}, "dispatched_at": date});
        let ok = run(
            LICENCE,
            Some(""),
            manifest("2025-12-31T08:00:00+08:00"),
            Some(licences()),
        );
        assert!(ok.unwrap().unwrap().is_empty());
        let late = run(
            LICENCE,
            Some(""),
            manifest("2026-01-02T08:00:00+08:00"),
            Some(licences()),
        )
        .unwrap()
        .unwrap();
        assert_eq!(paths(&late), ["/receiver/licence_number"]);
        assert_eq!(late[0].params["until"], "2025-12-31");
        assert_eq!(late[0].params["date"], "2026-01-02");
        let ledger = json!({"kind": "ledger", "entries": [
            {"time": "2025-06-01T08:00:00+08:00", "receiver_licence_number": "L-1"},
            {"time": "2026-06-01T08:00:00+08:00", "receiver_licence_number": "L-1"},
            {"time": "2026-06-01T08:00:00+08:00", "receiver_licence_number": "L-9"}
        ]});
        let outcome = run(LICENCE, Some("/entries"), ledger, Some(licences())).unwrap();
        assert!(
            outcome.unwrap_err().contains("L-9"),
            "a licence the host did not pass is not evaluated"
        );
    }

    const APPROVAL: &str = "kind = \"fact-ref\"\nfield = \"code\"\nfact = \"approvals\"\nkey = \"codes\"\nmatch = { consignor = \"/consignor/credit_code\", receiver = \"/receiver/credit_code\" }\nin_force = \"/dispatched_at\"\nvalidity_months = 12\nquantity = \"quantity\"\nat_least = { sum = \"/wastes\", of = \"quantity\" }";

    fn transfer(date: &str) -> serde_json::Value {
        json!({"kind": "manifest", "consignor": {"credit_code": "91330603MA2D7K4P5W"}, "receiver": {"credit_code": "91320505MA1W2K8L3P"}, "dispatched_at": date, "wastes": [
            {"code": "900-249-08", "quantity": {"value": "8.4", "unit": "t"}},
            {"code": "900-039-49", "quantity": {"value": "1600", "unit": "kg"}}
        ]})
    }

    fn approvals(quantity: &str, codes: &[&str]) -> serde_json::Value {
        json!({"approvals": [{"number": "A-1", "consignor": "91330603MA2D7K4P5W", "receiver": "91320505MA1W2K8L3P", "codes": codes, "quantity": {"value": quantity, "unit": "t"}, "valid_from": "2026-02-20", "valid_until": "2027-06-30"}]})
    }

    #[test]
    fn an_approval_matching_parties_codes_quantity_and_months() {
        let both = ["900-249-08", "900-039-49"];
        let ok = run(
            APPROVAL,
            Some("/wastes"),
            transfer("2026-03-02T08:00:00+08:00"),
            Some(approvals("10", &both)),
        );
        assert!(ok.unwrap().unwrap().is_empty());
        let one_code = run(
            APPROVAL,
            Some("/wastes"),
            transfer("2026-03-02T08:00:00+08:00"),
            Some(approvals("10", &both[..1])),
        )
        .unwrap()
        .unwrap();
        assert_eq!(paths(&one_code), ["/wastes/1/code"]);
        assert_eq!(one_code[0].params["nearest"]["en"], "");
        let too_little = run(
            APPROVAL,
            Some("/wastes"),
            transfer("2026-03-02T08:00:00+08:00"),
            Some(approvals("9.99", &both)),
        )
        .unwrap()
        .unwrap();
        assert_eq!(too_little.len(), 2);
        assert_eq!(too_little[0].params["quantity"], "10");
        let beyond = run(
            APPROVAL,
            Some("/wastes"),
            transfer("2027-03-02T08:00:00+08:00"),
            Some(approvals("10", &both)),
        )
        .unwrap()
        .unwrap();
        assert_eq!(beyond.len(), 2);
        assert_eq!(beyond[0].params["found"], "A-1");
        assert_eq!(
            beyond[0].params["until"], "2027-02-20",
            "12 months from its first day"
        );
        assert_eq!(
            beyond[0].params["nearest"]["zh-CN"],
            "（最接近的为 A-1：2026-02-20 至 2027-02-20）"
        );
    }

    #[test]
    fn earlier_transfers_the_method_and_the_receivers_licence() {
        let check = format!(
            "{APPROVAL}\nsame = {{ method = \"method\" }}\nused = {{ fact = \"manifests\", by = \"cross_province_approval\", exclude = \"/number\", lines = \"wastes\", quantity = [\"received_quantity\", \"quantity\"] }}\ncapped_by = {{ fact = \"licences\", holder = \"/receiver/credit_code\" }}"
        );
        let mut doc = transfer("2026-03-02T08:00:00+08:00");
        doc["number"] = json!("20263306000002");
        let mut facts = approvals("20", &["900-249-08", "900-039-49"]);
        facts["approvals"][0]["method"] = json!("R4");
        let licence = |until: &str| json!([{"number": "L-1", "holder": "91320505MA1W2K8L3P", "valid_from": "2024-01-01", "valid_until": until}]);
        facts["licences"] = licence("2028-12-31");
        // 10 t moved before under A-1 (received 9.5 t of it), the manifest itself
        // listed too: 9.5 + 10 ≤ 20.
        facts["manifests"] = json!([
            {"number": "20263306000001", "cross_province_approval": "A-1", "wastes": [{"quantity": {"value": "10", "unit": "t"}, "received_quantity": {"value": "9.5", "unit": "t"}}]},
            {"number": "20263306000002", "cross_province_approval": "A-1", "wastes": [{"quantity": {"value": "10", "unit": "t"}}]}
        ]);
        let run_it = |doc: &serde_json::Value, facts: &serde_json::Value| {
            run(&check, Some("/wastes"), doc.clone(), Some(facts.clone()))
        };
        assert!(run_it(&doc, &facts).unwrap().unwrap().is_empty());
        let mut more = facts.clone();
        more["manifests"][0]["wastes"][0]["received_quantity"]["value"] = json!("10.5");
        let over = run_it(&doc, &more).unwrap().unwrap();
        assert_eq!(over.len(), 2, "10.5 + 10 > 20");
        assert_eq!(over[0].params["used"], "10.5");
        let mut other_method = doc.clone();
        other_method["wastes"][0]["method"] = json!("D10");
        assert_eq!(
            paths(&run_it(&other_method, &facts).unwrap().unwrap()),
            ["/wastes/0/code"]
        );
        let mut capped = facts.clone();
        capped["licences"] = licence("2026-02-28");
        let found = run_it(&doc, &capped).unwrap().unwrap();
        assert_eq!(
            found[0].params["until"], "2026-02-28",
            "capped by the licence"
        );
        let mut no_manifests = facts.clone();
        no_manifests.as_object_mut().unwrap().remove("manifests");
        assert!(run_it(&doc, &no_manifests).unwrap().is_err());
    }

    #[test]
    fn options_are_checked_at_load() {
        let problems = run(
            "kind = \"fact-ref\"\nfield = \"/x\"\nfact = \"approvals\"\nvalidity_months = 1.5\nquantity = \"quantity\"\nunknown = \"ignore\"",
            None,
            json!({"kind": "manifest"}),
            None,
        )
        .unwrap_err()
        .join("\n");
        assert!(problems.contains("whole number of months"), "{problems}");
        assert!(problems.contains("needs `in_force`"), "{problems}");
        assert!(
            problems.contains("`quantity` and `at_least` go together"),
            "{problems}"
        );
        assert!(problems.contains("not-evaluated"), "{problems}");
    }
}

//! `plan-lists`: a document agrees with the holder's management plan for the year —
//! a manifest is filled in from the consignor's plan (转移办法 第十条(二)、第十四条):
//! the plan lists each line's waste code among its production or transfers, and
//! names the receiver in its transfers; a declaration's produced codes are in the
//! plan, and not far above what it expected (固废法 第七十八条, HJ 1259-2022 §5.2.3).
//!
//! ```toml
//! [check]
//! kind = "plan-lists"
//! holder = "/consignor/credit_code"
//! site = "/consignor/site_id"          # optional: plans of another site do not count
//! date = "/dispatched_at"              # or year = "/year"
//! lines = "/wastes"
//! code = "code"
//! receiver = "/receiver/credit_code"   # optional
//! ```
//! The plans are the `plans` facts whose enterprise is the holder and whose year is the
//! date's. A finding at each line's code the plans do not list, and at `receiver` when
//! no planned transfer names it. Provides `{year}`, `{filing}` (the plans' filing
//! numbers), `{what}`, `{value}` and `{expected}`. Not evaluated without `plans` facts,
//! or when none is the holder's for that year.
//!
//! Options for a declaration against its plan:
//!
//! ```toml
//! year = "/year"
//! listed_in = ["production"]    # the plan lists that count (default production, transfers)
//! latest = true                 # only the last filed plan counts (a changed plan replaces)
//! quantity = "produced"         # lines without a quantity above zero are skipped
//! exceeds = "$plan_output_margin"   # instead of listing: the quantity above the plan's
//!                                   # expected_quantity for the code by more than this share
//! ```
//! With `quantity`, findings also provide `{quantity}` (tonnes). With `exceeds`, a
//! finding at the line's quantity when it is above the planned total × (1 + margin);
//! codes the plan does not list are not reported (that is the listing check's
//! finding), nor codes whose planned quantity is not given. Provides `{planned}`,
//! `{limit}` (tonnes) and `{margin}` (percent).

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable};
use super::{Param as P, ParamType as T};
use crate::json::pointer::Pointer;
use crate::model::Decimal;
use crate::model::node::Node;
use serde_json::{Value, json};

pub const KIND: Kind = Kind {
    name: "plan-lists",
    offers: None,
    provides: &[
        "year", "filing", "what", "value", "expected", "quantity", "planned", "limit", "margin",
    ],
    params: PARAMS,
    finds: "a line's code, or the receiver, not in the holder's management plan for the year (`plans` facts); with `exceeds`, a line's quantity above the plan's expected quantity for the code by more than that share",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("holder", T::Pointer, "the plan's enterprise"),
    P::optional(
        "site",
        T::Pointer,
        "the site: plans of another site do not count",
    ),
    P::optional(
        "date",
        T::Pointer,
        "the date whose year's plans count; `date` or `year`",
    ),
    P::optional(
        "year",
        T::Pointer,
        "the year whose plans count; `date` or `year`",
    ),
    P::optional("lines", T::Pointer, "the document's lines (required)"),
    P::optional("code", T::Pointer, "each line's waste code (required)"),
    P::optional(
        "receiver",
        T::Pointer,
        "the receiver a planned transfer must name",
    ),
    P::optional(
        "listed_in",
        T::Texts,
        "the plan lists that count (default production, transfers)",
    ),
    P::optional("latest", T::Boolean, "only the last filed plan counts").default("false"),
    P::optional(
        "quantity",
        T::Pointer,
        "each line's quantity: lines without one above zero are skipped",
    ),
    P::optional(
        "exceeds",
        T::Decimal,
        "instead of listing: a line's quantity above the plan's expected quantity by more than this share",
    ),
];

const LISTS: &[&str] = &["production", "transfers"];

#[derive(Debug)]
struct PlanLists {
    holder: Ref,
    site: Option<Ref>,
    /// The date whose year it is, or the year itself.
    date: Ref,
    lines: Pointer,
    code: Pointer,
    receiver: Option<Ref>,
    listed_in: Vec<&'static str>,
    latest: bool,
    quantity: Option<Pointer>,
    exceeds: Option<Decimal>,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let holder = args.field("holder");
    let site = args.optional_field("site");
    let date = match (args.has("date"), args.has("year")) {
        (true, false) => args.field("date"),
        (false, true) => args.field("year"),
        _ => {
            args.problems
                .push("give `date` (the year is its year) or `year`, one of them".into());
            None
        }
    };
    let lines = args.optional_string("lines").map(Pointer::parse);
    let code = args.optional_string("code").map(Pointer::parse);
    let receiver = args.optional_field("receiver");
    if lines.is_none() || code.is_none() {
        args.problems.push("`lines` and `code` are required".into());
    }
    let listed_in = match args.optional_strings("listed_in") {
        None => LISTS.to_vec(),
        Some(names) => names
            .iter()
            .filter_map(|n| {
                let found = LISTS.iter().find(|l| *l == n).copied();
                if found.is_none() {
                    args.problems.push(format!(
                        "`listed_in` names `{n}`: use production, transfers"
                    ));
                }
                found
            })
            .collect(),
    };
    let latest = args.flag("latest", false);
    let quantity = args.optional_string("quantity").map(Pointer::parse);
    let exceeds = args.optional_decimal("exceeds");
    if let Some(lines) = &lines {
        for member in [&code, &quantity].into_iter().flatten() {
            args.reads_in_items(lines, member);
        }
    }
    if exceeds.is_some() && (quantity.is_none() || receiver.is_some()) {
        args.problems.push(
            "`exceeds` compares the line's `quantity` (required) and takes no `receiver`".into(),
        );
    }
    Some(Box::new(PlanLists {
        holder: holder?,
        site,
        date: date?,
        lines: lines?,
        code: code?,
        receiver,
        listed_in,
        latest,
        quantity,
        exceeds,
    }))
}

/// Whether an item of `list` has `value` as its `member`.
fn lists(list: Node<'_>, member: &str, value: &str) -> bool {
    match list {
        Node::List(items) => {
            (0..items.len()).any(|i| items.item(i).member(member).text().as_deref() == Some(value))
        }
        _ => false,
    }
}

fn localised(zh: &str, en: &str) -> Value {
    json!({ "zh-CN": zh, "en": en })
}

fn plain(d: Decimal) -> Value {
    d.normalize().to_string().into()
}

impl PlanLists {
    /// The lines to check: (index, code, quantity). An iterator to walk again, not
    /// a list: a document its plans cover allocates nothing here.
    fn lines<'a>(
        &self,
        cx: &RunCx<'a>,
    ) -> impl Iterator<Item = (usize, &'a crate::model::WasteCode, Option<Decimal>)> + Clone {
        let lines = match self.lines.resolve(cx.root) {
            Node::List(lines) => Some(lines),
            _ => None,
        };
        (0..lines.map_or(0, |l| l.len())).filter_map(move |index| {
            let lines = lines?;
            let line = lines.item(index);
            let Node::WasteCode(code) = self.code.resolve(line) else {
                return None;
            };
            match &self.quantity {
                None => Some((index, code, None)),
                Some(q) => q
                    .resolve(line)
                    .decimal()
                    .filter(|q| !q.is_zero() || self.exceeds.is_some())
                    .map(|q| (index, code, Some(q))),
            }
        })
    }

    /// The holder's plans for the year (only the last filed with `latest`). An
    /// iterator to walk again, not a list: a document its plans cover allocates
    /// nothing here.
    fn plans<'a>(
        &self,
        cx: &RunCx<'a>,
        holder: &str,
        year: i32,
    ) -> Result<impl Iterator<Item = Node<'a>> + Clone + use<'a>, Unevaluable> {
        let site = self.site.as_ref().and_then(|s| cx.get(s).text());
        let Some(held) = cx.facts.find("plans", "enterprise/credit_code", holder) else {
            return Err(Unevaluable::facts_missing("plans"));
        };
        let found = held.filter(move |plan| {
            matches!(plan.member("year"), Node::Year(y) if y.get() == year)
                && match (&site, plan.member("enterprise").member("site_id").text()) {
                    (Some(site), Some(plan_site)) => *site == plan_site,
                    _ => true,
                }
        });
        if found.clone().next().is_none() {
            return Err(Unevaluable::fact_not_found(format!(
                "no management plan of {holder} for {year} among the plans facts"
            )));
        }
        // With `latest`, the last filed (of equal dates, the later in the list)
        // alone; otherwise all of them.
        let filed = |p: &Node<'_>| p.member("filed_at").date();
        let last = self.latest.then(|| {
            found
                .clone()
                .reduce(|best, p| if filed(&p) >= filed(&best) { p } else { best })
        });
        let all = found.take(if self.latest { 0 } else { usize::MAX });
        Ok(all.chain(last.flatten()))
    }
}

impl Check for PlanLists {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let year = match cx.get(&self.date) {
            Node::Year(y) => Some(y.get()),
            other => other.date().map(|d| d.year()),
        };
        let (Some(holder), Some(year)) = (cx.get(&self.holder).text(), year) else {
            return Ok(());
        };
        let lines = self.lines(cx);
        let receiver = self
            .receiver
            .as_ref()
            .and_then(|r| Some((r, cx.get(r).text()?)));
        if lines.clone().next().is_none() && receiver.is_none() {
            return Ok(());
        }
        let plans = self.plans(cx, &holder, year)?;
        // The plans' filing numbers, written out only for a finding: a document
        // its plans cover allocates nothing here.
        let filing = || {
            let filings: Vec<_> = plans
                .clone()
                .filter_map(|plan| plan.member("filing_number").text())
                .collect();
            if filings.is_empty() {
                Value::Null
            } else {
                filings.join("、").into()
            }
        };
        let line_path = |index: usize, member: &Pointer| {
            format!("{}/{index}{}", self.lines.as_str(), member.as_str())
        };
        if let (Some(margin), Some(quantity)) = (self.exceeds, &self.quantity) {
            for (index, code, produced) in lines {
                let Some(produced) = produced else { continue };
                let mut planned = Decimal::ZERO;
                let mut listed = false;
                let mut all_given = true;
                for plan in plans.clone() {
                    let Node::List(items) = plan.member("production") else {
                        continue;
                    };
                    for item in (0..items.len()).map(|i| items.item(i)) {
                        if item.member("code").text().as_deref() == Some(code.as_str()) {
                            listed = true;
                            match item
                                .member("expected_quantity")
                                .decimal()
                                .and_then(|q| planned.checked_add(q))
                            {
                                Some(sum) => planned = sum,
                                None => all_given = false,
                            }
                        }
                    }
                }
                let limit = Decimal::ONE
                    .checked_add(margin)
                    .and_then(|m| planned.checked_mul(m));
                let percent = margin.checked_mul(Decimal::ONE_HUNDRED);
                if let (true, true, Some(limit), Some(percent)) =
                    (listed, all_given, limit, percent)
                    && produced > limit
                {
                    out.push(Finding::new(
                        line_path(index, quantity),
                        [
                            ("year", year.to_string().into()),
                            ("filing", filing()),
                            ("value", code.as_str().into()),
                            ("quantity", plain(produced)),
                            ("planned", plain(planned)),
                            ("limit", plain(limit)),
                            ("margin", plain(percent)),
                        ],
                    ));
                }
            }
            return Ok(());
        }
        let expected = || {
            if self.listed_in == LISTS {
                localised(
                    "计划的产生或转移信息应包含该代码",
                    "the code should be among its planned production or transfers",
                )
            } else if self.listed_in == ["production"] {
                localised(
                    "计划的产生信息应包含该代码",
                    "the code should be among its planned production",
                )
            } else {
                localised(
                    "计划的转移信息应包含该代码",
                    "the code should be among its planned transfers",
                )
            }
        };
        for (index, code, quantity) in lines {
            let planned = plans.clone().any(|plan| {
                self.listed_in
                    .iter()
                    .any(|list| lists(plan.member(list), "code", code.as_str()))
            });
            if !planned {
                let mut params = vec![
                    ("year", Value::from(year.to_string())),
                    ("filing", filing()),
                    ("what", localised("废物代码", "waste code")),
                    ("value", code.as_str().into()),
                    ("expected", expected()),
                ];
                if let Some(q) = quantity {
                    params.push(("quantity", plain(q)));
                }
                out.push(Finding::new(line_path(index, &self.code), params));
            }
        }
        if let Some((receiver_ref, receiver)) = receiver
            && !plans
                .clone()
                .any(|plan| lists(plan.member("transfers"), "receiver_credit_code", &receiver))
        {
            out.push(Finding::new(
                cx.path(receiver_ref),
                [
                    ("year", year.to_string().into()),
                    ("filing", filing()),
                    ("what", localised("接受人", "the receiver")),
                    ("value", receiver.as_ref().into()),
                    (
                        "expected",
                        localised(
                            "计划的转移信息应列明该接受人",
                            "a planned transfer should name this receiver",
                        ),
                    ),
                ],
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use serde_json::json;

    #[test]
    fn codes_and_receiver_in_the_plan() {
        let check = "kind = \"plan-lists\"\nholder = \"/consignor/credit_code\"\ndate = \"/dispatched_at\"\nlines = \"/wastes\"\ncode = \"code\"\nreceiver = \"/receiver/credit_code\"";
        let doc = json!({"kind": "manifest", "consignor": {"credit_code": "91330100716105852F"}, "receiver": {"credit_code": "914403001922038216"},
            "dispatched_at": "2026-03-02T08:00:00+08:00", "wastes": [{"code": "900-041-49"}, {"code": "900-249-08"}]});
        let plan = |year: u32| {
            json!({"enterprise": {"credit_code": "91330100716105852F"}, "year": year, "filing_number": "F-1",
            "production": [{"code": "900-041-49"}], "transfers": [{"code": "900-041-49", "receiver_credit_code": "91440300708461136T"}]})
        };
        let found = run(
            check,
            None,
            doc.clone(),
            Some(json!({"plans": [plan(2026)]})),
        )
        .unwrap()
        .unwrap();
        let paths: Vec<&str> = found.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["/wastes/1/code", "/receiver/credit_code"]);
        assert_eq!(found[0].params["filing"], "F-1");
        let other_year = run(
            check,
            None,
            doc.clone(),
            Some(json!({"plans": [plan(2025)]})),
        )
        .unwrap();
        assert!(other_year.unwrap_err().contains("no management plan"));
        assert!(run(check, None, doc, None).unwrap().is_err());
    }

    fn declaration() -> serde_json::Value {
        json!({"kind": "declaration", "year": 2025, "enterprise": {"credit_code": "91330100716105852F"}, "hazardous": [
            {"code": "900-041-49", "produced": {"value": "1.2", "unit": "t"}},
            {"code": "900-249-08", "produced": {"value": "4300", "unit": "kg"}},
            {"code": "900-039-49", "produced": {"value": "0", "unit": "t"}},
            {"code": "336-064-17", "produced": {"value": "2", "unit": "t"}}
        ]})
    }

    fn plans() -> serde_json::Value {
        json!({"plans": [
            {"enterprise": {"credit_code": "91330100716105852F"}, "year": 2025, "filing_number": "F-1", "filed_at": "2025-02-01",
             "production": [{"code": "900-041-49", "expected_quantity": {"value": "5", "unit": "t"}}]},
            {"enterprise": {"credit_code": "91330100716105852F"}, "year": 2025, "filing_number": "F-2", "filed_at": "2025-03-01",
             "production": [{"code": "900-041-49", "expected_quantity": {"value": "1", "unit": "t"}}, {"code": "900-249-08", "expected_quantity": {"value": "3.5", "unit": "t"}}],
             "transfers": [{"code": "336-064-17"}]}
        ]})
    }

    #[test]
    fn produced_codes_in_the_latest_plan() {
        let check = "kind = \"plan-lists\"\nholder = \"/enterprise/credit_code\"\nyear = \"/year\"\nlines = \"/hazardous\"\ncode = \"code\"\nlisted_in = [\"production\"]\nlatest = true\nquantity = \"produced\"";
        let found = run(check, None, declaration(), Some(plans()))
            .unwrap()
            .unwrap();
        assert_eq!(
            super::super::testing::paths(&found),
            ["/hazardous/3/code"],
            "zero output is not checked; transfers do not count"
        );
        assert_eq!(found[0].params["filing"], "F-2");
        assert_eq!(found[0].params["quantity"], "2");
    }

    #[test]
    fn output_above_the_plan_by_more_than_the_margin() {
        let check = "kind = \"plan-lists\"\nholder = \"/enterprise/credit_code\"\nyear = \"/year\"\nlines = \"/hazardous\"\ncode = \"code\"\nlatest = true\nquantity = \"produced\"\nexceeds = \"0.2\"";
        let found = run(check, None, declaration(), Some(plans()))
            .unwrap()
            .unwrap();
        assert_eq!(
            super::super::testing::paths(&found),
            ["/hazardous/1/produced"],
            "1.2 t is exactly 20% above 1 t; 4.3 t is above 4.2 t"
        );
        assert_eq!(found[0].params["planned"], "3.5");
        assert_eq!(found[0].params["limit"], "4.2");
        assert_eq!(found[0].params["margin"], "20");
        assert_eq!(found[0].params["quantity"], "4.3");
    }
}

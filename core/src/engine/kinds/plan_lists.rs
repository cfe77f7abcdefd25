//! `plan-lists`: a manifest is filled in from the consignor's management plan
//! (转移办法 第十条(二)、第十四条): the plan of the dispatch year lists each line's
//! waste code among its production or transfers, and names the receiver in its
//! transfers.
//!
//! ```toml
//! [check]
//! kind = "plan-lists"
//! holder = "/consignor/credit_code"
//! site = "/consignor/site_id"          # optional: plans of another site do not count
//! date = "/dispatched_at"
//! lines = "/wastes"
//! code = "code"
//! receiver = "/receiver/credit_code"   # optional
//! ```
//! The plans are the `plans` facts whose enterprise is the holder and whose year is the
//! date's. A finding at each line's code the plans do not list, and at `receiver` when
//! no planned transfer names it. Provides `{year}`, `{filing}` (the plans' filing
//! numbers), `{what}`, `{value}` and `{expected}`. Not evaluated without `plans` facts,
//! or when none is the holder's for that year.

use super::{Args, Check, Finding, Kind, NotEvaluated, Ref, RunCx};
use crate::engine::node::{Node, Pointer, Record};
use serde_json::{Value, json};

pub const KIND: Kind = Kind {
    name: "plan-lists",
    provides: &["year", "filing", "what", "value", "expected"],
    compile,
};

#[derive(Debug)]
struct PlanLists {
    holder: Ref,
    site: Option<Ref>,
    date: Ref,
    lines: Pointer,
    code: Pointer,
    receiver: Option<Ref>,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let holder = args.field("holder");
    let site = args.optional_field("site");
    let date = args.field("date");
    let lines = args.optional_string("lines").map(Pointer::parse);
    let code = args.optional_string("code").map(Pointer::parse);
    let receiver = args.optional_field("receiver");
    if lines.is_none() || code.is_none() {
        args.problems.push("`lines` and `code` are required".into());
    }
    Some(Box::new(PlanLists {
        holder: holder?,
        site,
        date: date?,
        lines: lines?,
        code: code?,
        receiver,
    }))
}

fn texts<'a>(list: Node<'a>, member: &str) -> Vec<std::borrow::Cow<'a, str>> {
    match list {
        Node::List(items) => (0..items.len())
            .filter_map(|i| items.item(i).member(member).text())
            .collect(),
        _ => Vec::new(),
    }
}

fn localised(zh: &str, en: &str) -> Value {
    json!({ "zh-CN": zh, "en": en })
}

impl Check for PlanLists {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), NotEvaluated> {
        let (Some(holder), Some(date)) = (cx.get(&self.holder).text(), cx.get(&self.date).date())
        else {
            return Ok(());
        };
        let site = self.site.as_ref().and_then(|s| cx.get(s).text());
        let Node::List(plans) = cx.facts.member("plans") else {
            return Err(NotEvaluated("no `plans` facts were passed".into()));
        };
        let year = date.year();
        let mut found = false;
        let (mut codes, mut receivers, mut filings) = (Vec::new(), Vec::new(), Vec::new());
        for plan in (0..plans.len()).map(|i| plans.item(i)) {
            let enterprise = plan.member("enterprise");
            let same_year = matches!(plan.member("year"), Node::Year(y) if y.get() == year);
            if enterprise.member("credit_code").text().as_deref() != Some(holder.as_ref())
                || !same_year
            {
                continue;
            }
            if let (Some(site), Some(plan_site)) = (&site, enterprise.member("site_id").text())
                && *site != plan_site
            {
                continue;
            }
            found = true;
            filings.extend(plan.member("filing_number").text());
            codes.extend(texts(plan.member("production"), "code"));
            codes.extend(texts(plan.member("transfers"), "code"));
            receivers.extend(texts(plan.member("transfers"), "receiver_credit_code"));
        }
        if !found {
            return Err(NotEvaluated(format!(
                "no management plan of {holder} for {year} among the plans facts"
            )));
        }
        let filing = if filings.is_empty() {
            Value::Null
        } else {
            filings.join("、").into()
        };
        let finding = |path: String, what: Value, value: &str, expected: Value| {
            Finding::new(
                path,
                &[
                    ("year", year.to_string().into()),
                    ("filing", filing.clone()),
                    ("what", what),
                    ("value", value.into()),
                    ("expected", expected),
                ],
            )
        };
        if let Node::List(lines) = self.lines.resolve(cx.root) {
            for index in 0..lines.len() {
                if let Node::WasteCode(code) = self.code.resolve(lines.item(index))
                    && !codes.iter().any(|c| c == code.as_str())
                {
                    out.push(finding(
                        format!("{}/{index}{}", self.lines.as_str(), self.code.as_str()),
                        localised("废物代码", "waste code"),
                        code.as_str(),
                        localised(
                            "计划的产生或转移信息应包含该代码",
                            "the code should be among its planned production or transfers",
                        ),
                    ));
                }
            }
        }
        if let Some(receiver_ref) = &self.receiver
            && let Some(receiver) = cx.get(receiver_ref).text()
            && !receivers.contains(&receiver)
        {
            out.push(finding(
                cx.path(receiver_ref),
                localised("接受人", "the receiver"),
                &receiver,
                localised(
                    "计划的转移信息应列明该接受人",
                    "a planned transfer should name this receiver",
                ),
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
}

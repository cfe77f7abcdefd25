//! `unless_exempt`, an option of the licence kinds (`licence-scope`, `in-force`): a
//! waste line that claims an exemption of the 豁免管理清单 at a stage that lifts the
//! duty the kind checks — at 利用 or 处置, a receiver needs no licence for it (名录2021
//! 第三条: "列入本名录附录《危险废物豁免管理清单》中的危险废物，在所列的豁免环节，且满足
//! 相应的豁免条件时，可以按照豁免内容的规定实行豁免管理") — is not checked.
//!
//! ```toml
//! [check.unless_exempt]
//! lines = "/wastes"            # optional: every line must be exempt (else: the `each` item)
//! code = "code"                # a line's waste code …
//! item = "exemption/item"      # … the 序号 of the item it claims …
//! stage = "exemption/stage"    # … and the stage it claims
//! stages = ["utilisation", "disposal"]   # the stages that lift the duty ("all" always does)
//! approved = 32                # optional: the item that counts only with an approval …
//! approvals = "directed_utilisations"    # … among these facts …
//! consignor = "/consignor/credit_code"   # … naming this consignor, the kind's holder as
//!                                        # receiver and the code, in force on the kind's date
//! ```
//! A line is exempt when its claimed stage is one of `stages` (or `all`), the list's
//! item gives that stage for the line's code (the catalogue edition in force), and,
//! for the `approved` item, an approval of the consignor and the receiver listing the
//! code is in force on the date. The conditions of an item (豁免条件) are the
//! consignor's claim, with its evidence; a claim the list does not give is
//! `cn.catalogue.exemption-misapplied`'s finding, and the line is checked as usual.
//! Not evaluated when an `approved` item is claimed and the host passed no such facts.

use super::{Args, Ref, RunCx, Unevaluable, in_force_on};
use super::{Param as P, ParamType as T};
use crate::json::pointer::Pointer;
use crate::model::node::Node;
use crate::model::{Date, ExemptionStage};
use serde_json::Value;

/// Fact collections of approvals an exemption item may need.
const APPROVALS: &[&str] = &["directed_utilisations"];

/// The members of `unless_exempt`.
pub(crate) const MEMBERS: &[P] = &[
    P::optional(
        "lines",
        T::Pointer,
        "the document's lines, every one of which must be exempt (else: the item of `each`)",
    ),
    P::required("code", T::Pointer, "a line's waste code"),
    P::required(
        "item",
        T::Pointer,
        "the 序号 of the exemption item a line claims",
    ),
    P::required("stage", T::Pointer, "the stage a line claims"),
    P::required(
        "stages",
        T::Texts,
        "the stages that lift the duty: collection, transport, utilisation, disposal, storage (`all` always does)",
    ),
    P::optional(
        "approved",
        T::Integer,
        "the item that counts only with an approval among the facts",
    ),
    P::optional(
        "approvals",
        T::Choice(APPROVALS),
        "with `approved`: the fact collection of those approvals",
    ),
    P::optional(
        "consignor",
        T::Pointer,
        "with `approved`: the consignor the approval names",
    ),
];

/// The option itself, as a kind declares it.
pub(crate) const PARAM: P = P::optional(
    "unless_exempt",
    T::Table(MEMBERS),
    "a line exempt at these stages under the 豁免管理清单 (the item giving the stage for its code; for `approved`, with an approval among the facts) is not checked; with `lines`, the document only when every line is",
);

/// `unless_exempt`, compiled.
#[derive(Debug)]
pub(crate) struct Exempt {
    lines: Option<Pointer>,
    code: Pointer,
    item: Pointer,
    stage: Pointer,
    stages: Vec<ExemptionStage>,
    approval: Option<Approval>,
}

/// An item that counts only with an approval fact.
#[derive(Debug)]
struct Approval {
    item: u32,
    fact: &'static str,
    consignor: Ref,
}

/// Reads `unless_exempt`, if given.
pub(crate) fn compile(args: &mut Args<'_>) -> Option<Exempt> {
    let table = args.optional_table("unless_exempt")?;
    let mut problems = Vec::new();
    for key in table.keys() {
        if !MEMBERS.iter().any(|m| m.name == key) {
            problems.push(format!("`unless_exempt`: unknown member `{key}`"));
        }
    }
    let pointer = |key: &str, problems: &mut Vec<String>| match table.get(key) {
        Some(Value::String(text)) if !text.is_empty() => Some(Pointer::parse(text)),
        Some(_) => {
            problems.push(format!("`unless_exempt.{key}` must be a JSON Pointer"));
            None
        }
        None => None,
    };
    let lines = pointer("lines", &mut problems);
    if lines.is_none() && !args.has_each() {
        problems.push(
            "`unless_exempt` needs `lines` in a rule without `each`: the lines that must all be exempt"
                .into(),
        );
    }
    let member = |key: &str, problems: &mut Vec<String>| {
        let found = pointer(key, problems);
        if found.is_none() && !table.contains_key(key) {
            problems.push(format!("`unless_exempt.{key}` is required: a JSON Pointer"));
        }
        found
    };
    let code = member("code", &mut problems);
    let item = member("item", &mut problems);
    let stage = member("stage", &mut problems);
    let stages: Vec<ExemptionStage> = match table.get("stages") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|s| {
                let parsed = s.as_str().and_then(|s| s.parse().ok());
                if parsed.is_none() {
                    problems.push(format!(
                        "`unless_exempt.stages` lists {s}: use all, collection, transport, utilisation, disposal or storage"
                    ));
                }
                parsed
            })
            .collect(),
        _ => {
            problems.push("`unless_exempt.stages` is required: a list of stages".into());
            Vec::new()
        }
    };
    let approved = table.get("approved");
    let approvals = table.get("approvals").and_then(Value::as_str);
    let consignor = table.get("consignor").and_then(Value::as_str);
    let approval = match (approved, approvals, consignor) {
        (None, None, None) => None,
        (Some(item), Some(fact), Some(consignor)) => {
            let item = item.as_u64().and_then(|n| u32::try_from(n).ok());
            let fact = APPROVALS.iter().find(|f| **f == fact).copied();
            let consignor = args.reference_in("unless_exempt.consignor", consignor);
            if item.is_none() {
                problems.push("`unless_exempt.approved` must be an item number".into());
            }
            if fact.is_none() {
                problems.push(format!(
                    "`unless_exempt.approvals`: use one of {}",
                    APPROVALS.join(", ")
                ));
            }
            match (item, fact, consignor) {
                (Some(item), Some(fact), Some(consignor)) => Some(Approval {
                    item,
                    fact,
                    consignor,
                }),
                _ => None,
            }
        }
        _ => {
            problems.push(
                "`unless_exempt`: `approved`, `approvals` and `consignor` go together".into(),
            );
            None
        }
    };
    for member in [&code, &item, &stage].into_iter().flatten() {
        match &lines {
            Some(lines) => args.reads_in_items(lines, member),
            None => args.reads(Ref {
                pointer: member.clone(),
                absolute: false,
            }),
        }
    }
    let failed = !problems.is_empty();
    args.problems.extend(problems);
    if failed {
        return None;
    }
    Some(Exempt {
        lines,
        code: code?,
        item: item?,
        stage: stage?,
        stages,
        approval,
    })
}

impl Exempt {
    /// Whether the check is lifted here: every line of `lines` (at least one), or
    /// the `each` item, is exempt. `holder` and `date` are the kind's receiver and
    /// date (an approval must name them).
    pub(crate) fn lifts(
        &self,
        cx: &RunCx<'_>,
        holder: Option<&str>,
        date: Option<Date>,
    ) -> Result<bool, Unevaluable> {
        match &self.lines {
            Some(lines) => {
                let Node::List(list) = lines.resolve(cx.root) else {
                    return Ok(false);
                };
                if list.is_empty() {
                    return Ok(false);
                }
                for i in 0..list.len() {
                    if !self.line_exempt(cx, list.item(i), holder, date)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            None => match cx.item {
                Some((item, _)) => self.line_exempt(cx, item, holder, date),
                None => Ok(false),
            },
        }
    }

    fn line_exempt(
        &self,
        cx: &RunCx<'_>,
        line: Node<'_>,
        holder: Option<&str>,
        date: Option<Date>,
    ) -> Result<bool, Unevaluable> {
        let (Node::WasteCode(code), Node::Count(item)) =
            (self.code.resolve(line), self.item.resolve(line))
        else {
            return Ok(false);
        };
        let Some(stage) = self
            .stage
            .resolve(line)
            .text()
            .and_then(|t| t.parse::<ExemptionStage>().ok())
        else {
            return Ok(false);
        };
        if stage != ExemptionStage::All && !self.stages.contains(&stage) {
            return Ok(false);
        }
        if !cx
            .catalogue()?
            .exemption_item(item)
            .any(|l| l.covers(code, stage))
        {
            return Ok(false);
        }
        let Some(approval) = self.approval.as_ref().filter(|a| a.item == item) else {
            return Ok(true);
        };
        let (Some(consignor), Some(receiver), Some(date)) =
            (cx.get(&approval.consignor).text(), holder, date)
        else {
            return Ok(false);
        };
        let mut found = cx
            .facts
            .find(approval.fact, "consignor", &consignor)
            .ok_or_else(|| Unevaluable::facts_missing(approval.fact))?;
        Ok(found.any(|fact| {
            fact.member("receiver").text().as_deref() == Some(receiver)
                && in_force_on(&fact, date)
                && match fact.member("codes") {
                    Node::List(list) => (0..list.len()).any(|i| match list.item(i) {
                        Node::WasteCode(c) => c == code,
                        other => other.text().as_deref() == Some(code.as_str()),
                    }),
                    _ => false,
                }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paths, run};
    use serde_json::json;

    const SCOPE: &str = "kind = \"licence-scope\"\nholder = \"/receiver/credit_code\"\ndate = \"/dispatched_at\"\ncode = \"code\"\nunless_exempt = { code = \"code\", item = \"exemption/item\", stage = \"exemption/stage\", stages = [\"utilisation\", \"disposal\"], approved = 32, approvals = \"directed_utilisations\", consignor = \"/consignor/credit_code\" }";

    fn doc() -> serde_json::Value {
        json!({"kind": "manifest", "consignor": {"credit_code": "91330603MA2D7K4P5W"}, "receiver": {"credit_code": "91330100716105852F"}, "dispatched_at": "2026-03-02T08:00:00+08:00", "wastes": [
            {"code": "900-249-08", "exemption": {"item": 8, "stage": "utilisation"}},
            {"code": "900-249-08", "exemption": {"item": 8, "stage": "transport"}},
            {"code": "900-041-49", "exemption": {"item": 8, "stage": "utilisation"}},
            {"code": "336-064-17", "exemption": {"item": 32, "stage": "utilisation"}}
        ]})
    }

    fn licences() -> serde_json::Value {
        json!([{"number": "L1", "holder": "91330100716105852F", "valid_from": "2024-01-01", "valid_until": "2028-12-31", "scope": [{"codes": ["900-214-08"]}]}])
    }

    #[test]
    fn exempt_lines_need_no_licence_for_them() {
        let approval = json!({"number": "A1", "consignor": "91330603MA2D7K4P5W", "receiver": "91330100716105852F", "codes": ["336-064-17"], "valid_from": "2025-01-01", "valid_until": "2026-12-31"});
        let found = run(
            SCOPE,
            Some("/wastes"),
            doc(),
            Some(json!({"licences": licences(), "directed_utilisations": [approval]})),
        )
        .unwrap()
        .unwrap();
        // Item 8 at utilisation lifts the duty; at transport it does not, nor for a
        // code item 8 does not list.
        assert_eq!(paths(&found), ["/wastes/1/code", "/wastes/2/code"]);
        let none = run(
            SCOPE,
            Some("/wastes"),
            doc(),
            Some(json!({"licences": licences(), "directed_utilisations": []})),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            paths(&none),
            ["/wastes/1/code", "/wastes/2/code", "/wastes/3/code"],
            "item 32 without an approval"
        );
        let missing = run(
            SCOPE,
            Some("/wastes"),
            doc(),
            Some(json!({"licences": licences()})),
        )
        .unwrap();
        assert!(
            missing.unwrap_err().contains("directed_utilisations"),
            "item 32 without the facts: not evaluated"
        );
    }

    #[test]
    fn a_document_is_lifted_only_when_every_line_is() {
        let check = "kind = \"in-force\"\nfact = \"licences\"\nholder = \"/receiver/credit_code\"\ndate = \"/dispatched_at\"\nunless_exempt = { lines = \"/wastes\", code = \"code\", item = \"exemption/item\", stage = \"exemption/stage\", stages = [\"utilisation\", \"disposal\"] }";
        let one = json!({"kind": "manifest", "receiver": {"credit_code": "91330100716105852F"}, "dispatched_at": "2026-03-02T08:00:00+08:00", "wastes": [
            {"code": "900-249-08", "exemption": {"item": 8, "stage": "utilisation"}}
        ]});
        let facts = json!({"licences": []});
        assert!(
            run(check, None, one, Some(facts.clone()))
                .unwrap()
                .unwrap()
                .is_empty()
        );
        let two = json!({"kind": "manifest", "receiver": {"credit_code": "91330100716105852F"}, "dispatched_at": "2026-03-02T08:00:00+08:00", "wastes": [
            {"code": "900-249-08", "exemption": {"item": 8, "stage": "utilisation"}},
            {"code": "900-041-49"}
        ]});
        assert_eq!(
            run(check, None, two, Some(facts)).unwrap().unwrap().len(),
            1
        );
    }

    #[test]
    fn checked_at_load() {
        let problems = run(
            "kind = \"in-force\"\nfact = \"licences\"\nholder = \"/receiver/credit_code\"\ndate = \"/dispatched_at\"\nunless_exempt = { code = \"code\", item = \"i\", stage = \"s\", stages = [\"resale\"], approved = 32 }",
            None,
            json!({"kind": "manifest"}),
            None,
        )
        .unwrap_err()
        .join("\n");
        assert!(problems.contains("needs `lines`"), "{problems}");
        assert!(problems.contains("resale"), "{problems}");
        assert!(problems.contains("go together"), "{problems}");
    }
}

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
//! collection_only = false   # true: only collection licences count
//! ```
//! A finding at `code` (or `method`) when no licence in force covers it. Provides
//! `{code}`, `{method}`, `{holder}`, `{licences}` (the numbers of the licences in
//! force). When the party holds no licence in force, nothing is reported here
//! (that is the unlicensed rule's finding); not evaluated without licence facts.

use super::in_force::{held_by, in_force_on};
use super::{Args, Check, Finding, Kind, NotEvaluated, Ref, RunCx};
use crate::engine::node::Node;

pub const KIND: Kind = Kind {
    name: "licence-scope",
    provides: &["code", "method", "holder", "licences"],
    compile,
};

#[derive(Debug)]
struct LicenceScope {
    holder: Ref,
    date: Ref,
    code: Ref,
    method: Option<Ref>,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let holder = args.field("holder");
    let date = args.field("date");
    let code = args.field("code");
    let method = args.optional_field("method");
    Some(Box::new(LicenceScope {
        holder: holder?,
        date: date?,
        code: code?,
        method,
    }))
}

fn list_has(node: Node<'_>, wanted: &str) -> bool {
    match node {
        Node::List(list) => (0..list.len()).any(|i| list.item(i).text().as_deref() == Some(wanted)),
        _ => false,
    }
}

impl Check for LicenceScope {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), NotEvaluated> {
        let (Some(holder), Some(date), Node::WasteCode(code)) = (
            cx.get(&self.holder).text(),
            cx.get(&self.date).date(),
            cx.get(&self.code),
        ) else {
            return Ok(());
        };
        let licences = held_by(cx, "licences", &holder)
            .ok_or_else(|| NotEvaluated("no `licences` facts were passed".into()))?;
        let in_force: Vec<Node<'_>> = licences
            .into_iter()
            .filter(|l| in_force_on(l, date))
            .collect();
        if in_force.is_empty() {
            return Ok(());
        }
        let numbers: Vec<String> = in_force
            .iter()
            .filter_map(|l| l.member("number").text().map(|t| t.into_owned()))
            .collect();
        let category = code.category().to_string();
        let method = self.method.as_ref().map(|m| (m, cx.get(m)));
        let method_text = method.as_ref().and_then(|(_, n)| n.text());
        let scopes = in_force
            .iter()
            .flat_map(|licence| match licence.member("scope") {
                Node::List(list) => (0..list.len()).map(|i| list.item(i)).collect::<Vec<_>>(),
                _ => Vec::new(),
            });
        let mut code_covered = false;
        let mut method_covered = method_text.is_none();
        for scope in scopes {
            if list_has(scope.member("codes"), code.as_str())
                || list_has(scope.member("categories"), &category)
            {
                code_covered = true;
                if let Some(method) = &method_text
                    && (list_has(scope.member("methods"), method)
                        || !scope.member("methods").is_present())
                {
                    method_covered = true;
                }
            }
        }
        let params = |path: String| {
            Finding::new(
                path,
                &[
                    ("code", code.as_str().into()),
                    (
                        "method",
                        method_text
                            .as_deref()
                            .map_or(serde_json::Value::Null, |m| m.into()),
                    ),
                    ("holder", holder.as_ref().into()),
                    ("licences", numbers.join("、").into()),
                ],
            )
        };
        if !code_covered {
            out.push(params(cx.path(&self.code)));
        } else if !method_covered && let Some((reference, _)) = &method {
            out.push(params(cx.path(reference)));
        }
        Ok(())
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
}

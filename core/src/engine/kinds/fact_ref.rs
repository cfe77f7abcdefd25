//! `fact-ref`: a value names a fact the host holds — a track id a track, a waybill
//! number a waybill, a site id a site.
//!
//! ```toml
//! [check]
//! kind = "fact-ref"
//! field = "/track_id"
//! fact = "tracks"
//! key = "id"
//! ```
//! A finding at `field` when no fact of the collection has that key. Provides
//! `{value}` and `{fact}`. Not evaluated when the host passed no such facts.

use super::{Args, Check, Finding, Kind, NotEvaluated, Ref, RunCx};
use crate::engine::node::{Node, Record};

pub const KIND: Kind = Kind {
    name: "fact-ref",
    provides: &["value", "fact"],
    compile,
};

const COLLECTIONS: &[&str] = &[
    "enterprises",
    "licences",
    "transport_permits",
    "insurance_policies",
    "approvals",
    "tracks",
    "waybills",
    "sites",
    "receipts",
];

#[derive(Debug)]
struct FactRef {
    field: Ref,
    fact: &'static str,
    key: String,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let field = args.field("field");
    let fact = args.choice("fact", COLLECTIONS);
    let key = args.optional_string("key").unwrap_or("id").to_owned();
    Some(Box::new(FactRef {
        field: field?,
        fact: fact?,
        key,
    }))
}

impl Check for FactRef {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), NotEvaluated> {
        let Some(value) = cx.get(&self.field).text() else {
            return Ok(());
        };
        let Node::List(list) = cx.facts.member(self.fact) else {
            return Err(NotEvaluated(format!(
                "no `{}` facts were passed",
                self.fact
            )));
        };
        let found = (0..list.len())
            .any(|i| list.item(i).member(&self.key).text().as_deref() == Some(value.as_ref()));
        if !found {
            out.push(Finding::new(
                cx.path(&self.field),
                &[("value", value.as_ref().into()), ("fact", self.fact.into())],
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
}

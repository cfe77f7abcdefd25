//! `region-relation`: two regions (GB/T 2260) are in the same province, city or
//! county — e.g. 危险废物不出市: the receiver in the consignor's city.
//!
//! ```toml
//! [check]
//! kind = "region-relation"
//! a = "/consignor/region"
//! b = "/receiver/region"
//! relation = "same-city"     # same-province | same-city | same-county
//! ```
//! A finding at `b` when the relation does not hold. Provides `{a}`, `{b}`,
//! `{a_name}` and `{b_name}` (full names where known, else the codes).

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable};
use super::{Param as P, ParamType as T};
use crate::model::RegionCode;
use crate::model::node::Node;

pub const KIND: Kind = Kind {
    name: "region-relation",
    offers: None,
    provides: &["a", "b", "a_name", "b_name"],
    params: PARAMS,
    finds: "regions not so related",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("a", T::Pointer, "the first region (GB/T 2260)"),
    P::required("b", T::Pointer, "the second region"),
    P::required(
        "relation",
        T::Choice(&["same-province", "same-city", "same-county"]),
        "how the regions must be related",
    ),
];

#[derive(Debug)]
struct RegionRelation {
    a: Ref,
    b: Ref,
    relation: &'static str,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let a = args.field("a");
    let b = args.field("b");
    let relation = args.choice("relation", &["same-province", "same-city", "same-county"]);
    Some(Box::new(RegionRelation {
        a: a?,
        b: b?,
        relation: relation?,
    }))
}

fn name(region: &RegionCode) -> String {
    region.full_name().unwrap_or_else(|| region.to_string())
}

impl Check for RegionRelation {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let (Node::Region(a), Node::Region(b)) = (cx.get(&self.a), cx.get(&self.b)) else {
            return Ok(());
        };
        let holds = match self.relation {
            "same-province" => a.same_province(&b),
            "same-city" => a.same_city(&b),
            _ => a.same_county(&b),
        };
        if !holds {
            out.push(Finding::new(
                cx.path(&self.b),
                [
                    ("a", a.to_string().into()),
                    ("b", b.to_string().into()),
                    ("a_name", name(&a).into()),
                    ("b_name", name(&b).into()),
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
    fn same_city_names_both_regions() {
        let check = "kind = \"region-relation\"\na = \"/consignor/region\"\nb = \"/receiver/region\"\nrelation = \"same-city\"";
        let doc = |b: &str| json!({"kind": "manifest", "consignor": {"region": "330603"}, "receiver": {"region": b}});
        assert!(
            run(check, None, doc("330681"), None)
                .unwrap()
                .unwrap()
                .is_empty()
        );
        let found = run(check, None, doc("330100"), None).unwrap().unwrap();
        assert_eq!(found[0].path, "/receiver/region");
        assert_eq!(found[0].params["a_name"], "浙江省绍兴市柯桥区");
        assert_eq!(found[0].params["b_name"], "浙江省杭州市");
        let bad = run(
            "kind = \"region-relation\"\na = \"/x\"\nb = \"/y\"\nrelation = \"same-town\"",
            None,
            doc("330100"),
            None,
        )
        .unwrap_err();
        assert!(bad[0].contains("same-province"));
    }
}

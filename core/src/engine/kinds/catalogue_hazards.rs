//! `catalogue-hazards`: the declared hazard characteristics include what the list
//! requires of the code — the first listed for entries written with ",", at least
//! one of those listed for entries written with "/" (the list's note 1).
//!
//! ```toml
//! [check]
//! kind = "catalogue-hazards"
//! code = "code"
//! hazards = "hazards"
//! ```
//! Provides `{code}`, `{declared}` (as written, e.g. `I`), `{listed}` (the list's
//! string, e.g. `T,I`) and `{required}` (e.g. `T`, or `T/C` for any-of entries).
//!
//! Offers `listed` (`[fix] candidates = "listed"`): for a "," entry, one candidate
//! adding every characteristic the list gives that is not declared (the waste has
//! them all); for a "/" entry, one candidate per listed characteristic, since the
//! list does not say which of them the waste has.

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable};
use super::{Param as P, ParamType as T};
use crate::catalogue::HazardRule;
use crate::locale::Bilingual;
use crate::model::Hazard;
use crate::model::node::Node;
use crate::report::{Choice, PatchOp};
use arrayvec::ArrayVec;

pub const KIND: Kind = Kind {
    name: "catalogue-hazards",
    offers: Some("listed"),
    provides: &["code", "declared", "listed", "required"],
    params: PARAMS,
    finds: "hazards missing what the list requires (the first listed for \",\" entries, one of them for \"/\")",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("code", T::Pointer, "the waste code"),
    P::required("hazards", T::Pointer, "the declared hazard characteristics"),
];

#[derive(Debug)]
struct CatalogueHazards {
    code: Ref,
    hazards: Ref,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    Some(Box::new(CatalogueHazards {
        code: args.field("code")?,
        hazards: args.field("hazards")?,
    }))
}

impl Check for CatalogueHazards {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let (Node::WasteCode(code), Node::List(list)) = (cx.get(&self.code), cx.get(&self.hazards))
        else {
            return Ok(());
        };
        let Some(entry) = cx.catalogue()?.get(code) else {
            return Ok(());
        };
        // Each of the five at most once: a set without an allocation.
        let mut declared = ArrayVec::<Hazard, { Hazard::ALL.len() }>::new();
        for i in 0..list.len() {
            if let Node::Hazard(h) = list.item(i)
                && !declared.contains(&h)
            {
                declared.push(h);
            }
        }
        if !entry.hazards.is_satisfied_by(&declared) {
            let separator = match entry.hazards.rule {
                HazardRule::FirstListed => ",",
                HazardRule::AnyOf => "/",
            };
            let required: Vec<&str> = entry
                .hazards
                .required()
                .iter()
                .map(|h| h.symbol())
                .collect();
            let path = cx.path(&self.hazards);
            let add = |hazards: &[Hazard]| {
                let ops = hazards
                    .iter()
                    .map(|h| PatchOp::add(format!("{path}/-"), h.symbol()))
                    .collect();
                let symbols: Vec<&str> = hazards.iter().map(|h| h.symbol()).collect();
                let label = symbols
                    .iter()
                    .map(|s| crate::model::labels::value_label(s))
                    .reduce(|a, b| {
                        Bilingual::new(format!("{}、{}", a.zh, b.zh), format!("{}, {}", a.en, b.en))
                    })
                    .unwrap_or_else(|| Bilingual::new("", ""));
                Choice {
                    value: symbols.into(),
                    label,
                    patch: ops,
                }
            };
            let candidates = match entry.hazards.rule {
                HazardRule::FirstListed => {
                    let missing: Vec<Hazard> = entry
                        .hazards
                        .listed
                        .iter()
                        .copied()
                        .filter(|h| !declared.contains(h))
                        .collect();
                    vec![add(&missing)]
                }
                HazardRule::AnyOf => entry
                    .hazards
                    .required()
                    .iter()
                    .map(|h| add(std::slice::from_ref(h)))
                    .collect(),
            };
            // As written, repeats included.
            let declared: Vec<&str> = (0..list.len())
                .filter_map(|i| match list.item(i) {
                    Node::Hazard(h) => Some(h.symbol()),
                    _ => None,
                })
                .collect();
            out.push(
                Finding::new(
                    cx.path(&self.hazards),
                    [
                        ("code", code.as_str().into()),
                        ("declared", declared.join(",").into()),
                        ("listed", entry.hazards.raw.clone().into()),
                        ("required", required.join(separator).into()),
                    ],
                )
                .offering(candidates),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paths, run};
    use serde_json::json;

    #[test]
    fn first_listed_and_any_of_entries() {
        // 900-249-08 is "T,I": T is required. 900-047-49 is "T/C/I/R": any one.
        let doc = json!({"kind": "manifest", "wastes": [
            {"code": "900-249-08", "hazards": ["T"]},
            {"code": "900-249-08", "hazards": ["I"]},
            {"code": "900-047-49", "hazards": ["C"]},
            {"code": "900-047-49", "hazards": ["In"]}
        ]});
        let found = run(
            "kind = \"catalogue-hazards\"\ncode = \"code\"\nhazards = \"hazards\"",
            Some("/wastes"),
            doc,
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(paths(&found), ["/wastes/1/hazards", "/wastes/3/hazards"]);
        assert_eq!(found[0].params["required"], "T");
        assert_eq!(found[1].params["required"], "T/C/I/R");
    }
}

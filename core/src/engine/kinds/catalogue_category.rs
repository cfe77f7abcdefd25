//! `catalogue-category`: the declared category is the code's (its last two digits,
//! 名录 Art.5(三)).
//!
//! ```toml
//! [check]
//! kind = "catalogue-category"
//! code = "code"
//! category = "category"
//! ```
//! Provides `{code}`, `{declared}`, `{expected}` and `{name}` (the expected
//! category's name in the edition in force).

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable};
use super::{Param as P, ParamType as T};
use crate::model::node::Node;

pub const KIND: Kind = Kind {
    name: "catalogue-category",
    offers: None,
    provides: &["code", "declared", "expected", "name"],
    params: PARAMS,
    finds: "a declared category that is not the code's",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("code", T::Pointer, "the waste code"),
    P::required("category", T::Pointer, "the declared category"),
];

#[derive(Debug)]
struct CatalogueCategory {
    code: Ref,
    category: Ref,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    Some(Box::new(CatalogueCategory {
        code: args.field("code")?,
        category: args.field("category")?,
    }))
}

impl Check for CatalogueCategory {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let (Node::WasteCode(code), Node::Category(declared)) =
            (cx.get(&self.code), cx.get(&self.category))
        else {
            return Ok(());
        };
        let expected = code.category();
        if declared != expected {
            let name = cx.catalogue()?.category_name(expected).unwrap_or_default();
            out.push(Finding::new(
                cx.path(&self.category),
                [
                    ("code", code.as_str().into()),
                    ("declared", declared.to_string().into()),
                    ("expected", expected.to_string().into()),
                    ("name", name.into()),
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

    #[test]
    fn a_category_other_than_the_codes() {
        let doc = json!({"kind": "storage", "lots": [
            {"code": "900-041-49", "category": "HW49"},
            {"code": "900-041-49", "category": "HW08"},
            {"code": "900-041-49"}
        ]});
        let found = run(
            "kind = \"catalogue-category\"\ncode = \"code\"\ncategory = \"category\"",
            Some("/lots"),
            doc,
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(paths(&found), ["/lots/1/category"]);
        assert_eq!(found[0].params["expected"], "HW49");
        assert_eq!(found[0].params["name"], "其他废物");
    }
}

//! `catalogue-code`: the waste code is in the list edition in force on the legal
//! date (名录 Art.5, 6). A `900-000-XX` code (a waste classed by identification,
//! Art.6) passes only when `identification` names a field that is given.
//!
//! ```toml
//! [check]
//! kind = "catalogue-code"
//! code = "code"                 # in a rule with each = "/wastes"
//! identification = "identification_report"   # optional
//! ```
//! Provides `{code}`, `{edition}` (the title of the edition checked against, in
//! each locale) and `{caveat}`: empty, or — when the edition in force is not carried
//! and an earlier one stands in — a clause saying the edition in force may list
//! the code; such a finding is a warning whatever the rule's severity.

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable};
use super::{Param as P, ParamType as T};
use crate::catalogue::InForce;
use crate::model::node::Node;
use crate::report::Severity;
use serde_json::json;

pub const KIND: Kind = Kind {
    name: "catalogue-code",
    offers: None,
    provides: &["code", "edition", "caveat"],
    params: PARAMS,
    finds: "a code not in the edition in force (`900-000-XX` passes with an identification report)",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("code", T::Pointer, "the waste code"),
    P::optional(
        "identification",
        T::Pointer,
        "the field that, given, lets a `900-000-XX` code pass (an identification report)",
    ),
];

#[derive(Debug)]
struct CatalogueCode {
    code: Ref,
    identification: Option<Ref>,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let code = args.field("code")?;
    let identification = args.optional_field("identification");
    Some(Box::new(CatalogueCode {
        code,
        identification,
    }))
}

impl Check for CatalogueCode {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let Node::WasteCode(code) = cx.get(&self.code) else {
            return Ok(());
        };
        let catalogue = cx.catalogue()?;
        if catalogue.get(code).is_some() {
            return Ok(());
        }
        let identified = code.is_identified_unlisted()
            && self
                .identification
                .as_ref()
                .is_some_and(|field| cx.get(field).is_present());
        if identified {
            return Ok(());
        }
        let checked = catalogue.edition();
        let mut finding = Finding::new(
            cx.path(&self.code),
            [
                ("code", code.as_str().into()),
                (
                    "edition",
                    json!({"zh-CN": checked.title_zh, "en": checked.title_en}),
                ),
                ("caveat", json!({"zh-CN": "", "en": ""})),
            ],
        );
        // The edition in force is not carried: the code may be in it, so the
        // finding is a warning that says so, never an error under another list.
        // A `900-000-XX` code is in no edition's table, so it is judged as before.
        if let InForce::StandIn { edition, .. } = cx.edition
            && !code.is_identified_unlisted()
        {
            finding.severity = Some(Severity::Warning);
            finding.params.insert(
                "caveat".into(),
                json!({
                    "zh-CN": format!("；现行《{}》尚未载入，其中可能列有该代码", edition.title_zh),
                    "en": format!("; the {} in force is not loaded and may list it", edition.title_en),
                }),
            );
        }
        out.push(finding);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paths, run};
    use serde_json::json;

    const CHECK: &str =
        "kind = \"catalogue-code\"\ncode = \"code\"\nidentification = \"identification_report\"";

    #[test]
    fn unlisted_codes_and_identified_wastes() {
        let doc = json!({"kind": "manifest", "wastes": [
            {"code": "900-041-49"},
            {"code": "900-123-49"},
            {"code": "900-000-08", "identification_report": "鉴〔2025〕1号"},
            {"code": "900-000-08"},
            {"code": "bad"}
        ]});
        let found = run(CHECK, Some("/wastes"), doc, None).unwrap().unwrap();
        assert_eq!(paths(&found), ["/wastes/1/code", "/wastes/3/code"]);
        assert_eq!(found[0].params["code"], "900-123-49");
        assert_eq!(
            found[0].params["edition"]["en"],
            "National Hazardous Waste List (2021 edition)"
        );
    }
}

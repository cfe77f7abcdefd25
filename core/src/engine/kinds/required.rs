//! `required`: fields the rule's stages cannot do without.
//!
//! ```toml
//! [check]
//! kind = "required"
//! fields = ["/consignor/credit_code", "/consignor/name"]
//! ```
//! One finding per absent field, at its path; `{field}` is the field's pointer. A
//! malformed value counts as given (it is reported as `schema.*` already).

use super::{Args, Check, Finding, Kind, NotEvaluated, Ref, RunCx};

pub const KIND: Kind = Kind {
    name: "required",
    provides: &["field"],
    compile,
};

#[derive(Debug)]
struct Required {
    fields: Vec<Ref>,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let fields = args.fields("fields");
    Some(Box::new(Required { fields }))
}

impl Check for Required {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), NotEvaluated> {
        for field in &self.fields {
            if !cx.get(field).is_present() {
                let path = cx.path(field);
                out.push(Finding::new(path.clone(), &[("field", path.into())]));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paths, run};
    use serde_json::json;

    #[test]
    fn reports_each_absent_field_but_not_malformed_ones() {
        let doc = json!({"kind": "manifest", "consignor": {"credit_code": "bad", "name": "甲"}});
        let found = run(
            r#"kind = "required"
fields = ["/consignor/credit_code", "/consignor/name", "/consignor/region", "/carrier/name"]"#,
            None,
            doc,
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(paths(&found), ["/consignor/region", "/carrier/name"]);
        assert_eq!(found[0].params["field"], "/consignor/region");
    }

    #[test]
    fn item_relative_fields_and_bad_parameters() {
        let doc = json!({"kind": "manifest", "wastes": [{"code": "900-041-49"}, {"quantity": {"value": 1, "unit": "t"}}]});
        let found = run(
            r#"kind = "required"
fields = ["code", "quantity"]"#,
            Some("/wastes"),
            doc,
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(paths(&found), ["/wastes/0/quantity", "/wastes/1/code"]);
        let problems = run(
            r#"kind = "required"
fields = ["code"]
colour = 1"#,
            None,
            json!({"kind": "manifest"}),
            None,
        )
        .unwrap_err();
        assert_eq!(
            problems.len(),
            2,
            "{problems:?}: relative without each, unknown parameter"
        );
    }
}

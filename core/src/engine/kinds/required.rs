//! `required`: fields the rule's stages cannot do without.
//!
//! ```toml
//! [check]
//! kind = "required"
//! fields = ["/consignor/credit_code", "/consignor/name"]
//! # and/or, by the document's stage (a document without a stage is a draft):
//! by_stage = { submitted = ["/carrier/name"], received = ["/received_at"] }
//! ```
//! One finding per absent field, at its path; `{field}` is the field's pointer and
//! `{stage}` the document's stage. Later stages include what earlier ones require
//! only if the pack lists it again: say what each stage needs. A malformed value
//! counts as given (it is reported as `schema.*` already).
//!
//! Offers `allowed` (`[fix] candidates = "allowed"`): for a field the document's
//! schema closes to a few values (a form, a unit), each of them, added — when the
//! record that holds the field is there.

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable};
use super::{Param as P, ParamType as T};
use crate::json::pointer::Pointer;
use crate::model::node::Node;
use crate::report::Choice;

pub const KIND: Kind = Kind {
    name: "required",
    offers: Some("allowed"),
    provides: &["field", "path", "stage"],
    params: PARAMS,
    finds: "each field not given (at the document's stage; no stage is `draft`)",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::optional("fields", T::Pointers, "the fields every document needs"),
    P::optional(
        "by_stage",
        T::PointersByName,
        "`{ STAGE = [pointers] }`: the fields a document at that stage needs (a document without a stage is a draft); `fields`, `by_stage` or both",
    ),
];

#[derive(Debug)]
struct Required {
    fields: Vec<Ref>,
    by_stage: Vec<(String, Vec<Ref>)>,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let given = args.has("fields") || args.has("by_stage");
    let fields = args.optional_fields("fields");
    let by_stage = args.fields_by_key("by_stage");
    if !given {
        args.problems
            .push("give `fields`, `by_stage`, or both".into());
    }
    Some(Box::new(Required { fields, by_stage }))
}

/// A field's name in both languages where the labels know it, else its pointer.
fn field_name(path: &str) -> serde_json::Value {
    match crate::model::labels::field_label(path) {
        Some(label) => serde_json::json!({ "zh-CN": label.zh, "en": label.en }),
        None => path.into(),
    }
}

/// The values the schema allows at `path`, each added, when the record that is to
/// hold the field exists.
fn allowed(cx: &RunCx<'_>, path: &str) -> Vec<Choice> {
    let record = path.rsplit_once('/').map_or("", |(record, _)| record);
    if !matches!(Pointer::parse(record).resolve(cx.root), Node::Record(_)) {
        return Vec::new();
    }
    crate::model::schema::allowed_values(cx.kind, path)
        .unwrap_or_default()
        .iter()
        .map(|value| {
            let label = crate::model::labels::value_label(value);
            Choice::at(path, (*value).into(), label, true)
        })
        .collect()
}

/// A manifest stage's name in both languages, for messages.
fn stage_name(stage: &str) -> serde_json::Value {
    let name = crate::model::labels::value_label(stage);
    serde_json::json!({ "zh-CN": name.zh, "en": name.en })
}

impl Check for Required {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let stage = cx.root.member("stage").text();
        let stage = stage.as_deref().unwrap_or("draft");
        let staged = self
            .by_stage
            .iter()
            .filter(|(s, _)| s == stage)
            .flat_map(|(_, f)| f);
        for field in self.fields.iter().chain(staged) {
            if !cx.get(field).is_present() {
                let path = cx.path(field);
                let allowed = allowed(cx, &path);
                out.push(
                    Finding::new(
                        path.clone(),
                        [
                            ("field", field_name(&path)),
                            ("path", path.into()),
                            ("stage", stage_name(stage)),
                        ],
                    )
                    .offering(allowed),
                );
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
        assert_eq!(found[0].params["field"]["zh-CN"], "移出人所在行政区划");
        assert_eq!(found[0].params["path"], "/consignor/region");
    }

    #[test]
    fn fields_by_stage() {
        let check = "kind = \"required\"\nfields = [\"/number\"]\nby_stage = { received = [\"/received_at\"], confirmed = [\"/received_at\", \"/confirmed_at\"] }";
        let draft = run(check, None, json!({"kind": "manifest"}), None)
            .unwrap()
            .unwrap();
        assert_eq!(paths(&draft), ["/number"]);
        assert_eq!(draft[0].params["stage"]["zh-CN"], "草稿");
        let confirmed = run(check, None, json!({"kind": "manifest", "stage": "confirmed", "number": "20263306000123", "received_at": "2026-03-02T08:00:00+08:00"}), None)
            .unwrap()
            .unwrap();
        assert_eq!(paths(&confirmed), ["/confirmed_at"]);
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

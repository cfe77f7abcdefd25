//! `catalogue-exemption`: an exemption claimed under the 豁免管理清单 must be one the
//! list gives for that waste and that 环节 (名录2021 第三条: exempt only in the listed
//! stage and when the conditions are met).
//!
//! ```toml
//! [check]
//! kind = "catalogue-exemption"
//! code = "code"
//! item = "exemption/item"        # 序号 of the list item claimed
//! stage = "exemption/stage"      # all | collection | transport | utilisation | disposal | storage
//! ```
//! A finding at `item` when the list has no such item or the item does not cover the
//! code, and at `stage` when the item does not exempt that stage. Provides `{code}`,
//! `{item}`, `{stage}` and `{stages}` (the stages the item does exempt, as printed).

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable, text};
use super::{Param as P, ParamType as T};
use crate::model::node::Node;
use crate::model::{ExemptionStage, WasteCode};

pub const KIND: Kind = Kind {
    name: "catalogue-exemption",
    offers: None,
    provides: &["code", "item", "stage", "stages"],
    params: PARAMS,
    finds: "an exemption claimed for an item the list does not give for the code, or for a stage the item does not exempt",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("code", T::Pointer, "the waste code"),
    P::required(
        "item",
        T::Pointer,
        "the 序号 of the exemption list item claimed",
    ),
    P::required(
        "stage",
        T::Pointer,
        "the stage claimed: all, collection, transport, utilisation, disposal or storage",
    ),
];

#[derive(Debug)]
struct CatalogueExemption {
    code: Ref,
    item: Ref,
    stage: Ref,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let code = args.field("code");
    let item = args.field("item");
    let stage = args.field("stage");
    Some(Box::new(CatalogueExemption {
        code: code?,
        item: item?,
        stage: stage?,
    }))
}

/// The claimed stage in both languages (收集/运输/贮存/利用/处置, 全部环节), as
/// given where it is not one of them.
fn stage_name(node: &Node<'_>) -> serde_json::Value {
    let Some(given) = node.text() else {
        return serde_json::Value::Null;
    };
    let (zh, en) = match given.as_ref() {
        "all" => ("全部环节", "all stages"),
        "collection" => ("收集", "collection"),
        "transport" => ("运输", "transport"),
        "storage" => ("贮存", "storage"),
        "utilisation" => ("利用", "utilisation"),
        "disposal" => ("处置", "disposal"),
        _ => return text(node),
    };
    serde_json::json!({ "zh-CN": zh, "en": en })
}

impl Check for CatalogueExemption {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let (Node::WasteCode(code), Node::Count(item)) = (cx.get(&self.code), cx.get(&self.item))
        else {
            return Ok(());
        };
        let stage_node = cx.get(&self.stage);
        let stage: Option<ExemptionStage> = stage_node.text().and_then(|t| t.parse().ok());
        let lines: Vec<_> = cx.catalogue()?.exemption_item(item).collect();
        let covers_code = |code: &WasteCode| {
            lines.iter().any(|l| {
                l.covers(code, ExemptionStage::All) || l.stages.iter().any(|s| l.covers(code, *s))
            })
        };
        let mut stages: Vec<&str> = Vec::new();
        for line in &lines {
            if !stages.contains(&line.stage_text.as_str()) {
                stages.push(&line.stage_text);
            }
        }
        let params = |path: String| {
            Finding::new(
                path,
                [
                    ("code", code.as_str().into()),
                    ("item", item.into()),
                    ("stage", stage_name(&stage_node)),
                    ("stages", stages.join("、").into()),
                ],
            )
        };
        if lines.is_empty() || !covers_code(code) {
            out.push(params(cx.path(&self.item)));
        } else if let Some(stage) = stage
            && !lines.iter().any(|l| l.covers(code, stage))
        {
            out.push(params(cx.path(&self.stage)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paths, run};
    use serde_json::json;

    #[test]
    fn items_codes_and_stages() {
        let check = "kind = \"catalogue-exemption\"\ncode = \"code\"\nitem = \"exemption/item\"\nstage = \"exemption/stage\"";
        // Item 2 exempts HW01 at collection and transport (small clinics) and at
        // transport and disposal (epidemics): never at utilisation.
        let doc = json!({"kind": "manifest", "wastes": [
            {"code": "841-001-01", "exemption": {"item": 2, "stage": "transport"}},
            {"code": "841-001-01", "exemption": {"item": 2, "stage": "utilisation"}},
            {"code": "900-041-49", "exemption": {"item": 2, "stage": "transport"}},
            {"code": "900-041-49", "exemption": {"item": 99, "stage": "transport"}}
        ]});
        let found = run(check, Some("/wastes"), doc, None).unwrap().unwrap();
        assert_eq!(
            paths(&found),
            [
                "/wastes/1/exemption/stage",
                "/wastes/2/exemption/item",
                "/wastes/3/exemption/item"
            ]
        );
        assert_eq!(found[0].params["stages"], "收集、运输、处置");
        assert_eq!(found[0].params["stage"]["zh-CN"], "利用");
        assert_eq!(found[0].params["stage"]["en"], "utilisation");
    }
}

//! `catalogue-edition`: a notice that the catalogue edition in force on the legal
//! date is not loaded, and which earlier edition the codes were checked against
//! instead (the pack's `stand_in`). Nothing is found when the edition in force is
//! carried; when no table can stand in, the catalogue rules are `not_evaluated`
//! and say so themselves.
//!
//! ```toml
//! [check]
//! kind = "catalogue-edition"
//! ```
//! Provides `{in_force}` and `{checked}` (the two editions' titles, in each locale)
//! and `{from}` (the day the edition in force took effect).

use super::{Args, Check, Finding, Kind, RunCx, Unevaluable};
use crate::catalogue::InForce;
use serde_json::json;

pub const KIND: Kind = Kind {
    name: "catalogue-edition",
    offers: None,
    provides: &["in_force", "checked", "from"],
    params: &[],
    finds: "an edition in force that the packs do not carry, checked against the edition standing in for it",
    compile,
};

#[derive(Debug)]
struct CatalogueEdition;

fn compile(_: &mut Args<'_>) -> Option<Box<dyn Check>> {
    Some(Box::new(CatalogueEdition))
}

impl Check for CatalogueEdition {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        if let InForce::StandIn { edition, table } = cx.edition {
            let checked = table.edition();
            out.push(Finding::new(
                String::new(),
                [
                    (
                        "in_force",
                        json!({"zh-CN": edition.title_zh, "en": edition.title_en}),
                    ),
                    (
                        "checked",
                        json!({"zh-CN": checked.title_zh, "en": checked.title_en}),
                    ),
                    ("from", edition.effective_from.to_string().into()),
                ],
            ));
        }
        Ok(())
    }
}

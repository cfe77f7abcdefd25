//! `balance`: an exact mass balance over a line — the sum of `plus` minus the sum
//! of `minus` equals `equals`, within `tolerance` tonnes. Quantities are converted
//! to tonnes exactly; no floating point.
//!
//! ```toml
//! [check]
//! kind = "balance"
//! plus = ["opening_stock", "produced"]
//! minus = ["utilised_on_site", "disposed_on_site", "transferred"]
//! equals = "closing_stock"
//! tolerance = "$balance_tolerance_t"
//! ```
//! A finding at `equals`. Provides `{expected}`, `{found}` and `{difference}`
//! (tonnes). Skipped while any term is missing or malformed.

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable};
use super::{Param as P, ParamType as T};
use crate::model::Decimal;

pub const KIND: Kind = Kind {
    name: "balance",
    offers: None,
    provides: &["expected", "found", "difference"],
    params: PARAMS,
    finds: "sum(plus) − sum(minus) ≠ equals, exactly, in tonnes",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("plus", T::Pointers, "the terms added"),
    P::required("minus", T::Pointers, "the terms subtracted"),
    P::required("equals", T::Pointer, "the field the sum must equal"),
    P::optional("tolerance", T::Decimal, "tonnes").default("0"),
];

#[derive(Debug)]
struct Balance {
    plus: Vec<Ref>,
    minus: Vec<Ref>,
    equals: Ref,
    tolerance: Decimal,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let plus = args.fields("plus");
    let minus = args.fields("minus");
    let equals = args.field("equals");
    let tolerance = args.optional_decimal("tolerance").unwrap_or(Decimal::ZERO);
    Some(Box::new(Balance {
        plus,
        minus,
        equals: equals?,
        tolerance,
    }))
}

impl Check for Balance {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let sum = |refs: &[Ref]| -> Option<Decimal> {
            refs.iter().try_fold(Decimal::ZERO, |acc, r| {
                acc.checked_add(cx.get(r).decimal()?)
            })
        };
        let (Some(plus), Some(minus), Some(found)) = (
            sum(&self.plus),
            sum(&self.minus),
            cx.get(&self.equals).decimal(),
        ) else {
            return Ok(());
        };
        let Some(expected) = plus.checked_sub(minus) else {
            return Ok(());
        };
        let difference = found - expected;
        if difference.abs() > self.tolerance {
            out.push(Finding::new(
                cx.path(&self.equals),
                [
                    ("expected", expected.normalize().to_string().into()),
                    ("found", found.normalize().to_string().into()),
                    ("difference", difference.normalize().to_string().into()),
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
    fn exact_balances_in_tonnes() {
        let check = "kind = \"balance\"\nplus = [\"opening_stock\", \"produced\"]\nminus = [\"transferred\"]\nequals = \"closing_stock\"\ntolerance = \"0.001\"";
        let q = |v: &str, u: &str| json!({"value": v, "unit": u});
        let doc = json!({"kind": "declaration", "hazardous": [
            {"opening_stock": q("0.1", "t"), "produced": q("200", "kg"), "transferred": q("0.3", "t"), "closing_stock": q("0", "t")},
            {"opening_stock": q("1", "t"), "produced": q("2", "t"), "transferred": q("1.5", "t"), "closing_stock": q("1", "t")},
            {"opening_stock": q("1", "t"), "produced": q("2", "t")}
        ]});
        let found = run(check, Some("/hazardous"), doc, None).unwrap().unwrap();
        assert_eq!(paths(&found), ["/hazardous/1/closing_stock"]);
        assert_eq!(found[0].params["expected"], "1.5");
        assert_eq!(found[0].params["difference"], "-0.5");
    }
}

//! `licence-capacity`: what a receiver has accepted this year, plus this document,
//! against its licensed annual scale (年经营规模) — a warning band and an error band
//! (许可证办法 第十二条(四): "超过原批准年经营规模20%以上" needs a new licence; 以上
//! includes the figure itself, so the error band starts at 120% inclusive:
//! `error_from`).
//!
//! ```toml
//! [check]
//! kind = "licence-capacity"
//! holder = "/receiver/credit_code"
//! date = "/dispatched_at"
//! lines = "/wastes"               # the document's lines …
//! quantity = "quantity"           # … and each line's quantity
//! warn_above = "$capacity_warning_ratio"
//! error_from = "$capacity_error_ratio"     # inclusive; `error_above` is strict
//! ```
//! The capacity is the sum of `capacity_t` over the scope lines of the holder's
//! licences in force on the date; the year-to-date receipts come from the `receipts`
//! facts for the holder and the date's year. A finding at `holder` with the band's
//! severity. Provides `{received}` (t, receipts before this document), `{this}` (t),
//! `{capacity}` (t) and `{ratio}` (%). Not evaluated without `receipts` or
//! `licences` facts for the holder; skipped when no licence in force gives a capacity.

use super::in_force::{held_by, in_force_on};
use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable, checked_sum, percent};
use super::{Param as P, ParamType as T};
use crate::json::pointer::Pointer;
use crate::model::Decimal;
use crate::model::node::Node;
use crate::report::Severity;

pub const KIND: Kind = Kind {
    name: "licence-capacity",
    offers: None,
    provides: &["received", "this", "capacity", "ratio"],
    params: PARAMS,
    finds: "this year's receipts plus the document's lines above the licensed annual scale; the band sets the severity",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("holder", T::Pointer, "the receiver"),
    P::required("date", T::Pointer, "the date (its year's receipts count)"),
    P::optional("lines", T::Pointer, "the document's lines"),
    P::optional("quantity", T::Pointer, "each line's quantity"),
    P::optional(
        "warn_above",
        T::Decimal,
        "the ratio of the capacity above which it is a warning",
    ),
    P::optional(
        "error_above",
        T::Decimal,
        "the ratio of the capacity above which it is an error",
    ),
    P::optional(
        "error_from",
        T::Decimal,
        "the ratio of the capacity from which (inclusive: 以上 includes the figure) it is an error; instead of `error_above`",
    ),
];

#[derive(Debug)]
struct LicenceCapacity {
    holder: Ref,
    date: Ref,
    lines: Pointer,
    quantity: Pointer,
    warn_above: Option<Decimal>,
    error_above: Option<Decimal>,
    error_from: Option<Decimal>,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let holder = args.field("holder");
    let date = args.field("date");
    let lines = args.optional_string("lines").map(Pointer::parse);
    let quantity = args.optional_string("quantity").map(Pointer::parse);
    let warn_above = args.optional_decimal("warn_above");
    let error_above = args.optional_decimal("error_above");
    let error_from = args.optional_decimal("error_from");
    if let (Some(lines), Some(quantity)) = (&lines, &quantity) {
        args.reads_in_items(lines, quantity);
    }
    if lines.is_none() || quantity.is_none() {
        args.problems
            .push("`lines` and `quantity` are required".into());
    }
    if error_above.is_some() && error_from.is_some() {
        args.problems
            .push("`error_above` and `error_from` exclude each other".into());
    }
    Some(Box::new(LicenceCapacity {
        holder: holder?,
        date: date?,
        lines: lines?,
        quantity: quantity?,
        warn_above,
        error_above,
        error_from,
    }))
}

/// The annual scale (t) of the licences in force on `date`: the sum of their scope
/// lines' `capacity_t` (`None` when it overflows).
fn licensed_scale<'a>(
    licences: impl Iterator<Item = Node<'a>>,
    date: crate::model::Date,
) -> Option<Decimal> {
    checked_sum(licences.filter(|l| in_force_on(l, date)).flat_map(|l| {
        let scope = match l.member("scope") {
            Node::List(list) => Some(list),
            _ => None,
        };
        scope.into_iter().flat_map(|list| {
            (0..list.len()).filter_map(move |i| list.item(i).member("capacity_t").decimal())
        })
    }))
}

/// What the `receipts` facts say was accepted in `year` (t).
fn received_in<'a>(receipts: impl Iterator<Item = Node<'a>>, year: i32) -> Option<Decimal> {
    checked_sum(
        receipts
            .filter(|r| matches!(r.member("year"), Node::Year(y) if y.get() == year))
            .filter_map(|r| r.member("quantity").decimal()),
    )
}

/// Whether `holder`'s licensed annual scale on `date` leaves room for `this` more
/// tonnes this year; `true` when its receipts are not known (then the capacity
/// rule says it could not judge), `false` when no licence in force gives a scale.
pub(crate) fn has_room(
    cx: &RunCx<'_>,
    holder: &str,
    date: crate::model::Date,
    this: Decimal,
) -> bool {
    let Some(licences) = held_by(cx, "licences", holder) else {
        return true;
    };
    let capacity = licensed_scale(licences, date);
    let Some(capacity) = capacity.filter(|c| !c.is_zero()) else {
        return false;
    };
    let Some(receipts) = held_by(cx, "receipts", holder) else {
        return true;
    };
    let received = received_in(receipts, date.year());
    received
        .and_then(|r| r.checked_add(this))
        .is_some_and(|total| total <= capacity)
}

impl Check for LicenceCapacity {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let (Some(holder), Some(date)) = (cx.get(&self.holder).text(), cx.get(&self.date).date())
        else {
            return Ok(());
        };
        let licences = held_by(cx, "licences", &holder)
            .ok_or_else(|| Unevaluable::facts_missing("licences"))?;
        // Sums that overflow are figures no real document has: skipped.
        let Some(capacity) = licensed_scale(licences, date) else {
            return Ok(());
        };
        if capacity.is_zero() {
            return Ok(());
        }
        let receipts = held_by(cx, "receipts", &holder)
            .ok_or_else(|| Unevaluable::facts_missing("receipts"))?;
        let received = received_in(receipts, date.year());
        let this = match self.lines.resolve(cx.root) {
            Node::List(list) => checked_sum(
                (0..list.len()).filter_map(|i| self.quantity.resolve(list.item(i)).decimal()),
            ),
            _ => Some(Decimal::ZERO),
        };
        let (Some(received), Some(this)) = (received, this) else {
            return Ok(());
        };
        let Some(ratio) = received
            .checked_add(this)
            .and_then(|total| total.checked_div(capacity))
        else {
            return Ok(());
        };
        let severity = if self.error_above.is_some_and(|limit| ratio > limit)
            || self.error_from.is_some_and(|limit| ratio >= limit)
        {
            Some(Severity::Error)
        } else if self.warn_above.is_some_and(|limit| ratio > limit) {
            Some(Severity::Warning)
        } else {
            None
        };
        if let Some(severity) = severity {
            let mut finding = Finding::new(
                cx.path(&self.holder),
                [
                    ("received", received.normalize().to_string().into()),
                    ("this", this.normalize().to_string().into()),
                    ("capacity", capacity.normalize().to_string().into()),
                    ("ratio", percent(ratio, 1).into()),
                ],
            );
            finding.severity = Some(severity);
            out.push(finding);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use crate::report::Severity;
    use serde_json::json;

    const CHECK: &str = "kind = \"licence-capacity\"\nholder = \"/receiver/credit_code\"\ndate = \"/dispatched_at\"\nlines = \"/wastes\"\nquantity = \"quantity\"\nwarn_above = \"1.0\"\nerror_above = \"1.2\"";

    fn case(received: &str, this: &str) -> Vec<super::Finding> {
        let doc = json!({"kind": "manifest", "receiver": {"credit_code": "91330100716105852F"}, "dispatched_at": "2026-06-01T08:00:00+08:00",
            "wastes": [{"quantity": {"value": this, "unit": "t"}}]});
        let facts = json!({
            "licences": [{"number": "L1", "holder": "91330100716105852F", "valid_from": "2024-01-01", "valid_until": "2028-12-31", "scope": [{"capacity_t": 600}, {"capacity_t": 400}]}],
            "receipts": [{"receiver": "91330100716105852F", "year": 2026, "quantity": {"value": received, "unit": "t"}},
                         {"receiver": "91330100716105852F", "year": 2025, "quantity": {"value": "5000", "unit": "t"}}]
        });
        run(CHECK, None, doc, Some(facts)).unwrap().unwrap()
    }

    #[test]
    fn figures_beyond_decimal_range_are_skipped_not_a_panic() {
        let max = "79228162514264337593543950335";
        assert!(case(max, max).is_empty());
    }

    #[test]
    fn error_from_includes_the_figure() {
        let check = CHECK.replace("error_above", "error_from");
        let run_at = |received: &str| {
            let doc = json!({"kind": "manifest", "receiver": {"credit_code": "91330100716105852F"}, "dispatched_at": "2026-06-01T08:00:00+08:00",
                "wastes": [{"quantity": {"value": "0", "unit": "t"}}]});
            let facts = json!({
                "licences": [{"number": "L1", "holder": "91330100716105852F", "valid_from": "2024-01-01", "valid_until": "2028-12-31", "scope": [{"capacity_t": 1000}]}],
                "receipts": [{"receiver": "91330100716105852F", "year": 2026, "quantity": {"value": received, "unit": "t"}}]
            });
            run(&check, None, doc, Some(facts)).unwrap().unwrap()
        };
        assert_eq!(run_at("1200")[0].severity, Some(Severity::Error));
        assert_eq!(run_at("1199.999")[0].severity, Some(Severity::Warning));
        // Strict `error_above`: exactly 120% is still the warning band.
        assert_eq!(case("1190", "10")[0].severity, Some(Severity::Warning));
    }

    #[test]
    fn bands() {
        assert!(
            case("990", "10").is_empty(),
            "exactly 100% is within the scale"
        );
        let warn = case("1000", "50");
        assert_eq!(warn[0].severity, Some(Severity::Warning));
        assert_eq!(warn[0].params["ratio"], "105");
        let error = case("1150", "60");
        assert_eq!(error[0].severity, Some(Severity::Error));
        assert_eq!(error[0].params["capacity"], "1000");
    }
}

//! `threshold`: a value, a ratio of two values, or the relative difference of two
//! values, against limits — with a warning band and an error band, above (a
//! maximum) or below (a minimum rate).
//!
//! ```toml
//! [check]
//! kind = "threshold"
//! value = "/general/utilised"
//! of = "/general/produced"        # optional: compare value / of
//! error_below = "$general_utilisation_target"
//! # warn_below, warn_above, error_above likewise; above, below with the rule's
//! # own severity; at least one
//! ```
//!
//! Relative difference — a received quantity against the quantity sent, a waybill's
//! weight against the manifest's, a GPS distance against the declared route:
//!
//! ```toml
//! [check]
//! kind = "threshold"
//! value = "received_quantity"
//! differs_from = "quantity"        # compare |value − differs_from| / differs_from
//! above = "$quantity_discrepancy_tolerance"
//! ```
//! Quantities count in tonnes. A finding at `value` with the severity of the band
//! it falls in (`error_*` gives error, `warn_*` warning, `above`/`below` the rule's,
//! so a child pack's raised severity holds). Provides `{value}`, `{base}` (the
//! `of` or `differs_from` value), `{ratio}` (as a percentage with two decimals,
//! with `of` or `differs_from`) and `{limit}` (percentages for ratios). Skipped when
//! a value is missing or the base is zero.

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable, percent};
use super::{Param as P, ParamType as T};
use crate::model::Decimal;
use crate::report::Severity;

pub const KIND: Kind = Kind {
    name: "threshold",
    offers: None,
    provides: &["value", "base", "ratio", "limit"],
    params: PARAMS,
    finds: "a value, ratio or relative difference in a band; the band sets the severity (`above`/`below`: the rule's own)",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("value", T::Pointer, "the value"),
    P::optional("of", T::Pointer, "compare the ratio value / of"),
    P::optional(
        "differs_from",
        T::Pointer,
        "compare the relative difference |value − differs_from| / differs_from",
    ),
    P::optional("error_above", T::Decimal, "an error above this"),
    P::optional("error_below", T::Decimal, "an error below this"),
    P::optional(
        "above",
        T::Decimal,
        "a finding of the rule's severity above this",
    ),
    P::optional(
        "below",
        T::Decimal,
        "a finding of the rule's severity below this",
    ),
    P::optional("warn_above", T::Decimal, "a warning above this"),
    P::optional("warn_below", T::Decimal, "a warning below this"),
];

#[derive(Debug)]
struct Threshold {
    value: Ref,
    of: Option<(Ref, Mode)>,
    /// Bands, in order; no severity: the rule's.
    bands: Vec<(Option<Severity>, Bound, Decimal)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// value / of.
    Ratio,
    /// |value − of| / of.
    Difference,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    Above,
    Below,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let value = args.field("value");
    let of = args.optional_field("of").map(|r| (r, Mode::Ratio));
    let differs = args
        .optional_field("differs_from")
        .map(|r| (r, Mode::Difference));
    if of.is_some() && differs.is_some() {
        args.problems
            .push("give `of` (a ratio) or `differs_from` (a relative difference), not both".into());
    }
    let mut bands = Vec::new();
    // Error bands first: a value in both bands is an error.
    for (key, severity, bound) in [
        ("error_above", Some(Severity::Error), Bound::Above),
        ("error_below", Some(Severity::Error), Bound::Below),
        ("above", None, Bound::Above),
        ("below", None, Bound::Below),
        ("warn_above", Some(Severity::Warning), Bound::Above),
        ("warn_below", Some(Severity::Warning), Bound::Below),
    ] {
        if let Some(limit) = args.optional_decimal(key) {
            bands.push((severity, bound, limit));
        }
    }
    if bands.is_empty() {
        args.problems.push(
            "give at least one of error_above, error_below, above, below, warn_above, warn_below"
                .into(),
        );
    }
    Some(Box::new(Threshold {
        value: value?,
        of: of.or(differs),
        bands,
    }))
}

impl Check for Threshold {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let Some(value) = cx.get(&self.value).decimal() else {
            return Ok(());
        };
        let base = match &self.of {
            None => None,
            Some((of, _)) => match cx.get(of).decimal() {
                Some(total) if !total.is_zero() => Some(total),
                _ => return Ok(()),
            },
        };
        // Checked: absurd magnitudes are skipped, never a panic.
        let measured = match (&self.of, base) {
            (Some((_, Mode::Ratio)), Some(base)) => value.checked_div(base),
            (Some((_, Mode::Difference)), Some(base)) => value
                .checked_sub(base)
                .and_then(|d| d.abs().checked_div(base)),
            _ => Some(value),
        };
        let Some(measured) = measured else {
            return Ok(());
        };
        let band = self.bands.iter().find(|(_, bound, limit)| match bound {
            Bound::Above => measured > *limit,
            Bound::Below => measured < *limit,
        });
        if let Some((severity, _, limit)) = band {
            // A ratio too large to show as a percentage is shown as it is.
            let percent = |d: Decimal| percent(d, 2).unwrap_or_else(|| d.to_string());
            let (ratio, limit) = match self.of {
                Some(_) => (percent(measured).into(), percent(*limit)),
                None => (serde_json::Value::Null, limit.normalize().to_string()),
            };
            let mut finding = Finding::new(
                cx.path(&self.value),
                [
                    ("value", value.normalize().to_string().into()),
                    (
                        "base",
                        base.map_or(serde_json::Value::Null, |b| {
                            b.normalize().to_string().into()
                        }),
                    ),
                    ("ratio", ratio),
                    ("limit", limit.into()),
                ],
            );
            finding.severity = *severity;
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

    #[test]
    fn ratio_bands_set_the_severity() {
        let check = "kind = \"threshold\"\nvalue = \"/general/utilised\"\nof = \"/general/produced\"\nerror_below = 0.95\nwarn_below = 0.96";
        let doc = |utilised: &str| json!({"kind": "district_report", "general": {"produced": {"value": "1000", "unit": "t"}, "utilised": {"value": utilised, "unit": "t"}}});
        assert!(
            run(check, None, doc("970"), None)
                .unwrap()
                .unwrap()
                .is_empty()
        );
        let warn = run(check, None, doc("955"), None).unwrap().unwrap();
        assert_eq!(warn[0].severity, Some(Severity::Warning));
        assert_eq!(warn[0].params["ratio"], "95.5");
        let error = run(check, None, doc("900"), None).unwrap().unwrap();
        assert_eq!(error[0].severity, Some(Severity::Error));
        assert_eq!(error[0].params["limit"], "95");
    }

    #[test]
    fn relative_difference_with_the_rules_severity() {
        let check = "kind = \"threshold\"\nvalue = \"received_quantity\"\ndiffers_from = \"quantity\"\nabove = 0.02";
        let doc = json!({"kind": "manifest", "wastes": [
            {"quantity": {"value": "5", "unit": "t"}, "received_quantity": {"value": "4.95", "unit": "t"}},
            {"quantity": {"value": "5", "unit": "t"}, "received_quantity": {"value": "4600", "unit": "kg"}},
            {"quantity": {"value": "5", "unit": "t"}, "received_quantity": {"value": "5.4", "unit": "t"}},
            {"quantity": {"value": "0", "unit": "t"}, "received_quantity": {"value": "1", "unit": "t"}}
        ]});
        let found = run(check, Some("/wastes"), doc, None).unwrap().unwrap();
        assert_eq!(
            super::super::testing::paths(&found),
            ["/wastes/1/received_quantity", "/wastes/2/received_quantity"]
        );
        assert_eq!(found[0].params["ratio"], "8");
        assert_eq!(found[0].params["value"], "4.6");
        assert_eq!(found[0].params["base"], "5");
        assert_eq!(found[0].params["limit"], "2");
        assert_eq!(found[0].severity, None, "the rule's own severity");
        assert_eq!(found[1].params["ratio"], "8");
    }

    #[test]
    fn a_threshold_needs_a_band() {
        let problems = run(
            "kind = \"threshold\"\nvalue = \"/year\"",
            None,
            json!({"kind": "plan"}),
            None,
        )
        .unwrap_err();
        assert!(problems[0].contains("at least one"));
    }
}

//! `threshold`: a value, or a ratio of two values, against limits — with a warning
//! band and an error band, above (a maximum) or below (a minimum rate).
//!
//! ```toml
//! [check]
//! kind = "threshold"
//! value = "/general/utilised"
//! of = "/general/produced"        # optional: compare value / of
//! error_below = "$general_utilisation_target"
//! # warn_below, warn_above, error_above likewise; at least one
//! ```
//! Quantities count in tonnes. A finding at `value` with the severity of the band
//! it falls in (`error_*` gives error, `warn_*` warning). Provides `{value}`,
//! `{ratio}` (as a percentage with two decimals, when `of` is given) and `{limit}`
//! (percentages for ratios). Skipped when a value is missing or `of` is zero.

use super::{Args, Check, Finding, Kind, NotEvaluated, Ref, RunCx};
use crate::model::Decimal;
use crate::report::Severity;

pub const KIND: Kind = Kind {
    name: "threshold",
    provides: &["value", "ratio", "limit"],
    compile,
};

#[derive(Debug)]
struct Threshold {
    value: Ref,
    of: Option<Ref>,
    bands: Vec<(Severity, Bound, Decimal)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    Above,
    Below,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let value = args.field("value");
    let of = args.optional_field("of");
    let mut bands = Vec::new();
    // Error bands first: a value in both bands is an error.
    for (key, severity, bound) in [
        ("error_above", Severity::Error, Bound::Above),
        ("error_below", Severity::Error, Bound::Below),
        ("warn_above", Severity::Warning, Bound::Above),
        ("warn_below", Severity::Warning, Bound::Below),
    ] {
        if let Some(limit) = args.optional_decimal(key) {
            bands.push((severity, bound, limit));
        }
    }
    if bands.is_empty() {
        args.problems
            .push("give at least one of error_above, error_below, warn_above, warn_below".into());
    }
    Some(Box::new(Threshold {
        value: value?,
        of,
        bands,
    }))
}

impl Check for Threshold {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), NotEvaluated> {
        let Some(value) = cx.get(&self.value).decimal() else {
            return Ok(());
        };
        let measured = match &self.of {
            None => value,
            Some(of) => match cx.get(of).decimal() {
                Some(total) if !total.is_zero() => value / total,
                _ => return Ok(()),
            },
        };
        let band = self.bands.iter().find(|(_, bound, limit)| match bound {
            Bound::Above => measured > *limit,
            Bound::Below => measured < *limit,
        });
        if let Some((severity, _, limit)) = band {
            let percent = |d: Decimal| {
                (d * Decimal::ONE_HUNDRED)
                    .round_dp(2)
                    .normalize()
                    .to_string()
            };
            let (ratio, limit) = match self.of {
                Some(_) => (percent(measured).into(), percent(*limit)),
                None => (serde_json::Value::Null, limit.normalize().to_string()),
            };
            let mut finding = Finding::new(
                cx.path(&self.value),
                &[
                    ("value", value.normalize().to_string().into()),
                    ("ratio", ratio),
                    ("limit", limit.into()),
                ],
            );
            finding.severity = Some(*severity);
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

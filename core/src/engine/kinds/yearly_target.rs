//! `yearly-target`: a rate (or a total) a report must reach, with a target that
//! steps up in a given year — a plan's interim and final targets.
//!
//! ```toml
//! [check]
//! kind = "yearly-target"
//! year = "/year"                                  # the report's year
//! value = ["/hazardous/utilised", "/hazardous/disposed"]   # one field, or several summed
//! of = "/hazardous/produced"                      # optional: the rate value / of
//! min = "$hazardous_disposal_target"              # the target (from `from_year` on)
//! from_year = 2021                                # optional, with `earlier_min`
//! earlier_min = "$hazardous_disposal_target_2020" # optional: the target before `from_year`
//! region = "/region"                              # optional: the region, named in messages
//! until_year = "$district_targets_until_year"     # optional: the last year a target is set for
//! ```
//!
//! A finding at the first `value` field when the rate (or the total) is below the
//! year's target. Quantities count in tonnes. Provides `{value}` (the total, in
//! tonnes for quantities), `{of}`, `{ratio}` and `{target}` (percentages with up to
//! two decimals when `of` is given, else plain numbers), `{year}` and
//! `{region_name}` (the region's full name where known, else its code). Skipped when
//! the year or every value is missing, or `of` is missing or zero, and for a year
//! after `until_year`: a target set for some years is not carried on to later ones.

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable};
use super::{Param as P, ParamType as T};
use crate::model::Decimal;
use crate::model::node::Node;
use serde_json::Value;

pub const KIND: Kind = Kind {
    name: "yearly-target",
    offers: None,
    provides: &["value", "of", "ratio", "target", "year", "region_name"],
    params: PARAMS,
    finds: "a total, or the rate total / `of`, under the target of the report's year (`earlier_min` before `from_year`, `min` from it)",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("year", T::Pointer, "the report's year"),
    P::required(
        "value",
        T::PointerOrPointers,
        "one field, or several summed",
    ),
    P::optional("of", T::Pointer, "the rate value / of"),
    P::required("min", T::Decimal, "the target (from `from_year` on)"),
    P::optional(
        "from_year",
        T::Integer,
        "with `earlier_min`: the year the target `min` starts",
    ),
    P::optional(
        "earlier_min",
        T::Decimal,
        "with `from_year`: the target before `from_year`",
    ),
    P::optional("region", T::Pointer, "the region, named in messages"),
    P::optional(
        "until_year",
        T::Integer,
        "the last year a target is set for: later years are not checked (every year when not given)",
    ),
];

#[derive(Debug)]
struct YearlyTarget {
    year: Ref,
    values: Vec<Ref>,
    of: Option<Ref>,
    min: Decimal,
    step: Option<(i64, Decimal)>,
    region: Option<Ref>,
    until_year: Option<i64>,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let year = args.field("year");
    let values = args.field_or_fields("value");
    let of = args.optional_field("of");
    let min = args.decimal("min");
    let from_year = args.has("from_year").then(|| args.integer("from_year"));
    let earlier_min = args.optional_decimal("earlier_min");
    let step = match (from_year, earlier_min) {
        (None, None) => None,
        (Some(Some(year)), Some(earlier)) => Some((year, earlier)),
        (Some(None), _) => None,
        _ => {
            args.problems
                .push("give `from_year` and `earlier_min` together".into());
            None
        }
    };
    let region = args.optional_field("region");
    let until_year = if args.has("until_year") {
        args.integer("until_year")
    } else {
        None
    };
    if values.is_empty() && args.has("value") {
        args.problems
            .push("`value` must name at least one field".into());
    }
    Some(Box::new(YearlyTarget {
        year: year?,
        values,
        of,
        min: min?,
        step,
        region,
        until_year,
    }))
}

fn plain(d: Decimal) -> String {
    d.normalize().to_string()
}

fn percent(d: Decimal) -> String {
    plain((d * Decimal::ONE_HUNDRED).round_dp(2))
}

impl Check for YearlyTarget {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let year = match cx.get(&self.year) {
            Node::Year(y) => i64::from(y.get()),
            _ => return Ok(()),
        };
        if self.until_year.is_some_and(|last| year > last) {
            return Ok(());
        }
        let mut total = Decimal::ZERO;
        let mut any = false;
        for value in &self.values {
            if let Some(v) = cx.get(value).decimal() {
                total += v;
                any = true;
            }
        }
        let Some(first) = self.values.first() else {
            return Ok(());
        };
        if !any {
            return Ok(());
        }
        let target = match self.step {
            Some((from, earlier)) if year < from => earlier,
            _ => self.min,
        };
        let (measured, of) = match &self.of {
            None => (total, None),
            Some(of) => match cx.get(of).decimal() {
                Some(base) if !base.is_zero() => (total / base, Some(base)),
                _ => return Ok(()),
            },
        };
        if measured >= target {
            return Ok(());
        }
        let region_name = self
            .region
            .as_ref()
            .map_or(Value::Null, |r| match cx.get(r) {
                Node::Region(code) => code.full_name().unwrap_or_else(|| code.to_string()).into(),
                other => super::text(&other),
            });
        let (ratio, target) = match of {
            Some(_) => (Value::String(percent(measured)), percent(target)),
            None => (Value::Null, plain(target)),
        };
        out.push(Finding::new(
            cx.path(first),
            [
                ("value", plain(total).into()),
                ("of", of.map_or(Value::Null, |o| plain(o).into())),
                ("ratio", ratio),
                ("target", target.into()),
                ("year", year.into()),
                ("region_name", region_name),
            ],
        ));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use serde_json::{Value, json};

    const CHECK: &str = r#"kind = "yearly-target"
year = "/year"
value = ["/hazardous/utilised", "/hazardous/disposed"]
of = "/hazardous/produced"
min = 0.98
from_year = 2021
earlier_min = 0.96
region = "/region""#;

    fn report(year: u32, utilised: &str) -> Value {
        json!({"kind": "district_report", "region": "330681", "year": year,
            "hazardous": {"produced": {"value": "1000", "unit": "t"},
                "utilised": {"value": utilised, "unit": "t"},
                "disposed": {"value": "400", "unit": "kg"}}})
    }

    #[test]
    fn the_target_steps_up_in_its_year() {
        // 960 t utilised and 400 kg disposed of 1000 t: 96.04 %.
        let in_2020 = run(CHECK, None, report(2020, "960"), None)
            .unwrap()
            .unwrap();
        assert!(in_2020.is_empty(), "960.4 of 1000 meets 96 % in 2020");
        let in_2021 = run(CHECK, None, report(2021, "960"), None)
            .unwrap()
            .unwrap();
        assert_eq!(in_2021[0].path, "/hazardous/utilised");
        assert_eq!(in_2021[0].params["ratio"], "96.04");
        assert_eq!(in_2021[0].params["target"], "98");
        assert_eq!(in_2021[0].params["value"], "960.4");
        assert_eq!(in_2021[0].params["region_name"], "浙江省绍兴市诸暨市");
    }

    #[test]
    fn no_target_after_the_last_year_set() {
        let check = format!("{CHECK}\nuntil_year = 2021");
        let in_2021 = run(&check, None, report(2021, "960"), None)
            .unwrap()
            .unwrap();
        assert_eq!(in_2021.len(), 1, "2021 has its target");
        let in_2022 = run(&check, None, report(2022, "960"), None)
            .unwrap()
            .unwrap();
        assert!(in_2022.is_empty(), "no target is set for 2022");
        let unbounded = run(CHECK, None, report(2022, "960"), None)
            .unwrap()
            .unwrap();
        assert_eq!(
            unbounded.len(),
            1,
            "without until_year the target carries on"
        );
    }

    #[test]
    fn arguments_are_checked() {
        let problems = run(
            "kind = \"yearly-target\"\nyear = \"/year\"\nvalue = \"/general/utilised\"\nfrom_year = 2021",
            None,
            json!({"kind": "district_report"}),
            None,
        )
        .unwrap_err();
        assert!(problems.iter().any(|p| p.contains("`min`")), "{problems:?}");
        assert!(
            problems.iter().any(|p| p.contains("together")),
            "{problems:?}"
        );
    }
}

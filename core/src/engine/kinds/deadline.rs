//! `deadline`: a date no later than a fixed day of a year — a management plan filed
//! by 31 March of its year (HJ 1259-2022 §5.2), an annual declaration by 31 March of
//! the next year (§7.2), a district report by its due day.
//!
//! ```toml
//! [check]
//! kind = "deadline"
//! date = "/filed_at"     # the date it was done (a date-time counts by its own local date)
//! year = "/year"         # the year, or a date whose year it is
//! by = "03-31"           # the last day, MM-DD
//! years_after = 0        # optional: the deadline is in year + n (1 for "the next year")
//! ```
//! A finding at `date` when it is after the deadline. Provides `{date}`,
//! `{deadline}` and `{year}`. Skipped while either field is not given.

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable};
use super::{Param as P, ParamType as T};
use crate::model::Date;
use crate::model::node::Node;

pub const KIND: Kind = Kind {
    name: "deadline",
    offers: None,
    provides: &["date", "deadline", "year"],
    params: PARAMS,
    finds: "a date after that day of the year (+ `years_after`)",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("date", T::Pointer, "the date it was done"),
    P::required("year", T::Pointer, "the year, or a date whose year it is"),
    P::required("by", T::Text, "the last day, `MM-DD`"),
    P::optional(
        "years_after",
        T::Integer,
        "the deadline is in year + n (0 to 10)",
    )
    .default("0"),
];

#[derive(Debug)]
struct Deadline {
    date: Ref,
    year: Ref,
    month: u32,
    day: u32,
    years_after: i32,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let date = args.field("date");
    let year = args.field("year");
    let by = args.optional_string("by");
    let parsed = by.and_then(|by| {
        let (m, d) = by.split_once('-')?;
        let (m, d) = (m.parse::<u32>().ok()?, d.parse::<u32>().ok()?);
        // Valid in a leap year (29 February is allowed; it falls back to the 28th).
        Date::from_ymd(2024, m, d).map(|_| (m, d))
    });
    if let (None, Some(by)) = (parsed, by) {
        args.problems.push(format!(
            "`by` = \"{by}\" is not a day of the year, \"MM-DD\""
        ));
    }
    let years_after = if args.has("years_after") {
        args.integer("years_after")
            .and_then(|n| i32::try_from(n).ok().filter(|n| (0..=10).contains(n)))
            .or_else(|| {
                args.problems
                    .push("`years_after` must be a whole number from 0 to 10".into());
                None
            })
            .unwrap_or(0)
    } else {
        0
    };
    let (month, day) = parsed?;
    Some(Box::new(Deadline {
        date: date?,
        year: year?,
        month,
        day,
        years_after,
    }))
}

impl Check for Deadline {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let year = match cx.get(&self.year) {
            Node::Year(y) => Some(y.get()),
            other => other.date().map(|d| d.year()),
        };
        let (Some(done), Some(year)) = (cx.get(&self.date).date(), year) else {
            return Ok(());
        };
        let due_year = year + self.years_after;
        let Some(deadline) = Date::from_ymd(due_year, self.month, self.day)
            .or_else(|| Date::from_ymd(due_year, self.month, self.day - 1))
        else {
            return Ok(());
        };
        if done > deadline {
            out.push(Finding::new(
                cx.path(&self.date),
                [
                    ("date", done.to_string().into()),
                    ("deadline", deadline.to_string().into()),
                    ("year", year.to_string().into()),
                ],
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use serde_json::json;

    const CHECK: &str =
        "kind = \"deadline\"\ndate = \"/filed_at\"\nyear = \"/year\"\nby = \"03-31\"";

    fn plan(filed: &str) -> serde_json::Value {
        json!({"kind": "plan", "year": 2026, "filed_at": filed})
    }

    #[test]
    fn filed_by_the_last_day() {
        assert!(
            run(CHECK, None, plan("2026-03-31"), None)
                .unwrap()
                .unwrap()
                .is_empty()
        );
        let late = run(CHECK, None, plan("2026-04-01"), None).unwrap().unwrap();
        assert_eq!(late[0].path, "/filed_at");
        assert_eq!(late[0].params["deadline"], "2026-03-31");
        assert_eq!(late[0].params["year"], "2026");
        let next_year = format!("{CHECK}\nyears_after = 1");
        assert!(
            run(&next_year, None, plan("2027-03-31"), None)
                .unwrap()
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn the_day_is_checked_at_load() {
        let problems = run(
            "kind = \"deadline\"\ndate = \"/filed_at\"\nyear = \"/year\"\nby = \"02-30\"\nyears_after = -1",
            None,
            plan("2026-03-31"),
            None,
        )
        .unwrap_err()
        .join("\n");
        assert!(problems.contains("not a day of the year"), "{problems}");
        assert!(problems.contains("years_after"), "{problems}");
    }
}

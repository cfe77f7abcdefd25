//! `working-days`: no more than `max` working days from one date to another, on the
//! official calendar of holidays and make-up working days (调休).
//!
//! ```toml
//! [check]
//! kind = "working-days"
//! from = "/received_at"
//! to = "/confirmed_at"
//! max = "$confirmation_working_days"
//! ```
//! A finding at `to` when the count exceeds `max`. Provides `{from}`, `{to}`,
//! `{days}` and `{max}`. Not evaluated when a date lies outside the calendar's
//! coverage (holidays of later years are announced each November).

use super::{Args, Check, Finding, Kind, NotEvaluated, Ref, RunCx};

pub const KIND: Kind = Kind {
    name: "working-days",
    provides: &["from", "to", "days", "max"],
    compile,
};

#[derive(Debug)]
struct WorkingDays {
    from: Ref,
    to: Ref,
    max: i64,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let from = args.field("from");
    let to = args.field("to");
    let max = args.integer("max");
    Some(Box::new(WorkingDays {
        from: from?,
        to: to?,
        max: max?,
    }))
}

impl Check for WorkingDays {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), NotEvaluated> {
        let (Some(from), Some(to)) = (cx.get(&self.from).date(), cx.get(&self.to).date()) else {
            return Ok(());
        };
        let calendar = cx
            .calendar
            .ok_or_else(|| NotEvaluated("the pack chain has no working-day calendar".into()))?;
        let days = calendar.working_days_between(from, to).ok_or_else(|| {
            NotEvaluated(format!(
                "the working-day calendar does not cover {from} to {to}"
            ))
        })?;
        if days > self.max {
            out.push(Finding::new(
                cx.path(&self.to),
                &[
                    ("from", from.to_string().into()),
                    ("to", to.to_string().into()),
                    ("days", days.into()),
                    ("max", self.max.into()),
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

    const CHECK: &str = "kind = \"working-days\"\nfrom = \"/received_at\"\nto = \"/confirmed_at\"\nmax = \"$limit\"";

    fn doc(received: &str, confirmed: &str) -> serde_json::Value {
        json!({"kind": "manifest", "received_at": received, "confirmed_at": confirmed})
    }

    #[test]
    fn counts_official_working_days() {
        // Spring Festival 2026: 02-15…02-23 off, 02-14 (Sat) worked.
        let ok = run(
            CHECK,
            None,
            doc("2026-02-13T16:00:00+08:00", "2026-02-27T10:00:00+08:00"),
            None,
        )
        .unwrap()
        .unwrap();
        assert!(ok.is_empty(), "5 working days is on time");
        let late = run(
            CHECK,
            None,
            doc("2026-02-13T16:00:00+08:00", "2026-03-02T10:00:00+08:00"),
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            late[0].params["days"], 7,
            "02-28 (Sat) is a make-up working day"
        );
        assert_eq!(late[0].path, "/confirmed_at");
    }

    #[test]
    fn beyond_the_calendar_it_is_not_evaluated() {
        let outcome = run(
            CHECK,
            None,
            doc("2026-12-30T16:00:00+08:00", "2027-01-08T10:00:00+08:00"),
            None,
        )
        .unwrap();
        assert!(outcome.unwrap_err().contains("does not cover"));
    }
}

//! `age`: how long something has been held, in calendar days, months or years, up to
//! a date — a lot
//! in storage for at most a year (固废法 第八十一条), collected waste handed on within a
//! set time, a sample kept for a period — optionally only for parties that hold a
//! fact in force (a licensed operator, a pilot collector); or, with `min`, how long
//! something was kept at least — records destroyed before their retention period
//! ended (HJ 1259-2022 §6.4, 许可证办法 第十八条).
//!
//! ```toml
//! [check]
//! kind = "age"
//! since = "stored_at"                   # the first day
//! until = "/as_of"                      # optional: the day counted to (else the legal date)
//! max = "$operator_storage_max_years"   # or min = …: exactly one of the two
//! unit = "years"                        # days (default), months or years
//! judged_from = "2022-10-01"            # optional: an `until` before it is not judged
//! holding = { fact = "licences", holder = "/enterprise/credit_code" }   # optional
//! ```
//! With `max`, a finding at `since` when more than `max` days lie between the two
//! dates, or, in months or years, when the day counted to is after the period's last
//! day; with `min`, when the day counted to is before the last day of a period of
//! `min` (ending on the last day itself is kept in full: the lenient reading). Periods
//! are counted as the civil law counts them: the first day is not counted (民法典
//! 第二百零一条), and
//! the last day is the corresponding date of the last month, or that month's last
//! day when it has none (第二百零二条: stored 2024-02-29, one year ends 2025-02-28).
//! With `judged_from`, an item whose day counted to is before that date is not
//! judged: the duty's own start, where items carry their own dates (records destroyed
//! before the standard requiring their retention took effect).
//! The rollover of a last day falling on a holiday (第二百零三条) is not applied: the
//! period bounds a state (waste held, records kept), not an act due on a working day. With
//! `holding`, only where the holder has a fact of that collection in force on the
//! day counted to; not evaluated when the host passed no such facts. Provides
//! `{since}`, `{until}`, `{days}` (calendar days held), `{max}` (the period, `max` or
//! `min`), `{last_day}` (the
//! period's last day) and `{held}` (the numbers of the facts held in force). Skipped
//! while a date or the holder is not given.

use super::in_force::{COLLECTIONS, held_by, in_force_on};
use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable};
use super::{Param as P, ParamType as T};
use chrono::{Days, Months};
use serde_json::Value;

pub const KIND: Kind = Kind {
    name: "age",
    offers: None,
    provides: &["since", "until", "days", "max", "last_day", "held"],
    params: PARAMS,
    finds: "more than `max` (or, with `min`, less than `min`) days, months or years from `since` to `until`, months and years counted as the civil law does (民法典 第二百零一条、第二百零二条: to the corresponding date) (only where the holder has such a fact in force)",
    compile,
};

/// The members of `holding`.
const HOLDING: &[P] = &[
    P::required("fact", T::Choice(COLLECTIONS), "the fact collection"),
    P::required("holder", T::Pointer, "the party holding the fact"),
];

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("since", T::Pointer, "the first day"),
    P::optional(
        "until",
        T::Pointer,
        "the day counted to (else the legal date)",
    ),
    P::optional(
        "max",
        T::Integer,
        "the longest period, in `unit` (give `max` or `min`)",
    ),
    P::optional(
        "min",
        T::Integer,
        "the shortest period, in `unit`: a finding when `until` is before its last day (give `max` or `min`)",
    ),
    P::optional(
        "unit",
        T::Choice(UNITS),
        "`days`, `months` or `years`: months and years end on the corresponding date (民法典 第二百零二条)",
    )
    .default("\"days\""),
    P::optional(
        "judged_from",
        T::Text,
        "a date (`YYYY-MM-DD`): an `until` before it is not judged (the duty's own start)",
    ),
    P::optional(
        "holding",
        T::Table(HOLDING),
        "`{ fact = \"…\", holder = \"…\" }`: only where the holder has a fact of that collection in force",
    ),
];

/// The units `max` may count in.
const UNITS: &[&str] = &["days", "months", "years"];

#[derive(Debug)]
struct Age {
    since: Ref,
    until: Option<Ref>,
    /// The period, in units.
    period: i64,
    /// Whether the period is a least (`min`) rather than a most (`max`).
    at_least: bool,
    /// Months in one unit; 0 for days.
    months_per_unit: u32,
    /// An `until` before this day is not judged.
    judged_from: Option<chrono::NaiveDate>,
    holding: Option<(&'static str, Ref)>,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let since = args.field("since");
    let until = args.optional_field("until");
    let (period, at_least) = match (args.optional_integer("max"), args.optional_integer("min")) {
        (Some(max), None) => (Some(max), false),
        (None, Some(min)) => (Some(min), true),
        _ => {
            args.problems.push(
                "give exactly one of `max` (the longest period) and `min` (the shortest)".into(),
            );
            (None, false)
        }
    };
    if period.is_some_and(|m| m < 0) {
        args.problems.push("the period must not be negative".into());
    }
    let months_per_unit = match args.optional_string("unit") {
        None | Some("days") => 0,
        Some("months") => 1,
        Some("years") => 12,
        Some(other) => {
            args.problems.push(format!(
                "`unit` must be one of {}, not `{other}`",
                UNITS.join(", ")
            ));
            0
        }
    };
    let judged_from = args.optional_string("judged_from").and_then(|text| {
        // The documents' own reading (YYYY-MM-DD exactly), not chrono's
        // `FromStr`: that one brings its pattern parser into the browser module.
        let date = text.parse::<crate::model::Date>().ok().map(|d| d.0);
        if date.is_none() {
            args.problems.push(format!(
                "`judged_from` = \"{text}\" is not a date (YYYY-MM-DD)"
            ));
        }
        date
    });
    let holding = match args.optional_table("holding") {
        None => None,
        Some(table) => {
            let fact = table
                .get("fact")
                .and_then(Value::as_str)
                .and_then(|f| COLLECTIONS.iter().find(|c| **c == f).copied());
            let holder = table
                .get("holder")
                .and_then(Value::as_str)
                .and_then(|h| args.reference_in("holding.holder", h));
            let unknown = table.keys().any(|k| !HOLDING.iter().any(|p| p.name == k));
            match (fact, holder, unknown) {
                (Some(fact), Some(holder), false) => Some((fact, holder)),
                _ => {
                    args.problems.push(format!(
                        "`holding` must be {{ fact = \"…\", holder = \"…\" }}, the fact one of {}",
                        COLLECTIONS.join(", ")
                    ));
                    None
                }
            }
        }
    };
    Some(Box::new(Age {
        since: since?,
        until,
        period: period?,
        at_least,
        months_per_unit,
        judged_from,
        holding,
    }))
}

impl Check for Age {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let until = match &self.until {
            Some(until) => cx.get(until).date(),
            None => cx.as_of,
        };
        let (Some(since), Some(until)) = (cx.get(&self.since).date(), until) else {
            return Ok(());
        };
        if self.judged_from.is_some_and(|from| until.0 < from) {
            return Ok(());
        }
        let held = match &self.holding {
            None => None,
            Some((fact, holder)) => {
                let Some(holder) = cx.get(holder).text() else {
                    return Ok(());
                };
                let numbers: Vec<String> = held_by(cx, fact, &holder)
                    .ok_or_else(|| Unevaluable::facts_missing(fact))?
                    .filter(|f| in_force_on(f, until))
                    .filter_map(|f| f.member("number").text().map(|t| t.into_owned()))
                    .collect();
                if numbers.is_empty() {
                    return Ok(());
                }
                Some(numbers.join("、"))
            }
        };
        let days = (until.0 - since.0).num_days();
        // The period's last day: `period` days after `since`, or the corresponding
        // date `period` months or years later (chrono clamps a missing day to the
        // month's last, as 第二百零二条 does). A period past the calendar's range
        // never ends.
        let last_day = if self.months_per_unit == 0 {
            u64::try_from(self.period)
                .ok()
                .and_then(|n| since.0.checked_add_days(Days::new(n)))
        } else {
            u32::try_from(self.period)
                .ok()
                .and_then(|n| n.checked_mul(self.months_per_unit))
                .and_then(|n| since.0.checked_add_months(Months::new(n)))
        };
        let Some(last_day) = last_day else {
            return Ok(());
        };
        let breached = if self.at_least {
            until.0 < last_day
        } else {
            until.0 > last_day
        };
        if breached {
            out.push(Finding::new(
                cx.path(&self.since),
                [
                    ("since", since.to_string().into()),
                    ("until", until.to_string().into()),
                    ("days", days.into()),
                    ("max", self.period.into()),
                    ("last_day", crate::model::Date(last_day).to_string().into()),
                    ("held", held.map_or(Value::Null, Value::from)),
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

    const CHECK: &str = "kind = \"age\"\nsince = \"stored_at\"\nuntil = \"/as_of\"\nmax = 365\nholding = { fact = \"licences\", holder = \"/enterprise/credit_code\" }";

    fn storage() -> serde_json::Value {
        json!({"kind": "storage", "as_of": "2026-06-30", "enterprise": {"credit_code": "91330100716105852F"}, "lots": [
            {"id": "L0", "stored_at": "2025-06-30"},
            {"id": "L1", "stored_at": "2025-06-29"}
        ]})
    }

    fn licence(until: &str) -> serde_json::Value {
        json!({"licences": [{"number": "L-1", "holder": "91330100716105852F", "valid_from": "2021-01-01", "valid_until": until}]})
    }

    #[test]
    fn days_held_by_a_holder_of_a_fact_in_force() {
        let found = run(CHECK, Some("/lots"), storage(), Some(licence("2026-12-31")))
            .unwrap()
            .unwrap();
        assert_eq!(paths(&found), ["/lots/1/stored_at"], "365 days is a year");
        assert_eq!(found[0].params["days"], 366);
        assert_eq!(found[0].params["held"], "L-1");
        let lapsed = run(CHECK, Some("/lots"), storage(), Some(licence("2026-01-31")));
        assert!(lapsed.unwrap().unwrap().is_empty(), "no licence in force");
        assert!(
            run(CHECK, Some("/lots"), storage(), None).unwrap().is_err(),
            "not evaluated without licences"
        );
    }

    #[test]
    fn years_end_on_the_corresponding_date() {
        let check =
            "kind = \"age\"\nsince = \"stored_at\"\nuntil = \"/as_of\"\nmax = 1\nunit = \"years\"";
        let at = |stored: &str, as_of: &str| {
            let doc = json!({"kind": "storage", "as_of": as_of, "lots": [{"id": "L0", "stored_at": stored}]});
            run(check, Some("/lots"), doc, None).unwrap().unwrap()
        };
        assert!(
            at("2023-03-01", "2024-03-01").is_empty(),
            "366 days across 29 February is still one year"
        );
        let over = at("2023-03-01", "2024-03-02");
        assert_eq!(over[0].params["last_day"], "2024-03-01");
        assert_eq!(over[0].params["days"], 367);
        assert!(at("2024-02-29", "2025-02-28").is_empty());
        assert_eq!(
            at("2024-02-29", "2025-03-01")[0].params["last_day"],
            "2025-02-28",
            "no 29 February: the month's last day"
        );
        let months =
            "kind = \"age\"\nsince = \"stored_at\"\nuntil = \"/as_of\"\nmax = 1\nunit = \"months\"";
        let doc = json!({"kind": "storage", "as_of": "2026-03-01", "lots": [{"id": "L0", "stored_at": "2026-01-31"}]});
        let found = run(months, Some("/lots"), doc, None).unwrap().unwrap();
        assert_eq!(found[0].params["last_day"], "2026-02-28");
    }

    #[test]
    fn min_finds_a_period_cut_short() {
        let check =
            "kind = \"age\"\nsince = \"to\"\nuntil = \"destroyed_on\"\nmin = 5\nunit = \"years\"";
        let at = |to: &str, destroyed: &str| {
            let doc = json!({"kind": "ledger", "records_destroyed": [{"to": to, "destroyed_on": destroyed}]});
            run(check, Some("/records_destroyed"), doc, None)
                .unwrap()
                .unwrap()
        };
        let early = at("2019-12-31", "2024-12-30");
        assert_eq!(early.len(), 1);
        assert_eq!(early[0].params["last_day"], "2024-12-31");
        assert_eq!(early[0].params["max"], 5);
        assert!(
            at("2019-12-31", "2024-12-31").is_empty(),
            "the last day itself is kept in full"
        );
        assert!(at("2019-12-31", "2025-06-30").is_empty());
        let judged = format!("{check}\njudged_from = \"2022-10-01\"");
        let doc = |destroyed: &str| json!({"kind": "ledger", "records_destroyed": [{"to": "2020-12-31", "destroyed_on": destroyed}]});
        let found = |destroyed| {
            run(&judged, Some("/records_destroyed"), doc(destroyed), None)
                .unwrap()
                .unwrap()
        };
        assert!(
            found("2022-09-30").is_empty(),
            "before the duty took effect"
        );
        assert_eq!(found("2022-10-01").len(), 1);
    }

    #[test]
    fn exactly_one_of_max_and_min() {
        for check in [
            "kind = \"age\"\nsince = \"/x\"",
            "kind = \"age\"\nsince = \"/x\"\nmax = 1\nmin = 1",
        ] {
            let problems = run(check, None, storage(), None).unwrap_err().join("\n");
            assert!(problems.contains("exactly one of `max`"), "{problems}");
        }
    }

    #[test]
    fn holding_is_checked_at_load() {
        let problems = run(
            "kind = \"age\"\nsince = \"/x\"\nmax = -1\nholding = { fact = \"plans\" }",
            None,
            storage(),
            None,
        )
        .unwrap_err()
        .join("\n");
        assert!(problems.contains("not be negative"), "{problems}");
        assert!(problems.contains("`holding` must be"), "{problems}");
    }
}

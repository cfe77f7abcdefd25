//! `working-days`: no more than `max` (or no fewer than `min`) working days from
//! one date to another, on the official calendar of holidays and make-up working
//! days (调休).
//!
//! ```toml
//! [check]
//! kind = "working-days"
//! from = "/received_at"
//! to = "/confirmed_at"
//! max = "$confirmation_working_days"     # and/or min = …
//! ```
//! A finding at `to` when the count exceeds `max` or falls short of `min`.
//! Provides `{from}`, `{to}`, `{days}`, `{max}` and `{last}` (the last day within
//! `max`), `{min}` and, with `min`, `{lead}`
//! ("only 25 working days before", or how many after `to`, in both languages). Not
//! evaluated when a date lies outside the calendar's coverage (holidays of later
//! years are announced each November).
//!
//! The two dates may be members of facts a party holds — a licence's renewal
//! application and its expiry, a permit's issue and its first use:
//!
//! ```toml
//! [check]
//! kind = "working-days"
//! fact = "licences"                     # licences | transport_permits | insurance_policies | approvals
//! holder = "/receiver/credit_code"
//! date = ["/dispatched_at", "/created_at"]   # the facts in force on it (else the legal date)
//! from = "renewal_applied_on"           # members of each such fact
//! to = "valid_until"
//! min = "$licence_renewal_working_days"
//! named_by = "/receiver/licence_number"  # optional: the field quoting a fact's number
//! ```
//! Each fact of the holder in force on the date that gives both members is counted;
//! a fact without them is skipped (a renewal not yet applied for). The finding is at
//! `named_by` when it quotes that fact's `number`, else at `holder`, and also
//! provides `{number}`. Not evaluated when the host passed no such facts.

use super::in_force::{COLLECTIONS, held_by, in_force_on};
use super::{Args, Check, Finding, Kind, ReasonCode, Ref, RunCx, Unevaluable, first_given};
use super::{Param as P, ParamType as T};
use crate::calendar::Calendar;
use crate::model::Date;
use serde_json::Value;

pub const KIND: Kind = Kind {
    name: "working-days",
    offers: None,
    provides: &["from", "to", "days", "max", "last", "min", "lead", "number"],
    params: PARAMS,
    finds: "more than `max`, or fewer than `min`, working days from `from` to `to` (official calendar, 调休 included)",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required(
        "from",
        T::Pointer,
        "the first date (with `fact`: a member of each fact)",
    ),
    P::required(
        "to",
        T::Pointer,
        "the last date (with `fact`: a member of each fact)",
    ),
    P::optional(
        "max",
        T::Integer,
        "at most this many working days; `max`, `min` or both",
    ),
    P::optional(
        "min",
        T::Integer,
        "at least this many working days; `max`, `min` or both",
    ),
    P::optional(
        "fact",
        T::Choice(COLLECTIONS),
        "the dates are members of each fact of this collection the holder has in force",
    ),
    P::optional(
        "holder",
        T::Pointer,
        "with `fact`: the party holding the facts",
    ),
    P::optional(
        "date",
        T::PointerOrPointers,
        "with `fact`: the date the facts are in force on (the first given; else the legal date)",
    ),
    P::optional(
        "named_by",
        T::Pointer,
        "with `fact`: the field quoting a fact's number",
    ),
];

#[derive(Debug)]
struct WorkingDays {
    from: Ref,
    to: Ref,
    max: Option<i64>,
    min: Option<u32>,
    facts: Option<Facts>,
}

/// Where the dates come from in the facts mode.
#[derive(Debug)]
struct Facts {
    fact: &'static str,
    holder: Ref,
    date: Vec<Ref>,
    named_by: Option<Ref>,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let facts = if args.has("fact") {
        let fact = args.choice("fact", COLLECTIONS);
        let holder = args.field("holder");
        let date = args.optional_field_or_fields("date");
        let named_by = args.optional_field("named_by");
        match (fact, holder) {
            (Some(fact), Some(holder)) => Some(Facts {
                fact,
                holder,
                date,
                named_by,
            }),
            _ => None,
        }
    } else {
        for key in ["holder", "date", "named_by"] {
            if args.has(key) {
                args.problems
                    .push(format!("`{key}` is read only with `fact`"));
            }
        }
        None
    };
    // In the facts mode, `from` and `to` are members of the fact.
    let (from, to) = if args.has("fact") {
        (member(args, "from"), member(args, "to"))
    } else {
        (args.field("from"), args.field("to"))
    };
    let max = args.has("max").then(|| args.integer("max")).flatten();
    let min = args.has("min").then(|| args.integer("min")).flatten();
    let min = min.and_then(|m| {
        let whole = u32::try_from(m).ok();
        if whole.is_none() {
            args.problems.push("`min` must not be negative".into());
        }
        whole
    });
    if !args.has("max") && !args.has("min") {
        args.problems
            .push("give `max`, `min` or both: a number of working days".into());
    }
    Some(Box::new(WorkingDays {
        from: from?,
        to: to?,
        max,
        min,
        facts,
    }))
}

/// A member name of a fact (`valid_until`), read as a relative reference.
fn member(args: &mut Args<'_>, key: &'static str) -> Option<Ref> {
    // Required by the declaration: a missing one is reported there.
    let name = args.optional_string(key)?;
    if name.is_empty() || name.starts_with('/') {
        args.problems.push(format!(
            "`{key}` = \"{name}\" must name a member of the fact"
        ));
        return None;
    }
    Some(Ref {
        pointer: crate::json::pointer::Pointer::parse(name),
        absolute: false,
    })
}

/// The count, or why it cannot be known.
fn count(calendar: Option<&Calendar>, from: Date, to: Date) -> Result<i64, Unevaluable> {
    calendar
        .ok_or_else(|| {
            Unevaluable::new(
                ReasonCode::CalendarMissing,
                "the pack chain has no working-day calendar",
            )
        })?
        .working_days_between(from, to)
        .ok_or_else(|| {
            Unevaluable::new(
                ReasonCode::CalendarNotCovered,
                format!("the working-day calendar does not cover {from} to {to}"),
            )
        })
}

impl WorkingDays {
    /// The finding's parameters if the span from `from` to `to` is out of bounds.
    fn judge(
        &self,
        cx: &RunCx<'_>,
        from: Date,
        to: Date,
    ) -> Result<Option<Vec<(&'static str, Value)>>, Unevaluable> {
        // Early enough without counting to the end: `min` working days after `from`
        // still fall on or before `to` (so a calendar ending before `to` does not
        // stop the check).
        let early_enough = self.min.is_some_and(|min| {
            cx.calendar
                .and_then(|c| c.add_working_days(from, min))
                .is_some_and(|deadline| deadline <= to)
        });
        if early_enough && self.max.is_none() {
            return Ok(None);
        }
        let days = count(cx.calendar, from, to)?;
        let too_many = self.max.is_some_and(|max| days > max);
        let too_few = !early_enough && self.min.is_some_and(|min| days < i64::from(min));
        if !too_many && !too_few {
            return Ok(None);
        }
        let mut params = vec![
            ("from", from.to_string().into()),
            ("to", to.to_string().into()),
            ("days", days.into()),
        ];
        if let Some(max) = self.max {
            params.push(("max", max.into()));
            // The last lawful day, for the hint of a late act.
            let last = u32::try_from(max)
                .ok()
                .and_then(|max| cx.calendar?.add_working_days(from, max));
            params.push(("last", last.map_or(Value::Null, |d| d.to_string().into())));
        }
        if let Some(min) = self.min {
            params.push(("min", min.into()));
            let lead = if days >= 0 {
                serde_json::json!({"zh-CN": format!("仅提前 {days} 个工作日"), "en": format!("only {days} working days before")})
            } else {
                serde_json::json!({"zh-CN": format!("已晚于 {to} {} 个工作日", -days), "en": format!("{} working days after {to}", -days)})
            };
            params.push(("lead", lead));
        }
        Ok(Some(params))
    }
}

impl Check for WorkingDays {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let Some(facts) = &self.facts else {
            let (Some(from), Some(to)) = (cx.get(&self.from).date(), cx.get(&self.to).date())
            else {
                return Ok(());
            };
            if let Some(params) = self.judge(cx, from, to)? {
                out.push(Finding::new(cx.path(&self.to), params));
            }
            return Ok(());
        };
        let holder_node = cx.get(&facts.holder);
        let (Some(holder), Some(date)) = (
            holder_node.text(),
            first_given(cx, &facts.date).date().or(cx.as_of),
        ) else {
            return Ok(());
        };
        let held = held_by(cx, facts.fact, &holder)
            .ok_or_else(|| Unevaluable::facts_missing(facts.fact))?;
        let named = facts.named_by.as_ref().map(|r| (r, cx.get(r).text()));
        for fact in held.filter(|f| in_force_on(f, date)) {
            let (Some(from), Some(to)) = (
                self.from.pointer.resolve(fact).date(),
                self.to.pointer.resolve(fact).date(),
            ) else {
                continue;
            };
            let Some(mut params) = self.judge(cx, from, to)? else {
                continue;
            };
            let number = fact.member("number").text();
            let path = match &named {
                Some((at, Some(quoted))) if number.as_deref() == Some(quoted.as_ref()) => {
                    cx.path(at)
                }
                _ => cx.path(&facts.holder),
            };
            params.push((
                "number",
                number.map_or(Value::Null, |n| Value::from(n.as_ref())),
            ));
            out.push(Finding::new(path, params));
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

    const RENEWAL: &str = "kind = \"working-days\"\nfact = \"licences\"\nholder = \"/receiver/credit_code\"\ndate = \"/dispatched_at\"\nfrom = \"renewal_applied_on\"\nto = \"valid_until\"\nmin = 30\nnamed_by = \"/receiver/licence_number\"";

    fn renewal(applied: &str, number: &str) -> Result<Vec<super::Finding>, String> {
        let doc = json!({"kind": "manifest", "receiver": {"credit_code": "91330100716105852F", "licence_number": number}, "dispatched_at": "2026-05-26T08:00:00+08:00"});
        let facts = json!({"licences": [{"number": "L-1", "holder": "91330100716105852F", "valid_from": "2021-07-01", "valid_until": "2026-06-30", "renewal_applied_on": applied}]});
        run(RENEWAL, None, doc, Some(facts)).unwrap()
    }

    #[test]
    fn a_facts_dates_at_least_min_working_days_apart() {
        assert!(renewal("2026-05-15", "L-1").unwrap().is_empty(), "on time");
        let late = renewal("2026-05-25", "L-1").unwrap();
        assert_eq!(late[0].path, "/receiver/licence_number");
        assert_eq!(late[0].params["days"], 25);
        assert_eq!(late[0].params["min"], 30);
        assert_eq!(late[0].params["from"], "2026-05-25");
        assert_eq!(late[0].params["to"], "2026-06-30");
        assert_eq!(late[0].params["lead"]["zh-CN"], "仅提前 25 个工作日");
        assert_eq!(late[0].params["number"], "L-1");
        let other = renewal("2026-05-25", "L-2").unwrap();
        assert_eq!(
            other[0].path, "/receiver/credit_code",
            "not the licence quoted"
        );
    }

    #[test]
    fn the_facts_mode_is_checked_at_load() {
        let problems = run(
            "kind = \"working-days\"\nfact = \"licences\"\nholder = \"/receiver/credit_code\"\nfrom = \"/renewal_applied_on\"\nto = \"valid_until\"",
            None,
            json!({"kind": "manifest"}),
            None,
        )
        .unwrap_err()
        .join("\n");
        assert!(problems.contains("must name a member"), "{problems}");
        assert!(problems.contains("give `max`, `min`"), "{problems}");
    }
}

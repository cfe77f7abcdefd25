//! The working-day calendar: arbitrary dates (any day chrono can hold, most of
//! them near the covered years) and day counts through the national calendar's
//! functions, which must agree with each other; date texts through the date
//! parser; and arbitrary CSV through the calendar reader.
#![no_main]

use arbitrary::Arbitrary;
use chrono::{Datelike, NaiveDate};
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use wastecheck::calendar::Calendar;
use wastecheck::model::Date;

#[derive(Debug, Arbitrary)]
enum Day {
    /// Days from 2000-01-01 (the calendar's years and a little beyond).
    Near(i16),
    /// Days from 0001-01-01, any chrono date.
    Far(i32),
    /// A text for the date parser.
    Text(String),
}

impl Day {
    fn date(&self) -> Option<Date> {
        match self {
            Day::Near(n) => NaiveDate::from_ymd_opt(2000, 1, 1)?
                .checked_add_signed(chrono::Duration::days(i64::from(*n)))
                .map(Date),
            Day::Far(n) => NaiveDate::from_num_days_from_ce_opt(*n).map(Date),
            Day::Text(text) => text.parse().ok(),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Input {
    Days {
        a: Day,
        b: Day,
        c: Day,
        n: u32,
        small: u8,
    },
    Csv {
        text: String,
        covers_until: Day,
    },
}

fn national() -> &'static Arc<Calendar> {
    static CALENDAR: OnceLock<Arc<Calendar>> = OnceLock::new();
    CALENDAR.get_or_init(|| {
        wastecheck_rules::builtin()
            .select(None, None)
            .and_then(|chain| chain.calendar.clone())
            .expect("the national calendar")
    })
}

fuzz_target!(|input: Input| {
    match input {
        Input::Days { a, b, c, n, small } => {
            let calendar = national();
            let (Some(a), Some(b), Some(c)) = (a.date(), b.date(), c.date()) else {
                return;
            };
            for d in [a, b, c] {
                assert_eq!(calendar.is_working_day(d).is_some(), calendar.covers(d));
                let _ = calendar.exception(d);
            }
            let ab = calendar.working_days_between(a, b);
            let ba = calendar.working_days_between(b, a);
            assert_eq!(ab, ba.map(|x| -x), "{a} {b}");
            if let (Some(ab), Some(bc), Some(ac)) = (
                ab,
                calendar.working_days_between(b, c),
                calendar.working_days_between(a, c),
            ) {
                assert_eq!(ab + bc, ac, "{a} {b} {c}");
            }
            for n in [n, u32::from(small)] {
                if let Some(e) = calendar.add_working_days(a, n) {
                    assert!(e >= a);
                    assert_eq!(
                        calendar.working_days_between(a, e),
                        Some(i64::from(n)),
                        "{a} + {n}"
                    );
                    if n > 0 {
                        assert_eq!(calendar.is_working_day(e), Some(true), "{a} + {n} = {e}");
                    }
                }
            }
            // A date's text (`YYYY-MM-DD`, years 0 to 9999) reads back as the date.
            if (0..=9999).contains(&a.0.year()) {
                assert_eq!(a.to_string().parse::<Date>().ok(), Some(a), "{a}");
            }
        }
        Input::Csv { text, covers_until } => {
            let Some(until) = covers_until.date() else {
                return;
            };
            if let Ok(calendar) = Calendar::from_csv(&text, until) {
                let first = calendar.first_covered();
                let _ = calendar.working_days_between(first, calendar.covers_until());
                let _ = calendar.add_working_days(first, 10);
            }
        }
    }
});

//! The official working-day calendar of the PRC: public holidays (法定节假日) and
//! make-up working days (调休上班), as the State Council's annual 节假日安排 notices
//! publish them.
//!
//! Deadlines in the waste rules are counted in working days (工作日): a manifest
//! confirmed "within N working days" of receipt, a report due "N working days"
//! after an event. A working day is a make-up workday, or a Monday–Friday date that
//! is not a public holiday. The calendar is pack data (a CSV the pack carries) and
//! is authoritative only up to the date the pack says it covers: later years are
//! announced each November, so every question about a date outside the coverage
//! answers `None`, never a guess.
//!
//! # Cost
//!
//! Loading sorts the exceptions once. Every query is `O(log e)` in the number of
//! exceptions `e` (about 800 for 2004–2026), whatever the span: the Monday–Friday
//! days of a span are counted arithmetically and the exceptions inside it by binary
//! search, so a span of twenty years costs the same as a span of two days.
//! [`Calendar::add_working_days`] binary-searches the answer over the covered days
//! with that count, `O(log d · log e)` for `d` covered days.

use crate::csv_rows::{Rows, UnequalLengths};
use crate::model::Date;
use chrono::{Datelike, Days, NaiveDate, Weekday};
use std::fmt;
use std::sync::Arc;

/// Something wrong with calendar data (a pack's CSV), naming its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The CSV could not be read.
    #[error("calendar: line {line}: {message}")]
    Csv {
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A column the file must have is missing.
    #[error("calendar: missing column `{column}`")]
    MissingColumn {
        /// The column.
        column: &'static str,
    },
    /// A date that is not `YYYY-MM-DD` or does not exist.
    #[error("calendar: line {line}: bad date `{value}`")]
    BadDate {
        /// 1-based line.
        line: u64,
        /// The cell as written.
        value: String,
    },
    /// A kind other than `holiday` or `workday`.
    #[error("calendar: line {line}: unknown kind `{kind}` (expected `holiday` or `workday`)")]
    UnknownKind {
        /// 1-based line.
        line: u64,
        /// The cell as written.
        kind: String,
    },
    /// The same date twice.
    #[error("calendar: line {line}: duplicate date {date} (first on line {first_line})")]
    Duplicate {
        /// 1-based line of the second row.
        line: u64,
        /// 1-based line of the first row.
        first_line: u64,
        /// The date.
        date: Date,
    },
    /// A make-up workday on a Monday–Friday: those are working days anyway, so the
    /// row is a transcription error.
    #[error("calendar: line {line}: make-up workday {date} is a {weekday}, not a weekend day")]
    WorkdayOnWeekday {
        /// 1-based line.
        line: u64,
        /// The date.
        date: Date,
        /// Its day of the week.
        weekday: Weekday,
    },
    /// A row after the date the data is said to cover.
    #[error("calendar: line {line}: {date} is after the covered period (until {covers_until})")]
    AfterCoverage {
        /// 1-based line.
        line: u64,
        /// The date.
        date: Date,
        /// The last covered date.
        covers_until: Date,
    },
    /// No rows, or a coverage that ends before it starts.
    #[error("calendar: no covered period (first row {first:?}, covered until {covers_until})")]
    NoCoverage {
        /// The first row's date, if any.
        first: Option<Date>,
        /// The last covered date.
        covers_until: Date,
    },
}

/// What a listed date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DayKind {
    /// A day off (a public holiday, or a weekday given off in exchange for a
    /// make-up workday). A holiday may fall on any day of the week.
    Holiday,
    /// A weekend day worked in exchange (调休上班).
    Workday,
}

impl fmt::Display for DayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        })
    }
}

/// One row of the calendar: a date that differs from the plain Monday–Friday week.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Exception {
    /// The date.
    pub date: Date,
    /// Off or worked.
    pub kind: DayKind,
    /// The holiday period it belongs to, in English (`Spring Festival`). Shared by
    /// consecutive rows of one period: a name per row was 1,542 of a load's 26,830
    /// allocations.
    pub festival_en: Arc<str>,
    /// The holiday period it belongs to, in Chinese (`春节`).
    pub festival_zh: Arc<str>,
}

/// The working-day calendar over a covered period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// 1 January of the first row's year.
    first: NaiveDate,
    /// The last date the data is authoritative for.
    last: NaiveDate,
    /// Every row, sorted by date.
    exceptions: Vec<Exception>,
    /// Holidays falling on Monday–Friday (the only ones that change a count), sorted.
    weekday_holidays: Vec<NaiveDate>,
    /// Make-up workdays (all on weekends), sorted.
    workdays: Vec<NaiveDate>,
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Monday–Friday days in `from..=to` (0 if `to < from`), in constant time.
fn weekdays_in(from: NaiveDate, to: NaiveDate) -> i64 {
    let days = (to - from).num_days() + 1;
    if days <= 0 {
        return 0;
    }
    let (weeks, rest) = (days / 7, days % 7);
    let start = i64::from(from.weekday().num_days_from_monday());
    // The `rest` days left over start on the same weekday as `from`.
    let extra = (0..rest).filter(|i| (start + i) % 7 < 5).count();
    weeks * 5 + i64::try_from(extra).unwrap_or(0)
}

/// Entries of a sorted list in `from..=to`, by binary search.
fn listed_in(list: &[NaiveDate], from: NaiveDate, to: NaiveDate) -> i64 {
    let lo = list.partition_point(|d| *d < from);
    let hi = list.partition_point(|d| *d <= to);
    i64::try_from(hi.saturating_sub(lo)).unwrap_or(0)
}

impl Calendar {
    /// Reads the calendar CSV (`date,kind,festival_en,festival_zh`; `kind` is
    /// `holiday` or `workday`; the festival columns may be absent).
    ///
    /// `covers_until` is the last date the data is authoritative for (the notice for
    /// 2026 covers through 2026-12-31); the first covered date is 1 January of the
    /// first row's year. Rows may come in any order; a date may appear once; a
    /// make-up workday must be a Saturday or Sunday (a holiday may be any day).
    #[inline(never)] // see `pack::load::read_digested_pack`
    pub fn from_csv(text: &str, covers_until: Date) -> Result<Calendar, CalendarError> {
        // Cells are trimmed as they are read: the reader's own `Trim::All` copied
        // every record again and was most of reading the calendar.
        let csv_error = |e: UnequalLengths| CalendarError::Csv {
            line: e.line,
            message: e.to_string(),
        };
        let (headers, mut rows) = Rows::open(text).map_err(csv_error)?;
        let column = |name: &'static str| headers.iter().position(|h| h.trim() == name);
        let date_column = column("date").ok_or(CalendarError::MissingColumn { column: "date" })?;
        let kind_column = column("kind").ok_or(CalendarError::MissingColumn { column: "kind" })?;
        let (en_column, zh_column) = (column("festival_en"), column("festival_zh"));

        let mut first_row: Option<Date> = None;
        let mut seen: foldhash::HashMap<NaiveDate, u64> = foldhash::HashMap::default();
        let mut exceptions = Vec::new();
        // The last row's festival names, for the next rows of the same period.
        let mut festival: (Arc<str>, Arc<str>) = (Arc::from(""), Arc::from(""));
        // One record read into again and again: a row costs no allocation.
        while let Some(line) = rows.next().map_err(csv_error)? {
            let cell = |index: Option<usize>| index.map_or("", |i| rows.cell(i)).trim();
            let date_text = cell(Some(date_column));
            let date: Date = date_text.parse().map_err(|_| CalendarError::BadDate {
                line,
                value: date_text.to_owned(),
            })?;
            let kind = match cell(Some(kind_column)) {
                "holiday" => DayKind::Holiday,
                "workday" => DayKind::Workday,
                other => {
                    return Err(CalendarError::UnknownKind {
                        line,
                        kind: other.to_owned(),
                    });
                }
            };
            if let Some(first_line) = seen.insert(date.0, line) {
                return Err(CalendarError::Duplicate {
                    line,
                    first_line,
                    date,
                });
            }
            if kind == DayKind::Workday && !is_weekend(date.0) {
                return Err(CalendarError::WorkdayOnWeekday {
                    line,
                    date,
                    weekday: date.0.weekday(),
                });
            }
            if date > covers_until {
                return Err(CalendarError::AfterCoverage {
                    line,
                    date,
                    covers_until,
                });
            }
            first_row.get_or_insert(date);
            let (en, zh) = (cell(en_column), cell(zh_column));
            if *festival.0 != *en {
                festival.0 = Arc::from(en);
            }
            if *festival.1 != *zh {
                festival.1 = Arc::from(zh);
            }
            exceptions.push(Exception {
                date,
                kind,
                festival_en: Arc::clone(&festival.0),
                festival_zh: Arc::clone(&festival.1),
            });
        }

        let first = first_row
            .and_then(|d| NaiveDate::from_ymd_opt(d.year(), 1, 1))
            .filter(|first| *first <= covers_until.0)
            .ok_or(CalendarError::NoCoverage {
                first: first_row,
                covers_until,
            })?;
        // A row before the first row's year would be outside the coverage it defines.
        if let Some(early) = exceptions.iter().find(|e| e.date.0 < first) {
            return Err(CalendarError::NoCoverage {
                first: Some(early.date),
                covers_until,
            });
        }
        crate::sorting::sort_by_key(&mut exceptions, |e| e.date);
        let weekday_holidays = exceptions
            .iter()
            .filter(|e| e.kind == DayKind::Holiday && !is_weekend(e.date.0))
            .map(|e| e.date.0)
            .collect();
        let workdays = exceptions
            .iter()
            .filter(|e| e.kind == DayKind::Workday)
            .map(|e| e.date.0)
            .collect();
        Ok(Calendar {
            first,
            last: covers_until.0,
            exceptions,
            weekday_holidays,
            workdays,
        })
    }

    /// The first covered date (1 January of the first row's year).
    pub fn first_covered(&self) -> Date {
        Date(self.first)
    }

    /// The last covered date.
    pub fn covers_until(&self) -> Date {
        Date(self.last)
    }

    /// Whether `date` is inside the covered period.
    pub fn covers(&self, date: Date) -> bool {
        (self.first..=self.last).contains(&date.0)
    }

    /// Every row, sorted by date.
    pub fn exceptions(&self) -> &[Exception] {
        &self.exceptions
    }

    /// The row for `date`, if it is a holiday or a make-up workday.
    pub fn exception(&self, date: Date) -> Option<&Exception> {
        self.exceptions
            .binary_search_by_key(&date, |e| e.date)
            .ok()
            .and_then(|i| self.exceptions.get(i))
    }

    /// Whether `date` is a working day; `None` outside the covered period.
    pub fn is_working_day(&self, date: Date) -> Option<bool> {
        if !self.covers(date) {
            return None;
        }
        Some(match self.exception(date).map(|e| e.kind) {
            Some(DayKind::Workday) => true,
            Some(DayKind::Holiday) => false,
            None => !is_weekend(date.0),
        })
    }

    /// Working days in `from..=to`, both inside the covered period.
    fn count(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        weekdays_in(from, to) - listed_in(&self.weekday_holidays, from, to)
            + listed_in(&self.workdays, from, to)
    }

    /// The number of working days after `from` up to and including `to`: received on
    /// a Friday and confirmed the next Monday is 1; the same day is 0; negative when
    /// `to` is before `from`. `None` if a day counted (the days after the earlier
    /// date up to the later) is outside the covered period.
    pub fn working_days_between(&self, from: Date, to: Date) -> Option<i64> {
        let (early, late, sign) = if to.0 >= from.0 {
            (from.0, to.0, 1)
        } else {
            (to.0, from.0, -1)
        };
        if early == late {
            return Some(0);
        }
        let start = early.succ_opt()?;
        if start < self.first || late > self.last {
            return None;
        }
        Some(sign * self.count(start, late))
    }

    /// The date that is `n` working days after `date` (`date` itself for 0); `None`
    /// if that date is beyond the covered period or the days after `date` are not
    /// covered.
    pub fn add_working_days(&self, date: Date, n: u32) -> Option<Date> {
        if n == 0 {
            return Some(date);
        }
        let start = date.0.succ_opt()?;
        if start < self.first || start > self.last {
            return None;
        }
        let wanted = i64::from(n);
        if self.count(start, self.last) < wanted {
            return None;
        }
        // The count over `start..=d` grows by one at each working day, so the
        // smallest `d` reaching `wanted` is the answer (and is a working day).
        let (mut lo, mut hi) = (0_u64, u64::try_from((self.last - start).num_days()).ok()?);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let day = start.checked_add_days(Days::new(mid))?;
            if self.count(start, day) >= wanted {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        start.checked_add_days(Days::new(lo)).map(Date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CN: &str = include_str!("../../rules/packs/cn/calendar/cn-holidays.csv");

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn cn() -> Calendar {
        Calendar::from_csv(CN, d("2026-12-31")).unwrap()
    }

    #[test]
    fn loads_the_official_data() {
        let calendar = cn();
        assert_eq!(calendar.exceptions().len(), 771);
        assert_eq!(calendar.first_covered(), d("2004-01-01"));
        assert_eq!(calendar.covers_until(), d("2026-12-31"));
        let spring = calendar.exception(d("2026-02-14")).unwrap();
        assert_eq!(spring.kind, DayKind::Workday);
        assert_eq!(&*spring.festival_en, "Spring Festival");
        assert_eq!(&*spring.festival_zh, "春节");
    }

    /// Consecutive rows of one period share their names; another period's rows
    /// have their own.
    #[test]
    fn rows_of_one_period_share_their_festival_names() {
        let csv = "date,kind,festival_en,festival_zh\n\
            2026-02-15,holiday,Spring Festival,春节\n\
            2026-02-16,holiday,Spring Festival,春节\n\
            2026-04-05,holiday,Qingming Festival,清明节\n";
        let calendar = Calendar::from_csv(csv, d("2026-12-31")).unwrap();
        let [first, second, third] = calendar.exceptions() else {
            panic!("three rows")
        };
        assert!(std::sync::Arc::ptr_eq(
            &first.festival_en,
            &second.festival_en
        ));
        assert!(std::sync::Arc::ptr_eq(
            &first.festival_zh,
            &second.festival_zh
        ));
        assert_eq!(&*third.festival_en, "Qingming Festival");
        assert_eq!(&*third.festival_zh, "清明节");
    }

    #[test]
    fn national_day_2025() {
        let calendar = cn();
        for day in 1..=8 {
            let date = Date::from_ymd(2025, 10, day).unwrap();
            assert_eq!(calendar.is_working_day(date), Some(false), "{date}");
        }
        assert_eq!(calendar.is_working_day(d("2025-09-28")), Some(true)); // Sunday, worked
        assert_eq!(calendar.is_working_day(d("2025-10-11")), Some(true)); // Saturday, worked
        assert_eq!(calendar.is_working_day(d("2025-10-09")), Some(true)); // Thursday
        assert_eq!(calendar.is_working_day(d("2025-10-12")), Some(false)); // Sunday
        // Tuesday 30 September to Thursday 9 October: one working day.
        assert_eq!(
            calendar.working_days_between(d("2025-09-30"), d("2025-10-09")),
            Some(1)
        );
        // From Friday 26 September: Sunday 28 (worked), Mon 29, Tue 30, Thu 9 Oct.
        assert_eq!(
            calendar.working_days_between(d("2025-09-26"), d("2025-10-09")),
            Some(4)
        );
        // Friday 10 October to Monday 13: Saturday 11 is worked.
        assert_eq!(
            calendar.working_days_between(d("2025-10-10"), d("2025-10-13")),
            Some(2)
        );
        assert_eq!(
            calendar.add_working_days(d("2025-09-30"), 1),
            Some(d("2025-10-09"))
        );
        assert_eq!(
            calendar.add_working_days(d("2025-09-30"), 3),
            Some(d("2025-10-11"))
        );
    }

    #[test]
    fn spring_festival_2026() {
        let calendar = cn();
        for day in 15..=23 {
            let date = Date::from_ymd(2026, 2, day).unwrap();
            assert_eq!(calendar.is_working_day(date), Some(false), "{date}");
        }
        assert_eq!(calendar.is_working_day(d("2026-02-14")), Some(true)); // Saturday, worked
        assert_eq!(calendar.is_working_day(d("2026-02-28")), Some(true)); // Saturday, worked
        assert_eq!(calendar.is_working_day(d("2026-02-24")), Some(true)); // Tuesday
        // Received Friday 13 February, confirmed Tuesday 24: Saturday 14 and Tuesday 24.
        assert_eq!(
            calendar.working_days_between(d("2026-02-13"), d("2026-02-24")),
            Some(2)
        );
        assert_eq!(
            calendar.working_days_between(d("2026-02-24"), d("2026-02-13")),
            Some(-2)
        );
        assert_eq!(
            calendar.add_working_days(d("2026-02-13"), 1),
            Some(d("2026-02-14"))
        );
        assert_eq!(
            calendar.add_working_days(d("2026-02-13"), 2),
            Some(d("2026-02-24"))
        );
        assert_eq!(
            calendar.add_working_days(d("2026-02-13"), 5),
            Some(d("2026-02-27"))
        );
        assert_eq!(
            calendar.add_working_days(d("2026-02-12"), 2),
            Some(d("2026-02-14"))
        );
    }

    #[test]
    fn friday_to_monday_is_one_and_same_day_is_zero() {
        let calendar = cn();
        // Friday 6 March 2026 to Monday 9 March.
        assert_eq!(
            calendar.working_days_between(d("2026-03-06"), d("2026-03-09")),
            Some(1)
        );
        assert_eq!(
            calendar.working_days_between(d("2026-03-06"), d("2026-03-06")),
            Some(0)
        );
        assert_eq!(
            calendar.add_working_days(d("2026-03-06"), 0),
            Some(d("2026-03-06"))
        );
        assert_eq!(
            calendar.add_working_days(d("2026-03-06"), 1),
            Some(d("2026-03-09"))
        );
        // New Year 2026: 1–3 January off, Sunday 4 January worked.
        assert_eq!(
            calendar.working_days_between(d("2026-01-02"), d("2026-01-05")),
            Some(2)
        );
    }

    #[test]
    fn whole_years_and_the_whole_coverage() {
        let calendar = cn();
        assert_eq!(
            calendar.working_days_between(d("2024-12-31"), d("2025-12-31")),
            Some(248)
        );
        assert_eq!(
            calendar.working_days_between(d("2025-12-31"), d("2026-12-31")),
            Some(248)
        );
        assert_eq!(
            calendar.working_days_between(d("2023-12-31"), d("2024-12-31")),
            Some(251)
        );
        assert_eq!(
            calendar.working_days_between(d("2004-01-01"), d("2026-12-31")),
            Some(5744)
        );
        assert_eq!(
            calendar.add_working_days(d("2004-01-01"), 1000),
            Some(d("2007-12-27"))
        );
        assert_eq!(
            calendar.add_working_days(d("2026-12-25"), 4),
            Some(d("2026-12-31"))
        );
    }

    #[test]
    fn agrees_with_a_day_by_day_count() {
        let calendar = cn();
        let from = d("2025-09-01");
        let mut expected = 0;
        let mut day = from.0;
        for _ in 0..200 {
            day = day.succ_opt().unwrap();
            if calendar.is_working_day(Date(day)).unwrap() {
                expected += 1;
                assert_eq!(
                    calendar.add_working_days(from, u32::try_from(expected).unwrap()),
                    Some(Date(day))
                );
            }
            assert_eq!(
                calendar.working_days_between(from, Date(day)),
                Some(expected)
            );
        }
    }

    #[test]
    fn outside_the_coverage_is_none() {
        let calendar = cn();
        assert_eq!(calendar.is_working_day(d("2027-01-04")), None);
        assert_eq!(calendar.is_working_day(d("2003-12-31")), None);
        assert_eq!(
            calendar.working_days_between(d("2026-12-30"), d("2027-01-04")),
            None
        );
        assert_eq!(
            calendar.working_days_between(d("2027-01-04"), d("2026-12-30")),
            None
        );
        assert_eq!(
            calendar.working_days_between(d("2003-12-30"), d("2004-01-05")),
            None
        );
        // The days counted are those after the earlier date: 2003-12-31 itself is
        // not needed.
        assert_eq!(
            calendar.working_days_between(d("2003-12-31"), d("2004-01-05")),
            Some(2)
        );
        assert_eq!(
            calendar.working_days_between(d("2026-12-30"), d("2026-12-31")),
            Some(1)
        );
        assert_eq!(calendar.add_working_days(d("2026-12-25"), 5), None);
        assert_eq!(calendar.add_working_days(d("2026-12-31"), 1), None);
        assert_eq!(calendar.add_working_days(d("2003-12-30"), 1), None);
        assert_eq!(calendar.add_working_days(d("2026-03-02"), u32::MAX), None);
    }

    #[test]
    fn rejects_bad_data_naming_the_line() {
        let until = d("2026-12-31");
        let header = "date,kind,festival_en,festival_zh\n";
        let load = |rows: &str| Calendar::from_csv(&format!("{header}{rows}"), until);
        assert_eq!(
            load("2026-01-01,holiday,,\n2026-01-01,holiday,,\n"),
            Err(CalendarError::Duplicate {
                line: 3,
                first_line: 2,
                date: d("2026-01-01")
            })
        );
        assert_eq!(
            load("2026-01-01,holiday,,\n2026-01-04,vacation,,\n"),
            Err(CalendarError::UnknownKind {
                line: 3,
                kind: "vacation".into()
            })
        );
        assert_eq!(
            load("2026-02-30,holiday,,\n"),
            Err(CalendarError::BadDate {
                line: 2,
                value: "2026-02-30".into()
            })
        );
        assert_eq!(
            load("2026-01-05,workday,,\n"),
            Err(CalendarError::WorkdayOnWeekday {
                line: 2,
                date: d("2026-01-05"),
                weekday: Weekday::Mon
            })
        );
        assert_eq!(
            load("2027-01-01,holiday,,\n"),
            Err(CalendarError::AfterCoverage {
                line: 2,
                date: d("2027-01-01"),
                covers_until: until
            })
        );
        assert!(matches!(load(""), Err(CalendarError::NoCoverage { .. })));
        assert!(matches!(
            load("2026-01-01,holiday,,\n2025-12-31,holiday,,\n"),
            Err(CalendarError::NoCoverage { .. })
        ));
        assert_eq!(
            Calendar::from_csv("day,kind\n", until),
            Err(CalendarError::MissingColumn { column: "date" })
        );
        assert!(matches!(
            load("2026-01-01,holiday,,\n2026-01-02,holiday\n"),
            Err(CalendarError::Csv { line: 3, .. })
        ));
        // Cells and headers are read without the spaces around them.
        let spaced = Calendar::from_csv(
            " date , kind ,festival_en\n 2026-01-03 , holiday , New Year \n",
            until,
        )
        .unwrap();
        assert_eq!(spaced.is_working_day(d("2026-01-03")), Some(false));
        assert_eq!(
            spaced.exceptions().first().map(|e| &*e.festival_en),
            Some("New Year")
        );
        // A holiday may fall on a weekend; festival columns are optional.
        let calendar = Calendar::from_csv("date,kind\n2026-01-03,holiday\n", until).unwrap();
        assert_eq!(calendar.is_working_day(d("2026-01-03")), Some(false));
        assert_eq!(calendar.is_working_day(d("2026-01-02")), Some(true));
    }

    #[test]
    fn a_span_of_years_is_cheap() {
        // Not a benchmark: documents that the count does not walk the days.
        let calendar = cn();
        let total: i64 = (0..10_000)
            .map(|_| {
                calendar
                    .working_days_between(d("2004-01-01"), d("2026-12-31"))
                    .unwrap()
            })
            .sum();
        assert_eq!(total, 57_440_000);
    }
}

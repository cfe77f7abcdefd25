//! Dates and date-times. A date-time must carry its UTC offset: a manifest
//! dispatched at 23:30 in Shaoxing is on another day in UTC.

use super::string_value;
use crate::json::Json;
use crate::model::field::{Decode, Decoder};
use crate::model::problem::{JsonType, Problem, Reason, Subject, malformed, whole_number};
use chrono::{Datelike, FixedOffset, NaiveDate};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

impl Date {
    /// Builds a date; `None` if it does not exist.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, day).map(Date)
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.0.year()
    }
}

/// Whether `text` has the `YYYY-MM-DD` shape (digits and dashes only).
fn is_date_shaped(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

impl FromStr for Date {
    type Err = Problem;
    fn from_str(text: &str) -> Result<Self, Problem> {
        if !is_date_shaped(text) {
            return Err(malformed(Subject::Date, text, Reason::Form));
        }
        // The shape is checked: read the numbers directly (chrono's pattern parser
        // is several times slower, and dates are read on every check).
        let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<u32>().ok();
        let ymd = (number(0..4), number(5..7), number(8..10));
        let date = match ymd {
            (Some(y), Some(m), Some(d)) => i32::try_from(y)
                .ok()
                .and_then(|y| NaiveDate::from_ymd_opt(y, m, d)),
            _ => None,
        };
        date.map(Date)
            .ok_or_else(|| malformed(Subject::Date, text, Reason::NoSuchDate))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written out rather than through chrono's `format`, which parses its
        // pattern on every call: dates are shown in most findings.
        let year = self.0.year();
        if let Ok(y) = u32::try_from(year)
            && y <= 9999
        {
            let (m, d) = (self.0.month(), self.0.day());
            let digit = |n: u32| b'0' + (n % 10) as u8;
            let text = [
                digit(y / 1000),
                digit(y / 100),
                digit(y / 10),
                digit(y),
                b'-',
                digit(m / 10),
                digit(m),
                b'-',
                digit(d / 10),
                digit(d),
            ];
            f.write_str(std::str::from_utf8(&text).unwrap_or_default())
        } else {
            // As chrono's `%Y` writes a year outside 0–9999: with its sign.
            let (m, d) = (self.0.month(), self.0.day());
            if year > 9999 {
                write!(f, "+{year}-{m:02}-{d:02}")
            } else {
                write!(f, "{year:05}-{m:02}-{d:02}")
            }
        }
    }
}

string_value!(Date, "Date", {
    "type": "string",
    "description": "A calendar date, YYYY-MM-DD.",
    "format": "date",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
});

/// A date-time with a UTC offset (RFC 3339), kept with the offset it was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime(pub chrono::DateTime<FixedOffset>);

impl DateTime {
    /// The local calendar date at the written offset (the date a person there saw).
    pub fn local_date(&self) -> Date {
        Date(self.0.date_naive())
    }
}

/// Whether `rest` (what follows a date) is a time of day without an offset:
/// `THH:MM`, `THH:MM:SS` or ` HH:MM:SS` (`60` seconds for a leap second). Read
/// by hand: chrono's pattern parser was the only user of its format machinery in
/// the browser module.
fn is_local_time(rest: &str) -> bool {
    let two_digits = |part: &str, max: u32| {
        part.len() == 2
            && part.bytes().all(|b| b.is_ascii_digit())
            && part.parse::<u32>().is_ok_and(|n| n <= max)
    };
    let mut parts = rest.get(1..).unwrap_or_default().split(':');
    let (hour, minute, second) = (parts.next(), parts.next(), parts.next());
    let time = parts.next().is_none()
        && hour.is_some_and(|h| two_digits(h, 23))
        && minute.is_some_and(|m| two_digits(m, 59))
        && second.is_none_or(|s| two_digits(s, 60));
    match rest.as_bytes().first() {
        Some(b'T' | b't') => time,
        Some(b' ') => time && second.is_some(),
        _ => false,
    }
}

impl FromStr for DateTime {
    type Err = Problem;
    fn from_str(text: &str) -> Result<Self, Problem> {
        // chrono also takes a space for the `T`; RFC 3339's `date-time` (and JSON
        // Schema's format) does not.
        let separated = matches!(text.as_bytes().get(10), Some(b'T' | b't'));
        match chrono::DateTime::parse_from_rfc3339(text) {
            Ok(value) if separated => Ok(DateTime(value)),
            _ => {
                let date_part = text.get(..10).unwrap_or(text);
                let reason = if !is_date_shaped(date_part) {
                    Reason::Form
                } else if date_part.parse::<Date>().is_err() {
                    Reason::NoSuchDate
                } else if is_local_time(text.get(10..).unwrap_or_default()) {
                    Reason::NoOffset
                } else {
                    Reason::Form
                };
                Err(malformed(Subject::DateTime, text, reason))
            }
        }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339())
    }
}

string_value!(DateTime, "DateTime", {
    "type": "string",
    "description": "A date-time with its UTC offset (RFC 3339), e.g. 2026-03-02T08:30:00+08:00.",
    "format": "date-time",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
});

/// A calendar year of a plan, declaration or report (2000–2100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Year(pub u16);

impl Year {
    const MIN: u16 = 2000;
    const MAX: u16 = 2100;

    /// The year as a number.
    pub fn get(self) -> i32 {
        i32::from(self.0)
    }

    /// 1 January of the year.
    pub fn first_day(self) -> Option<Date> {
        Date::from_ymd(self.get(), 1, 1)
    }
}

impl Decode for Year {
    fn decode(value: &Json<'_>, _: &mut Decoder<'_>) -> Result<Self, Problem> {
        let Json::Number(number) = value else {
            return Err(Problem::WrongType {
                expected: JsonType::Integer,
                found: JsonType::of(value),
            });
        };
        let whole = whole_number(number).ok_or(Problem::WrongType {
            expected: JsonType::Integer,
            found: JsonType::Number,
        })?;
        u16::try_from(whole)
            .ok()
            .filter(|y| (Year::MIN..=Year::MAX).contains(y))
            .map(Year)
            .ok_or_else(|| Problem::OutOfRange {
                value: number.to_string(),
                min: Year::MIN.to_string(),
                max: Year::MAX.to_string(),
            })
    }
}

crate::model::field::deserialize_via_decode!(Year);

impl JsonSchema for Year {
    fn schema_name() -> Cow<'static, str> {
        "Year".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "integer",
            "description": "A calendar year.",
            "minimum": Year::MIN,
            "maximum": Year::MAX
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_with_four_digit_years() {
        let date = |y, m, d| Date(NaiveDate::from_ymd_opt(y, m, d).unwrap()).to_string();
        assert_eq!(date(2026, 12, 31), "2026-12-31");
        assert_eq!(date(987, 1, 5), "0987-01-05");
        assert_eq!(date(12345, 6, 7), "+12345-06-07", "ISO 8601 expanded");
        assert_eq!(date(-1, 6, 7), "-0001-06-07");
    }

    #[test]
    fn dates() {
        assert_eq!("2026-03-02".parse::<Date>().unwrap().year(), 2026);
        assert!(matches!(
            "2026-02-30".parse::<Date>(),
            Err(Problem::Malformed {
                reason: Reason::NoSuchDate,
                ..
            })
        ));
        assert!(matches!(
            "2026-3-2".parse::<Date>(),
            Err(Problem::Malformed {
                reason: Reason::Form,
                ..
            })
        ));
    }

    #[test]
    fn date_times_need_an_offset_and_a_t() {
        assert!(matches!(
            "2026-03-01 23:30:00+08:00".parse::<DateTime>(),
            Err(Problem::Malformed {
                reason: Reason::Form,
                ..
            })
        ));
        assert!("2026-03-01t23:30:00.5Z".parse::<DateTime>().is_ok());
        let t: DateTime = "2026-03-01T23:30:00+08:00".parse().unwrap();
        assert_eq!(t.local_date().to_string(), "2026-03-01");
        assert!(matches!(
            "2026-03-01T23:30:00".parse::<DateTime>(),
            Err(Problem::Malformed {
                reason: Reason::NoOffset,
                ..
            })
        ));
        let reason = |text: &str| match text.parse::<DateTime>() {
            Err(Problem::Malformed { reason, .. }) => Some(reason),
            _ => None,
        };
        for (text, expected) in [
            ("2026-03-01T23:30", Reason::NoOffset),
            ("2026-03-01t23:30:60", Reason::NoOffset),
            ("2026-03-01 23:30:00", Reason::NoOffset),
            ("2026-03-01 23:30", Reason::Form),
            ("2026-03-01T24:00:00", Reason::Form),
            ("2026-03-01T23:3", Reason::Form),
            ("2026-03-01T23:30:00:00", Reason::Form),
            ("2026-03-01X23:30:00", Reason::Form),
            ("2026-03-01T", Reason::Form),
        ] {
            assert_eq!(reason(text), Some(expected), "{text}");
        }
        assert!(matches!(
            "2026-02-30T23:30:00+08:00".parse::<DateTime>(),
            Err(Problem::Malformed {
                reason: Reason::NoSuchDate,
                ..
            })
        ));
    }
}

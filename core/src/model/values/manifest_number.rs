//! 联单编号 (危险废物转移管理办法 Art.15): 14 digits — year (4), sending province (2),
//! sending prefecture city (2), serial number within that city (6).

use super::region::RegionCode;
use super::{inline, string_value};
use crate::model::problem::{Problem, Reason, Subject, malformed};
use arrayvec::ArrayString;
use std::fmt;
use std::str::FromStr;

/// A manifest number of the national form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ManifestNumber(ArrayString<14>);

impl ManifestNumber {
    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The year of the transfer (digits 1–4).
    pub fn year(&self) -> i32 {
        self.0.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
    }

    /// The sending prefecture city the number was issued for (digits 5–8 + `00`).
    pub fn city(&self) -> Option<RegionCode> {
        padded(self.0.get(4..8)?)
    }

    /// The sending province's two digits (digits 5–6).
    pub fn province_digits(&self) -> &str {
        self.0.get(4..6).unwrap_or_default()
    }

    /// The city's two digits (digits 7–8).
    pub fn city_digits(&self) -> &str {
        self.0.get(6..8).unwrap_or_default()
    }

    /// The serial number within the city (digits 9–14).
    pub fn serial(&self) -> &str {
        self.0.get(8..).unwrap_or_default()
    }
}

/// The region whose code begins with `digits`, padded with zeros to six.
fn padded(digits: &str) -> Option<RegionCode> {
    let mut code = ArrayString::<6>::new();
    code.try_push_str(digits).ok()?;
    while code.try_push('0').is_ok() {}
    code.parse().ok()
}

impl FromStr for ManifestNumber {
    type Err = Problem;
    fn from_str(text: &str) -> Result<Self, Problem> {
        if let Some((index, ch)) = text.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(malformed(
                Subject::ManifestNumber,
                text,
                Reason::Char {
                    ch,
                    position: index + 1,
                },
            ));
        }
        if text.len() != 14 {
            return Err(malformed(
                Subject::ManifestNumber,
                text,
                Reason::Length {
                    expected: 14,
                    found: text.len(),
                },
            ));
        }
        let number = ManifestNumber(inline(Subject::ManifestNumber, text)?);
        let province = padded(number.province_digits());
        if province.is_none_or(|p| p.is_national()) {
            return Err(malformed(
                Subject::ManifestNumber,
                text,
                Reason::NoSuchProvince {
                    digits: number.province_digits().to_owned(),
                },
            ));
        }
        Ok(number)
    }
}

impl fmt::Display for ManifestNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

string_value!(ManifestNumber, "ManifestNumber", {
    "type": "string",
    "description": "联单编号 Manifest number (危险废物转移管理办法 Art.15): year (4), province (2), city (2), serial (6).",
    "pattern": "^[0-9]{4}(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|81|82)[0-9]{8}$",
    "examples": ["20263306000123"]
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_a_number() {
        let n: ManifestNumber = "20263306000123".parse().unwrap();
        assert_eq!(n.year(), 2026);
        assert_eq!(n.province_digits(), "33");
        assert_eq!(n.city().unwrap().as_str(), "330600");
        assert_eq!(n.serial(), "000123");
    }

    #[test]
    fn bad_numbers() {
        assert!(matches!(
            "2026330600012".parse::<ManifestNumber>(),
            Err(Problem::Malformed {
                reason: Reason::Length {
                    expected: 14,
                    found: 13
                },
                ..
            })
        ));
        assert!(matches!(
            "2026-330600012".parse::<ManifestNumber>(),
            Err(Problem::Malformed {
                reason: Reason::Char {
                    ch: '-',
                    position: 5
                },
                ..
            })
        ));
        assert!("20269906000123".parse::<ManifestNumber>().is_err());
        assert!(
            "20260006000123".parse::<ManifestNumber>().is_err(),
            "no province 00"
        );
    }
}

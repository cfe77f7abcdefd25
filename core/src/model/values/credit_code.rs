//! 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character set, the
//! last a weighted check character over the first 17.

use super::{inline, string_value};
use crate::model::problem::{Problem, Reason, Subject, malformed};
use arrayvec::ArrayString;
use std::fmt;
use std::str::FromStr;

/// The 31 characters of GB 32100-2015, in value order (no I, O, S, V, Z).
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1–17: 3^(i-1) mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A unified social credit code with a valid check character.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(ArrayString<18>);

/// A character's value: its position in [`CHARSET`].
fn value_of(ch: u8) -> Option<u32> {
    match VALUES.get(usize::from(ch)) {
        Some(&value) if value != NOT_IN_SET => Some(u32::from(value)),
        _ => None,
    }
}

/// Marks a byte outside [`CHARSET`] in [`VALUES`].
const NOT_IN_SET: u8 = u8::MAX;

/// Each byte's value in [`CHARSET`], read in one step: every code of a document is
/// validated, and a search of the set for each character was 2 % of a check
/// (callgrind).
// Indexing in a constant cannot panic at run time: out of bounds would not compile.
#[allow(clippy::indexing_slicing)]
const VALUES: [u8; 256] = {
    let mut values = [NOT_IN_SET; 256];
    let mut i = 0;
    while i < CHARSET.len() {
        values[CHARSET[i] as usize] = i as u8;
        i += 1;
    }
    values
};

/// The check character for the first 17 characters, each of which must be in the
/// character set.
fn check_char(first17: &[u8]) -> Option<char> {
    let mut sum = 0u32;
    for (ch, weight) in first17.iter().zip(WEIGHTS) {
        sum += value_of(*ch)? * weight;
    }
    let check = (31 - sum % 31) % 31;
    CHARSET.get(check as usize).map(|c| char::from(*c))
}

impl CreditCode {
    /// The code as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The six-digit administrative region of registration (positions 3–8).
    pub fn region_digits(&self) -> &str {
        self.0.get(2..8).unwrap_or_default()
    }

    /// Completes 17 characters with their check character, for tests and examples.
    pub fn with_check_char(first17: &str) -> Result<Self, Problem> {
        let bytes = first17.as_bytes();
        if bytes.len() != 17 {
            return Err(malformed(
                Subject::CreditCode,
                first17,
                Reason::Length {
                    expected: 17,
                    found: first17.chars().count(),
                },
            ));
        }
        match check_char(bytes) {
            Some(check) => format!("{first17}{check}").parse(),
            None => Err(malformed(Subject::CreditCode, first17, Reason::Form)),
        }
    }
}

impl FromStr for CreditCode {
    type Err = Problem;
    fn from_str(text: &str) -> Result<Self, Problem> {
        if let Some((index, ch)) = text
            .chars()
            .enumerate()
            .find(|(_, c)| !c.is_ascii() || value_of(*c as u8).is_none())
        {
            return Err(malformed(
                Subject::CreditCode,
                text,
                Reason::Char {
                    ch,
                    position: index + 1,
                },
            ));
        }
        let bytes = text.as_bytes();
        if bytes.len() != 18 {
            return Err(malformed(
                Subject::CreditCode,
                text,
                Reason::Length {
                    expected: 18,
                    found: bytes.len(),
                },
            ));
        }
        let (body, last) = bytes.split_at(17);
        let expected =
            check_char(body).ok_or_else(|| malformed(Subject::CreditCode, text, Reason::Form))?;
        let found = last.first().map_or('?', |c| char::from(*c));
        if expected != found {
            return Err(Problem::CheckDigit {
                value: text.to_owned(),
                expected,
                found,
            });
        }
        Ok(CreditCode(inline(Subject::CreditCode, text)?))
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

string_value!(CreditCode, "CreditCode", {
    "type": "string",
    "description": "统一社会信用代码 Unified social credit code (GB 32100-2015): 18 characters, the last a check character.",
    "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$",
    "examples": ["91330100716105852F"]
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_s_value_is_its_position_in_the_set() {
        for byte in 0..=u8::MAX {
            let position = CHARSET.iter().position(|c| *c == byte);
            assert_eq!(value_of(byte), position.map(|p| p as u32), "{byte}");
        }
    }

    #[test]
    fn published_codes_of_real_companies_validate() {
        // Printed on the business licences of well-known companies.
        for code in [
            "91330100716105852F",
            "914403001922038216",
            "91440300708461136T",
        ] {
            assert!(code.parse::<CreditCode>().is_ok(), "{code}");
        }
    }

    #[test]
    fn a_wrong_check_character_names_the_expected_one() {
        let err = "91330100716105852A".parse::<CreditCode>().unwrap_err();
        assert_eq!(
            err,
            Problem::CheckDigit {
                value: "91330100716105852A".into(),
                expected: 'F',
                found: 'A'
            }
        );
        assert!(err.message(crate::Locale::ZhCn).contains("应为“F”"));
    }

    #[test]
    fn forbidden_characters_and_lengths_are_reported() {
        let err = "91330100716105852O".parse::<CreditCode>().unwrap_err();
        assert!(matches!(
            err,
            Problem::Malformed {
                reason: Reason::Char {
                    ch: 'O',
                    position: 18
                },
                ..
            }
        ));
        let err = "9133010071610585".parse::<CreditCode>().unwrap_err();
        assert!(matches!(
            err,
            Problem::Malformed {
                reason: Reason::Length {
                    expected: 18,
                    found: 16
                },
                ..
            }
        ));
        assert!(
            "91330100716105852f".parse::<CreditCode>().is_err(),
            "no lower case"
        );
    }

    #[test]
    fn completing_a_body_gives_a_valid_code() {
        let code = CreditCode::with_check_char("91330602MA2BCDEF0").unwrap();
        assert_eq!(code.region_digits(), "330602");
        assert!(code.as_str().parse::<CreditCode>().is_ok());
    }
}

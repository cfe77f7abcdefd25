//! Vehicle plates (GA 36): province abbreviation, issuing-authority letter, then five
//! characters (six for new-energy vehicles, or four and `挂` for trailers).

use super::{inline, string_value};
use crate::model::problem::{Problem, Reason, Subject, malformed};
use arrayvec::ArrayString;
use std::fmt;
use std::str::FromStr;

/// The province abbreviations that begin a civil plate.
const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/// Letters and digits of the serial part (no I or O).
fn is_serial_char(c: char) -> bool {
    c.is_ascii_digit() || (c.is_ascii_uppercase() && c != 'I' && c != 'O')
}

/// A civil vehicle plate, e.g. `浙D12345`, `浙DD12345` (new energy), `浙D1234挂`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VehiclePlate(ArrayString<16>);

impl VehiclePlate {
    /// The plate as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the plate is a trailer's (`挂`).
    pub fn is_trailer(&self) -> bool {
        self.0.ends_with('挂')
    }
}

impl FromStr for VehiclePlate {
    type Err = Problem;
    fn from_str(text: &str) -> Result<Self, Problem> {
        let chars: Vec<char> = text.chars().collect();
        let bad = |position: usize| {
            let ch = chars.get(position).copied().unwrap_or(' ');
            malformed(
                Subject::VehiclePlate,
                text,
                Reason::Char {
                    ch,
                    position: position + 1,
                },
            )
        };
        match chars.first() {
            Some(c) if PROVINCES.contains(*c) => {}
            Some(_) => return Err(bad(0)),
            None => return Err(malformed(Subject::VehiclePlate, text, Reason::Blank)),
        }
        match chars.get(1) {
            Some(c) if c.is_ascii_uppercase() => {}
            Some(_) => return Err(bad(1)),
            None => return Err(malformed(Subject::VehiclePlate, text, Reason::Form)),
        }
        let rest = chars.get(2..).unwrap_or_default();
        let (serial, suffix) = match rest.last() {
            Some('挂' | '学') => (rest.get(..rest.len() - 1).unwrap_or_default(), true),
            _ => (rest, false),
        };
        if let Some(index) = serial.iter().position(|c| !is_serial_char(*c)) {
            return Err(bad(index + 2));
        }
        let length_ok = if suffix {
            serial.len() == 4
        } else {
            serial.len() == 5 || serial.len() == 6
        };
        if !length_ok {
            return Err(malformed(Subject::VehiclePlate, text, Reason::Form));
        }
        Ok(VehiclePlate(inline(Subject::VehiclePlate, text)?))
    }
}

impl fmt::Display for VehiclePlate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

string_value!(VehiclePlate, "VehiclePlate", {
    "type": "string",
    "description": "车牌号 Vehicle plate: province abbreviation, issuing letter, 5 characters (6 for new-energy vehicles; 4 and 挂 for trailers).",
    "pattern": "^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z]([A-HJ-NP-Z0-9]{5,6}|[A-HJ-NP-Z0-9]{4}[挂学])$",
    "examples": ["浙D12345", "浙DD12345", "浙D1234挂"]
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plates() {
        for good in ["浙D12345", "浙DD12345", "浙D1234挂", "沪A0B1C2"] {
            assert!(good.parse::<VehiclePlate>().is_ok(), "{good}");
        }
        assert!("浙D1234挂".parse::<VehiclePlate>().unwrap().is_trailer());
        for bad in [
            "",
            "浙d12345",
            "X D12345",
            "浙D1234",
            "浙D1234567",
            "浙D12O45",
            "浙D12345挂",
        ] {
            assert!(bad.parse::<VehiclePlate>().is_err(), "{bad}");
        }
    }
}

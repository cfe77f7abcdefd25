//! Waste codes, categories and hazard characteristics (国家危险废物名录 Art.5).

use super::{inline, string_value};
use crate::model::problem::{Problem, Reason, Subject, malformed};
use arrayvec::ArrayString;
use std::fmt;
use std::str::FromStr;

/// Whether the two-digit number names a category of the 2021 list: HW01–HW40 and
/// HW45–HW50 (HW41–HW44 are not used).
fn is_hazardous_category(number: u8) -> bool {
    matches!(number, 1..=40 | 45..=50)
}

/// An 8-digit hazardous waste code `NNN-NNN-NN` (名录2021 Art.5(三)): industry
/// (GB/T 4754-2017), sequence, category. Whether the code is in the list in force is a
/// catalogue question, not a question of form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WasteCode(ArrayString<10>);

impl WasteCode {
    /// The code as written, `NNN-NNN-NN`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The category the last two digits name (e.g. `HW49` for `900-041-49`).
    pub fn category(&self) -> Category {
        let digits = self.0.as_bytes();
        let tens = digits.get(8).map_or(0, |d| d - b'0');
        let ones = digits.get(9).map_or(0, |d| d - b'0');
        Category::hazardous(tens * 10 + ones)
    }

    /// The three-digit industry part (`900` = 非特定行业).
    pub fn industry(&self) -> &str {
        self.0.get(..3).unwrap_or_default()
    }

    /// Whether this is a `900-000-XX` code, used for wastes classed by
    /// identification (名录2021 Art.6) rather than listed.
    pub fn is_identified_unlisted(&self) -> bool {
        self.0.starts_with("900-000-")
    }
}

impl FromStr for WasteCode {
    type Err = Problem;
    fn from_str(text: &str) -> Result<Self, Problem> {
        let bytes = text.as_bytes();
        let shaped = bytes.len() == 10
            && bytes.iter().enumerate().all(|(i, b)| match i {
                3 | 7 => *b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !shaped {
            return Err(malformed(Subject::WasteCode, text, Reason::Form));
        }
        let category = text.get(8..).unwrap_or_default();
        match category.parse::<u8>() {
            Ok(n) if is_hazardous_category(n) => Ok(WasteCode(inline(Subject::WasteCode, text)?)),
            _ => Err(malformed(
                Subject::WasteCode,
                text,
                Reason::NoSuchCategory {
                    digits: category.to_owned(),
                },
            )),
        }
    }
}

impl fmt::Display for WasteCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

string_value!(WasteCode, "WasteCode", {
    "type": "string",
    "description": "危险废物代码 Hazardous waste code NNN-NNN-NN (国家危险废物名录 Art.5): industry, sequence, category (HW01–HW40, HW45–HW50).",
    "pattern": "^[0-9]{3}-[0-9]{3}-(0[1-9]|[1-3][0-9]|40|4[5-9]|50)$",
    "examples": ["900-041-49"]
});

/// Hazardous (`HW`) or general industrial solid waste (`SW`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CategoryKind {
    /// 危险废物 (HW01–HW50 as listed).
    Hazardous,
    /// 一般工业固体废物 (SW01–SW59).
    General,
}

/// A waste category: `HW01`…`HW40`, `HW45`…`HW50`, or `SW01`…`SW59`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Category {
    kind: CategoryKind,
    number: u8,
}

impl Category {
    const fn hazardous(number: u8) -> Self {
        Category {
            kind: CategoryKind::Hazardous,
            number,
        }
    }

    /// Hazardous or general.
    pub fn kind(self) -> CategoryKind {
        self.kind
    }

    /// The two-digit number.
    pub fn number(self) -> u8 {
        self.number
    }

    /// Whether this is a hazardous waste category.
    pub fn is_hazardous(self) -> bool {
        self.kind == CategoryKind::Hazardous
    }
}

impl FromStr for Category {
    type Err = Problem;
    fn from_str(text: &str) -> Result<Self, Problem> {
        let (kind, digits) = if let Some(d) = text.strip_prefix("HW") {
            (CategoryKind::Hazardous, d)
        } else if let Some(d) = text.strip_prefix("SW") {
            (CategoryKind::General, d)
        } else {
            return Err(malformed(Subject::Category, text, Reason::Form));
        };
        if digits.len() != 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed(Subject::Category, text, Reason::Form));
        }
        let number: u8 = digits
            .parse()
            .map_err(|_| malformed(Subject::Category, text, Reason::Form))?;
        let known = match kind {
            CategoryKind::Hazardous => is_hazardous_category(number),
            CategoryKind::General => (1..=59).contains(&number),
        };
        if known {
            Ok(Category { kind, number })
        } else {
            Err(malformed(
                Subject::Category,
                text,
                Reason::NoSuchCategory {
                    digits: digits.to_owned(),
                },
            ))
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = match self.kind {
            CategoryKind::Hazardous => "HW",
            CategoryKind::General => "SW",
        };
        write!(f, "{prefix}{:02}", self.number)
    }
}

string_value!(Category, "Category", {
    "type": "string",
    "description": "废物类别 Waste category: HW01–HW40, HW45–HW50 (国家危险废物名录) or SW01–SW59 (一般工业固体废物).",
    "pattern": "^(HW(0[1-9]|[1-3][0-9]|40|4[5-9]|50)|SW(0[1-9]|[1-4][0-9]|5[0-9]))$",
    "examples": ["HW49", "SW59"]
});

/// A hazard characteristic (名录2021 Art.5(四)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Hazard {
    /// 毒性 Toxicity.
    T,
    /// 腐蚀性 Corrosivity.
    C,
    /// 易燃性 Ignitability.
    I,
    /// 反应性 Reactivity.
    R,
    /// 感染性 Infectivity.
    In,
}

impl Hazard {
    /// All five, in the list's order.
    pub const ALL: [Hazard; 5] = [Hazard::T, Hazard::C, Hazard::I, Hazard::R, Hazard::In];

    /// The symbol used in the list.
    pub fn symbol(self) -> &'static str {
        match self {
            Hazard::T => "T",
            Hazard::C => "C",
            Hazard::I => "I",
            Hazard::R => "R",
            Hazard::In => "In",
        }
    }

    /// The Chinese name (毒性, 腐蚀性, …).
    pub fn name_zh(self) -> &'static str {
        match self {
            Hazard::T => "毒性",
            Hazard::C => "腐蚀性",
            Hazard::I => "易燃性",
            Hazard::R => "反应性",
            Hazard::In => "感染性",
        }
    }
}

impl FromStr for Hazard {
    type Err = Problem;
    fn from_str(text: &str) -> Result<Self, Problem> {
        Hazard::ALL
            .into_iter()
            .find(|h| h.symbol() == text)
            .ok_or_else(|| Problem::NotAllowed {
                value: text.to_owned(),
                allowed: &["T", "C", "I", "R", "In"],
            })
    }
}

impl fmt::Display for Hazard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

string_value!(Hazard, "Hazard", {
    "type": "string",
    "description": "危险特性 Hazard characteristic: T 毒性, C 腐蚀性, I 易燃性, R 反应性, In 感染性.",
    "enum": ["T", "C", "I", "R", "In"]
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waste_codes_parse_and_name_their_category() {
        let code: WasteCode = "900-041-49".parse().unwrap();
        assert_eq!(code.category().to_string(), "HW49");
        assert_eq!(code.industry(), "900");
        assert!(
            "900-000-08"
                .parse::<WasteCode>()
                .unwrap()
                .is_identified_unlisted()
        );
    }

    #[test]
    fn waste_codes_reject_bad_forms_and_unused_categories() {
        for bad in [
            "90004149",
            "900-041-4",
            "900_041_49",
            "９００-041-49",
            " 900-041-49",
        ] {
            assert!(
                matches!(
                    bad.parse::<WasteCode>(),
                    Err(Problem::Malformed {
                        reason: Reason::Form,
                        ..
                    })
                ),
                "{bad}"
            );
        }
        for unused in ["900-041-41", "900-041-44", "900-041-00", "900-041-51"] {
            assert!(
                matches!(
                    unused.parse::<WasteCode>(),
                    Err(Problem::Malformed {
                        reason: Reason::NoSuchCategory { .. },
                        ..
                    })
                ),
                "{unused}"
            );
        }
    }

    #[test]
    fn categories_cover_the_list_and_general_waste() {
        assert_eq!("HW01".parse::<Category>().unwrap().to_string(), "HW01");
        assert_eq!("HW50".parse::<Category>().unwrap().number(), 50);
        assert!("HW41".parse::<Category>().is_err());
        assert!("hw01".parse::<Category>().is_err());
        let general: Category = "SW59".parse().unwrap();
        assert_eq!(general.kind(), CategoryKind::General);
        assert!("SW60".parse::<Category>().is_err());
        assert!("SW00".parse::<Category>().is_err());
    }

    #[test]
    fn hazards_are_the_five_symbols() {
        assert_eq!("In".parse::<Hazard>().unwrap(), Hazard::In);
        assert!("t".parse::<Hazard>().is_err());
        assert!("X".parse::<Hazard>().is_err());
    }
}

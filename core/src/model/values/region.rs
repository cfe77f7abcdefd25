//! Administrative region codes (GB/T 2260): six digits, province (2) + prefecture
//! city (2) + county (2).

use super::string_value;
use crate::model::problem::{Problem, Reason, Subject, malformed};
use std::fmt;
use std::str::FromStr;

/// Province-level units by their two-digit code.
const PROVINCES: &[(&str, &str)] = &[
    ("11", "北京市"),
    ("12", "天津市"),
    ("13", "河北省"),
    ("14", "山西省"),
    ("15", "内蒙古自治区"),
    ("21", "辽宁省"),
    ("22", "吉林省"),
    ("23", "黑龙江省"),
    ("31", "上海市"),
    ("32", "江苏省"),
    ("33", "浙江省"),
    ("34", "安徽省"),
    ("35", "福建省"),
    ("36", "江西省"),
    ("37", "山东省"),
    ("41", "河南省"),
    ("42", "湖北省"),
    ("43", "湖南省"),
    ("44", "广东省"),
    ("45", "广西壮族自治区"),
    ("46", "海南省"),
    ("50", "重庆市"),
    ("51", "四川省"),
    ("52", "贵州省"),
    ("53", "云南省"),
    ("54", "西藏自治区"),
    ("61", "陕西省"),
    ("62", "甘肃省"),
    ("63", "青海省"),
    ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
    ("71", "台湾省"),
    ("81", "香港特别行政区"),
    ("82", "澳门特别行政区"),
];

/// Names below province level that the packs need: Zhejiang's 11 prefecture
/// cities and Shaoxing's county-level units.
const NAMED: &[(&str, &str)] = &[
    ("330100", "杭州市"),
    ("330200", "宁波市"),
    ("330300", "温州市"),
    ("330400", "嘉兴市"),
    ("330500", "湖州市"),
    ("330600", "绍兴市"),
    ("330602", "越城区"),
    ("330603", "柯桥区"),
    ("330604", "上虞区"),
    ("330624", "新昌县"),
    ("330681", "诸暨市"),
    ("330683", "嵊州市"),
    ("330700", "金华市"),
    ("330800", "衢州市"),
    ("330900", "舟山市"),
    ("331000", "台州市"),
    ("331100", "丽水市"),
];

/// A GB/T 2260 region code whose province exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode([u8; 6]);

impl RegionCode {
    /// The national level, `000000` (used for the national pack's jurisdiction).
    pub const NATIONAL: RegionCode = RegionCode(*b"000000");

    /// The code as six digits.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("000000")
    }

    fn part(&self, range: std::ops::Range<usize>) -> &str {
        self.as_str().get(range).unwrap_or("00")
    }

    /// Whether the digits in `range` are all zeros (compared as bytes: the checks
    /// ask this of every region they meet).
    fn zeros(&self, range: std::ops::Range<usize>) -> bool {
        self.0
            .get(range)
            .is_none_or(|digits| digits.iter().all(|d| *d == b'0'))
    }

    /// Whether this is the national code `000000`.
    pub fn is_national(&self) -> bool {
        *self == Self::NATIONAL
    }

    /// Whether this code names a province as a whole (`330000`).
    pub fn is_province(&self) -> bool {
        !self.is_national() && self.zeros(2..6)
    }

    /// Whether this code names a prefecture-level city as a whole (`330600`).
    pub fn is_city(&self) -> bool {
        !self.zeros(2..4) && self.zeros(4..6)
    }

    /// Whether this code names a county-level unit (`330602`).
    pub fn is_county(&self) -> bool {
        !self.zeros(4..6)
    }

    /// The province containing this region (`330000`).
    pub fn province(&self) -> RegionCode {
        RegionCode([self.0[0], self.0[1], b'0', b'0', b'0', b'0'])
    }

    /// The prefecture-level city containing this region (`330600`), if the code is
    /// below province level.
    pub fn city(&self) -> Option<RegionCode> {
        (!self.zeros(2..4))
            .then(|| RegionCode([self.0[0], self.0[1], self.0[2], self.0[3], b'0', b'0']))
    }

    /// Whether both codes are in the same province.
    pub fn same_province(&self, other: &RegionCode) -> bool {
        self.province() == other.province()
    }

    /// Whether both codes are in the same prefecture-level city.
    pub fn same_city(&self, other: &RegionCode) -> bool {
        self.city().is_some() && self.city() == other.city()
    }

    /// Whether both codes name the same county-level unit.
    pub fn same_county(&self, other: &RegionCode) -> bool {
        self.is_county() && self == other
    }

    /// Whether `self` contains `other` (a province contains its cities and counties,
    /// a city its counties, the nation everything).
    pub fn contains(&self, other: &RegionCode) -> bool {
        if self.is_national() {
            true
        } else if self.is_province() {
            self.same_province(other)
        } else if self.is_city() {
            self.same_city(other)
        } else {
            self == other
        }
    }

    /// The region's Chinese name, where the built-in table has it (every province;
    /// Zhejiang's cities; Shaoxing's counties).
    pub fn name(&self) -> Option<&'static str> {
        if self.is_national() {
            return Some("全国");
        }
        if self.is_province() {
            let digits = self.part(0..2);
            return PROVINCES
                .iter()
                .find(|(c, _)| *c == digits)
                .map(|(_, n)| *n);
        }
        NAMED
            .iter()
            .find(|(code, _)| *code == self.as_str())
            .map(|(_, name)| *name)
    }

    /// The fullest name the table gives, province first (`浙江省绍兴市柯桥区`);
    /// for a unit the table does not name, the names of the levels above it that
    /// it does (`浙江省杭州市` for `330106`).
    pub fn full_name(&self) -> Option<String> {
        let mut out = String::new();
        out.push_str(self.province().name()?);
        if let Some(city) = self.city() {
            let Some(city_name) = city.name() else {
                return Some(out);
            };
            out.push_str(city_name);
            if self.is_county()
                && let Some(county) = self.name()
            {
                out.push_str(county);
            }
        }
        Some(out)
    }
}

impl FromStr for RegionCode {
    type Err = Problem;
    fn from_str(text: &str) -> Result<Self, Problem> {
        let bytes: [u8; 6] = text
            .as_bytes()
            .try_into()
            .ok()
            .filter(|b: &[u8; 6]| b.iter().all(u8::is_ascii_digit))
            .ok_or_else(|| malformed(Subject::RegionCode, text, Reason::Form))?;
        let code = RegionCode(bytes);
        if code.is_national() {
            return Ok(code);
        }
        let province = code.part(0..2);
        if PROVINCES.iter().any(|(c, _)| *c == province) {
            Ok(code)
        } else {
            Err(malformed(
                Subject::RegionCode,
                text,
                Reason::NoSuchProvince {
                    digits: province.to_owned(),
                },
            ))
        }
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

string_value!(RegionCode, "RegionCode", {
    "type": "string",
    "description": "行政区划代码 Administrative region code (GB/T 2260), six digits: province, prefecture city, county.",
    "pattern": "^(000000|(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|81|82)[0-9]{4})$",
    "examples": ["330602"]
});

#[cfg(test)]
mod tests {
    use super::*;

    fn region(text: &str) -> RegionCode {
        text.parse().unwrap()
    }

    #[test]
    fn levels_and_containment() {
        let keqiao = region("330603");
        assert!(keqiao.is_county() && !keqiao.is_city() && !keqiao.is_province());
        assert_eq!(keqiao.city(), Some(region("330600")));
        assert_eq!(keqiao.province(), region("330000"));
        assert!(region("330600").is_city());
        assert!(region("330000").is_province());
        assert!(region("330000").contains(&keqiao));
        assert!(region("330600").contains(&keqiao));
        assert!(!region("330100").contains(&keqiao));
        assert!(RegionCode::NATIONAL.contains(&keqiao));
        assert!(keqiao.same_city(&region("330681")));
        assert!(!keqiao.same_county(&region("330681")));
        assert!(!keqiao.same_province(&region("320500")));
    }

    #[test]
    fn names_of_zhejiang_and_shaoxing() {
        assert_eq!(
            region("330603").full_name().as_deref(),
            Some("浙江省绍兴市柯桥区")
        );
        assert_eq!(region("330100").name(), Some("杭州市"));
        assert_eq!(
            region("330106").full_name().as_deref(),
            Some("浙江省杭州市"),
            "an unnamed district: the levels above it"
        );
        assert_eq!(region("320505").full_name().as_deref(), Some("江苏省"));
        assert_eq!(region("331100").name(), Some("丽水市"));
        assert_eq!(region("320000").name(), Some("江苏省"));
        let cities = NAMED.iter().filter(|(c, _)| c.ends_with("00")).count();
        assert_eq!(cities, 11);
        let shaoxing = NAMED
            .iter()
            .filter(|(c, _)| c.starts_with("3306") && !c.ends_with("00"))
            .count();
        assert_eq!(shaoxing, 6);
    }

    #[test]
    fn bad_codes() {
        assert!("33060".parse::<RegionCode>().is_err());
        assert!("3306O3".parse::<RegionCode>().is_err());
        assert!(matches!(
            "990603".parse::<RegionCode>(),
            Err(Problem::Malformed {
                reason: Reason::NoSuchProvince { .. },
                ..
            })
        ));
    }
}

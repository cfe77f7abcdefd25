//! Structural problems: what can be wrong with one value of a document, with the
//! `schema.*` rule id it is reported under and its message in both locales.

use crate::json::Json;
use crate::locale::{Bilingual, Locale};
use serde_json::{Map, Value};

/// What kind of value a field holds, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A waste code (废物代码), `NNN-NNN-NN`.
    WasteCode,
    /// A waste category (废物类别), `HW49` or `SW59`.
    Category,
    /// A hazard characteristic (危险特性): `T`, `C`, `I`, `R` or `In`.
    Hazard,
    /// A unified social credit code (统一社会信用代码), 18 characters.
    CreditCode,
    /// An administrative region code (行政区划代码, GB/T 2260), 6 digits.
    RegionCode,
    /// A transfer manifest's number (联单编号), 14 digits.
    ManifestNumber,
    /// A vehicle's plate (车牌号).
    VehiclePlate,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// An RFC 3339 date-time with a UTC offset.
    DateTime,
    /// A non-negative exact decimal, such as a quantity.
    Decimal,
    /// A non-negative whole number.
    Integer,
    /// Non-empty text.
    Text,
}

impl Subject {
    /// The subject's name in `locale`.
    pub fn name(self, locale: Locale) -> &'static str {
        use Subject::*;
        let (zh, en) = match self {
            WasteCode => ("废物代码", "waste code"),
            Category => ("废物类别", "waste category"),
            Hazard => ("危险特性", "hazard characteristic"),
            CreditCode => ("统一社会信用代码", "unified social credit code"),
            RegionCode => ("行政区划代码", "administrative region code"),
            ManifestNumber => ("联单编号", "manifest number"),
            VehiclePlate => ("车牌号", "vehicle plate"),
            Date => ("日期", "date"),
            DateTime => ("日期时间", "date-time"),
            Decimal => ("数量", "decimal number"),
            Integer => ("整数", "integer"),
            Text => ("文本", "text"),
        };
        locale.pick(zh, en)
    }

    /// The expected form, with an example, in `locale`.
    pub fn expected_form(self, locale: Locale) -> &'static str {
        use Subject::*;
        let (zh, en) = match self {
            WasteCode => (
                "格式为 NNN-NNN-NN（8 位数字，末两位为类别），如 900-041-49",
                "NNN-NNN-NN (8 digits, the last two being the category), e.g. 900-041-49",
            ),
            Category => (
                "HW01…HW40、HW45…HW50 或 SW01…SW59，如 HW49",
                "HW01…HW40, HW45…HW50 or SW01…SW59, e.g. HW49",
            ),
            Hazard => (
                "T（毒性）、C（腐蚀性）、I（易燃性）、R（反应性）或 In（感染性）",
                "T (toxicity), C (corrosivity), I (ignitability), R (reactivity) or In (infectivity)",
            ),
            CreditCode => (
                "18 位，由数字和除 I、O、S、V、Z 外的大写字母组成，如 91330602MA2BCDEF0X",
                "18 characters: digits and capital letters other than I, O, S, V, Z",
            ),
            RegionCode => (
                "6 位数字（GB/T 2260），如 330602",
                "6 digits (GB/T 2260), e.g. 330602",
            ),
            ManifestNumber => (
                "14 位数字：4 位年份、2 位省级代码、2 位市级代码、6 位流水号",
                "14 digits: 4 for the year, 2 for the province, 2 for the city, 6 for the serial",
            ),
            VehiclePlate => (
                "省份简称 + 发牌机关字母 + 5 位号码（新能源 6 位，挂车以“挂”结尾），如 浙D12345",
                "province abbreviation + issuing letter + 5 characters (6 for new-energy, trailers end in 挂), e.g. 浙D12345",
            ),
            Date => ("YYYY-MM-DD，如 2026-03-02", "YYYY-MM-DD, e.g. 2026-03-02"),
            DateTime => (
                "RFC 3339 带时区，如 2026-03-02T08:30:00+08:00",
                "RFC 3339 with an offset, e.g. 2026-03-02T08:30:00+08:00",
            ),
            Decimal => (
                "以小数点分隔的非负十进制数，如 1.5 或 \"1.5\"",
                "a non-negative decimal with a dot, e.g. 1.5 or \"1.5\"",
            ),
            Integer => ("非负整数", "a non-negative whole number"),
            Text => ("非空文本", "non-empty text"),
        };
        locale.pick(zh, en)
    }
}

/// Why a value does not have the form its subject needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The form is wrong; the expected form says what it should be.
    Form,
    /// A comma was used as the decimal separator (`1,5`).
    DecimalComma,
    /// More digits than an exact decimal can carry, or a precision JSON lost.
    TooPrecise,
    /// Wrong number of characters.
    Length {
        /// The number of characters the form has.
        expected: usize,
        /// The number of characters the value has.
        found: usize,
    },
    /// A character outside the allowed set, at a 1-based position.
    Char {
        /// The character.
        ch: char,
        /// Its position in the value, counting characters from 1.
        position: usize,
    },
    /// The two category digits of a waste code name no category of the list.
    NoSuchCategory {
        /// The two category digits, as written.
        digits: String,
    },
    /// The first two digits of a region code name no province.
    NoSuchProvince {
        /// The two province digits, as written.
        digits: String,
    },
    /// A calendar date that does not exist (2026-02-30).
    NoSuchDate,
    /// A date-time without a UTC offset.
    NoOffset,
    /// Empty or blank text.
    Blank,
}

impl Reason {
    fn message(&self, locale: Locale) -> Option<String> {
        let text = match self {
            Reason::Form => return None,
            Reason::DecimalComma => Bilingual::new(
                "小数点须用“.”而非“,”",
                "use a dot, not a comma, as the decimal separator",
            ),
            Reason::TooPrecise => Bilingual::new(
                "数字位数过多，无法精确表示；请以字符串形式提交",
                "too many digits to keep exactly; send the number as a string",
            ),
            Reason::Length { expected, found } => Bilingual::new(
                format!("应为 {expected} 位，实为 {found} 位"),
                format!("{expected} characters expected, {found} found"),
            ),
            Reason::Char { ch, position } => Bilingual::new(
                format!("第 {position} 位的字符“{ch}”不允许"),
                format!("character `{ch}` at position {position} is not allowed"),
            ),
            Reason::NoSuchCategory { digits } => Bilingual::new(
                format!("末两位 {digits} 不是名录中的废物类别"),
                format!("the last two digits {digits} name no category of the list"),
            ),
            Reason::NoSuchProvince { digits } => Bilingual::new(
                format!("前两位 {digits} 不是省级行政区代码"),
                format!("the first two digits {digits} name no province"),
            ),
            Reason::NoSuchDate => Bilingual::new("该日期不存在", "no such calendar date"),
            Reason::NoOffset => Bilingual::new(
                "缺少时区偏移（如 +08:00）",
                "the UTC offset (e.g. +08:00) is missing",
            ),
            Reason::Blank => Bilingual::new("不能为空", "must not be blank"),
        };
        Some(text.get(locale).to_owned())
    }
}

/// JSON value types, for type errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    /// An object.
    Object,
    /// An array.
    Array,
    /// A string.
    String,
    /// A number (as the type found: one that is not a whole number).
    Number,
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// `null`.
    Null,
    /// A number or a decimal string (quantities).
    NumberOrString,
}

impl JsonType {
    /// The type of a JSON value.
    pub fn of(value: &Json<'_>) -> Self {
        match value {
            Json::Object(_) => JsonType::Object,
            Json::Array(_) => JsonType::Array,
            Json::String(_) => JsonType::String,
            Json::Number(n) if n.is_i64() || n.is_u64() => JsonType::Integer,
            Json::Number(_) => JsonType::Number,
            Json::Bool(_) => JsonType::Boolean,
            Json::Null => JsonType::Null,
        }
    }

    fn name(self, locale: Locale) -> &'static str {
        let (zh, en) = match self {
            JsonType::Object => ("对象", "an object"),
            JsonType::Array => ("数组", "an array"),
            JsonType::String => ("字符串", "a string"),
            JsonType::Number => ("数字", "a number"),
            JsonType::Integer => ("整数", "a whole number"),
            JsonType::Boolean => ("布尔值", "true or false"),
            JsonType::Null => ("null", "null"),
            JsonType::NumberOrString => ("数字或数字字符串", "a number or a decimal string"),
        };
        locale.pick(zh, en)
    }

    fn tag(self) -> &'static str {
        match self {
            JsonType::Object => "object",
            JsonType::Array => "array",
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Integer => "integer",
            JsonType::Boolean => "boolean",
            JsonType::Null => "null",
            JsonType::NumberOrString => "number|string",
        }
    }
}

/// One structural problem with a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The JSON type is wrong (`schema.type`).
    WrongType {
        /// The type the field needs.
        expected: JsonType,
        /// The type of the value found.
        found: JsonType,
    },
    /// The value does not have its subject's form (`schema.format`).
    Malformed {
        /// What kind of value the field holds.
        subject: Subject,
        /// The value, as written.
        value: String,
        /// Why it does not have the form.
        reason: Reason,
    },
    /// A credit code whose check digit is wrong (`schema.check-digit`).
    CheckDigit {
        /// The credit code, as written.
        value: String,
        /// The check digit its first 17 characters give.
        expected: char,
        /// Its 18th character, the check digit written.
        found: char,
    },
    /// A value outside a closed list (`schema.enum`).
    NotAllowed {
        /// The value, as written.
        value: String,
        /// The values the list allows.
        allowed: &'static [&'static str],
    },
    /// A number outside its range (`schema.range`).
    OutOfRange {
        /// The number, as written.
        value: String,
        /// The smallest value allowed, as text.
        min: String,
        /// The largest value allowed, as text (`∞` when unbounded).
        max: String,
    },
    /// A member a composite value cannot do without (`schema.required`).
    Required,
    /// A field the document kind does not have (`schema.unknown-field`).
    UnknownField,
    /// The same key twice in one object (`schema.duplicate-key`).
    DuplicateKey,
    /// Problems inside the value were reported at their own paths.
    Nested,
}

impl Problem {
    /// The rule id the problem is reported under.
    pub fn rule(&self) -> &'static str {
        match self {
            Problem::WrongType { .. } => "schema.type",
            Problem::Malformed { .. } => "schema.format",
            Problem::CheckDigit { .. } => "schema.check-digit",
            Problem::NotAllowed { .. } => "schema.enum",
            Problem::OutOfRange { .. } => "schema.range",
            Problem::Required => "schema.required",
            Problem::UnknownField => "schema.unknown-field",
            Problem::DuplicateKey => "schema.duplicate-key",
            Problem::Nested => "schema.nested",
        }
    }

    /// Whether the problem is reported at the value's own path (nested problems
    /// were reported where they are).
    pub fn is_reported_here(&self) -> bool {
        !matches!(self, Problem::Nested)
    }

    /// The message in `locale`.
    pub fn message(&self, locale: Locale) -> String {
        match self {
            Problem::WrongType { expected, found } => match locale {
                Locale::ZhCn => format!(
                    "类型错误：应为{}，实为{}",
                    expected.name(locale),
                    found.name(locale)
                ),
                Locale::En => format!(
                    "wrong type: {} expected, {} found",
                    expected.name(locale),
                    found.name(locale)
                ),
            },
            Problem::Malformed {
                subject,
                value,
                reason,
            } => {
                let why = reason
                    .message(locale)
                    .map(|m| locale.pick(format!("：{m}"), format!(": {m}")))
                    .unwrap_or_default();
                match locale {
                    Locale::ZhCn => format!(
                        "“{value}”不是有效的{}{why}。应为：{}",
                        subject.name(locale),
                        subject.expected_form(locale)
                    ),
                    Locale::En => format!(
                        "`{value}` is not a valid {}{why}. Expected: {}",
                        subject.name(locale),
                        subject.expected_form(locale)
                    ),
                }
            }
            Problem::CheckDigit {
                value,
                expected,
                found,
            } => locale.pick(
                format!(
                    "统一社会信用代码“{value}”校验位错误：第 18 位应为“{expected}”，实为“{found}”（GB 32100-2015）"
                ),
                format!(
                    "unified social credit code `{value}` has a wrong check digit: the 18th character should be `{expected}`, not `{found}` (GB 32100-2015)"
                ),
            ),
            Problem::NotAllowed { value, allowed } => locale.pick(
                format!("“{value}”不是允许的取值；可选：{}", allowed.join("、")),
                format!("`{value}` is not allowed; use one of: {}", allowed.join(", ")),
            ),
            Problem::OutOfRange { value, min, max } => locale.pick(
                format!("{value} 超出范围 {min}…{max}"),
                format!("{value} is outside {min}…{max}"),
            ),
            Problem::Required => locale.pick(
                "缺少必填项".to_owned(),
                "this member is required".to_owned(),
            ),
            Problem::UnknownField => locale.pick(
                "未知字段：该类单据没有此项，请检查拼写".to_owned(),
                "unknown field: this kind of document has no such field; check the spelling"
                    .to_owned(),
            ),
            Problem::DuplicateKey => locale.pick(
                "同一对象中该字段出现了多次".to_owned(),
                "this key appears more than once in the same object".to_owned(),
            ),
            Problem::Nested => locale.pick(
                "其中的值有误".to_owned(),
                "values inside are wrong".to_owned(),
            ),
        }
    }

    /// The named parameters of the message, for forms that build their own text.
    pub fn params(&self) -> Map<String, Value> {
        let mut params = Map::new();
        match self {
            Problem::WrongType { expected, found } => {
                params.insert("expected".into(), expected.tag().into());
                params.insert("found".into(), found.tag().into());
            }
            Problem::Malformed { value, .. } => {
                params.insert("value".into(), value.clone().into());
            }
            Problem::CheckDigit {
                value,
                expected,
                found,
            } => {
                params.insert("value".into(), value.clone().into());
                params.insert("expected".into(), expected.to_string().into());
                params.insert("found".into(), found.to_string().into());
            }
            Problem::NotAllowed { value, allowed } => {
                params.insert("value".into(), value.clone().into());
                params.insert("allowed".into(), allowed.to_vec().into());
            }
            Problem::OutOfRange { value, min, max } => {
                params.insert("value".into(), value.clone().into());
                params.insert("min".into(), min.clone().into());
                params.insert("max".into(), max.clone().into());
            }
            Problem::Required | Problem::UnknownField | Problem::DuplicateKey | Problem::Nested => {
            }
        }
        params
    }
}

/// The value of a JSON number that is a whole number, however it was written (`12`,
/// `12.0`, `1.2e1`, `-0`): JSON Schema's `integer`, and all a JavaScript form can
/// tell apart.
pub(crate) fn whole_number(number: &serde_json::Number) -> Option<i128> {
    if let Some(n) = number.as_u64() {
        return Some(i128::from(n));
    }
    if let Some(n) = number.as_i64() {
        return Some(i128::from(n));
    }
    let float = number.as_f64()?;
    // Beyond 2^63 a float's integer value is not what was written anyway.
    (float.is_finite() && float.fract() == 0.0 && float.abs() < 9.2e18).then_some(float as i128)
}

/// Shorthand for a malformed value.
pub(crate) fn malformed(subject: Subject, value: &str, reason: Reason) -> Problem {
    Problem::Malformed {
        subject,
        value: value.to_owned(),
        reason,
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Locale::En))
    }
}

impl std::error::Error for Problem {}

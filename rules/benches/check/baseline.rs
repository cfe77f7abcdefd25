//! The hand-written baseline: the same checks in plain Rust.

use super::dates::{civil_from_days, days_from_civil};
use super::generate::CREDIT_CHARSET;
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use wastecheck::Catalogue;
use wastecheck::calendar::Calendar;
use wastecheck::model::{Date, WasteCode};

/// A string borrowed from the input where it can be (no escapes), else owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Str<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Visit)
    }
}

impl std::ops::Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

pub(super) type S<'a> = Option<Str<'a>>;

#[derive(Deserialize)]
pub(super) struct BManifest<'a> {
    #[serde(borrow)]
    pub(super) kind: S<'a>,
    #[serde(borrow)]
    pub(super) number: S<'a>,
    #[serde(borrow)]
    pub(super) stage: S<'a>,
    #[serde(borrow)]
    pub(super) created_at: S<'a>,
    #[serde(borrow)]
    pub(super) consignor: Option<BParty<'a>>,
    #[serde(borrow)]
    pub(super) carrier: Option<BCarrier<'a>>,
    #[serde(borrow)]
    pub(super) receiver: Option<BParty<'a>>,
    #[serde(borrow, default)]
    pub(super) wastes: Vec<BLine<'a>>,
    #[serde(borrow)]
    pub(super) dispatched_at: S<'a>,
    #[serde(borrow)]
    pub(super) received_at: S<'a>,
    #[serde(borrow)]
    pub(super) confirmed_at: S<'a>,
    #[serde(borrow, default)]
    pub(super) payments: Vec<BPayment<'a>>,
    #[serde(borrow)]
    pub(super) cross_province_approval: S<'a>,
    #[serde(borrow)]
    pub(super) track_id: S<'a>,
    #[serde(borrow)]
    pub(super) waybill_number: S<'a>,
}

/// A consignor or receiver.
#[derive(Deserialize)]
pub(super) struct BParty<'a> {
    #[serde(borrow)]
    pub(super) credit_code: S<'a>,
    #[serde(borrow)]
    pub(super) name: S<'a>,
    #[serde(borrow)]
    pub(super) region: S<'a>,
    #[serde(borrow)]
    pub(super) address: S<'a>,
    #[serde(borrow)]
    pub(super) site_id: S<'a>,
    #[serde(borrow)]
    pub(super) licence_number: S<'a>,
}

#[derive(Deserialize)]
pub(super) struct BCarrier<'a> {
    #[serde(borrow)]
    pub(super) credit_code: S<'a>,
    #[serde(borrow)]
    pub(super) name: S<'a>,
    #[serde(borrow)]
    pub(super) permit_number: S<'a>,
    #[serde(borrow)]
    pub(super) vehicle_plate: S<'a>,
    #[serde(borrow)]
    pub(super) vehicle_licence: S<'a>,
    #[serde(borrow)]
    pub(super) driver: Option<BDriver<'a>>,
}

#[derive(Deserialize)]
pub(super) struct BDriver<'a> {
    #[serde(borrow)]
    pub(super) name: S<'a>,
    #[serde(borrow)]
    pub(super) qualification_number: S<'a>,
}

#[derive(Deserialize)]
pub(super) struct BLine<'a> {
    #[serde(borrow)]
    pub(super) code: S<'a>,
    #[serde(borrow)]
    pub(super) category: S<'a>,
    #[serde(borrow)]
    pub(super) name: S<'a>,
    #[serde(borrow, default)]
    pub(super) hazards: Vec<Str<'a>>,
    #[serde(borrow)]
    pub(super) form: S<'a>,
    #[serde(borrow)]
    pub(super) packaging: Option<BPackaging<'a>>,
    #[serde(borrow)]
    pub(super) quantity: Option<BQuantity<'a>>,
    #[serde(borrow)]
    pub(super) method: S<'a>,
    #[serde(borrow)]
    pub(super) received_quantity: Option<BQuantity<'a>>,
    #[serde(borrow)]
    pub(super) identification_report: S<'a>,
}

#[derive(Deserialize)]
pub(super) struct BPackaging<'a> {
    #[serde(borrow, rename = "type")]
    pub(super) kind: S<'a>,
    #[allow(dead_code)]
    pub(super) count: Option<u32>,
}

#[derive(Deserialize)]
pub(super) struct BQuantity<'a> {
    #[serde(borrow)]
    pub(super) value: S<'a>,
    #[serde(borrow)]
    pub(super) unit: S<'a>,
}

#[derive(Deserialize)]
pub(super) struct BPayment<'a> {
    #[serde(borrow)]
    pub(super) payee_credit_code: S<'a>,
    #[serde(borrow)]
    pub(super) payee_name: S<'a>,
    #[serde(borrow)]
    pub(super) amount: S<'a>,
    #[serde(borrow)]
    pub(super) purpose: S<'a>,
    #[serde(borrow)]
    pub(super) paid_on: S<'a>,
}

#[derive(Deserialize)]
pub(super) struct BFacts<'a> {
    #[serde(borrow)]
    pub(super) licences: Option<Vec<BLicence<'a>>>,
}

#[derive(Deserialize)]
pub(super) struct BLicence<'a> {
    #[serde(borrow)]
    pub(super) holder: S<'a>,
    #[serde(borrow, default)]
    pub(super) scope: Vec<BScope<'a>>,
    #[serde(borrow)]
    pub(super) valid_from: S<'a>,
    #[serde(borrow)]
    pub(super) valid_until: S<'a>,
}

#[derive(Deserialize)]
pub(super) struct BScope<'a> {
    #[serde(borrow, default)]
    pub(super) codes: Vec<Str<'a>>,
    #[serde(borrow, default)]
    pub(super) categories: Vec<Str<'a>>,
    #[serde(borrow)]
    pub(super) methods: Option<Vec<Str<'a>>>,
}

/// GB 32100-2015 character values (`u8::MAX`: not in the character set).
pub(super) const CREDIT_VALUES: [u8; 256] = {
    let mut table = [u8::MAX; 256];
    let mut i = 0;
    while i < 31 {
        table[CREDIT_CHARSET[i] as usize] = i as u8;
        i += 1;
    }
    table
};
pub(super) const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// `None` when valid, else the structural rule it breaks.
pub(super) fn credit_code_problem(text: &str) -> Option<&'static str> {
    let bytes = text.as_bytes();
    if bytes.iter().any(|b| CREDIT_VALUES[*b as usize] == u8::MAX) || bytes.len() != 18 {
        return Some("schema.format");
    }
    let sum: u32 = bytes[..17]
        .iter()
        .zip(CREDIT_WEIGHTS)
        .map(|(b, w)| u32::from(CREDIT_VALUES[*b as usize]) * w)
        .sum();
    let check = (31 - sum % 31) % 31;
    (CREDIT_CHARSET[check as usize] != bytes[17]).then_some("schema.check-digit")
}

pub(super) const PROVINCES: &[&[u8; 2]] = &[
    b"11", b"12", b"13", b"14", b"15", b"21", b"22", b"23", b"31", b"32", b"33", b"34", b"35",
    b"36", b"37", b"41", b"42", b"43", b"44", b"45", b"46", b"50", b"51", b"52", b"53", b"54",
    b"61", b"62", b"63", b"64", b"65", b"71", b"81", b"82",
];

pub(super) fn is_province(digits: &[u8]) -> bool {
    PROVINCES.iter().any(|p| p.as_slice() == digits)
}

pub(super) fn region_ok(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 6 && b.iter().all(u8::is_ascii_digit) && (b == b"000000" || is_province(&b[..2]))
}

pub(super) fn manifest_number_ok(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 14 && b.iter().all(u8::is_ascii_digit) && is_province(&b[4..6])
}

pub(super) fn hazardous_number(tens: u8, ones: u8) -> Option<u8> {
    let n = (tens - b'0') * 10 + (ones - b'0');
    matches!(n, 1..=40 | 45..=50).then_some(n)
}

pub(super) fn waste_code_ok(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 3 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && hazardous_number(b[8], b[9]).is_some()
}

pub(super) fn category_ok(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 4 || !b[2].is_ascii_digit() || !b[3].is_ascii_digit() {
        return false;
    }
    match &b[..2] {
        b"HW" => hazardous_number(b[2], b[3]).is_some(),
        b"SW" => matches!((b[2] - b'0') * 10 + (b[3] - b'0'), 1..=59),
        _ => false,
    }
}

pub(super) fn decimal_ok(text: &str) -> bool {
    let (int, frac) = text.split_once('.').unwrap_or((text, "0"));
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && !frac.is_empty()
        && frac.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn text_ok(text: &str) -> bool {
    !text.trim().is_empty()
}

pub(super) fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// `YYYY-MM-DD` as a day number, if it is a real date.
pub(super) fn date_of(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (digits(&b[..4])?, digits(&b[5..7])?, digits(&b[8..])?);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    (1..=12).contains(&m).then_some(())?;
    (d >= 1 && d <= month_days[(m - 1) as usize]).then(|| days_from_civil(i64::from(y), m, d))
}

/// An RFC 3339 date-time's local date (as written, in its own offset).
pub(super) fn datetime_local_date(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let date = date_of(text.get(..10)?)?;
    if b.len() < 20 || !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (h, mi, s) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let mut rest = &b[19..];
    if let [b'.', tail @ ..] = rest {
        let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &tail[n..];
    }
    let offset_ok = match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', oh @ .., b':', _, _] if oh.len() == 2 => {
            digits(oh).is_some_and(|h| h < 24) && digits(&rest[4..]).is_some_and(|m| m < 60)
        }
        _ => false,
    };
    offset_ok.then_some(date)
}

pub(super) fn plate_ok(text: &str) -> bool {
    const PLATE_PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
    let mut chars = text.chars();
    let (Some(p), Some(letter)) = (chars.next(), chars.next()) else {
        return false;
    };
    let rest = chars.as_str();
    let (serial, trailer) = match rest.strip_suffix('挂').or_else(|| rest.strip_suffix('学')) {
        Some(serial) => (serial, true),
        None => (rest, false),
    };
    PLATE_PROVINCES.contains(p)
        && letter.is_ascii_uppercase()
        && serial
            .bytes()
            .all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && c != b'I' && c != b'O'))
        && if trailer {
            serial.len() == 4
        } else {
            matches!(serial.len(), 5 | 6)
        }
}

pub(super) type Finding = (&'static str, String);

/// The hand-written checker.
pub(super) struct Baseline<'c> {
    pub(super) catalogue: &'c Catalogue,
    pub(super) calendar: &'c Calendar,
    pub(super) max_working_days: i64,
}

/// What the baseline found.
#[derive(Debug, Default)]
pub(super) struct Outcome {
    pub(super) findings: Vec<Finding>,
    pub(super) not_evaluated: Vec<&'static str>,
}

impl Outcome {
    pub(super) fn at(&mut self, rule: &'static str, path: impl Into<String>) {
        self.findings.push((rule, path.into()));
    }
}

/// Pack `cn` is in force from 2020-09-01; the number and confirmation rules from
/// 2022-01-01 (转移办法).
pub(super) fn pack_from() -> i64 {
    days_from_civil(2020, 9, 1)
}
pub(super) fn transfer_rules_from() -> i64 {
    days_from_civil(2022, 1, 1)
}

pub(super) fn to_date(day: i64) -> Option<Date> {
    let (y, m, d) = civil_from_days(day);
    Date::from_ymd(y as i32, m, d)
}

impl Baseline<'_> {
    pub(super) fn check(&self, text: &str, f: &BFacts<'_>) -> Result<Outcome, serde_json::Error> {
        let m: BManifest<'_> = serde_json::from_str(text)?;
        let mut out = Outcome::default();

        // Structural: the forms of every value.
        let enum_of = |out: &mut Outcome, value: &S<'_>, allowed: &[&str], path: &str| {
            if let Some(v) = value
                && !allowed.contains(&&**v)
            {
                out.at("schema.enum", path);
            }
        };
        let text_at = |out: &mut Outcome, value: &S<'_>, path: &str| {
            if let Some(v) = value
                && !text_ok(v)
            {
                out.at("schema.format", path);
            }
        };
        if m.kind.as_deref().is_some_and(|k| k != "manifest") {
            out.at("schema.enum", "/kind");
        }
        let number_ok = m.number.as_deref().is_some_and(manifest_number_ok);
        if m.number.is_some() && !number_ok {
            out.at("schema.format", "/number");
        }
        enum_of(
            &mut out,
            &m.stage,
            &["draft", "submitted", "in_transit", "received", "confirmed"],
            "/stage",
        );
        let datetime = |out: &mut Outcome, value: &S<'_>, path: &str| {
            let date = value.as_deref().and_then(datetime_local_date);
            if value.is_some() && date.is_none() {
                out.at("schema.format", path);
            }
            date
        };
        let created = datetime(&mut out, &m.created_at, "/created_at");
        let dispatched = datetime(&mut out, &m.dispatched_at, "/dispatched_at");
        let received = datetime(&mut out, &m.received_at, "/received_at");
        let confirmed = datetime(&mut out, &m.confirmed_at, "/confirmed_at");
        let credit = |out: &mut Outcome, value: &S<'_>, path: &str| -> bool {
            match value.as_deref().map(credit_code_problem) {
                Some(Some(rule)) => {
                    out.at(rule, path);
                    false
                }
                Some(None) => true,
                None => false,
            }
        };
        for (party, base) in [(&m.consignor, "/consignor"), (&m.receiver, "/receiver")] {
            if let Some(p) = party {
                credit(&mut out, &p.credit_code, &format!("{base}/credit_code"));
                if p.region.as_deref().is_some_and(|r| !region_ok(r)) {
                    out.at("schema.format", format!("{base}/region"));
                }
                for (value, name) in [
                    (&p.name, "name"),
                    (&p.address, "address"),
                    (&p.site_id, "site_id"),
                    (&p.licence_number, "licence_number"),
                ] {
                    text_at(&mut out, value, &format!("{base}/{name}"));
                }
            }
        }
        if m.consignor
            .as_ref()
            .is_some_and(|p| p.licence_number.is_some())
        {
            out.at("schema.unknown-field", "/consignor/licence_number");
        }
        if let Some(c) = &m.carrier {
            credit(&mut out, &c.credit_code, "/carrier/credit_code");
            if c.vehicle_plate.as_deref().is_some_and(|p| !plate_ok(p)) {
                out.at("schema.format", "/carrier/vehicle_plate");
            }
            for (value, name) in [
                (&c.name, "name"),
                (&c.permit_number, "permit_number"),
                (&c.vehicle_licence, "vehicle_licence"),
            ] {
                text_at(&mut out, value, &format!("/carrier/{name}"));
            }
            if let Some(d) = &c.driver {
                text_at(&mut out, &d.name, "/carrier/driver/name");
                text_at(
                    &mut out,
                    &d.qualification_number,
                    "/carrier/driver/qualification_number",
                );
            }
        }
        for (value, name) in [
            (&m.cross_province_approval, "/cross_province_approval"),
            (&m.track_id, "/track_id"),
            (&m.waybill_number, "/waybill_number"),
        ] {
            text_at(&mut out, value, name);
        }
        for (i, p) in m.payments.iter().enumerate() {
            credit(
                &mut out,
                &p.payee_credit_code,
                &format!("/payments/{i}/payee_credit_code"),
            );
            text_at(
                &mut out,
                &p.payee_name,
                &format!("/payments/{i}/payee_name"),
            );
            if p.amount.as_deref().is_some_and(|a| !decimal_ok(a)) {
                out.at("schema.format", format!("/payments/{i}/amount"));
            }
            enum_of(
                &mut out,
                &p.purpose,
                &["disposal", "transport", "other"],
                &format!("/payments/{i}/purpose"),
            );
            if p.paid_on.as_deref().is_some_and(|d| date_of(d).is_none()) {
                out.at("schema.format", format!("/payments/{i}/paid_on"));
            }
        }
        let quantity = |out: &mut Outcome, q: &Option<BQuantity<'_>>, path: &str| {
            if let Some(q) = q {
                if q.value.as_deref().is_some_and(|v| !decimal_ok(v)) {
                    out.at("schema.format", format!("{path}/value"));
                }
                if q.unit.as_deref().is_some_and(|u| u != "t" && u != "kg") {
                    out.at("schema.enum", format!("{path}/unit"));
                }
            }
        };
        let mut codes: Vec<Option<&str>> = Vec::with_capacity(m.wastes.len());
        for (i, line) in m.wastes.iter().enumerate() {
            let code = line.code.as_deref().filter(|c| waste_code_ok(c));
            if line.code.is_some() && code.is_none() {
                out.at("schema.format", format!("/wastes/{i}/code"));
            }
            codes.push(code);
            if line.category.as_deref().is_some_and(|c| !category_ok(c)) {
                out.at("schema.format", format!("/wastes/{i}/category"));
            }
            for (j, h) in line.hazards.iter().enumerate() {
                if !matches!(&**h, "T" | "C" | "I" | "R" | "In") {
                    out.at("schema.enum", format!("/wastes/{i}/hazards/{j}"));
                }
            }
            enum_of(
                &mut out,
                &line.form,
                &["solid", "semi_solid", "liquid", "gas"],
                &format!("/wastes/{i}/form"),
            );
            text_at(&mut out, &line.name, &format!("/wastes/{i}/name"));
            text_at(&mut out, &line.method, &format!("/wastes/{i}/method"));
            text_at(
                &mut out,
                &line.identification_report,
                &format!("/wastes/{i}/identification_report"),
            );
            if let Some(p) = &line.packaging {
                text_at(&mut out, &p.kind, &format!("/wastes/{i}/packaging/type"));
            }
            quantity(&mut out, &line.quantity, &format!("/wastes/{i}/quantity"));
            quantity(
                &mut out,
                &line.received_quantity,
                &format!("/wastes/{i}/received_quantity"),
            );
        }

        // The rules, on the legal date: dispatch, else creation.
        let as_of = dispatched.or(created);
        if as_of.is_some_and(|d| d < pack_from()) {
            return Ok(out);
        }
        let transfer_rules = as_of.is_none_or(|d| d >= transfer_rules_from());

        // cn.catalogue.unknown-code and cn.catalogue.category-mismatch.
        for (i, (line, code)) in m.wastes.iter().zip(&codes).enumerate() {
            let Some(code) = code else { continue };
            let listed = code
                .parse::<WasteCode>()
                .is_ok_and(|c| self.catalogue.get(&c).is_some());
            let identified = code.starts_with("900-000-") && line.identification_report.is_some();
            if !listed && !identified {
                out.at("cn.catalogue.unknown-code", format!("/wastes/{i}/code"));
            }
            if let Some(declared) = line.category.as_deref().filter(|c| category_ok(c))
                && (&declared[..2] != "HW" || declared[2..] != code[8..])
            {
                out.at(
                    "cn.catalogue.category-mismatch",
                    format!("/wastes/{i}/category"),
                );
            }
        }

        // cn.transfer.receiver-licence-scope.
        let holder = m
            .receiver
            .as_ref()
            .and_then(|r| r.credit_code.as_deref())
            .filter(|c| credit_code_problem(c).is_none());
        if let (Some(holder), Some(date)) = (holder, dispatched)
            && codes.iter().any(Option::is_some)
        {
            match &f.licences {
                None => out.not_evaluated.push("cn.transfer.receiver-licence-scope"),
                Some(licences) => {
                    let in_force: Vec<&BLicence<'_>> = licences
                        .iter()
                        .filter(|l| l.holder.as_deref() == Some(holder))
                        .filter(|l| {
                            l.valid_from
                                .as_deref()
                                .and_then(date_of)
                                .is_some_and(|from| from <= date)
                                && l.valid_until
                                    .as_deref()
                                    .is_none_or(|u| date_of(u).is_none_or(|until| date <= until))
                        })
                        .collect();
                    if !in_force.is_empty() {
                        for (i, (line, code)) in m.wastes.iter().zip(&codes).enumerate() {
                            let Some(code) = code else { continue };
                            let category = &code[8..];
                            let method = line.method.as_deref();
                            let mut code_covered = false;
                            let mut method_covered = method.is_none();
                            for scope in in_force.iter().flat_map(|l| &l.scope) {
                                let by_code = scope.codes.iter().any(|c| &**c == *code);
                                let by_category = scope
                                    .categories
                                    .iter()
                                    .any(|c| c.starts_with("HW") && &c[2..] == category);
                                if by_code || by_category {
                                    code_covered = true;
                                    if let Some(method) = method
                                        && scope
                                            .methods
                                            .as_ref()
                                            .is_none_or(|ms| ms.iter().any(|m| &**m == method))
                                    {
                                        method_covered = true;
                                    }
                                }
                            }
                            if !code_covered {
                                out.at(
                                    "cn.transfer.receiver-licence-scope",
                                    format!("/wastes/{i}/code"),
                                );
                            } else if !method_covered {
                                out.at(
                                    "cn.transfer.receiver-licence-scope",
                                    format!("/wastes/{i}/method"),
                                );
                            }
                        }
                    }
                }
            }
        }

        // cn.transfer.confirmation-late (stage `confirmed`).
        if transfer_rules
            && m.stage.as_deref() == Some("confirmed")
            && let (Some(from), Some(to)) = (received, confirmed)
        {
            match to_date(from)
                .zip(to_date(to))
                .and_then(|(f, t)| self.calendar.working_days_between(f, t))
            {
                None => out.not_evaluated.push("cn.transfer.confirmation-late"),
                Some(days) if days > self.max_working_days => {
                    out.at("cn.transfer.confirmation-late", "/confirmed_at")
                }
                Some(_) => {}
            }
        }

        // cn.transfer.number-format, on a number of the right form (a malformed one
        // is the structural check's finding).
        if transfer_rules
            && number_ok
            && let Some(number) = m.number.as_deref()
        {
            let prefix = |s: &str, n: usize| -> String { s.chars().take(n).collect() };
            // Digits 1–4: the year the manifest was created (issue 19).
            if let Some(d) = m.created_at.as_deref()
                && d.chars().count() >= 4
                && prefix(number, 4) != prefix(d, 4)
            {
                out.at("cn.transfer.number-format", "/number");
            }
            if let Some(region) = m.consignor.as_ref().and_then(|c| c.region.as_deref())
                && region.chars().count() == 6
                && number.chars().skip(4).take(4).ne(region.chars().take(4))
            {
                out.at("cn.transfer.number-format", "/number");
            }
        }
        Ok(out)
    }
}

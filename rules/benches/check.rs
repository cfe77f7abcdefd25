//! Checking throughput of the built-in chain against a hand-written baseline.
//!
//! `cargo bench -p wastecheck-rules --bench check`
//!
//! * A deterministic generator (xorshift, constant seed) makes 200 realistic transfer
//!   manifests (≈ 2 KB of JSON, 1–5 waste lines drawn from the catalogue, stage
//!   `confirmed`, 2025–2026, six Shaoxing consignors) with the usual mistakes —
//!   wrong category (~10% of lines), unlisted code (~5%), a waste outside the
//!   consignor's plan, late confirmation, a manifest number with the wrong year or
//!   city, a waste or method outside the receiver's licence, a carrier credit code
//!   with a bad check character — and, per consignor, the facts a host holds about
//!   a manifest's parties: the enterprises, the receiver's licences (covering most
//!   codes) and receipts, the carrier's permit, both insurance policies, the sites,
//!   the consignor's management plans, and the GPS track and electronic waybill of
//!   every trip (now and then another vehicle or a track starting elsewhere), so the
//!   Shaoxing layer's track and waybill rules do their work.
//! * The facts are prepared once per consignor ([`PreparedFacts`]), as a host holds
//!   its reference records, for the engine and for the baseline alike; the summary
//!   also times the engine decoding them again on every check.
//! * `engine/check_str`: parse + structural checks + every rule of the chain, per
//!   document; `engine/check_value`: the same from parsed JSON;
//!   `engine/check_str_baseline_rules`: the engine with only the rules the baseline
//!   implements (like for like).
//! * `baseline/hand_written`: the same checks written by hand in plain Rust over
//!   small serde structs. Before anything is timed, the baseline and the engine
//!   (with the baseline's rules) must agree on every (rule, path) of every generated
//!   document, structural violations included; the benchmark stops if they do not.
//!   Rules of the chain the baseline does not implement yet are listed in a warning:
//!   until the baseline learns them, only the like-for-like ratio means anything.
//! * `rhai/per_rule`: the chain's script rules for manifests alone against no rules
//!   at all, over pre-decoded documents.
//!
//! After criterion's groups a summary is printed: checks per second per core for
//! the engine and the baseline, their ratio, the rhai tier's µs per script rule, and
//! a breakdown of the engine's time (parse, decode, facts, each rule), each the
//! median of 5 timed runs of 20,000 checks (5,000 per rule) on one thread.
//!
//! `--count N` runs N whole-chain checks and exits, for an instruction count that
//! the machine's other work cannot change:
//! `valgrind --tool=callgrind target/release/deps/check-… --count 2000`.

use criterion::{Criterion, Throughput};
use serde::Deserialize;
use serde_json::{Value, json};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::hint::black_box;
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use wastecheck::calendar::Calendar;
use wastecheck::engine::chain::{Body, Chain, CompileOptions};
use wastecheck::engine::script::ScriptEngine;
use wastecheck::json::Json;
use wastecheck::model::{
    CreditCode, Date, Decimal, Document, DocumentKind, WasteCode, decode_document, decode_facts,
    decode_json_document,
};
use wastecheck::registry::Registry;
use wastecheck::{Catalogue, CheckOptions, Checker, Locale, PreparedFacts};

/// Documents generated.
const N: usize = 200;
/// Checks per timed run in the summary.
const ITERS: usize = 20_000;
/// Timed runs per figure in the summary (the median is reported).
const RUNS: usize = 5;
/// The generator's seed.
const SEED: u64 = 0x5EED_2026_0330_6001;
/// The rules the baseline implements.
const BASELINE_RULES: &[&str] = &[
    "cn.catalogue.unknown-code",
    "cn.catalogue.category-mismatch",
    "cn.transfer.receiver-licence-scope",
    "cn.transfer.confirmation-late",
    "cn.transfer.number-format",
];

// ---------------------------------------------------------------------------------
// Dates as day numbers (proleptic Gregorian), for the generator and the baseline.

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

fn ymd(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

// ---------------------------------------------------------------------------------
// The generator.

/// xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const CREDIT_CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

struct Party {
    name: &'static str,
    region: &'static str,
    address: &'static str,
    credit_code: String,
    site: String,
    /// The catalogue entries (indices) the enterprise produces and plans to transfer.
    repertoire: Vec<usize>,
}

const CARRIER: &str = "91330602MA2BQ81HXG";
const RECEIVER: &str = "91330604MA2JL6C3X2";
const RECEIVER_LICENCE: &str = "浙危废经第3306040012号";
/// Methods (HJ 1033) in the receiver's category scope.
const LICENSED_METHODS: &[&str] = &["D10", "D9", "R4", "R15", "C1"];
/// Categories the receiver's licence leaves out (medical, PCBs, explosives,
/// mercury, asbestos); two codes of HW29 are licensed by code, for D10 only.
const UNLICENSED_CATEGORIES: &[&str] = &["HW01", "HW10", "HW15", "HW29", "HW36"];

fn consignors(rng: &mut Rng, catalogue: &Catalogue) -> Vec<Party> {
    let spec: [(&str, &str, &str); 6] = [
        (
            "绍兴某某化工有限公司",
            "330603",
            "浙江省绍兴市柯桥区马鞍街道滨海工业区某某路8号",
        ),
        (
            "绍兴某某印染有限公司",
            "330602",
            "浙江省绍兴市越城区斗门街道某某路126号",
        ),
        (
            "诸暨某某五金制品有限公司",
            "330681",
            "浙江省诸暨市店口镇某某工业区3号",
        ),
        (
            "嵊州某某机电有限公司",
            "330683",
            "浙江省嵊州市经济开发区某某路58号",
        ),
        (
            "新昌某某制药股份有限公司",
            "330624",
            "浙江省新昌县高新技术产业园区某某路1号",
        ),
        (
            "上虞某某精细化工有限公司",
            "330604",
            "浙江省绍兴市上虞区杭州湾经济技术开发区某某路9号",
        ),
    ];
    spec.iter()
        .enumerate()
        .map(|(i, (name, region, address))| {
            let credit_code = if i == 0 {
                "91330603MA2D7K4P5W".to_owned()
            } else {
                let tail: String = (0..9)
                    .map(|_| char::from(*rng.pick(CREDIT_CHARSET)))
                    .collect();
                match CreditCode::with_check_char(&format!("91{region}{tail}")) {
                    Ok(code) => code.as_str().to_owned(),
                    Err(e) => panic!("generated credit code: {e:?}"),
                }
            };
            let mut repertoire = Vec::new();
            while repertoire.len() < 8 {
                // What it produces, its receiver is licensed for (by category).
                let entry = rng.below(catalogue.entries().len() as u64) as usize;
                let category = catalogue.entries()[entry].category.to_string();
                if !repertoire.contains(&entry)
                    && !UNLICENSED_CATEGORIES.contains(&category.as_str())
                {
                    repertoire.push(entry);
                }
            }
            Party {
                name,
                region,
                address,
                credit_code,
                site: format!("S-{region}-{:04}", rng.range(1, 9999)),
                repertoire,
            }
        })
        .collect()
}

/// The first 16 characters of a list entry's description, as a consignor would
/// shorten it.
fn short_name(description: &str) -> String {
    description.chars().take(16).collect()
}

fn waste_line(rng: &mut Rng, catalogue: &Catalogue, consignor: &Party) -> Value {
    let entries = catalogue.entries();
    // Mostly what the consignor produces (and planned); now and then something else.
    let entry = if rng.percent(95) {
        &entries[*rng.pick(&consignor.repertoire)]
    } else {
        rng.pick(entries)
    };
    let roll = rng.below(100);
    let (code, category, name, hazards) = if roll < 5 {
        // Not in the list: a plausible code of an existing category.
        let category = entry.category.to_string();
        let code = loop {
            let text = format!(
                "{:03}-{:03}-{}",
                rng.range(100, 999),
                rng.range(1, 299),
                &category[2..]
            );
            let parsed: WasteCode = text.parse().unwrap_or_else(|e| panic!("{text}: {e:?}"));
            if catalogue.get(&parsed).is_none() && !parsed.is_identified_unlisted() {
                break text;
            }
        };
        (
            code,
            category,
            "车间清理产生的混合废物".to_owned(),
            vec!["T".to_owned()],
        )
    } else {
        let mut category = entry.category.to_string();
        if roll < 15 {
            // The wrong category for the code.
            while category == entry.category.to_string() {
                category = rng.pick(catalogue.categories()).category.to_string();
            }
        }
        let hazards = entry
            .hazards
            .listed
            .iter()
            .map(|h| h.symbol().to_owned())
            .collect();
        (
            entry.code.as_str().to_owned(),
            category,
            short_name(&entry.description),
            hazards,
        )
    };
    let method = if rng.percent(4) {
        "D1"
    } else {
        *rng.pick(LICENSED_METHODS)
    };
    let (form, packaging) = match rng.below(3) {
        0 => ("solid", *rng.pick(&["吨袋", "编织袋", "纸箱"])),
        1 => ("semi_solid", *rng.pick(&["200L铁桶", "塑料桶"])),
        _ => ("liquid", *rng.pick(&["200L铁桶", "IBC吨桶", "储罐"])),
    };
    let quantity = if rng.percent(15) {
        json!({ "value": format!("{}", rng.range(20, 950)), "unit": "kg" })
    } else {
        let milli = rng.range(50, 9_999);
        json!({ "value": format!("{}.{:03}", milli / 1000, milli % 1000), "unit": "t" })
    };
    json!({
        "code": code,
        "category": category,
        "name": name,
        "hazards": hazards,
        "form": form,
        "packaging": { "type": packaging, "count": rng.range(1, 40) },
        "quantity": quantity.clone(),
        "method": method,
        "received_quantity": quantity,
    })
}

/// A manifest, and the index of its consignor.
/// `YYYY-MM-DDTHH:MM:00+08:00`, `minutes` after the start of `day` (later minutes
/// run into the next days).
fn at(day: i64, minutes: i64) -> String {
    let day = day + minutes.div_euclid(1440);
    let minutes = minutes.rem_euclid(1440);
    format!(
        "{}T{:02}:{:02}:00+08:00",
        ymd(day),
        minutes / 60,
        minutes % 60
    )
}

/// The consignors' site and the receiver's (as in the facts' `sites`).
const CONSIGNOR_SITE: (f64, f64) = (30.1552, 120.6231);
const RECEIVER_SITE: (f64, f64) = (30.1187, 120.8452);

/// The GPS track and the electronic waybill of a manifest's trip, as a host holds
/// them: mostly what the manifest says; now and then another vehicle on the
/// waybill, or a track that starts far from the consignor's site.
fn trip(rng: &mut Rng, manifest: &Value, day: i64, leave: i64, arrive: i64) -> (Value, Value) {
    let text = |p: &str| {
        manifest
            .pointer(p)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let plate = text("/carrier/vehicle_plate");
    let start = if rng.percent(3) {
        (30.3012, 120.5120)
    } else {
        CONSIGNOR_SITE
    };
    // A fix every 10 minutes or so.
    let steps = ((arrive - leave) / 10).max(2);
    let points: Vec<Value> = (0..=steps)
        .map(|k| {
            let f = k as f64 / steps as f64;
            json!({
                "t": at(day, leave + (arrive - leave) * k / steps),
                "lat": start.0 + (RECEIVER_SITE.0 - start.0) * f,
                "lon": start.1 + (RECEIVER_SITE.1 - start.1) * f,
            })
        })
        .collect();
    let total: Decimal = manifest["wastes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| {
            let q = &w["quantity"];
            let value: Decimal = q["value"].as_str()?.parse().ok()?;
            Some(if q["unit"] == "kg" {
                value / Decimal::ONE_THOUSAND
            } else {
                value
            })
        })
        .sum();
    let waybill_plate = if rng.percent(3) {
        "浙D6789挂".to_owned()
    } else {
        plate.clone()
    };
    (
        json!({ "id": text("/track_id"), "vehicle_plate": plate, "points": points }),
        json!({
            "number": text("/waybill_number"),
            "manifest_number": text("/number"),
            "vehicle_plate": waybill_plate,
            "date": ymd(day),
            "quantity": { "value": total.normalize().to_string(), "unit": "t" },
        }),
    )
}

/// A manifest, the consignor it comes from (an index into `parties`), and the track
/// and waybill of its trip.
fn manifest(
    rng: &mut Rng,
    catalogue: &Catalogue,
    parties: &[Party],
) -> (usize, Value, (Value, Value)) {
    let who = rng.below(parties.len() as u64) as usize;
    let consignor = &parties[who];
    let first = days_from_civil(2025, 1, 2);
    let last = days_from_civil(2026, 12, 15);
    let end_of_calendar = days_from_civil(2026, 12, 31);
    let dispatched = rng.range(first, last);
    let created = dispatched - rng.range(0, 3);
    // Leaving between 08:00 and 16:59, arriving 50 minutes to 5 hours later.
    let leave = rng.range(8 * 60, 17 * 60 - 1);
    let arrive = leave + rng.range(50, 300);
    let received = dispatched + arrive / 1440;
    let confirmed = if rng.percent(8) {
        received + rng.range(9, 16)
    } else {
        received + rng.range(0, 5)
    }
    .min(end_of_calendar);
    let paid = confirmed + rng.range(0, 10);
    let time = |rng: &mut Rng, day: i64, from_hour: i64| {
        format!(
            "{}T{:02}:{:02}:00+08:00",
            ymd(day),
            rng.range(from_hour, 17),
            rng.range(0, 59)
        )
    };
    let dispatched_at = at(dispatched, leave);
    let received_at = at(dispatched, arrive);

    let (year, _, _) = civil_from_days(dispatched);
    let number_year = if rng.percent(5) { year - 1 } else { year };
    let number_city = if rng.percent(2) { "3307" } else { "3306" };
    let number = format!("{number_year}{number_city}{:06}", rng.range(1, 999_999));

    let mut carrier_code = CARRIER.to_owned();
    if rng.percent(2) {
        // A typo in the carrier's check character.
        carrier_code.pop();
        carrier_code.push('Y');
    }
    let plate = *rng.pick(&["浙D12345", "浙D23456"]);
    let lines: Vec<Value> = (0..rng.range(1, 5))
        .map(|_| waste_line(rng, catalogue, consignor))
        .collect();
    let disposal_fee = rng.range(800, 60_000);
    let mut payments = vec![json!({
        "payee_credit_code": RECEIVER,
        "payee_name": "绍兴某某环保科技有限公司",
        "amount": format!("{disposal_fee}.00"),
        "purpose": "disposal",
        "paid_on": ymd(paid),
    })];
    if rng.percent(60) {
        payments.push(json!({
            "payee_credit_code": CARRIER,
            "payee_name": "绍兴某某危险品运输有限公司",
            "amount": format!("{}.00", rng.range(300, 3_000)),
            "purpose": "transport",
            "paid_on": ymd(paid),
        }));
    }
    let compact = ymd(dispatched).replace('-', "");
    let document = json!({
        "kind": "manifest",
        "number": number,
        "stage": "confirmed",
        "created_at": time(rng, created, 8),
        "consignor": {
            "credit_code": consignor.credit_code,
            "name": consignor.name,
            "region": consignor.region,
            "address": consignor.address,
            "site_id": consignor.site,
        },
        "carrier": {
            "credit_code": carrier_code,
            "name": "绍兴某某危险品运输有限公司",
            "permit_number": "浙交运管许可绍字330602300123号",
            "vehicle_plate": plate,
            "vehicle_licence": "浙交运管绍字330602012345号",
            "driver": { "name": "张某某", "qualification_number": "3306002023001234" },
        },
        "receiver": {
            "credit_code": RECEIVER,
            "name": "绍兴某某环保科技有限公司",
            "region": "330604",
            "address": "浙江省绍兴市上虞区杭州湾上虞经济技术开发区某某大道18号",
            "licence_number": RECEIVER_LICENCE,
            "site_id": "S-330604-0027",
        },
        "wastes": lines,
        "dispatched_at": dispatched_at,
        "received_at": received_at,
        "confirmed_at": time(rng, confirmed, 8),
        "payments": payments,
        "track_id": format!("TRK-{plate}-{compact}-01"),
        "waybill_number": format!("YD3306{compact}{:04}", rng.range(1, 9999)),
    });
    let trip = trip(rng, &document, dispatched, leave, arrive);
    (who, document, trip)
}

/// The facts a host holds about a manifest's parties: the three enterprises, the
/// receiver's licences (in force: every category but five, and two codes of one
/// of those; expired: everything) and its receipts so far, the carrier's permit,
/// both insurance policies, the sites, and the consignor's management plans.
fn facts(catalogue: &Catalogue, consignor: &Party) -> Value {
    let categories: Vec<String> = catalogue
        .categories()
        .iter()
        .map(|c| c.category.to_string())
        .filter(|c| !UNLICENSED_CATEGORIES.contains(&c.as_str()))
        .collect();
    let every_category: Vec<String> = catalogue
        .categories()
        .iter()
        .map(|c| c.category.to_string())
        .collect();
    let hw29: Vec<&str> = catalogue
        .entries()
        .iter()
        .filter(|e| e.category.to_string() == "HW29")
        .take(2)
        .map(|e| e.code.as_str())
        .collect();
    let plan = |year: i32, method: &str| {
        let transfers: Vec<Value> = consignor
            .repertoire
            .iter()
            .map(|&i| {
                let entry = &catalogue.entries()[i];
                json!({
                    "code": entry.code.as_str(),
                    "transfer_type": "in_province",
                    "expected_quantity": { "value": "24.000", "unit": "t" },
                    "method": method,
                    "receiver_name": "绍兴某某环保科技有限公司",
                    "receiver_credit_code": RECEIVER,
                    "receiver_licence_number": RECEIVER_LICENCE,
                })
            })
            .collect();
        json!({
            "kind": "plan",
            "enterprise": {
                "credit_code": consignor.credit_code,
                "name": consignor.name,
                "region": consignor.region,
                "address": consignor.address,
                "site_id": consignor.site,
            },
            "year": year,
            "filed_at": format!("{year}-02-10"),
            "filing_number": format!("{}-{year}-GLJH-0158", consignor.region),
            "unit_class": "key",
            "transfers": transfers,
        })
    };
    json!({
        "enterprises": [
            { "credit_code": consignor.credit_code, "name": consignor.name, "region": consignor.region, "key_supervised": true, "industry": "2614" },
            { "credit_code": CARRIER, "name": "绍兴某某危险品运输有限公司", "region": "330602", "key_supervised": false, "industry": "5430" },
            { "credit_code": RECEIVER, "name": "绍兴某某环保科技有限公司", "region": "330604", "key_supervised": true, "industry": "7724" },
        ],
        "licences": [
            {
                "number": RECEIVER_LICENCE,
                "holder": RECEIVER,
                "kind": "comprehensive",
                "scope": [
                    { "categories": categories, "methods": LICENSED_METHODS, "capacity_t": "20000" },
                    { "codes": hw29, "methods": ["D10"], "capacity_t": "500" },
                ],
                "valid_from": "2024-06-01",
                "valid_until": "2029-05-31",
            },
            {
                "number": "浙危废经第3306040003号",
                "holder": RECEIVER,
                "kind": "comprehensive",
                "scope": [{ "categories": every_category, "methods": ["D10", "D1"], "capacity_t": "15000" }],
                "valid_from": "2019-06-01",
                "valid_until": "2024-05-31",
            },
        ],
        "transport_permits": [{
            "number": "浙交运管许可绍字330602300123号",
            "holder": CARRIER,
            "vehicles": ["浙D12345", "浙D23456", "浙D6789挂"],
            "valid_from": "2023-09-01",
            "valid_until": "2027-08-31",
        }],
        "insurance_policies": [
            { "number": "PZBE202633060000000481", "holder": CARRIER, "insurer": "某某财产保险股份有限公司绍兴中心支公司", "sum_insured": "5000000", "valid_from": "2025-01-01", "valid_until": "2026-12-31" },
            { "number": "PZBE202633060000000517", "holder": RECEIVER, "insurer": "某某财产保险股份有限公司绍兴中心支公司", "sum_insured": "10000000", "valid_from": "2025-01-01", "valid_until": "2026-12-31" },
        ],
        "approvals": [],
        "sites": [
            { "id": consignor.site, "holder": consignor.credit_code, "name": consignor.name, "lat": 30.1552, "lon": 120.6231 },
            { "id": "S-330604-0027", "holder": RECEIVER, "name": "绍兴某某环保科技有限公司焚烧处置中心", "lat": 30.1187, "lon": 120.8452 },
        ],
        "receipts": [
            { "receiver": RECEIVER, "year": 2025, "quantity": { "value": "11874.300", "unit": "t" } },
            { "receiver": RECEIVER, "year": 2026, "quantity": { "value": "2846.520", "unit": "t" } },
        ],
        "plans": [plan(2025, "D10"), plan(2026, "D10")],
    })
}

// ---------------------------------------------------------------------------------
// The hand-written baseline: the same checks in plain Rust.

/// A string borrowed from the input where it can be (no escapes), else owned.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Str<'a>(Cow<'a, str>);

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

type S<'a> = Option<Str<'a>>;

#[derive(Deserialize)]
struct BManifest<'a> {
    #[serde(borrow)]
    kind: S<'a>,
    #[serde(borrow)]
    number: S<'a>,
    #[serde(borrow)]
    stage: S<'a>,
    #[serde(borrow)]
    created_at: S<'a>,
    #[serde(borrow)]
    consignor: Option<BParty<'a>>,
    #[serde(borrow)]
    carrier: Option<BCarrier<'a>>,
    #[serde(borrow)]
    receiver: Option<BParty<'a>>,
    #[serde(borrow, default)]
    wastes: Vec<BLine<'a>>,
    #[serde(borrow)]
    dispatched_at: S<'a>,
    #[serde(borrow)]
    received_at: S<'a>,
    #[serde(borrow)]
    confirmed_at: S<'a>,
    #[serde(borrow, default)]
    payments: Vec<BPayment<'a>>,
    #[serde(borrow)]
    cross_province_approval: S<'a>,
    #[serde(borrow)]
    track_id: S<'a>,
    #[serde(borrow)]
    waybill_number: S<'a>,
}

/// A consignor or receiver.
#[derive(Deserialize)]
struct BParty<'a> {
    #[serde(borrow)]
    credit_code: S<'a>,
    #[serde(borrow)]
    name: S<'a>,
    #[serde(borrow)]
    region: S<'a>,
    #[serde(borrow)]
    address: S<'a>,
    #[serde(borrow)]
    site_id: S<'a>,
    #[serde(borrow)]
    licence_number: S<'a>,
}

#[derive(Deserialize)]
struct BCarrier<'a> {
    #[serde(borrow)]
    credit_code: S<'a>,
    #[serde(borrow)]
    name: S<'a>,
    #[serde(borrow)]
    permit_number: S<'a>,
    #[serde(borrow)]
    vehicle_plate: S<'a>,
    #[serde(borrow)]
    vehicle_licence: S<'a>,
    #[serde(borrow)]
    driver: Option<BDriver<'a>>,
}

#[derive(Deserialize)]
struct BDriver<'a> {
    #[serde(borrow)]
    name: S<'a>,
    #[serde(borrow)]
    qualification_number: S<'a>,
}

#[derive(Deserialize)]
struct BLine<'a> {
    #[serde(borrow)]
    code: S<'a>,
    #[serde(borrow)]
    category: S<'a>,
    #[serde(borrow)]
    name: S<'a>,
    #[serde(borrow, default)]
    hazards: Vec<Str<'a>>,
    #[serde(borrow)]
    form: S<'a>,
    #[serde(borrow)]
    packaging: Option<BPackaging<'a>>,
    #[serde(borrow)]
    quantity: Option<BQuantity<'a>>,
    #[serde(borrow)]
    method: S<'a>,
    #[serde(borrow)]
    received_quantity: Option<BQuantity<'a>>,
    #[serde(borrow)]
    identification_report: S<'a>,
}

#[derive(Deserialize)]
struct BPackaging<'a> {
    #[serde(borrow, rename = "type")]
    kind: S<'a>,
    #[allow(dead_code)]
    count: Option<u32>,
}

#[derive(Deserialize)]
struct BQuantity<'a> {
    #[serde(borrow)]
    value: S<'a>,
    #[serde(borrow)]
    unit: S<'a>,
}

#[derive(Deserialize)]
struct BPayment<'a> {
    #[serde(borrow)]
    payee_credit_code: S<'a>,
    #[serde(borrow)]
    payee_name: S<'a>,
    #[serde(borrow)]
    amount: S<'a>,
    #[serde(borrow)]
    purpose: S<'a>,
    #[serde(borrow)]
    paid_on: S<'a>,
}

#[derive(Deserialize)]
struct BFacts<'a> {
    #[serde(borrow)]
    licences: Option<Vec<BLicence<'a>>>,
}

#[derive(Deserialize)]
struct BLicence<'a> {
    #[serde(borrow)]
    holder: S<'a>,
    #[serde(borrow, default)]
    scope: Vec<BScope<'a>>,
    #[serde(borrow)]
    valid_from: S<'a>,
    #[serde(borrow)]
    valid_until: S<'a>,
}

#[derive(Deserialize)]
struct BScope<'a> {
    #[serde(borrow, default)]
    codes: Vec<Str<'a>>,
    #[serde(borrow, default)]
    categories: Vec<Str<'a>>,
    #[serde(borrow)]
    methods: Option<Vec<Str<'a>>>,
}

/// GB 32100-2015 character values (`u8::MAX`: not in the character set).
const CREDIT_VALUES: [u8; 256] = {
    let mut table = [u8::MAX; 256];
    let mut i = 0;
    while i < 31 {
        table[CREDIT_CHARSET[i] as usize] = i as u8;
        i += 1;
    }
    table
};
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// `None` when valid, else the structural rule it breaks.
fn credit_code_problem(text: &str) -> Option<&'static str> {
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

const PROVINCES: &[&[u8; 2]] = &[
    b"11", b"12", b"13", b"14", b"15", b"21", b"22", b"23", b"31", b"32", b"33", b"34", b"35",
    b"36", b"37", b"41", b"42", b"43", b"44", b"45", b"46", b"50", b"51", b"52", b"53", b"54",
    b"61", b"62", b"63", b"64", b"65", b"71", b"81", b"82",
];

fn is_province(digits: &[u8]) -> bool {
    PROVINCES.iter().any(|p| p.as_slice() == digits)
}

fn region_ok(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 6 && b.iter().all(u8::is_ascii_digit) && (b == b"000000" || is_province(&b[..2]))
}

fn manifest_number_ok(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 14 && b.iter().all(u8::is_ascii_digit) && is_province(&b[4..6])
}

fn hazardous_number(tens: u8, ones: u8) -> Option<u8> {
    let n = (tens - b'0') * 10 + (ones - b'0');
    matches!(n, 1..=40 | 45..=50).then_some(n)
}

fn waste_code_ok(text: &str) -> bool {
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

fn category_ok(text: &str) -> bool {
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

fn decimal_ok(text: &str) -> bool {
    let (int, frac) = text.split_once('.').unwrap_or((text, "0"));
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && !frac.is_empty()
        && frac.bytes().all(|b| b.is_ascii_digit())
}

fn text_ok(text: &str) -> bool {
    !text.trim().is_empty()
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// `YYYY-MM-DD` as a day number, if it is a real date.
fn date_of(text: &str) -> Option<i64> {
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
fn datetime_local_date(text: &str) -> Option<i64> {
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

fn plate_ok(text: &str) -> bool {
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

type Finding = (&'static str, String);

/// The hand-written checker.
struct Baseline<'c> {
    catalogue: &'c Catalogue,
    calendar: &'c Calendar,
    max_working_days: i64,
}

/// What the baseline found.
#[derive(Debug, Default)]
struct Outcome {
    findings: Vec<Finding>,
    not_evaluated: Vec<&'static str>,
}

impl Outcome {
    fn at(&mut self, rule: &'static str, path: impl Into<String>) {
        self.findings.push((rule, path.into()));
    }
}

/// Pack `cn` is in force from 2020-09-01; the number and confirmation rules from
/// 2022-01-01 (转移办法).
fn pack_from() -> i64 {
    days_from_civil(2020, 9, 1)
}
fn transfer_rules_from() -> i64 {
    days_from_civil(2022, 1, 1)
}

fn to_date(day: i64) -> Option<Date> {
    let (y, m, d) = civil_from_days(day);
    Date::from_ymd(y as i32, m, d)
}

impl Baseline<'_> {
    fn check(&self, text: &str, f: &BFacts<'_>) -> Result<Outcome, serde_json::Error> {
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

        // cn.transfer.number-format, on the number as written.
        if transfer_rules
            && let Some(number) = m.number.as_deref()
            && number.chars().count() == 14
        {
            let prefix = |s: &str, n: usize| -> String { s.chars().take(n).collect() };
            if let Some(d) = m.dispatched_at.as_deref()
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

// ---------------------------------------------------------------------------------
// The fixture shared by the benchmarks and the summary.

/// A document decoded once, for timing the rules alone.
struct Decoded {
    raw: Json<'static>,
    document: Document,
    as_of: Option<Date>,
}

/// A rule of the chain that applies to confirmed manifests.
struct RuleInfo {
    id: String,
    script: bool,
    /// A chain with this rule alone.
    alone: Arc<Chain>,
}

struct Fixture {
    texts: Vec<String>,
    values: Vec<Value>,
    decoded: Vec<Decoded>,
    /// The facts about each consignor's manifests (its plans, the receiver's
    /// licences, …), and which of them each document comes with.
    facts: Vec<&'static Value>,
    /// The same, prepared once as a host holds them: for the engine, and for the
    /// baseline.
    prepared: Vec<PreparedFacts<'static>>,
    baseline_facts: Vec<BFacts<'static>>,
    facts_of: Vec<usize>,
    checker: &'static Checker,
    /// The chain the documents are checked against (the same for all of them).
    chain: Arc<Chain>,
    /// The chain's rules that apply to confirmed manifests.
    manifest_rules: Vec<RuleInfo>,
    /// The engine with only the rules the baseline implements (like for like).
    like_checker: Checker,
    like_rules: Vec<String>,
    /// Manifest rules of the chain the baseline does not implement.
    missing: Vec<String>,
    /// The chain's script rules for manifests alone, and no rules at all.
    script_rules: Vec<String>,
    scripts_only: Arc<Chain>,
    no_rules: Arc<Chain>,
    no_rules_checker: Checker,
    baseline: Baseline<'static>,
}

impl Fixture {
    fn facts(&self, i: usize) -> &Value {
        self.facts[self.facts_of[i]]
    }

    fn prepared(&self, i: usize) -> &PreparedFacts<'static> {
        &self.prepared[self.facts_of[i]]
    }

    fn check_str(&self, checker: &Checker, i: usize) -> wastecheck::Report {
        checker.check_str_with(
            &self.texts[i],
            Some(self.prepared(i)),
            &CheckOptions::default(),
        )
    }

    /// As a host that decodes the facts again for every document would.
    fn check_str_raw_facts(&self, checker: &Checker, i: usize) -> wastecheck::Report {
        checker.check_str(
            &self.texts[i],
            Some(self.facts(i)),
            &CheckOptions::default(),
        )
    }

    fn check_value(&self, checker: &Checker, i: usize) -> wastecheck::Report {
        checker.check_value_with(
            &self.values[i],
            Some(self.prepared(i)),
            &CheckOptions::default(),
        )
    }

    fn hand(&self, i: usize) -> Result<Outcome, serde_json::Error> {
        self.baseline
            .check(&self.texts[i], &self.baseline_facts[self.facts_of[i]])
    }
}

/// A document as the engine reads JSON text, kept for the whole run.
fn parsed(value: &Value) -> Json<'static> {
    let text: &'static str = Box::leak(value.to_string().into_boxed_str());
    match wastecheck::json::parse(text) {
        Ok(parsed) => parsed.value,
        Err(e) => panic!("generated JSON does not parse: {e}"),
    }
}

fn chain_with(only: Vec<String>, sample: &Document, as_of: Option<Date>) -> (Checker, Arc<Chain>) {
    let options = CompileOptions {
        only: Some(only),
        ..CompileOptions::default()
    };
    let registry = match Registry::from_sources(&wastecheck_rules::packs(), &options) {
        Ok(registry) => registry,
        Err(e) => panic!("the embedded packs do not compile: {e}"),
    };
    let checker = Checker::new(registry);
    let chain = match checker.chain_for(sample, as_of) {
        Some(chain) => chain.clone(),
        None => panic!("no chain for the sample document"),
    };
    (checker, chain)
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let catalogue = wastecheck_rules::catalogue();
        let mut rng = Rng(SEED);
        let parties = consignors(&mut rng, catalogue);
        let generated: Vec<(usize, Value, (Value, Value))> = (0..N)
            .map(|_| manifest(&mut rng, catalogue, &parties))
            .collect();
        let facts_of: Vec<usize> = generated.iter().map(|g| g.0).collect();
        let values: Vec<Value> = generated.iter().map(|g| g.1.clone()).collect();
        let texts: Vec<String> = values.iter().map(Value::to_string).collect();
        // Leaked, so that the baseline's borrowed facts live as long as the fixture.
        // Each consignor's facts hold the tracks and waybills of all its trips.
        let facts: Vec<&'static Value> = parties
            .iter()
            .enumerate()
            .map(|(who, p)| {
                let mut facts = facts(catalogue, p);
                let trips = generated.iter().filter(|g| g.0 == who).map(|g| &g.2);
                facts["tracks"] = trips.clone().map(|t| t.0.clone()).collect();
                facts["waybills"] = trips.map(|t| t.1.clone()).collect();
                &*Box::leak(Box::new(facts))
            })
            .collect();
        let prepared = facts
            .iter()
            .map(|f| PreparedFacts::new((*f).clone()))
            .collect();
        let baseline_facts = facts
            .iter()
            .map(|f| match BFacts::deserialize(*f) {
                Ok(facts) => facts,
                Err(e) => panic!("the baseline cannot read the facts: {e}"),
            })
            .collect();
        let checker = wastecheck_rules::checker();

        let decoded: Vec<Decoded> = values
            .iter()
            .map(|raw| {
                let (document, problems) = decode_document(DocumentKind::Manifest, raw);
                let document = document.unwrap_or_else(|| panic!("undecodable: {problems:?}"));
                let as_of = wastecheck::check::legal_date(&document);
                Decoded {
                    raw: parsed(raw),
                    document,
                    as_of,
                }
            })
            .collect();
        let sample = &decoded[0];
        let chain = match checker.chain_for(&sample.document, sample.as_of) {
            Some(chain) => chain.clone(),
            None => panic!("no chain for the generated documents"),
        };
        for d in &decoded {
            let other = checker.chain_for(&d.document, d.as_of).map(Arc::as_ptr);
            assert_eq!(
                other,
                Some(Arc::as_ptr(&chain)),
                "the documents select different chains"
            );
        }
        let manifest_rules: Vec<RuleInfo> = chain
            .rules
            .iter()
            .filter(|r| {
                r.applies_to.contains(&DocumentKind::Manifest)
                    && (r.stages.is_empty() || r.stages.iter().any(|s| s == "confirmed"))
            })
            .map(|r| RuleInfo {
                id: r.id.clone(),
                script: matches!(r.body, Body::Script(_)),
                alone: chain_with(vec![r.id.clone()], &sample.document, sample.as_of).1,
            })
            .collect();
        let like_rules: Vec<String> = BASELINE_RULES
            .iter()
            .filter(|id| chain.rules.iter().any(|r| r.id == **id))
            .map(|id| (*id).to_owned())
            .collect();
        let like_checker = chain_with(like_rules.clone(), &sample.document, sample.as_of).0;
        let missing = manifest_rules
            .iter()
            .filter(|r| !BASELINE_RULES.contains(&r.id.as_str()))
            .map(|r| r.id.clone())
            .collect();
        let script_rules: Vec<String> = manifest_rules
            .iter()
            .filter(|r| r.script)
            .map(|r| r.id.clone())
            .collect();
        let scripts_only = chain_with(script_rules.clone(), &sample.document, sample.as_of).1;
        let (no_rules_checker, no_rules) = chain_with(Vec::new(), &sample.document, sample.as_of);
        let calendar: &'static Calendar = match &chain.calendar {
            // The chain lives in the 'static checker; keep our Arc alive for 'static.
            Some(calendar) => {
                let leaked: &'static Arc<Calendar> = Box::leak(Box::new(calendar.clone()));
                leaked
            }
            None => panic!("the chain has no working-day calendar"),
        };
        let max_working_days = chain
            .params
            .get("confirmation_working_days")
            .and_then(|v| v.as_i64())
            .unwrap_or(5);
        Fixture {
            texts,
            values,
            decoded,
            facts,
            prepared,
            baseline_facts,
            facts_of,
            checker,
            chain,
            manifest_rules,
            like_checker,
            like_rules,
            missing,
            script_rules,
            scripts_only,
            no_rules,
            no_rules_checker,
            baseline: Baseline {
                catalogue,
                calendar,
                max_working_days,
            },
        }
    })
}

type Key = (String, String);

fn keys(report: &wastecheck::Report) -> (Vec<Key>, Vec<String>) {
    let mut keys: Vec<Key> = report
        .violations
        .iter()
        .map(|v| (v.rule.clone(), v.path.clone()))
        .collect();
    keys.sort();
    let mut not_evaluated: Vec<String> = report
        .not_evaluated
        .iter()
        .map(|n| n.rule.clone())
        .collect();
    not_evaluated.sort();
    (keys, not_evaluated)
}

/// The baseline must find exactly what the engine finds, with the same rules, on
/// every document; and what the whole chain finds is shown.
fn verify(fx: &Fixture) {
    let mut agreed = 0;
    for i in 0..N {
        let (engine, engine_ne) = keys(&fx.check_str(&fx.like_checker, i));
        let outcome = match fx.hand(i) {
            Ok(outcome) => outcome,
            Err(e) => panic!("the baseline cannot read document {i}: {e}"),
        };
        let known =
            |rule: &str| rule.starts_with("schema.") || fx.like_rules.iter().any(|r| r == rule);
        let mut baseline: Vec<Key> = outcome
            .findings
            .iter()
            .filter(|(r, _)| known(r))
            .map(|(r, p)| ((*r).to_owned(), p.clone()))
            .collect();
        baseline.sort();
        let mut baseline_ne: Vec<String> = outcome
            .not_evaluated
            .iter()
            .filter(|r| known(r))
            .map(|r| (*r).to_owned())
            .collect();
        baseline_ne.sort();
        if engine != baseline || engine_ne != baseline_ne {
            let pretty = serde_json::to_string_pretty(&fx.values[i]).unwrap_or_default();
            panic!(
                "\n\nBASELINE AND ENGINE DISAGREE on generated document {i}:\n{pretty}\n\
                 engine:   {engine:?}\n          not evaluated {engine_ne:?}\n\
                 baseline: {baseline:?}\n          not evaluated {baseline_ne:?}\n"
            );
        }
        agreed += engine.len();
    }
    println!(
        "baseline and engine agree on all {N} documents: {agreed} violations of {} rules + structure",
        fx.like_rules.len()
    );

    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    let mut not_evaluated: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for i in 0..N {
        let report = fx.check_str(fx.checker, i);
        for v in &report.violations {
            *found.entry(v.rule.clone()).or_default() += 1;
        }
        for n in &report.not_evaluated {
            not_evaluated
                .entry(n.rule.clone())
                .or_insert((0, n.reason.clone()))
                .0 += 1;
        }
    }
    println!(
        "the whole chain ({} rules, {} for confirmed manifests) finds {} violations:",
        fx.chain.rules.len(),
        fx.manifest_rules.len(),
        found.values().sum::<usize>()
    );
    for (rule, count) in &found {
        println!("  {count:4}  {rule}");
    }
    for (rule, (count, reason)) in &not_evaluated {
        println!("  not evaluated {count:4}× {rule}: {reason}");
    }
    if !fx.missing.is_empty() {
        println!(
            "\nWARNING: the hand-written baseline implements {} of the {} rules the chain runs on manifests; \
             missing: {:?}.\nThe engine/baseline ratio below is like for like (the engine with the baseline's rules only); \
             add the missing rules to the baseline in rules/benches/check.rs to compare the whole chain.\n",
            fx.manifest_rules.len() - fx.missing.len(),
            fx.manifest_rules.len(),
            fx.missing
        );
    }
}

// ---------------------------------------------------------------------------------
// Criterion groups.

fn cycling<R>(mut f: impl FnMut(usize) -> R) -> impl FnMut() -> R {
    let mut i = 0;
    move || {
        i = if i + 1 == N { 0 } else { i + 1 };
        f(black_box(i))
    }
}

fn engine(c: &mut Criterion) {
    let fx = fixture();
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(1));
    group.bench_function("check_str", |b| {
        b.iter(cycling(|i| fx.check_str(fx.checker, i)))
    });
    group.bench_function("check_value", |b| {
        b.iter(cycling(|i| fx.check_value(fx.checker, i)))
    });
    group.bench_function("check_str_baseline_rules", |b| {
        b.iter(cycling(|i| fx.check_str(&fx.like_checker, i)))
    });
    group.finish();
}

fn baseline(c: &mut Criterion) {
    let fx = fixture();
    let mut group = c.benchmark_group("baseline");
    group.throughput(Throughput::Elements(1));
    group.bench_function("hand_written", |b| {
        b.iter(cycling(|i| fx.hand(i).map(|o| o.findings.len())))
    });
    group.finish();
}

fn run_chain(fx: &Fixture, chain: &Chain, i: usize) -> usize {
    let d = &fx.decoded[i];
    let (violations, not_evaluated) = chain.run(
        &d.document,
        &d.raw,
        Some(fx.prepared(i)),
        d.as_of,
        Locale::default(),
    );
    violations.len() + not_evaluated.len()
}

fn rhai(c: &mut Criterion) {
    let fx = fixture();
    let mut group = c.benchmark_group("rhai/per_rule");
    group.throughput(Throughput::Elements(1));
    group.bench_function(
        format!("script_rules_only_x{}", fx.script_rules.len()),
        |b| b.iter(cycling(|i| run_chain(fx, &fx.scripts_only, i))),
    );
    group.bench_function("no_rules", |b| {
        b.iter(cycling(|i| run_chain(fx, &fx.no_rules, i)))
    });
    group.finish();
}

// ---------------------------------------------------------------------------------
// The summary: timed by hand, medians of RUNS runs.

fn median(mut runs: Vec<f64>) -> f64 {
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

/// Nanoseconds per call of each of `fs`: RUNS interleaved runs of `iters` calls.
fn time_runs<const K: usize>(iters: usize, fs: [&dyn Fn(usize) -> usize; K]) -> [Vec<f64>; K] {
    let mut runs: [Vec<f64>; K] = std::array::from_fn(|_| Vec::with_capacity(RUNS));
    for f in &fs {
        for i in 0..iters / 10 {
            black_box(f(i % N));
        }
    }
    for _ in 0..RUNS {
        for (k, f) in fs.iter().enumerate() {
            let start = Instant::now();
            for i in 0..iters {
                black_box(f(black_box(i % N)));
            }
            runs[k].push(start.elapsed().as_secs_f64() * 1e9 / iters as f64);
        }
    }
    runs
}

/// The median of RUNS interleaved runs of ITERS calls of each of `fs`, in ns per call.
fn time_all<const K: usize>(fs: [&dyn Fn(usize) -> usize; K]) -> [f64; K] {
    time_runs(ITERS, fs).map(median)
}

/// The median over RUNS interleaved runs of the difference `a − b`, in ns per call.
fn time_diff(iters: usize, a: &dyn Fn(usize) -> usize, b: &dyn Fn(usize) -> usize) -> f64 {
    let [ra, rb] = time_runs(iters, [a, b]);
    median(ra.iter().zip(&rb).map(|(a, b)| a - b).collect())
}

fn us(ns: f64) -> String {
    format!("{:8.2} µs", ns / 1000.0)
}

fn per_second(ns: f64) -> String {
    format!("{:>9.0}", 1e9 / ns)
}

fn summary(allocator: &str) {
    let fx = fixture();
    let mean_bytes = fx.texts.iter().map(String::len).sum::<usize>() as f64 / N as f64;
    let mean_lines = fx
        .values
        .iter()
        .map(|v| v["wastes"].as_array().map_or(0, Vec::len))
        .sum::<usize>() as f64
        / N as f64;
    let mean_facts = (0..N).map(|i| fx.facts(i).to_string().len()).sum::<usize>() as f64 / N as f64;

    let check_str = |i: usize| fx.check_str(fx.checker, i).violations.len();
    let check_str_raw_facts = |i: usize| fx.check_str_raw_facts(fx.checker, i).violations.len();
    let check_value = |i: usize| fx.check_value(fx.checker, i).violations.len();
    let like = |i: usize| fx.check_str(&fx.like_checker, i).violations.len();
    let hand = |i: usize| fx.hand(i).map_or(0, |o| o.findings.len());
    let [t_str, t_value, t_like, t_base] = time_all([&check_str, &check_value, &like, &hand]);
    let [t_str_raw_facts] = time_all([&check_str_raw_facts]);
    let bare_str = |i: usize| fx.check_str(&fx.no_rules_checker, i).violations.len();
    let bare_value = |i: usize| fx.check_value(&fx.no_rules_checker, i).violations.len();
    let [t_bare_str, t_bare_value] = time_all([&bare_str, &bare_value]);

    // The engine's steps one by one.
    let serde_value = |i: usize| {
        serde_json::from_str::<Value>(&fx.texts[i])
            .map_or(0, |v| v.as_object().map_or(0, |o| o.len()))
    };
    let tracked =
        |i: usize| wastecheck::json::parse(&fx.texts[i]).map_or(0, |p| p.duplicate_keys.len());
    let decode = |i: usize| {
        decode_json_document(DocumentKind::Manifest, &fx.decoded[i].raw)
            .1
            .len()
    };
    let facts = |i: usize| decode_facts(fx.facts(i)).1.len();
    let full = |i: usize| run_chain(fx, &fx.chain, i);
    let none = |i: usize| run_chain(fx, &fx.no_rules, i);
    let to_dyn_doc =
        |i: usize| ScriptEngine::json_to_dynamic(&fx.decoded[i].raw).is_unit() as usize;
    let to_dyn_facts = |i: usize| ScriptEngine::to_dynamic(fx.facts(i)).is_unit() as usize;
    let to_dyn_items = |i: usize| {
        fx.values[i]["wastes"].as_array().map_or(0, |items| {
            items
                .iter()
                .filter(|item| ScriptEngine::to_dynamic(item).is_unit())
                .count()
        })
    };
    let base_parse = |i: usize| {
        serde_json::from_str::<BManifest<'_>>(&fx.texts[i]).map_or(0, |m| m.wastes.len())
    };
    let [t_serde, t_tracked, t_decode, t_facts] =
        time_all([&serde_value, &tracked, &decode, &facts]);
    let [t_full, t_none] = time_all([&full, &none]);
    let [t_dyn_items] = time_all([&to_dyn_items]);
    let [t_dyn_doc, t_dyn_facts, t_base_parse] =
        time_all([&to_dyn_doc, &to_dyn_facts, &base_parse]);

    // Each manifest rule alone, on pre-decoded documents.
    let per_rule: Vec<(&RuleInfo, f64)> = fx
        .manifest_rules
        .iter()
        .map(|rule| {
            let alone = |i: usize| run_chain(fx, &rule.alone, i);
            (rule, time_diff(ITERS / 4, &alone, &none))
        })
        .collect();
    let t_scripts = if fx.script_rules.is_empty() {
        None
    } else {
        let scripts = |i: usize| run_chain(fx, &fx.scripts_only, i);
        Some(time_diff(ITERS, &scripts, &none))
    };

    let line = "=".repeat(96);
    println!("\n{line}");
    println!(
        "wastecheck check benchmark — summary (medians of {RUNS} runs × {ITERS} checks, one thread = one core)"
    );
    println!("{line}");
    println!(
        "documents : {N} generated manifests, mean {mean_bytes:.0} bytes of JSON, mean {mean_lines:.2} waste lines"
    );
    println!(
        "facts     : {} sets (one per consignor: parties, licences, permit, policies, sites, receipts, plans), mean {mean_facts:.0} bytes",
        fx.facts.len()
    );
    println!(
        "chain     : {} — {} rules, {} of them for confirmed manifests ({} native, {} rhai)",
        fx.chain
            .packs
            .iter()
            .map(|p| format!("{}@{}", p.id, p.version))
            .collect::<Vec<_>>()
            .join(" → "),
        fx.chain.rules.len(),
        fx.manifest_rules.len(),
        fx.manifest_rules.len() - fx.script_rules.len(),
        fx.script_rules.len()
    );
    println!("allocator : {allocator}, for the engine and the baseline alike");
    println!(
        "baseline  : hand-written Rust for {} rules: {:?}",
        fx.like_rules.len(),
        fx.like_rules
    );
    println!();
    println!("                                               per check   checks/s/core");
    println!(
        "engine   check_str, whole chain ({:2} rules)   {}  {}   (target ≥ 50,000)",
        fx.manifest_rules.len(),
        us(t_str),
        per_second(t_str)
    );
    println!(
        "engine   check_str, facts decoded per check  {}  {}",
        us(t_str_raw_facts),
        per_second(t_str_raw_facts)
    );
    println!(
        "engine   check_value, whole chain (parsed)   {}  {}",
        us(t_value),
        per_second(t_value)
    );
    println!(
        "engine   check_str, the baseline's {} rules    {}  {}",
        fx.like_rules.len(),
        us(t_like),
        per_second(t_like)
    );
    println!(
        "baseline hand-written, the same {} rules      {}  {}",
        fx.like_rules.len(),
        us(t_base),
        per_second(t_base)
    );
    println!(
        "RATIO engine/baseline, like for like        {:8.2}                (target ≤ 3)",
        t_like / t_base
    );
    if !fx.missing.is_empty() {
        println!(
            "  (whole chain / baseline = {:.2}, NOT like for like: the baseline lacks {} rules)",
            t_str / t_base,
            fx.missing.len()
        );
    }
    match t_scripts {
        Some(t) => println!(
            "RHAI tier: {} per script rule as the chain runs them here (all {} together: {}; a rule's `when` guard decides whether its script starts)",
            us(t / fx.script_rules.len() as f64).trim(),
            fx.script_rules.len(),
            us(t).trim()
        ),
        None => println!("RHAI tier: the chain has no script rules for manifests"),
    }
    if t_scripts.is_some() {
        println!(
            "  a check where a script starts also converts the document once ({}); the facts are converted once per facts set ({})",
            us(t_dyn_doc).trim(),
            us(t_dyn_facts).trim()
        );
    }
    println!();
    println!(
        "breakdown of engine check_str, whole chain (µs per check; parts timed apart, ±2 µs):"
    );
    println!(
        "  A. fixed cost: check_str with a chain of no rules            {}",
        us(t_bare_str)
    );
    println!(
        "     JSON text → Json, wastecheck::json::parse (dup keys)      {}",
        us(t_tracked)
    );
    println!(
        "       (plain serde_json::from_str::<Value>, for comparison    {})",
        us(t_serde)
    );
    println!(
        "     decode_json_document (typed model + structural checks)    {}",
        us(t_decode)
    );
    println!(
        "     (decode_facts, {mean_facts:.0} bytes: done once per facts set    {})",
        us(t_facts)
    );
    println!(
        "     the rest (kind, legal date, chain selection, report)      {}",
        us(t_bare_str - t_tracked - t_decode)
    );
    println!(
        "  B. the rules: check_str(whole chain) − check_str(no rules)   {}",
        us(t_str - t_bare_str)
    );
    println!(
        "     chain.run, whole chain, on pre-decoded documents          {}",
        us(t_full)
    );
    println!(
        "       of which the chain's own cost with no rules             {}",
        us(t_none)
    );
    println!(
        "     rhai inputs: once per check the document {}; per `each` rule the lines {}; once per facts set the facts {}",
        us(t_dyn_doc).trim(),
        us(t_dyn_items).trim(),
        us(t_dyn_facts).trim()
    );
    println!(
        "     each rule alone (chain.run, pre-decoded; a script's input conversion included when it runs):"
    );
    let mut sorted: Vec<&(&RuleInfo, f64)> = per_rule.iter().collect();
    sorted.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (rule, t) in sorted {
        let tier = if rule.script { "rhai  " } else { "native" };
        let base = if BASELINE_RULES.contains(&rule.id.as_str()) {
            ""
        } else {
            "  (not in baseline)"
        };
        println!("       {tier} {:<42} {}{base}", rule.id, us(*t));
    }
    println!(
        "  (check_value, from parsed JSON: {} whole chain, {} no rules)",
        us(t_value).trim(),
        us(t_bare_value).trim()
    );
    println!(
        "baseline: typed serde parse alone {}, the rest (facts + checks) {}",
        us(t_base_parse).trim(),
        us(t_base - t_base_parse).trim()
    );
    let mean = |script: Option<bool>| {
        let ts: Vec<f64> = per_rule
            .iter()
            .filter(|(r, _)| script.is_none_or(|s| r.script == s))
            .map(|(_, t)| *t)
            .collect();
        (!ts.is_empty()).then(|| ts.iter().sum::<f64>() / ts.len() as f64)
    };
    for (label, m) in [
        ("native rule", mean(Some(false))),
        ("rule of today's mix", mean(None)),
    ] {
        if let Some(m) = m {
            let projected = t_bare_str + 50.0 * m;
            println!(
                "projection (NOT a measurement): fixed {} + 50 × mean {label} {} = {} → {} checks/s/core",
                us(t_bare_str).trim(),
                us(m).trim(),
                us(projected).trim(),
                per_second(projected).trim()
            );
        }
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average at the end: {} (other work on the machine inflates every figure)",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!("{line}");
}

/// `--count N`: N whole-chain checks (`engine/check_str`) and nothing else, then
/// exit — for `valgrind --tool=callgrind`, whose instruction counts do not depend on
/// what else the shared machine is doing.
fn count_mode(args: &[String]) -> Option<usize> {
    let at = args.iter().position(|a| a == "--count")?;
    let n = args.get(at + 1).and_then(|n| n.parse().ok());
    Some(n.unwrap_or_else(|| panic!("--count takes a number of checks")))
}

// The entry point when this file is the bench itself, not a module of another.
#[allow(dead_code)]
fn main() {
    run("the system allocator");
}

/// Runs the benchmark; `allocator` names the global allocator for the summary.
pub fn run(allocator: &str) {
    let args: Vec<String> = std::env::args().collect();
    if let Some(count) = count_mode(&args) {
        let fx = fixture();
        let violations: usize = (0..count)
            .map(|i| fx.check_str(fx.checker, black_box(i % N)).violations.len())
            .sum();
        println!("{count} checks, {violations} violations");
        return;
    }
    let fx = fixture();
    let mean_bytes = fx.texts.iter().map(String::len).sum::<usize>() as f64 / N as f64;
    println!("generated {N} manifests, mean document size {mean_bytes:.0} bytes");
    verify(fx);

    let mut criterion = Criterion::default().configure_from_args();
    engine(&mut criterion);
    baseline(&mut criterion);
    rhai(&mut criterion);
    criterion.final_summary();

    // `cargo bench` passes `--bench`; `cargo test --benches` does not, and then
    // criterion runs each benchmark once: a test that the engine and the baseline
    // still agree, without the timed summary.
    // `--profile-time N` (for a profiler) runs the benchmarks alone.
    if args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--profile-time") {
        summary(allocator);
    }
}

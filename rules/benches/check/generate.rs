//! The generator: realistic Shaoxing transfer manifests with the usual mistakes, and
//! the facts a host holds about each consignor's manifests.

use super::dates::{civil_from_days, days_from_civil, ymd};
use serde_json::{Value, json};
use wastecheck::Catalogue;
use wastecheck::model::{CreditCode, Decimal, WasteCode};

/// xorshift64*.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub(super) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    pub(super) fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

pub(super) const CREDIT_CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

pub(super) struct Party {
    pub(super) name: &'static str,
    pub(super) region: &'static str,
    pub(super) address: &'static str,
    pub(super) credit_code: String,
    pub(super) site: String,
    /// The catalogue entries (indices) the enterprise produces and plans to transfer.
    pub(super) repertoire: Vec<usize>,
}

pub(super) const CARRIER: &str = "91330602MA2BQ81HXG";
pub(super) const RECEIVER: &str = "91330604MA2JL6C3X2";
pub(super) const RECEIVER_LICENCE: &str = "浙危废经第3306040012号";
/// Methods (HJ 1033) in the receiver's category scope.
pub(super) const LICENSED_METHODS: &[&str] = &["D10", "D9", "R4", "R15", "C1"];
/// Categories the receiver's licence leaves out (medical, PCBs, explosives,
/// mercury, asbestos); two codes of HW29 are licensed by code, for D10 only.
pub(super) const UNLICENSED_CATEGORIES: &[&str] = &["HW01", "HW10", "HW15", "HW29", "HW36"];

pub(super) fn consignors(rng: &mut Rng, catalogue: &Catalogue) -> Vec<Party> {
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
pub(super) fn short_name(description: &str) -> String {
    description.chars().take(16).collect()
}

pub(super) fn waste_line(rng: &mut Rng, catalogue: &Catalogue, consignor: &Party) -> Value {
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
pub(super) fn at(day: i64, minutes: i64) -> String {
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
pub(super) const CONSIGNOR_SITE: (f64, f64) = (30.1552, 120.6231);
pub(super) const RECEIVER_SITE: (f64, f64) = (30.1187, 120.8452);

/// The GPS track and the electronic waybill of a manifest's trip, as a host holds
/// them: mostly what the manifest says; now and then another vehicle on the
/// waybill, or a track that starts far from the consignor's site.
pub(super) fn trip(
    rng: &mut Rng,
    manifest: &Value,
    day: i64,
    leave: i64,
    arrive: i64,
) -> (Value, Value) {
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
pub(super) fn manifest(
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
pub(super) fn facts(catalogue: &Catalogue, consignor: &Party) -> Value {
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

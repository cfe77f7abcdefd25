//! What the fuzz targets share: the repository's example documents, plausible
//! values for structured inputs (field names, codes, dates, regions from the
//! model), and the pack-folder text form of the `pack_sources` target.

use arbitrary::{Arbitrary, Result, Unstructured};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::OnceLock;
use wastecheck::pack::bundle::PackFiles;

/// The example documents of `spec/examples` (the `document` target's bases).
pub const DOCUMENTS: &[&str] = &[
    include_str!("../../spec/examples/manifest.valid.json"),
    include_str!("../../spec/examples/manifest.mistakes.json"),
    include_str!("../../spec/examples/declaration.valid.json"),
    include_str!("../../spec/examples/declaration.mistakes.json"),
    include_str!("../../spec/examples/plan.valid.json"),
    include_str!("../../spec/examples/plan.mistakes.json"),
    include_str!("../../spec/examples/ledger.valid.json"),
    include_str!("../../spec/examples/ledger.mistakes.json"),
    include_str!("../../spec/examples/storage.valid.json"),
    include_str!("../../spec/examples/storage.mistakes.json"),
    include_str!("../../spec/examples/district_report.valid.json"),
    include_str!("../../spec/examples/district_report.mistakes.json"),
];

/// The example facts.
pub const FACTS: &str = include_str!("../../spec/examples/facts.example.json");

/// Every property name of the document and facts schemas (`spec/schemas`).
pub const FIELDS: &[&str] = &[
    "address",
    "admission",
    "alkyl_mercury_detected",
    "amount",
    "analysis",
    "annual_output",
    "annual_outputs",
    "approval",
    "approval_number",
    "approvals",
    "arsenic_mg_l",
    "arsenic_pct",
    "as_of",
    "barium_mg_l",
    "batch_code",
    "beryllium_mg_l",
    "cadmium_mg_l",
    "capacity",
    "capacity_t",
    "carrier",
    "categories",
    "category",
    "closing_stock",
    "coal_gangue",
    "code",
    "codes",
    "completed_at",
    "confirmed_at",
    "consignor",
    "container_code",
    "containment_volume_m3",
    "contract_number",
    "contract_pollution_terms",
    "contractor",
    "contractor_checked",
    "copper_mg_l",
    "count",
    "created_at",
    "credit_code",
    "cross_province_approval",
    "cyanide_mg_l",
    "date",
    "declared_at",
    "declared_on",
    "description",
    "designated_key",
    "destination",
    "directed_utilisations",
    "dispatched_at",
    "disposed",
    "disposed_on_site",
    "driver",
    "entered_at",
    "enterprise",
    "enterprises",
    "entries",
    "evidence",
    "exemption",
    "expected_quantity",
    "expected_year_end_stock",
    "facilities",
    "facility_code",
    "facility_type",
    "filed_at",
    "filed_on",
    "filing_number",
    "form",
    "general",
    "general_changes",
    "general_ledger",
    "general_transfers",
    "handler",
    "hazardous",
    "hazards",
    "hexavalent_chromium_mg_l",
    "holder",
    "id",
    "identification_report",
    "ignitable",
    "industry",
    "inorganic_fluoride_mg_l",
    "insurance_policies",
    "insurer",
    "item",
    "key_supervised",
    "kind",
    "labelled",
    "largest_container_m3",
    "lat",
    "leachate_hjt299",
    "leachate_hjt300",
    "leachate_ph",
    "leaching_class",
    "lead_mg_l",
    "licence_number",
    "licences",
    "licensed",
    "liquid",
    "lon",
    "lots",
    "manifest_number",
    "manifests",
    "medical",
    "mercury_mg_l",
    "method",
    "methods",
    "moisture_pct",
    "name",
    "nickel_mg_l",
    "number",
    "occurred_on",
    "opening_stock",
    "organic_matter_pct",
    "own_facilities",
    "own_treatment",
    "packaging",
    "paid_on",
    "paper_fallback",
    "payee_credit_code",
    "payee_name",
    "payments",
    "period",
    "period_number",
    "permit_number",
    "plans",
    "points",
    "produced",
    "produces_general",
    "production",
    "purpose",
    "qualification_number",
    "quantity",
    "reactive",
    "reason",
    "receipts",
    "received_at",
    "received_quantity",
    "receiver",
    "receiver_credit_code",
    "receiver_licence_number",
    "receiver_name",
    "reference_output",
    "region",
    "renewal_applied_on",
    "reporting_frequency",
    "scope",
    "selenium_mg_l",
    "separate_cell",
    "signs",
    "similar_to_domestic",
    "site_id",
    "site_type",
    "sites",
    "small_micro_collection",
    "source_batch_code",
    "stage",
    "storage",
    "stored",
    "stored_at",
    "sum_insured",
    "t",
    "time",
    "total_chromium_mg_l",
    "track_id",
    "tracks",
    "transfer_plans",
    "transfer_type",
    "transferred",
    "transfers",
    "transport_permits",
    "type",
    "unit",
    "unit_class",
    "utilised",
    "utilised_on_site",
    "valid_from",
    "valid_until",
    "value",
    "vehicle_licence",
    "vehicle_plate",
    "vehicles",
    "volume_m3",
    "wastes",
    "water_soluble_salt_pct",
    "waybill_number",
    "waybills",
    "year",
    "zinc_mg_l",
    "zone_code",
    "zones",
];

/// Every enumerated string of the schemas (kinds, stages, units, forms, hazards…).
pub const WORDS: &[&str] = &[
    "C",
    "I",
    "II",
    "In",
    "R",
    "T",
    "all",
    "collection",
    "comprehensive",
    "confirmed",
    "cross_province",
    "declaration",
    "disposal",
    "district_report",
    "domestic_incinerator",
    "domestic_landfill",
    "draft",
    "entrusted",
    "export",
    "flexible_landfill",
    "gas",
    "general_class_i",
    "general_class_ii",
    "in_province",
    "in_transit",
    "incineration",
    "key",
    "kg",
    "ledger",
    "liquid",
    "manifest",
    "month",
    "monthly",
    "other",
    "own_treatment",
    "plan",
    "point",
    "pool",
    "production",
    "quarter",
    "quarterly",
    "received",
    "registration",
    "rigid_landfill",
    "semi_solid",
    "simplified",
    "solid",
    "storage",
    "storage_in",
    "storage_out",
    "submitted",
    "t",
    "tank_farm",
    "transport",
    "utilisation",
    "warehouse",
    "yard",
    "year",
    "yearly",
];

/// Region codes of the examples and the packs' jurisdictions.
pub const REGIONS: &[&str] = &[
    "000000", "330000", "330100", "330106", "330600", "330602", "330603", "330604", "330681",
    "320000", "320500", "320505", "110000", "440300",
];

/// Waste codes of the examples and fixtures (listed, unlisted and malformed).
pub const CODES: &[&str] = &[
    "900-041-49",
    "900-039-49",
    "900-000-49",
    "900-014-49",
    "900-249-08",
    "900-214-08",
    "900-252-12",
    "900-300-34",
    "900-349-34",
    "900-351-35",
    "900-402-06",
    "900-404-06",
    "900-451-13",
    "193-002-21",
    "261-084-45",
    "264-012-12",
    "271-001-02",
    "321-022-48",
    "336-064-17",
    "772-002-18",
    "772-003-18",
    "841-001-01",
    "900-013-11",
    "900-123-49",
    "SW01",
    "SW59",
    "HW49",
    "HW08",
];

/// Unified social credit codes of the examples (the facts' enterprises).
pub const CREDIT_CODES: &[&str] = &[
    "91330603MA2D7K4P5W",
    "91330602MA2BQ81HXG",
    "91330604MA2JL6C3X2",
    "91330603MA2D7K4P5X",
];

/// A scalar JSON value of a plausible kind.
#[derive(Debug, Arbitrary)]
pub enum Scalar {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A small integer.
    Small(i8),
    /// Any integer.
    Int(i64),
    /// A decimal number (`2.35`).
    Number(u32, u16),
    /// A decimal string of the model's quantities (`"2.350"`).
    Decimal(u32, u16, u8),
    /// Any text.
    Text(String),
    /// An enumerated word of the schemas.
    Word(u8),
    /// A field name as a value.
    Field(u8),
    /// `YYYY-MM-DD`.
    Date(PlausibleDate),
    /// An RFC 3339 date-time.
    DateTime(PlausibleDate, u8, u8, i8),
    /// A region code.
    Region(u8),
    /// Six digits.
    Digits(u32),
    /// A waste code of the examples.
    Code(u8),
    /// A waste code built from parts (`ddd-ddd-dd`).
    CodeParts(u16, u16, u8),
    /// A credit code of the examples.
    Credit(u8),
}

/// A date around the packs' years (2000–2031), now and then any year.
#[derive(Debug, Arbitrary)]
pub struct PlausibleDate {
    year: u8,
    month: u8,
    day: u8,
    wild: Option<i16>,
}

impl PlausibleDate {
    /// `YYYY-MM-DD` (not always a real date).
    pub fn text(&self) -> String {
        let year = match self.wild {
            Some(y) => i32::from(y),
            None => 2000 + i32::from(self.year % 32),
        };
        format!(
            "{year:04}-{:02}-{:02}",
            1 + self.month % 13,
            1 + self.day % 32
        )
    }
}

fn pick(list: &[&str], i: u8) -> String {
    list[usize::from(i) % list.len()].to_owned()
}

impl Scalar {
    /// The JSON value.
    pub fn value(&self) -> Value {
        match self {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Small(n) => Value::from(*n),
            Scalar::Int(n) => Value::from(*n),
            Scalar::Number(int, frac) => {
                serde_json::from_str(&format!("{int}.{frac}")).unwrap_or(Value::Null)
            }
            Scalar::Decimal(int, frac, scale) => {
                let scale = usize::from(scale % 5);
                let frac = format!("{frac:05}");
                if scale == 0 {
                    Value::from(int.to_string())
                } else {
                    Value::from(format!("{int}.{}", &frac[..scale]))
                }
            }
            Scalar::Text(s) => Value::from(s.clone()),
            Scalar::Word(i) => Value::from(pick(WORDS, *i)),
            Scalar::Field(i) => Value::from(pick(FIELDS, *i)),
            Scalar::Date(d) => Value::from(d.text()),
            Scalar::DateTime(d, h, m, zone) => Value::from(format!(
                "{}T{:02}:{:02}:00{:+03}:00",
                d.text(),
                h % 25,
                m % 61,
                zone % 15
            )),
            Scalar::Region(i) => Value::from(pick(REGIONS, *i)),
            Scalar::Digits(n) => Value::from(format!("{:06}", n % 1_000_000)),
            Scalar::Code(i) => Value::from(pick(CODES, *i)),
            Scalar::CodeParts(a, b, c) => {
                Value::from(format!("{:03}-{:03}-{:02}", a % 1000, b % 1000, c % 100))
            }
            Scalar::Credit(i) => Value::from(pick(CREDIT_CODES, *i)),
        }
    }
}

/// A value: a scalar, or a shallow object or array of them (deeper shapes come
/// from edits at deeper paths).
#[derive(Debug, Arbitrary)]
pub enum Shape {
    /// A scalar.
    Scalar(Scalar),
    /// An object of model fields.
    Object(Vec<(u8, Scalar)>),
    /// An array of scalars.
    Array(Vec<Scalar>),
    /// An array of objects of model fields (waste lines, licences…).
    Objects(Vec<Vec<(u8, Scalar)>>),
    /// A quantity `{value, unit}`.
    Quantity(Scalar, bool),
}

fn object(fields: &[(u8, Scalar)]) -> Value {
    let mut map = Map::new();
    for (name, value) in fields {
        map.insert(pick(FIELDS, *name), value.value());
    }
    Value::Object(map)
}

impl Shape {
    /// The JSON value.
    pub fn value(&self) -> Value {
        match self {
            Shape::Scalar(s) => s.value(),
            Shape::Object(fields) => object(fields),
            Shape::Array(items) => Value::Array(items.iter().map(Scalar::value).collect()),
            Shape::Objects(items) => Value::Array(items.iter().map(|f| object(f)).collect()),
            Shape::Quantity(value, kg) => serde_json::json!({
                "value": value.value(),
                "unit": if *kg { "kg" } else { "t" },
            }),
        }
    }
}

/// One step of a path into a document.
#[derive(Debug, Arbitrary)]
pub enum Step {
    /// A model field.
    Field(u8),
    /// Any key.
    Key(String),
    /// An array index (taken modulo the length plus one: one past the end appends).
    Index(u8),
}

/// An edit of a JSON value: set the value at a path (making the objects and arrays
/// on the way), or remove what is there.
#[derive(Debug, Arbitrary)]
pub struct Edit {
    /// Where.
    pub path: Vec<Step>,
    /// What to put there; `None` removes it.
    pub value: Option<Shape>,
}

impl Edit {
    /// Applies the edit to `root`.
    pub fn apply(&self, root: &mut Value) {
        let Some((last, steps)) = self.path.split_last() else {
            if let Some(value) = &self.value {
                *root = value.value();
            }
            return;
        };
        let mut here = root;
        for step in steps {
            here = match step {
                Step::Field(_) | Step::Key(_) => {
                    let key = key_of(step);
                    if !here.is_object() {
                        *here = Value::Object(Map::new());
                    }
                    let Value::Object(map) = here else { return };
                    map.entry(key).or_insert(Value::Null)
                }
                Step::Index(i) => {
                    if !here.is_array() {
                        *here = Value::Array(Vec::new());
                    }
                    let Value::Array(items) = here else { return };
                    let i = usize::from(*i) % (items.len() + 1);
                    if i == items.len() {
                        items.push(Value::Null);
                    }
                    &mut items[i]
                }
            };
        }
        match (last, &self.value, here) {
            (Step::Index(i), value, Value::Array(items)) => {
                let i = usize::from(*i) % (items.len() + 1);
                match value {
                    Some(v) if i == items.len() => items.push(v.value()),
                    Some(v) => items[i] = v.value(),
                    None if i < items.len() => {
                        items.remove(i);
                    }
                    None => {}
                }
            }
            (Step::Index(_), Some(v), here) => *here = Value::Array(vec![v.value()]),
            (step, Some(v), Value::Object(map)) => {
                map.insert(key_of(step), v.value());
            }
            (step, None, Value::Object(map)) => {
                map.remove(&key_of(step));
            }
            (step, Some(v), here) => {
                let mut map = Map::new();
                map.insert(key_of(step), v.value());
                *here = Value::Object(map);
            }
            (_, None, _) => {}
        }
    }
}

fn key_of(step: &Step) -> String {
    match step {
        Step::Field(i) => pick(FIELDS, *i),
        Step::Key(k) => k.clone(),
        Step::Index(i) => i.to_string(),
    }
}

/// The examples, parsed once.
fn parsed() -> &'static (Vec<Value>, Value) {
    static PARSED: OnceLock<(Vec<Value>, Value)> = OnceLock::new();
    PARSED.get_or_init(|| {
        let json = |text: &str| serde_json::from_str(text).unwrap_or(Value::Null);
        (DOCUMENTS.iter().map(|t| json(t)).collect(), json(FACTS))
    })
}

/// A document (and facts) made from the examples by edits, so that the fuzzer
/// reaches the rules rather than the schema's first refusal.
#[derive(Debug)]
pub struct Plausible {
    /// The document.
    pub document: Value,
    /// The facts, if any.
    pub facts: Option<Value>,
    /// A legal date to check at instead of the document's.
    pub as_of: Option<String>,
    /// English messages instead of Chinese.
    pub english: bool,
}

impl Plausible {
    /// The options it is checked with: its locale and as-of date.
    pub fn options(&self) -> wastecheck::CheckOptions {
        wastecheck::CheckOptions {
            locale: if self.english {
                wastecheck::Locale::En
            } else {
                wastecheck::Locale::ZhCn
            },
            as_of: self.as_of.as_deref().and_then(|d| d.parse().ok()),
            ..wastecheck::CheckOptions::default()
        }
    }
}

impl<'a> Arbitrary<'a> for Plausible {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let (documents, example_facts) = parsed();
        let base = usize::from(u8::arbitrary(u)?);
        let mut document = match documents.get(base % (documents.len() + 1)) {
            Some(document) => document.clone(),
            None => serde_json::json!({ "kind": pick(WORDS, u8::arbitrary(u)?) }),
        };
        let mut facts = match u8::arbitrary(u)? % 4 {
            0 => None,
            1 => Some(Value::Object(Map::new())),
            _ => Some(example_facts.clone()),
        };
        let as_of = Option::<PlausibleDate>::arbitrary(u)?.map(|d| d.text());
        let english = bool::arbitrary(u)?;
        // Edits of the facts first, then of the document until the input ends.
        for _ in 0..u8::arbitrary(u)? % 4 {
            let edit = Edit::arbitrary(u)?;
            if let Some(facts) = &mut facts {
                edit.apply(facts);
            }
        }
        for edit in u.arbitrary_iter::<Edit>()? {
            edit?.apply(&mut document);
        }
        Ok(Plausible {
            document,
            facts,
            as_of,
            english,
        })
    }
}

/// A pack folder as text: an optional first line `pack NAME` (default `cn`), then
/// each file after a line `=== PATH` (`pack.toml`, `DIR/rule.toml`,
/// `DIR/check.rhai`, …). The `pack_sources` target's input, readable and easy to
/// mutate; `./x fuzz` writes the built-in packs in this form as its seeds.
pub fn pack_from_text(text: &str) -> PackFiles {
    let mut name = "cn".to_owned();
    let mut files = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end_matches(['\n', '\r']);
        if i == 0
            && let Some(n) = bare.strip_prefix("pack ")
        {
            name = n.to_owned();
        } else if let Some(path) = bare.strip_prefix("=== ") {
            if let Some((path, text)) = current.take() {
                files.insert(path, text);
            }
            current = Some((path.to_owned(), String::new()));
        } else if let Some((_, text)) = &mut current {
            text.push_str(line);
        }
    }
    if let Some((path, text)) = current {
        files.insert(path, text);
    }
    PackFiles { name, files }
}

/// The reverse of [`pack_from_text`] (for writing seeds).
pub fn pack_to_text(pack: &PackFiles) -> String {
    let mut out = format!("pack {}\n", pack.name);
    for (path, text) in &pack.files {
        out.push_str("=== ");
        out.push_str(path);
        out.push('\n');
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

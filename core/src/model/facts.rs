//! Facts: the reference records a host already holds (enterprises, licences,
//! permits, policies, approvals, tracks, waybills, sites), passed with a document.
//! The core never fetches them: what is not passed is not known.

use super::field::{Decode, Decoder};
use super::problem::{JsonType, Problem};
use super::{
    Amount, Category, CreditCode, Date, DateTime, List, ManifestNumber, Quantity, RegionCode, Text,
    VehiclePlate, WasteCode, Year,
};
use crate::json::Json;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Serialize;
use std::borrow::Cow;

crate::model::record! {
    /// Everything the host knows that a check may need.
    pub struct Facts {
        /// Enterprises.
        enterprises: List<EnterpriseFact>,
        /// 危险废物经营许可证.
        licences: List<Licence>,
        /// Dangerous-goods road transport permits.
        transport_permits: List<TransportPermit>,
        /// 环境污染责任保险 policies.
        insurance_policies: List<InsurancePolicy>,
        /// Cross-province transfer approvals.
        approvals: List<Approval>,
        /// Vehicle GPS tracks.
        tracks: List<Track>,
        /// Electronic waybills (电子运单).
        waybills: List<Waybill>,
        /// Sites with coordinates.
        sites: List<Site>,
        /// Quantities a receiver has accepted so far in a year.
        receipts: List<Receipts>,
        /// Management plans on file (a consignor's plan for the year).
        plans: List<super::Plan>,
        /// Manifests on file (those a declaration lists).
        manifests: List<super::Manifest>,
        /// Annual plans for moving hazardous waste out of the province (浙江).
        transfer_plans: List<TransferPlan>,
        /// “点对点” directed utilisation approvals (豁免管理清单 item 32).
        directed_utilisations: List<DirectedUtilisation>,
    }
}

crate::model::record! {
    /// An enterprise the host knows.
    pub struct EnterpriseFact {
        /// 统一社会信用代码.
        credit_code: CreditCode,
        /// Registered name.
        name: Text,
        /// Region (GB/T 2260).
        region: RegionCode,
        /// Whether it is a 危险废物环境重点监管单位.
        key_supervised: bool,
        /// Industry (GB/T 4754) code.
        industry: Text,
        /// Hazardous waste produced in its last full year.
        annual_output: Quantity,
        /// Whether it produces general industrial solid waste.
        produces_general: bool,
    }
}

crate::model::closed_enum! {
    /// Licence types (许可证办法 Art.3).
    pub enum LicenceKind {
        /// 综合经营许可证: collection, storage, utilisation, disposal.
        Comprehensive = "comprehensive",
        /// 收集经营许可证: collection only, limited scope.
        Collection = "collection",
    }
}

crate::model::record! {
    /// A 危险废物经营许可证.
    pub struct Licence {
        /// Certificate number.
        number: Text,
        /// 统一社会信用代码 of the holder.
        holder: CreditCode,
        /// Comprehensive or collection.
        kind: LicenceKind,
        /// What it covers.
        scope: List<LicenceScope>,
        /// First day of validity.
        valid_from: Date,
        /// Last day of validity.
        valid_until: Date,
        /// When renewal was applied for.
        renewal_applied_on: Date,
    }
}

crate::model::record! {
    /// One line of a licence's scope.
    pub struct LicenceScope {
        /// Waste codes covered.
        codes: List<WasteCode>,
        /// Whole categories covered.
        categories: List<Category>,
        /// 经营方式 / methods (HJ 1033 codes) covered.
        methods: List<Text>,
        /// 年经营规模, tonnes a year.
        capacity_t: Amount,
    }
}

crate::model::record! {
    /// A dangerous-goods road transport permit.
    pub struct TransportPermit {
        /// Permit number.
        number: Text,
        /// 统一社会信用代码 of the holder.
        holder: CreditCode,
        /// Vehicles on the permit.
        vehicles: List<VehiclePlate>,
        /// First day of validity.
        valid_from: Date,
        /// Last day of validity.
        valid_until: Date,
    }
}

crate::model::record! {
    /// An environmental pollution liability insurance policy.
    pub struct InsurancePolicy {
        /// Policy number.
        number: Text,
        /// 统一社会信用代码 of the insured.
        holder: CreditCode,
        /// Insurer's name.
        insurer: Text,
        /// Sum insured, yuan.
        sum_insured: Amount,
        /// First day of cover.
        valid_from: Date,
        /// Last day of cover.
        valid_until: Date,
    }
}

crate::model::record! {
    /// A cross-province transfer approval (转移办法 Art.27).
    pub struct Approval {
        /// Approval number.
        number: Text,
        /// 统一社会信用代码 of the consignor.
        consignor: CreditCode,
        /// 统一社会信用代码 of the receiver.
        receiver: CreditCode,
        /// Waste codes approved.
        codes: List<WasteCode>,
        /// Quantity approved.
        quantity: Quantity,
        /// Method approved.
        method: Text,
        /// First day of validity.
        valid_from: Date,
        /// Last day of validity.
        valid_until: Date,
    }
}

crate::model::record! {
    /// An annual plan for moving hazardous waste out of the province, filed with
    /// the provincial authority (浙江省固体废物污染环境防治条例 2017 第三十二条).
    pub struct TransferPlan {
        /// Plan or filing number.
        number: Text,
        /// 统一社会信用代码 of the consignor.
        consignor: CreditCode,
        /// The year the plan is for.
        year: Year,
        /// When it was filed.
        filed_on: Date,
        /// Waste codes planned.
        codes: List<WasteCode>,
        /// Quantity planned for the year.
        quantity: Quantity,
        /// Quantity already moved out under it this year.
        transferred: Quantity,
    }
}

crate::model::record! {
    /// A “点对点” directed utilisation approval (名录2021 豁免管理清单 item 32): the
    /// plan, set by the provincial environment authority, under which one unit's
    /// hazardous waste is used by another as a substitute raw material for
    /// environmental treatment or industrial production; the utilisation is then not
    /// managed as hazardous waste.
    pub struct DirectedUtilisation {
        /// Approval or plan number.
        number: Text,
        /// 统一社会信用代码 of the unit producing the waste.
        consignor: CreditCode,
        /// 统一社会信用代码 of the unit using it.
        receiver: CreditCode,
        /// Waste codes covered.
        codes: List<WasteCode>,
        /// First day of validity.
        valid_from: Date,
        /// Last day of validity.
        valid_until: Date,
    }
}

crate::model::record! {
    /// A vehicle's GPS track.
    pub struct Track {
        /// Track identifier (as on the manifest's `track_id`).
        id: Text,
        /// Plate of the vehicle tracked.
        vehicle_plate: VehiclePlate,
        /// The points, in time order.
        points: List<TrackPoint>,
    }
}

crate::model::record! {
    /// One GPS fix.
    pub struct TrackPoint {
        /// Time of the fix.
        t: DateTime,
        /// Latitude, degrees (WGS 84).
        lat: Latitude,
        /// Longitude, degrees (WGS 84).
        lon: Longitude,
    }
}

crate::model::record! {
    /// An electronic waybill (电子运单) for a dangerous-goods trip.
    pub struct Waybill {
        /// Waybill number.
        number: Text,
        /// The manifest it covers.
        manifest_number: ManifestNumber,
        /// Vehicle.
        vehicle_plate: VehiclePlate,
        /// Date of the trip.
        date: Date,
        /// Quantity carried.
        quantity: Quantity,
    }
}

crate::model::record! {
    /// A site with its location.
    pub struct Site {
        /// Site identifier.
        id: Text,
        /// 统一社会信用代码 of the enterprise at the site.
        holder: CreditCode,
        /// Name.
        name: Text,
        /// Latitude, degrees (WGS 84).
        lat: Latitude,
        /// Longitude, degrees (WGS 84).
        lon: Longitude,
    }
}

crate::model::record! {
    /// What a receiver has accepted so far in a year.
    pub struct Receipts {
        /// 统一社会信用代码 of the receiver.
        receiver: CreditCode,
        /// The year.
        year: Year,
        /// Quantity accepted so far.
        quantity: Quantity,
    }
}

macro_rules! coordinate {
    ($name:ident, $limit:literal, $what:literal) => {
        #[doc = concat!($what, " in degrees, WGS 84.")]
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub f64);

        impl Decode for $name {
            fn decode(value: &Json<'_>, _: &mut Decoder<'_>) -> Result<Self, Problem> {
                match value.as_number().and_then(serde_json::Number::as_f64) {
                    Some(degrees) if (-$limit..=$limit).contains(&degrees) => Ok($name(degrees)),
                    Some(degrees) => Err(Problem::OutOfRange {
                        value: degrees.to_string(),
                        min: (-$limit).to_string(),
                        max: $limit.to_string(),
                    }),
                    None => Err(Problem::WrongType {
                        expected: JsonType::Number,
                        found: JsonType::of(value),
                    }),
                }
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "number",
                    "description": concat!($what, " in degrees, WGS 84."),
                    "minimum": -$limit,
                    "maximum": $limit
                })
            }
        }
    };
}

coordinate!(Latitude, 90.0, "Latitude");
coordinate!(Longitude, 180.0, "Longitude");

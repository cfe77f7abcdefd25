//! 危险废物转移联单: the transfer manifest (危险废物转移管理办法).

use super::common::{
    Enterprise, KindTag, Packaging, SiteAdmission, SiteType, WasteAnalysis, WasteForm,
};
use crate::model::{
    Amount, Category, Count, CreditCode, Date, DateTime, Hazard, List, ManifestNumber, Quantity,
    RegionCode, Text, VehiclePlate, WasteCode,
};

crate::model::closed_enum! {
    /// Where a manifest is in its life.
    pub enum ManifestStage {
        /// Being filled in by the consignor.
        Draft = "draft",
        /// Submitted in the information system, before dispatch.
        Submitted = "submitted",
        /// Dispatched, on the road.
        InTransit = "in_transit",
        /// Received by the receiver.
        Received = "received",
        /// Receipt confirmed in the information system.
        Confirmed = "confirmed",
    }
}

crate::model::record! {
    /// A transfer manifest.
    pub struct Manifest {
        /// Always `manifest`.
        kind: KindTag,
        /// 联单编号 (Art.15): 14 digits.
        number: ManifestNumber,
        /// Lifecycle stage; what is required depends on it.
        stage: ManifestStage,
        /// When the draft was created (the as-of date before dispatch).
        created_at: DateTime,
        /// 移出人.
        consignor: Enterprise,
        /// 承运人.
        carrier: Carrier,
        /// 接受人.
        receiver: Receiver,
        /// The wastes transferred, one line per waste.
        // Boxed: a line is 368 B, so a list of three was one block over 1,008 B,
        // and glibc sorts every small block freed so far on each such request
        // (`malloc_consolidate`: 2.1k instructions a check, callgrind).
        wastes: List<Box<WasteLine>>,
        /// When the vehicle left the consignor.
        dispatched_at: DateTime,
        /// When the receiver accepted the waste.
        received_at: DateTime,
        /// When the receiver confirmed receipt in the information system.
        confirmed_at: DateTime,
        /// Set when a paper manifest was used because the system was unavailable.
        paper_fallback: PaperFallback,
        /// Number of the cross-province transfer approval, where one is needed.
        cross_province_approval: Text,
        /// Payments made for this transfer.
        payments: List<Payment>,
        /// Identifier of the vehicle's GPS track for this trip.
        track_id: Text,
        /// Electronic waybill (电子运单) number.
        waybill_number: Text,
        /// Set when the waste is collected under a small and micro enterprise
        /// collection scheme (小微企业危险废物收集).
        small_micro_collection: bool,
    }
}

crate::model::record! {
    /// 承运人: the carrier and the vehicle of this trip.
    pub struct Carrier {
        /// 统一社会信用代码.
        credit_code: CreditCode,
        /// Registered name.
        name: Text,
        /// Dangerous-goods road transport permit (道路运输经营许可证) number.
        permit_number: Text,
        /// Plate of the vehicle.
        vehicle_plate: VehiclePlate,
        /// 营运证件号 of the vehicle.
        vehicle_licence: Text,
        /// The driver.
        driver: Driver,
    }
}

crate::model::record! {
    /// A driver of a dangerous-goods vehicle.
    pub struct Driver {
        /// Name.
        name: Text,
        /// Dangerous-goods driver qualification certificate number.
        qualification_number: Text,
    }
}

crate::model::record! {
    /// 接受人: the receiver, which must hold a licence covering the waste.
    pub struct Receiver {
        /// 统一社会信用代码.
        credit_code: CreditCode,
        /// Registered name.
        name: Text,
        /// Region (GB/T 2260) of the receiving facility.
        region: RegionCode,
        /// Address of the receiving facility.
        address: Text,
        /// 危险废物经营许可证 number.
        licence_number: Text,
        /// Identifier of the receiving site.
        site_id: Text,
    }
}

crate::model::record! {
    /// One waste on a manifest.
    pub struct WasteLine {
        /// 废物代码.
        code: WasteCode,
        /// 废物类别, as declared; must agree with the code.
        category: Category,
        /// Name as written by the consignor.
        name: Text,
        /// Declared hazard characteristics.
        hazards: List<Hazard>,
        /// Physical form.
        form: WasteForm,
        /// Containers.
        packaging: Packaging,
        /// Quantity dispatched.
        quantity: Quantity,
        /// Utilisation or disposal method (HJ 1033 code) at the receiver.
        method: Text,
        /// Quantity the receiver accepted.
        received_quantity: Quantity,
        /// The identification report (鉴别报告) of a `900-000-XX` waste (名录 Art.6).
        identification_report: Text,
        /// The kind of site receiving it.
        site_type: SiteType,
        /// Test results deciding where it may go.
        // Boxed: the largest member, and seldom given.
        analysis: Box<WasteAnalysis>,
        /// The receiving site's admission record, where a standard admits the waste
        /// only on conditions (GB 16889-2008 §6.5, §6.7).
        admission: SiteAdmission,
        /// Exemption claimed under the 豁免管理清单, if any.
        exemption: ExemptionClaim,
    }
}

crate::model::closed_enum! {
    /// The 环节 of an exemption (豁免环节).
    pub enum ExemptionStage {
        /// 全部环节.
        All = "all",
        /// 收集.
        Collection = "collection",
        /// 运输.
        Transport = "transport",
        /// 利用.
        Utilisation = "utilisation",
        /// 处置.
        Disposal = "disposal",
        /// 贮存.
        Storage = "storage",
    }
}

crate::model::record! {
    /// A claim that a waste is exempt at a stage under the 豁免管理清单.
    pub struct ExemptionClaim {
        /// 序号 of the exemption list item (1–32 in 2021).
        item: Count,
        /// The 环节 claimed.
        stage: ExemptionStage,
        /// Evidence that the 豁免条件 is met (report number, approval…).
        evidence: Text,
    }
}

crate::model::record! {
    /// A paper manifest used while the electronic system was unavailable (Art.20).
    pub struct PaperFallback {
        /// Why the electronic manifest could not run.
        reason: Text,
        /// When the transfer was completed.
        completed_at: Date,
        /// When the electronic manifest was back-filled.
        entered_at: Date,
    }
}

crate::model::closed_enum! {
    /// What a payment is for.
    pub enum PaymentPurpose {
        /// Utilisation or disposal fees.
        Disposal = "disposal",
        /// Transport fees.
        Transport = "transport",
        /// Anything else.
        Other = "other",
    }
}

crate::model::record! {
    /// A payment made for a transfer.
    pub struct Payment {
        /// 统一社会信用代码 of the payee (absent for a natural person).
        payee_credit_code: CreditCode,
        /// Name of the payee.
        payee_name: Text,
        /// Amount in yuan.
        amount: Amount,
        /// What it pays for.
        purpose: PaymentPurpose,
        /// Date paid.
        paid_on: Date,
    }
}

//! 年度申报: a producer's annual declaration of what it produced, stored, used,
//! disposed of and transferred (固废法 Art.78; HJ 1259-2022 §7).

use super::common::{Enterprise, KindTag};
use crate::model::{Category, Count, Date, List, ManifestNumber, Quantity, Text, WasteCode, Year};

crate::model::closed_enum! {
    /// Management class of a producer (HJ 1259-2022 §4.2).
    pub enum UnitClass {
        /// 危险废物环境重点监管单位.
        Key = "key",
        /// 简化管理单位.
        Simplified = "simplified",
        /// 登记管理单位.
        Registration = "registration",
    }
}

crate::model::closed_enum! {
    /// Declaration frequency (HJ 1259-2022 §7.2).
    pub enum ReportingFrequency {
        /// Monthly and yearly (key units).
        Monthly = "monthly",
        /// Quarterly and yearly (simplified units).
        Quarterly = "quarterly",
        /// Yearly (registration units).
        Yearly = "yearly",
    }
}

crate::model::closed_enum! {
    /// The period a declaration covers (HJ 1259-2022 §7.2).
    pub enum DeclarationPeriod {
        /// A year (the annual declaration).
        Year = "year",
        /// A quarter of `year` (simplified units).
        Quarter = "quarter",
        /// A month of `year` (key units).
        Month = "month",
    }
}

crate::model::record! {
    /// An annual declaration, or a monthly or quarterly one.
    pub struct Declaration {
        /// Always `declaration`.
        kind: KindTag,
        /// The declaring enterprise and site.
        enterprise: Enterprise,
        /// The year declared.
        year: Year,
        /// The period declared: the year when not given, else a quarter or a month
        /// of `year` (HJ 1259-2022 §7.2).
        period: DeclarationPeriod,
        /// With `period` `quarter` or `month`: which one of `year` (1–4, 1–12).
        period_number: Count,
        /// When the declaration was filed.
        declared_at: Date,
        /// The producer's management class.
        unit_class: UnitClass,
        /// How often it declares.
        reporting_frequency: ReportingFrequency,
        /// Annual output the class rests on (HJ 1259 §4.2.3: the largest of the last
        /// three years); this year's total when not given.
        reference_output: Quantity,
        /// Hazardous waste produced in earlier years, one entry a year (HJ 1259
        /// §4.2.3: the class rests on the largest annual output of the last three
        /// years); those of the three years before the declared year count.
        annual_outputs: List<AnnualOutput>,
        /// Whether an environment authority at city level or above designated the
        /// unit a key supervised unit (重点监管单位, HJ 1259 §4.2.2), whatever its
        /// output.
        designated_key: bool,
        /// Whether it has its own utilisation or disposal facilities.
        own_facilities: bool,
        /// Whether it holds a hazardous waste licence.
        licensed: bool,
        /// Hazardous waste, one line per waste code.
        hazardous: List<HazardousBalance>,
        /// General industrial solid waste, one line per category.
        general: List<GeneralBalance>,
        /// Major changes in general industrial solid waste (kinds, quantities,
        /// destinations) during the year, and when each was declared.
        general_changes: List<GeneralChange>,
        /// Whether the producer keeps an industrial solid waste ledger
        /// (工业固体废物管理台账, 固废法 Art.36).
        general_ledger: bool,
        /// General industrial solid waste entrusted to others for transport,
        /// storage, utilisation or disposal during the period, one line per
        /// contractor and waste (固废法 Art.22, Art.37).
        general_transfers: List<GeneralTransfer>,
    }
}

crate::model::closed_enum! {
    /// What a contractor does with general industrial solid waste.
    pub enum GeneralTransferPurpose {
        /// 运输.
        Transport = "transport",
        /// 贮存.
        Storage = "storage",
        /// 利用.
        Utilisation = "utilisation",
        /// 处置.
        Disposal = "disposal",
    }
}

crate::model::record! {
    /// General industrial solid waste entrusted to a contractor (受托方).
    pub struct GeneralTransfer {
        /// 一般工业固体废物类别 (SWxx).
        category: Category,
        /// The enterprise's own code for the waste, as in its ledger.
        code: Text,
        /// Name as written.
        name: Text,
        /// Quantity handed over in the period.
        quantity: Quantity,
        /// What the contractor does with it.
        purpose: GeneralTransferPurpose,
        /// The contractor; its `region` is where the waste goes (a carrier's, for
        /// transport).
        contractor: Enterprise,
        /// Whether the contractor's legal status and technical capacity (主体资格和
        /// 技术能力) were verified before entrusting it (固废法 Art.37 ¶1).
        contractor_checked: bool,
        /// Number of the written contract.
        contract_number: Text,
        /// Whether the written contract states pollution-prevention requirements
        /// (污染防治要求, 固废法 Art.37 ¶1).
        contract_pollution_terms: bool,
        /// Number of the approval to move the waste out of the province for storage
        /// or disposal (固废法 Art.22 ¶1).
        approval_number: Text,
        /// Number of the filing (备案) for moving the waste out of the province for
        /// utilisation (固废法 Art.22 ¶2).
        filing_number: Text,
        /// The handover record (交接记录) made with the contractor when the waste
        /// left: its number or reference (a carrier's duty in the Shaoxing plan,
        /// 三（五）15).
        handover_record: Text,
    }
}

crate::model::record! {
    /// A year's hazardous waste output (HJ 1259 §4.2.3).
    pub struct AnnualOutput {
        /// The year.
        year: Year,
        /// Hazardous waste produced in it, in total.
        produced: Quantity,
    }
}

crate::model::record! {
    /// A major change in a producer's general industrial solid waste.
    pub struct GeneralChange {
        /// What changed.
        description: Text,
        /// When it happened.
        occurred_on: Date,
        /// When it was declared to the authority.
        declared_on: Date,
    }
}

crate::model::record! {
    /// One hazardous waste's balance for the year.
    pub struct HazardousBalance {
        /// 废物代码.
        code: WasteCode,
        /// 废物类别, as declared.
        category: Category,
        /// Name as written.
        name: Text,
        /// The identification report (鉴别报告) of a `900-000-XX` waste (名录 Art.6).
        identification_report: Text,
        /// Stock on 1 January.
        opening_stock: Quantity,
        /// Produced in the year.
        produced: Quantity,
        /// Utilised on site.
        utilised_on_site: Quantity,
        /// Disposed of on site.
        disposed_on_site: Quantity,
        /// Transferred out (委外).
        transferred: Quantity,
        /// Manifests of the transfers.
        manifests: List<ManifestNumber>,
        /// Stock on 31 December.
        closing_stock: Quantity,
    }
}

crate::model::record! {
    /// One general industrial solid waste's balance for the year.
    pub struct GeneralBalance {
        /// 一般工业固体废物类别 (SWxx).
        category: Category,
        /// The enterprise's own code for the waste, as in its ledger.
        code: Text,
        /// Name as written.
        name: Text,
        /// Stock on 1 January.
        opening_stock: Quantity,
        /// Produced in the year.
        produced: Quantity,
        /// Utilised (on site and by others).
        utilised: Quantity,
        /// Disposed of (on site and by others).
        disposed: Quantity,
        /// Stock on 31 December.
        closing_stock: Quantity,
    }
}

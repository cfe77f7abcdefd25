//! 管理计划: a producer's annual management plan (固废法 Art.78; HJ 1259-2022 §5).

use super::common::{Enterprise, KindTag, Packaging, WasteForm};
use super::declaration::UnitClass;
use crate::model::{Category, CreditCode, Date, Hazard, List, Quantity, Text, WasteCode, Year};

crate::model::record! {
    /// A management plan for one production site and one year.
    pub struct Plan {
        /// Always `plan`.
        kind: KindTag,
        /// The enterprise and production site.
        enterprise: Enterprise,
        /// The year planned.
        year: Year,
        /// When the plan was filed (备案).
        filed_at: Date,
        /// Filing number given by the information system.
        filing_number: Text,
        /// The producer's management class.
        unit_class: UnitClass,
        /// Expected production (HJ 1259 Table A.3).
        production: List<PlannedProduction>,
        /// Storage facilities (Table A.4).
        storage: List<PlannedStorage>,
        /// Own utilisation and disposal (Table A.5).
        own_treatment: List<PlannedTreatment>,
        /// Transfers (Table A.6).
        transfers: List<PlannedTransfer>,
    }
}

crate::model::record! {
    /// A waste the site expects to produce.
    pub struct PlannedProduction {
        /// 废物代码.
        code: WasteCode,
        /// 废物类别, as declared.
        category: Category,
        /// Name as written.
        name: Text,
        /// The identification report (鉴别报告) of a `900-000-XX` waste (名录 Art.6).
        identification_report: Text,
        /// 产生环节 / producing facility code.
        facility_code: Text,
        /// Physical form.
        form: WasteForm,
        /// Hazard characteristics.
        hazards: List<Hazard>,
        /// Expected output this year.
        expected_quantity: Quantity,
    }
}

crate::model::record! {
    /// A storage facility in the plan.
    pub struct PlannedStorage {
        /// Facility code.
        facility_code: Text,
        /// Facility type (GB 18597).
        facility_type: Text,
        /// Containers used.
        packaging: Packaging,
        /// Expected stock at year end.
        expected_year_end_stock: Quantity,
    }
}

crate::model::record! {
    /// Own utilisation or disposal.
    pub struct PlannedTreatment {
        /// Facility code.
        facility_code: Text,
        /// Method (HJ 1033 code).
        method: Text,
        /// 废物代码 treated.
        code: WasteCode,
        /// Expected quantity.
        expected_quantity: Quantity,
    }
}

crate::model::closed_enum! {
    /// Where a planned transfer goes.
    pub enum TransferType {
        /// 省内转移.
        InProvince = "in_province",
        /// 跨省转移.
        CrossProvince = "cross_province",
        /// 出口.
        Export = "export",
    }
}

crate::model::record! {
    /// A planned transfer.
    pub struct PlannedTransfer {
        /// 废物代码.
        code: WasteCode,
        /// In-province, cross-province or export.
        transfer_type: TransferType,
        /// Expected quantity.
        expected_quantity: Quantity,
        /// Method at the receiver (HJ 1033 code).
        method: Text,
        /// Receiver's name.
        receiver_name: Text,
        /// Receiver's 统一社会信用代码.
        receiver_credit_code: CreditCode,
        /// Receiver's licence number.
        receiver_licence_number: Text,
    }
}

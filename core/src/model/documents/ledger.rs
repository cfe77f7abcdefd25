//! 管理台账: the ledger of every batch produced, stored, used, disposed of or handed
//! over (固废法 Art.78; HJ 1259-2022 §6).

use super::common::{Enterprise, KindTag, Packaging, SiteAdmission, SiteType, WasteAnalysis};
use crate::model::{Category, Date, DateTime, List, ManifestNumber, Quantity, Text, WasteCode};

crate::model::closed_enum! {
    /// Which ledger table an entry belongs to (HJ 1259 Tables B.1–B.5).
    pub enum LedgerStage {
        /// 产生 (B.1).
        Production = "production",
        /// 入库 (B.2).
        StorageIn = "storage_in",
        /// 出库 (B.3).
        StorageOut = "storage_out",
        /// 自行利用/处置 (B.4).
        OwnTreatment = "own_treatment",
        /// 委外利用/处置 (B.5).
        Entrusted = "entrusted",
    }
}

crate::model::record! {
    /// A ledger.
    pub struct Ledger {
        /// Always `ledger`.
        kind: KindTag,
        /// The enterprise and site.
        enterprise: Enterprise,
        /// The entries, in the order kept.
        entries: List<LedgerEntry>,
        /// Records the unit has destroyed (销毁), each with the period they covered: what
        /// the retention periods are checked against (HJ 1259-2022 §6.4; 许可证办法
        /// 第十八条 for a licensed operator's records).
        records_destroyed: List<DestroyedRecords>,
    }
}

crate::model::record! {
    /// Ledger or operating records destroyed, as the unit's destruction record
    /// (销毁记录) states them.
    pub struct DestroyedRecords {
        /// What was destroyed, as written.
        description: Text,
        /// The first day the records covered.
        from: Date,
        /// The last day the records covered: their retention period runs from it.
        to: Date,
        /// The day they were destroyed.
        destroyed_on: Date,
    }
}

crate::model::record! {
    /// One ledger entry.
    pub struct LedgerEntry {
        /// Batch code (HWCS/HWRK/HWCK… + date + serial).
        batch_code: Text,
        /// Which table.
        stage: LedgerStage,
        /// When.
        time: DateTime,
        /// 废物代码.
        code: WasteCode,
        /// 废物类别, as declared.
        category: Category,
        /// Name as written.
        name: Text,
        /// The identification report (鉴别报告) of a `900-000-XX` waste (名录 Art.6).
        identification_report: Text,
        /// Quantity.
        quantity: Quantity,
        /// Container code.
        container_code: Text,
        /// Containers.
        packaging: Packaging,
        /// Facility code (production, storage or treatment).
        facility_code: Text,
        /// Person responsible.
        handler: Text,
        /// Where it went.
        destination: Text,
        /// The kind of site it went to.
        site_type: SiteType,
        /// Test results deciding where it may go.
        // Boxed: the largest member, and seldom given.
        analysis: Box<WasteAnalysis>,
        /// The receiving site's admission record, where a standard admits the waste
        /// only on conditions (GB 16889-2008 §6.5, §6.7).
        admission: SiteAdmission,
        /// Receiver's name (entrusted entries).
        receiver_name: Text,
        /// Receiver's licence number (entrusted entries).
        receiver_licence_number: Text,
        /// Manifest of an entrusted transfer, where the local system records it.
        manifest_number: ManifestNumber,
        /// The batch this entry came from.
        source_batch_code: Text,
    }
}

//! 贮存 records: storage facilities, their zones, and the lots in them
//! (GB 18597-2023; 固废法 Art.81).

use super::common::{Enterprise, KindTag, Packaging};
use crate::model::{Amount, Category, Date, List, Quantity, Text, WasteCode};

crate::model::closed_enum! {
    /// Storage facility types (GB 18597-2023).
    pub enum FacilityType {
        /// 贮存库.
        Warehouse = "warehouse",
        /// 贮存场.
        Yard = "yard",
        /// 贮存池.
        Pool = "pool",
        /// 贮存罐区.
        TankFarm = "tank_farm",
        /// 贮存点 (simplified storage point, §8.3).
        Point = "point",
    }
}

crate::model::record! {
    /// A storage inventory on a date.
    pub struct Storage {
        /// Always `storage`.
        kind: KindTag,
        /// The enterprise and site.
        enterprise: Enterprise,
        /// The date of the inventory.
        as_of: Date,
        /// Facilities.
        facilities: List<StorageFacility>,
        /// Lots in store.
        lots: List<StorageLot>,
    }
}

crate::model::record! {
    /// A storage facility.
    pub struct StorageFacility {
        /// Facility code.
        code: Text,
        /// Name.
        name: Text,
        /// Type.
        r#type: FacilityType,
        /// Capacity.
        capacity: Quantity,
        /// Whether facility signs and labels (HJ 1276) are in place.
        signs: bool,
        /// Zones.
        zones: List<StorageZone>,
    }
}

crate::model::record! {
    /// A zone (贮存分区) of a facility.
    pub struct StorageZone {
        /// Zone code.
        code: Text,
        /// Categories the zone is for.
        categories: List<Category>,
        /// Whether liquid waste is stored in it.
        liquid: bool,
        /// Volume of the liquid-leak containment, m³.
        containment_volume_m3: Amount,
    }
}

crate::model::record! {
    /// A lot of waste in store.
    pub struct StorageLot {
        /// Lot or in-batch code.
        id: Text,
        /// 废物代码.
        code: WasteCode,
        /// 废物类别, as declared.
        category: Category,
        /// The identification report (鉴别报告) of a `900-000-XX` waste (名录 Art.6).
        identification_report: Text,
        /// Quantity.
        quantity: Quantity,
        /// Date it went into store.
        stored_at: Date,
        /// Facility code.
        facility_code: Text,
        /// Zone code.
        zone_code: Text,
        /// Containers.
        packaging: Packaging,
        /// Whether every container carries its label.
        labelled: bool,
        /// Whether the lot is liquid.
        liquid: bool,
        /// Volume of a liquid lot, m³.
        volume_m3: Amount,
        /// Volume of the largest liquid container, m³ (liquid lots).
        largest_container_m3: Amount,
    }
}

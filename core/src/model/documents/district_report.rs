//! A district's (区、县、市) annual report on industrial solid waste and hazardous
//! waste, as the city plan's targets are measured.

use super::common::KindTag;
use crate::model::{Quantity, RegionCode, Year};

crate::model::record! {
    /// A district's report for one year.
    pub struct DistrictReport {
        /// Always `district_report`.
        kind: KindTag,
        /// The district (GB/T 2260).
        region: RegionCode,
        /// The year reported.
        year: Year,
        /// General industrial solid waste.
        general: WasteTotals,
        /// Hazardous waste.
        hazardous: WasteTotals,
    }
}

crate::model::record! {
    /// Totals for one kind of waste.
    pub struct WasteTotals {
        /// Produced in the year.
        produced: Quantity,
        /// Utilised.
        utilised: Quantity,
        /// Disposed of.
        disposed: Quantity,
        /// Stored at year end.
        stored: Quantity,
        /// Utilisation and disposal capacity in the district.
        capacity: Quantity,
    }
}

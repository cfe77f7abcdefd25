//! Parts shared by several document kinds.

use crate::model::{Count, CreditCode, DocumentKind, RegionCode, Text};

crate::model::record! {
    /// An enterprise as named on a document.
    pub struct Enterprise {
        /// 统一社会信用代码.
        credit_code: CreditCode,
        /// Registered name.
        name: Text,
        /// Region (GB/T 2260) of the production site.
        region: RegionCode,
        /// Address of the production site.
        address: Text,
        /// Identifier of the production site, where an enterprise has several.
        site_id: Text,
    }
}

crate::model::closed_enum! {
    /// Physical form (物理性状) of a waste.
    pub enum WasteForm {
        /// 固态 (S).
        Solid = "solid",
        /// 半固态 (SS).
        SemiSolid = "semi_solid",
        /// 液态 (L).
        Liquid = "liquid",
        /// 气态 (G).
        Gas = "gas",
    }
}

crate::model::record! {
    /// Containers or packages.
    pub struct Packaging {
        /// Container type as written (桶, 吨袋, 储罐 …).
        r#type: Text,
        /// Number of containers.
        count: Count,
    }
}

/// The `kind` member every document may carry.
pub type KindTag = DocumentKind;

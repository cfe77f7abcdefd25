//! Parts shared by several document kinds.

use crate::model::{Amount, Count, CreditCode, DocumentKind, RegionCode, Text};

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

crate::model::closed_enum! {
    /// The kind of site a waste goes to for storage, utilisation or disposal.
    pub enum SiteType {
        /// 柔性填埋场: hazardous waste landfill with a double artificial liner (GB 18598-2019 §3.4).
        FlexibleLandfill = "flexible_landfill",
        /// 刚性填埋场: reinforced-concrete hazardous waste landfill (GB 18598-2019 §3.5).
        RigidLandfill = "rigid_landfill",
        /// 一般工业固体废物 I 类场 (GB 18599-2020).
        GeneralClassI = "general_class_i",
        /// 一般工业固体废物 II 类场 (GB 18599-2020).
        GeneralClassII = "general_class_ii",
        /// 生活垃圾填埋场 (GB 16889-2008).
        DomesticLandfill = "domestic_landfill",
        /// 生活垃圾焚烧厂 (GB 18485-2014).
        DomesticIncinerator = "domestic_incinerator",
        /// Hazardous waste incineration.
        Incineration = "incineration",
        /// Utilisation (综合利用).
        Utilisation = "utilisation",
        /// Anything else.
        Other = "other",
    }
}

crate::model::closed_enum! {
    /// GB 18599-2020 §3.6–3.7: 第I类 / 第II类 general industrial solid waste.
    pub enum LeachingClass {
        /// 第I类.
        I = "I",
        /// 第II类.
        II = "II",
    }
}

crate::model::record! {
    /// Test results of a waste that decide where it may go (GB 18598-2019 §6,
    /// GB 18599-2020 §6, GB 16889-2008 §6). Percentages by mass.
    pub struct WasteAnalysis {
        /// 水溶性盐总量, %.
        water_soluble_salt_pct: Amount,
        /// 有机质含量, %.
        organic_matter_pct: Amount,
        /// 含水率, %.
        moisture_pct: Amount,
        /// Leachate pH.
        leachate_ph: Amount,
        /// 砷含量, %.
        arsenic_pct: Amount,
        /// Still reactive.
        reactive: bool,
        /// Still ignitable.
        ignitable: bool,
        /// 第I类 or 第II类 (general industrial solid waste).
        leaching_class: LeachingClass,
        /// Similar in nature to household waste (GB 16889-2008 §6.1(4), GB 18599-2020 §5.1.8).
        similar_to_domestic: bool,
        /// Coal gangue (煤矸石), exempt from the organic-matter limits.
        coal_gangue: bool,
        /// Liquid waste.
        liquid: bool,
        /// Medical waste.
        medical: bool,
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

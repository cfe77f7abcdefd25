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
        /// Leachate prepared by HJ/T 299 (硫酸硝酸法), in mg/L: GB 18598-2019
        /// §6.2(a) and its Table 1 (hazardous waste landfills).
        leachate_hjt299: Leachate,
        /// Leachate prepared by HJ/T 300 (醋酸缓冲溶液法), in mg/L: GB 16889-2008
        /// §6.3(3), §6.4 and its Table 1 (household waste landfills).
        leachate_hjt300: Leachate,
    }
}

crate::model::record! {
    /// Concentrations measured in a leachate (浸出液) prepared by the method the
    /// field holding it names. Each concentration is in **mg/L** (milligrams per
    /// litre of leachate), a decimal written as a string (`"0.12"`); a pollutant
    /// not measured is left out. Alkyl mercury is reported as detected or not
    /// (GB 18598-2019 Table 1: 不得检出, not detectable by GB/T 14204).
    pub struct Leachate {
        /// 烷基汞 detected (GB/T 14204): `true` when detected, `false` when not.
        alkyl_mercury_detected: bool,
        /// 汞 (total mercury), mg/L.
        mercury_mg_l: Amount,
        /// 铅 (lead), mg/L.
        lead_mg_l: Amount,
        /// 镉 (cadmium), mg/L.
        cadmium_mg_l: Amount,
        /// 总铬 (total chromium), mg/L.
        total_chromium_mg_l: Amount,
        /// 六价铬 (hexavalent chromium, Cr⁶⁺), mg/L.
        hexavalent_chromium_mg_l: Amount,
        /// 铜 (copper), mg/L.
        copper_mg_l: Amount,
        /// 锌 (zinc), mg/L.
        zinc_mg_l: Amount,
        /// 铍 (beryllium), mg/L.
        beryllium_mg_l: Amount,
        /// 钡 (barium), mg/L.
        barium_mg_l: Amount,
        /// 镍 (nickel), mg/L.
        nickel_mg_l: Amount,
        /// 砷 (arsenic), mg/L.
        arsenic_mg_l: Amount,
        /// 无机氟化物 (inorganic fluoride, calcium fluoride excluded), mg/L.
        inorganic_fluoride_mg_l: Amount,
        /// 氰化物 (cyanide, as CN⁻), mg/L.
        cyanide_mg_l: Amount,
        /// 硒 (selenium), mg/L.
        selenium_mg_l: Amount,
    }
}

crate::model::record! {
    /// What the receiving site records about admitting a waste that a standard
    /// admits only on conditions (GB 16889-2008 §6.5, §6.7).
    pub struct SiteAdmission {
        /// The local environment authority's approval of the entry (GB 16889-2008
        /// §6.7: tested by a monitoring body it recognises, then approved): the
        /// approval's number or reference.
        approval: Text,
        /// Landfilled in a separate cell (单独分区填埋, GB 16889-2008 §6.5).
        separate_cell: bool,
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

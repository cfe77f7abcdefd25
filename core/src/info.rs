//! What the faces say about packs and rules: the serializable shapes of a rule as a
//! chain applies it, a loaded pack version, a catalogue edition and a text in both
//! languages — defined once here, so the HTTP service (`/v1/rules`, `/v1/packs`),
//! the npm package (`checker.rules()`, `checker.packs()`) and any other face give
//! the same JSON for the same question. Their JSON Schemas (schemars) feed the
//! service's OpenAPI document and the package's TypeScript declarations.

use crate::catalogue::{Catalogue, DeclaredEdition, EditionTable};
use crate::engine::chain::{Chain, CompiledRule};
use crate::model::DocumentKind;
use crate::pack::load::SourcePack;
use crate::pack::spec::{LegalBasis, Status};
use crate::report::Severity;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A text in both languages (`{"zh-CN": …, "en": …}`): the crate's one bilingual text.
pub use crate::locale::Bilingual as Text;

/// The legal basis of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BasisInfo {
    /// The instrument, e.g. `危险废物转移管理办法`.
    pub instrument: String,
    /// Article or clause, e.g. `第十八条`.
    pub article: String,
    /// First day in force, `YYYY-MM-DD`.
    pub effective_from: String,
    /// Last day in force, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_until: Option<String>,
}

impl From<&LegalBasis> for BasisInfo {
    fn from(basis: &LegalBasis) -> Self {
        BasisInfo {
            instrument: basis.instrument.clone(),
            article: basis.article.clone(),
            effective_from: basis.effective_from.to_string(),
            effective_until: basis.effective_until.map(|d| d.to_string()),
        }
    }
}

/// One rule of a chain, as the chain applies it: its `severity` after the chain's
/// overrides, its `title` in both languages, its `status` (`preview`, `stable`,
/// `deprecated`, `removed`). (Fields whose type is another shape carry no doc
/// comment of their own: the TypeScript generator would make a copy of the type
/// for it.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RuleInfo {
    /// Stable id, e.g. `cn.transfer.receiver-unlicensed`.
    pub id: String,
    /// The pack that defines it (`id@version`).
    pub pack: String,
    #[allow(missing_docs)] // in the struct's doc (a field doc would copy the type)
    pub severity: Severity,
    #[allow(missing_docs)] // in the struct's doc (a field doc would copy the type)
    pub title: Text,
    /// Document kinds it applies to.
    pub applies_to: Vec<DocumentKind>,
    /// Manifest stages it applies to (all when empty).
    pub stages: Vec<String>,
    #[allow(missing_docs)] // in the struct's doc (a field doc would copy the type)
    pub status: Status,
    /// First day the rule applies, if limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<String>,
    /// Last day the rule applies, if limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_until: Option<String>,
    /// Legal basis.
    pub basis: Vec<BasisInfo>,
}

impl From<&CompiledRule> for RuleInfo {
    fn from(rule: &CompiledRule) -> Self {
        RuleInfo {
            id: rule.id.clone(),
            pack: rule.pack.clone(),
            severity: rule.severity,
            title: rule.title.clone(),
            applies_to: rule.applies_to.clone(),
            stages: rule.stages.clone(),
            status: rule.status,
            effective_from: rule.effective_from.map(|d| d.to_string()),
            effective_until: rule.effective_until.map(|d| d.to_string()),
            basis: rule.basis.iter().map(BasisInfo::from).collect(),
        }
    }
}

/// The rules of a chain, national first, in declaration order.
pub fn rules(chain: &Chain) -> Vec<RuleInfo> {
    chain.rules.iter().map(RuleInfo::from).collect()
}

/// A catalogue edition a pack declares, with its `title` in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EditionInfo {
    /// e.g. `hw-2021`.
    pub id: String,
    #[allow(missing_docs)] // in the struct's doc (a field doc would copy the type)
    pub title: Text,
    /// First day in force, `YYYY-MM-DD`.
    pub effective_from: String,
    /// Whether the pack carries the edition's tables.
    pub carried: bool,
    /// For an edition not carried: the carried edition checked against meanwhile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stand_in: Option<String>,
}

impl From<&Catalogue> for EditionInfo {
    /// A carried edition, from its tables.
    fn from(catalogue: &Catalogue) -> Self {
        let edition = catalogue.edition();
        EditionInfo {
            id: edition.id.clone(),
            title: Text::new(edition.title_zh.clone(), edition.title_en.clone()),
            effective_from: edition.effective_from.to_string(),
            carried: true,
            stand_in: None,
        }
    }
}

impl From<&DeclaredEdition> for EditionInfo {
    fn from(declared: &DeclaredEdition) -> Self {
        let edition = &declared.edition;
        EditionInfo {
            id: edition.id.clone(),
            title: Text::new(edition.title_zh.clone(), edition.title_en.clone()),
            effective_from: edition.effective_from.to_string(),
            carried: declared.carried().is_some(),
            stand_in: match &declared.table {
                EditionTable::StandIn(id) => Some(id.clone()),
                _ => None,
            },
        }
    }
}

/// One loaded pack version, with its `title` in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PackInfo {
    /// Pack id (`cn`, `zj`, `zj-shaoxing`).
    pub id: String,
    /// Semver version.
    pub version: String,
    /// The region it serves (GB/T 2260: `000000` national, `330000` Zhejiang, …):
    /// documents from this region, and from within it unless a narrower pack
    /// serves them.
    pub jurisdiction: String,
    #[allow(missing_docs)] // in the struct's doc (a field doc would copy the type)
    pub title: Text,
    /// The parent pack and version requirement, e.g. `cn@^1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// First day in force, `YYYY-MM-DD`.
    pub effective_from: String,
    /// Last day in force, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_until: Option<String>,
    /// `sha256:…` of the pack's canonical encoding; reports name it.
    pub digest: String,
    /// How many rules the pack itself defines.
    pub rules: usize,
    /// The catalogue editions the pack declares.
    pub catalogues: Vec<EditionInfo>,
}

impl From<&SourcePack> for PackInfo {
    fn from(pack: &SourcePack) -> Self {
        let m = &pack.manifest;
        PackInfo {
            id: m.id.clone(),
            version: m.version.to_string(),
            jurisdiction: m.jurisdiction.clone(),
            title: m.title.clone(),
            extends: m
                .extends
                .as_ref()
                .map(|e| format!("{}@{}", e.id, e.version)),
            effective_from: m.effective_from.to_string(),
            effective_until: m.effective_until.map(|d| d.to_string()),
            digest: pack.digest.clone(),
            rules: pack.rules.len(),
            catalogues: pack.editions.iter().map(EditionInfo::from).collect(),
        }
    }
}

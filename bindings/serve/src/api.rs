//! What the service answers besides reports: the bodies of `/v1/packs`,
//! `/v1/rules`, `/healthz` and of errors. The OpenAPI document is generated from
//! these types.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

/// A check request: the JSON facade's (`wastecheck::check::CheckRequest`).
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CheckRequest {
    /// The document (its `kind` member says which kind, unless `kind` is given).
    pub document: Value,
    /// The reference records the host holds (licences, permits, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facts: Option<Value>,
    /// `zh-CN` (default) or `en`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// The legal date to check at, `YYYY-MM-DD`; by default taken from the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// The kind to check the document as; by default its `kind` member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// An error: `{"error": {"code", "message"}}`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ErrorDetail {
    /// Stable code: `request.json` (400), `request.content_type` (415),
    /// `request.too_large` (413), `request.batch_too_long`, `request.locale`,
    /// `request.as_of`, `request.kind` (422), `not_found` (404), `internal` (500);
    /// with `--sandbox`, `sandbox.time`, `sandbox.fuel` and `sandbox.memory` (422:
    /// the check needed more time, work or memory than the sandbox allows) and
    /// `sandbox.trap` (500).
    pub code: String,
    /// What is wrong, in English.
    pub message: String,
}

impl ErrorBody {
    /// An error body.
    pub fn new(code: &str, message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message: message.into(),
            },
        }
    }
}

/// `GET /healthz`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Health {
    /// Always `ok` when the service answers.
    pub status: String,
    /// The generation of the packs served.
    pub generation: u64,
    /// How many pack versions are loaded.
    pub packs: usize,
}

/// `GET /v1/packs`: the packs served now.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PacksResponse {
    /// Counts the sets of packs served since start: it grows each time a new set is
    /// swapped in.
    pub generation: u64,
    /// Every pack version loaded, by id and version.
    pub packs: Vec<PackInfo>,
    /// The bundles from the watched folder in use.
    pub bundles: Vec<BundleInfo>,
    /// Bundles from the watched folder that were refused (the latest refusal per
    /// file); the packs served before stay in service.
    pub refused: Vec<RefusalInfo>,
}

/// One pack version and the chain it heads.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PackInfo {
    /// Pack id (`cn`, `zj`, `zj-shaoxing`).
    pub id: String,
    /// Semver version.
    pub version: String,
    /// `sha256:…` of the pack's canonical encoding; reports name it.
    pub digest: String,
    /// The region code it serves (GB/T 2260; `000000` national): documents from
    /// this region, and from within it unless a narrower pack serves them.
    pub jurisdiction: String,
    /// First day in force.
    pub effective_from: String,
    /// Last day in force, if any.
    pub effective_until: Option<String>,
    /// Title in both languages.
    pub title: Text,
    /// `built-in`, or the bundle file it came from.
    pub source: String,
    /// The chain a document of its jurisdiction is checked against while it is in
    /// force: this pack first, then its ancestors.
    pub chain: Vec<wastecheck::report::PackRef>,
}

/// Text in both languages.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Text {
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    pub zh: String,
    /// English.
    pub en: String,
}

/// A bundle from the watched folder in use.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BundleInfo {
    /// Its file name.
    pub file: String,
    /// `sha256:…` of the bundle.
    pub digest: String,
    /// The trusted public key that signed it.
    pub signer: String,
    /// The pack versions it added (`id@version`; packs identical to ones already
    /// loaded are not repeated).
    pub packs: Vec<String>,
}

/// A refused bundle.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RefusalInfo {
    /// Its file name.
    pub file: String,
    /// `sha256:…` of the bytes read, when they could be read.
    pub digest: Option<String>,
    /// Why it was refused.
    pub error: String,
}

/// `GET /v1/rules`: the rules of every chain.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RulesResponse {
    /// One entry per pack version: the rules of the chain it heads.
    pub chains: Vec<ChainRules>,
}

/// The rules of one chain.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ChainRules {
    /// The pack heading it (`id@version`).
    pub pack: String,
    /// Its rules, national first.
    pub rules: Vec<RuleInfo>,
}

/// One rule as a chain applies it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RuleInfo {
    /// Stable id.
    pub id: String,
    /// The pack it comes from (`id@version`).
    pub pack: String,
    /// Title in both languages.
    pub title: Text,
    /// Severity after the chain's overrides.
    pub severity: wastecheck::Severity,
    /// Document kinds it applies to.
    pub applies_to: Vec<String>,
    /// Manifest stages (all when empty).
    pub stages: Vec<String>,
    /// First day the rule applies, if limited.
    pub effective_from: Option<String>,
    /// Last day the rule applies, if limited.
    pub effective_until: Option<String>,
    /// Legal basis.
    pub basis: Vec<BasisInfo>,
}

/// One legal basis.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BasisInfo {
    /// The instrument.
    pub instrument: String,
    /// Article or clause.
    pub article: String,
}

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

/// A guidance request (`/v1/next`, `/v1/choices`): the JSON facade's
/// (`wastecheck::check::GuideRequest`).
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct GuideRequest {
    /// The document as it stands (its `kind` member says which kind, unless `kind`
    /// is given).
    pub document: Value,
    /// The reference records the host holds (licences, permits, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facts: Option<Value>,
    /// `zh-CN` (default) or `en`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// The legal date, `YYYY-MM-DD`; by default taken from the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// The kind to read the document as; by default its `kind` member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// For `/v1/choices` (required there): the field, a JSON Pointer
    /// (`/receiver`, `/wastes/0/code`, `/carrier/vehicle_plate`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
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
    /// `request.as_of`, `request.kind` (422), `not_found` (404), `method_not_allowed`
    /// (405), `internal` (500);
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
    /// `ok`, or `degraded` when bundle files of the packs folder are refused (the
    /// packs served are then not all the folder holds; checks are still answered).
    pub status: String,
    /// The generation of the packs served.
    pub generation: u64,
    /// How many pack versions are loaded.
    pub packs: usize,
    /// The bundle files refused, and why (when `degraded`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<RefusalInfo>,
}

/// `GET /v1/packs`: the packs served now.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PacksResponse {
    /// Counts the sets of packs served since start: it grows each time a new set is
    /// swapped in.
    pub generation: u64,
    /// Every pack version loaded, by id and version.
    pub packs: Vec<ServedPack>,
    /// The bundles from the watched folder in use.
    pub bundles: Vec<BundleInfo>,
    /// Bundles from the watched folder that were refused (the latest refusal per
    /// file); the packs served before stay in service.
    pub refused: Vec<RefusalInfo>,
}

/// One pack version served, where it came from, and the chain it heads.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ServedPack {
    /// The pack, as every face describes it.
    #[serde(flatten)]
    pub pack: wastecheck::info::PackInfo,
    /// `built-in`, or the bundle file it came from.
    pub source: String,
    /// The chain a document of its jurisdiction is checked against while it is in
    /// force: this pack first, then its ancestors.
    pub chain: Vec<wastecheck::report::PackRef>,
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

impl From<&crate::packs::Refusal> for RefusalInfo {
    fn from(refusal: &crate::packs::Refusal) -> Self {
        RefusalInfo {
            file: refusal.file.clone(),
            digest: refusal.digest.clone(),
            error: refusal.error.clone(),
        }
    }
}

/// `GET /v1/rules`: the rules of every chain — or, with `region` (and `as_of`)
/// in the query, of the one chain in force there.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RulesResponse {
    /// One entry per pack version: the rules of the chain it heads (with `region`:
    /// the chain selected for it, or none).
    pub chains: Vec<ChainRules>,
}

/// The rules of one chain.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ChainRules {
    /// The pack heading it (`id@version`).
    pub pack: String,
    /// Its rules, national first, as every face describes them.
    pub rules: Vec<wastecheck::info::RuleInfo>,
}

//! The package's API in plain Rust, over JSON text: what the JavaScript classes in
//! `lib.rs` call after turning their arguments into JSON. Natively testable, and
//! the single place where the package's data shapes are defined (their JSON Schema,
//! `wasm/schemas/api.json`, is generated from these types and turned into the
//! TypeScript declarations).
//!
//! Nothing here checks anything: checks go through the core's JSON facade
//! ([`wastecheck::check::check_json`]), so the package's reports are byte for byte
//! the native ones.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wastecheck::Checker;
use wastecheck::catalogue::Catalogue;
use wastecheck::check::check_json;
use wastecheck::model::{Date, RegionCode};
#[cfg(feature = "bundles")]
use wastecheck::pack::bundle::{PublicKey, Signature, Trust};

/// The largest JSON text accepted for one argument (a document, the facts, a
/// bundle): 32 MiB. Larger input is refused with `request.too_large` rather than
/// risking the page's memory.
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;

/// The most hits a catalogue search returns.
pub const MAX_SEARCH_HITS: u32 = 100;

/// A call the package cannot serve. Problems *in a document* are never errors:
/// they are violations in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorValue {
    /// Stable code: `request.json`, `request.locale`, `request.as_of`,
    /// `request.kind`, `request.options`, `request.document`, `request.pointer`,
    /// `request.too_large`, `bundle.signature`, `bundle.keys`, `bundle.invalid`,
    /// `bundle.packs`, `bundle.rollback`, `bundle.conflict`, `schema.kind`; from
    /// the browser's first module (`wastecheck/web-lite`) also
    /// `bundle.unavailable` and `schema.unavailable`.
    pub code: String,
    /// What is wrong, in English.
    pub message: String,
}

/// What a call that failed returns instead of its value: `{"error": {...}}`, the
/// same shape as the core's JSON facade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Failure {
    // Not documented here: a doc comment would become the schema's description of
    // this member, replacing the referenced type's own in the TypeScript declarations
    // (and making json-schema-to-typescript copy the type under a new name).
    #[allow(missing_docs)]
    pub error: ErrorValue,
}

impl Failure {
    /// A failure with a stable `code` and a `message` in English.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Failure {
            error: ErrorValue {
                code: code.to_owned(),
                message: message.into(),
            },
        }
    }

    /// As JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            String::from("{\"error\":{\"code\":\"internal\",\"message\":\"unserialisable error\"}}")
        })
    }
}

/// Options of `check` and `checkField`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CheckOptions {
    /// Language of the messages: `zh-CN` (the default) or `en`.
    #[serde(default)]
    pub locale: Option<String>,
    /// Legal date to check at, `YYYY-MM-DD`; by default taken from the document.
    #[serde(default)]
    pub as_of: Option<String>,
    /// Kind to check the document as; by default its `kind` member.
    #[serde(default)]
    pub kind: Option<String>,
}

/// Options of `Checker.fromBundle`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BundleOptions {
    /// The detached signature (`wastecheck-ed25519-signature:…`, as written by
    /// `wastecheck pack sign`).
    #[serde(default)]
    pub signature: Option<String>,
    /// Accept a bundle without a signature. A signature that is present must
    /// still verify.
    #[serde(default)]
    pub allow_unsigned: bool,
    /// Use the bundle's packs alone, without the built-in ones (the bundle must
    /// then carry every pack its packs extend). By default they layer over the
    /// built-in packs: a pack identical to a built-in one is not loaded twice, one
    /// with a built-in id and another version sits beside it.
    #[serde(default)]
    pub replace: bool,
    /// Accept a bundle older (by its signed sequence number) than one this
    /// module has served: rolling back on purpose. Refused by default.
    #[serde(default)]
    pub allow_downgrade: bool,
    /// What the host served before (`Checker.history()` kept from an earlier
    /// run): an older bundle than one in it is refused too.
    #[serde(default)]
    pub history: Option<wastecheck_rules::History>,
}

thread_local! {
    /// What this module has served (the wasm module is single-threaded), to refuse
    /// an older bundle after a newer one.
    static HISTORY: std::cell::RefCell<wastecheck_rules::History> =
        std::cell::RefCell::new(wastecheck_rules::History::default());
}

/// What this module has served, as `Checker.history()` returns it.
pub fn history() -> wastecheck_rules::History {
    HISTORY.with(|history| history.borrow().clone())
}

/// Which chain `rules()` lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RulesOptions {
    /// GB/T 2260 region code; by default national.
    #[serde(default)]
    pub region: Option<String>,
    /// `YYYY-MM-DD`; by default the newest packs.
    #[serde(default)]
    pub as_of: Option<String>,
}

pub use wastecheck::info::{BasisInfo, EditionInfo, PackInfo, RuleInfo, Text};

/// An entry of the National Hazardous Waste List.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CatalogueEntry {
    /// 废物代码, `NNN-NNN-NN`.
    pub code: String,
    /// 废物类别, e.g. `HW49`.
    pub category: String,
    /// The category's name, e.g. `其他废物`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_name: Option<String>,
    /// 行业来源.
    pub industry: String,
    /// 危险废物 (the description).
    pub description: String,
    /// 危险特性 as printed (`T,I` or `T/C/I/R`).
    pub hazards: String,
    /// The characteristics listed, in order.
    pub hazard_list: Vec<String>,
}

/// A search hit: the entry and how it matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SearchHit {
    #[allow(missing_docs)] // as `Failure::error`
    #[serde(flatten)]
    pub entry: CatalogueEntry,
    /// `exact_code`, `code_prefix`, `category` or `text`.
    pub matched: String,
}

/// Every shape of the package's API, for the JSON Schema the TypeScript
/// declarations are generated from.
#[derive(Debug, Clone, JsonSchema)]
#[allow(dead_code)]
// Its members are the types above, each documented there (see `Failure::error`).
#[allow(missing_docs)]
pub struct Api {
    pub error_value: ErrorValue,
    pub failure: Failure,
    pub check_options: CheckOptions,
    pub bundle_options: BundleOptions,
    pub bundle_history: wastecheck_rules::History,
    pub rules_options: RulesOptions,
    pub rule_info: RuleInfo,
    pub pack_info: PackInfo,
    pub edition_info: EditionInfo,
    pub catalogue_entry: CatalogueEntry,
    pub search_hit: SearchHit,
    pub next: wastecheck::check::Next,
    pub choices: wastecheck::check::Choices,
    pub change: wastecheck::check::Change,
}

/// The JSON Schema of the API's shapes (`wasm/schemas/api.json`).
pub fn api_schema() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<Api>().to_value();
    if let Some(object) = schema.as_object_mut() {
        object.insert(
            "$id".into(),
            Value::String(format!("{}api.json", wastecheck::schema::ID_BASE)),
        );
        object.insert("title".into(), Value::String("Api".into()));
    }
    schema
}

fn too_large(what: &str, len: usize) -> Option<Failure> {
    (len > MAX_INPUT_BYTES).then(|| {
        Failure::new(
            "request.too_large",
            format!("{what} is {len} bytes of JSON; the limit is {MAX_INPUT_BYTES}"),
        )
    })
}

/// Reads an options object given as JSON text (`None`: not given).
pub fn options<T: Default + for<'de> Deserialize<'de>>(
    text: Option<&str>,
    what: &str,
) -> Result<T, Failure> {
    match text {
        None | Some("null") => Ok(T::default()),
        Some(text) => serde_json::from_str(text)
            .map_err(|e| Failure::new("request.options", format!("{what}: {e}"))),
    }
}

/// Checks a document given as JSON text, with the facts (JSON text, or none),
/// through the core's facade. Returns the report, or a [`Failure`], as JSON text.
pub fn check(
    checker: &Checker,
    document: &str,
    facts: Option<&str>,
    options: &CheckOptions,
) -> String {
    match request(document, facts, options, None) {
        Ok(request) => check_json(checker, &request),
        Err(failure) => failure.to_json(),
    }
}

/// Checks many documents (each JSON text) with the same facts and options in one
/// call: the facts are decoded and indexed once for them all. A JSON array of
/// answers, one per document in order, each what [`check`] answers for it alone —
/// or one failure (more than [`wastecheck::check::MAX_BATCH`] documents, input
/// too large).
pub fn check_batch(
    checker: &Checker,
    documents: &[String],
    facts: Option<&str>,
    options: &CheckOptions,
) -> String {
    let total: usize = documents.iter().map(String::len).sum();
    if let Some(failure) = too_large("the documents", total)
        .or_else(|| facts.and_then(|f| too_large("the facts", f.len())))
    {
        return failure.to_json();
    }
    let mut batch = String::with_capacity(total + facts.map_or(0, str::len) + 64);
    batch.push('{');
    if let Some(facts) = facts {
        batch.push_str("\"facts\":");
        batch.push_str(facts);
        batch.push(',');
    }
    batch.push_str("\"requests\":[");
    for (i, document) in documents.iter().enumerate() {
        if i > 0 {
            batch.push(',');
        }
        match request(document, None, options, None) {
            Ok(request) => batch.push_str(&request),
            Err(failure) => return failure.to_json(),
        }
    }
    batch.push_str("]}");
    wastecheck::check::check_batch_json(
        checker,
        &batch,
        wastecheck::check::MAX_BATCH,
        &wastecheck::Interrupt::default(),
    )
}

/// The facade's request for a document and facts given as JSON text, with the
/// options and, for `choices`, the field.
fn request(
    document: &str,
    facts: Option<&str>,
    options: &CheckOptions,
    pointer: Option<&str>,
) -> Result<String, Failure> {
    if let Some(failure) = too_large("the document", document.len())
        .or_else(|| facts.and_then(|f| too_large("the facts", f.len())))
    {
        return Err(failure);
    }
    let mut request = String::with_capacity(document.len() + facts.map_or(0, str::len) + 96);
    request.push_str("{\"document\":");
    request.push_str(document);
    if let Some(facts) = facts {
        request.push_str(",\"facts\":");
        request.push_str(facts);
    }
    let pointer = pointer.map(str::to_owned);
    for (key, value) in [
        ("locale", &options.locale),
        ("as_of", &options.as_of),
        ("kind", &options.kind),
        ("pointer", &pointer),
    ] {
        if let Some(value) = value {
            request.push_str(",\"");
            request.push_str(key);
            request.push_str("\":");
            request.push_str(&Value::String(value.clone()).to_string());
        }
    }
    request.push('}');
    Ok(request)
}

/// What the document still needs ([`wastecheck::Checker::next`]), as JSON text.
pub fn next(
    checker: &Checker,
    document: &str,
    facts: Option<&str>,
    options: &CheckOptions,
) -> String {
    match request(document, facts, options, None) {
        Ok(request) => wastecheck::check::next_json(checker, &request),
        Err(failure) => failure.to_json(),
    }
}

/// The lawful values for the field at `pointer` ([`wastecheck::Checker::choices`]),
/// as JSON text.
pub fn choices(
    checker: &Checker,
    document: &str,
    pointer: &str,
    facts: Option<&str>,
    options: &CheckOptions,
) -> String {
    match request(document, facts, options, Some(pointer)) {
        Ok(request) => wastecheck::check::choices_json(checker, &request),
        Err(failure) => failure.to_json(),
    }
}

/// A session on a document given as JSON text ([`wastecheck::check::Session`]).
pub fn session(
    checker: &Checker,
    document: &str,
    facts: Option<&str>,
    options: &CheckOptions,
) -> Result<wastecheck::check::Session, Failure> {
    if let Some(failure) = too_large("the document", document.len())
        .or_else(|| facts.and_then(|f| too_large("the facts", f.len())))
    {
        return Err(failure);
    }
    let parse = |text: &str, what: &str| {
        serde_json::from_str::<Value>(text)
            .map_err(|e| Failure::new("request.json", format!("{what}: {e}")))
    };
    let document = parse(document, "the document")?;
    let facts = facts.map(|f| parse(f, "the facts")).transpose()?;
    let options = wastecheck::check::CheckRequest {
        document: Value::Null,
        facts: None,
        locale: options.locale.clone(),
        as_of: options.as_of.clone(),
        kind: options.kind.clone(),
    }
    .options()
    .map_err(|e| Failure::new(e.code, e.message))?;
    Ok(checker.session(document, facts, options))
}

/// A session's edit, answered as JSON text: the change, or a [`Failure`]
/// (`edit.not_a_pointer`, `edit.no_parent`, `edit.no_such_place`, `request.json`).
pub fn edited(result: Result<wastecheck::check::Change, wastecheck::check::EditError>) -> String {
    match result {
        Ok(change) => serde_json::to_string(&change)
            .unwrap_or_else(|e| Failure::new("internal", e.to_string()).to_json()),
        Err(e) => Failure::new(e.code(), e.to_string()).to_json(),
    }
}

// A violation at `path` belongs to the field at `pointer`: the field or inside it.
use wastecheck::json::pointer::is_at_or_under;

/// The cheap path for validating one field as the user types: the whole document
/// is checked (cross-field rules need it; a manifest takes well under a
/// millisecond) and the report keeps only the violations at or under `pointer`,
/// with `counts` and `valid` recomputed for them.
pub fn check_field(
    checker: &Checker,
    document: &str,
    pointer: &str,
    facts: Option<&str>,
    options: &CheckOptions,
) -> String {
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Failure::new(
            "request.pointer",
            format!("{pointer:?} is not a JSON Pointer: it must be empty or start with '/'"),
        )
        .to_json();
    }
    let out = check(checker, document, facts, options);
    let Ok(Value::Object(mut report)) = serde_json::from_str::<Value>(&out) else {
        return out;
    };
    if report.contains_key("error") {
        return out;
    }
    let mut counts = serde_json::Map::new();
    for severity in ["error", "warning", "info"] {
        counts.insert(severity.into(), Value::from(0u64));
    }
    if let Some(Value::Array(violations)) = report.get_mut("violations") {
        violations.retain(|v| {
            v.get("path")
                .and_then(Value::as_str)
                .is_some_and(|path| is_at_or_under(path, pointer))
        });
        for v in violations.iter() {
            if let Some(Value::Number(n)) = v
                .get("severity")
                .and_then(Value::as_str)
                .and_then(|s| counts.get_mut(s))
            {
                *n = serde_json::Number::from(n.as_u64().unwrap_or(0) + 1);
            }
        }
    }
    let errors = counts.get("error").and_then(Value::as_u64).unwrap_or(0);
    report.insert("valid".into(), Value::Bool(errors == 0));
    report.insert("counts".into(), Value::Object(counts));
    Value::Object(report).to_string()
}

/// What a module built without one of the crate's features (`bundles`, `schemas`:
/// the browser's first module, `wastecheck/web-lite`) answers where the full
/// module would serve: `code` and where to go instead.
#[cfg(not(all(feature = "bundles", feature = "schemas")))]
pub fn unavailable(code: &str, what: &str) -> Failure {
    Failure::new(
        code,
        format!(
            "{what} is not in this module: wastecheck/web-lite checks with the built-in \
             packs only, at once; the full module (wastecheck/web) does it"
        ),
    )
}

/// Loads a checker from bundle bytes, verifying the signature against the trusted
/// keys (`wastecheck-ed25519-public:…`), by the one bundle policy of every face
/// ([`wastecheck_rules::load_bundle`]): over the built-in packs, or alone with
/// [`BundleOptions::replace`]. Returns the checker and the bundle's digest.
#[cfg(feature = "bundles")]
pub fn from_bundle(
    bytes: &[u8],
    trusted_keys: &[String],
    options: &BundleOptions,
) -> Result<(Checker, String), Failure> {
    if let Some(failure) = too_large("the bundle", bytes.len()) {
        return Err(failure);
    }
    let keys = trusted_keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            key.parse::<PublicKey>()
                .map_err(|e| Failure::new("bundle.keys", format!("trusted key {i}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let signature = options
        .signature
        .as_deref()
        .map(|text| {
            text.parse::<Signature>()
                .map_err(|e| Failure::new("bundle.signature", e.to_string()))
        })
        .transpose()?;
    let policy = wastecheck_rules::BundleOptions {
        trust: if options.allow_unsigned {
            Trust::AllowUnsigned
        } else {
            Trust::RequireSignature
        },
        replace: options.replace,
        downgrade: if options.allow_downgrade {
            wastecheck_rules::Downgrade::Allow
        } else {
            wastecheck_rules::Downgrade::Refuse
        },
    };
    HISTORY
        .with(|history| {
            let mut history = history.borrow_mut();
            if let Some(kept) = &options.history {
                history.merge(kept);
            }
            wastecheck_rules::load_bundle(bytes, signature.as_ref(), &keys, &policy, &mut history)
        })
        .map(|loaded| (loaded.checker, loaded.digest))
        .map_err(|e| Failure::new(e.code(), e.to_string()))
}

/// The rules of the chain in force for a region on a date.
pub fn rules(checker: &Checker, options: &RulesOptions) -> Result<Vec<RuleInfo>, Failure> {
    let region = options
        .region
        .as_deref()
        .map(|r| {
            r.parse::<RegionCode>()
                .map_err(|e| Failure::new("request.options", format!("region: {e}")))
        })
        .transpose()?;
    let date = options
        .as_of
        .as_deref()
        .map(|d| {
            d.parse::<Date>()
                .map_err(|e| Failure::new("request.as_of", e.to_string()))
        })
        .transpose()?;
    Ok(checker
        .registry()
        .select(region, date)
        .map(|chain| wastecheck::info::rules(chain))
        .unwrap_or_default())
}

/// Every loaded pack version.
pub fn packs(checker: &Checker) -> Vec<PackInfo> {
    checker
        .registry()
        .packs()
        .iter()
        .map(|pack| PackInfo::from(&**pack))
        .collect()
}

/// The catalogue edition in use for autocomplete (the newest national one).
pub fn catalogue_edition(checker: &Checker) -> Option<EditionInfo> {
    checker.catalogue().map(EditionInfo::from)
}

fn entry(catalogue: &Catalogue, e: &wastecheck::catalogue::Entry) -> CatalogueEntry {
    CatalogueEntry {
        code: e.code.as_str().to_owned(),
        category: e.category.to_string(),
        category_name: catalogue.category_name(e.category).map(str::to_owned),
        industry: e.industry.clone(),
        description: e.description.clone(),
        hazards: e.hazards.raw.clone(),
        hazard_list: e.hazards.listed.iter().map(|h| h.to_string()).collect(),
    }
}

/// Catalogue search for autocomplete: code, code prefix (dashes optional),
/// category or Chinese text. `limit` defaults to 10 and is at most 100.
pub fn search(checker: &Checker, query: &str, limit: Option<u32>) -> Vec<SearchHit> {
    let Some(catalogue) = checker.catalogue() else {
        return Vec::new();
    };
    let limit = limit.unwrap_or(10).min(MAX_SEARCH_HITS) as usize;
    catalogue
        .search(query, limit)
        .into_iter()
        .map(|hit| SearchHit {
            entry: entry(catalogue, hit.entry),
            matched: serde_json::to_value(hit.matched)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
        })
        .collect()
}

/// The entry of a code (`None`: malformed or not listed).
pub fn get(checker: &Checker, code: &str) -> Option<CatalogueEntry> {
    let catalogue = checker.catalogue()?;
    let code = code.trim().parse().ok()?;
    catalogue.get(&code).map(|e| entry(catalogue, e))
}

/// The JSON Schemas as committed in `spec/schemas/` (generated from the Rust
/// types, and checked against them by `wastecheck-tests`' drift test and by
/// [`tests::schemas_are_the_generated_ones`]), without their indentation
/// (`build.rs`). Embedding the text rather than generating it keeps schemars' code
/// out of the module.
#[cfg(feature = "schemas")]
const SCHEMAS: [(&str, &str); 8] = include!(concat!(env!("OUT_DIR"), "/schemas.rs"));

/// The JSON Schema (as JSON text) of a document kind, or of `facts` or `report`.
#[cfg(not(feature = "schemas"))]
pub fn schema(_kind: &str) -> Result<&'static str, Failure> {
    Err(unavailable("schema.unavailable", "a JSON Schema"))
}

/// The JSON Schema (as JSON text) of a document kind, or of `facts` or `report`.
#[cfg(feature = "schemas")]
pub fn schema(kind: &str) -> Result<&'static str, Failure> {
    SCHEMAS
        .iter()
        .find(|(name, _)| *name == kind)
        .map(|(_, text)| *text)
        .ok_or_else(|| {
            let names: Vec<&str> = SCHEMAS.iter().map(|(name, _)| *name).collect();
            let (last, rest) = names.split_last().unwrap_or((&"", &[]));
            Failure::new(
                "schema.kind",
                format!("no schema `{kind}`: use {} or {last}", rest.join(", ")),
            )
        })
}

#[cfg(test)]
mod tests {

    /// The bound of the browser and Node.js faces: a document, facts or bundle
    /// over 32 MiB is refused by its size, before it is read.
    #[test]
    fn input_over_the_limit_is_refused_by_its_size() {
        let checker = wastecheck_rules::checker();
        let at_limit = format!("\"{}\"", "x".repeat(MAX_INPUT_BYTES - 2));
        let answer = check(checker, &at_limit, None, &CheckOptions::default());
        assert!(
            !answer.contains("request.too_large"),
            "{}",
            &answer[..200.min(answer.len())]
        );
        let over = format!("\"{}\"", "x".repeat(MAX_INPUT_BYTES - 1));
        let answer = check(checker, &over, None, &CheckOptions::default());
        assert!(answer.contains("request.too_large"), "{answer}");
        let answer = check(checker, "{}", Some(&over), &CheckOptions::default());
        assert!(answer.contains("the facts"), "{answer}");
        #[cfg(feature = "bundles")]
        {
            let refused = from_bundle(over.as_bytes(), &[], &BundleOptions::default()).unwrap_err();
            assert_eq!(refused.error.code, "request.too_large");
        }
    }

    use super::*;
    use wastecheck::model::DocumentKind;

    #[test]
    fn a_batch_answers_each_document_as_alone() {
        let checker = builtin();
        let options = CheckOptions {
            locale: Some("en".into()),
            ..CheckOptions::default()
        };
        let documents = [
            include_str!("../../spec/examples/manifest.valid.json").to_owned(),
            include_str!("../../spec/examples/manifest.mistakes.json").to_owned(),
            "[1]".to_owned(),
        ];
        let facts = include_str!("../../spec/examples/facts.example.json");
        let answers: Vec<serde_json::Value> =
            serde_json::from_str(&check_batch(checker, &documents, Some(facts), &options)).unwrap();
        assert_eq!(answers.len(), documents.len());
        for (document, answer) in documents.iter().zip(&answers) {
            let alone: serde_json::Value =
                serde_json::from_str(&check(checker, document, Some(facts), &options)).unwrap();
            assert_eq!(*answer, alone);
        }
        let many = vec!["{}".to_owned(); wastecheck::check::MAX_BATCH + 1];
        let refused = check_batch(checker, &many, None, &options);
        assert!(refused.contains("request.batch_too_long"), "{refused}");
        assert_eq!(check_batch(checker, &[], None, &options), "[]");
    }

    fn builtin() -> &'static Checker {
        wastecheck_rules::checker()
    }

    #[test]
    fn check_is_the_facade() {
        let doc = r#"{"kind":"manifest","consignor":{"credit_code":"91330100716105852A"}}"#;
        let options = CheckOptions {
            locale: Some("en".into()),
            ..CheckOptions::default()
        };
        let ours = check(builtin(), doc, None, &options);
        let facade = check_json(builtin(), &format!(r#"{{"document":{doc},"locale":"en"}}"#));
        assert_eq!(ours, facade);
        assert!(ours.contains("schema.check-digit"));
    }

    #[test]
    fn bad_options_are_error_values() {
        let french = CheckOptions {
            locale: Some("fr".into()),
            ..CheckOptions::default()
        };
        let out: Value = serde_json::from_str(&check(builtin(), "{}", None, &french)).unwrap();
        assert_eq!(out["error"]["code"], "request.locale");
        let failure =
            options::<CheckOptions>(Some(r#"{"as_of":"2026-01-01"}"#), "options").unwrap_err();
        assert_eq!(failure.error.code, "request.options");
    }

    #[test]
    fn deep_junk_is_an_error_value_not_a_crash() {
        let doc = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let out: Value =
            serde_json::from_str(&check(builtin(), &doc, None, &CheckOptions::default())).unwrap();
        assert_eq!(out["error"]["code"], "request.json");
    }

    #[test]
    fn check_field_keeps_the_field() {
        let doc = r#"{"kind":"manifest","consignor":{"credit_code":"91330100716105852A"},"wastes":[{"code":"999-999-99"}]}"#;
        let out: Value = serde_json::from_str(&check_field(
            builtin(),
            doc,
            "/consignor",
            None,
            &CheckOptions::default(),
        ))
        .unwrap();
        let violations = out["violations"].as_array().unwrap();
        assert!(!violations.is_empty());
        assert!(
            violations
                .iter()
                .all(|v| v["path"].as_str().unwrap().starts_with("/consignor"))
        );
        assert_eq!(out["valid"], false);
        assert_eq!(
            out["counts"]["error"].as_u64().unwrap() as usize,
            violations.len()
        );
        assert!(is_at_or_under("/wastes/10/code", "/wastes/10"));
        assert!(!is_at_or_under("/wastes/10/code", "/wastes/1"));
    }

    #[cfg(feature = "bundles")]
    #[test]
    fn bundles_need_a_trusted_signature() {
        let bytes = wastecheck_rules::bundle();
        let refused = from_bundle(bytes, &[], &BundleOptions::default()).unwrap_err();
        assert_eq!(refused.error.code, "bundle.signature");
        let key = wastecheck::pack::bundle::SecretKey::from_seed([9; 32]);
        let signature = wastecheck::pack::bundle::sign(bytes, &key).to_string();
        let options = BundleOptions {
            signature: Some(signature),
            ..BundleOptions::default()
        };
        let (checker, digest) =
            from_bundle(bytes, &[key.public_key().to_string()], &options).unwrap();
        assert_eq!(packs(&checker), packs(builtin()));
        assert_eq!(digest, wastecheck::pack::bundle::digest(bytes));
        let other = wastecheck::pack::bundle::SecretKey::from_seed([1; 32]);
        let wrong = from_bundle(bytes, &[other.public_key().to_string()], &options).unwrap_err();
        assert_eq!(wrong.error.code, "bundle.signature");
        let unsigned = BundleOptions {
            allow_unsigned: true,
            ..BundleOptions::default()
        };
        assert!(from_bundle(bytes, &[], &unsigned).is_ok());
        let junk = from_bundle(b"not a bundle", &[], &unsigned).unwrap_err();
        assert_eq!(junk.error.code, "bundle.invalid");
        let alone = BundleOptions {
            replace: true,
            ..unsigned
        };
        let (checker, _) = from_bundle(bytes, &[], &alone).unwrap();
        assert_eq!(packs(&checker), packs(builtin()));
        let zj = wastecheck_rules::packs()
            .into_iter()
            .filter(|p| p.name == "zj")
            .collect::<Vec<_>>();
        let zj = wastecheck::pack::bundle::encode(&zj).unwrap();
        assert_eq!(
            from_bundle(&zj, &[], &alone).unwrap_err().error.code,
            "bundle.packs"
        );
    }

    #[test]
    fn catalogue_rules_packs() {
        let hits = search(builtin(), "9000414", Some(5));
        assert_eq!(hits[0].entry.code, "900-041-49");
        assert_eq!(hits[0].matched, "code_prefix");
        assert_eq!(get(builtin(), "900-041-49").unwrap().category, "HW49");
        assert!(get(builtin(), "nonsense").is_none());
        let rules = rules(builtin(), &RulesOptions::default()).unwrap();
        assert!(rules.iter().any(|r| r.id == "cn.catalogue.unknown-code"));
        assert!(packs(builtin()).iter().any(|p| p.id == "cn"));
    }

    #[cfg(feature = "schemas")]
    #[test]
    fn schema_by_kind() {
        assert!(schema("manifest").unwrap().contains("\"$schema\""));
        let unknown = schema("nonsense").unwrap_err().error;
        assert_eq!(unknown.code, "schema.kind");
        assert_eq!(
            unknown.message,
            "no schema `nonsense`: use manifest, declaration, plan, ledger, storage, \
             district_report, facts or report"
        );
    }

    #[cfg(feature = "schemas")]
    #[test]
    fn schemas_are_the_generated_ones() {
        for kind in DocumentKind::KINDS {
            let committed: Value = serde_json::from_str(schema(kind.as_str()).unwrap()).unwrap();
            assert_eq!(
                committed,
                wastecheck::schema::document_schema(kind),
                "{kind:?}"
            );
        }
        let facts: Value = serde_json::from_str(schema("facts").unwrap()).unwrap();
        assert_eq!(facts, wastecheck::schema::facts_schema());
        let report: Value = serde_json::from_str(schema("report").unwrap()).unwrap();
        assert_eq!(report, wastecheck::schema::report_schema());
    }

    /// `wasm/schemas/api.json` is generated from these types; the TypeScript
    /// declarations are generated from it. `UPDATE_SCHEMAS=1` rewrites it.
    #[test]
    fn api_schema_has_not_drifted() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/api.json");
        let fresh = format!("{}\n", serde_json::to_string_pretty(&api_schema()).unwrap());
        if std::env::var_os("UPDATE_SCHEMAS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "wasm/schemas/api.json is stale: run `UPDATE_SCHEMAS=1 cargo test -p wastecheck-wasm`"
        );
    }
}

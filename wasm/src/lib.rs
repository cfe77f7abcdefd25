//! # wastecheck-wasm
//!
//! wastecheck in the browser and in Node.js: the npm package `wastecheck`. A thin
//! wasm-bindgen layer over the core's JSON facade — no rule logic of its own.
//! Arguments are turned into JSON with the engine's own `JSON.stringify`, checked by
//! [`wastecheck::check::check_json`] exactly as natively, and the JSON that comes
//! back is handed to `JSON.parse`: a report in the browser is the native report.
//!
//! Every call that can fail returns `{ error: { code, message } }` instead of its
//! value (the facade's shape); none throws. Problems in a document are never
//! errors: they are violations in the report.
//!
//! The API in plain Rust is in [`api`]; this file only converts values.

#![warn(missing_docs)]

pub mod api;

use js_sys::JSON;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use api::Failure;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
import type {
  Document, Facts, Report, Failure, ErrorValue, CheckOptions, BundleOptions, BundleHistory,
  RulesOptions, RuleInfo, PackInfo, EditionInfo, CatalogueEntry, SearchHit,
  Next, Choices, Change, PatchOp,
} from "../../types/index.js";
export * from "../../types/index.js";
"#;

/// JSON text of a JavaScript value; `None` for `undefined` and `null`.
fn json_text(value: &JsValue, what: &str) -> Result<Option<String>, Failure> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match JSON::stringify(value) {
        Ok(text) => match text.as_string() {
            Some(text) => Ok(Some(text)),
            None => Err(Failure::new(
                "request.json",
                format!("{what} cannot be written as JSON"),
            )),
        },
        Err(error) => Err(Failure::new(
            "request.json",
            format!(
                "{what} cannot be written as JSON: {}",
                error
                    .dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
                    .unwrap_or_else(|| "JSON.stringify failed".into())
            ),
        )),
    }
}

/// A JavaScript value of JSON text made by this crate (always valid JSON).
fn js_of(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or_else(|_| {
        JSON::parse(&Failure::new("internal", "unparsable output").to_json())
            .unwrap_or(JsValue::NULL)
    })
}

fn js_of_serialize<T: serde::Serialize>(value: &T) -> JsValue {
    match serde_json::to_string(value) {
        Ok(text) => js_of(&text),
        Err(e) => js_of(&Failure::new("internal", e.to_string()).to_json()),
    }
}

fn failure(f: Failure) -> JsValue {
    js_of(&f.to_json())
}

/// A string argument. wasm-bindgen's own `&str` conversion trusts the caller: a
/// number where a string belongs would read arbitrary memory. Every string
/// argument is therefore taken as a `JsValue` and checked here.
fn string_arg(value: &JsValue) -> Option<String> {
    value
        .as_string()
        .or_else(|| value.as_f64().map(|n| n.to_string()))
}

/// The bytes of a `Uint8Array` (a Node.js `Buffer` is one) or an `ArrayBuffer`.
#[cfg(feature = "bundles")]
fn bytes_arg(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(array) = value.dyn_ref::<js_sys::Uint8Array>() {
        Some(array.to_vec())
    } else if value.is_instance_of::<js_sys::ArrayBuffer>() {
        Some(js_sys::Uint8Array::new(value).to_vec())
    } else {
        None
    }
}

fn check_options(options: &JsValue) -> Result<api::CheckOptions, Failure> {
    api::options(json_text(options, "the options")?.as_deref(), "options")
}

/// Checks documents against rule packs. Build once, check many documents.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct Checker {
    inner: wastecheck::Checker,
    /// `sha256:…` of the bundle it was loaded from.
    digest: Option<String>,
}

#[wasm_bindgen]
impl Checker {
    /// A checker over the built-in packs (national `cn`, with the 2021 National
    /// Hazardous Waste List), compiled on first use.
    pub fn builtin() -> Checker {
        Checker {
            inner: wastecheck_rules::checker().clone(),
            digest: None,
        }
    }

    /// A checker over a bundle published by a regulator (`wastecheck pack build`),
    /// whose detached signature (`options.signature`) must verify under one of
    /// `trustedKeys` (`wastecheck-ed25519-public:…`). An unsigned bundle is refused
    /// unless `options.allowUnsigned` is set. The bundle's packs layer over the
    /// built-in ones (a pack identical to a built-in one is not loaded twice, one of
    /// another version sits beside it); `options.replace` uses them alone.
    #[wasm_bindgen(js_name = fromBundle, unchecked_return_type = "Checker | Failure")]
    pub fn from_bundle(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
        #[wasm_bindgen(js_name = trustedKeys, unchecked_param_type = "string[]")]
        trusted_keys: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "BundleOptions")] options: JsValue,
    ) -> JsValue {
        #[cfg(not(feature = "bundles"))]
        let result: Result<(wastecheck::Checker, String), Failure> = {
            let _ = (bytes, trusted_keys, options);
            Err(api::unavailable("bundle.unavailable", "loading a bundle"))
        };
        #[cfg(feature = "bundles")]
        let result = (|| {
            let bytes = bytes_arg(&bytes).ok_or_else(|| {
                Failure::new(
                    "bundle.invalid",
                    "the bundle must be given as a Uint8Array (or Buffer) or an ArrayBuffer",
                )
            })?;
            let keys: Vec<String> = match json_text(&trusted_keys, "trustedKeys")? {
                None => Vec::new(),
                Some(text) => serde_json::from_str(&text)
                    .map_err(|e| Failure::new("bundle.keys", format!("trustedKeys: {e}")))?,
            };
            let options: api::BundleOptions =
                api::options(json_text(&options, "the options")?.as_deref(), "options")?;
            api::from_bundle(&bytes, &keys, &options)
        })();
        match result {
            Ok((inner, digest)) => JsValue::from(Checker {
                inner,
                digest: Some(digest),
            }),
            Err(f) => failure(f),
        }
    }

    /// Checks a document with the facts the host holds. Options: `locale`
    /// (`"zh-CN"`, the default, or `"en"`), `asOf` (`YYYY-MM-DD`), `kind`.
    #[wasm_bindgen(unchecked_return_type = "Report | Failure")]
    pub fn check(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Document")] document: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Facts | null")] facts: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CheckOptions")] options: JsValue,
    ) -> JsValue {
        let result = (|| {
            let document = json_text(&document, "the document")?
                .ok_or_else(|| Failure::new("request.document", "no document was given"))?;
            let facts = json_text(&facts, "the facts")?;
            let options = check_options(&options)?;
            Ok(api::check(
                &self.inner,
                &document,
                facts.as_deref(),
                &options,
            ))
        })();
        match result {
            Ok(text) => js_of(&text),
            Err(f) => failure(f),
        }
    }

    /// Checks many documents with the same facts and options in one call (one
    /// crossing into WebAssembly; the facts decoded and indexed once for them all):
    /// an array of answers, one per document in order, each what `check` answers
    /// for it alone — or one failure (not an array, more than 1,000 documents).
    #[wasm_bindgen(
        js_name = checkBatch,
        unchecked_return_type = "Array<Report | Failure> | Failure"
    )]
    pub fn check_batch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Document[]")] documents: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Facts | null")] facts: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CheckOptions")] options: JsValue,
    ) -> JsValue {
        let result = (|| {
            let documents = documents.dyn_ref::<js_sys::Array>().ok_or_else(|| {
                Failure::new("request.document", "the documents must be an array")
            })?;
            let documents = documents
                .iter()
                .enumerate()
                .map(|(i, document)| {
                    json_text(&document, &format!("document {i}"))?.ok_or_else(|| {
                        Failure::new("request.document", format!("document {i} is missing"))
                    })
                })
                .collect::<Result<Vec<String>, Failure>>()?;
            let facts = json_text(&facts, "the facts")?;
            let options = check_options(&options)?;
            Ok(api::check_batch(
                &self.inner,
                &documents,
                facts.as_deref(),
                &options,
            ))
        })();
        match result {
            Ok(text) => js_of(&text),
            Err(f) => failure(f),
        }
    }

    /// Validating one field as the user types: the report of the whole document
    /// (cross-field rules need it all; a manifest takes well under a millisecond)
    /// keeping only the violations at or under `pointer` (a JSON Pointer, e.g.
    /// `/consignor/credit_code` or `/wastes/0`), with `counts` and `valid`
    /// recomputed for them.
    #[wasm_bindgen(js_name = checkField, unchecked_return_type = "Report | Failure")]
    pub fn check_field(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Document")] document: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] pointer: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Facts | null")] facts: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CheckOptions")] options: JsValue,
    ) -> JsValue {
        let result = (|| {
            let pointer = pointer.as_string().ok_or_else(|| {
                Failure::new(
                    "request.pointer",
                    "the pointer must be a string (a JSON Pointer)",
                )
            })?;
            let document = json_text(&document, "the document")?
                .ok_or_else(|| Failure::new("request.document", "no document was given"))?;
            let facts = json_text(&facts, "the facts")?;
            let options = check_options(&options)?;
            Ok(api::check_field(
                &self.inner,
                &document,
                &pointer,
                facts.as_deref(),
                &options,
            ))
        })();
        match result {
            Ok(text) => js_of(&text),
            Err(f) => failure(f),
        }
    }

    /// The core's JSON facade as it is: a request `{"document", "facts", "locale",
    /// "as_of", "kind"}` as JSON text in, the report (or `{"error"}`) as JSON text
    /// out — byte for byte what the native `check_json` returns.
    #[wasm_bindgen(js_name = checkJson)]
    pub fn check_json(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] request: JsValue,
    ) -> String {
        let Some(request) = request.as_string() else {
            return Failure::new("request.json", "the request must be JSON text (a string)")
                .to_json();
        };
        if request.len() > api::MAX_INPUT_BYTES {
            return Failure::new("request.too_large", "the request is too large").to_json();
        }
        wastecheck::check::check_json(&self.inner, &request)
    }

    /// The core's batch facade as it is: JSON text in — an array of check
    /// requests, or `{"facts", "requests"}` whose facts serve the requests without
    /// their own — and a JSON array of answers out, byte for byte what the native
    /// `check_batch_json` returns.
    #[wasm_bindgen(js_name = checkBatchJson)]
    pub fn check_batch_json(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] batch: JsValue,
    ) -> String {
        let Some(batch) = batch.as_string() else {
            return Failure::new("request.json", "the batch must be JSON text (a string)")
                .to_json();
        };
        if batch.len() > api::MAX_INPUT_BYTES {
            return Failure::new("request.too_large", "the batch is too large").to_json();
        }
        wastecheck::check::check_batch_json(
            &self.inner,
            &batch,
            wastecheck::check::MAX_BATCH,
            &wastecheck::Interrupt::default(),
        )
    }

    /// The JSON Schema of a document kind (`manifest`, `declaration`, `plan`,
    /// `ledger`, `storage`, `district_report`), or of `facts` or `report`.
    #[wasm_bindgen(unchecked_return_type = "Record<string, unknown> | Failure")]
    pub fn schema(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] kind: JsValue,
    ) -> JsValue {
        match api::schema(&string_arg(&kind).unwrap_or_default()) {
            Ok(schema) => js_of(schema),
            Err(f) => failure(f),
        }
    }

    /// The rules of the chain in force for `options.region` (default national) on
    /// `options.asOf` (default: the newest packs), with their severity, titles and
    /// legal basis.
    #[wasm_bindgen(unchecked_return_type = "RuleInfo[] | Failure")]
    pub fn rules(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "RulesOptions")] options: JsValue,
    ) -> JsValue {
        let result = json_text(&options, "the options")
            .and_then(|text| api::options(text.as_deref(), "options"))
            .and_then(|options| api::rules(&self.inner, &options));
        match result {
            Ok(rules) => js_of_serialize(&rules),
            Err(f) => failure(f),
        }
    }

    /// Every loaded pack version.
    #[wasm_bindgen(unchecked_return_type = "PackInfo[]")]
    pub fn packs(&self) -> JsValue {
        js_of_serialize(&api::packs(&self.inner))
    }

    /// What this module has served from bundles: per pack id, the highest
    /// sequence number and each version's digest. Keep it (e.g. in storage) and
    /// pass it back as `fromBundle`'s `history` option so that an older bundle is
    /// refused after a reload too.
    #[wasm_bindgen(unchecked_return_type = "BundleHistory")]
    pub fn history() -> JsValue {
        js_of_serialize(&api::history())
    }

    /// `sha256:…` of the bundle, when loaded from one.
    #[wasm_bindgen(getter)]
    pub fn digest(&self) -> Option<String> {
        self.digest.clone()
    }

    /// What the document still needs: the fields its next lifecycle stage
    /// requires (in form order, with their labels in both languages) and the rules
    /// that cannot decide yet with the field or the facts each waits for.
    #[wasm_bindgen(unchecked_return_type = "Next | Failure")]
    pub fn next(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Document")] document: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Facts | null")] facts: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CheckOptions")] options: JsValue,
    ) -> JsValue {
        let result = (|| {
            let document = json_text(&document, "the document")?
                .ok_or_else(|| Failure::new("request.document", "no document was given"))?;
            let facts = json_text(&facts, "the facts")?;
            let options = check_options(&options)?;
            Ok(api::next(
                &self.inner,
                &document,
                facts.as_deref(),
                &options,
            ))
        })();
        match result {
            Ok(text) => js_of(&text),
            Err(f) => failure(f),
        }
    }

    /// The lawful values for the field at `pointer` (a waste code, the receiver,
    /// a line's method, the vehicle, a closed field), best first, each with its
    /// label in both languages and the JSON Patch that applies it.
    #[wasm_bindgen(unchecked_return_type = "Choices | Failure")]
    pub fn choices(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Document")] document: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] pointer: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Facts | null")] facts: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CheckOptions")] options: JsValue,
    ) -> JsValue {
        let result = (|| {
            let pointer = pointer.as_string().ok_or_else(|| {
                Failure::new(
                    "request.pointer",
                    "the pointer must be a string (a JSON Pointer)",
                )
            })?;
            let document = json_text(&document, "the document")?
                .ok_or_else(|| Failure::new("request.document", "no document was given"))?;
            let facts = json_text(&facts, "the facts")?;
            let options = check_options(&options)?;
            Ok(api::choices(
                &self.inner,
                &document,
                &pointer,
                facts.as_deref(),
                &options,
            ))
        })();
        match result {
            Ok(text) => js_of(&text),
            Err(f) => failure(f),
        }
    }

    /// A session on a document for a form checking as its user types: each edit
    /// re-runs only the rules reading what it changed, and the report is always
    /// exactly what `check` gives for the document as it stands.
    #[wasm_bindgen(unchecked_return_type = "Session | Failure")]
    pub fn session(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Document")] document: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Facts | null")] facts: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CheckOptions")] options: JsValue,
    ) -> JsValue {
        let result = (|| {
            let document = json_text(&document, "the document")?
                .ok_or_else(|| Failure::new("request.document", "no document was given"))?;
            let facts = json_text(&facts, "the facts")?;
            let options = check_options(&options)?;
            api::session(&self.inner, &document, facts.as_deref(), &options)
        })();
        match result {
            Ok(inner) => JsValue::from(Session { inner }),
            Err(f) => failure(f),
        }
    }

    /// The waste catalogue, for autocomplete.
    #[wasm_bindgen(getter)]
    pub fn catalogue(&self) -> Catalogue {
        Catalogue {
            inner: self.inner.clone(),
        }
    }
}

/// A document being filled in (`checker.session(document, facts, options)`).
#[wasm_bindgen]
#[derive(Debug)]
pub struct Session {
    inner: wastecheck::check::Session,
}

#[wasm_bindgen]
impl Session {
    /// Puts `value` at `pointer` (`-` appends to a list; `undefined` removes what
    /// is there) and checks again: the violations added and removed.
    #[wasm_bindgen(unchecked_return_type = "Change | Failure")]
    pub fn set(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] pointer: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "unknown")] value: JsValue,
    ) -> JsValue {
        let result = (|| {
            let pointer = pointer.as_string().ok_or_else(|| {
                Failure::new(
                    "request.pointer",
                    "the pointer must be a string (a JSON Pointer)",
                )
            })?;
            let value = match json_text(&value, "the value")? {
                None if value.is_null() => Some(serde_json::Value::Null),
                None => None,
                Some(text) => Some(
                    serde_json::from_str(&text)
                        .map_err(|e| Failure::new("request.json", e.to_string()))?,
                ),
            };
            Ok(api::edited(self.inner.set(&pointer, value)))
        })();
        match result {
            Ok(text) => js_of(&text),
            Err(f) => failure(f),
        }
    }

    /// Applies a JSON Patch (a violation's `fix`, a choice's `patch`) as one edit.
    #[wasm_bindgen(unchecked_return_type = "Change | Failure")]
    pub fn apply(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "PatchOp[]")] patch: JsValue,
    ) -> JsValue {
        let result = (|| {
            let text = json_text(&patch, "the patch")?
                .ok_or_else(|| Failure::new("request.json", "no patch was given"))?;
            let patch: Vec<wastecheck::report::PatchOp> = serde_json::from_str(&text)
                .map_err(|e| Failure::new("request.json", format!("the patch: {e}")))?;
            Ok(api::edited(self.inner.apply(&patch)))
        })();
        match result {
            Ok(text) => js_of(&text),
            Err(f) => failure(f),
        }
    }

    /// The report on the document as it stands.
    #[wasm_bindgen(getter, unchecked_return_type = "Report")]
    pub fn report(&self) -> JsValue {
        js_of_serialize(self.inner.report())
    }

    /// The document as it stands.
    #[wasm_bindgen(getter, unchecked_return_type = "Document")]
    pub fn document(&self) -> JsValue {
        js_of_serialize(self.inner.document())
    }
}

/// The National Hazardous Waste List of a checker's packs (the newest national
/// edition).
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct Catalogue {
    inner: wastecheck::Checker,
}

#[wasm_bindgen]
impl Catalogue {
    /// The best `limit` (default 10, at most 100) entries for what the user typed: a
    /// code or its beginning (dashes optional: `90004`), a category (`HW08`), or
    /// words of the description (`废矿物油`). Blank text finds nothing.
    #[wasm_bindgen(unchecked_return_type = "SearchHit[]")]
    pub fn search(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        limit: Option<u32>,
    ) -> JsValue {
        let text = string_arg(&text).unwrap_or_default();
        js_of_serialize(&api::search(&self.inner, &text, limit))
    }

    /// The entry of a code, or `null` when the code is malformed or not listed.
    #[wasm_bindgen(unchecked_return_type = "CatalogueEntry | null")]
    pub fn get(&self, #[wasm_bindgen(unchecked_param_type = "string")] code: JsValue) -> JsValue {
        match string_arg(&code).and_then(|code| api::get(&self.inner, &code)) {
            Some(entry) => js_of_serialize(&entry),
            None => JsValue::NULL,
        }
    }

    /// The edition searched (id, titles, first day in force).
    #[wasm_bindgen(getter, unchecked_return_type = "EditionInfo | null")]
    pub fn edition(&self) -> JsValue {
        match api::catalogue_edition(&self.inner) {
            Some(edition) => js_of_serialize(&edition),
            None => JsValue::NULL,
        }
    }
}

/// The package's version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

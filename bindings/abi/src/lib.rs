//! # wastecheck-abi
//!
//! The core as one WebAssembly module, `wastecheck.wasm` (built for
//! `wasm32-unknown-unknown`; it imports nothing), with a small raw ABI any wasmtime
//! binding can call — Python, Go, Java, .NET, Rust. The ABI is `spec/abi.md`:
//!
//! - `alloc(len) -> ptr` and `free(ptr, len)`: buffers in the module's memory;
//! - `check(ptr, len) -> (out_ptr << 32) | out_len`: a JSON check request in (the
//!   JSON facade's), the report out, byte for byte as `wastecheck serve` answers;
//! - `check_batch(ptr, len) -> (out_ptr << 32) | out_len`: many requests in one
//!   call (a JSON array, or `{"facts", "requests"}` with shared facts), an array of
//!   answers out;
//! - `load_bundle(bundle_ptr, bundle_len, sig_ptr, sig_len, keys_ptr, keys_len)
//!   -> (out_ptr << 32) | out_len`: serve a signed bundle's packs over the built-in
//!   ones;
//! - `load_bundle_with(…, options_ptr, options_len)`: the same with options JSON:
//!   `{"replace": true}` for the bundle's packs alone, `"allow_downgrade"`, and
//!   `"history"` (what the host served before, to refuse an older bundle).
//!
//! The functions below do the work and are tested natively; the exports exist only
//! when built for wasm32 (a native library exporting `free` would shadow libc's).

#![warn(missing_docs)]
#![deny(unsafe_code)]

use serde_json::json;
use std::cell::RefCell;
use wastecheck::Checker;
use wastecheck::pack::bundle::{PublicKey, Signature, Trust};
use wastecheck_rules::{BundleOptions, Downgrade, History};

thread_local! {
    /// The packs loaded by `load_bundle`; the built-in ones until then.
    static LOADED: RefCell<Option<Checker>> = const { RefCell::new(None) };
    /// What this instance has served, to refuse an older bundle after a newer one.
    static HISTORY: RefCell<History> = RefCell::new(History::default());
}

/// The options of `load_bundle_with`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LoadOptions {
    /// Serve the bundle's packs alone.
    #[serde(default)]
    replace: bool,
    /// Accept a bundle older than one served.
    #[serde(default)]
    allow_downgrade: bool,
    /// What the host served before (the `history` of an earlier answer), taken
    /// into this instance's own.
    #[serde(default)]
    history: Option<History>,
}

fn current() -> Checker {
    LOADED
        .with(|loaded| loaded.borrow().clone())
        .unwrap_or_else(|| wastecheck_rules::checker().clone())
}

/// `check`: a JSON check request → the report (or `{"error": …}`) as JSON.
pub fn check(request: &[u8]) -> String {
    match std::str::from_utf8(request) {
        Ok(text) => wastecheck::check::check_json(&current(), text),
        Err(e) => error(
            "request.json",
            &format!(
                "the request is not UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ),
        ),
    }
}

/// `check_batch`: a JSON batch (an array of check requests, or `{"facts",
/// "requests"}` with facts shared by the requests without their own) → a JSON
/// array of answers, one per request in order (or one `{"error"}` for a batch that
/// cannot be read or holds more than [`wastecheck::check::MAX_BATCH`] requests).
pub fn check_batch(batch: &[u8]) -> String {
    match std::str::from_utf8(batch) {
        Ok(text) => wastecheck::check::check_batch_json(
            &current(),
            text,
            wastecheck::check::MAX_BATCH,
            &wastecheck::Interrupt::default(),
        ),
        Err(e) => error(
            "request.json",
            &format!(
                "the batch is not UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ),
        ),
    }
}

fn error(code: &str, message: &str) -> String {
    json!({ "error": { "code": code, "message": message } }).to_string()
}

/// `load_bundle`: verifies `bundle` against its `signature` (text form, empty for
/// none) and the `trusted` public keys (text form, one per line), and on success
/// serves its packs over the built-in ones from the next `check` on. The same as
/// [`load_bundle_with`] with no options.
pub fn load_bundle(bundle_bytes: &[u8], signature: &[u8], trusted: &[u8]) -> String {
    load_bundle_with(bundle_bytes, signature, trusted, b"")
}

/// `load_bundle_with`: [`load_bundle`] with options, a JSON object (empty: none):
/// `{"replace": true}` serves the bundle's packs alone, without the built-in ones;
/// `"allow_downgrade": true` accepts a bundle older than one this instance served;
/// `"history"` is what the host served before (the `history` of an earlier
/// answer, kept across instances), taken into the instance's own.
/// By the one bundle policy of every face ([`wastecheck_rules::load_bundle`]): by
/// default the bundle layers over the built-in packs — a pack identical to a
/// built-in one is not loaded twice, one of another version sits beside it — and
/// the bundle must be signed by a trusted key. Answers `{"ok": {"digest",
/// "sequence", "packs": [{"id", "version", "digest"}], "history"}}` (every pack
/// served now, and what the instance has served: keep it to pass back later) or
/// `{"error": {"code", "message"}}` with `code` `bundle` (the bundle is refused:
/// the message names why, with the stable code of the refusal such as
/// `bundle.rollback`) or `bundle.options`; after an error the packs served before
/// stay in service.
pub fn load_bundle_with(
    bundle_bytes: &[u8],
    signature: &[u8],
    trusted: &[u8],
    options: &[u8],
) -> String {
    let options = match load_options(options) {
        Ok(options) => options,
        Err(message) => return error("bundle.options", &message),
    };
    if let Some(history) = &options.history {
        HISTORY.with(|ours| ours.borrow_mut().merge(history));
    }
    match try_load(bundle_bytes, signature, trusted, &options) {
        Ok(loaded) => {
            let packs: Vec<_> = loaded
                .checker
                .registry()
                .packs()
                .iter()
                .map(|p| json!({ "id": p.manifest.id, "version": p.manifest.version.to_string(), "digest": p.digest }))
                .collect();
            LOADED.with(|current| *current.borrow_mut() = Some(loaded.checker));
            let history = HISTORY.with(|history| history.borrow().clone());
            json!({ "ok": {
                "digest": loaded.digest,
                "sequence": loaded.sequence,
                "packs": packs,
                "history": history,
            } })
            .to_string()
        }
        Err(message) => error("bundle", &message),
    }
}

/// The options object (none when the buffer is empty).
fn load_options(options: &[u8]) -> Result<LoadOptions, String> {
    let text = text(options, "options")?;
    if text.is_empty() {
        return Ok(LoadOptions::default());
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("the options are not JSON: {e}"))?;
    if !value.is_object() {
        return Err("the options must be a JSON object, e.g. {\"replace\": true}".into());
    }
    serde_json::from_value(value).map_err(|e| {
        format!("the options: {e} (they are `replace`, `allow_downgrade` and `history`)")
    })
}

/// The bytes as trimmed UTF-8 text.
fn text<'a>(bytes: &'a [u8], what: &str) -> Result<&'a str, String> {
    std::str::from_utf8(bytes)
        .map(str::trim)
        .map_err(|_| format!("the {what} is not UTF-8 text"))
}

fn try_load(
    bundle_bytes: &[u8],
    signature: &[u8],
    trusted: &[u8],
    options: &LoadOptions,
) -> Result<wastecheck_rules::LoadedBundle, String> {
    let signature = match text(signature, "signature")? {
        "" => None,
        line => Some(line.parse::<Signature>().map_err(|e| e.to_string())?),
    };
    let keys = text(trusted, "list of trusted keys")?
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| line.parse::<PublicKey>().map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let policy = BundleOptions {
        trust: Trust::RequireSignature,
        replace: options.replace,
        downgrade: if options.allow_downgrade {
            Downgrade::Allow
        } else {
            Downgrade::Refuse
        },
    };
    HISTORY.with(|history| {
        wastecheck_rules::load_bundle(
            bundle_bytes,
            signature.as_ref(),
            &keys,
            &policy,
            &mut history.borrow_mut(),
        )
        .map_err(|e| format!("{e} ({})", e.code()))
    })
}

/// Talc instead of the standard library's dlmalloc: a check allocates a lot (JSON
/// trees, messages), and with talc the module's checks in wasmtime took ~4 % less
/// time (`cargo bench -p wastecheck-host`).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod exports {
    //! The raw exports. Every buffer crossing the boundary is a `Box<[u8]>` of
    //! exactly its length, so `free(ptr, len)` can always rebuild it.

    fn give(bytes: Vec<u8>) -> u64 {
        let len = bytes.len() as u64;
        let ptr = Box::into_raw(bytes.into_boxed_slice()) as *mut u8 as usize as u64;
        (ptr << 32) | len
    }

    /// # Safety
    /// `ptr, len` must be a buffer from `alloc` (or null and 0).
    unsafe fn view<'a>(ptr: u32, len: u32) -> &'a [u8] {
        if len == 0 {
            return &[];
        }
        // SAFETY: the host wrote `len` bytes at `ptr`, a buffer from `alloc`.
        unsafe { std::slice::from_raw_parts(ptr as usize as *const u8, len as usize) }
    }

    /// A buffer of `len` bytes for the host to write into.
    #[unsafe(no_mangle)]
    pub extern "C" fn alloc(len: u32) -> u32 {
        let buffer = vec![0u8; len as usize].into_boxed_slice();
        Box::into_raw(buffer) as *mut u8 as usize as u32
    }

    /// Frees a buffer from `alloc`, or one `check`/`load_bundle` returned.
    ///
    /// # Safety
    /// `ptr, len` must be such a buffer, freed once.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn free(ptr: u32, len: u32) {
        let slice = std::ptr::slice_from_raw_parts_mut(ptr as usize as *mut u8, len as usize);
        // SAFETY: a `Box<[u8]>` of exactly `len` bytes was leaked at `ptr`.
        drop(unsafe { Box::from_raw(slice) });
    }

    /// Checks a JSON request; returns `(out_ptr << 32) | out_len`.
    ///
    /// # Safety
    /// `ptr, len` must be a buffer from `alloc`.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn check(ptr: u32, len: u32) -> u64 {
        // SAFETY: per the contract.
        let request = unsafe { view(ptr, len) };
        give(super::check(request).into_bytes())
    }

    /// Checks a JSON batch of requests; returns `(out_ptr << 32) | out_len`.
    ///
    /// # Safety
    /// `ptr, len` must be a buffer from `alloc`.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn check_batch(ptr: u32, len: u32) -> u64 {
        // SAFETY: per the contract.
        let batch = unsafe { view(ptr, len) };
        give(super::check_batch(batch).into_bytes())
    }

    /// Loads a signed bundle; returns `(out_ptr << 32) | out_len`.
    ///
    /// # Safety
    /// Each pair must be a buffer from `alloc` (or 0, 0).
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn load_bundle(
        bundle_ptr: u32,
        bundle_len: u32,
        sig_ptr: u32,
        sig_len: u32,
        keys_ptr: u32,
        keys_len: u32,
    ) -> u64 {
        // SAFETY: per the contract.
        let (bundle, sig, keys) = unsafe {
            (
                view(bundle_ptr, bundle_len),
                view(sig_ptr, sig_len),
                view(keys_ptr, keys_len),
            )
        };
        give(super::load_bundle(bundle, sig, keys).into_bytes())
    }

    /// Loads a signed bundle with options (JSON, e.g. `{"replace": true}`; empty for
    /// none); returns `(out_ptr << 32) | out_len`.
    ///
    /// # Safety
    /// Each pair must be a buffer from `alloc` (or 0, 0).
    #[unsafe(no_mangle)]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn load_bundle_with(
        bundle_ptr: u32,
        bundle_len: u32,
        sig_ptr: u32,
        sig_len: u32,
        keys_ptr: u32,
        keys_len: u32,
        options_ptr: u32,
        options_len: u32,
    ) -> u64 {
        // SAFETY: per the contract.
        let (bundle, sig, keys, options) = unsafe {
            (
                view(bundle_ptr, bundle_len),
                view(sig_ptr, sig_len),
                view(keys_ptr, keys_len),
                view(options_ptr, options_len),
            )
        };
        give(super::load_bundle_with(bundle, sig, keys, options).into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wastecheck::pack::bundle::{self, PackFiles, SecretKey};

    #[test]
    fn check_is_the_facade() {
        let request = r#"{"document": {"kind": "manifest"}, "locale": "en"}"#;
        assert_eq!(
            check(request.as_bytes()),
            wastecheck::check::check_json(wastecheck_rules::checker(), request)
        );
        assert!(check(b"{\xff}").contains("request.json"));
    }

    #[test]
    fn check_batch_is_the_facade() {
        let batch = r#"{"facts": {"licences": []}, "requests": [{"document": {"kind": "manifest"}}, {"document": {}, "locale": "fr"}]}"#;
        assert_eq!(
            check_batch(batch.as_bytes()),
            wastecheck::check::check_batch_json(
                wastecheck_rules::checker(),
                batch,
                wastecheck::check::MAX_BATCH,
                &wastecheck::Interrupt::default()
            )
        );
        assert!(check_batch(b"[\xff]").contains("request.json"));
    }

    #[test]
    fn a_signed_bundle_is_served_and_a_bad_one_refused() {
        let pack = PackFiles {
            name: "zj-test".into(),
            files: [(
                "pack.toml".to_owned(),
                "id = \"zj-test\"\nversion = \"1.0.0\"\njurisdiction = \"330000\"\neffective_from = \"2021-01-01\"\nextends = { id = \"cn\", version = \"^1\" }\n[title]\nzh-CN = \"测试\"\nen = \"Test\"\n".to_owned(),
            )]
            .into_iter()
            .collect(),
        };
        let bytes = bundle::encode(&[pack]).unwrap();
        let key = SecretKey::from_seed([3; 32]);
        let signature = bundle::sign(&bytes, &key).to_string();
        let trusted = key.public_key().to_string();

        let refused = load_bundle(&bytes, b"", trusted.as_bytes());
        assert!(refused.contains("not signed"), "{refused}");
        let refused = load_bundle(
            &bytes[..bytes.len() / 2],
            signature.as_bytes(),
            trusted.as_bytes(),
        );
        assert!(refused.contains("\"error\""), "{refused}");

        let loaded = load_bundle(&bytes, signature.as_bytes(), trusted.as_bytes());
        assert!(loaded.contains("zj-test"), "{loaded}");
        let document = r#"{"document": {"kind": "manifest", "consignor": {"region": "330100"}}}"#;
        assert!(check(document.as_bytes()).contains("\"id\":\"zj-test\""));
    }

    #[test]
    fn a_zj_bundle_layers_over_the_built_in_cn_or_replaces_it() {
        let bytes =
            bundle::encode(&[wastecheck_rules::rereleased("zj", "1.1.0").unwrap()]).unwrap();
        let zj_digest = bundle::digest(&bytes);
        let key = SecretKey::from_seed([5; 32]);
        let signature = bundle::sign(&bytes, &key).to_string();
        let trusted = key.public_key().to_string();

        let alone = load_bundle_with(
            &bytes,
            signature.as_bytes(),
            trusted.as_bytes(),
            br#"{"replace": true}"#,
        );
        assert!(alone.contains("extends cn ^1"), "{alone}");
        let bad = load_bundle_with(&bytes, signature.as_bytes(), trusted.as_bytes(), b"[]");
        assert!(bad.contains("bundle.options"), "{bad}");
        let bad = load_bundle_with(
            &bytes,
            signature.as_bytes(),
            trusted.as_bytes(),
            br#"{"replce": true}"#,
        );
        assert!(bad.contains("unknown field `replce`"), "{bad}");

        let loaded = load_bundle(&bytes, signature.as_bytes(), trusted.as_bytes());
        let loaded: serde_json::Value = serde_json::from_str(&loaded).unwrap();
        let served: Vec<String> = loaded["ok"]["packs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{}@{}",
                    p["id"].as_str().unwrap(),
                    p["version"].as_str().unwrap()
                )
            })
            .collect();
        assert!(served.contains(&"zj@1.0.0".to_owned()), "{served:?}");
        assert!(served.contains(&"zj@1.1.0".to_owned()), "{served:?}");

        let request = r#"{"document": {"kind": "manifest", "consignor": {"region": "330106"}}}"#;
        let report: serde_json::Value = serde_json::from_str(&check(request.as_bytes())).unwrap();
        let cn_digest = &wastecheck_rules::builtin()
            .packs()
            .iter()
            .find(|p| p.manifest.id == "cn")
            .unwrap()
            .digest;
        let mut packs: Vec<(String, String, String)> = report["packs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let field = |k: &str| p[k].as_str().unwrap().to_owned();
                (field("id"), field("version"), field("digest"))
            })
            .collect();
        packs.sort();
        assert_eq!(
            packs,
            [
                ("cn".into(), "1.0.0".into(), cn_digest.clone()),
                ("zj".into(), "1.1.0".into(), zj_digest)
            ]
        );
    }

    #[test]
    fn an_older_bundle_is_refused_after_a_newer_one_and_the_history_is_handed_back() {
        let zj = wastecheck_rules::rereleased("zj", "1.1.0").unwrap();
        let key = SecretKey::from_seed([5; 32]);
        let trusted = key.public_key().to_string();
        let issue = |sequence: u64, pack: &PackFiles| {
            let bytes = bundle::encode_sequenced(std::slice::from_ref(pack), sequence).unwrap();
            let signature = bundle::sign(&bytes, &key).to_string();
            (bytes, signature)
        };
        let (newer, newer_signature) = issue(7, &zj);
        let (older, older_signature) = issue(6, &zj);
        let loaded = load_bundle(&newer, newer_signature.as_bytes(), trusted.as_bytes());
        let loaded: serde_json::Value = serde_json::from_str(&loaded).unwrap();
        assert_eq!(loaded["ok"]["sequence"], 7, "{loaded}");
        let history = loaded["ok"]["history"].clone();
        assert_eq!(history["packs"]["zj"]["sequence"], 7, "{history}");

        let refused = load_bundle(&older, older_signature.as_bytes(), trusted.as_bytes());
        assert!(refused.contains("bundle.rollback"), "{refused}");
        let allowed = load_bundle_with(
            &older,
            older_signature.as_bytes(),
            trusted.as_bytes(),
            br#"{"allow_downgrade": true}"#,
        );
        assert!(allowed.contains("\"ok\""), "{allowed}");

        // Another content under a version served: refused even when downgrading.
        let mut other = zj.clone();
        other.files.insert("extra.csv".into(), "a,b\n".into());
        let (confusing, confusing_signature) = issue(8, &other);
        let refused = load_bundle_with(
            &confusing,
            confusing_signature.as_bytes(),
            trusted.as_bytes(),
            br#"{"allow_downgrade": true}"#,
        );
        assert!(refused.contains("bundle.conflict"), "{refused}");

        // A new instance (thread) handed the history refuses the older one too.
        let options = serde_json::json!({ "history": history }).to_string();
        std::thread::spawn(move || {
            let refused = load_bundle_with(
                &older,
                older_signature.as_bytes(),
                trusted.as_bytes(),
                options.as_bytes(),
            );
            assert!(refused.contains("bundle.rollback"), "{refused}");
            let fresh = load_bundle(&older, older_signature.as_bytes(), trusted.as_bytes());
            assert!(fresh.contains("bundle.rollback"), "{fresh}");
        })
        .join()
        .unwrap();
    }
}

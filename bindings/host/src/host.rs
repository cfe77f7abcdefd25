//! [`Host`]: one sandboxed instance, its limits, and the bundle it serves.

use crate::instance::{Failure, Limiter, Live, set_budget};
use crate::limits::Budget;
use crate::{HostError, Limits, Module};
use serde_json::Value;
use wasmtime::{Instance, ResourceLimiter, Store};

/// What a loaded bundle serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleLoaded {
    /// `sha256:…` of the bundle bytes.
    pub digest: String,
    /// The issuer's sequence number of the bundle.
    pub sequence: u64,
    /// Every pack served now, built-in ones included, as `(id, version, digest)`.
    pub packs: Vec<(String, String, String)>,
}

/// How a bundle is loaded ([`Host::load_bundle_with`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BundleOptions {
    /// Serve the bundle's packs alone, without the built-in ones (which it must
    /// then carry every parent of). By default (`false`) they layer over the
    /// built-in packs: one identical to a built-in pack is not loaded twice, one of
    /// another version sits beside it.
    pub replace: bool,
    /// Accept a bundle older (by its signed sequence number) than one this host
    /// served: rolling back on purpose. Refused by default.
    pub allow_downgrade: bool,
}

/// A signed bundle as the host keeps it, to load it again into a new instance.
#[derive(Debug, Clone)]
pub(crate) struct Bundle {
    pub(crate) bytes: Vec<u8>,
    pub(crate) signature: String,
    pub(crate) trusted: String,
    pub(crate) options: BundleOptions,
}

/// One sandboxed instance of `wastecheck.wasm`, reused for every call.
pub struct Host {
    module: Module,
    limits: Limits,
    bundle: Option<Bundle>,
    /// What the host served (the module's `history`), handed to every new instance
    /// so that a trap does not make it forget and accept an older bundle.
    history: Option<Value>,
    live: Option<Live>,
    restarts: u64,
    fuel_used: Option<u64>,
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host")
            .field("limits", &self.limits)
            .field("bundle", &self.bundle.as_ref().map(|b| b.bytes.len()))
            .field("live", &self.live.is_some())
            .field("restarts", &self.restarts)
            .finish_non_exhaustive()
    }
}

impl Host {
    /// A host over a compiled module, with its instance ready (the built-in packs
    /// compiled inside it).
    pub fn new(module: &Module, limits: Limits) -> Result<Host, HostError> {
        check_fuel_asked(module, &limits)?;
        let mut host = Host {
            module: module.clone(),
            limits,
            bundle: None,
            history: None,
            live: None,
            restarts: 0,
            fuel_used: None,
        };
        host.live = Some(host.instantiate()?);
        Ok(host)
    }

    /// Compiles `wasm` and makes a host over it: [`Module::new`] then [`Host::new`].
    /// To run several hosts, compile the module once instead.
    pub fn from_wasm(wasm: &[u8], limits: Limits) -> Result<Host, HostError> {
        Host::new(&Module::new(wasm)?, limits)
    }

    /// The limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Changes the limits from the next call on. (A lower memory cap does not shrink
    /// memory the instance already has; it stops it growing.) Refuses a fuel budget
    /// for a module without fuel metering.
    pub fn set_limits(&mut self, limits: Limits) -> Result<(), HostError> {
        check_fuel_asked(&self.module, &limits)?;
        self.limits = limits;
        if let Some(live) = &mut self.live {
            live.store.data_mut().max_memory = limits.max_memory_bytes;
        }
        Ok(())
    }

    /// How many times the instance was made again after a trap.
    pub fn restarts(&self) -> u64 {
        self.restarts
    }

    /// The fuel the last call used (a check or a bundle load), to tune [`Limits`];
    /// `None` for a module without fuel metering.
    pub fn fuel_used(&self) -> Option<u64> {
        self.fuel_used
    }

    /// The bytes of linear memory the instance has now.
    pub fn memory_bytes(&self) -> usize {
        self.live
            .as_ref()
            .map_or(0, |live| live.memory.data_size(&live.store))
    }

    /// Checks a JSON check request — the body of `POST /v1/check`: `{"document",
    /// "facts", "locale", "as_of", "kind"}` — and answers the report, or
    /// `{"error": …}` for a request that cannot be served, exactly as
    /// `wastecheck::check::check_json` does. Errors only when the sandbox stopped
    /// the call; the host is ready again afterwards.
    pub fn check_json(&mut self, request: &str) -> Result<String, HostError> {
        let budget = self.limits.check_budget();
        let max = self.limits.max_memory_bytes;
        let answer = self.call(budget, |live| {
            if request.len() >= max {
                // It could never fit: no need to make the module trap.
                return Err(Failure::Kept(HostError::MemoryLimit { limit: max }));
            }
            live.check(request.as_bytes())
        })?;
        String::from_utf8(answer)
            .map_err(|_| HostError::Abi("the answer of `check` is not UTF-8".into()))
    }

    /// Checks a JSON batch — an array of check requests (the body of `POST
    /// /v1/check/batch`), or `{"facts", "requests"}` whose facts serve the requests
    /// without their own, prepared once — in one call of the module, and answers a
    /// JSON array of answers, one per request, exactly as
    /// `wastecheck::check::check_batch_json` does. The call has the time and fuel
    /// of one check for each request. Errors only when the sandbox stopped the
    /// call (a module built before `check_batch` is an ABI error).
    pub fn check_batch_json(&mut self, batch: &str) -> Result<String, HostError> {
        let requests = requests_in(batch).max(1);
        let one = self.limits.check_budget();
        let budget = Budget {
            time: one.time.saturating_mul(requests),
            fuel: one.fuel.map(|f| f.saturating_mul(u64::from(requests))),
        };
        let max = self.limits.max_memory_bytes;
        let answer = self.call(budget, |live| {
            if batch.len() >= max {
                return Err(Failure::Kept(HostError::MemoryLimit { limit: max }));
            }
            live.check_batch(batch.as_bytes())
        })?;
        String::from_utf8(answer)
            .map_err(|_| HostError::Abi("the answer of `check_batch` is not UTF-8".into()))
    }

    /// Verifies a signed bundle (from `wastecheck pack build`) against its
    /// `signature` (the line of `FILE.sig`) and the `trusted` public keys (lines of
    /// `KEYFILE.pub`), and on success serves its packs over the built-in ones
    /// from the next check on — replacing a bundle loaded before, as the ABI does.
    /// The host keeps the bundle and loads it again into a new instance after a trap.
    pub fn load_bundle(
        &mut self,
        bundle: &[u8],
        signature: &str,
        trusted: &[&str],
    ) -> Result<BundleLoaded, HostError> {
        self.load_bundle_with(bundle, signature, trusted, BundleOptions::default())
    }

    /// [`Host::load_bundle`] with options: [`BundleOptions::replace`] serves the
    /// bundle's packs alone (the ABI's `load_bundle_with`, which a module built
    /// before it lacks: then only the default options work).
    pub fn load_bundle_with(
        &mut self,
        bundle: &[u8],
        signature: &str,
        trusted: &[&str],
        options: BundleOptions,
    ) -> Result<BundleLoaded, HostError> {
        let bundle = Bundle {
            bytes: bundle.to_vec(),
            signature: signature.to_owned(),
            trusted: trusted.join("\n"),
            options,
        };
        let budget = self.limits.load_budget();
        let history = self.history.clone();
        let answer = self.call(budget, |live| live.load(&bundle, history.as_ref()))?;
        let (loaded, history) = parse_loaded(&answer)?;
        self.bundle = Some(bundle);
        self.history = history;
        Ok(loaded)
    }

    /// What this host has served from bundles (per pack id, the highest sequence
    /// and each version's digest), to keep across restarts and hand back with
    /// [`Host::set_history`].
    pub fn history(&self) -> Option<&Value> {
        self.history.as_ref()
    }

    /// Starts from what was served before (a history kept from
    /// [`Host::history`]): a bundle older than one in it is refused.
    pub fn set_history(&mut self, history: Value) {
        self.history = Some(history);
    }

    /// Runs `f` on the live instance (made again first if a trap lost it) within
    /// `budget`; after a trap, drops the instance and makes a new one at once.
    fn call<T>(
        &mut self,
        budget: Budget,
        f: impl FnOnce(&mut Live) -> Result<T, Failure>,
    ) -> Result<T, HostError> {
        let mut live = match self.live.take() {
            Some(live) => live,
            None => self.instantiate()?,
        };
        live.store.data_mut().hit = false;
        live.start(budget, self.module.fuel)?;
        let result = f(&mut live);
        self.fuel_used = live.fuel_used(self.module.fuel);
        match result {
            Ok(value) => {
                self.live = Some(live);
                Ok(value)
            }
            Err(Failure::Kept(error)) => {
                self.live = Some(live);
                Err(error)
            }
            Err(Failure::Trapped(error)) => {
                drop(live);
                self.restarts += 1;
                // Ready for the next call now; if that fails, the next call tries again.
                self.live = self.instantiate().ok();
                Err(error)
            }
        }
    }

    /// A new instance, with the built-in packs compiled (by a first check of an
    /// empty manifest) and the bundle loaded before, if any, loaded again.
    fn instantiate(&self) -> Result<Live, HostError> {
        let budget = self.limits.load_budget();
        let mut store = Store::new(
            &self.module.engine,
            Limiter {
                max_memory: self.limits.max_memory_bytes,
                hit: false,
                budget,
            },
        );
        store.limiter(|limiter| limiter as &mut dyn ResourceLimiter);
        set_budget(&mut store, budget, self.module.fuel)?;
        let limit = self.limits.max_memory_bytes;
        let instance = Instance::new(&mut store, &self.module.module, &[]).map_err(|e| {
            if store.data().hit {
                HostError::MemoryLimit { limit }
            } else {
                HostError::Abi(format!("instantiating: {e:#}"))
            }
        })?;
        let abi = |e: wasmtime::Error| HostError::Abi(format!("{e:#}"));
        let memory = instance
            .get_memory(&mut store, "memory")
            .ok_or_else(|| HostError::Abi("no exported memory `memory`".into()))?;
        let mut live = Live {
            alloc: instance.get_typed_func(&mut store, "alloc").map_err(abi)?,
            free: instance.get_typed_func(&mut store, "free").map_err(abi)?,
            check: instance.get_typed_func(&mut store, "check").map_err(abi)?,
            check_batch: match instance.get_export(&mut store, "check_batch") {
                Some(_) => Some(
                    instance
                        .get_typed_func(&mut store, "check_batch")
                        .map_err(abi)?,
                ),
                None => None,
            },
            load_bundle: instance
                .get_typed_func(&mut store, "load_bundle")
                .map_err(abi)?,
            load_bundle_with: match instance.get_export(&mut store, "load_bundle_with") {
                Some(_) => Some(
                    instance
                        .get_typed_func(&mut store, "load_bundle_with")
                        .map_err(abi)?,
                ),
                None => None,
            },
            memory,
            store,
        };
        let ready = |result: Result<Vec<u8>, Failure>| match result {
            Ok(answer) => Ok(answer),
            Err(Failure::Trapped(e) | Failure::Kept(e)) => Err(e),
        };
        const WARM_UP: &[u8] = br#"{"document": {"kind": "manifest"}}"#;
        ready(live.check(WARM_UP))?;
        if let Some(bundle) = &self.bundle {
            let answer = ready(live.load(bundle, self.history.as_ref()))?;
            parse_loaded(&answer)?;
        }
        Ok(live)
    }
}

/// How many requests a batch holds (0 when it is not one: the module then answers
/// an error within one check's budget).
fn requests_in(batch: &str) -> u32 {
    use serde::de::IgnoredAny;
    #[derive(serde::Deserialize)]
    struct Shared {
        requests: Vec<IgnoredAny>,
    }
    let count = serde_json::from_str::<Vec<IgnoredAny>>(batch)
        .map(|all| all.len())
        .or_else(|_| serde_json::from_str::<Shared>(batch).map(|s| s.requests.len()))
        .unwrap_or(0);
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// Refuses a fuel budget for a module that does not meter fuel: it would be ignored.
fn check_fuel_asked(module: &Module, limits: &Limits) -> Result<(), HostError> {
    if !module.fuel && (limits.check_fuel.is_some() || limits.load_fuel.is_some()) {
        return Err(HostError::Config(
            "the limits give a fuel budget, but the module was compiled without fuel metering: compile it with `Module::with_fuel`".into(),
        ));
    }
    Ok(())
}

/// The `ok` of a `load_bundle` answer (and the history it hands back), or its
/// error.
fn parse_loaded(answer: &[u8]) -> Result<(BundleLoaded, Option<Value>), HostError> {
    let value: Value = serde_json::from_slice(answer)
        .map_err(|e| HostError::Abi(format!("the answer of `load_bundle` is not JSON: {e}")))?;
    if let Some(message) = value.pointer("/error/message").and_then(Value::as_str) {
        return Err(HostError::Bundle(message.to_owned()));
    }
    let text = |v: &Value, key: &str| {
        v.get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| HostError::Abi(format!("`load_bundle` answered without `{key}`")))
    };
    let ok = value
        .get("ok")
        .ok_or_else(|| HostError::Abi("`load_bundle` answered neither ok nor error".into()))?;
    let packs = ok
        .get("packs")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|p| Ok((text(p, "id")?, text(p, "version")?, text(p, "digest")?)))
        .collect::<Result<_, HostError>>()?;
    let loaded = BundleLoaded {
        digest: text(ok, "digest")?,
        sequence: ok
            .get("sequence")
            .and_then(Value::as_u64)
            .unwrap_or_default(),
        packs,
    };
    Ok((loaded, ok.get("history").cloned()))
}

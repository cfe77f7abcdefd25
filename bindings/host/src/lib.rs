//! # wastecheck-host
//!
//! Runs `wastecheck.wasm` — the core with the built-in packs as one raw-ABI
//! WebAssembly module (crate `wastecheck-abi`, `spec/abi.md`) — in wasmtime, with
//! limits: every call gets a time limit (an epoch deadline), the instance's memory is
//! capped, and a call that runs past either ends with a clear error
//! ([`HostError::Timeout`], [`HostError::MemoryLimit`]) instead of taking the process
//! with it. Use it to check documents against packs from publishers you do not fully
//! trust: their scripts run inside the sandbox, and the worst they can do is fail
//! their own check.
//!
//! A time limit costs little (a check of a counter at each function entry and loop
//! back edge; one thread per [`Module`] ticks it every [`TICK`]) but depends on the
//! machine's speed and load. For budgets that are the same on every machine, compile
//! with [`Module::with_fuel`] and give [`Limits::check_fuel`]: wasmtime then counts
//! about one unit per instruction executed ([`HostError::OutOfFuel`]), which makes
//! checks about 1.2× slower.
//!
//! One [`Host`] keeps one instance and reuses it for every call (the exports are
//! looked up once). After a trap the instance is in an unknown state: the host drops
//! it, instantiates the module again and loads the bundle it had loaded, so the next
//! call works. A host is one instance, used by one thread at a time; for parallel
//! checks keep several hosts over one [`Module`] (compiled once).
//!
//! ```no_run
//! use wastecheck_host::{Host, Limits, Module};
//!
//! let module = Module::new(&std::fs::read("wastecheck.wasm")?)?;
//! let mut host = Host::new(&module, Limits::default())?;
//! let report = host.check_json(r#"{"document": {"kind": "manifest"}, "locale": "en"}"#)?;
//! assert!(report.contains("\"valid\":false"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Answers are the module's, which are the JSON facade's
//! (`wastecheck::check::check_json`) byte for byte: a report, or
//! `{"error": {"code", "message"}}` for a request that cannot be served (bad JSON, a
//! wrong locale, date or kind). Those are answers, not [`HostError`]s: a `HostError`
//! means the sandbox stopped the call, or the module is not a `wastecheck.wasm`.

use serde_json::Value;
use std::time::Duration;
use wasmtime::{Config, Engine, Instance, Memory, ResourceLimiter, Store, Trap, TypedFunc};

/// The limits of a host, with their defaults in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How long one check may run. Default 2 s: a check of the 2.7 KB example
    /// manifest against the built-in packs takes about 0.1 ms, one of a 2.7 MB
    /// manifest of 20,000 waste lines about 0.1 s, so the default covers the
    /// service's 10 MiB bodies with room for a loaded machine. Enforced to within
    /// one [`TICK`].
    pub check_time: Duration,
    /// How long loading a bundle (verifying it and compiling its packs with the
    /// built-in ones), or readying a new instance (compiling the built-in packs), may
    /// run. Default 20 s.
    pub load_time: Duration,
    /// Fuel for one check (about one unit per WebAssembly instruction), for a module
    /// from [`Module::with_fuel`]; `None`, the default, for no fuel budget. A check
    /// of the 2.7 KB example manifest takes 0.8 million, one of the 2.7 MB manifest
    /// 510 million (about 190 per byte).
    pub check_fuel: Option<u64>,
    /// Fuel for loading a bundle or readying an instance, for a module from
    /// [`Module::with_fuel`]; `None`, the default, for no fuel budget.
    pub load_fuel: Option<u64>,
    /// The most linear memory the instance may have, in bytes. Default 512 MiB. The
    /// module starts with 4 MiB and grows while checking (to 27 MiB for the 2.7 MB
    /// manifest: the parsed document takes several times its text), and keeps what
    /// it grew to.
    pub max_memory_bytes: usize,
}

impl Limits {
    /// The default time limit of one check.
    pub const DEFAULT_CHECK_TIME: Duration = Duration::from_secs(2);
    /// The default time limit of loading a bundle or readying an instance.
    pub const DEFAULT_LOAD_TIME: Duration = Duration::from_secs(20);
    /// The default memory cap.
    pub const DEFAULT_MAX_MEMORY_BYTES: usize = 512 << 20;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            check_time: Self::DEFAULT_CHECK_TIME,
            load_time: Self::DEFAULT_LOAD_TIME,
            check_fuel: None,
            load_fuel: None,
            max_memory_bytes: Self::DEFAULT_MAX_MEMORY_BYTES,
        }
    }
}

/// How often the epoch of a [`Module`]'s engine advances: the resolution of the
/// time limits.
pub const TICK: Duration = Duration::from_millis(10);

/// The epoch deadline, in ticks from now, that lets a call run for at least `time`.
fn ticks(time: Duration) -> u64 {
    if time.is_zero() {
        return 0;
    }
    // One more than the ticks in `time`: the tick now under way may end at once.
    u64::try_from(time.as_nanos().div_ceil(TICK.as_nanos()))
        .unwrap_or(u64::MAX)
        .saturating_add(1)
}

/// Why a host could not answer.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum HostError {
    /// The bytes are not a WebAssembly module wasmtime can compile.
    #[error("not a WebAssembly module wasmtime can compile: {0}")]
    Compile(String),
    /// The module does not have the exports of `wastecheck.wasm` (spec/abi.md), or
    /// broke its rules (an answer outside its memory, not UTF-8).
    #[error("the module is not a wastecheck.wasm (spec/abi.md): {0}")]
    Abi(String),
    /// The call ran past its time limit: the document or the packs need more work
    /// than the limit allows. The host is ready again for the next call.
    #[error(
        "the call ran past its time limit of {} ms: the document or the rule packs need more work than the sandbox allows",
        limit.as_millis()
    )]
    Timeout {
        /// The time the call had.
        limit: Duration,
    },
    /// The call used up its fuel: the document or the packs need more work than
    /// the limit allows. The host is ready again for the next call.
    #[error(
        "the call used up its fuel ({limit} units): the document or the rule packs need more work than the sandbox allows"
    )]
    OutOfFuel {
        /// The fuel the call had.
        limit: u64,
    },
    /// The call needed more memory than the cap. The host is ready again for the
    /// next call.
    #[error(
        "the call needed more memory than the sandbox's cap of {limit} bytes (the document is too large, or the rule packs use too much memory)"
    )]
    MemoryLimit {
        /// The cap, in bytes.
        limit: usize,
    },
    /// The module trapped for another reason (a stack overflow, an `unreachable`).
    /// The host is ready again for the next call.
    #[error("the module trapped: {0}")]
    Trap(String),
    /// The limits ask for fuel of a module compiled without fuel metering (use
    /// [`Module::with_fuel`]).
    #[error("{0}")]
    Config(String),
    /// The module refused the bundle (unsigned, untrusted key, tampered, packs that
    /// do not load); the packs served before stay in service.
    #[error("the bundle was refused: {0}")]
    Bundle(String),
}

/// `wastecheck.wasm` compiled for this machine, once; cheap to clone and to share
/// between threads, and the start of any number of [`Host`]s.
#[derive(Clone)]
pub struct Module {
    engine: Engine,
    module: wasmtime::Module,
    fuel: bool,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module").finish_non_exhaustive()
    }
}

/// The stack of the thread that compiles a module: compiling a large module with an
/// unoptimised cranelift (a debug build) needs more than a test thread's 2 MiB.
const COMPILE_STACK_BYTES: usize = 64 << 20;

impl Module {
    /// Compiles a `wastecheck.wasm` (a few seconds for the ~5 MB module; on a thread
    /// of its own with a large stack) and checks it has the ABI's exports. Calls are
    /// limited by time and memory.
    pub fn new(wasm: &[u8]) -> Result<Module, HostError> {
        Module::compile(wasm, false)
    }

    /// Like [`Module::new`], with fuel metering as well: calls can also be given a
    /// fuel budget ([`Limits::check_fuel`]), the same on every machine, at the cost
    /// of about 1.2× the time per check.
    pub fn with_fuel(wasm: &[u8]) -> Result<Module, HostError> {
        Module::compile(wasm, true)
    }

    /// Whether the module meters fuel.
    pub fn meters_fuel(&self) -> bool {
        self.fuel
    }

    fn compile(wasm: &[u8], fuel: bool) -> Result<Module, HostError> {
        let mut config = Config::new();
        config.consume_fuel(fuel).epoch_interruption(true);
        // Function tables filled at instantiation rather than on first use: an
        // indirect call (every `dyn` call in the module, `core::fmt` included) then
        // skips the lazy-initialisation check; instantiation stays ~10 ms.
        config.table_lazy_init(false);
        let engine = Engine::new(&config).map_err(|e| HostError::Compile(e.to_string()))?;
        let compiled = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("wastecheck-host-compile".into())
                .stack_size(COMPILE_STACK_BYTES)
                .spawn_scoped(scope, || wasmtime::Module::new(&engine, wasm))
                .map_err(|e| HostError::Compile(format!("no thread to compile on: {e}")))?
                .join()
                .map_err(|_| HostError::Compile("the compiler panicked".into()))
        })?;
        let module = compiled.map_err(|e| HostError::Compile(format!("{e:#}")))?;
        if let Some(import) = module.imports().next() {
            return Err(HostError::Abi(format!(
                "it imports `{}.{}`; wastecheck.wasm imports nothing",
                import.module(),
                import.name()
            )));
        }
        for export in ["memory", "alloc", "free", "check", "load_bundle"] {
            if module.get_export(export).is_none() {
                return Err(HostError::Abi(format!("no export `{export}`")));
            }
        }
        start_ticker(&engine)?;
        Ok(Module {
            engine,
            module,
            fuel,
        })
    }
}

/// Advances the engine's epoch every [`TICK`], on a thread of its own that ends
/// once the engine is gone (the last [`Module`] and [`Host`] over it dropped).
fn start_ticker(engine: &Engine) -> Result<(), HostError> {
    let weak = engine.weak();
    std::thread::Builder::new()
        .name("wastecheck-host-epoch".into())
        .spawn(move || {
            while let Some(engine) = weak.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(TICK);
            }
        })
        .map(drop)
        .map_err(|e| HostError::Compile(format!("no thread for the time limits: {e}")))
}

/// The environment variable that names `wastecheck.wasm` for [`workspace_module`].
pub const MODULE_VAR: &str = "WASTECHECK_WASM";

/// The bytes of `wastecheck.wasm` as a checkout of this workspace has it:
/// `$WASTECHECK_WASM` (a relative path from `workspace`), else `target/wastecheck.wasm`
/// under `workspace` (`./x abi-wasm` builds it). The error names where it looked and
/// how to build it.
pub fn workspace_module(workspace: &std::path::Path) -> Result<Vec<u8>, String> {
    let path = module_path(workspace, std::env::var_os(MODULE_VAR));
    std::fs::read(&path).map_err(|e| {
        format!(
            "wastecheck.wasm not found at {} ({e}): build it with `./x abi-wasm`, or set {MODULE_VAR}",
            path.display()
        )
    })
}

/// Where [`workspace_module`] looks. A relative `$WASTECHECK_WASM` is taken from
/// the workspace root, as typed there: cargo runs tests and benchmarks in the
/// package's own folder, where such a path would name another file.
fn module_path(workspace: &std::path::Path, var: Option<std::ffi::OsString>) -> std::path::PathBuf {
    match var {
        Some(path) => workspace.join(path),
        None => workspace.join("target").join("wastecheck.wasm"),
    }
}

/// How a bundle is loaded ([`Host::load_bundle_with`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BundleOptions {
    /// Serve the bundle's packs alone, without the built-in ones (which it must
    /// then carry every parent of). By default (`false`) they layer over the
    /// built-in packs: one identical to a built-in pack is not loaded twice, one of
    /// another version sits beside it.
    pub replace: bool,
}

/// What a loaded bundle serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleLoaded {
    /// `sha256:…` of the bundle bytes.
    pub digest: String,
    /// Every pack served now, built-in ones included, as `(id, version, digest)`.
    pub packs: Vec<(String, String, String)>,
}

/// A signed bundle as the host keeps it, to load it again into a new instance.
#[derive(Debug, Clone)]
struct Bundle {
    bytes: Vec<u8>,
    signature: String,
    trusted: String,
    options: BundleOptions,
}

/// The memory cap, whether a call ran into it, and the time and fuel the call had.
#[derive(Debug)]
struct Limiter {
    max_memory: usize,
    hit: bool,
    budget: Budget,
}

/// The time and fuel of one call.
#[derive(Debug, Clone, Copy)]
struct Budget {
    time: Duration,
    fuel: Option<u64>,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.max_memory {
            self.hit = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // The module's one table holds its function pointers; it never grows.
        Ok(desired <= 100_000)
    }

    fn instances(&self) -> usize {
        1
    }

    fn memories(&self) -> usize {
        1
    }

    fn tables(&self) -> usize {
        1
    }
}

/// A live instance with its exports.
struct Live {
    store: Store<Limiter>,
    memory: Memory,
    alloc: TypedFunc<u32, u32>,
    free: TypedFunc<(u32, u32), ()>,
    check: TypedFunc<(u32, u32), u64>,
    load_bundle: TypedFunc<(u32, u32, u32, u32, u32, u32), u64>,
    /// Absent from modules built before it.
    load_bundle_with: Option<LoadBundleWith>,
}

type LoadBundleWith = TypedFunc<(u32, u32, u32, u32, u32, u32, u32, u32), u64>;

/// One sandboxed instance of `wastecheck.wasm`, reused for every call.
pub struct Host {
    module: Module,
    limits: Limits,
    bundle: Option<Bundle>,
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

/// How a call went wrong, before it is turned into a [`HostError`].
enum Failure {
    /// The call trapped (or failed inside wasmtime): the instance is unusable.
    Trapped(HostError),
    /// Refused without running (or the module broke the ABI without trapping):
    /// the instance is kept.
    Kept(HostError),
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
        let answer = self.call(budget, |live| live.load(&bundle))?;
        let loaded = parse_loaded(&answer)?;
        self.bundle = Some(bundle);
        Ok(loaded)
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
            let answer = ready(live.load(bundle))?;
            parse_loaded(&answer)?;
        }
        Ok(live)
    }
}

impl Limits {
    fn check_budget(&self) -> Budget {
        Budget {
            time: self.check_time,
            fuel: self.check_fuel,
        }
    }

    fn load_budget(&self) -> Budget {
        Budget {
            time: self.load_time,
            fuel: self.load_fuel,
        }
    }
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

/// Sets a store's epoch deadline and, for a module that meters fuel, its fuel (all
/// it can have when the budget gives none).
fn set_budget(
    store: &mut Store<Limiter>,
    budget: Budget,
    meters_fuel: bool,
) -> Result<(), HostError> {
    store.data_mut().budget = budget;
    store.set_epoch_deadline(ticks(budget.time));
    if meters_fuel {
        store
            .set_fuel(budget.fuel.unwrap_or(u64::MAX))
            .map_err(|e| HostError::Trap(format!("setting the fuel: {e}")))?;
    }
    Ok(())
}

/// The `ok` of a `load_bundle` answer, or its error.
fn parse_loaded(answer: &[u8]) -> Result<BundleLoaded, HostError> {
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
    Ok(BundleLoaded {
        digest: text(ok, "digest")?,
        packs,
    })
}

fn len32(len: usize) -> Result<u32, Failure> {
    u32::try_from(len).map_err(|_| {
        Failure::Kept(HostError::MemoryLimit {
            limit: u32::MAX as usize,
        })
    })
}

impl Live {
    /// Gives the next call its time and fuel.
    fn start(&mut self, budget: Budget, meters_fuel: bool) -> Result<(), HostError> {
        set_budget(&mut self.store, budget, meters_fuel)
    }

    /// The fuel the call since [`Live::start`] used, for a module that meters it.
    fn fuel_used(&self, meters_fuel: bool) -> Option<u64> {
        meters_fuel.then(|| {
            let had = self.store.data().budget.fuel.unwrap_or(u64::MAX);
            had.saturating_sub(self.store.get_fuel().unwrap_or(0))
        })
    }

    /// The error for a failed call: past its time, out of fuel, the memory cap,
    /// another trap.
    fn failure(&self, error: wasmtime::Error) -> Failure {
        let limit = self.store.data().max_memory;
        let budget = self.store.data().budget;
        Failure::Trapped(match error.downcast_ref::<Trap>() {
            Some(Trap::Interrupt) => HostError::Timeout { limit: budget.time },
            Some(Trap::OutOfFuel) => HostError::OutOfFuel {
                limit: budget.fuel.unwrap_or(u64::MAX),
            },
            _ if self.store.data().hit => HostError::MemoryLimit { limit },
            Some(trap) => HostError::Trap(trap.to_string()),
            None => HostError::Trap(format!("{error:#}")),
        })
    }

    /// Copies `bytes` into a buffer of the module's; returns its address.
    fn give(&mut self, bytes: &[u8]) -> Result<u32, Failure> {
        if bytes.is_empty() {
            return Ok(0);
        }
        let ptr = self
            .alloc
            .call(&mut self.store, len32(bytes.len())?)
            .map_err(|e| self.failure(e))?;
        self.memory
            .write(&mut self.store, ptr as usize, bytes)
            .map_err(|_| {
                Failure::Kept(HostError::Abi(
                    "`alloc` gave a buffer outside its memory".into(),
                ))
            })?;
        Ok(ptr)
    }

    /// Frees a buffer of ours.
    fn release(&mut self, ptr: u32, len: usize) -> Result<(), Failure> {
        if len == 0 {
            return Ok(());
        }
        self.free
            .call(&mut self.store, (ptr, len32(len)?))
            .map_err(|e| self.failure(e))
    }

    /// Reads and frees an answer packed as `(ptr << 32) | len`.
    fn take(&mut self, packed: u64) -> Result<Vec<u8>, Failure> {
        let (ptr, len) = ((packed >> 32) as u32, packed as u32);
        let mut out = vec![0; len as usize];
        self.memory
            .read(&self.store, ptr as usize, &mut out)
            .map_err(|_| {
                Failure::Kept(HostError::Abi(
                    "an answer lies outside the module's memory".into(),
                ))
            })?;
        self.release(ptr, len as usize)?;
        Ok(out)
    }

    /// `load_bundle` with the bundle's three buffers; the answer's bytes.
    /// One `check` call over `request`: its answer's bytes.
    fn check(&mut self, request: &[u8]) -> Result<Vec<u8>, Failure> {
        let input = self.give(request)?;
        let packed = self
            .check
            .call(&mut self.store, (input, len32(request.len())?))
            .map_err(|e| self.failure(e))?;
        let out = self.take(packed)?;
        self.release(input, request.len())?;
        Ok(out)
    }

    fn load(&mut self, bundle: &Bundle) -> Result<Vec<u8>, Failure> {
        let options: &[u8] = if bundle.options.replace {
            br#"{"replace":true}"#
        } else {
            b""
        };
        let with = match (&self.load_bundle_with, options.is_empty()) {
            (Some(with), _) => Some(with.clone()),
            (None, true) => None,
            (None, false) => {
                return Err(Failure::Kept(HostError::Abi(
                    "no export `load_bundle_with` (the module predates it): replacing the built-in packs needs a newer wastecheck.wasm".into(),
                )));
            }
        };
        let parts = [
            bundle.bytes.as_slice(),
            bundle.signature.as_bytes(),
            bundle.trusted.as_bytes(),
            options,
        ];
        let mut given = [(0, 0); 4];
        for (slot, part) in given.iter_mut().zip(parts) {
            *slot = (self.give(part)?, len32(part.len())?);
        }
        let [(b, bl), (s, sl), (k, kl), (o, ol)] = given;
        let packed = match with {
            Some(with) => with.call(&mut self.store, (b, bl, s, sl, k, kl, o, ol)),
            None => self
                .load_bundle
                .call(&mut self.store, (b, bl, s, sl, k, kl)),
        }
        .map_err(|e| self.failure(e))?;
        let out = self.take(packed)?;
        for (ptr, len) in given {
            self.release(ptr, len as usize)?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::module_path;
    use std::path::{Path, PathBuf};

    #[test]
    fn the_module_is_found_from_the_workspace_root() {
        let root = Path::new("/checkout");
        assert_eq!(
            module_path(root, None),
            PathBuf::from("/checkout/target/wastecheck.wasm")
        );
        assert_eq!(
            module_path(root, Some("target/other/wastecheck.wasm".into())),
            PathBuf::from("/checkout/target/other/wastecheck.wasm")
        );
        assert_eq!(
            module_path(root, Some("/elsewhere/wastecheck.wasm".into())),
            PathBuf::from("/elsewhere/wastecheck.wasm")
        );
    }
}

//! Compiling `wastecheck.wasm` once, and the clock of its time limits.

use crate::{HostError, TICK};
use wasmtime::{Config, Engine};

#[cfg(doc)]
use crate::{Host, Limits};

/// `wastecheck.wasm` compiled for this machine, once; cheap to clone and to share
/// between threads, and the start of any number of [`Host`]s.
#[derive(Clone)]
pub struct Module {
    pub(crate) engine: Engine,
    pub(crate) module: wasmtime::Module,
    pub(crate) fuel: bool,
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
        // The time limit's epoch checks (at every function entry and loop) are most
        // of what a check costs here beyond native code: measured on 2026-12-07
        // (`cargo bench -p wastecheck-host --bench check -- --summary`, two runs
        // each by turns), wasmtime/native 1.61-1.63x with them, 1.35-1.38x
        // without. They stay: the time limit is what the sandbox is for.
        // Also measured there, not taken: cranelift's own inlining
        // (`compiler_inlining(Inlining::Yes)`), 1.66-1.68x against 1.55-1.61x, and
        // twice the compile time.
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

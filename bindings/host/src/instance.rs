//! A live instance of the module: its exports, its memory cap, and the raw calls
//! of the ABI (buffers in, answers out).

use crate::HostError;
use crate::host::Bundle;
use crate::limits::{Budget, ticks};
use wasmtime::{Memory, ResourceLimiter, Store, Trap, TypedFunc};

/// The memory cap, whether a call ran into it, and the time and fuel the call had.
#[derive(Debug)]
pub(crate) struct Limiter {
    pub(crate) max_memory: usize,
    pub(crate) hit: bool,
    pub(crate) budget: Budget,
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
pub(crate) struct Live {
    pub(crate) store: Store<Limiter>,
    pub(crate) memory: Memory,
    pub(crate) alloc: TypedFunc<u32, u32>,
    pub(crate) free: TypedFunc<(u32, u32), ()>,
    pub(crate) check: TypedFunc<(u32, u32), u64>,
    /// Absent from modules built before it.
    pub(crate) check_batch: Option<TypedFunc<(u32, u32), u64>>,
    pub(crate) load_bundle: TypedFunc<(u32, u32, u32, u32, u32, u32), u64>,
    /// Absent from modules built before it.
    pub(crate) load_bundle_with: Option<LoadBundleWith>,
}

type LoadBundleWith = TypedFunc<(u32, u32, u32, u32, u32, u32, u32, u32), u64>;

/// How a call went wrong, before it is turned into a [`HostError`].
pub(crate) enum Failure {
    /// The call trapped (or failed inside wasmtime): the instance is unusable.
    Trapped(HostError),
    /// Refused without running (or the module broke the ABI without trapping):
    /// the instance is kept.
    Kept(HostError),
}

/// Sets a store's epoch deadline and, for a module that meters fuel, its fuel (all
/// it can have when the budget gives none).
pub(crate) fn set_budget(
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

fn len32(len: usize) -> Result<u32, Failure> {
    u32::try_from(len).map_err(|_| {
        Failure::Kept(HostError::MemoryLimit {
            limit: u32::MAX as usize,
        })
    })
}

impl Live {
    /// Gives the next call its time and fuel.
    pub(crate) fn start(&mut self, budget: Budget, meters_fuel: bool) -> Result<(), HostError> {
        set_budget(&mut self.store, budget, meters_fuel)
    }

    /// The fuel the call since [`Live::start`] used, for a module that meters it.
    pub(crate) fn fuel_used(&self, meters_fuel: bool) -> Option<u64> {
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

    /// One `check` call over `request`: its answer's bytes.
    pub(crate) fn check(&mut self, request: &[u8]) -> Result<Vec<u8>, Failure> {
        let check = self.check.clone();
        self.call_on(&check, request)
    }

    /// One `check_batch` call over `batch`: its answer's bytes.
    pub(crate) fn check_batch(&mut self, batch: &[u8]) -> Result<Vec<u8>, Failure> {
        let Some(check_batch) = self.check_batch.clone() else {
            return Err(Failure::Kept(HostError::Abi(
                "no export `check_batch` (the module predates it): batches need a newer wastecheck.wasm".into(),
            )));
        };
        self.call_on(&check_batch, batch)
    }

    /// Calls an export taking one buffer and answering one.
    fn call_on(
        &mut self,
        function: &TypedFunc<(u32, u32), u64>,
        bytes: &[u8],
    ) -> Result<Vec<u8>, Failure> {
        let input = self.give(bytes)?;
        let packed = function
            .call(&mut self.store, (input, len32(bytes.len())?))
            .map_err(|e| self.failure(e))?;
        let out = self.take(packed)?;
        self.release(input, bytes.len())?;
        Ok(out)
    }

    /// `load_bundle` with the bundle's three buffers (and the options, with what
    /// the host served before); the answer's bytes.
    pub(crate) fn load(
        &mut self,
        bundle: &Bundle,
        history: Option<&serde_json::Value>,
    ) -> Result<Vec<u8>, Failure> {
        let mut given_options = serde_json::Map::new();
        if bundle.options.replace {
            given_options.insert("replace".into(), true.into());
        }
        if bundle.options.allow_downgrade {
            given_options.insert("allow_downgrade".into(), true.into());
        }
        if let Some(history) = history {
            given_options.insert("history".into(), history.clone());
        }
        let options_text = if given_options.is_empty() {
            String::new()
        } else {
            serde_json::Value::Object(given_options).to_string()
        };
        let options = options_text.as_bytes();
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

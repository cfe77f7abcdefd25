//! The limits of a host, and the time and fuel of one call.

use std::time::Duration;

#[cfg(doc)]
use crate::Module;

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
pub(crate) fn ticks(time: Duration) -> u64 {
    if time.is_zero() {
        return 0;
    }
    // One more than the ticks in `time`: the tick now under way may end at once.
    u64::try_from(time.as_nanos().div_ceil(TICK.as_nanos()))
        .unwrap_or(u64::MAX)
        .saturating_add(1)
}

/// The time and fuel of one call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    pub(crate) time: Duration,
    pub(crate) fuel: Option<u64>,
}

impl Limits {
    pub(crate) fn check_budget(&self) -> Budget {
        Budget {
            time: self.check_time,
            fuel: self.check_fuel,
        }
    }

    pub(crate) fn load_budget(&self) -> Budget {
        Budget {
            time: self.load_time,
            fuel: self.load_fuel,
        }
    }
}

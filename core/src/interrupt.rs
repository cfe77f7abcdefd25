//! [`Interrupt`]: how a host stops a check that is running. Its own module, below
//! every other, since the checking code at every layer looks at it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A flag the host raises to stop a check that is running — its client went away,
/// or its deadline passed (the core reads no clock: the host keeps time). The check
/// looks at it before each rule and each item a rule runs on, and stops with the
/// report `complete: false` and a `not_evaluated` entry `check.interrupted` for rule
/// `*` — never a partial report that looks whole. None by default.
#[derive(Debug, Clone, Default)]
pub struct Interrupt(Option<Arc<AtomicBool>>);

impl Interrupt {
    /// A flag, not raised yet; clones share it.
    pub fn new() -> Interrupt {
        Interrupt(Some(Arc::default()))
    }

    /// Raises the flag: the check stops at its next look.
    pub fn raise(&self) {
        if let Some(flag) = &self.0 {
            flag.store(true, Ordering::Relaxed);
        }
    }

    /// Whether the flag is raised.
    pub fn is_raised(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    }
}

/// Two interrupts are equal when they are the same flag (or both none).
impl PartialEq for Interrupt {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl Eq for Interrupt {}

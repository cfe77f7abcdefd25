//! `serve --sandbox`: checks run in `wastecheck.wasm` under wasmtime (crate
//! `wastecheck-host`), with a time limit (and optionally fuel) and a memory cap per
//! check, for packs from
//! publishers not fully trusted — a script that loops or a document that balloons
//! fails its own check with a clear error; the service keeps serving.
//!
//! A [`Pool`] is a few hosts over one compiled module, all serving the same packs:
//! the built-in ones plus the bundles the service accepted. It belongs to one
//! generation of packs ([`crate::packs::Loaded::sandbox`]): a pack update builds a
//! new pool (fresh instances, the new packs loaded) away from requests, and swaps it
//! in with the native checker, as one value.
//!
//! The module loads one signed bundle (over its built-in packs, or alone with
//! `--packs-only`). The service has verified each bundle from the
//! folder against the trusted publishers' keys; it hands their packs to the sandbox
//! as one bundle signed by a key of its own, made when the pool is built and kept
//! only in memory. Reports name packs by their own digests, which this does not
//! change, so they are the native path's byte for byte.

use crate::packs::{BUILT_IN, Loaded};
use std::collections::{BTreeSet, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;
use wastecheck::Interrupt;
use wastecheck::pack::bundle::{self, PackFiles, SecretKey};
use wastecheck_host::{BundleOptions, Host, HostError, Limits, Module};

/// How to run checks in the sandbox.
#[derive(Debug, Clone)]
pub struct Sandbox {
    /// `wastecheck.wasm`, compiled.
    pub module: Module,
    /// How many instances check in parallel (at least 1).
    pub hosts: usize,
    /// Time, fuel and memory per instance.
    pub limits: Limits,
}

impl Sandbox {
    /// Compiles `wastecheck.wasm` for `hosts` instances under `limits` (with fuel
    /// metering if the limits give fuel).
    pub fn new(wasm: &[u8], hosts: usize, limits: Limits) -> Result<Sandbox, HostError> {
        let fuel = limits.check_fuel.is_some() || limits.load_fuel.is_some();
        Ok(Sandbox {
            module: if fuel {
                Module::with_fuel(wasm)?
            } else {
                Module::new(wasm)?
            },
            hosts: hosts.max(1),
            limits,
        })
    }
}

/// Instances serving one set of packs.
#[derive(Debug)]
pub struct Pool {
    lanes: Mutex<Lanes>,
    returned: Condvar,
    hosts: usize,
}

/// A request larger than this is *large*: it may be slow (a check costs about its
/// size), so large ones together never take the last instance.
pub const LARGE_REQUEST_BYTES: usize = 256 * 1024;

/// How often a request waiting for an instance looks at its interrupt (its
/// client went away, its deadline passed).
const WAIT_POLL: Duration = Duration::from_millis(20);

/// The instances free, how many large requests hold one now, and the requests
/// waiting for one, first come first.
#[derive(Debug, Default)]
struct Lanes {
    idle: Vec<Host>,
    large: usize,
    queue: VecDeque<Waiter>,
    tickets: u64,
}

/// A request waiting for an instance.
#[derive(Debug, Clone, Copy)]
struct Waiter {
    ticket: u64,
    large: bool,
}

impl Lanes {
    /// Queues a request; its ticket.
    fn enqueue(&mut self, large: bool) -> u64 {
        self.tickets += 1;
        let ticket = self.tickets;
        self.queue.push_back(Waiter { ticket, large });
        ticket
    }

    /// Whether `ticket` may take an instance now: the first waiter the lanes
    /// admit, so requests are served in the order they came, except that a small
    /// one passes large ones kept from the last instance.
    fn turn(&self, ticket: u64, hosts: usize) -> bool {
        next_in_line(&self.queue, self.idle.len(), self.large, hosts) == Some(ticket)
    }

    fn leave(&mut self, ticket: u64) {
        self.queue.retain(|w| w.ticket != ticket);
    }
}

/// Whether a request may take an instance now, with `free` instances free and
/// `large_busy` held by large requests: one must be free, and a large request must
/// leave one for the others (with two instances or more) — so clients sending slow
/// documents cannot starve those sending ordinary ones.
fn admits(free: usize, large_busy: usize, large: bool, hosts: usize) -> bool {
    free > 0 && (!large || hosts < 2 || large_busy + 1 < hosts)
}

/// The ticket of the first waiter in `queue` that may take an instance, with
/// `free` free and `large_busy` held by large requests.
fn next_in_line(
    queue: &VecDeque<Waiter>,
    free: usize,
    large_busy: usize,
    hosts: usize,
) -> Option<u64> {
    queue
        .iter()
        .find(|w| admits(free, large_busy, w.large, hosts))
        .map(|w| w.ticket)
}

/// 32 bytes from the process's hash keys (random per process): the seed of the
/// pool's own signing key.
fn seed() -> [u8; 32] {
    let mut seed = [0u8; 32];
    for (i, chunk) in seed.chunks_mut(8).enumerate() {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_usize(i);
        chunk.copy_from_slice(&hasher.finish().to_le_bytes());
    }
    seed
}

impl Pool {
    /// Fresh instances serving `loaded`'s packs: the built-in ones and those of the
    /// bundles accepted from the folder.
    pub fn new(sandbox: &Sandbox, loaded: &Loaded) -> Result<Pool, HostError> {
        let mut seen = BTreeSet::new();
        let packs: Vec<PackFiles> = loaded
            .bundles
            .iter()
            .flat_map(|b| b.packs.iter())
            .filter(|pack| {
                bundle::pack_digest(pack).is_ok_and(|digest| {
                    loaded
                        .origin
                        .get(&digest)
                        .is_some_and(|origin| origin != BUILT_IN)
                        && seen.insert(digest)
                })
            })
            .cloned()
            .collect();
        // With --packs-only the built-in packs are replaced, even by no packs.
        let signed = if packs.is_empty() && !loaded.packs_only {
            None
        } else {
            let bytes = bundle::encode(&packs).map_err(|e| HostError::Bundle(e.to_string()))?;
            let key = SecretKey::from_seed(seed());
            let signature = bundle::sign(&bytes, &key).to_string();
            Some((bytes, signature, key.public_key().to_string()))
        };
        let mut idle = Vec::with_capacity(sandbox.hosts);
        let hosts = sandbox.hosts;
        for _ in 0..sandbox.hosts {
            let mut host = Host::new(&sandbox.module, sandbox.limits)?;
            if let Some((bytes, signature, key)) = &signed {
                let options = BundleOptions {
                    replace: loaded.packs_only,
                    ..BundleOptions::default()
                };
                host.load_bundle_with(bytes, signature, &[key.as_str()], options)?;
            }
            idle.push(host);
        }
        Ok(Pool {
            lanes: Mutex::new(Lanes {
                idle,
                ..Lanes::default()
            }),
            returned: Condvar::new(),
            hosts,
        })
    }

    /// Checks a request in the first instance free to it, in the order requests
    /// came (a large request leaves the last instance to the others): the facade's
    /// answer, or why the sandbox stopped the check. A request whose `interrupt` is
    /// raised while it waits (its client went away, its deadline passed) leaves the
    /// queue unchecked, answered `check.interrupted` as the native check is.
    pub fn check(&self, request: &str, interrupt: &Interrupt) -> Result<String, HostError> {
        let large = request.len() > LARGE_REQUEST_BYTES;
        let mut host = {
            let mut lanes = self.lanes.lock().unwrap_or_else(PoisonError::into_inner);
            let ticket = lanes.enqueue(large);
            while !lanes.turn(ticket, self.hosts) {
                if interrupt.is_raised() {
                    lanes.leave(ticket);
                    drop(lanes);
                    // The one behind may be admitted now.
                    self.returned.notify_all();
                    return Ok(INTERRUPTED.to_owned());
                }
                lanes = self
                    .returned
                    .wait_timeout(lanes, WAIT_POLL)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            lanes.leave(ticket);
            let host = lanes.idle.pop();
            if host.is_some() {
                lanes.large += usize::from(large);
            }
            let more = !lanes.idle.is_empty() && !lanes.queue.is_empty();
            drop(lanes);
            if more {
                // Another instance is free: the next in line may take it.
                self.returned.notify_all();
            }
            match host {
                Some(host) => host,
                // `turn` saw one free.
                None => return Err(HostError::Abi("no free sandbox instance".into())),
            }
        };
        let answer = host.check_json(request);
        let mut lanes = self.lanes.lock().unwrap_or_else(PoisonError::into_inner);
        lanes.idle.push(host);
        lanes.large -= usize::from(large);
        drop(lanes);
        // Every waiter looks again: the next admitted may be small or large.
        self.returned.notify_all();
        answer
    }
}

/// The answer to a request interrupted before it reached an instance: the
/// facade's (`wastecheck::check::check_json_with`).
const INTERRUPTED: &str = "{\"error\":{\"code\":\"check.interrupted\",\"message\":\"the check was interrupted (the client went away, or its deadline passed)\"}}";

/// The HTTP status and error code of a check the sandbox stopped.
pub fn status_of(error: &HostError) -> (u16, &'static str) {
    match error {
        HostError::Timeout { .. } => (422, "sandbox.time"),
        HostError::OutOfFuel { .. } => (422, "sandbox.fuel"),
        HostError::MemoryLimit { .. } => (422, "sandbox.memory"),
        _ => (500, "sandbox.trap"),
    }
}

#[cfg(test)]
mod tests {
    use super::{Lanes, admits, next_in_line};

    #[test]
    fn the_interrupted_answer_is_the_facades() {
        let interrupt = wastecheck::Interrupt::new();
        interrupt.raise();
        let request = r#"{"document": {"kind": "manifest"}}"#;
        assert_eq!(
            super::INTERRUPTED,
            wastecheck::check::check_json_with(wastecheck_rules::checker(), request, &interrupt)
        );
    }

    #[test]
    fn waiters_are_served_first_come_first_but_small_ones_pass_held_back_large_ones() {
        let mut lanes = Lanes::default();
        let first = lanes.enqueue(false);
        let second = lanes.enqueue(false);
        // Nothing free: nobody's turn.
        assert_eq!(next_in_line(&lanes.queue, 0, 0, 2), None);
        assert!(!lanes.turn(first, 2));
        let large = lanes.enqueue(true);
        let small = lanes.enqueue(false);
        // One instance free, the other held by a large request: the first in line.
        assert_eq!(next_in_line(&lanes.queue, 1, 1, 2), Some(first));
        lanes.leave(first);
        assert_eq!(next_in_line(&lanes.queue, 1, 1, 2), Some(second));
        lanes.leave(second);
        // The large one may not take the last instance: the small one behind it may.
        assert_eq!(next_in_line(&lanes.queue, 1, 1, 2), Some(small));
        // With both free, the large one's turn comes first.
        assert_eq!(next_in_line(&lanes.queue, 2, 0, 2), Some(large));
    }

    #[test]
    fn large_requests_leave_the_last_instance_to_the_others() {
        // Nothing free: nobody.
        assert!(!admits(0, 0, false, 2));
        // Two instances, both free: a large request takes one.
        assert!(admits(2, 0, true, 2));
        // One held by a large request: a small request takes the other, a second
        // large one waits.
        assert!(admits(1, 1, false, 2));
        assert!(!admits(1, 1, true, 2));
        // Four instances: three large ones at most.
        assert!(admits(2, 2, true, 4));
        assert!(!admits(1, 3, true, 4));
        // One instance: nothing to leave; large requests take turns with the rest.
        assert!(admits(1, 0, true, 1));
    }
}

//! Counting the allocations a check makes (issue 22: no allocation on the path of
//! a document without findings, counted in the benchmark). The global allocator
//! of both benchmark binaries is wrapped in [`Counting`], which adds to a counter
//! of the thread that allocates: a thread-local cell, not an atomic, so that the
//! timed figures pay a few instructions per allocation, the engine and the
//! baseline alike.

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;

/// Wraps a global allocator and counts, per thread, the allocations (`realloc`
/// included: it may move the block) and the bytes asked for.
pub struct Counting<A>(pub A);

thread_local! {
    static COUNTS: Cell<Allocations> = const { Cell::new(Allocations { count: 0, bytes: 0 }) };
}

fn add(bytes: usize) {
    // `try_with`: a thread being torn down still allocates.
    let _ = COUNTS.try_with(|c| {
        let now = c.get();
        c.set(Allocations {
            count: now.count + 1,
            bytes: now.bytes + bytes as u64,
        });
    });
}

// SAFETY: every call is passed on to the wrapped allocator unchanged.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        add(layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(new_size);
        // SAFETY: the caller's contract, passed on.
        unsafe { self.0.realloc(ptr, layout, new_size) }
    }
}

/// Allocations made, and the bytes they asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Allocations {
    pub count: u64,
    pub bytes: u64,
}

/// What this thread has allocated so far.
fn now() -> Allocations {
    COUNTS.try_with(Cell::get).unwrap_or_default()
}

/// What `f` allocates on this thread (what it starts on other threads is not
/// counted), and its result.
pub fn counted<R>(f: impl FnOnce() -> R) -> (Allocations, R) {
    let before = now();
    let out = f();
    let after = now();
    (
        Allocations {
            count: after.count - before.count,
            bytes: after.bytes - before.bytes,
        },
        out,
    )
}

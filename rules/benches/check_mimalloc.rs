//! The check benchmark (`benches/check/main.rs`) with mimalloc as the global allocator,
//! as the `wastecheck` binary (and so `wastecheck serve`) runs, counted
//! (`check/allocations.rs`); engine and baseline alike.
//!
//! `cargo bench -p wastecheck-rules --bench check_mimalloc`

#[path = "check/main.rs"]
mod check;

#[global_allocator]
static GLOBAL: check::allocations::Counting<mimalloc::MiMalloc> =
    check::allocations::Counting(mimalloc::MiMalloc);

fn main() {
    check::run("mimalloc");
}

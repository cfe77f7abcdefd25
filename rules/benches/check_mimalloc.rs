//! The check benchmark (`benches/check/main.rs`) with mimalloc as the global allocator,
//! as the `wastecheck` binary (and so `wastecheck serve`) runs; engine and baseline
//! alike.
//!
//! `cargo bench -p wastecheck-rules --bench check_mimalloc`

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "check/main.rs"]
mod check;

fn main() {
    check::run("mimalloc");
}

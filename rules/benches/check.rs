//! The check benchmark (`benches/check/main.rs`) with the system allocator, counted
//! (`check/allocations.rs`); engine and baseline alike.
//!
//! `cargo bench -p wastecheck-rules --bench check`

#[path = "check/main.rs"]
mod check;

#[global_allocator]
static GLOBAL: check::allocations::Counting<std::alloc::System> =
    check::allocations::Counting(std::alloc::System);

fn main() {
    check::run("the system allocator");
}

//! Cross-crate tests of wastecheck live in `tests/`. This library only runs the
//! README's Rust example as a doctest, so the README cannot drift from the API.

#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

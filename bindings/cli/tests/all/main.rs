//! The `wastecheck` command's tests, in one test binary so the stack is linked once.

mod cli;
mod pack;
mod serve;

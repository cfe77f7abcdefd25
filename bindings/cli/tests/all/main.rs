//! The `wastecheck` command's tests, in one test binary so the stack is linked once.

mod bundle_policy;
mod cli;
mod pack;
mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `wastecheck ARGS` from the repository root.
fn wastecheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wastecheck"))
        .current_dir(repo())
        .args(args)
        .output()
        .unwrap()
}

/// Output bytes as text.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A path as a command-line argument.
fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

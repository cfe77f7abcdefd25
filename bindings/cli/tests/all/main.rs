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

/// Copies a folder (a pack's sources) into `to`.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Output bytes as text.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A path as a command-line argument.
fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

//! Finding `wastecheck.wasm` in a checkout of this workspace.

/// The environment variable that names `wastecheck.wasm` for [`workspace_module`].
pub const MODULE_VAR: &str = "WASTECHECK_WASM";

/// The bytes of `wastecheck.wasm` as a checkout of this workspace has it:
/// `$WASTECHECK_WASM` (a relative path from `workspace`), else `target/wastecheck.wasm`
/// under `workspace` (`./x abi-wasm` builds it). The error names where it looked and
/// how to build it.
pub fn workspace_module(workspace: &std::path::Path) -> Result<Vec<u8>, String> {
    let path = module_path(workspace, std::env::var_os(MODULE_VAR));
    std::fs::read(&path).map_err(|e| {
        format!(
            "wastecheck.wasm not found at {} ({e}): build it with `./x abi-wasm`, or set {MODULE_VAR}",
            path.display()
        )
    })
}

/// Where [`workspace_module`] looks. A relative `$WASTECHECK_WASM` is taken from
/// the workspace root, as typed there: cargo runs tests and benchmarks in the
/// package's own folder, where such a path would name another file.
fn module_path(workspace: &std::path::Path, var: Option<std::ffi::OsString>) -> std::path::PathBuf {
    match var {
        Some(path) => workspace.join(path),
        None => workspace.join("target").join("wastecheck.wasm"),
    }
}

#[cfg(test)]
mod tests {
    use super::module_path;
    use std::path::{Path, PathBuf};

    #[test]
    fn the_module_is_found_from_the_workspace_root() {
        let root = Path::new("/checkout");
        assert_eq!(
            module_path(root, None),
            PathBuf::from("/checkout/target/wastecheck.wasm")
        );
        assert_eq!(
            module_path(root, Some("target/other/wastecheck.wasm".into())),
            PathBuf::from("/checkout/target/other/wastecheck.wasm")
        );
        assert_eq!(
            module_path(root, Some("/elsewhere/wastecheck.wasm".into())),
            PathBuf::from("/elsewhere/wastecheck.wasm")
        );
    }
}

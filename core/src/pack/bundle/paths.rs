//! Which files a bundle holds and how they are named: plain pack folder names and
//! relative `/`-separated paths, with fixtures, snapshots and docs left out.

use super::PackFiles;

/// A pack name or file path a bundle may not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// A pack name that is not a plain folder name.
    #[error(
        "pack name `{name}` is not a plain folder name: use a non-empty name without `/` or `\\`, other than `.` or `..`"
    )]
    InvalidPackName {
        /// The name, as given.
        name: String,
    },
    /// Two packs with the same name.
    #[error("pack `{name}` appears more than once: give each pack folder a different name")]
    DuplicatePack {
        /// The name.
        name: String,
    },
    /// A file whose path is empty.
    #[error("pack `{pack}` has a file with an empty path: name every file")]
    EmptyPath {
        /// The pack's name.
        pack: String,
    },
    /// An absolute path (`/…` or a drive such as `C:`), not one inside the pack folder.
    #[error("pack `{pack}`: `{path}` is absolute: paths must be relative to the pack folder")]
    AbsolutePath {
        /// The pack's name.
        pack: String,
        /// The file's path, as given.
        path: String,
    },
    /// A path with a backslash (`\`) in it.
    #[error("pack `{pack}`: `{path}` contains `\\`: separate folders with `/`")]
    BackslashInPath {
        /// The pack's name.
        pack: String,
        /// The file's path, as given.
        path: String,
    },
    /// A path with a `.` or `..` segment.
    #[error(
        "pack `{pack}`: `{path}` has a `.` or `..` segment: write the plain path inside the pack folder"
    )]
    DotSegment {
        /// The pack's name.
        pack: String,
        /// The file's path, as given.
        path: String,
    },
    /// A path with an empty segment (`//`, or a trailing `/`).
    #[error("pack `{pack}`: `{path}` has an empty segment (`//` or a trailing `/`): remove it")]
    EmptySegment {
        /// The pack's name.
        pack: String,
        /// The file's path, as given.
        path: String,
    },
    /// A fixture, snapshot or doc in a bundle (see [`is_bundled`]).
    #[error(
        "pack `{pack}`: `{path}` is a fixture, snapshot or doc, which bundles never hold: rebuild the bundle with `wastecheck pack build`"
    )]
    UnbundledFile {
        /// The pack's name.
        pack: String,
        /// The file's path, as given.
        path: String,
    },
}

/// Which source files go into a bundle: everything except files under a `fixtures/`
/// folder at any depth, `*.snap` snapshots and `*.md` docs. Those are for pack
/// authors (`pack test`, `pack lint`), not for checking documents.
pub fn is_bundled(path: &str) -> bool {
    let (folders, file) = path.rsplit_once('/').unwrap_or(("", path));
    let in_fixtures = folders.split('/').any(|folder| folder == "fixtures");
    !(in_fixtures || file.ends_with(".snap") || file.ends_with(".md"))
}

/// Sorts packs by name and checks names and paths, so errors do not depend on the
/// order packs were given in.
pub(crate) fn sorted_and_valid(packs: &[PackFiles]) -> Result<Vec<&PackFiles>, PathError> {
    let mut sorted: Vec<&PackFiles> = packs.iter().collect();
    crate::sorting::sort_by(&mut sorted, |a, b| a.name.cmp(&b.name));
    for pack in &sorted {
        check_pack_name(&pack.name)?;
    }
    for pair in sorted.windows(2) {
        if let [a, b] = pair
            && a.name == b.name
        {
            return Err(PathError::DuplicatePack {
                name: a.name.clone(),
            });
        }
    }
    for pack in &sorted {
        for path in pack.files.keys() {
            check_path(&pack.name, path)?;
        }
    }
    Ok(sorted)
}

fn check_pack_name(name: &str) -> Result<(), PathError> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
        return Err(PathError::InvalidPackName {
            name: name.to_owned(),
        });
    }
    Ok(())
}

/// A path must be relative, `/`-separated and already normal, so one file has exactly
/// one spelling (and no path can leave its pack folder when written out).
fn check_path(pack: &str, path: &str) -> Result<(), PathError> {
    let error = |make: fn(String, String) -> PathError| Err(make(pack.to_owned(), path.to_owned()));
    if path.is_empty() {
        return Err(PathError::EmptyPath {
            pack: pack.to_owned(),
        });
    }
    if path.contains('\\') {
        return error(|pack, path| PathError::BackslashInPath { pack, path });
    }
    if path.starts_with('/') || has_drive_prefix(path) {
        return error(|pack, path| PathError::AbsolutePath { pack, path });
    }
    if path
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return error(|pack, path| PathError::DotSegment { pack, path });
    }
    if path.split('/').any(str::is_empty) {
        return error(|pack, path| PathError::EmptySegment { pack, path });
    }
    Ok(())
}

/// `C:` / `c:/…`: absolute on Windows even with `/` separators.
fn has_drive_prefix(path: &str) -> bool {
    let mut chars = path.chars();
    matches!(
        (chars.next(), chars.next()),
        (Some(letter), Some(':')) if letter.is_ascii_alphabetic()
    )
}

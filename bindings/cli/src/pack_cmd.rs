//! `wastecheck pack`: test, lint and diff pack sources; build, sign and verify
//! rule-pack bundles.

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wastecheck::pack::bundle::{self, PackFiles, PublicKey, SecretKey, Signature, Signer, Trust};
use wastecheck::pack::load::load_pack;
use wastecheck::tooling;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Run every rule's fixtures with only that rule enabled, and compare each
    /// outcome with its snapshot. Exits 0 when all pass, 1 otherwise.
    Test {
        /// The pack folder to test.
        dir: PathBuf,
        /// Parent pack folders its chain needs (`--with rules/packs/cn`).
        #[arg(long = "with", value_name = "DIR")]
        with: Vec<PathBuf>,
    },
    /// Report what a well-kept pack lacks: load and compile problems, rules without
    /// docs or fixtures, orphaned fixtures. Exits 0 when there is nothing to report.
    Lint {
        /// The pack folder to lint.
        dir: PathBuf,
        /// Parent pack folders its chain needs.
        #[arg(long = "with", value_name = "DIR")]
        with: Vec<PathBuf>,
    },
    /// What changed between two versions of a pack: rules added, removed or
    /// changed; parameters and severities changed.
    Diff {
        /// The old version's folder.
        old: PathBuf,
        /// The new version's folder.
        new: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Build one canonical bundle from pack folders and print its digest. Fixtures,
    /// snapshots (`*.snap`) and docs (`*.md`) are left out.
    Build {
        /// Pack folders (`rules/packs/cn` …); each folder's name is its pack's name.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// The bundle file to write.
        #[arg(short, long)]
        output: PathBuf,
        /// The bundle's sequence number: higher than that of every bundle of these
        /// packs published before (e.g. the date and a counter, 2026120401). Hosts
        /// that served a bundle refuse an older one, so a rollback is refused.
        #[arg(long, value_name = "N")]
        sequence: u64,
    },
    /// Make a signing key: the secret key goes to KEYFILE (readable only by you),
    /// the public key to KEYFILE.pub.
    Keygen {
        /// The secret key file to create (it must not exist yet).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Sign a bundle: writes FILE.sig.
    Sign {
        /// The bundle to sign.
        file: PathBuf,
        /// The secret key file (from `pack keygen`).
        #[arg(long)]
        key: PathBuf,
    },
    /// Verify a bundle against trusted public keys (its signature is read from
    /// FILE.sig). Exits 0 when it is good, 1 when it is refused.
    Verify {
        /// The bundle to verify.
        file: PathBuf,
        /// A trusted public key file (`KEYFILE.pub`); repeat for several.
        #[arg(long = "trust", value_name = "PUBKEYFILE")]
        trust: Vec<PathBuf>,
        /// Accept a bundle with no signature (a present but wrong one is still refused).
        #[arg(long)]
        allow_unsigned: bool,
    },
}

pub fn run(command: &Command) -> Result<ExitCode> {
    match command {
        Command::Test { dir, with } => test(dir, with),
        Command::Lint { dir, with } => lint(dir, with),
        Command::Diff { old, new, json } => diff(old, new, *json),
        Command::Build {
            dirs,
            output,
            sequence,
        } => build(dirs, output, *sequence),
        Command::Keygen { output } => keygen(output),
        Command::Sign { file, key } => sign(file, key),
        Command::Verify {
            file,
            trust,
            allow_unsigned,
        } => verify(file, trust, *allow_unsigned),
    }
}

fn build(dirs: &[PathBuf], output: &Path, sequence: u64) -> Result<ExitCode> {
    let packs = dirs
        .iter()
        .map(|dir| read_pack_dir(dir))
        .collect::<Result<Vec<_>>>()?;
    let bytes = bundle::encode_sequenced(&packs, sequence)?;
    std::fs::write(output, &bytes).with_context(|| format!("writing {}", output.display()))?;
    eprintln!(
        "wrote {} ({} pack(s), {} bytes)",
        output.display(),
        packs.len(),
        bytes.len()
    );
    outln!("{}", bundle::digest(&bytes));
    Ok(ExitCode::SUCCESS)
}

fn keygen(output: &Path) -> Result<ExitCode> {
    let mut seed = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut seed))
        .context("reading 32 random bytes from /dev/urandom")?;
    let secret = SecretKey::from_seed(seed);
    let public = secret.public_key();

    // Never overwrite a key: losing one means re-distributing a new public key.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(output)
        .with_context(|| format!("creating {} (it must not exist yet)", output.display()))?;
    writeln!(file, "{secret}").with_context(|| format!("writing {}", output.display()))?;

    let public_path = with_suffix(output, ".pub");
    std::fs::write(&public_path, format!("{public}\n"))
        .with_context(|| format!("writing {}", public_path.display()))?;
    eprintln!(
        "secret key: {} (keep it private)\npublic key: {}",
        output.display(),
        public_path.display()
    );
    outln!("{public}");
    Ok(ExitCode::SUCCESS)
}

fn sign(file: &Path, key_path: &Path) -> Result<ExitCode> {
    let bytes = read_bytes(file)?;
    // Only canonical bundles get a signature, so a signature always vouches for
    // something hosts can load.
    bundle::decode(&bytes)
        .with_context(|| format!("refusing to sign {}: not a valid bundle", file.display()))?;
    let key: SecretKey = read_text(key_path)?
        .parse()
        .with_context(|| format!("reading the secret key {}", key_path.display()))?;
    let signature = bundle::sign(&bytes, &key);
    let signature_path = with_suffix(file, ".sig");
    std::fs::write(&signature_path, format!("{signature}\n"))
        .with_context(|| format!("writing {}", signature_path.display()))?;
    eprintln!(
        "wrote {} for {}",
        signature_path.display(),
        bundle::digest(&bytes)
    );
    outln!("{}", key.public_key());
    Ok(ExitCode::SUCCESS)
}

fn verify(file: &Path, trust: &[PathBuf], allow_unsigned: bool) -> Result<ExitCode> {
    let bytes = read_bytes(file)?;
    // Trusted keys are the user's own configuration: a bad one is a usage error (2).
    let trusted = trust
        .iter()
        .map(|path| {
            read_text(path)?
                .parse::<PublicKey>()
                .with_context(|| format!("reading the trusted key {}", path.display()))
        })
        .collect::<Result<Vec<_>>>()?;
    let refuse = |why: &dyn std::fmt::Display| {
        eprintln!("wastecheck: refused {}: {why}", file.display());
        Ok(ExitCode::from(1))
    };

    let signature_path = with_suffix(file, ".sig");
    let signature = match std::fs::read_to_string(&signature_path) {
        Ok(text) => match text.parse::<Signature>() {
            Ok(signature) => Some(signature),
            Err(error) => return refuse(&format!("{}: {error}", signature_path.display())),
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => {
            return Err(error).with_context(|| format!("reading {}", signature_path.display()));
        }
    };
    let policy = if allow_unsigned {
        Trust::AllowUnsigned
    } else {
        Trust::RequireSignature
    };
    let verified = match bundle::verify(&bytes, signature.as_ref(), &trusted, policy) {
        Ok(verified) => verified,
        Err(error) => return refuse(&error),
    };
    let bundle::Decoded { sequence, packs } = match bundle::decode_sequenced(&bytes) {
        Ok(decoded) => decoded,
        Err(error) => return refuse(&error),
    };

    outln!("digest: {}", verified.digest);
    outln!("sequence: {sequence}");
    match verified.signer {
        Signer::Key(key) => outln!("signer: {key}"),
        Signer::Unsigned => outln!("signer: none (unsigned, allowed by --allow-unsigned)"),
    }
    for pack in &packs {
        // Decoded packs are valid, so this cannot fail; show the error if it ever does.
        let digest = bundle::pack_digest(pack).unwrap_or_else(|error| error.to_string());
        outln!(
            "pack: {} {digest} ({} file(s))",
            pack.name,
            pack.files.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The sources of a pack and of the parents it needs, every file included
/// (fixtures and docs too), with the pack's own name. Without `--with`, the parents
/// are the folders beside it named by each `extends` (`rules/packs/zj-shaoxing`
/// brings `rules/packs/zj` and `rules/packs/cn`).
fn read_with_parents(
    dir: &Path,
    with: &[PathBuf],
) -> Result<(String, Vec<PackFiles>, Vec<String>)> {
    let (pack, mut unreadable) = read_pack_dir_leniently(dir, Files::All)?;
    let name = pack.name.clone();
    let mut sources = vec![pack];
    if with.is_empty() {
        while let Some(parent) = sources.last().and_then(extends_id) {
            let folder = dir
                .parent()
                .map_or_else(|| PathBuf::from(&parent), |p| p.join(&parent));
            if !folder.join("pack.toml").is_file() || sources.iter().any(|s| s.name == parent) {
                break;
            }
            let (parent, mut more) = read_pack_dir_leniently(&folder, Files::All)?;
            unreadable.append(&mut more);
            sources.push(parent);
        }
    }
    for parent in with {
        let (parent, mut more) = read_pack_dir_leniently(parent, Files::All)?;
        unreadable.append(&mut more);
        sources.push(parent);
    }
    Ok((name, sources, unreadable))
}

/// The id a pack's `pack.toml` extends, if it reads and names one.
fn extends_id(pack: &PackFiles) -> Option<String> {
    let manifest: toml::Table = pack.files.get("pack.toml")?.parse().ok()?;
    let extends = manifest.get("extends")?.as_table()?;
    extends.get("id")?.as_str().map(str::to_owned)
}

fn test(dir: &Path, with: &[PathBuf]) -> Result<ExitCode> {
    let (name, sources, unreadable) = read_with_parents(dir, with)?;
    let report = tooling::test_pack(&sources, &name);
    for problem in unreadable
        .iter()
        .map(|p| p as &dyn std::fmt::Display)
        .chain(report.problems.iter().map(|p| p as &dyn std::fmt::Display))
    {
        outln!("error: {problem}");
    }
    for fixture in &report.fixtures {
        match &fixture.failure {
            None => outln!("ok    {}", fixture.file),
            Some(why) => outln!("FAIL  {}: {why}", fixture.file),
        }
    }
    let failed = report
        .fixtures
        .iter()
        .filter(|f| f.failure.is_some())
        .count();
    outln!(
        "{} passed, {} failed",
        report.fixtures.len() - failed,
        failed + report.problems.len() + unreadable.len()
    );
    Ok(if report.passed() && unreadable.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn lint(dir: &Path, with: &[PathBuf]) -> Result<ExitCode> {
    let (name, sources, unreadable) = read_with_parents(dir, with)?;
    let mut problems: Vec<String> = unreadable;
    problems.extend(tooling::lint(&sources, &name).iter().map(|p| p.to_string()));
    for problem in &problems {
        outln!("{problem}");
    }
    if problems.is_empty() {
        eprintln!("{name}: nothing to report");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("{name}: {} problem(s)", problems.len());
        Ok(ExitCode::from(1))
    }
}

fn diff(old: &Path, new: &Path, json: bool) -> Result<ExitCode> {
    let load = |dir: &Path| -> Result<_> {
        let files = read_pack_dir_with(dir, Files::All)?;
        load_pack(&files).map_err(|problems| {
            anyhow::anyhow!(
                "{}",
                problems
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        })
    };
    let (old, new) = (load(old)?, load(new)?);
    let changes = tooling::diff(&old, &new);
    if json {
        outln!("{}", serde_json::to_string_pretty(&changes)?);
    } else {
        outln!("{} → {}", old.label(), new.label());
        for change in &changes {
            outln!("  {}", serde_json::to_string(change)?);
        }
        if changes.is_empty() {
            outln!("  no changes");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Which files of a pack folder to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Files {
    /// What goes into a bundle.
    Bundled,
    /// Everything: fixtures, snapshots and docs too (for test and lint).
    All,
}

/// Reads one pack folder: its name is the folder's name, its files every bundled
/// file below it (see [`bundle::is_bundled`]), with `/`-separated relative paths.
/// A file that is not UTF-8 is an error naming it.
pub fn read_pack_dir(dir: &Path) -> Result<PackFiles> {
    read_pack_dir_with(dir, Files::Bundled)
}

/// Reads one pack folder, with the files `which` selects; a file that is not UTF-8
/// is an error naming it.
pub fn read_pack_dir_with(dir: &Path, which: Files) -> Result<PackFiles> {
    let (files, unreadable) = read_pack_dir_leniently(dir, which)?;
    match unreadable.first() {
        Some(problem) => bail!("{problem}"),
        None => Ok(files),
    }
}

/// Reads one pack folder, leaving out the files that are not UTF-8 text and saying
/// which (`pack test` and `pack lint` report them with every other problem, rather
/// than stop at the first).
fn read_pack_dir_leniently(dir: &Path, which: Files) -> Result<(PackFiles, Vec<String>)> {
    // `rules/packs/cn/` and `.` have no plain last component; resolve them first.
    let resolved;
    let named = if dir.file_name().is_some() {
        dir
    } else {
        resolved = dir
            .canonicalize()
            .with_context(|| format!("reading {}", dir.display()))?;
        resolved.as_path()
    };
    let name = named
        .file_name()
        .and_then(|name| name.to_str())
        .with_context(|| format!("{}: the pack folder needs a UTF-8 name", dir.display()))?
        .to_owned();
    let mut files = BTreeMap::new();
    let mut unreadable = Vec::new();
    walk(dir, "", which, &mut files, &mut unreadable)?;
    Ok((PackFiles { name, files }, unreadable))
}

/// Adds the bundled files under `dir` (at `prefix` inside the pack) to `files`, in
/// sorted order so errors are reported the same way every time.
fn walk(
    dir: &Path,
    prefix: &str,
    which: Files,
    files: &mut BTreeMap<String, String>,
    unreadable: &mut Vec<String>,
) -> Result<()> {
    let mut entries = std::fs::read_dir(dir)
        .with_context(|| format!("reading the folder {}", dir.display()))?
        .collect::<std::io::Result<Vec<_>>>()
        .with_context(|| format!("reading the folder {}", dir.display()))?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let path = entry.path();
        let Some(file_name) = entry.file_name().to_str().map(str::to_owned) else {
            bail!("{}: file names in a pack must be UTF-8", path.display());
        };
        let relative = format!("{prefix}{file_name}");
        let metadata =
            std::fs::metadata(&path).with_context(|| format!("reading {}", path.display()))?;
        if metadata.is_dir() {
            // Everything under `fixtures/` is unbundled; don't even read it.
            if file_name == "fixtures" && which == Files::Bundled {
                continue;
            }
            // Following folder links could loop or pull in files from elsewhere.
            if entry.file_type().is_ok_and(|kind| kind.is_symlink()) {
                bail!(
                    "{}: linked folders are not supported in packs",
                    path.display()
                );
            }
            walk(&path, &format!("{relative}/"), which, files, unreadable)?;
        } else if metadata.is_file() {
            if which == Files::Bundled && !bundle::is_bundled(&relative) {
                continue;
            }
            match String::from_utf8(read_bytes(&path)?) {
                Ok(text) => {
                    files.insert(relative, text);
                }
                Err(_) => unreadable.push(format!("{} is not UTF-8 text", path.display())),
            }
        } else {
            bail!("{}: not a file or folder", path.display());
        }
    }
    Ok(())
}

/// `path` with `suffix` appended to its file name: `bundle.json` → `bundle.json.sig`.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}

fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

//! `wastecheck check`.

use crate::Format;
use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use wastecheck::Checker;
use wastecheck::engine::chain::CompileOptions;
use wastecheck::model::{Date, DocumentKind};
use wastecheck::pack::bundle::{PublicKey, Signature, Trust};
use wastecheck::{CheckOptions, Locale, Report, Severity};
use wastecheck_rules::{BundleOptions, Downgrade, History, PackSet};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Documents to check; `-` reads standard input.
    #[arg(required = true)]
    files: Vec<String>,
    /// Check as this kind, whatever the document's `kind` says.
    #[arg(long, value_parser = parse_kind)]
    kind: Option<DocumentKind>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Language of messages in JSON output (text output shows both).
    #[arg(long, default_value = "zh-CN", value_parser = parse_locale)]
    locale: Locale,
    /// Legal date to check at (YYYY-MM-DD); by default taken from each document.
    #[arg(long, value_parser = parse_date)]
    as_of: Option<Date>,
    /// Facts (licences, permits, …) as a JSON file.
    #[arg(long)]
    facts: Option<String>,
    /// Check against these packs too: pack source folders (repeat for a chain) or
    /// one bundle file (its signature is read from FILE.sig). They layer over the
    /// built-in packs: a pack identical to a built-in one is not loaded twice, one
    /// of another version sits beside it (selection by region and date picks).
    #[arg(long = "packs", value_name = "DIR|BUNDLE")]
    packs: Vec<PathBuf>,
    /// Use the --packs alone, without the built-in packs (they must then carry
    /// every pack they extend).
    #[arg(long, requires = "packs")]
    packs_only: bool,
    /// A trusted public key for bundles (`KEYFILE.pub`); repeat for several.
    #[arg(long = "trust", value_name = "PUBKEYFILE")]
    trust: Vec<PathBuf>,
    /// Accept pack sources and unsigned bundles (for trying a draft pack).
    #[arg(long)]
    allow_unsigned: bool,
    /// Remember what bundles served in this JSON file (created if absent), and
    /// refuse a bundle older than one served before or holding other content under
    /// a pack version served before.
    #[arg(long, value_name = "FILE", requires = "packs")]
    history: Option<PathBuf>,
    /// Accept a bundle older than one in --history (rolling back on purpose).
    #[arg(long, requires = "history")]
    allow_downgrade: bool,
    /// Fail (exit 1) when a document could not be checked completely, rather than
    /// exit 3.
    #[arg(long)]
    strict: bool,
    /// Apply every single-valued fix the report offers and write the result beside
    /// each document as FILE.fixed.json (the input is never overwritten); print the
    /// patch applied (to standard error with --format json). The exit code is the
    /// original document's.
    #[arg(long)]
    fix: bool,
}

/// The checker: built-in packs, with those `--packs` names layered over them (or
/// alone, with `--packs-only`) — the one bundle policy of `wastecheck_rules`.
fn checker(args: &Args) -> Result<std::borrow::Cow<'static, Checker>> {
    if args.packs.is_empty() {
        return Ok(std::borrow::Cow::Borrowed(wastecheck_rules::checker()));
    }
    let trust = if args.allow_unsigned {
        Trust::AllowUnsigned
    } else {
        Trust::RequireSignature
    };
    if let [file] = args.packs.as_slice()
        && file.is_file()
    {
        let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        let mut sig_path = file.clone().into_os_string();
        sig_path.push(".sig");
        let signature = match std::fs::read_to_string(&sig_path) {
            Ok(text) => Some(
                text.parse::<Signature>()
                    .map_err(|e| anyhow!("{}: {e}", PathBuf::from(&sig_path).display()))?,
            ),
            Err(_) => None,
        };
        let trusted = args
            .trust
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                text.parse::<PublicKey>()
                    .map_err(|e| anyhow!("{}: {e}", path.display()))
            })
            .collect::<Result<Vec<_>>>()?;
        let options = BundleOptions {
            trust,
            replace: args.packs_only,
            downgrade: if args.allow_downgrade {
                Downgrade::Allow
            } else {
                Downgrade::Refuse
            },
        };
        let mut history = match &args.history {
            Some(path) => {
                History::read_file(path).with_context(|| format!("reading {}", path.display()))?
            }
            None => History::default(),
        };
        let loaded = wastecheck_rules::load_bundle(
            &bytes,
            signature.as_ref(),
            &trusted,
            &options,
            &mut history,
        )
        .map_err(|e| anyhow!("{}: {} ({})", file.display(), e, e.code()))?;
        if let Some(path) = &args.history {
            history
                .write_file(path)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        return Ok(std::borrow::Cow::Owned(loaded.checker));
    }
    if !args.allow_unsigned {
        bail!(
            "pack source folders are unsigned: pass --allow-unsigned to check against a draft pack"
        );
    }
    let sources = args
        .packs
        .iter()
        .map(|dir| crate::pack_cmd::read_pack_dir(dir))
        .collect::<Result<Vec<_>>>()?;
    let mut set = PackSet::base(args.packs_only);
    set.add(&sources).map_err(|e| anyhow!("{e}"))?;
    let checker = set
        .checker(&CompileOptions::default())
        .map_err(|e| anyhow!("{e}"))?;
    Ok(std::borrow::Cow::Owned(checker))
}

fn parse_kind(text: &str) -> Result<DocumentKind, String> {
    text.parse()
        .map_err(|e: wastecheck::model::Problem| e.to_string())
}

fn parse_locale(text: &str) -> Result<Locale, String> {
    text.parse()
        .map_err(|e: wastecheck::locale::UnknownLocale| e.to_string())
}

fn parse_date(text: &str) -> Result<Date, String> {
    text.parse()
        .map_err(|e: wastecheck::model::Problem| e.to_string())
}

fn read(path: &str) -> Result<String> {
    if path == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading standard input")?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).with_context(|| format!("reading {path}"))
    }
}

pub fn run(args: &Args) -> Result<ExitCode> {
    let checker = checker(args)?;
    let facts: Option<Value> = match &args.facts {
        Some(path) => Some(
            serde_json::from_str(&read(path)?).with_context(|| format!("{path} is not JSON"))?,
        ),
        None => None,
    };
    let options = CheckOptions {
        locale: args.locale,
        as_of: args.as_of,
        kind: args.kind,
        ..CheckOptions::default()
    };
    if args.fix && args.files.iter().any(|f| f == "-") {
        bail!("--fix writes FILE.fixed.json beside each file: give files, not standard input");
    }
    let mut reports = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let text = read(path)?;
        let report = checker.check_str(&text, facts.as_ref(), &options);
        reports.push((path, text, report));
    }
    match args.format {
        Format::Json => {
            let json = if let [(_, _, report)] = reports.as_slice() {
                serde_json::to_string_pretty(report)?
            } else {
                let all: Vec<&Report> = reports.iter().map(|(_, _, r)| r).collect();
                serde_json::to_string_pretty(&all)?
            };
            outln!("{json}");
        }
        Format::Text => {
            for (path, text, report) in &reports {
                out!("{}", render_text(path, text, facts.as_ref(), report));
            }
        }
    }
    if args.fix {
        for (path, text, report) in &reports {
            let summary = write_fixed(path, text, report)?;
            match args.format {
                Format::Text => out!("{summary}"),
                Format::Json => eprint!("{summary}"),
            }
        }
    }
    Ok(exit_code(reports.iter().map(|(_, _, r)| r), args.strict))
}

/// `manifest.json` → `manifest.fixed.json` (any other name: `NAME.fixed.json`).
fn fixed_path(path: &str) -> PathBuf {
    let path = PathBuf::from(path);
    let stem = match path.extension().and_then(|e| e.to_str()) {
        Some("json") => path.with_extension(""),
        _ => path.clone(),
    };
    let mut name = stem.into_os_string();
    name.push(".fixed.json");
    PathBuf::from(name)
}

/// Applies the report's single-valued fixes to the document in report order (an
/// operation identical to one applied already is not repeated; one that no longer
/// applies is skipped and named), writes FILE.fixed.json, and says what it did.
fn write_fixed(path: &str, text: &str, report: &Report) -> Result<String> {
    let Ok(mut document) = serde_json::from_str::<Value>(text) else {
        return Ok(format!("{path}: not JSON, nothing fixed\n"));
    };
    let mut applied: Vec<&wastecheck::report::PatchOp> = Vec::new();
    let mut skipped = Vec::new();
    for violation in report.violations.iter().filter(|v| !v.fix.is_empty()) {
        if violation.fix.iter().all(|op| applied.contains(&op)) {
            continue;
        }
        let patch: json_patch::Patch =
            serde_json::from_value(serde_json::to_value(&violation.fix)?)?;
        match json_patch::patch(&mut document, &patch) {
            Ok(()) => applied.extend(violation.fix.iter()),
            Err(e) => skipped.push(format!("{} at {}: {e}", violation.rule, violation.path)),
        }
    }
    let mut out = String::new();
    if applied.is_empty() {
        out.push_str(&format!("{path}: no fix to apply\n"));
    } else {
        let target = fixed_path(path);
        std::fs::write(&target, serde_json::to_string_pretty(&document)? + "\n")
            .with_context(|| format!("writing {}", target.display()))?;
        out.push_str(&format!(
            "{path}: {} fix operation(s) applied, written to {}\n{}\n",
            applied.len(),
            target.display(),
            serde_json::to_string_pretty(&applied)?
        ));
    }
    for skip in skipped {
        out.push_str(&format!("  not applied: {skip}\n"));
    }
    Ok(out)
}

/// 0: every document valid and checked completely; 1: a violation (or, with
/// `--strict`, an incomplete check); 3: valid, but some rule could not be evaluated
/// (facts not passed, no pack in force…) — never a silent pass.
fn exit_code<'a>(reports: impl Iterator<Item = &'a Report> + Clone, strict: bool) -> ExitCode {
    let valid = reports.clone().all(|r| r.valid);
    let complete = reports.clone().all(|r| r.complete);
    match (valid, complete) {
        (true, true) => ExitCode::SUCCESS,
        (true, false) if !strict => ExitCode::from(3),
        _ => ExitCode::from(1),
    }
}

/// A report for people: a summary line, then each violation with both languages,
/// the value found at its path and its basis.
fn render_text(path: &str, text: &str, facts: Option<&Value>, report: &Report) -> String {
    let mut out = String::new();
    let kind = report.kind.map_or("?", |k| k.as_str());
    let as_of = report.as_of.as_deref().unwrap_or("-");
    let editions: Vec<&str> = report.packs.iter().map(|p| p.id.as_str()).collect();
    let counts = report.counts;
    let verdict = if report.valid && report.complete {
        "valid / 合规".to_owned()
    } else if report.valid {
        format!(
            "valid so far, incomplete: {} rule(s) not evaluated / 未完整核查：{} 条规则未能核查",
            report.not_evaluated.len(),
            report.not_evaluated.len()
        )
    } else {
        format!(
            "{} error(s), {} warning(s), {} info / {} 个错误",
            counts.error, counts.warning, counts.info, counts.error
        )
    };
    out.push_str(&format!(
        "{path}: {verdict} [{kind}, as of {as_of}, {}]\n",
        editions.join(", ")
    ));
    let document: Option<Value> = serde_json::from_str(text).ok();
    for violation in &report.violations {
        let severity = match violation.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let at = if violation.path.is_empty() {
            "/"
        } else {
            &violation.path
        };
        out.push_str(&format!("\n{severity}[{}] at {at}\n", violation.rule));
        match &violation.text {
            Some(text) => {
                out.push_str(&format!(
                    "  {}\n  {}\n",
                    text.get(Locale::ZhCn),
                    text.get(Locale::En)
                ));
            }
            None => out.push_str(&format!("  {}\n", violation.message)),
        }
        // A facts problem's path is into the facts, not the document.
        let source = if violation.rule.starts_with("facts.") {
            facts
        } else {
            document.as_ref()
        };
        if let Some(found) = source.and_then(|d| d.pointer(&violation.path))
            && !violation.path.is_empty()
        {
            out.push_str(&format!("  found: {}\n", truncate(&found.to_string(), 120)));
        }
        if !violation.fix.is_empty() {
            let ops: Vec<String> = violation.fix.iter().map(describe_op).collect();
            out.push_str(&format!("  fix: {}\n", ops.join("; ")));
        }
        for choice in violation.choices.iter().take(8) {
            out.push_str(&format!(
                "  choice: {} / {}\n",
                choice.label.get(Locale::ZhCn),
                choice.label.get(Locale::En)
            ));
        }
        if let Some(hint) = &violation.hint_text {
            out.push_str(&format!(
                "  hint: {} / {}\n",
                hint.get(Locale::ZhCn),
                hint.get(Locale::En)
            ));
        }
        for basis in &violation.basis {
            let article = basis.article.as_deref().unwrap_or_default();
            out.push_str(&format!(
                "  basis: {}{}{}\n",
                basis.instrument,
                if article.is_empty() { "" } else { " " },
                article
            ));
        }
    }
    for skipped in &report.not_evaluated {
        out.push_str(&format!(
            "\nnot evaluated[{}] ({})\n  {}\n",
            skipped.rule,
            skipped.code.as_str(),
            skipped.reason
        ));
    }
    out
}

/// An operation for people: `replace /dispatched_at with "…+08:00"`.
fn describe_op(op: &wastecheck::report::PatchOp) -> String {
    use wastecheck::report::PatchOp::*;
    match op {
        Add { path, value } => format!("add {path} = {}", truncate(&value.to_string(), 80)),
        Replace { path, value } => {
            format!("replace {path} with {}", truncate(&value.to_string(), 80))
        }
        Remove { path } => format!("remove {path}"),
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}…")
    }
}

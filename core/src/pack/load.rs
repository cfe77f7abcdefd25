//! Reading one pack's source files into checked, typed parts. Every problem is
//! collected with its file and line; a pack with any problem does not load.

use super::bundle::{PackFiles, pack_digest};
use super::spec::{PackManifest, PackProblem, RuleSpec, parse_source, placeholders};
use crate::calendar::Calendar;
use crate::catalogue::{Catalogue, DeclaredEdition, Edition, EditionTable, Sources};
use crate::model::RegionCode;
use std::collections::BTreeSet;
use std::sync::Arc;

/// A rule as its pack declares it.
#[derive(Debug, Clone)]
pub struct SourceRule {
    /// The declaration.
    pub spec: RuleSpec,
    /// Its folder in the pack.
    pub dir: String,
    /// The script's source, for script rules.
    pub script: Option<String>,
}

/// A pack read from its files.
#[derive(Debug, Clone)]
pub struct SourcePack {
    /// `pack.toml`.
    pub manifest: PackManifest,
    /// The jurisdiction, parsed.
    pub jurisdiction: RegionCode,
    /// Its rules, by folder order.
    pub rules: Vec<SourceRule>,
    /// Catalogue editions it declares, with their tables where it carries them.
    pub editions: Vec<DeclaredEdition>,
    /// Its working-day calendar.
    pub calendar: Option<Arc<Calendar>>,
    /// `sha256:…` of its canonical encoding.
    pub digest: String,
    /// The files.
    pub files: PackFiles,
}

impl SourcePack {
    /// `id@version`.
    pub fn label(&self) -> String {
        format!("{}@{}", self.manifest.id, self.manifest.version)
    }
}

/// Whether a rule id is well formed: lower-case words and dashes in at least three
/// dot-separated parts (`cn.transfer.receiver-unlicensed`).
pub fn is_well_formed_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('.').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && !p.starts_with('-')
                && !p.ends_with('-')
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

/// Reads a pack: the pack when it has no problem, else every problem.
pub fn load_pack(files: &PackFiles) -> Result<SourcePack, Vec<PackProblem>> {
    match read_pack(files) {
        (Some(pack), problems) if problems.is_empty() => Ok(pack),
        (_, problems) => Err(problems),
    }
}

/// Reads a pack as far as it can: every problem, and — unless its manifest cannot
/// be read — the pack without the rules that have problems, so that later phases
/// (compiling, linting) can report theirs too and an author sees every problem at
/// once. A pack with problems is never served: only [`load_pack`]'s `Ok` is.
pub fn read_pack(files: &PackFiles) -> (Option<SourcePack>, Vec<PackProblem>) {
    read_digested_pack(files, &computed_digest)
}

/// A pack's digest computed from its files ([`pack_digest`]), as
/// [`read_digested_pack`] asks for it: the error as the pack's problem.
pub fn computed_digest(files: &PackFiles) -> Result<String, String> {
    pack_digest(files).map_err(|e| e.to_string())
}

/// [`read_pack`] with the pack's digest ([`pack_digest`]) given by `digest`, asked
/// only of a pack that read well. The built-in packs' are known from build time:
/// hashing a pack's canonical encoding is a quarter of loading it, and a module
/// that only loads them (the browser's first) then carries no encoder or hash.
// Not inlined into the registry's loading: one huge function is what the
// browser's optimising compiler spends longest on (`x`, WASM_OPT).
#[inline(never)]
pub fn read_digested_pack(
    files: &PackFiles,
    digest: &dyn Fn(&PackFiles) -> Result<String, String>,
) -> (Option<SourcePack>, Vec<PackProblem>) {
    let name = files.name.as_str();
    let mut problems = Vec::new();
    let problem = |file: &str, line: Option<usize>, message: String| PackProblem {
        pack: name.to_owned(),
        file: file.to_owned(),
        line,
        message,
    };

    // `pack.json` is how a bundle carries `pack.toml` (bundle.rs).
    let Some((manifest_file, manifest_text)) = ["pack.toml", "pack.json"]
        .into_iter()
        .find_map(|file| files.files.get(file).map(|text| (file, text)))
    else {
        return (
            None,
            vec![problem(
                "pack.toml",
                None,
                "the pack has no pack.toml".into(),
            )],
        );
    };
    let manifest: PackManifest = match parse_source(name, manifest_file, manifest_text) {
        Ok(m) => m,
        Err(p) => return (None, vec![p]),
    };
    if manifest.id != name {
        problems.push(problem(
            "pack.toml",
            None,
            format!("id `{}` differs from the folder name `{name}`", manifest.id),
        ));
    }
    let jurisdiction = match manifest.jurisdiction.parse::<RegionCode>() {
        Ok(region) => region,
        Err(e) => {
            problems.push(problem("pack.toml", None, format!("jurisdiction: {e}")));
            RegionCode::NATIONAL
        }
    };
    if let Some(until) = manifest.effective_until
        && until < manifest.effective_from
    {
        problems.push(problem(
            "pack.toml",
            None,
            "effective_until is before effective_from".into(),
        ));
    }
    for (rule, reason) in &manifest.disable {
        if reason.trim().is_empty() {
            problems.push(problem(
                "pack.toml",
                None,
                format!("disabling `{rule}` needs a reason"),
            ));
        }
    }

    let file = |path: &str, problems: &mut Vec<PackProblem>| -> Option<&String> {
        let found = files.files.get(path);
        if found.is_none() {
            problems.push(problem(
                "pack.toml",
                None,
                format!("`{path}` is named but not in the pack"),
            ));
        }
        found
    };

    let mut editions = Vec::new();
    for spec in &manifest.catalogue {
        let edition = Edition {
            id: spec.id.clone(),
            title_zh: spec.title.zh.clone(),
            title_en: spec.title.en.clone(),
            effective_from: spec.effective_from,
        };
        let named = [
            &spec.list,
            &spec.categories,
            &spec.exemptions,
            &spec.general,
        ];
        let table = match (named.map(Option::as_deref), &spec.stand_in) {
            ([None, None, None, None], None) => EditionTable::NotCarried,
            ([None, None, None, None], Some(id)) => EditionTable::StandIn(id.clone()),
            (
                [
                    Some(list),
                    Some(categories),
                    Some(exemptions),
                    Some(general),
                ],
                None,
            ) => {
                let texts = (
                    file(list, &mut problems),
                    file(categories, &mut problems),
                    file(exemptions, &mut problems),
                    file(general, &mut problems),
                );
                let (Some(list_text), Some(categories), Some(exemptions), Some(general)) = texts
                else {
                    continue;
                };
                let sources = Sources {
                    list: list_text,
                    categories,
                    exemptions,
                    general,
                };
                match Catalogue::from_csv(edition.clone(), sources) {
                    Ok(c) => EditionTable::Carried(Arc::new(c)),
                    Err(e) => {
                        problems.push(problem(list, None, format!("catalogue {}: {e}", spec.id)));
                        continue;
                    }
                }
            }
            (_, stand_in) => {
                problems.push(problem(
                    "pack.toml",
                    None,
                    format!(
                        "catalogue edition `{}` names {}: an edition carries all four tables \
                         (list, categories, exemptions, general), or none{}",
                        spec.id,
                        if stand_in.is_some() {
                            "tables and a stand-in"
                        } else {
                            "only some of its tables"
                        },
                        if stand_in.is_some() {
                            " with a stand-in"
                        } else {
                            ""
                        },
                    ),
                ));
                continue;
            }
        };
        editions.push(DeclaredEdition { edition, table });
    }

    let calendar = match &manifest.calendar {
        None => None,
        Some(spec) => file(&spec.file, &mut problems).and_then(|text| {
            Calendar::from_csv(text, spec.covers_until)
                .map_err(|e| problems.push(problem(&spec.file, None, e.to_string())))
                .ok()
                .map(Arc::new)
        }),
    };

    let mut rules = Vec::new();
    let mut ids = BTreeSet::new();
    for (path, text) in &files.files {
        let Some(dir) = path
            .strip_suffix("/rule.toml")
            .or_else(|| path.strip_suffix("/rule.json"))
        else {
            continue;
        };
        let spec: RuleSpec = match parse_source(name, path, text) {
            Ok(spec) => spec,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        let before = problems.len();
        let mut rule_problem = |message: String| problems.push(problem(path, None, message));
        if !is_well_formed_id(&spec.id) {
            rule_problem(format!(
                "id `{}` is not of the form pack.area.what-is-wrong",
                spec.id
            ));
        }
        if !spec.id.starts_with(&format!("{}.", manifest.id)) {
            rule_problem(format!(
                "id `{}` must start with the pack id `{}.`",
                spec.id, manifest.id
            ));
        }
        if dir != spec.id {
            rule_problem(format!(
                "the folder `{dir}` must be named after the rule id `{}`",
                spec.id
            ));
        }
        if !ids.insert(spec.id.clone()) {
            rule_problem(format!("duplicate rule id `{}`", spec.id));
        }
        if spec.legal_basis.is_empty() {
            rule_problem("a rule needs at least one legal_basis".into());
        }
        if spec.applies_to.is_empty() {
            rule_problem("applies_to names no document kind".into());
        }
        let (zh, en) = (
            placeholders(&spec.messages.zh),
            placeholders(&spec.messages.en),
        );
        if zh != en {
            rule_problem(format!(
                "messages use different placeholders: zh-CN {{{}}}, en {{{}}}",
                zh.join("}, {"),
                en.join("}, {")
            ));
        }
        let script = match (&spec.check, &spec.script) {
            (Some(_), None) => None,
            (None, Some(file)) => {
                let script_path = format!("{dir}/{file}");
                match files.files.get(&script_path) {
                    Some(source) => Some(source.clone()),
                    None => {
                        rule_problem(format!("script `{script_path}` is not in the pack"));
                        None
                    }
                }
            }
            _ => {
                rule_problem(
                    "give either a [check] table or a script, not both and not neither".into(),
                );
                None
            }
        };
        // A rule with problems is left out, so that compiling does not report
        // them again in other words.
        if problems.len() == before {
            rules.push(SourceRule {
                spec,
                dir: dir.to_owned(),
                script,
            });
        }
    }

    // Only for a pack that read well: encoding converts its TOML again, and would
    // report the same syntax errors twice. A pack with problems is never served,
    // so it needs no digest.
    let digest = if problems.is_empty() {
        digest(files).unwrap_or_else(|e| {
            problems.push(problem("", None, e));
            String::new()
        })
    } else {
        String::new()
    };
    let pack = SourcePack {
        manifest,
        jurisdiction,
        rules,
        editions,
        calendar,
        digest,
        files: files.clone(),
    };
    (Some(pack), problems)
}

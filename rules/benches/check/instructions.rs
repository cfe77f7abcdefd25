//! Instruction counts beside the times (issue 22): the summary runs this benchmark's
//! own binary under `valgrind --tool=callgrind` in its count modes (`--count N`,
//! `--loads N`) and prints instructions per check, less the set-up (the same run
//! with a count of 0). Unlike times, they do not move with the machine's other
//! work, so two runs on a busy machine compare. From the same runs, where the
//! whole chain's instructions go (`callgrind_annotate`, inclusive, per check): the
//! JSON parse, the typed model, the rules and the dearest check kinds, and the
//! allocator. Without valgrind the summary says so and goes on.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// Whole-chain checks counted (a run takes a few seconds under valgrind).
const WHOLE: usize = 1000;
/// Checks counted for the five-rule engine and the hand-written baseline.
const FIVE: usize = 2000;
/// Loads of the built-in packs counted.
const LOADS: usize = 5;

/// The parts of a whole-chain check, by the function whose inclusive count is the
/// part's (names as callgrind gives them; a part whose function was inlined away
/// is left out).
const PARTS: [(&str, &str); 3] = [
    ("JSON text to a tree", "wastecheck::json::parse_with"),
    (
        "the typed model, with its structural checks",
        "wastecheck::model::decode_json_document_with",
    ),
    (
        "the rules, with their findings' messages",
        "wastecheck::engine::chain::run::<impl wastecheck::engine::chain::Chain>::run_into",
    ),
];

/// Prints the instruction counts, or why there are none.
pub fn print() {
    match measure() {
        Ok(lines) => {
            println!(
                "instructions per check (valgrind --tool=callgrind on this benchmark, each count less the same run's set-up; they do not move with the machine's load):"
            );
            for line in lines {
                println!("  {line}");
            }
        }
        Err(why) => println!("instructions per check: not counted ({why})"),
    }
}

/// One callgrind run's inclusive and exclusive counts per function, and its total.
struct Profile {
    total: u64,
    inclusive: HashMap<String, u64>,
    exclusive: HashMap<String, u64>,
}

impl Profile {
    /// Runs this binary with `args` under callgrind.
    fn of(args: &[&str]) -> Result<Profile, String> {
        let exe = std::env::current_exe().map_err(|e| format!("no path to this binary: {e}"))?;
        let out = std::env::temp_dir().join(format!(
            "wastecheck-callgrind-{}-{}.out",
            std::process::id(),
            args.join("-")
        ));
        let profile = Profile::run(&exe, args, &out);
        let _ = std::fs::remove_file(&out);
        profile
    }

    fn run(exe: &Path, args: &[&str], out: &Path) -> Result<Profile, String> {
        let status = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(exe)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("valgrind did not start: {e}; apt-get install valgrind"))?;
        if !status.success() {
            return Err(format!("valgrind {} ended with {status}", args.join(" ")));
        }
        let text = std::fs::read_to_string(out).map_err(|e| format!("callgrind's output: {e}"))?;
        let total = text
            .lines()
            .find_map(|l| l.strip_prefix("summary: ").or(l.strip_prefix("totals: ")))
            .and_then(|n| n.trim().parse().ok())
            .ok_or("callgrind's output has no total")?;
        Ok(Profile {
            total,
            inclusive: annotate(out, true)?,
            exclusive: annotate(out, false)?,
        })
    }

    /// What `name` costs per unit of work, inclusive: this run's count less
    /// `zero`'s, over `n`.
    fn per(&self, zero: &Profile, name: &str, n: usize) -> Option<f64> {
        per_unit(&self.inclusive, &zero.inclusive, name, n)
    }
}

/// `callgrind_annotate`'s count per function (every function: threshold 100 %).
fn annotate(out: &Path, inclusive: bool) -> Result<HashMap<String, u64>, String> {
    let output = Command::new("callgrind_annotate")
        .arg(format!(
            "--inclusive={}",
            if inclusive { "yes" } else { "no" }
        ))
        .arg("--threshold=100")
        .arg(out)
        .output()
        .map_err(|e| format!("callgrind_annotate did not start: {e}"))?;
    let mut counts = HashMap::new();
    for (key, count) in String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(counted)
    {
        *counts.entry(key).or_insert(0) += count;
    }
    if counts.is_empty() {
        return Err("callgrind_annotate printed no counts".into());
    }
    Ok(counts)
}

/// A line of `callgrind_annotate`'s table, `  1,234 (12.3%)  file:function [object]`,
/// as its function and count; the allocator's functions under one key, `malloc.c`.
fn counted(line: &str) -> Option<(String, u64)> {
    let (count, rest) = line.trim_start().split_once(' ')?;
    let count = count.replace(',', "").parse().ok()?;
    let (_, located) = rest.split_once(")  ")?;
    let located = match located.rsplit_once(" [") {
        Some((name, _)) if located.ends_with(']') => name,
        _ => located,
    };
    let (file, function) = located.split_once(':')?;
    let key = if file.ends_with("malloc.c") {
        "malloc.c"
    } else {
        function.trim()
    };
    Some((key.to_owned(), count))
}

/// In test mode: `counted` reads the lines `callgrind_annotate` prints.
pub fn reads_callgrind_lines() {
    let line = "  6,595,030 ( 1.52%)  ???:<wastecheck::model::documents::manifest::Manifest as wastecheck::model::node::Record>::member [/bench/check-1]";
    assert_eq!(
        counted(line),
        Some((
            "<wastecheck::model::documents::manifest::Manifest as wastecheck::model::node::Record>::member".to_owned(),
            6_595_030
        ))
    );
    let allocator =
        "16,537,172 ( 3.82%)  ./malloc/./malloc/malloc.c:_int_malloc [/usr/lib/libc.so.6]";
    assert_eq!(
        counted(allocator),
        Some(("malloc.c".to_owned(), 16_537_172))
    );
    assert_eq!(counted("Ir                   file:function"), None);
    assert_eq!(counted("433,064,615 (100.0%)  PROGRAM TOTALS"), None);
}

/// `key`'s count in `here` less its count in `zero`, over `n`; `None` when `here`
/// has no such key.
fn per_unit(
    here: &HashMap<String, u64>,
    zero: &HashMap<String, u64>,
    key: &str,
    n: usize,
) -> Option<f64> {
    let count = *here.get(key)?;
    let less = zero.get(key).copied().unwrap_or(0);
    Some(count.saturating_sub(less) as f64 / n as f64)
}

/// Per-check counts of a whole run: `count` less `zero`, over `n`.
fn per_check(count: &Profile, zero: &Profile, n: usize) -> f64 {
    count.total.saturating_sub(zero.total) as f64 / n as f64
}

/// A line of the table: a count per check, and how many checks it is counted over.
fn row(label: &str, count: f64, n: usize) -> String {
    format!("{label:<58}{:>8}  ({n} checks)", k(count))
}

/// Thousands, for the table (`224.7k`).
fn k(count: f64) -> String {
    format!("{:.1}k", count / 1000.0)
}

fn measure() -> Result<Vec<String>, String> {
    let (whole_n, five_n, loads_n) = (WHOLE.to_string(), FIVE.to_string(), LOADS.to_string());
    let zero = Profile::of(&["--count", "0"])?;
    let whole = Profile::of(&["--count", &whole_n])?;
    let like = Profile::of(&["--count", &five_n, "like"])?;
    let hand = Profile::of(&["--count", &five_n, "baseline"])?;
    let no_load = Profile::of(&["--loads", "0"])?;
    let loads = Profile::of(&["--loads", &loads_n])?;

    let total = per_check(&whole, &zero, WHOLE);
    let (engine5, baseline5) = (per_check(&like, &zero, FIVE), per_check(&hand, &zero, FIVE));
    let share = |part: f64| format!("{:>5.1} %", 100.0 * part / total);
    let part = |label: &str, count: f64| format!("  {label:<56}{:>8}  {}", k(count), share(count));
    let mut lines = vec![row("engine, whole chain (check_str)", total, WHOLE)];
    let mut counted = 0.0;
    let mut unseen = Vec::new();
    for (label, function) in PARTS {
        match whole.per(&zero, function, WHOLE) {
            Some(count) => {
                counted += count;
                lines.push(part(label, count));
            }
            None => unseen.push(label),
        }
    }
    let rest = if unseen.is_empty() {
        "the rest: the report, dropping the tree and the model".to_owned()
    } else {
        // A part's function inlined away: its count is in the rest.
        format!("the rest, with {}", unseen.join(" and "))
    };
    lines.push(part(&rest, total - counted));
    // Across the parts: the allocator's own instructions.
    if let Some(allocator) = per_unit(&whole.exclusive, &zero.exclusive, "malloc.c", WHOLE) {
        lines.push(part("of all of it, malloc and free (glibc)", allocator));
    }
    let mut kinds: Vec<(String, f64)> = whole
        .inclusive
        .keys()
        .filter_map(|name| {
            let kind = name
                .strip_prefix("<wastecheck::engine::kinds::")?
                .strip_suffix(" as wastecheck::engine::kinds::Check>::run")?;
            let kind = kind.rsplit("::").next().unwrap_or(kind);
            Some((kind.to_owned(), whole.per(&zero, name, WHOLE)?))
        })
        // `Shown` wraps another kind's check: listing it would count that twice.
        .filter(|(kind, _)| kind != "Shown")
        .collect();
    kinds.sort_by(|a, b| b.1.total_cmp(&a.1));
    let dearest: Vec<String> = kinds
        .iter()
        .take(6)
        .map(|(kind, count)| format!("{kind} {}", k(*count)))
        .collect();
    lines.push(format!(
        "    the dearest check kinds (all their rules together): {}",
        dearest.join(", ")
    ));
    lines.push(row(
        "engine, the baseline's 5 rules (check_str)",
        engine5,
        FIVE,
    ));
    lines.push(row("hand-written baseline, 5 rules", baseline5, FIVE));
    lines.push(format!(
        "{:<58}{:>8.2}  (the goal, in time: ≤ 1.5)",
        "engine / baseline in instructions",
        engine5 / baseline5
    ));
    lines.push(format!(
        "loading the built-in packs (wastecheck_rules::load + Checker::new) {:.1}M  ({LOADS} loads)",
        per_check(&loads, &no_load, LOADS) / 1e6
    ));
    Ok(lines)
}

//! The summary: timed by hand, medians of RUNS runs.

use super::allocations::{Allocations, counted};
use super::baseline::BManifest;
use super::fixture::{Fixture, RuleInfo, fixture};
use super::{BASELINE_RULES, ITERS, N, RUNS, run_chain};
use serde_json::Value;
use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;
use wastecheck::engine::script::ScriptEngine;
use wastecheck::model::{DocumentKind, decode_facts, decode_json_document};

pub(super) fn median(mut runs: Vec<f64>) -> f64 {
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

/// The ratio of two functions' times, round by round: the VM's speed drifts
/// between the rounds of interleaved runs, which a ratio of the two medians would
/// not cancel.
pub(super) struct RoundRatio {
    pub(super) median: f64,
    least: f64,
    most: f64,
}

/// [`RoundRatio`] of the runs `a` and `b` of the same rounds.
pub(super) fn round_ratio(a: &[f64], b: &[f64]) -> RoundRatio {
    let mut ratios: Vec<f64> = a.iter().zip(b).map(|(a, b)| a / b).collect();
    ratios.sort_by(f64::total_cmp);
    RoundRatio {
        least: ratios.first().copied().unwrap_or(f64::NAN),
        most: ratios.last().copied().unwrap_or(f64::NAN),
        median: median(ratios),
    }
}

impl std::fmt::Display for RoundRatio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the median of each round's ratio, {:.2}–{:.2}",
            self.least, self.most
        )
    }
}

/// Nanoseconds per call of each of `fs`: RUNS interleaved runs of `iters` calls.
pub(super) fn time_runs<const K: usize>(
    iters: usize,
    fs: [&dyn Fn(usize) -> usize; K],
) -> [Vec<f64>; K] {
    time_runs_each([iters; K], fs)
}

/// Nanoseconds per call of each of `fs`: RUNS interleaved runs of `iters[k]` calls
/// of `fs[k]` (fewer for a slow one).
pub(super) fn time_runs_each<const K: usize>(
    iters: [usize; K],
    fs: [&dyn Fn(usize) -> usize; K],
) -> [Vec<f64>; K] {
    let mut runs: [Vec<f64>; K] = std::array::from_fn(|_| Vec::with_capacity(RUNS));
    for (f, iters) in fs.iter().zip(iters) {
        for i in 0..iters.div_ceil(10) {
            black_box(f(i % N));
        }
    }
    for _ in 0..RUNS {
        for (k, (f, iters)) in fs.iter().zip(iters).enumerate() {
            let start = Instant::now();
            for i in 0..iters {
                black_box(f(black_box(i % N)));
            }
            runs[k].push(start.elapsed().as_secs_f64() * 1e9 / iters as f64);
        }
    }
    runs
}

/// The median of RUNS interleaved runs of ITERS calls of each of `fs`, in ns per call.
pub(super) fn time_all<const K: usize>(fs: [&dyn Fn(usize) -> usize; K]) -> [f64; K] {
    time_runs(ITERS, fs).map(median)
}

/// The median over RUNS interleaved runs of the difference `a − b`, in ns per call.
pub(super) fn time_diff(
    iters: usize,
    a: &dyn Fn(usize) -> usize,
    b: &dyn Fn(usize) -> usize,
) -> f64 {
    let [ra, rb] = time_runs(iters, [a, b]);
    median(ra.iter().zip(&rb).map(|(a, b)| a - b).collect())
}

/// The median and the 99th percentile, in nanoseconds, of `ITERS` calls of `f`
/// each timed alone (over the documents in turn, after a warm-up).
fn percentiles(f: &dyn Fn(usize) -> usize) -> (f64, f64) {
    for i in 0..N {
        black_box(f(i));
    }
    let mut each: Vec<f64> = (0..ITERS)
        .map(|i| {
            let start = Instant::now();
            black_box(f(black_box(i % N)));
            start.elapsed().as_nanos() as f64
        })
        .collect();
    each.sort_by(f64::total_cmp);
    let at = |q: f64| each[((each.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

/// What `f` allocates per call, the mean over the documents (after a warm-up
/// pass: the facts index lookups once, on first use); with `only`, over the
/// documents it holds for. `None` when it holds for none.
fn allocations_per_call(
    f: &dyn Fn(usize) -> usize,
    only: &dyn Fn(usize) -> bool,
) -> Option<(f64, f64)> {
    for i in 0..N {
        black_box(f(i));
    }
    let (mut calls, mut total) = (0u64, Allocations::default());
    for i in (0..N).filter(|&i| only(i)) {
        let (made, _) = counted(|| black_box(f(black_box(i))));
        calls += 1;
        total.count += made.count;
        total.bytes += made.bytes;
    }
    (calls > 0).then(|| {
        let calls = calls as f64;
        (total.count as f64 / calls, total.bytes as f64 / calls)
    })
}

/// `allocations_per_call` over every document, as text.
fn allocations(f: &dyn Fn(usize) -> usize) -> String {
    allocations_where(f, &|_| true)
}

fn allocations_where(f: &dyn Fn(usize) -> usize, only: &dyn Fn(usize) -> bool) -> String {
    match allocations_per_call(f, only) {
        Some((count, bytes)) => format!("{count:6.1} ({bytes:.0} bytes)"),
        None => "     – (no such document)".to_owned(),
    }
}

pub(super) fn us(ns: f64) -> String {
    format!("{:8.2} µs", ns / 1000.0)
}

/// What each manifest rule, run alone on the pre-decoded documents, allocates per
/// check on the documents where it finds nothing (the goal: nothing), less what the
/// chain without rules allocates; `None` for a rule that finds something in every
/// document.
pub(super) fn silent_allocations(fx: &Fixture) -> Vec<(&RuleInfo, Option<f64>)> {
    let none = |i: usize| run_chain(fx, &fx.no_rules, i);
    let none_allocations = allocations_per_call(&none, &|_| true).map_or(0.0, |(c, _)| c);
    fx.manifest_rules
        .iter()
        .map(|rule| {
            let alone = |i: usize| run_chain(fx, &rule.alone, i);
            let silent = |i: usize| alone(i) == 0;
            let count = allocations_per_call(&alone, &silent).map(|(c, _)| c - none_allocations);
            (rule, count)
        })
        .collect()
}

pub(super) fn per_second(ns: f64) -> String {
    format!("{:>9.0}", 1e9 / ns)
}

pub(super) fn summary(allocator: &str) {
    let fx = fixture();
    let mean_bytes = fx.texts.iter().map(String::len).sum::<usize>() as f64 / N as f64;
    let mean_lines = fx
        .values
        .iter()
        .map(|v| v["wastes"].as_array().map_or(0, Vec::len))
        .sum::<usize>() as f64
        / N as f64;
    let mean_facts = (0..N).map(|i| fx.facts(i).to_string().len()).sum::<usize>() as f64 / N as f64;

    let check_str = |i: usize| fx.check_str(fx.checker, i).violations.len();
    let check_str_raw_facts = |i: usize| fx.check_str_raw_facts(fx.checker, i).violations.len();
    let check_value = |i: usize| fx.check_value(fx.checker, i).violations.len();
    let like = |i: usize| fx.check_str(&fx.like_checker, i).violations.len();
    let hand = |i: usize| fx.hand(i).map_or(0, |o| o.findings.len());
    let [r_str, r_value, r_like, r_base] =
        time_runs(ITERS, [&check_str, &check_value, &like, &hand]);
    let like_ratio = round_ratio(&r_like, &r_base);
    let [t_str, t_value, t_like, t_base] = [r_str, r_value, r_like, r_base].map(median);
    let [t_str_raw_facts] = time_all([&check_str_raw_facts]);
    let (p50, p99) = percentiles(&check_str);
    let bare_str = |i: usize| fx.check_str(&fx.no_rules_checker, i).violations.len();
    let bare_value = |i: usize| fx.check_value(&fx.no_rules_checker, i).violations.len();
    let [t_bare_str, t_bare_value] = time_all([&bare_str, &bare_value]);

    // The engine's steps one by one.
    let serde_value = |i: usize| {
        serde_json::from_str::<Value>(&fx.texts[i])
            .map_or(0, |v| v.as_object().map_or(0, |o| o.len()))
    };
    let tracked =
        |i: usize| wastecheck::json::parse(&fx.texts[i]).map_or(0, |p| p.duplicate_keys.len());
    let decode = |i: usize| {
        decode_json_document(DocumentKind::Manifest, &fx.decoded[i].raw)
            .1
            .len()
    };
    let facts = |i: usize| decode_facts(fx.facts(i)).1.len();
    let full = |i: usize| run_chain(fx, &fx.chain, i);
    let none = |i: usize| run_chain(fx, &fx.no_rules, i);
    let to_dyn_doc =
        |i: usize| ScriptEngine::json_to_dynamic(&fx.decoded[i].raw).is_unit() as usize;
    let to_dyn_facts = |i: usize| ScriptEngine::to_dynamic(fx.facts(i)).is_unit() as usize;
    let to_dyn_items = |i: usize| {
        fx.values[i]["wastes"].as_array().map_or(0, |items| {
            items
                .iter()
                .filter(|item| ScriptEngine::to_dynamic(item).is_unit())
                .count()
        })
    };
    let base_parse = |i: usize| {
        serde_json::from_str::<BManifest<'_>>(&fx.texts[i]).map_or(0, |m| m.wastes.len())
    };
    let [t_serde, t_tracked, t_decode, t_facts] =
        time_all([&serde_value, &tracked, &decode, &facts]);
    let [t_full, t_none] = time_all([&full, &none]);
    let [t_dyn_items] = time_all([&to_dyn_items]);
    let [t_dyn_doc, t_dyn_facts, t_base_parse] =
        time_all([&to_dyn_doc, &to_dyn_facts, &base_parse]);

    // Each manifest rule alone, on pre-decoded documents.
    let per_rule: Vec<(&RuleInfo, f64)> = fx
        .manifest_rules
        .iter()
        .map(|rule| {
            let alone = |i: usize| run_chain(fx, &rule.alone, i);
            (rule, time_diff(ITERS / 4, &alone, &none))
        })
        .collect();
    // What each rule allocates where it finds nothing (the goal: nothing).
    let silent: HashMap<&str, Option<f64>> = silent_allocations(fx)
        .into_iter()
        .map(|(rule, count)| (rule.id.as_str(), count))
        .collect();
    let rule_allocations = |rule: &RuleInfo| match silent.get(rule.id.as_str()) {
        Some(Some(count)) => format!("{count:5.1}"),
        _ => "    –".to_owned(),
    };
    let t_scripts = if fx.script_rules.is_empty() {
        None
    } else {
        let scripts = |i: usize| run_chain(fx, &fx.scripts_only, i);
        Some(time_diff(ITERS, &scripts, &none))
    };

    let line = "=".repeat(96);
    println!("\n{line}");
    println!(
        "wastecheck check benchmark — summary (medians of {RUNS} runs × {ITERS} checks, one thread = one core)"
    );
    println!("{line}");
    println!(
        "documents : {N} generated manifests, mean {mean_bytes:.0} bytes of JSON, mean {mean_lines:.2} waste lines"
    );
    println!(
        "facts     : {} sets (one per consignor: parties, licences, permit, policies, sites, receipts, plans), mean {mean_facts:.0} bytes",
        fx.facts.len()
    );
    println!(
        "chain     : {} — {} rules, {} of them for confirmed manifests ({} native, {} rhai)",
        fx.chain
            .packs
            .iter()
            .map(|p| format!("{}@{}", p.id, p.version))
            .collect::<Vec<_>>()
            .join(" → "),
        fx.chain.rules.len(),
        fx.manifest_rules.len(),
        fx.manifest_rules.len() - fx.script_rules.len(),
        fx.script_rules.len()
    );
    println!("allocator : {allocator}, for the engine and the baseline alike");
    println!(
        "baseline  : hand-written Rust for {} rules: {:?}",
        fx.like_rules.len(),
        fx.like_rules
    );
    println!();
    println!("                                               per check   checks/s/core");
    println!(
        "engine   check_str, whole chain ({:2} rules)   {}  {}   (goal ≥ 100,000)",
        fx.manifest_rules.len(),
        us(t_str),
        per_second(t_str)
    );
    println!(
        "         each check timed alone: median {}, p99 {}",
        us(p50).trim(),
        us(p99).trim()
    );
    println!(
        "engine   check_str, facts decoded per check  {}  {}",
        us(t_str_raw_facts),
        per_second(t_str_raw_facts)
    );
    println!(
        "engine   check_value, whole chain (parsed)   {}  {}",
        us(t_value),
        per_second(t_value)
    );
    println!(
        "engine   check_str, the baseline's {} rules    {}  {}",
        fx.like_rules.len(),
        us(t_like),
        per_second(t_like)
    );
    println!(
        "baseline hand-written, the same {} rules      {}  {}",
        fx.like_rules.len(),
        us(t_base),
        per_second(t_base)
    );
    println!(
        "RATIO engine/baseline, like for like        {:8.2}                (goal ≤ 1.5; {like_ratio})",
        like_ratio.median,
    );
    if !fx.missing.is_empty() {
        println!(
            "  (whole chain / baseline = {:.2}, NOT like for like: the baseline lacks {} rules)",
            t_str / t_base,
            fx.missing.len()
        );
    }
    match t_scripts {
        Some(t) => println!(
            "RHAI tier: {} per script rule as the chain runs them here (all {} together: {}; a rule's `when` guard decides whether its script starts)",
            us(t / fx.script_rules.len() as f64).trim(),
            fx.script_rules.len(),
            us(t).trim()
        ),
        None => println!("RHAI tier: the chain has no script rules for manifests"),
    }
    if t_scripts.is_some() {
        println!(
            "  a check where a script starts also converts the document once ({}); the facts are converted once per facts set ({})",
            us(t_dyn_doc).trim(),
            us(t_dyn_facts).trim()
        );
    }
    println!();
    println!(
        "breakdown of engine check_str, whole chain (µs per check; parts timed apart, ±2 µs):"
    );
    println!(
        "  A. fixed cost: check_str with a chain of no rules            {}",
        us(t_bare_str)
    );
    println!(
        "     JSON text → Json, wastecheck::json::parse (dup keys)      {}",
        us(t_tracked)
    );
    println!(
        "       (plain serde_json::from_str::<Value>, for comparison    {})",
        us(t_serde)
    );
    println!(
        "     decode_json_document (typed model + structural checks)    {}",
        us(t_decode)
    );
    println!(
        "     (decode_facts, {mean_facts:.0} bytes: done once per facts set    {})",
        us(t_facts)
    );
    println!(
        "     the rest (kind, legal date, chain selection, report)      {}",
        us(t_bare_str - t_tracked - t_decode)
    );
    println!(
        "  B. the rules: check_str(whole chain) − check_str(no rules)   {}",
        us(t_str - t_bare_str)
    );
    println!(
        "     chain.run, whole chain, on pre-decoded documents          {}",
        us(t_full)
    );
    println!(
        "       of which the chain's own cost with no rules             {}",
        us(t_none)
    );
    println!(
        "     rhai inputs: once per check the document {}; per `each` rule the lines {}; once per facts set the facts {}",
        us(t_dyn_doc).trim(),
        us(t_dyn_items).trim(),
        us(t_dyn_facts).trim()
    );
    println!(
        "     each rule alone (chain.run, pre-decoded; a script's input conversion included when it runs),"
    );
    println!(
        "     and its allocations per check on the documents where it finds nothing (goal: none):"
    );
    let mut sorted: Vec<&(&RuleInfo, f64)> = per_rule.iter().collect();
    sorted.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (rule, t) in sorted {
        let tier = if rule.script { "rhai  " } else { "native" };
        let base = if BASELINE_RULES.contains(&rule.id.as_str()) {
            ""
        } else {
            "  (not in baseline)"
        };
        println!(
            "       {tier} {:<42} {}  {} allocations{base}",
            rule.id,
            us(*t),
            rule_allocations(rule)
        );
    }
    println!(
        "  (check_value, from parsed JSON: {} whole chain, {} no rules)",
        us(t_value).trim(),
        us(t_bare_value).trim()
    );
    println!(
        "baseline: typed serde parse alone {}, the rest (facts + checks) {}",
        us(t_base_parse).trim(),
        us(t_base - t_base_parse).trim()
    );
    println!("allocations per check (mean over the documents; the bytes they asked for):");
    println!(
        "  engine   check_str, whole chain                     {}",
        allocations(&check_str)
    );
    println!(
        "           of which parse, decode and report (no rules) {}",
        allocations(&bare_str)
    );
    println!(
        "           chain.run, whole chain, pre-decoded         {}",
        allocations(&full)
    );
    println!(
        "  engine   check_str, the baseline's {} rules           {}",
        fx.like_rules.len(),
        allocations(&like)
    );
    println!(
        "           the same, documents without findings        {}",
        allocations_where(&like, &|i| like(i) == 0)
    );
    println!(
        "  baseline hand-written, the same {} rules             {}",
        fx.like_rules.len(),
        allocations(&hand)
    );
    let mean = |script: Option<bool>| {
        let ts: Vec<f64> = per_rule
            .iter()
            .filter(|(r, _)| script.is_none_or(|s| r.script == s))
            .map(|(_, t)| *t)
            .collect();
        (!ts.is_empty()).then(|| ts.iter().sum::<f64>() / ts.len() as f64)
    };
    for (label, m) in [
        ("native rule", mean(Some(false))),
        ("rule of today's mix", mean(None)),
    ] {
        if let Some(m) = m {
            let projected = t_bare_str + 50.0 * m;
            println!(
                "projection (NOT a measurement): fixed {} + 50 × mean {label} {} = {} → {} checks/s/core",
                us(t_bare_str).trim(),
                us(m).trim(),
                us(projected).trim(),
                per_second(projected).trim()
            );
        }
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average at the end: {} (other work on the machine inflates every figure)",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    super::instructions::print();
    super::budget::table();
    println!("{line}");
}

//! Checking throughput of the built-in chain against a hand-written baseline.
//!
//! `cargo bench -p wastecheck-rules --bench check`
//!
//! * A deterministic generator (xorshift, constant seed) makes 200 realistic transfer
//!   manifests (≈ 2 KB of JSON, 1–5 waste lines drawn from the catalogue, stage
//!   `confirmed`, 2025–2026, six Shaoxing consignors) with the usual mistakes —
//!   wrong category (~10% of lines), unlisted code (~5%), a waste outside the
//!   consignor's plan, late confirmation, a manifest number with the wrong year or
//!   city, a waste or method outside the receiver's licence, a carrier credit code
//!   with a bad check character — and, per consignor, the facts a host holds about
//!   a manifest's parties: the enterprises, the receiver's licences (covering most
//!   codes) and receipts, the carrier's permit, both insurance policies, the sites,
//!   the consignor's management plans, and the GPS track and electronic waybill of
//!   every trip (now and then another vehicle or a track starting elsewhere), so the
//!   Shaoxing layer's track and waybill rules do their work.
//! * The facts are prepared once per consignor ([`PreparedFacts`]), as a host holds
//!   its reference records, for the engine and for the baseline alike; the summary
//!   also times the engine decoding them again on every check.
//! * `engine/check_str`: parse + structural checks + every rule of the chain, per
//!   document; `engine/check_value`: the same from parsed JSON;
//!   `engine/check_str_baseline_rules`: the engine with only the rules the baseline
//!   implements (like for like).
//! * `baseline/hand_written`: the same checks written by hand in plain Rust over
//!   small serde structs. Before anything is timed, the baseline and the engine
//!   (with the baseline's rules) must agree on every (rule, path) of every generated
//!   document, structural violations included; the benchmark stops if they do not.
//!   Rules of the chain the baseline does not implement yet are listed in a warning:
//!   until the baseline learns them, only the like-for-like ratio means anything.
//! * `rhai/per_rule`: the chain's script rules for manifests alone against no rules
//!   at all, over pre-decoded documents.
//! * `peers/…` (issue 22, `peers/mod.rs`): the baseline's five rules in Rego,
//!   evaluated by `regorus`; JSON Schema validation with the `jsonschema` crate
//!   against `spec/schemas/manifest.json`; `serde_json::from_str` as the floor.
//!   Before anything is timed, the Rego policy, the baseline and the engine must
//!   agree on every generated document and on edge cases the generator never makes.
//!
//! After criterion's groups a summary is printed: checks per second per core for
//! the engine and the baseline, their ratio, the rhai tier's µs per script rule, and
//! a breakdown of the engine's time (parse, decode, facts, each rule), each the
//! median of 5 timed runs of 20,000 checks (5,000 per rule) on one thread; and
//! the allocations per check (`allocations.rs` counts them), each rule's on the
//! documents where it finds nothing.
//!
//! After the summary, the peers table: per-check medians of interleaved runs and
//! each ratio to the engine (`--peers` prints it alone, after the agreement); then
//! the scaling table (`scaling.rs`; `--scaling` prints it alone): threads, waste
//! lines, fact records, pack load.
//!
//! The summary ends with instruction counts (`instructions.rs`): this binary's own
//! count modes below, run under `valgrind --tool=callgrind` when valgrind is
//! installed, per check less the set-up, with where the whole chain's go; then the
//! wasm budget table (`budget.rs`): each built module's size, raw and gzipped.
//!
//! `--summary` prints the summary alone, without criterion's groups;
//! `--instructions` the instruction counts alone; `--budget` the wasm budget table
//! alone.
//! `--allocations` prints what each manifest rule allocates, alone, on the
//! documents where it finds nothing; in test mode (`cargo test --benches`) every
//! rule must allocate nothing there.
//!
//! `--count N` runs N whole-chain checks, prints their allocations, and exits,
//! for an instruction count that
//! the machine's other work cannot change:
//! `valgrind --tool=callgrind target/release/deps/check-… --count 2000`;
//! `--loads N` runs N loads of the built-in packs (`wastecheck_rules::load` and
//! `Checker::new`, as a form's start-up does), for the same count;
//! `--keystrokes N [FIELD]` runs N of a session's keystrokes (`session/set_*`, as
//! `wasm/bench.mjs` types them; FIELD: `name`, `quantity` or `driver`).

pub mod allocations;
mod baseline;
mod budget;
mod dates;
mod fixture;
mod generate;
mod instructions;
mod peers;
mod scaling;
mod summary;
mod typing;

use criterion::{Criterion, Throughput};
use fixture::{Fixture, fixture, verify};
use std::hint::black_box;
use summary::summary;
use wastecheck::engine::chain::Chain;
use wastecheck::{CheckOptions, Locale, PreparedFacts};

/// Documents generated.
const N: usize = 200;
/// Checks per timed run in the summary.
const ITERS: usize = 20_000;
/// Timed runs per figure in the summary (the median is reported).
const RUNS: usize = 5;
/// The generator's seed.
const SEED: u64 = 0x5EED_2026_0330_6001;
/// The rules the baseline implements.
const BASELINE_RULES: &[&str] = &[
    "cn.catalogue.unknown-code",
    "cn.catalogue.category-mismatch",
    "cn.transfer.receiver-licence-scope",
    "cn.transfer.confirmation-late",
    "cn.transfer.number-format",
];

// ---------------------------------------------------------------------------------
// Criterion groups.

fn cycling<R>(mut f: impl FnMut(usize) -> R) -> impl FnMut() -> R {
    let mut i = 0;
    move || {
        i = if i + 1 == N { 0 } else { i + 1 };
        f(black_box(i))
    }
}

fn engine(c: &mut Criterion) {
    let fx = fixture();
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(1));
    group.bench_function("check_str", |b| {
        b.iter(cycling(|i| fx.check_str(fx.checker, i)))
    });
    group.bench_function("check_value", |b| {
        b.iter(cycling(|i| fx.check_value(fx.checker, i)))
    });
    group.bench_function("check_str_baseline_rules", |b| {
        b.iter(cycling(|i| fx.check_str(&fx.like_checker, i)))
    });
    group.finish();
}

/// A session's keystrokes (issue 21), as Node's benchmark types them, field by
/// field, against a full `check_value` of the same document.
fn session(c: &mut Criterion) {
    let fx = fixture();
    let mut group = c.benchmark_group("session");
    group.throughput(Throughput::Elements(1));
    for (field, _, _) in typing::FIELDS {
        let mut session = typing::session(fx.checker);
        let strokes = typing::strokes(Some(field));
        let mut k = 0;
        group.bench_function(format!("set_{field}"), |b| {
            b.iter(|| {
                k = (k + 1) % strokes.len();
                let (pointer, value) = &strokes[k];
                let change = session.set(pointer, Some(value.clone()));
                black_box(change.map(|c| c.added.len()).unwrap_or(0))
            })
        });
    }
    let (document, facts) = typing::document_and_facts();
    let prepared = PreparedFacts::new(facts);
    group.bench_function("full_check_value", |b| {
        b.iter(|| {
            black_box(
                fx.checker
                    .check_value_with(&document, Some(&prepared), &CheckOptions::default())
                    .violations
                    .len(),
            )
        })
    });
    group.finish();
}

/// The peers (issue 22), each over the same documents as `engine/check_str`.
fn peers_group(c: &mut Criterion, peers: &peers::Peers) {
    let fx = fixture();
    let mut group = c.benchmark_group("peers");
    group.throughput(Throughput::Elements(1));
    group.bench_function("rego_regorus", |b| {
        b.iter(cycling(|i| {
            peers.rego(&fx.texts[i], fx.facts_of[i]).findings.len()
        }))
    });
    group.bench_function("jsonschema_parse_validate", |b| {
        b.iter(cycling(|i| peers.schema_errors(&fx.texts[i])))
    });
    group.bench_function("serde_json_parse", |b| {
        b.iter(cycling(|i| {
            serde_json::from_str::<serde_json::Value>(&fx.texts[i])
                .map_or(0, |v| v.is_object() as usize)
        }))
    });
    group.finish();
}

fn baseline(c: &mut Criterion) {
    let fx = fixture();
    let mut group = c.benchmark_group("baseline");
    group.throughput(Throughput::Elements(1));
    group.bench_function("hand_written", |b| {
        b.iter(cycling(|i| fx.hand(i).map(|o| o.findings.len())))
    });
    group.finish();
}

fn run_chain(fx: &Fixture, chain: &Chain, i: usize) -> usize {
    let d = &fx.decoded[i];
    let (violations, not_evaluated) = chain.run(
        &d.document,
        &d.raw,
        Some(fx.prepared(i)),
        d.as_of,
        Locale::default(),
    );
    violations.len() + not_evaluated.len()
}

fn rhai(c: &mut Criterion) {
    let fx = fixture();
    let mut group = c.benchmark_group("rhai/per_rule");
    group.throughput(Throughput::Elements(1));
    group.bench_function(
        format!("script_rules_only_x{}", fx.script_rules.len()),
        |b| b.iter(cycling(|i| run_chain(fx, &fx.scripts_only, i))),
    );
    group.bench_function("no_rules", |b| {
        b.iter(cycling(|i| run_chain(fx, &fx.no_rules, i)))
    });
    group.finish();
}

/// `--count N`: N whole-chain checks (`engine/check_str`) and nothing else, then
/// exit — for `valgrind --tool=callgrind`, whose instruction counts do not depend on
/// what else the shared machine is doing.
/// `--count N like` runs the engine with the baseline's rules only, and
/// `--count N baseline` the hand-written baseline (the like-for-like ratio in
/// instructions).
/// `--keystrokes N` likewise runs N of the `session` group's keystrokes, and
/// `--loads N` N loads of the built-in packs (what `Checker.builtin()` does at a
/// form's start-up), each checker kept, so that dropping it is not counted.
fn count_mode(args: &[String], flag: &str) -> Option<usize> {
    let at = args.iter().position(|a| a == flag)?;
    let n = args.get(at + 1).and_then(|n| n.parse().ok());
    Some(n.unwrap_or_else(|| panic!("{flag} takes a number")))
}

/// Runs the benchmark; `allocator` names the global allocator for the summary.
pub fn run(allocator: &str) {
    let args: Vec<String> = std::env::args().collect();
    if let Some(count) = count_mode(&args, "--loads") {
        let chains: usize = (0..count)
            .filter_map(|_| wastecheck_rules::load().ok())
            .map(|registry| std::mem::ManuallyDrop::new(wastecheck::Checker::new(registry)))
            .map(|checker| checker.registry().chains().len())
            .sum();
        println!("{count} loads, {chains} chains");
        return;
    }
    if let Some(count) = count_mode(&args, "--keystrokes") {
        let fx = fixture();
        // `--keystrokes N FIELD`: only that field's (name, quantity, driver).
        let at = args.iter().position(|a| a == "--keystrokes").unwrap_or(0);
        let only = args.get(at + 2).map(String::as_str);
        let strokes = typing::strokes(only);
        let mut session = typing::session(fx.checker);
        let added: usize = (0..count)
            .map(|k| {
                let (pointer, value) = &strokes[black_box(k) % strokes.len()];
                let change = session.set(pointer, Some(value.clone()));
                change.map(|c| c.added.len()).unwrap_or(0)
            })
            .sum();
        println!("{count} keystrokes, {added} violations added");
        return;
    }
    if let Some(count) = count_mode(&args, "--count") {
        let fx = fixture();
        // `--count N like`: the engine with the baseline's rules only.
        let at = args.iter().position(|a| a == "--count").unwrap_or(0);
        let checker = match args.get(at + 2).map(String::as_str) {
            Some("like") => &fx.like_checker,
            Some("baseline") => {
                let findings: usize = (0..count)
                    .filter_map(|i| fx.hand(black_box(i % N)).ok().map(|o| o.findings.len()))
                    .sum();
                println!("{count} hand-written checks, {findings} findings");
                return;
            }
            _ => fx.checker,
        };
        let (made, violations) = allocations::counted(|| {
            (0..count)
                .map(|i| fx.check_str(checker, black_box(i % N)).violations.len())
                .sum::<usize>()
        });
        println!(
            "{count} checks, {violations} violations, {:.1} allocations a check",
            made.count as f64 / count.max(1) as f64
        );
        return;
    }
    if args.iter().any(|a| a == "--instructions") {
        instructions::print();
        return;
    }
    if args.iter().any(|a| a == "--budget") {
        budget::table();
        return;
    }
    if args.iter().any(|a| a == "--allocations") {
        for (rule, count) in summary::silent_allocations(fixture()) {
            let count = count.map_or("–".to_owned(), |c| format!("{c:.1}"));
            println!("{count:>6}  {}", rule.id);
        }
        return;
    }
    let fx = fixture();
    let mean_bytes = fx.texts.iter().map(String::len).sum::<usize>() as f64 / N as f64;
    println!("generated {N} manifests, mean document size {mean_bytes:.0} bytes");
    verify(fx);
    let peers = peers::Peers::new(fx);
    peers::verify(fx, &peers);
    if args.iter().any(|a| a == "--peers") {
        peers::table(fx, &peers);
        return;
    }
    if args.iter().any(|a| a == "--scaling") {
        scaling::table(fx);
        return;
    }
    if args.iter().any(|a| a == "--summary") {
        summary(allocator);
        return;
    }

    let mut criterion = Criterion::default().configure_from_args();
    engine(&mut criterion);
    peers_group(&mut criterion, &peers);
    session(&mut criterion);
    baseline(&mut criterion);
    rhai(&mut criterion);
    criterion.final_summary();

    // `cargo bench` passes `--bench`; `cargo test --benches` does not, and then
    // criterion runs each benchmark once: a test that the engine and the baseline
    // still agree, without the timed summary.
    // `--profile-time N` (for a profiler) runs the benchmarks alone.
    if args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--profile-time") {
        summary(allocator);
        peers::table(fx, &peers);
        scaling::table(fx);
    } else {
        silent_rules_allocate_nothing(fx);
        instructions::reads_callgrind_lines();
    }
}

/// In test mode: a rule allocates nothing on a document where it finds nothing
/// (issue 22), each manifest rule alone, counted over the documents it is silent on.
fn silent_rules_allocate_nothing(fx: &Fixture) {
    let allocating: Vec<String> = summary::silent_allocations(fx)
        .into_iter()
        .filter_map(|(rule, count)| {
            count
                .filter(|&c| c > 0.0)
                .map(|c| format!("{} ({c:.2} a check)", rule.id))
        })
        .collect();
    assert!(
        allocating.is_empty(),
        "these rules allocate on documents where they find nothing: {allocating:?}"
    );
    println!("no rule allocates on a document where it finds nothing");
}

//! Checks per second natively and in wasmtime (wastecheck-host), over the same
//! documents: the example documents of `spec/examples` (all six kinds, valid and
//! with mistakes, 1.3–3.6 KB), in English, one thread. In wasmtime twice: with the
//! default time limits (epoch deadlines), and with fuel metering as well
//! (`Module::with_fuel`).
//!
//! `cargo bench -p wastecheck-host` (needs `target/wastecheck.wasm`, from
//! `./x abi-wasm`, or `$WASTECHECK_WASM`). After criterion's groups a summary
//! prints the rates and their ratios to native (medians of interleaved runs). Under
//! `cargo test --bench check` each benchmark runs once, after checking that both
//! give the same bytes.

use criterion::Criterion;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;
use wastecheck_host::{Host, Limits, Module};

const RUNS: usize = 7;
const ROUNDS: usize = 200;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn requests() -> Vec<String> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(root().join("spec/examples"))
        .expect("spec/examples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".json") && !name.starts_with("facts")
        })
        .collect();
    names.sort();
    names
        .iter()
        .map(|path| {
            let document = std::fs::read_to_string(path).expect("an example");
            format!(r#"{{"document": {document}, "locale": "en", "as_of": "2026-03-02"}}"#)
        })
        .collect()
}

fn host(fuel: bool) -> Host {
    let wasm = wastecheck_host::workspace_module(&root()).unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let module = if fuel {
        Module::with_fuel(&wasm)
    } else {
        Module::new(&wasm)
    }
    .expect("wastecheck.wasm compiles");
    let compiled = started.elapsed();
    let host = Host::new(&module, Limits::default()).expect("a host");
    println!(
        "wastecheck.wasm ({}): {} bytes, compiled in {compiled:.2?}, instance ready in {:.2?}",
        if fuel { "fuel metering" } else { "time limits" },
        wasm.len(),
        started.elapsed() - compiled
    );
    host
}

fn median(mut runs: Vec<f64>) -> f64 {
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

/// Seconds per check of `requests`, `ROUNDS` times over.
fn per_check(requests: &[String], mut check: impl FnMut(&str)) -> f64 {
    let start = Instant::now();
    for _ in 0..ROUNDS {
        for r in requests {
            check(black_box(r));
        }
    }
    start.elapsed().as_secs_f64() / (ROUNDS * requests.len()) as f64
}

fn summary(requests: &[String], epoch: &mut Host, fuel: &mut Host) {
    let checker = wastecheck_rules::checker();
    let (mut native, mut timed, mut metered) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        native.push(per_check(requests, |r| {
            black_box(wastecheck::check::check_json(checker, r));
        }));
        timed.push(per_check(requests, |r| {
            black_box(epoch.check_json(r).ok());
        }));
        metered.push(per_check(requests, |r| {
            black_box(fuel.check_json(r).ok());
        }));
    }
    let (native, timed, metered) = (median(native), median(timed), median(metered));
    println!(
        "summary (medians of {RUNS} runs × {} checks, one thread):",
        ROUNDS * requests.len()
    );
    for (name, time) in [
        ("native", native),
        ("wasmtime", timed),
        ("wasmtime with fuel", metered),
    ] {
        println!(
            "  {name:<18} {:>8.0} checks/s  ({:6.1} µs per check)",
            1.0 / time,
            time * 1e6
        );
    }
    println!("  wasmtime / native time: {:.2}×", timed / native);
    println!(
        "  wasmtime with fuel / native time: {:.2}×",
        metered / native
    );
}

fn main() {
    let requests = requests();
    let (mut epoch, mut fuel) = (host(false), host(true));
    let checker = wastecheck_rules::checker();
    for r in &requests {
        let native = wastecheck::check::check_json(checker, r);
        assert_eq!(epoch.check_json(r).expect("checked"), native, "{r}");
        assert_eq!(fuel.check_json(r).expect("checked"), native, "{r}");
    }

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("check_examples");
    group.bench_function("native", |b| {
        b.iter(|| {
            for r in &requests {
                black_box(wastecheck::check::check_json(checker, black_box(r)));
            }
        })
    });
    for (name, host) in [("wasmtime", &mut epoch), ("wasmtime_fuel", &mut fuel)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                for r in &requests {
                    black_box(host.check_json(black_box(r)).ok());
                }
            })
        });
    }
    group.finish();
    criterion.final_summary();

    // `cargo bench` passes `--bench`; `cargo test --bench` does not.
    if std::env::args().any(|a| a == "--bench") {
        summary(&requests, &mut epoch, &mut fuel);
    }
}

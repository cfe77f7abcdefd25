//! `wastecheck serve`: the HTTP JSON service (crate `wastecheck-serve`).

use anyhow::{Context, Result};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use wastecheck::pack::bundle::PublicKey;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (loopback by default; `0.0.0.0:8080` for every interface).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// A folder of signed bundles (`*.bundle` with `*.bundle.sig`) served over the
    /// built-in packs (another version of a built-in pack sits beside it), and watched: a correctly signed bundle dropped in is served
    /// without a restart; a bad one is refused and logged.
    #[arg(long = "packs", value_name = "DIR")]
    packs: Option<PathBuf>,
    /// Serve the folder's bundles alone, without the built-in packs (they must then
    /// carry every pack they extend; until one loads, no pack is served).
    #[arg(long, requires = "packs")]
    packs_only: bool,
    /// A trusted public key (`KEYFILE.pub`) bundles must be signed with; repeat for several.
    #[arg(long = "trust", value_name = "PUBKEYFILE")]
    trust: Vec<PathBuf>,
    /// Remember which bundles were served in this JSON file (created if absent),
    /// so that a bundle older than one served is refused after a restart too.
    #[arg(long, value_name = "FILE", requires = "packs")]
    history: Option<PathBuf>,
    /// Accept a bundle older than one served (rolling back on purpose).
    #[arg(long, requires = "packs")]
    allow_downgrade: bool,
    /// The largest request body, in bytes.
    #[arg(long, default_value_t = wastecheck_serve::Limits::default().max_body_bytes)]
    max_body_bytes: usize,
    /// The most documents in one batch.
    #[arg(long, default_value_t = wastecheck_serve::Limits::default().max_batch)]
    max_batch: usize,
    /// The most bytes of request bodies read or checked at once (beyond: 503 with
    /// Retry-After).
    #[arg(long, default_value_t = wastecheck_serve::Limits::default().max_in_flight_bytes)]
    max_in_flight_bytes: usize,
    /// The most connections open at once (beyond: 503, then closed).
    #[arg(long, default_value_t = wastecheck_serve::Limits::default().max_connections)]
    max_connections: usize,
    /// The largest request head (request line and headers), in bytes (beyond: 431).
    #[arg(long, default_value_t = wastecheck_serve::Limits::default().max_header_bytes)]
    max_header_bytes: usize,
    /// The longest request URI, in bytes (beyond: 414).
    #[arg(long, default_value_t = wastecheck_serve::Limits::default().max_uri_bytes)]
    max_uri_bytes: usize,
    /// How long a client may take to send a request's head, and how long an idle
    /// connection is kept, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = wastecheck_serve::Limits::default().header_timeout.as_millis() as u64)]
    header_timeout_ms: u64,
    /// How long a client may take to send a request's body, in milliseconds
    /// (beyond: 408).
    #[arg(long, value_name = "MS", default_value_t = wastecheck_serve::Limits::default().body_timeout.as_millis() as u64)]
    body_timeout_ms: u64,
    /// How long one native check may run, in milliseconds (beyond: 422
    /// `check.deadline`; --sandbox has --sandbox-time-ms).
    #[arg(long, value_name = "MS", default_value_t = wastecheck_serve::Limits::default().check_time.as_millis() as u64)]
    check_time_ms: u64,
    /// How often the packs folder is looked at, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    poll_ms: u64,
    /// Check in a sandbox: in wastecheck.wasm (bindings/abi) under wasmtime, each
    /// check with a time limit and a memory cap, for packs from publishers you do not
    /// fully trust. A check over a limit is answered with an error (`sandbox.time`,
    /// `sandbox.memory`) and the service keeps serving. Same reports as natively.
    #[arg(long)]
    sandbox: bool,
    /// The wastecheck.wasm to run with --sandbox (`./x abi-wasm` builds it).
    #[arg(long, value_name = "FILE", default_value = "target/wastecheck.wasm")]
    sandbox_module: PathBuf,
    /// With --sandbox: how many instances check in parallel.
    #[arg(long, value_name = "N", default_value_t = default_hosts())]
    sandbox_hosts: usize,
    /// With --sandbox: how long one check may run, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = wastecheck_host::Limits::DEFAULT_CHECK_TIME.as_millis() as u64)]
    sandbox_time_ms: u64,
    /// With --sandbox: a fuel budget for each check as well (about one unit per
    /// WebAssembly instruction; the same on every machine, unlike time), answered
    /// `sandbox.fuel` when used up. Fuel metering makes checks about 1.4× slower.
    #[arg(long, value_name = "UNITS")]
    sandbox_fuel: Option<u64>,
    /// With --sandbox: the memory cap of each instance, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = wastecheck_host::Limits::DEFAULT_MAX_MEMORY_BYTES >> 20)]
    sandbox_memory_mib: usize,
}

fn default_hosts() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

pub fn run(args: &Args) -> Result<ExitCode> {
    let trust = args
        .trust
        .iter()
        .map(|path| {
            std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?
                .parse::<PublicKey>()
                .with_context(|| format!("reading the trusted key {}", path.display()))
        })
        .collect::<Result<Vec<_>>>()?;
    let sandbox = if args.sandbox {
        let path = &args.sandbox_module;
        let wasm = std::fs::read(path).with_context(|| {
            format!(
                "reading the module for --sandbox, {} (build it with `./x abi-wasm`, or pass --sandbox-module)",
                path.display()
            )
        })?;
        let limits = wastecheck_host::Limits {
            check_time: Duration::from_millis(args.sandbox_time_ms),
            check_fuel: args.sandbox_fuel,
            max_memory_bytes: args.sandbox_memory_mib.saturating_mul(1 << 20),
            ..wastecheck_host::Limits::default()
        };
        let sandbox = wastecheck_serve::sandbox::Sandbox::new(&wasm, args.sandbox_hosts, limits)
            .with_context(|| format!("compiling {}", path.display()))?;
        Some(sandbox)
    } else {
        None
    };
    wastecheck_serve::run_blocking(wastecheck_serve::Config {
        listen: args.listen,
        packs: args.packs.clone(),
        packs_only: args.packs_only,
        trust,
        history: args.history.clone(),
        allow_downgrade: args.allow_downgrade,
        limits: wastecheck_serve::Limits {
            max_body_bytes: args.max_body_bytes,
            max_batch: args.max_batch,
            max_in_flight_bytes: args.max_in_flight_bytes,
            max_connections: args.max_connections,
            max_header_bytes: args.max_header_bytes,
            max_uri_bytes: args.max_uri_bytes,
            header_timeout: Duration::from_millis(args.header_timeout_ms),
            body_timeout: Duration::from_millis(args.body_timeout_ms),
            check_time: Duration::from_millis(args.check_time_ms),
        },
        poll: Duration::from_millis(args.poll_ms.max(10)),
        sandbox,
    })?;
    Ok(ExitCode::SUCCESS)
}

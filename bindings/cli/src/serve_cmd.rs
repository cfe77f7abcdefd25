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
    /// A folder of signed bundles (`*.bundle` with `*.bundle.sig`) served besides the
    /// built-in packs, and watched: a correctly signed bundle dropped in is served
    /// without a restart; a bad one is refused and logged.
    #[arg(long = "packs", value_name = "DIR")]
    packs: Option<PathBuf>,
    /// A trusted public key (`KEYFILE.pub`) bundles must be signed with; repeat for several.
    #[arg(long = "trust", value_name = "PUBKEYFILE")]
    trust: Vec<PathBuf>,
    /// The largest request body, in bytes.
    #[arg(long, default_value_t = wastecheck_serve::Limits::default().max_body_bytes)]
    max_body_bytes: usize,
    /// The most documents in one batch.
    #[arg(long, default_value_t = wastecheck_serve::Limits::default().max_batch)]
    max_batch: usize,
    /// How often the packs folder is looked at, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    poll_ms: u64,
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
    wastecheck_serve::run_blocking(wastecheck_serve::Config {
        listen: args.listen,
        packs: args.packs.clone(),
        trust,
        limits: wastecheck_serve::Limits {
            max_body_bytes: args.max_body_bytes,
            max_batch: args.max_batch,
        },
        poll: Duration::from_millis(args.poll_ms.max(10)),
    })?;
    Ok(ExitCode::SUCCESS)
}

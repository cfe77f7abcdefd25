//! `wastecheck`: check waste documents and search the national waste catalogue from
//! the command line.

/// `println!` that returns the error instead of panicking when standard output is
/// closed (`wastecheck check … | head -1`); `main` then ends quietly.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

/// `print!` as [`outln!`] is `println!`.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*)?
    }};
}

mod catalogue_cmd;
mod check_cmd;
mod next_cmd;
mod pack_cmd;
mod serve_cmd;

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

// A check allocates many small, short-lived values (the parsed document, its typed
// model, the report); mimalloc serves them markedly faster than the system
// allocator (`cargo bench -p wastecheck-rules --bench check_mimalloc` against
// `--bench check`), which matters most to `wastecheck serve`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Compliance checker for China's industrial solid waste and hazardous waste documents.
#[derive(Debug, Parser)]
#[command(name = "wastecheck", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check documents (JSON files, or `-` for standard input). Exits 0 when every
    /// document is valid, 1 when any has errors, 2 on usage errors.
    Check(check_cmd::Args),
    /// What a document still needs: the fields its next stage requires, and the
    /// rules that cannot decide yet with the field or the facts each waits for.
    Next(next_cmd::Args),
    /// Look up the National Hazardous Waste List.
    Catalogue {
        #[command(subcommand)]
        command: catalogue_cmd::Command,
    },
    /// Rule packs: test, lint, diff, build, sign, verify.
    Pack {
        #[command(subcommand)]
        command: pack_cmd::Command,
    },
    /// The HTTP JSON service: check documents, read schemas, rules and packs;
    /// serve signed bundles dropped into a folder without a restart.
    Serve(serve_cmd::Args),
}

/// How to print results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// For people: each violation with its path, both languages and the value found.
    #[default]
    Text,
    /// The report as JSON (one report, or an array for several files).
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check_cmd::run(&args),
        Command::Next(args) => next_cmd::run(&args),
        Command::Catalogue { command } => catalogue_cmd::run(&command),
        Command::Pack { command } => pack_cmd::run(&command),
        Command::Serve(args) => serve_cmd::run(&args),
    };
    match result {
        Ok(code) => code,
        // The reader went away (`| head -1`): end quietly, with the status of a tool
        // that SIGPIPE ends (128 + 13).
        Err(error)
            if error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::from(141)
        }
        Err(error) => {
            eprintln!("wastecheck: {error:#}");
            ExitCode::from(2)
        }
    }
}

//! `wastecheck catalogue`.

use crate::Format;
use anyhow::Result;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Search by code, code prefix, category (HW08) or Chinese text, best first.
    Search {
        /// What to look for: `900-041-49`, `90004`, `HW08`, `废矿物油`…
        text: String,
        /// At most this many results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

pub fn run(command: &Command) -> Result<ExitCode> {
    let catalogue = wastecheck_rules::catalogue();
    match command {
        Command::Search {
            text,
            limit,
            format,
        } => {
            let hits = catalogue.search(text, *limit);
            match format {
                Format::Json => outln!("{}", serde_json::to_string_pretty(&hits)?),
                Format::Text => {
                    if hits.is_empty() {
                        outln!(
                            "no entry matches `{text}` in {}",
                            catalogue.edition().title_zh
                        );
                    }
                    for hit in &hits {
                        let entry = hit.entry;
                        outln!(
                            "{}  {}  [{}]  {}（{}）",
                            entry.code,
                            entry.category,
                            entry.hazards.raw,
                            entry.description,
                            entry.industry
                        );
                    }
                }
            }
            Ok(if hits.is_empty() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

//! `wastecheck next`: what a document still needs — the fields its next stage
//! requires, and the rules that cannot decide yet with what each waits for.

use crate::Format;
use anyhow::{Context, Result};
use serde_json::Value;
use std::process::ExitCode;
use wastecheck::check::{Need, Next};
use wastecheck::{CheckOptions, Locale};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document (`-` reads standard input).
    file: String,
    /// Facts (licences, permits, …) as a JSON file.
    #[arg(long)]
    facts: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: &Args) -> Result<ExitCode> {
    let read = |path: &str| -> Result<Value> {
        let text = if path == "-" {
            std::io::read_to_string(std::io::stdin()).context("reading standard input")?
        } else {
            std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?
        };
        serde_json::from_str(&text).with_context(|| format!("{path} is not JSON"))
    };
    let document = read(&args.file)?;
    let facts = args.facts.as_deref().map(read).transpose()?;
    let next =
        wastecheck_rules::checker().next(&document, facts.as_ref(), &CheckOptions::default());
    match args.format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&next)?),
        Format::Text => out!("{}", render(&args.file, &next)),
    }
    Ok(ExitCode::SUCCESS)
}

/// For people, in both languages.
fn render(path: &str, next: &Next) -> String {
    let mut out = String::new();
    let stage = match (&next.stage, &next.next_stage) {
        (Some(now), Some(next)) => format!(" (stage {now} → {next})"),
        (Some(now), None) => format!(" (stage {now}, the last)"),
        _ => String::new(),
    };
    out.push_str(&format!(
        "{path}{stage}: {} field(s) required, {} rule(s) waiting\n",
        next.required.len(),
        next.undecided.len()
    ));
    for needed in &next.required {
        out.push_str(&format!(
            "  required {}  {} / {}\n",
            needed.path,
            needed.label.get(Locale::ZhCn),
            needed.label.get(Locale::En)
        ));
    }
    for waiting in &next.undecided {
        let needs: Vec<String> = waiting
            .needs
            .iter()
            .map(|need| match need {
                Need::Field { path, label } => format!("{} ({path})", label.get(Locale::ZhCn)),
                Need::Facts { collection } => format!("facts `{collection}`"),
            })
            .collect();
        out.push_str(&format!(
            "  waiting  {} {} — needs {}\n",
            waiting.rule,
            waiting.title.get(Locale::ZhCn),
            needs.join(", ")
        ));
    }
    out
}

//! The headless commands: `vmi-map summary` (and the shared loading they all do).

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use vmi_core::graph::{Inventory, MapRequest, build_map};
use vmi_core::ingest;
use vmi_core::model::Timestamp;
use vmi_core::store::Store;

#[derive(Parser, Debug)]
#[command(name = "vmi-map", version, about = "Dependency maps from exported Azure VM Insights map records")]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Files to open in the app (the bundled sample when none).
    pub files: Vec<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load files headless and print a JSON summary of records and map.
    Summary(SummaryArgs),
    /// Print one of the documentation's sample queries as CSV (`--list` names them).
    Report(ReportArgs),
}

/// The time window every headless command takes.
#[derive(Args, Debug, Clone, Default)]
pub struct WindowArgs {
    /// Start of the window (RFC 3339), inclusive.
    #[arg(long, value_parser = parse_time)]
    pub from: Option<Timestamp>,
    /// End of the window (RFC 3339), exclusive.
    #[arg(long, value_parser = parse_time)]
    pub to: Option<Timestamp>,
}

#[derive(Args, Debug)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub window: WindowArgs,
    /// Exported VMComputer, VMProcess, VMConnection and VMBoundPort files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Print the report ids and what each answers, then exit.
    #[arg(long)]
    pub list: bool,
    /// The report id (see --list).
    #[arg(required_unless_present = "list")]
    pub id: Option<String>,
    /// A machine (id like m-… or computer name); repeat for a group.
    #[arg(long = "machine")]
    pub machines: Vec<String>,
    /// The text to look for (processes-cmdline, find-machine, find-ip).
    #[arg(long)]
    pub text: Option<String>,
    /// Match --text with its case (KQL contains_cs instead of contains).
    #[arg(long)]
    pub case_sensitive: bool,
    /// The executable name (product-versions).
    #[arg(long)]
    pub exe: Option<String>,
    #[command(flatten)]
    pub window: WindowArgs,
    /// Exported VMComputer, VMProcess, VMConnection and VMBoundPort files.
    pub files: Vec<PathBuf>,
}

fn parse_time(text: &str) -> Result<Timestamp, String> {
    Timestamp::parse(text)
        .ok_or_else(|| format!("not a date and time: {text:?} (use RFC 3339, e.g. 2026-10-05T08:00:00Z)"))
}

/// Loads every file into one store, printing warnings and errors to stderr as `file:line:col`.
/// Returns the store and whether every file loaded.
pub fn load_all(files: &[PathBuf]) -> (Store, bool) {
    let mut store = Store::default();
    let mut all_loaded = true;
    for path in files {
        match ingest::load_path(path, &mut |_| true) {
            Ok(loaded) => {
                for warning in &loaded.warnings.kept {
                    eprintln!("warning: {warning}");
                }
                if loaded.warnings.dropped() > 0 {
                    eprintln!("warning: {}: {} more warnings not shown", path.display(), loaded.warnings.dropped());
                }
                store.merge(loaded.batch);
            }
            Err(error) => {
                eprintln!("error: {error}");
                all_loaded = false;
            }
        }
    }
    (store, all_loaded)
}

pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Summary(args) => summary(&args),
        Command::Report(args) => report(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn summary(args: &SummaryArgs) -> Result<ExitCode> {
    let (store, all_loaded) = load_all(&args.files);
    let request = MapRequest { from: args.window.from, to: args.window.to, ..Default::default() };
    let inventory = Inventory::new(&store);
    let map = build_map(&store, &inventory, &request);
    let summary = vmi_core::summary::summarize(&store, &inventory, &map, &request);
    println!("{}", serde_json::to_string(&summary).context("writing the summary")?);
    Ok(if all_loaded { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn report(args: &ReportArgs) -> Result<ExitCode> {
    use std::io::Write;
    if args.list {
        for report in vmi_core::reports::REPORTS {
            println!("{}\t{}", report.id, report.title);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let id = args.id.as_deref().unwrap_or_default();
    if vmi_core::reports::info(id).is_none() {
        anyhow::bail!("no report {id:?}; `vmi-map report --list` names them");
    }
    let (store, all_loaded) = load_all(&args.files);
    let params = vmi_core::reports::ReportParams {
        machines: args.machines.clone(),
        text: args.text.clone().unwrap_or_default(),
        case_sensitive: args.case_sensitive,
        exe: args.exe.clone().unwrap_or_default(),
        from: args.window.from,
        to: args.window.to,
        now: None,
    };
    let table = vmi_core::reports::run(&store, &Inventory::new(&store), id, &params)?;
    if let Some(note) = &table.note {
        eprintln!("note: {note}");
    }
    std::io::stdout().write_all(table.to_csv().as_bytes()).context("writing the report")?;
    Ok(if all_loaded { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

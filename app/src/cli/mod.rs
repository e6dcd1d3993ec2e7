//! The headless commands (`summary`, `query`, `report`, `render`, `diff`, `triage`, `groups`): their
//! arguments, the loading they all share, and one module per command.

mod diff;
mod groups;
mod query;
mod render;
mod report;
mod summary;
mod triage;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
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
    /// Run one of the saved documentation queries and print it as CSV (`--list` names them).
    Report(ReportArgs),
    /// Lay out the map and write pictures (PNG/SVG), charts and graph files, with no window.
    Render(RenderArgs),
    /// Run a KQL query over the files and print its result.
    Query(QueryArgs),
    /// Move groups of the machines with their cut, move order and firewall rules (JSON).
    Groups(GroupsArgs),
    /// Compare window A with window B and print what changed, by impact (JSON).
    Diff(DiffArgs),
    /// Print a verdict with its evidence for every failed connection in the window (JSON).
    Triage(TriageArgs),
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// Window A: FROM..TO (RFC 3339; a side may be left empty), or a preset relative to B:
    /// previous, yesterday, last-week.
    #[arg(long, value_name = "FROM..TO|PRESET")]
    pub a: String,
    /// Window B: FROM..TO.
    #[arg(long, value_name = "FROM..TO")]
    pub b: String,
    /// An edge's bytes changed when B's total is at least this many times A's, or A's this
    /// many times B's.
    #[arg(long, default_value_t = 2.0)]
    pub min_ratio: f64,
    /// Exported VMComputer, VMProcess, VMConnection and VMBoundPort files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub threads: ThreadsArg,
}

#[derive(Args, Debug)]
pub struct TriageArgs {
    #[command(flatten)]
    pub window: WindowArgs,
    /// Exported VMComputer, VMProcess, VMConnection and VMBoundPort files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub threads: ThreadsArg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeArg {
    Light,
    Dark,
}

#[derive(Args, Debug)]
pub struct RenderArgs {
    #[command(flatten)]
    pub window: WindowArgs,
    /// Show only these machines and their neighbours (repeatable; id or computer name).
    #[arg(long)]
    pub focus: Vec<String>,
    /// Write the map picture: OUT.png or OUT.svg.
    #[arg(long)]
    pub map: Option<PathBuf>,
    /// Write a chart: KIND (bytes, links, failures, failures-by-hour, response, open-ports) and OUT.png or OUT.svg. Repeatable.
    #[arg(long, num_args = 2, value_names = ["KIND", "OUT"])]
    pub chart: Vec<String>,
    /// Write the map as a graph file: OUT.graphml, OUT.dot or OUT.json.
    #[arg(long)]
    pub graph: Option<PathBuf>,
    /// Picture width in pixels (up to 16384).
    #[arg(long, default_value_t = 2048)]
    pub width: u32,
    #[arg(long, value_enum, default_value = "light")]
    pub theme: ThemeArg,
    /// Show machines expanded into their processes.
    #[arg(long)]
    pub expand: bool,
    /// Leave the legend out of the map picture.
    #[arg(long)]
    pub no_legend: bool,
    /// Exported VMComputer, VMProcess, VMConnection and VMBoundPort files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub threads: ThreadsArg,
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
    #[command(flatten)]
    pub threads: ThreadsArg,
}

/// How `query` prints its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ResultFormat {
    Csv,
    Json,
    Table,
}

#[derive(Args, Debug)]
pub struct QueryArgs {
    /// A workbook parameter's value, e.g. `--param Machine=m-1` for `{Machine}` (repeatable).
    /// `{TimeRange}` is --from/--to, else everything loaded.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ResultFormat,
    /// Read the query from this file (then every other argument is a file to load).
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// What `now()` is (RFC 3339); by default the latest TimeGenerated loaded.
    #[arg(long, value_parser = parse_time)]
    pub now: Option<Timestamp>,
    #[command(flatten)]
    pub window: WindowArgs,
    /// The query (unless --file), then the exported files to load.
    #[arg(required = true, value_name = "QUERY|FILES")]
    pub rest: Vec<std::ffi::OsString>,
    #[command(flatten)]
    pub threads: ThreadsArg,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Print the saved queries' ids, titles and parameters, then exit.
    #[arg(long)]
    pub list: bool,
    /// The saved query's id (see --list).
    #[arg(required_unless_present = "list")]
    pub id: Option<String>,
    /// A machine (id like m-… or computer name) for `{Machine}`; repeat for `{Machines}`.
    #[arg(long = "machine")]
    pub machines: Vec<String>,
    /// The text for `{Text}` (processes-cmdline, find-machine, find-ip).
    #[arg(long)]
    pub text: Option<String>,
    /// The executable name for `{Exe}` (product-versions).
    #[arg(long)]
    pub exe: Option<String>,
    /// Exported VMComputer, VMProcess, VMConnection and VMBoundPort files.
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub threads: ThreadsArg,
}

#[derive(Args, Debug)]
pub struct GroupsArgs {
    /// Largest group, in machines.
    #[arg(long)]
    pub max_size: Option<usize>,
    /// What binds machines: bytes, links (established) or any (traffic at all).
    #[arg(long, default_value = "bytes", value_parser = ["bytes", "links", "any"])]
    pub weight: String,
    /// A machine left out of every group, e.g. a domain controller (repeatable).
    #[arg(long, value_name = "MACHINE")]
    pub exclude: Vec<String>,
    /// Machines that must share a group: A,B[,C...] (repeatable).
    #[arg(long, value_name = "A,B")]
    pub together: Vec<String>,
    /// Two machines that must be in different groups: A,B (repeatable).
    #[arg(long, value_name = "A,B")]
    pub apart: Vec<String>,
    /// Seed of the community detection: same seed, same groups.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Modularity resolution: above 1 gives smaller groups.
    #[arg(long, default_value_t = 1.0)]
    pub resolution: f64,
    /// Write the firewall rules of GROUP (a name like G2, or moved:N for the first N groups
    /// of the move order) to OUT.csv, or OUT.json as an NSG securityRules fragment.
    #[arg(long, num_args = 2, value_names = ["GROUP", "OUT"])]
    pub rules: Vec<String>,
    /// Write the groups as CSV (group, machine, FQDN, IPs, resource group, OS, size).
    #[arg(long, value_name = "OUT.csv")]
    pub export: Option<PathBuf>,
    #[command(flatten)]
    pub window: WindowArgs,
    /// Exported VMComputer, VMProcess, VMConnection and VMBoundPort files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub threads: ThreadsArg,
}

/// `--threads N`, shared by every headless command.
#[derive(Args, Debug, Clone, Copy)]
pub struct ThreadsArg {
    /// Threads for loading, map building and trends (0, the default: every core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
}

fn parse_time(text: &str) -> Result<Timestamp, String> {
    Timestamp::parse(text)
        .ok_or_else(|| format!("not a date and time: {text:?} (use RFC 3339, e.g. 2026-10-05T08:00:00Z)"))
}

/// Loads every file into one store, printing warnings and errors to stderr as `file:line:col`.
/// Returns the store and whether every file loaded.
/// The files are read at once, on the threads of `--threads`, and merged in the order given.
pub fn load_all(files: &[PathBuf]) -> (Store, bool) {
    let mut store = Store::default();
    let mut all_loaded = true;
    for (path, result) in files.iter().zip(ingest::load_paths(files, ingest::LoadOptions::default())) {
        match result {
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
    let threads = match &command {
        Command::Summary(args) => args.threads,
        Command::Report(args) => args.threads,
        Command::Render(args) => args.threads,
        Command::Query(args) => args.threads,
        Command::Groups(args) => args.threads,
        Command::Diff(args) => args.threads,
        Command::Triage(args) => args.threads,
    };
    ingest::set_threads(threads.threads);
    let result = match command {
        Command::Summary(args) => summary::summary(&args),
        Command::Report(args) => report::report(&args),
        Command::Render(args) => render::render(&args),
        Command::Query(args) => query::query(&args),
        Command::Groups(args) => groups::groups(&args),
        Command::Diff(args) => diff::diff(&args),
        Command::Triage(args) => triage::triage(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

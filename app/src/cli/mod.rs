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
    /// Lay out the map and write pictures (PNG/SVG), charts and graph files, with no window.
    Render(RenderArgs),
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
        Command::Render(args) => render(&args),
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

/// What the pictures' titles say: the files and the window.
pub fn picture_title(files: &[PathBuf], from: Option<Timestamp>, to: Option<Timestamp>) -> String {
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().map_or_else(|| f.display().to_string(), |n| n.to_string_lossy().into_owned()))
        .collect();
    let shown = if names.len() > 3 {
        format!("{} and {} more", names[..3].join(", "), names.len() - 3)
    } else {
        names.join(", ")
    };
    let window = match (from, to) {
        (None, None) => "all records".to_string(),
        (from, to) => format!(
            "{} to {}",
            from.map_or_else(|| "start".to_string(), |t| t.to_string()),
            to.map_or_else(|| "end".to_string(), |t| t.to_string())
        ),
    };
    format!("vmi-map: {shown} ({window})")
}

fn render(args: &RenderArgs) -> Result<ExitCode> {
    use vmi_core::graph::export::{GraphFormat, export_graph};
    use vmi_core::graph::view::{ViewOptions, build_view};
    use vmi_core::render::{MapPicture, MapScene, Theme, chart, map};
    use vmi_core::trends::{Selection, TrendKind, TrendRequest};
    let (store, all_loaded) = load_all(&args.files);
    let theme = if args.theme == ThemeArg::Dark { Theme::Dark } else { Theme::Light };
    let request =
        MapRequest { from: args.window.from, to: args.window.to, focus: args.focus.iter().cloned().collect() };
    let inventory = Inventory::new(&store);
    let title = picture_title(&args.files, args.window.from, args.window.to);
    let write = |path: &std::path::Path, bytes: &[u8]| {
        std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
    };
    if args.map.is_some() || args.graph.is_some() {
        let map_data = build_map(&store, &inventory, &request);
        let view =
            build_view(&store, &inventory, &map_data, &ViewOptions { expand_all: args.expand, ..Default::default() });
        let positions = view.converged_positions(1);
        if let Some(path) = &args.map {
            let scene = MapScene::new(&view, &positions);
            let picture = MapPicture {
                scene: &scene,
                width_px: args.width,
                region: None,
                theme,
                title: Some(title.clone()),
                legend: !args.no_legend,
            };
            write(path, &map::render_for_path(&picture, path).map_err(anyhow::Error::msg)?)?;
            eprintln!("wrote {}", path.display());
        }
        if let Some(path) = &args.graph {
            let format = GraphFormat::from_path(&path.to_string_lossy())
                .with_context(|| format!("{}: use .graphml, .dot or .json", path.display()))?;
            write(path, export_graph(&store, &inventory, &map_data, &view, &positions, format).as_bytes())?;
            eprintln!("wrote {}", path.display());
        }
    }
    for pair in args.chart.chunks(2) {
        let [kind, out] = pair else { continue };
        let kind = TrendKind::from_id(kind).with_context(|| {
            let ids: Vec<&str> = TrendKind::ALL.iter().map(|k| k.id()).collect();
            format!("no chart {kind:?}; the charts are {}", ids.join(", "))
        })?;
        let trend_request = TrendRequest {
            kind,
            selection: Selection::Estate,
            from: args.window.from,
            to: args.window.to,
            bin_ticks: None,
        };
        let trend = vmi_core::trends::compute(&store, &inventory, &trend_request);
        let chart_title = format!("{} - whole estate", kind.title());
        let width = args.width.min(4096);
        let spec =
            chart::ChartSpec { trend: &trend, title: &chart_title, width, height: (width as f32 * 0.45) as u32, theme };
        let path = std::path::Path::new(out);
        write(path, &chart::render_for_path(&spec, path).map_err(anyhow::Error::msg)?)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(if all_loaded { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

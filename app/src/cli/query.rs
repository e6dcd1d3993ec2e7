//! `vmi-map query`: any KQL query over the loaded files, printed as CSV, JSON or a table.
//! A parse, name or type error prints `line:col`, the query line and a caret; exit code 2.

use super::{QueryArgs, ResultFormat, load_all};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use vmi_core::kql::{QueryOptions, format};

/// Cells a command-line query may hold at once (about 2 GB).
const MAX_CELLS: usize = 100_000_000;

pub fn query(args: &QueryArgs) -> Result<ExitCode> {
    let (text, files): (String, Vec<PathBuf>) = match &args.file {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            (text, args.rest.iter().map(PathBuf::from).collect())
        }
        None => {
            let Some((query, files)) = args.rest.split_first() else {
                anyhow::bail!("give the query (or --file Q.kql) and the files to load");
            };
            (query.to_string_lossy().into_owned(), files.iter().map(PathBuf::from).collect())
        }
    };
    let mut params = BTreeMap::new();
    for pair in &args.params {
        let (name, value) = pair.split_once('=').with_context(|| format!("--param {pair:?}: use NAME=VALUE"))?;
        params.insert(name.trim().trim_matches(['{', '}']).to_string(), value.to_string());
    }
    let (store, all_loaded) = load_all(&files);
    let window = args.window.from.zip(args.window.to).map(|(from, to)| (from.0, to.0)).or_else(|| {
        // {TimeRange} defaults to everything loaded.
        let extent = vmi_core::trends::time_extent(&store, vmi_core::model::TableKind::VMConnection)?;
        Some((extent.0.0, extent.1.0 + 1))
    });
    let substituted = match vmi_core::kql::params::substitute_mapped(&text, &params, window) {
        Ok(substituted) => substituted,
        Err(error) => {
            eprintln!("{}", error.render(&text));
            return Ok(ExitCode::from(2));
        }
    };
    let options = QueryOptions { now: args.now.map(|t| t.0), cancel: None, max_cells: MAX_CELLS };
    let output = match vmi_core::kql::run(&store, &substituted.text, &options) {
        Ok(output) => output,
        Err(mut error) => {
            // Shown under the query as written, parameters unexpanded.
            error.span = substituted.original_span(error.span);
            eprintln!("{}", error.render(&text));
            return Ok(ExitCode::from(2));
        }
    };
    let mut stdout = std::io::stdout().lock();
    for (i, table) in output.tables.iter().enumerate() {
        if i > 0 {
            writeln!(stdout)?;
        }
        let text = match args.format {
            ResultFormat::Csv => format::to_csv(table),
            ResultFormat::Json => format::to_json(table) + "\n",
            ResultFormat::Table => format::to_text_table(table, 60),
        };
        stdout.write_all(text.as_bytes()).context("writing the result")?;
    }
    Ok(if all_loaded { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

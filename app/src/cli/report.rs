//! `vmi-map report`: one of the documentation's sample queries, as CSV.

use super::{ReportArgs, load_all};
use anyhow::{Context, Result};
use std::process::ExitCode;
use vmi_core::graph::Inventory;

pub fn report(args: &ReportArgs) -> Result<ExitCode> {
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

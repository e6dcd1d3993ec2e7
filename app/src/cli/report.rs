//! `vmi-map report`: a saved query (the documentation's queries) run by the KQL engine, as
//! CSV. `--machine`, `--text` and `--exe` fill its `{Machine}`/`{Machines}`, `{Text}` and
//! `{Exe}` parameters.

use super::{ReportArgs, load_all};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;
use vmi_core::graph::Inventory;
use vmi_core::kql::library::{SAVED_QUERIES, saved};

pub fn report(args: &ReportArgs) -> Result<ExitCode> {
    if args.list {
        for query in SAVED_QUERIES {
            let params = query.params();
            let takes = if params.is_empty() { String::new() } else { format!(" ({})", params.join(", ")) };
            println!("{}\t{}{takes}", query.id, query.title);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let id = args.id.as_deref().unwrap_or_default();
    let query = saved(id).with_context(|| format!("no report {id:?}; `vmi-map report --list` names them"))?;
    let (store, all_loaded) = load_all(&args.files);
    // Machines by id or computer name, as ids (the tables' Machine columns hold ids).
    let wanted = args.machines.iter().cloned().collect();
    let found = vmi_core::graph::build::focus_machines(&store, &Inventory::new(&store), &wanted);
    let mut ids: Vec<String> = found.into_iter().map(|m| store.str(m).to_string()).collect();
    ids.sort();
    if ids.is_empty() {
        ids.clone_from(&args.machines);
    }
    let mut params = BTreeMap::new();
    if let Some(first) = ids.first() {
        params.insert("Machine".to_string(), first.clone());
        let quoted: Vec<String> = ids.iter().map(|m| format!("{m:?}")).collect();
        params.insert("Machines".to_string(), quoted.join(", "));
    }
    for (name, value) in [("Text", &args.text), ("Exe", &args.exe)] {
        if let Some(value) = value {
            params.insert(name.to_string(), value.clone());
        }
    }
    let text = match vmi_core::kql::params::substitute(query.text, &params, None) {
        Ok(text) => text,
        Err(error) => anyhow::bail!("report {id}: {} (give it with --machine, --text or --exe)", error.message),
    };
    let output = match vmi_core::kql::run(&store, &text, &vmi_core::kql::QueryOptions::default()) {
        Ok(output) => output,
        Err(error) => {
            eprintln!("{}", error.render(&text));
            return Ok(ExitCode::from(2));
        }
    };
    eprintln!("note: {}", query.note);
    let table = output.tables.last().context("the query returned no table")?;
    std::io::stdout().write_all(vmi_core::kql::format::to_csv(table).as_bytes()).context("writing the report")?;
    Ok(if all_loaded { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

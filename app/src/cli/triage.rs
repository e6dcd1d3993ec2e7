//! `vmi-map triage`: a verdict with its evidence for every failed connection in the window,
//! by impact (failed links x affected clients), as one JSON object.

use super::diff::window_json;
use super::{TriageArgs, load_all};
use anyhow::{Context, Result};
use serde_json::json;
use std::process::ExitCode;
use vmi_core::compare;
use vmi_core::graph::{Inventory, MapRequest};

pub fn triage(args: &TriageArgs) -> Result<ExitCode> {
    let (store, all_loaded) = load_all(&args.files);
    let inventory = Inventory::new(&store);
    let window = MapRequest { from: args.window.from, to: args.window.to, ..MapRequest::default() };
    let triage = compare::triage(&store, &inventory, &window);
    let output = json!({ "window": window_json(&window), "failures": triage.failures });
    println!("{}", serde_json::to_string(&output).context("writing the verdicts")?);
    Ok(if all_loaded { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

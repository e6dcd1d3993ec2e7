//! `vmi-map summary`: one JSON object of what was loaded and the map it makes.

use super::{SummaryArgs, load_all};
use anyhow::{Context, Result};
use std::process::ExitCode;
use vmi_core::graph::{Inventory, MapRequest, build_map};

pub fn summary(args: &SummaryArgs) -> Result<ExitCode> {
    let (store, all_loaded) = load_all(&args.files);
    let request = MapRequest { from: args.window.from, to: args.window.to, ..Default::default() };
    let inventory = Inventory::new(&store);
    let map = build_map(&store, &inventory, &request);
    let summary = vmi_core::summary::summarize(&store, &inventory, &map, &request);
    println!("{}", serde_json::to_string(&summary).context("writing the summary")?);
    Ok(if all_loaded { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

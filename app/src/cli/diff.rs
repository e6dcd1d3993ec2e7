//! `vmi-map diff`: compares window A with window B and prints the changes, by impact, as one
//! JSON object (each change's kind, aspects, source, target, port and A and B metrics).

use super::{DiffArgs, load_all};
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::process::ExitCode;
use vmi_core::compare::{self, Preset, Thresholds, Window, parse_range};
use vmi_core::graph::{Inventory, MapRequest};

pub fn diff(args: &DiffArgs) -> Result<ExitCode> {
    if !(args.min_ratio.is_finite() && args.min_ratio > 0.0) {
        bail!("--min-ratio must be a number above 0 (2 means twice or half the bytes), not {}", args.min_ratio);
    }
    let b = request(&args.b).context("--b")?;
    let a = match Preset::from_id(&args.a) {
        Some(preset) => match Window::of(&b) {
            Some(window) => preset.window_a(window).request(&b.focus),
            None => bail!("--a {} is relative to --b, which needs both FROM and TO", preset.id()),
        },
        None => request(&args.a).context("--a")?,
    };
    let (store, all_loaded) = load_all(&args.files);
    let inventory = Inventory::new(&store);
    let thresholds = Thresholds { bytes_ratio: args.min_ratio, ..Thresholds::default() };
    let diff = compare::diff(&store, &inventory, &a, &b, &thresholds);
    let output = json!({
        "a": window_json(&diff.a),
        "b": window_json(&diff.b),
        "thresholds": diff.thresholds,
        "counts": diff.edge_counts(),
        "changes": diff.changes().collect::<Vec<_>>(),
    });
    println!("{}", serde_json::to_string(&output).context("writing the changes")?);
    Ok(if all_loaded { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn request(text: &str) -> Result<MapRequest> {
    let (from, to) = parse_range(text)?;
    Ok(MapRequest { from, to, ..MapRequest::default() })
}

/// A window as `{"from": …, "to": …}`, an open side as null.
pub fn window_json(request: &MapRequest) -> serde_json::Value {
    json!({
        "from": request.from.map(|t| t.to_string()),
        "to": request.to.map(|t| t.to_string()),
    })
}

//! What the benchmark binaries share: reading their command lines and loading the files they
//! time, so each binary holds only what it measures.

use anyhow::{Context, Result};
use vmi_core::ingest;
use vmi_core::store::Store;

/// The number after `--runs`, or `default`.
pub fn runs(args: &[String], default: usize) -> usize {
    args.iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// Options whose next argument is their value, not a file.
const VALUED: [&str; 2] = ["--runs", "--threads"];

/// The arguments that name files: neither options nor the values of `--runs` and `--threads`.
pub fn files(args: &[String]) -> Vec<&String> {
    args.iter()
        .enumerate()
        .filter(|(i, a)| {
            !a.starts_with("--") && args.get(i.wrapping_sub(1)).is_none_or(|p| !VALUED.contains(&p.as_str()))
        })
        .map(|(_, a)| a)
        .collect()
}

/// The files loaded into one store, as the app loads them.
pub fn load_store(files: &[&String]) -> Result<Store> {
    let mut store = Store::default();
    for file in files {
        let loaded = ingest::load_path(std::path::Path::new(file), &mut |_| true).with_context(|| file.to_string())?;
        store.merge(loaded.batch);
    }
    Ok(store)
}

//! Load and map-build timings for one export file, on one thread, file cached.
//!
//! `ingest_bench FILE [--runs N] [--load-only]` prints one JSON object: bytes, rows, the median load time
//! and throughput, the median time to build the inventory and the whole-estate map, and the
//! peak resident memory of the process (run it once per file for a clean peak).

/// The allocator the app uses: it keeps freed memory for reuse instead of handing it back to the
/// OS, so per-frame and per-file buffers do not page-fault again.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{Context, Result, bail};
use std::time::Instant;
use vmi_core::graph::{Inventory, MapRequest, build_map};
use vmi_core::ingest;
use vmi_core::store::Store;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Peak resident set size of this process, in MiB (Linux `VmHWM`).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else { bail!("usage: ingest_bench FILE [--runs N]") };
    let runs: usize = vmi_bench::runs(&args, 3);
    // One thread, as the figures it prints are documented (`parallel_bench` measures more).
    ingest::set_threads(1);
    let path = std::path::Path::new(file);
    let bytes = std::fs::metadata(path).with_context(|| file.to_string())?.len();
    let mut load_secs = Vec::new();
    let mut store = Store::default();
    let mut peak_after_first_load = None;
    for run in 0..runs.max(1) {
        // The app holds one store: the previous run's is freed before the next load, so a run
        // reuses its memory instead of faulting in fresh pages beside it.
        drop(std::mem::take(&mut store));
        let start = Instant::now();
        let loaded = ingest::load_path(path, &mut |_| true).map_err(|e| anyhow::anyhow!("{e}"))?;
        let parsed = start.elapsed().as_secs_f64();
        let mut fresh = Store::default();
        fresh.merge(loaded.batch);
        let secs = start.elapsed().as_secs_f64();
        eprintln!("run {}: {secs:.3} s ({parsed:.3} s reading, {:.3} s merging)", run + 1, secs - parsed);
        load_secs.push(secs);
        store = fresh;
        if run == 0 {
            peak_after_first_load = peak_rss_mib();
        }
    }
    let rows: usize = store.record_counts().iter().sum();
    // `--load-only` skips the map timings, for profiling the load alone.
    let map_runs = if args.iter().any(|a| a == "--load-only") { 0 } else { 5 };
    let mut inventory_secs = Vec::new();
    let mut map_secs = Vec::new();
    let mut edges = 0;
    for _ in 0..map_runs {
        let start = Instant::now();
        let inventory = Inventory::new(&store);
        inventory_secs.push(start.elapsed().as_secs_f64());
        let start = Instant::now();
        let map = build_map(&store, &inventory, &MapRequest::default());
        map_secs.push(start.elapsed().as_secs_f64());
        edges = map.edge_count();
    }
    // The first run of a process also pays for first-touch page faults on the store.
    let first_secs = load_secs.first().copied();
    let load = median(load_secs);
    let report = serde_json::json!({
        "file": file,
        "bytes": bytes,
        "rows": rows,
        "load_secs": load,
        "first_load_secs": first_secs,
        "mb_per_sec": bytes as f64 / 1e6 / load,
        "inventory_secs": median(inventory_secs),
        "map_build_secs": median(map_secs),
        "edges": edges,
        "peak_rss_mib": peak_after_first_load,
    });
    println!("{report}");
    Ok(())
}

//! In-process load and map-build timings of one export file on 1, 2, ... threads, file cached.
//!
//! `parallel_bench FILE [--threads 1,2] [--runs N]` prints one JSON object: per thread count,
//! the median load time (parse and merge into a store), the median map build, and from the
//! 1-thread and the largest count the speed-up, the serial fraction it implies (Karp-Flatt:
//! `f = (n / S - 1) / (n - 1)`) and Amdahl's estimate for 8 cores, `1 / (f + (1 - f) / 8)`.

/// The allocator the app uses (see `ingest_bench`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{Context, Result, bail};
use std::time::Instant;
use vmi_core::graph::build::build_map_with;
use vmi_core::graph::{Inventory, MapRequest};
use vmi_core::ingest::{self, LoadOptions, Threads};
use vmi_core::store::Store;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Serial fraction from the speed-up `speedup` on `n` threads (Karp-Flatt metric).
fn serial_fraction(speedup: f64, n: f64) -> f64 {
    ((n / speedup - 1.0) / (n - 1.0)).clamp(0.0, 1.0)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else { bail!("usage: parallel_bench FILE [--threads 1,2] [--runs N]") };
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1));
    let runs: usize = value("--runs").and_then(|n| n.parse().ok()).unwrap_or(3).max(1);
    let counts: Vec<usize> = value("--threads")
        .map_or("1,2", String::as_str)
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .filter(|&n| n > 0)
        .collect();
    let path = std::path::Path::new(file);
    let bytes = std::fs::metadata(path).with_context(|| file.to_string())?.len();
    let mut results = Vec::new();
    let mut store = Store::default();
    for &n in &counts {
        let threads = Threads::new(n);
        let (mut load_secs, mut map_secs) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            drop(std::mem::take(&mut store));
            let start = Instant::now();
            let loaded = ingest::load_path_with(path, LoadOptions::with_threads(threads), &mut |_| true)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut fresh = Store::default();
            fresh.merge(loaded.batch);
            load_secs.push(start.elapsed().as_secs_f64());
            store = fresh;
            let inventory = Inventory::new(&store);
            let start = Instant::now();
            let map = build_map_with(&store, &inventory, &MapRequest::default(), threads);
            map_secs.push(start.elapsed().as_secs_f64());
            std::hint::black_box(map.edge_count());
        }
        eprintln!("{n} thread(s): loads {load_secs:.3?} s, map builds {map_secs:.3?} s");
        results.push((n, median(load_secs), median(map_secs)));
    }
    let rows: usize = store.record_counts().iter().sum();
    let per_count: Vec<serde_json::Value> = results
        .iter()
        .map(|&(n, load, map)| {
            serde_json::json!({"threads": n, "load_secs": load, "mb_per_sec": bytes as f64 / 1e6 / load, "map_build_secs": map})
        })
        .collect();
    let scaling = match (results.first(), results.last()) {
        (Some(&(1, one, map_one)), Some(&(n, many, map_many))) if n > 1 => {
            let speedup = one / many;
            let f = serial_fraction(speedup, n as f64);
            let map_speedup = map_one / map_many;
            let map_f = serial_fraction(map_speedup, n as f64);
            serde_json::json!({
                "threads": n,
                "load_speedup": speedup,
                "load_serial_fraction": f,
                "load_amdahl_8_cores": 1.0 / (f + (1.0 - f) / 8.0),
                "map_speedup": map_speedup,
                "map_serial_fraction": map_f,
                "map_amdahl_8_cores": 1.0 / (map_f + (1.0 - map_f) / 8.0),
            })
        }
        _ => serde_json::Value::Null,
    };
    let report = serde_json::json!({"file": file, "bytes": bytes, "rows": rows, "runs": per_count, "scaling": scaling});
    println!("{report}");
    Ok(())
}

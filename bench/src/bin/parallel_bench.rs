//! In-process timings of the pipeline `vmi-map summary` runs, on 1, 2, ... threads, files
//! cached: loading the files (parsed in parallel), merging them into one store, the
//! inventory, and the map build.
//!
//! `parallel_bench FILE... [--threads 1,2] [--runs N]` prints one JSON object: per thread
//! count, the median of each phase, and from the 1-thread and the largest count the speed-up
//! of the load (parse and merge) and of the map build, the serial fraction each implies
//! (Karp-Flatt: `f = (n / S - 1) / (n - 1)`) and Amdahl's estimate for 8 cores,
//! `1 / (f + (1 - f) / 8)`.

/// The allocator the app uses (see `ingest_bench`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{Context, Result, bail};
use std::path::PathBuf;
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

/// Seconds of each phase of one run.
#[derive(Clone, Copy, Default)]
struct Phases {
    parse: f64,
    merge: f64,
    inventory: f64,
    map: f64,
}

impl Phases {
    fn load(&self) -> f64 {
        self.parse + self.merge
    }
}

/// One run of the pipeline on `threads`; returns its phases and the store it loaded.
fn run(files: &[PathBuf], threads: Threads) -> Result<(Phases, Store)> {
    let start = Instant::now();
    let mut loaded = Vec::new();
    for (path, result) in files.iter().zip(ingest::load_paths(files, LoadOptions::with_threads(threads))) {
        loaded.push(result.map_err(|e| anyhow::anyhow!("{e}")).with_context(|| path.display().to_string())?);
    }
    let parse = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let mut store = Store::default();
    ingest::set_threads(threads.get());
    for file in loaded {
        store.merge(file.batch);
    }
    let merge = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let inventory = Inventory::new(&store);
    let inventory_secs = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let map = build_map_with(&store, &inventory, &MapRequest::default(), threads);
    let map_secs = start.elapsed().as_secs_f64();
    std::hint::black_box(map.edge_count());
    Ok((Phases { parse, merge, inventory: inventory_secs, map: map_secs }, store))
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1));
    let runs = vmi_bench::runs(&args, 3).max(1);
    let counts: Vec<usize> = value("--threads")
        .map_or("1,2", String::as_str)
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .filter(|&n| n > 0)
        .collect();
    let files: Vec<PathBuf> = vmi_bench::files(&args).into_iter().map(PathBuf::from).collect();
    if files.is_empty() {
        bail!("usage: parallel_bench FILE... [--threads 1,2] [--runs N]");
    }
    let mut bytes = 0;
    for file in &files {
        bytes += std::fs::metadata(file).with_context(|| file.display().to_string())?.len();
    }
    let mut results = Vec::new();
    let mut rows = 0;
    for &n in &counts {
        let threads = Threads::new(n);
        let mut phases = Vec::new();
        for _ in 0..runs {
            let (run_phases, store) = run(&files, threads)?;
            rows = store.record_counts().iter().sum::<usize>();
            phases.push(run_phases);
        }
        let of = |f: fn(&Phases) -> f64| median(phases.iter().map(f).collect());
        let loads: Vec<String> = phases.iter().map(|p| format!("{:.3}", p.load())).collect();
        eprintln!("{n} thread(s): loads [{}] s", loads.join(", "));
        let median_phases = Phases {
            parse: of(|p| p.parse),
            merge: of(|p| p.merge),
            inventory: of(|p| p.inventory),
            map: of(|p| p.map),
        };
        results.push((n, of(Phases::load), median_phases));
    }
    let per_count: Vec<serde_json::Value> = results
        .iter()
        .map(|(n, load, p)| {
            serde_json::json!({
                "threads": n,
                "load_secs": load,
                "mb_per_sec": bytes as f64 / 1e6 / load,
                "parse_secs": p.parse,
                "merge_secs": p.merge,
                "inventory_secs": p.inventory,
                "map_build_secs": p.map,
            })
        })
        .collect();
    let scaling = match (results.first(), results.last()) {
        (Some((1, one, p_one)), Some((n, many, p_many))) if *n > 1 => {
            let speedup = one / many;
            let f = serial_fraction(speedup, *n as f64);
            let map_speedup = p_one.map / p_many.map;
            let map_f = serial_fraction(map_speedup, *n as f64);
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
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let report =
        serde_json::json!({"files": names, "bytes": bytes, "rows": rows, "runs": per_count, "scaling": scaling});
    println!("{report}");
    Ok(())
}

//! The KQL engine's speed on loaded records, one thread: `kql_bench [--runs N] FILES...` loads
//! the files once, then runs each benchmark query N times and prints one JSON object with the
//! load time and each query's median and first run in milliseconds.
//!
//! The queries are the issue's: a four-key `summarize` of three sums, a filtered count by
//! hour and machine, and the documentation's "outbound connections of a group of machines"
//! on 10 machines.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::collections::BTreeMap;
use std::time::Instant;
use vmi_core::kql::{QueryOptions, library, params, run};
use vmi_core::model::TableKind;
use vmi_core::store::Store;

const SUMMARIZE: &str = "VMConnection | summarize sum(BytesSent), sum(BytesReceived), sum(LinksFailed) by Machine, Process, RemoteIp, DestinationPort";
const FAILED_BY_HOUR: &str =
    "VMConnection | where LinksFailed > 0 | summarize count() by bin(TimeGenerated, 1h), Machine";

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut runs = 5;
    if let Some(i) = args.iter().position(|a| a == "--runs") {
        runs = args.get(i + 1).and_then(|n| n.parse().ok()).unwrap_or(5);
        args.drain(i..(i + 2).min(args.len()));
    }
    let started = Instant::now();
    let mut store = Store::default();
    for path in &args {
        let loaded = vmi_core::ingest::load_path(std::path::Path::new(path), &mut |_| true)?;
        store.merge(loaded.batch);
    }
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;
    // Ten machines that have connection records, for the group query.
    let connections = store.table(TableKind::VMConnection);
    let machine = TableKind::VMConnection.column_index("Machine").unwrap_or(0);
    let mut machines: Vec<String> = Vec::new();
    for row in 0..connections.len() {
        let m = store.text(TableKind::VMConnection, machine, row).to_string();
        if !m.is_empty() && !machines.contains(&m) {
            machines.push(m);
            if machines.len() == 10 {
                break;
            }
        }
    }
    let quoted: Vec<String> = machines.iter().map(|m| format!("{m:?}")).collect();
    let values: BTreeMap<String, String> = [("Machines".to_string(), quoted.join(", "))].into();
    let outbound = library::saved("outbound-summary").map(|q| q.text).unwrap_or_default();
    let outbound = params::substitute(outbound, &values, None).map_err(|e| anyhow::anyhow!(e.message))?;
    let mut results = serde_json::Map::new();
    for (name, query) in [
        ("summarize_4_keys", SUMMARIZE),
        ("failed_by_hour", FAILED_BY_HOUR),
        ("outbound_10_machines", outbound.as_str()),
    ] {
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..runs {
            let start = Instant::now();
            let output = run(&store, query, &QueryOptions::default()).map_err(|e| anyhow::anyhow!(e.render(query)))?;
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            rows = output.tables.last().map_or(0, |t| t.rows());
        }
        let first = times[0];
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        results.insert(name.into(), serde_json::json!({"median_ms": median, "first_ms": first, "rows": rows}));
    }
    let report = serde_json::json!({
        "records": store.record_counts().iter().sum::<usize>(),
        "load_ms": load_ms,
        "queries": results,
    });
    println!("{report}");
    Ok(())
}

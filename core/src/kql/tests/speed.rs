//! The two benchmark queries of the issue on a million generated connection rows. Run with
//! `cargo test -p vmi-core --release --lib kql::tests::speed -- --ignored --nocapture`.

use crate::kql::{QueryOptions, run};
use crate::model::schema::connection;
use crate::model::{TableKind, Timestamp};
use crate::store::{Batch, Store};

/// `rows` connection rows: 200 machines, 8 processes each, 500 remote IPs, 20 ports, one
/// row a second from 2026-10-05.
pub fn connections(rows: usize) -> Store {
    let mut batch = Batch::new("VMConnection.json");
    let machines: Vec<_> = (0..200).map(|m| batch.interner.intern(&format!("m-{m:08x}"))).collect();
    let processes: Vec<_> = (0..8).map(|p| batch.interner.intern(&format!("p-{p:040x}"))).collect();
    let ips: Vec<_> = (0..500).map(|i| batch.interner.intern(&format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256))).collect();
    let start = Timestamp::parse("2026-10-05T00:00:00Z").map_or(0, |t| t.0);
    let table = batch.table_mut(TableKind::VMConnection);
    for row in 0..rows {
        let h = (row as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let c = &mut table.columns;
        c[connection::TIME_GENERATED].push_int(start + row as i64 * 10_000_000);
        c[connection::MACHINE].push_sym(machines[(h % 200) as usize]);
        c[connection::PROCESS].push_sym(processes[((h >> 8) % 8) as usize]);
        c[connection::REMOTE_IP].push_sym(ips[((h >> 16) % 500) as usize]);
        c[connection::DESTINATION_PORT].push_int(((h >> 24) % 20) as i64 + 1);
        c[connection::BYTES_SENT].push_int(((h >> 32) % 10_000) as i64);
        c[connection::BYTES_RECEIVED].push_int(((h >> 40) % 10_000) as i64);
        c[connection::LINKS_FAILED].push_int(i64::from((h >> 50).is_multiple_of(10)));
        table.end_row();
    }
    let mut store = Store::default();
    store.merge(batch);
    store
}

#[test]
#[ignore = "timing run on a million rows"]
fn benchmark_queries_on_a_million_rows() {
    let store = connections(1_000_000);
    for q in [
        "VMConnection | summarize sum(BytesSent), sum(BytesReceived), sum(LinksFailed) by Machine, Process, RemoteIp, DestinationPort",
        "VMConnection | where LinksFailed > 0 | summarize count() by bin(TimeGenerated, 1h), Machine",
    ] {
        let mut best = f64::MAX;
        let mut rows = 0;
        for _ in 0..5 {
            let t = std::time::Instant::now();
            let out = run(&store, q, &QueryOptions::default()).unwrap();
            best = best.min(t.elapsed().as_secs_f64());
            rows = out.tables[0].rows();
        }
        println!("{:.1} ms, {rows} rows: {q}", best * 1000.0);
    }
}

//! The two benchmark queries of the issue on a million generated connection rows. Run with
//! `cargo test -p vmi-core --release --lib kql::tests::speed -- --ignored --nocapture`.

use crate::kql::{QueryOptions, run};
use crate::model::schema::{bound_port, computer, connection};
use crate::model::{TableKind, Timestamp};
use crate::store::{Batch, Store};

/// `rows` connection rows: 200 machines, 8 processes each, 500 remote IPs, 20 ports, one
/// row a second from 2026-10-05.
pub fn connections(rows: usize) -> Store {
    let mut batch = Batch::new("VMConnection.json");
    let machines: Vec<_> = (0..200).map(|m| batch.interner.intern(&format!("m-{m:08x}"))).collect();
    let processes: Vec<_> = (0..8).map(|p| batch.interner.intern(&format!("p-{p:040x}"))).collect();
    let ips: Vec<_> =
        (0..500).map(|i| batch.interner.intern(&format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256))).collect();
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

/// An estate of 200 machines: hourly inventory records (with their IPs), five bound ports
/// each, and `rows` connection rows between them and outside addresses.
pub fn estate(rows: usize) -> Store {
    let mut batch = Batch::new("estate.json");
    let start = Timestamp::parse("2026-10-05T00:00:00Z").map_or(0, |t| t.0);
    let hour = 36_000_000_000i64;
    let machine = |m: usize| format!("m-{m:08x}-0000-4000-8000-000000000000");
    let ip = |m: usize| format!("10.1.{}.{}", m / 256, m % 256);
    {
        let syms: Vec<_> = (0..200)
            .map(|m| (batch.interner.intern(&machine(m)), batch.interner.intern(&format!("[\"{}\"]", ip(m)))))
            .collect();
        let table = batch.table_mut(TableKind::VMComputer);
        for h in 0..24 {
            for (m, (id, ips)) in syms.iter().enumerate() {
                let c = &mut table.columns;
                c[computer::TIME_GENERATED].push_int(start + h * hour + m as i64);
                c[computer::MACHINE].push_sym(*id);
                c[computer::AZURE_RESOURCE_NAME].push_sym(*id);
                c[computer::RESOURCE_ID].push_sym(*id);
                c[computer::IPV4_ADDRESSES].push_sym(*ips);
                table.end_row();
            }
        }
    }
    let machines: Vec<_> = (0..200).map(|m| batch.interner.intern(&machine(m))).collect();
    let ips: Vec<_> = (0..200).map(|m| batch.interner.intern(&ip(m))).collect();
    let outside: Vec<_> = (0..300).map(|i| batch.interner.intern(&format!("52.0.{}.{}", i / 256, i % 256))).collect();
    let processes: Vec<_> = (0..8).map(|p| batch.interner.intern(&format!("p-{p:040x}"))).collect();
    let names: Vec<_> = (0..8).map(|p| batch.interner.intern(&format!("proc{p}"))).collect();
    let tcp = batch.interner.intern("tcp");
    let (outbound, inbound) = (batch.interner.intern("outbound"), batch.interner.intern("inbound"));
    let port_ids: Vec<_> = (0..1000).map(|i| batch.interner.intern(&format!("pt-{i}"))).collect();
    {
        let table = batch.table_mut(TableKind::VMBoundPort);
        for h in 0..24 {
            for m in 0..200 {
                for p in 0..5 {
                    let c = &mut table.columns;
                    c[bound_port::TIME_GENERATED].push_int(start + h * hour);
                    c[bound_port::MACHINE].push_sym(machines[m]);
                    c[bound_port::PROCESS].push_sym(processes[p]);
                    c[bound_port::PROCESS_NAME].push_sym(names[p]);
                    c[bound_port::IP].push_sym(ips[m]);
                    c[bound_port::PORT].push_int(1000 + p as i64);
                    c[bound_port::PROTOCOL].push_sym(tcp);
                    c[bound_port::PORT_ID].push_sym(port_ids[m * 5 + p]);
                    table.end_row();
                }
            }
        }
    }
    let connection_ids: Vec<_> = (0..20_000).map(|i| batch.interner.intern(&format!("c-{i}"))).collect();
    let table = batch.table_mut(TableKind::VMConnection);
    for row in 0..rows {
        let h = (row as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let conn = (h % 20_000) as usize;
        let m = conn % 200;
        let remote_machine = (conn / 200) % 200;
        let to_outside = conn.is_multiple_of(3);
        let remote = if to_outside { outside[conn % 300] } else { ips[remote_machine] };
        let c = &mut table.columns;
        c[connection::TIME_GENERATED].push_int(start + (row as i64 % 86_400) * 10_000_000);
        c[connection::MACHINE].push_sym(machines[m]);
        c[connection::PROCESS].push_sym(processes[conn % 8]);
        c[connection::PROCESS_NAME].push_sym(names[conn % 8]);
        c[connection::CONNECTION_ID].push_sym(connection_ids[conn]);
        c[connection::DIRECTION].push_sym(if conn.is_multiple_of(4) { inbound } else { outbound });
        c[connection::SOURCE_IP].push_sym(ips[m]);
        c[connection::DESTINATION_IP].push_sym(remote);
        c[connection::REMOTE_IP].push_sym(remote);
        c[connection::DESTINATION_PORT].push_int(1000 + (conn % 5) as i64);
        c[connection::PROTOCOL].push_sym(tcp);
        c[connection::BYTES_SENT].push_int(((h >> 32) % 10_000) as i64);
        table.end_row();
    }
    let mut store = Store::default();
    store.merge(batch);
    store
}

#[test]
#[ignore = "timing run on a million rows"]
fn outbound_connections_of_ten_machines_on_a_million_rows() {
    let store = estate(1_000_000);
    let ten: Vec<String> = (0..10).map(|m| format!("\"m-{m:08x}-0000-4000-8000-000000000000\"")).collect();
    let q = super::docs::outbound()
        .replace("[\"m-82412a7a-6a32-45a9-a8d6-538354224a25\"]", &format!("[{}]", ten.join(", ")));
    let mut best = f64::MAX;
    let mut rows = 0;
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let out = run(&store, &q, &QueryOptions::default()).unwrap();
        best = best.min(t.elapsed().as_secs_f64());
        rows = out.tables[0].rows();
    }
    assert!(rows > 0);
    println!("{:.1} ms, {rows} rows: outbound connections of 10 machines", best * 1000.0);
    let t = std::time::Instant::now();
    let out = run(&store, "search \"c-17\" | summarize count() by $table", &QueryOptions::default()).unwrap();
    println!("{:.1} ms, {} rows: search over every table", t.elapsed().as_secs_f64() * 1000.0, out.tables[0].rows());
}

#[test]
#[ignore = "timing run on a million rows"]
fn benchmark_queries_on_a_million_rows() {
    let store = connections(1_000_000);
    for q in [
        "VMConnection | summarize sum(BytesSent), sum(BytesReceived), sum(LinksFailed) by Machine, Process, RemoteIp, DestinationPort",
        "VMConnection | where LinksFailed > 0 | summarize count() by bin(TimeGenerated, 1h), Machine",
        "VMConnection | summarize count(), sum(BytesSent) by Machine, Process",
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

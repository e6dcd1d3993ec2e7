//! Window diff on one estate where every change kind and aspect happens between window A
//! (08:00-08:10) and window B (08:10-08:20).

use super::*;
use crate::compare::{Aspect, ChangeKind, Diff, Thresholds, diff};
use serde_json::json;

/// Ports: the Orders API on every interface (0.0.0.0), SQL Server on 10.0.0.30 as a wildcard
/// bind, postgres on 10.0.0.30 only. Each edge has one row in A (minute 2) and one in B
/// (minute 12).
fn changes_estate() -> Store {
    let ports = [
        port(0, "m-app", "p-java", "0.0.0.0", 8443, false),
        port(0, "m-db", "p-sql", "10.0.0.30", 1433, true),
        port(0, "m-db", "p-pg", "10.0.0.30", 5432, false),
    ];
    let mut rows: Vec<Conn> = Vec::new();
    // Unchanged: nginx -> Orders API.
    rows.extend([2, 12].map(|m| out(m, NGINX, "10.0.0.10", "10.0.0.20", 8443)));
    // Bytes x3: nginx -> SQL Server over db01's second address (the wildcard bind serves it).
    rows.push(out(2, NGINX, "10.0.0.10", "10.0.1.30", 1433));
    rows.push(out(12, NGINX, "10.0.0.10", "10.0.1.30", 1433).bytes(300, 3000));
    // Gone: Orders API -> postgres only in A.
    rows.push(out(3, JAVA, "10.0.0.20", "10.0.0.30", 5432));
    // New: cron -> an external endpoint only in B.
    rows.push(out(13, CRON, "10.0.0.20", "52.1.2.3", 443).dns("api.contoso.net"));
    // Failures only in window A: Orders API -> SQL Server.
    rows.push(out(4, JAVA, "10.0.0.20", "10.0.0.30", 1433).failing(2));
    rows.push(out(14, JAVA, "10.0.0.20", "10.0.0.30", 1433));
    // Failures appear in B: cron -> SQL Server.
    rows.push(out(4, CRON, "10.0.0.20", "10.0.0.30", 1433));
    rows.push(out(14, CRON, "10.0.0.20", "10.0.0.30", 1433).failing(3));
    // Links x4: cron -> postgres.
    rows.push(out(5, CRON, "10.0.0.20", "10.0.0.30", 5432));
    rows.push(out(15, CRON, "10.0.0.20", "10.0.0.30", 5432).links(4));
    // Response time 10 -> 40 ms: nginx -> app01 port 9999 (nobody listens: a machine port).
    rows.push(out(6, NGINX, "10.0.0.10", "10.0.0.20", 9999));
    rows.push(out(16, NGINX, "10.0.0.10", "10.0.0.20", 9999).responses(1, 40));
    // Bytes, links and response time down: cron -> Orders API.
    rows.push(out(7, CRON, "10.0.0.20", "10.0.0.20", 8443).bytes(400, 3600).links(4).responses(2, 80));
    rows.push(out(17, CRON, "10.0.0.20", "10.0.0.20", 8443).bytes(100, 900).links(1).responses(2, 20));
    estate("", &ports, &rows)
}

fn compare(store: &Store, thresholds: &Thresholds) -> Diff {
    diff(store, &inventory(store), &window(0, 10), &window(10, 20), thresholds)
}

/// (kind, aspects, source label, target label, port) of the changes list.
/// (kind, aspects, source label, target label, port) of one change.
type ChangeRow = (ChangeKind, Vec<Aspect>, String, String, Option<i64>);

fn summary(diff: &Diff) -> Vec<ChangeRow> {
    diff.changes()
        .map(|e| (e.kind, e.aspects.clone(), e.source.label.clone(), e.target.label.clone(), e.port))
        .collect()
}

fn row(kind: ChangeKind, aspects: &[Aspect], source: &str, target: &str, port: i64) -> ChangeRow {
    (kind, aspects.to_vec(), source.to_string(), target.to_string(), Some(port))
}

#[test]
fn every_change_kind_in_impact_order() {
    let store = changes_estate();
    let diff = compare(&store, &Thresholds::default());
    use Aspect::*;
    use ChangeKind::*;
    assert_eq!(
        summary(&diff),
        vec![
            // New failures first.
            row(Changed, &[FailuresAppeared], "cron", "SQL Server", 1433),
            // Then gone dependencies.
            row(Gone, &[], "Orders API", "postgres", 5432),
            // Then by the size of the byte change: -3000, +2200, +1100, then no byte change.
            row(Changed, &[BytesDown, LinksDown, ResponseTimeDown], "cron", "Orders API", 8443),
            row(Changed, &[BytesUp], "nginx", "SQL Server", 1433),
            row(New, &[], "cron", "api.contoso.net:443", 443),
            row(Changed, &[FailuresDisappeared], "Orders API", "SQL Server", 1433),
            row(Changed, &[LinksUp], "cron", "postgres", 5432),
            row(Changed, &[ResponseTimeUp], "nginx", "port 9999", 9999),
        ]
    );
    let unchanged = diff.edge(&process(&store, NGINX), &process(&store, JAVA)).unwrap();
    assert_eq!((unchanged.kind, unchanged.aspects.len()), (Unchanged, 0));
    assert_eq!(
        diff.edge_counts().into_iter().collect::<Vec<_>>(),
        vec![(New, 1), (Gone, 1), (Changed, 6), (Unchanged, 1)]
    );
    assert_eq!(diff.map.edge_count(), 9, "the union map holds every edge of either window");
}

#[test]
fn an_edge_only_in_b_and_failures_only_in_a_side_by_side() {
    let store = changes_estate();
    let diff = compare(&store, &Thresholds::default());
    let new = diff.changes().find(|e| e.kind == ChangeKind::New).unwrap();
    assert_eq!(
        serde_json::to_value(new).unwrap(),
        json!({
            "kind": "new",
            "aspects": [],
            "source": {"kind": "process", "label": "cron", "machine": "m-app", "process": "p-cron", "ip": null, "port": null},
            "target": {"kind": "external", "label": "api.contoso.net:443", "machine": null, "process": null, "ip": "52.1.2.3", "port": 443},
            "port": 443,
            "ports": [443],
            "bytes_ratio": null,
            "a": null,
            "b": {
                "bytes_sent": 100, "bytes_received": 1000, "links_established": 1, "links_terminated": 1,
                "links_failed": 0, "links_live": 0, "failed_minutes": 0, "responses": 1,
                "response_time_avg_ms": 10.0, "response_time_min_ms": 10, "response_time_max_ms": 10, "rows": 1,
                "first_seen": "2026-10-05T08:13:00Z", "last_seen": "2026-10-05T08:13:00Z", "malicious_ip": null
            },
            "localhost": false
        })
    );
    let java = process(&store, JAVA);
    let sql = process(&store, SQL);
    let healed = diff.edge(&java, &sql).unwrap();
    let side = |m: &Option<crate::graph::EdgeMetrics>| {
        m.as_ref().map(|m| (m.links_failed, m.failed_minutes, m.total_bytes(), m.first_seen.map(|t| t.to_string())))
    };
    assert_eq!(side(&healed.a), Some((2, 1, 1100, Some("2026-10-05T08:04:00Z".to_string()))));
    assert_eq!(side(&healed.b), Some((0, 0, 1100, Some("2026-10-05T08:14:00Z".to_string()))));
    assert_eq!(healed.bytes_ratio, Some(1.0));
}

#[test]
fn nodes_are_marked_by_their_presence_and_edges() {
    let store = changes_estate();
    let diff = compare(&store, &Thresholds::default());
    let kinds: Vec<(String, ChangeKind)> = diff.nodes.iter().map(|n| (n.node.label.clone(), n.kind)).collect();
    assert_eq!(
        kinds,
        vec![
            ("web01".to_string(), ChangeKind::Changed),
            ("app01".to_string(), ChangeKind::Changed),
            ("db01".to_string(), ChangeKind::Changed),
            ("nginx".to_string(), ChangeKind::Changed),
            ("Orders API".to_string(), ChangeKind::Changed),
            ("cron".to_string(), ChangeKind::Changed),
            ("SQL Server".to_string(), ChangeKind::Changed),
            ("postgres".to_string(), ChangeKind::Changed),
            ("port 9999".to_string(), ChangeKind::Changed),
            ("api.contoso.net:443".to_string(), ChangeKind::New),
        ]
    );
    let postgres = diff.nodes.iter().find(|n| n.node.label == "postgres").unwrap();
    assert_eq!(serde_json::to_value(postgres.a).unwrap(), json!({"edges": 2, "bytes": 2200, "links_failed": 0}));
    assert_eq!(serde_json::to_value(postgres.b).unwrap(), json!({"edges": 1, "bytes": 1100, "links_failed": 0}));
    let external = diff.nodes.iter().find(|n| n.kind == ChangeKind::New).unwrap();
    assert_eq!(external.a, None, "not on A's map");
}

#[test]
fn an_idle_estate_is_unchanged_and_the_threshold_decides_byte_changes() {
    let store = changes_estate();
    // Ratio 4: the x3 bytes of nginx -> SQL Server no longer count; the /4 of cron -> Orders API does.
    let strict = Thresholds { bytes_ratio: 4.0, ..Thresholds::default() };
    let diff = compare(&store, &strict);
    let nginx_sql = diff.edge(&process(&store, NGINX), &process(&store, SQL)).unwrap();
    assert_eq!((nginx_sql.kind, nginx_sql.bytes_ratio), (ChangeKind::Unchanged, Some(3.0)));
    let cron_java = diff.edge(&process(&store, CRON), &process(&store, JAVA)).unwrap();
    assert_eq!(cron_java.aspects, vec![Aspect::BytesDown, Aspect::LinksDown, Aspect::ResponseTimeDown]);
    // The same window twice: nothing changed.
    let inventory = inventory(&store);
    let same = crate::compare::diff(&store, &inventory, &window(0, 10), &window(0, 10), &Thresholds::default());
    assert_eq!(same.changes().count(), 0);
    assert!(same.nodes.iter().all(|n| n.kind == ChangeKind::Unchanged));
}

#[test]
fn presets_build_window_a_from_window_b() {
    use crate::compare::{Preset, Window};
    let store = changes_estate();
    let b = Window::of(&window(10, 20)).unwrap();
    let a = Preset::PreviousPeriod.window_a(b).request(&Default::default());
    assert_eq!(a, window(0, 10));
    let diff =
        crate::compare::diff(&store, &inventory(&store), &a, &b.request(&Default::default()), &Thresholds::default());
    assert_eq!(diff.changes().count(), 8);
}

#[test]
fn trends_of_both_windows_share_their_bins() {
    use crate::compare::{Window, overlay};
    use crate::trends::{Selection, TrendKind};
    let store = changes_estate();
    let (a, b) = (Window::of(&window(0, 10)).unwrap(), Window::of(&window(10, 20)).unwrap());
    let edge = Selection::Edge { source: process(&store, NGINX), target: process(&store, SQL) };
    let both = overlay(&store, &inventory(&store), TrendKind::Bytes, edge, (a, b), None);
    assert_eq!(both.bin_ticks, TICKS_PER_MINUTE);
    let sent = |t: &crate::trends::Trend| t.series("Bytes sent").map(<[f64]>::to_vec);
    // nginx -> SQL Server: 100 bytes at minute 2 of A, 300 at minute 2 of B.
    let mut expected_a = vec![0.0; 10];
    expected_a[2] = 100.0;
    let mut expected_b = vec![0.0; 10];
    expected_b[2] = 300.0;
    assert_eq!((sent(&both.a), sent(&both.b)), (Some(expected_a), Some(expected_b)));
}

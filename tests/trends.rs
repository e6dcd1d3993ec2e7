//! Trend series checked against sums worked out by hand.

use crate::support::store_from_texts;
use vmi_core::graph::{Inventory, NodeKey};
use vmi_core::model::Timestamp;
use vmi_core::model::time::{TICKS_PER_HOUR, TICKS_PER_MINUTE};
use vmi_core::store::Store;
use vmi_core::trends::{Axis, Selection, TrendKind, TrendRequest, compute};

const CONNECTIONS: &str = "\
\"TimeGenerated [UTC]\",Computer,Machine,Process,Direction,RemoteIp,DestinationPort,BytesSent,BytesReceived,LinksEstablished,LinksLive,LinksFailed,LinksTerminated,Responses,ResponseTimeSum,ResponseTimeMax
\"2026-10-05T08:00:00Z\",web01,m-web,p-nginx,outbound,10.0.0.30,1433,100,1000,1,1,0,0,2,30,20
\"2026-10-05T08:14:00Z\",web01,m-web,p-nginx,outbound,10.0.0.30,1433,200,2000,1,2,1,0,1,50,50
\"2026-10-05T08:14:00Z\",web01,m-web,p-nginx,outbound,10.0.0.31,1433,1,1,0,3,0,0,0,,
\"2026-10-05T08:15:00Z\",web01,m-web,p-nginx,outbound,10.0.0.30,1433,400,4000,0,1,2,1,0,,
\"2026-10-05T08:50:00Z\",db01,m-db,p-sql,inbound,203.0.113.9,1433,7,70,1,0,0,1,0,,
\"2026-10-06T08:30:00Z\",web01,m-web,p-nginx,outbound,10.0.0.30,1433,0,0,0,0,5,0,0,,
";

const PORTS: &str = "\
\"TimeGenerated [UTC]\",Machine,Process,Ip,Port,Protocol
\"2026-10-05T08:00:00Z\",m-db,p-sql,10.0.0.30,1433,tcp
\"2026-10-05T08:00:00Z\",m-db,p-sql,127.0.0.1,1434,tcp
\"2026-10-05T08:16:00Z\",m-db,p-sql,10.0.0.30,1433,tcp
\"2026-10-05T08:16:00Z\",m-db,p-agent,10.0.0.30,5723,tcp
";

fn store() -> Store {
    store_from_texts(&[("VMConnection.csv", CONNECTIONS), ("VMBoundPort.csv", PORTS)])
}

fn at(text: &str) -> Option<Timestamp> {
    Timestamp::parse(text)
}

fn request(kind: TrendKind, selection: Selection) -> TrendRequest {
    TrendRequest {
        kind,
        selection,
        from: at("2026-10-05T08:00:00Z"),
        to: at("2026-10-05T09:00:00Z"),
        bin_ticks: Some(15 * TICKS_PER_MINUTE),
    }
}

fn machine(store: &Store, id: &str) -> Selection {
    Selection::Node(NodeKey::Machine { machine: store.interner.lookup(id).unwrap_or_default() })
}

#[test]
fn bytes_per_bin_with_bin_edges_and_empty_bins() {
    let store = store();
    let trend = compute(&store, &Inventory::new(&store), &request(TrendKind::Bytes, machine(&store, "m-web")));
    let Axis::Time(bins) = trend.axis else { panic!("time axis") };
    assert_eq!((bins.count, bins.bin_ticks), (4, 15 * TICKS_PER_MINUTE));
    assert_eq!(
        trend.series("Bytes sent"),
        Some(&[301.0, 400.0, 0.0, 0.0][..]),
        "08:14 is in the first bin, 08:15 in the second"
    );
    assert_eq!(trend.series("Bytes received"), Some(&[3001.0, 4000.0, 0.0, 0.0][..]));
}

#[test]
fn estate_bytes_stack_the_busiest_computers() {
    let store = store();
    let trend = compute(&store, &Inventory::new(&store), &request(TrendKind::Bytes, Selection::Estate));
    assert!(trend.stacked);
    let names: Vec<&str> = trend.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["web01", "db01"]);
    assert_eq!(trend.series("db01"), Some(&[0.0, 0.0, 0.0, 77.0][..]));
}

#[test]
fn link_status_sums_links_and_takes_the_latest_live_value() {
    let store = store();
    let trend = compute(&store, &Inventory::new(&store), &request(TrendKind::Links, machine(&store, "m-web")));
    assert_eq!(trend.series("Established"), Some(&[2.0, 0.0, 0.0, 0.0][..]));
    // First bin: the 08:14 minute is the latest; two connections report 2 and 3 live links.
    assert_eq!(trend.series("Live"), Some(&[5.0, 1.0, 0.0, 0.0][..]));
    assert_eq!(trend.series("Failed"), Some(&[1.0, 2.0, 0.0, 0.0][..]));
    assert_eq!(trend.series("Terminated"), Some(&[0.0, 1.0, 0.0, 0.0][..]));
}

#[test]
fn response_time_average_is_sum_over_responses() {
    let store = store();
    let trend = compute(&store, &Inventory::new(&store), &request(TrendKind::ResponseTime, machine(&store, "m-web")));
    let average = trend.series("Average").unwrap_or_default();
    assert!((average[0] - 80.0 / 3.0).abs() < 1e-9, "{average:?}");
    assert!(average[1].is_nan(), "no responses: no average");
    assert_eq!(trend.series("Max").map(|m| m[0]), Some(50.0));
}

#[test]
fn failures_fold_into_hours_of_the_day() {
    let store = store();
    let open = TrendRequest { from: None, to: None, ..request(TrendKind::FailuresByHour, machine(&store, "m-web")) };
    let trend = compute(&store, &Inventory::new(&store), &open);
    assert_eq!(trend.axis, Axis::HourOfDay);
    let hours = trend.series("Failed links").unwrap_or_default();
    assert_eq!(hours[8], 8.0, "1 + 2 on the 5th and 5 on the 6th, all at 08:xx");
    assert_eq!(hours.iter().sum::<f64>(), 8.0);
    let daily = TrendRequest { bin_ticks: Some(24 * TICKS_PER_HOUR), kind: TrendKind::Failures, ..open };
    let trend = compute(&store, &Inventory::new(&store), &daily);
    assert_eq!(trend.series("Failed links"), Some(&[3.0, 5.0][..]), "the open window spans both days");
}

#[test]
fn an_edge_selection_sees_only_its_rows_from_the_client_side() {
    let store = store();
    let inventory = Inventory::new(&store);
    let sym = |t: &str| store.interner.lookup(t).unwrap_or_default();
    let group = NodeKey::ClientGroup { machine: sym("m-db"), process: sym("p-sql"), port: 1433 };
    let server = NodeKey::Process { machine: sym("m-db"), process: sym("p-sql") };
    let trend =
        compute(&store, &inventory, &request(TrendKind::Bytes, Selection::Edge { source: group, target: server }));
    // The inbound row says the server sent 7 and received 70: the clients sent 70.
    assert_eq!(trend.series("Bytes sent"), Some(&[0.0, 0.0, 0.0, 70.0][..]));
    assert_eq!(trend.series("Bytes received"), Some(&[0.0, 0.0, 0.0, 7.0][..]));
}

#[test]
fn open_ports_count_distinct_ports_without_loopback() {
    let store = store();
    let trend = compute(&store, &Inventory::new(&store), &request(TrendKind::OpenPorts, machine(&store, "m-db")));
    assert_eq!(trend.series("Open ports"), Some(&[1.0, 2.0, 0.0, 0.0][..]));
}

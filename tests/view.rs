//! The map view: collapsed and expanded machines, filters, roles.

use crate::graph::store_with;
use vmi_core::graph::view::{MapView, Role, ViewOptions, build_view};
use vmi_core::graph::{Inventory, MapRequest, NodeKind, build_map};
use vmi_core::store::Store;

const ROWS: &str = "\
\"2026-10-05T08:01:00Z\",m-app,p-java,java,outbound,10.0.0.20,10.0.0.30,1433,10.0.0.30,100,400,2,1,0,1,4,40,5,20,,,,,,\n\
\"2026-10-05T08:01:00Z\",m-web,p-nginx,nginx,outbound,10.0.0.10,10.0.0.20,8443,10.0.0.20,10,20,1,0,2,0,0,,,,,,,,,\n\
\"2026-10-05T08:01:00Z\",m-web,p-nginx,nginx,outbound,127.0.0.1,127.0.0.1,6379,127.0.0.1,1,1,1,0,0,1,0,,,,,,,,,\n\
\"2026-10-05T08:01:00Z\",m-web,p-nginx,nginx,inbound,203.0.113.7,10.0.0.10,443,203.0.113.7,5000,300,1,1,0,0,0,,,,,,203.0.113.7,Botnet,Red,5\n\
\"2026-10-05T08:01:00Z\",m-app,p-java,java,outbound,10.0.0.20,10.0.0.30,5723,10.0.0.30,1,1,1,0,0,0,0,,,,,,,,,\n";

fn view(store: &Store, options: &ViewOptions) -> MapView {
    let inventory = Inventory::new(store);
    let map = build_map(store, &inventory, &MapRequest::default());
    build_view(store, &inventory, &map, options)
}

fn labels(view: &MapView, kind: NodeKind) -> Vec<String> {
    let mut labels: Vec<String> = view.nodes.iter().filter(|n| n.kind == kind).map(|n| n.label.clone()).collect();
    labels.sort();
    labels
}

#[test]
fn collapsed_machines_merge_their_processes_edges() {
    let store = store_with(ROWS, "");
    let view = view(&store, &ViewOptions::default());
    assert_eq!(labels(&view, NodeKind::Machine), ["app01", "db01", "web01"]);
    assert!(labels(&view, NodeKind::Process).is_empty());
    // app01 -> db01 carries both the SQL Server and the agent connections.
    let app_db =
        view.edges.iter().find(|e| view.nodes[e.source].label == "app01" && view.nodes[e.target].label == "db01");
    assert_eq!(app_db.map(|e| (e.map_edges.len(), e.metrics.bytes_sent)), Some((2, 101)));
    // nginx -> redis on web01 is inside one machine: not drawn when collapsed.
    assert_eq!(view.edges.len(), 3, "app->db, web->app, clients->web");
    let web = view.nodes.iter().find(|n| n.label == "web01").map(|n| (n.role, n.children));
    assert_eq!(web, Some((Some(Role::Web), 2)));
}

#[test]
fn expanded_machines_show_their_processes_inside() {
    let store = store_with(ROWS, "");
    let view = view(&store, &ViewOptions { expand_all: true, ..Default::default() });
    assert_eq!(labels(&view, NodeKind::Process), ["Monitoring Agent", "Orders API", "SQL Server", "nginx", "redis"]);
    let sql = view.nodes.iter().find(|n| n.label == "SQL Server").unwrap_or_else(|| panic!("SQL Server shown"));
    assert_eq!(sql.parent.map(|p| view.nodes[p].label.as_str()), Some("db01"));
    assert_eq!(sql.role, Some(Role::Database));
    assert_eq!(view.edges.len(), 5);
}

#[test]
fn filters_hide_what_users_ask_to_hide() {
    let store = store_with(ROWS, "");
    let expanded = ViewOptions { expand_all: true, ..Default::default() };
    let no_local = view(&store, &ViewOptions { hide_localhost: true, ..expanded.clone() });
    assert_eq!(no_local.edges.len(), 4);
    let no_groups = view(&store, &ViewOptions { hide_client_groups: true, ..expanded.clone() });
    assert!(labels(&no_groups, NodeKind::ClientGroup).is_empty());
    let failed = view(&store, &ViewOptions { failed_only: true, ..expanded.clone() });
    assert_eq!(failed.edges.len(), 1);
    assert_eq!(labels(&failed, NodeKind::Machine), ["app01", "web01"], "only machines around failing edges");
    let malicious = view(&store, &ViewOptions { malicious_only: true, ..expanded.clone() });
    assert_eq!(malicious.edges.len(), 1);
    assert!(malicious.nodes.iter().any(|n| n.kind == NodeKind::ClientGroup && n.malicious));
    let big = view(&store, &ViewOptions { min_bytes: 1000, ..expanded.clone() });
    assert_eq!(big.edges.len(), 1, "only the 5,300-byte client edge");
    let web_key = view(&store, &expanded).nodes.iter().find(|n| n.label == "web01").map(|n| n.key).unwrap_or_default();
    let hidden = view(&store, &ViewOptions { hidden: [web_key].into(), ..expanded });
    assert!(!hidden.nodes.iter().any(|n| n.label == "web01" || n.label == "nginx"));
}

//! The map rules, one small estate per rule, asserting exact nodes, edges and metrics.

use vmi_core::graph::{DependencyMap, Inventory, MapRequest, NodeKey, NodeKind, build_map};
use vmi_core::ingest;
use vmi_core::model::Timestamp;
use vmi_core::store::Store;

const COMPUTERS: &str = "\
\"TimeGenerated [UTC]\",Computer,Machine,HostName,Ipv4Addresses
\"2026-10-05T08:00:00Z\",web01.contoso.com,m-web,web01,\"[\"\"10.0.0.10\"\"]\"
\"2026-10-05T08:00:00Z\",db01.contoso.com,m-db,db01,\"[\"\"10.0.0.30\"\",\"\"10.0.1.30\"\"]\"
\"2026-10-05T08:00:00Z\",app01.contoso.com,m-app,app01,\"[\"\"10.0.0.20\"\"]\"
";

const PROCESSES: &str = "\
\"TimeGenerated [UTC]\",Machine,Process,ExecutableName,DisplayName,CommandLine
\"2026-10-05T08:00:00Z\",m-web,p-nginx,nginx,nginx,/usr/sbin/nginx -g daemon off;
\"2026-10-05T08:00:00Z\",m-web,p-cache,redis-server,redis,redis-server 127.0.0.1:6379
\"2026-10-05T08:00:00Z\",m-db,p-sql,sqlservr,SQL Server,sqlservr.exe -sMSSQLSERVER
\"2026-10-05T08:00:00Z\",m-db,p-agent,HealthService,Monitoring Agent,HealthService.exe
\"2026-10-05T08:00:00Z\",m-app,p-java,java,Orders API,java -jar orders.jar
";

const PORTS: &str = "\
\"TimeGenerated [UTC]\",Machine,Process,ProcessName,Ip,Port,Protocol,IsWildcardBind
\"2026-10-05T08:00:00Z\",m-web,p-nginx,nginx,10.0.0.10,443,tcp,false
\"2026-10-05T08:00:00Z\",m-web,p-cache,redis-server,127.0.0.1,6379,tcp,false
\"2026-10-05T08:00:00Z\",m-db,p-sql,sqlservr,10.0.0.30,1433,tcp,true
\"2026-10-05T08:00:00Z\",m-db,p-agent,HealthService,0.0.0.0,5723,tcp,false
\"2026-10-05T08:00:00Z\",m-app,p-java,java,0.0.0.0,8443,tcp,false
\"2026-10-05T08:00:00Z\",m-app,p-java,java,10.0.0.20,8443,tcp,true
";

const CONNECTION_HEADER: &str = "\"TimeGenerated [UTC]\",Machine,Process,ProcessName,Direction,SourceIp,DestinationIp,DestinationPort,RemoteIp,BytesSent,BytesReceived,LinksEstablished,LinksTerminated,LinksFailed,LinksLive,Responses,ResponseTimeSum,ResponseTimeMin,ResponseTimeMax,RemoteDnsCanonicalNames,RemoteDnsQuestions,MaliciousIp,IndicatorThreatType,TLPLevel,Severity\n";

pub fn store_with(connections: &str, extra_computers: &str) -> Store {
    let mut store = Store::default();
    let files = [
        ("VMComputer.csv", format!("{COMPUTERS}{extra_computers}")),
        ("VMProcess.csv", PROCESSES.to_string()),
        ("VMBoundPort.csv", PORTS.to_string()),
        ("VMConnection.csv", format!("{CONNECTION_HEADER}{connections}")),
    ];
    for (name, text) in files {
        let loaded = ingest::load_bytes(name, text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert!(loaded.warnings.is_empty(), "{name}: {:?}", loaded.warnings);
        store.merge(loaded.batch);
    }
    store
}

fn map_of(store: &Store, request: &MapRequest) -> DependencyMap {
    build_map(store, &Inventory::new(store), request)
}

fn whole(store: &Store) -> DependencyMap {
    map_of(store, &MapRequest::default())
}

fn sym(store: &Store, text: &str) -> vmi_core::store::Sym {
    store.interner.lookup(text).unwrap_or_else(|| panic!("{text} not interned"))
}

fn process(store: &Store, machine: &str, process_id: &str) -> NodeKey {
    NodeKey::Process { machine: sym(store, machine), process: sym(store, process_id) }
}

/// The edges as (source label, target label) pairs, sorted.
fn edge_labels(map: &DependencyMap) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = map
        .graph
        .edge_indices()
        .filter_map(|e| map.graph.edge_endpoints(e))
        .map(|(a, b)| (map.graph[a].label.clone(), map.graph[b].label.clone()))
        .collect();
    pairs.sort();
    pairs
}

fn edge<'a>(map: &'a DependencyMap, source: &NodeKey, target: &NodeKey) -> &'a vmi_core::graph::EdgeMetrics {
    let (Some(&a), Some(&b)) = (map.index.get(source), map.index.get(target)) else {
        panic!("no node for {source:?} or {target:?}")
    };
    let Some(e) = map.graph.find_edge(a, b) else { panic!("no edge {source:?} -> {target:?}") };
    &map.graph[e].metrics
}

#[test]
fn localhost_traffic_stays_on_the_machine() {
    let store = store_with(
        "\"2026-10-05T08:01:00Z\",m-web,p-nginx,nginx,outbound,127.0.0.1,127.0.0.1,6379,127.0.0.1,10,20,1,0,0,1,1,3,3,3,,,,,,\n\
         \"2026-10-05T08:01:00Z\",m-web,p-cache,redis-server,inbound,127.0.0.1,127.0.0.1,6379,127.0.0.1,20,10,1,0,0,1,1,3,3,3,,,,,,\n",
        "",
    );
    let map = whole(&store);
    assert_eq!(edge_labels(&map), vec![("nginx".to_string(), "redis".to_string())]);
    let e = map.graph.edge_weights().next().map(|e| (e.localhost, e.metrics.bytes_sent));
    assert_eq!(e, Some((true, 10)), "a localhost edge, counted once from the client's row");
}

#[test]
fn wildcard_binds_serve_every_address_of_the_machine() {
    let store = store_with(
        "\"2026-10-05T08:01:00Z\",m-app,p-java,java,outbound,10.0.0.20,10.0.1.30,1433,10.0.1.30,100,200,1,1,0,0,1,5,5,5,,,,,,\n\
         \"2026-10-05T08:01:00Z\",m-web,p-nginx,nginx,outbound,10.0.0.10,10.0.0.30,5723,10.0.0.30,7,7,1,1,0,0,0,,,,,,,,,\n\
         \"2026-10-05T08:01:00Z\",m-web,p-nginx,nginx,outbound,10.0.0.10,10.0.0.20,8443,10.0.0.20,1,1,1,1,0,0,0,,,,,,,,,\n",
        "",
    );
    let map = whole(&store);
    // 10.0.1.30 is not the bound address, but the bind is a wildcard one.
    edge(&map, &process(&store, "m-app", "p-java"), &process(&store, "m-db", "p-sql"));
    // A 0.0.0.0 record with no specific-IP record marks a port open on every interface.
    edge(&map, &process(&store, "m-web", "p-nginx"), &process(&store, "m-db", "p-agent"));
    edge(&map, &process(&store, "m-web", "p-nginx"), &process(&store, "m-app", "p-java"));
    assert_eq!(map.nodes_of_kind(NodeKind::MachinePort).count(), 0);
}

#[test]
fn a_connection_seen_at_both_ends_is_one_edge_counted_once() {
    let store = store_with(
        "\"2026-10-05T08:01:00Z\",m-app,p-java,java,outbound,10.0.0.20,10.0.0.30,1433,10.0.0.30,100,400,2,1,0,1,4,40,5,20,,,,,,\n\
         \"2026-10-05T08:01:00Z\",m-db,p-sql,sqlservr,inbound,10.0.0.20,10.0.0.30,1433,10.0.0.20,400,100,2,1,0,1,4,40,5,20,,,,,,\n",
        "",
    );
    let map = whole(&store);
    assert_eq!(map.edge_count(), 1);
    let m = edge(&map, &process(&store, "m-app", "p-java"), &process(&store, "m-db", "p-sql"));
    assert_eq!((m.bytes_sent, m.bytes_received, m.links_established, m.rows), (100, 400, 2, 1));
    assert_eq!(map.nodes_of_kind(NodeKind::ClientGroup).count(), 0);
}

#[test]
fn unmonitored_clients_form_one_group_per_server_process_and_port() {
    let store = store_with(
        "\"2026-10-05T08:01:00Z\",m-web,p-nginx,nginx,inbound,203.0.113.7,10.0.0.10,443,203.0.113.7,5000,300,1,1,0,0,2,10,4,6,,,,,,\n\
         \"2026-10-05T08:02:00Z\",m-web,p-nginx,nginx,inbound,198.51.100.2,10.0.0.10,443,198.51.100.2,1000,100,1,1,0,0,1,3,3,3,,,,,,\n",
        "",
    );
    let map = whole(&store);
    let group = NodeKey::ClientGroup { machine: sym(&store, "m-web"), process: sym(&store, "p-nginx"), port: 443 };
    let node = map.node(&group).unwrap_or_else(|| panic!("client group missing"));
    let ips: Vec<&str> = node.ips.iter().map(|&ip| store.str(ip)).collect();
    assert_eq!(ips.len(), 2);
    assert!(ips.contains(&"203.0.113.7") && ips.contains(&"198.51.100.2"));
    assert_eq!(node.label, "2 clients :443");
    let m = edge(&map, &group, &process(&store, "m-web", "p-nginx"));
    // The server sent 6000 bytes: the clients received them.
    assert_eq!((m.bytes_sent, m.bytes_received), (400, 6000));
    assert_eq!(m.response_time_avg_ms(), Some(13.0 / 3.0));
    assert_eq!((m.response_time_min_ms, m.response_time_max_ms), (Some(3), Some(6)));
}

#[test]
fn a_port_nobody_listens_on_is_a_machine_port_node() {
    let store = store_with(
        "\"2026-10-05T08:01:00Z\",m-app,p-java,java,outbound,10.0.0.20,10.0.0.30,9999,10.0.0.30,10,0,0,0,3,0,0,,,,,,,,,\n",
        "",
    );
    let map = whole(&store);
    let port = NodeKey::MachinePort { machine: sym(&store, "m-db"), port: 9999 };
    let m = edge(&map, &process(&store, "m-app", "p-java"), &port);
    assert_eq!(m.links_failed, 3);
    let parent = map.node(&port).and_then(|n| n.parent).map(|p| map.graph[p].label.clone());
    assert_eq!(parent.as_deref(), Some("db01"), "the port sits in its machine");
}

#[test]
fn external_endpoints_are_named_by_their_dns_names() {
    let store = store_with(
        "\"2026-10-05T08:01:00Z\",m-app,p-java,java,outbound,10.0.0.20,20.190.160.1,443,20.190.160.1,800,3000,2,2,0,0,2,120,50,70,\"[\"\"login.microsoftonline.com\"\"]\",\"[\"\"login.microsoftonline.com\"\",\"\"login.live.com\"\"]\",,,,\n",
        "",
    );
    let map = whole(&store);
    let external = NodeKey::External { ip: sym(&store, "20.190.160.1"), port: 443 };
    let node = map.node(&external).unwrap_or_else(|| panic!("external endpoint missing"));
    assert_eq!(node.label, "login.microsoftonline.com:443");
    assert_eq!(node.dns_names, vec!["login.microsoftonline.com", "login.live.com"]);
    assert!(node.parent.is_none());
}

#[test]
fn malicious_remote_ips_mark_their_endpoint_and_edge() {
    let store = store_with(
        "\"2026-10-05T08:01:00Z\",m-web,p-nginx,nginx,inbound,203.0.113.66,10.0.0.10,443,203.0.113.66,50,10,1,1,0,0,0,,,,,,203.0.113.66,Botnet,Amber,4\n",
        "",
    );
    let map = whole(&store);
    let group = NodeKey::ClientGroup { machine: sym(&store, "m-web"), process: sym(&store, "p-nginx"), port: 443 };
    assert_eq!(map.node(&group).map(|n| n.malicious_ips.clone()), Some(vec!["203.0.113.66".to_string()]));
    let m = edge(&map, &group, &process(&store, "m-web", "p-nginx"));
    let indicator = m.malicious.clone().unwrap_or_default();
    assert_eq!(
        (indicator.threat_type.as_str(), indicator.tlp_level.as_str(), indicator.severity),
        ("Botnet", "Amber", Some(4))
    );
}

#[test]
fn failing_links_count_links_and_minutes() {
    let store = store_with(
        "\"2026-10-05T08:01:00Z\",m-app,p-java,java,outbound,10.0.0.20,10.0.0.30,1433,10.0.0.30,0,0,0,0,2,0,0,,,,,,,,,\n\
         \"2026-10-05T08:01:00Z\",m-app,p-java,java,outbound,10.0.0.21,10.0.0.30,1433,10.0.0.30,0,0,0,0,1,0,0,,,,,,,,,\n\
         \"2026-10-05T08:03:00Z\",m-app,p-java,java,outbound,10.0.0.20,10.0.0.30,1433,10.0.0.30,0,0,1,0,1,1,0,,,,,,,,,\n\
         \"2026-10-05T08:04:00Z\",m-app,p-java,java,outbound,10.0.0.20,10.0.0.30,1433,10.0.0.30,5,5,1,0,0,2,0,,,,,,,,,\n\
         \"2026-10-05T08:04:00Z\",m-app,p-java,java,outbound,10.0.0.21,10.0.0.30,1433,10.0.0.30,5,5,1,0,0,3,0,,,,,,,,,\n",
        "",
    );
    let map = whole(&store);
    let m = edge(&map, &process(&store, "m-app", "p-java"), &process(&store, "m-db", "p-sql"));
    assert_eq!((m.links_failed, m.failed_minutes), (4, 2));
    assert_eq!(m.links_live, 5, "latest minute's live links, summed over its two logical connections");
    assert_eq!(m.first_seen.map(|t| t.to_string()).as_deref(), Some("2026-10-05T08:01:00Z"));
    assert_eq!(m.last_seen.map(|t| t.to_string()).as_deref(), Some("2026-10-05T08:04:00Z"));
}

#[test]
fn records_outside_the_window_are_left_out() {
    let store = store_with(
        "\"2026-10-05T08:01:00Z\",m-app,p-java,java,outbound,10.0.0.20,10.0.0.30,1433,10.0.0.30,100,0,1,0,0,0,0,,,,,,,,,\n\
         \"2026-10-05T09:01:00Z\",m-app,p-java,java,outbound,10.0.0.20,10.0.0.30,1433,10.0.0.30,50,0,1,0,0,0,0,,,,,,,,,\n\
         \"2026-10-05T09:02:00Z\",m-app,p-java,java,outbound,10.0.0.20,8.8.8.8,53,8.8.8.8,1,1,1,0,0,0,0,,,,,,,,,\n",
        "",
    );
    let window = MapRequest {
        from: Timestamp::parse("2026-10-05T09:00:00Z"),
        to: Timestamp::parse("2026-10-05T09:02:00Z"),
        ..Default::default()
    };
    let map = map_of(&store, &window);
    assert_eq!(map.edge_count(), 1, "the 09:02 row is at the open end of [from, to)");
    let m = edge(&map, &process(&store, "m-app", "p-java"), &process(&store, "m-db", "p-sql"));
    assert_eq!(m.bytes_sent, 50);
    assert_eq!(whole(&store).edge_count(), 2);
}

#[test]
fn an_address_belongs_to_the_machine_that_held_it_at_the_time() {
    // web01 moves from 10.0.0.10 to 10.0.0.11 at 09:00; app02 takes 10.0.0.10 at 10:00.
    let moves = "\"2026-10-05T09:00:00Z\",web01.contoso.com,m-web,web01,\"[\"\"10.0.0.11\"\"]\"\n\
                 \"2026-10-05T10:00:00Z\",app02.contoso.com,m-app2,app02,\"[\"\"10.0.0.10\"\"]\"\n";
    let store = store_with(
        "\"2026-10-05T08:30:00Z\",m-app,p-java,java,outbound,10.0.0.20,10.0.0.10,443,10.0.0.10,1,0,1,0,0,0,0,,,,,,,,,\n\
         \"2026-10-05T09:30:00Z\",m-app,p-java,java,outbound,10.0.0.20,10.0.0.11,443,10.0.0.11,2,0,1,0,0,0,0,,,,,,,,,\n\
         \"2026-10-05T10:30:00Z\",m-app,p-java,java,outbound,10.0.0.20,10.0.0.10,443,10.0.0.10,4,0,1,0,0,0,0,,,,,,,,,\n",
        moves,
    );
    let map = whole(&store);
    let java = process(&store, "m-app", "p-java");
    // nginx listens on 10.0.0.10 only (not a wildcard): at 09:30 web01's new address has no listener.
    assert_eq!(edge(&map, &java, &process(&store, "m-web", "p-nginx")).bytes_sent, 1);
    assert_eq!(edge(&map, &java, &NodeKey::MachinePort { machine: sym(&store, "m-web"), port: 443 }).bytes_sent, 2);
    assert_eq!(edge(&map, &java, &NodeKey::MachinePort { machine: sym(&store, "m-app2"), port: 443 }).bytes_sent, 4);
    assert_eq!(map.nodes_of_kind(NodeKind::External).count(), 0);
}

#[test]
fn the_group_map_shows_focus_machines_and_their_neighbours() {
    let store = store_with(
        "\"2026-10-05T08:01:00Z\",m-app,p-java,java,outbound,10.0.0.20,10.0.0.30,1433,10.0.0.30,100,0,1,0,0,0,0,,,,,,,,,\n\
         \"2026-10-05T08:01:00Z\",m-web,p-nginx,nginx,outbound,10.0.0.10,10.0.0.20,8443,10.0.0.20,10,0,1,0,0,0,0,,,,,,,,,\n\
         \"2026-10-05T08:01:00Z\",m-web,p-nginx,nginx,outbound,10.0.0.10,8.8.8.8,53,8.8.8.8,1,1,1,0,0,0,0,,,,,,,,,\n",
        "",
    );
    let focus = MapRequest { focus: ["db01".to_string()].into(), ..Default::default() };
    let map = map_of(&store, &focus);
    assert_eq!(edge_labels(&map), vec![("Orders API".to_string(), "SQL Server".to_string())]);
    let mut machines: Vec<String> = map.nodes_of_kind(NodeKind::Machine).map(|(_, n)| n.label.clone()).collect();
    machines.sort();
    assert_eq!(machines, vec!["app01", "db01"], "the focus machine and its neighbour's machine");
    assert_eq!(whole(&store).edge_count(), 3);
}

//! Parser tests: the documentation's queries verbatim, real-world workbook and hunting
//! queries, every construct of the language, exact error messages and spans, and inputs
//! that must neither panic nor hang.

use super::*;

/// The sample queries of the VM Insights documentation page (`shared/seed`), verbatim, with
/// their titles.
pub(super) const DOC_QUERIES: [(&str, &str); 20] = [
    (
        "List all known machines",
        r#"VMComputer | summarize arg_max(TimeGenerated, *) by _ResourceId"#,
    ),
    (
        "When was the VM last rebooted",
        r#"let Today = now(); VMComputer | extend DaysSinceBoot = Today - BootTime | summarize by Computer, DaysSinceBoot, BootTime | sort by BootTime asc"#,
    ),
    (
        "Summary of Azure VMs by image, location, and SKU",
        r#"VMComputer | where AzureLocation != "" | summarize by Computer, AzureImageOffering, AzureLocation, AzureImageSku"#,
    ),
    (
        "List the physical memory capacity of all managed computers",
        r#"VMComputer | summarize arg_max(TimeGenerated, *) by _ResourceId | project PhysicalMemoryMB, Computer"#,
    ),
    (
        "List computer name, DNS, IP, and OS",
        r#"VMComputer | summarize arg_max(TimeGenerated, *) by _ResourceId | project Computer, OperatingSystemFullName, DnsNames, Ipv4Addresses"#,
    ),
    (
        r#"Find all processes with "sql" in the command line"#,
        r#"VMProcess | where CommandLine contains_cs "sql" | summarize arg_max(TimeGenerated, *) by _ResourceId"#,
    ),
    (
        "Find a machine (most recent record) by resource name",
        r#"search in (VMComputer) "m-4b9c93f9-bc37-46df-b43c-899ba829e07b" | summarize arg_max(TimeGenerated, *) by _ResourceId"#,
    ),
    (
        "Find a machine (most recent record) by IP address",
        r#"search in (VMComputer) "10.229.243.232" | summarize arg_max(TimeGenerated, *) by _ResourceId"#,
    ),
    (
        "List all known processes on a specified machine",
        r#"VMProcess | where Machine == "m-559dbcd8-3130-454d-8d1d-f624e57961bc" | summarize arg_max(TimeGenerated, *) by _ResourceId"#,
    ),
    (
        "List all computers running SQL Server",
        r#"VMComputer | where AzureResourceName in ((search in (VMProcess) "*sql*" | distinct Machine)) | distinct Computer"#,
    ),
    (
        "List all unique product versions of curl in my datacenter",
        r#"VMProcess | where ExecutableName == "curl" | distinct ProductVersion"#,
    ),
    (
        "Bytes sent and received trends",
        r#"VMConnection | summarize sum(BytesSent), sum(BytesReceived) by bin(TimeGenerated,1hr), Computer | order by Computer desc | render timechart"#,
    ),
    (
        "Which Azure VMs are transmitting the most bytes",
        r#"VMConnection | join kind=fullouter(VMComputer) on $left.Computer == $right.Computer | summarize count(BytesSent) by Computer, AzureVMSize | sort by count_BytesSent desc"#,
    ),
    (
        "Link status trends",
        r#"VMConnection | where TimeGenerated >= ago(24hr) | where Computer == "acme-demo" | summarize dcount(LinksEstablished), dcount(LinksLive), dcount(LinksFailed), dcount(LinksTerminated) by bin(TimeGenerated, 1h) | render timechart"#,
    ),
    (
        "Connection failures trend",
        r#"VMConnection | where Computer == "acme-demo" | extend bythehour = datetime_part("hour", TimeGenerated) | project bythehour, LinksFailed | summarize failCount = count() by bythehour | sort by bythehour asc | render timechart"#,
    ),
    (
        "Bound Ports",
        r#"VMBoundPort
| where TimeGenerated >= ago(24hr)
| where Computer == 'admdemo-appsvr'
| distinct Port, ProcessName"#,
    ),
    (
        "Number of open ports across machines",
        r#"VMBoundPort
| where Ip != "127.0.0.1"
| summarize by Computer, Machine, Port, Protocol
| summarize OpenPorts=count() by Computer, Machine
| order by OpenPorts desc"#,
    ),
    (
        "Score processes in your workspace by the number of ports they have open",
        r#"VMBoundPort
| where Ip != "127.0.0.1"
| summarize by ProcessName, Port, Protocol
| summarize OpenPorts=count() by ProcessName
| order by OpenPorts desc"#,
    ),
    (
        "Aggregate behavior for each port",
        r#"VMBoundPort
| where Ip != "127.0.0.1"
| summarize BytesSent=sum(BytesSent), BytesReceived=sum(BytesReceived), LinksEstablished=sum(LinksEstablished), LinksTerminated=sum(LinksTerminated), arg_max(TimeGenerated, LinksLive) by Machine, Computer, ProcessName, Ip, Port, IsWildcardBind
| project-away TimeGenerated
| order by Machine, Computer, Port, Ip, ProcessName"#,
    ),
    (
        "Summarize the outbound connections from a group of machines",
        r#"// the machines of interest
let machines = datatable(m: string) ["m-82412a7a-6a32-45a9-a8d6-538354224a25"];
// map of ip to monitored machine in the environment
let ips=materialize(VMComputer
| summarize ips=makeset(todynamic(Ipv4Addresses)) by MonitoredMachine=AzureResourceName
| mvexpand ips to typeof(string));
// all connections to/from the machines of interest
let out=materialize(VMConnection
| where Machine in (machines)
| summarize arg_max(TimeGenerated, *) by ConnectionId);
// connections to localhost augmented with RemoteMachine
let local=out
| where RemoteIp startswith "127."
| project ConnectionId, Direction, Machine, Process, ProcessName, SourceIp, DestinationIp, DestinationPort, Protocol, RemoteIp, RemoteMachine=Machine;
// connections not to localhost augmented with RemoteMachine
let remote=materialize(out
| where RemoteIp !startswith "127."
| join kind=leftouter (ips) on $left.RemoteIp == $right.ips
| summarize by ConnectionId, Direction, Machine, Process, ProcessName, SourceIp, DestinationIp, DestinationPort, Protocol, RemoteIp, RemoteMachine=MonitoredMachine);
// the remote machines to/from which we have connections
let remoteMachines = remote | summarize by RemoteMachine;
// all augmented connections
(local)
| union (remote)
//Take all outbound records but only inbound records that come from either //unmonitored machines or monitored machines not in the set for which we are computing dependencies.
| where Direction == 'outbound' or (Direction == 'inbound' and RemoteMachine !in (machines))
| summarize by ConnectionId, Direction, Machine, Process, ProcessName, SourceIp, DestinationIp, DestinationPort, Protocol, RemoteIp, RemoteMachine
// identify the remote port
| extend RemotePort=iff(Direction == 'outbound', DestinationPort, 0)
// construct the join key we'll use to find a matching port
| extend JoinKey=strcat_delim(':', RemoteMachine, RemoteIp, RemotePort, Protocol)
// find a matching port
| join kind=leftouter (VMBoundPort 
| where Machine in (remoteMachines) 
| summarize arg_max(TimeGenerated, *) by PortId 
| extend JoinKey=strcat_delim(':', Machine, Ip, Port, Protocol)) on JoinKey
// aggregate the remote information
| summarize Remote=makeset(iff(isempty(RemoteMachine), todynamic('{}'), pack('Machine', RemoteMachine, 'Process', Process1, 'ProcessName', ProcessName1))) by ConnectionId, Direction, Machine, Process, ProcessName, SourceIp, DestinationIp, DestinationPort, Protocol"#,
    ),
];

fn ok(text: &str) -> Script {
    match parse(text) {
        Ok(script) => script,
        Err(err) => panic!("{}\n{text}", err.render(text)),
    }
}

fn err(text: &str) -> QueryError {
    match parse(text) {
        Ok(script) => panic!("parsed but should not: {text}\n{script:?}"),
        Err(err) => err,
    }
}

/// The single query statement of a script.
fn query(text: &str) -> TabularExpr {
    let script = ok(text);
    match script.statements.into_iter().last() {
        Some(Statement::Query(q)) => q,
        other => panic!("not a query: {other:?}"),
    }
}

fn ops(text: &str) -> Vec<OpKind> {
    query(text).ops.into_iter().map(|o| o.kind).collect()
}

/// The expression of `T | where <expr>`.
fn where_expr(expr: &str) -> Expr {
    match ops(&format!("T | where {expr}")).into_iter().next() {
        Some(OpKind::Where(e)) => e,
        other => panic!("{other:?}"),
    }
}

fn literal(expr: &str) -> (Value, Type) {
    match where_expr(expr).kind {
        ExprKind::Literal { value, ty } => (value, ty),
        other => panic!("not a literal: {other:?}"),
    }
}

fn name_of(expr: &Expr) -> &str {
    match &expr.kind {
        ExprKind::Name(i) => &i.name,
        other => panic!("not a name: {other:?}"),
    }
}

#[test]
fn every_documentation_query_parses_verbatim() {
    for (title, text) in DOC_QUERIES {
        let script = match parse(text) {
            Ok(script) => script,
            Err(err) => panic!("{title}:\n{}", err.render(text)),
        };
        assert!(matches!(script.statements.last(), Some(Statement::Query(_))), "{title}");
    }
}

#[test]
fn the_outbound_connections_query_has_its_structure() {
    let (_, text) = DOC_QUERIES[DOC_QUERIES.len() - 1];
    let script = ok(text);
    let names: Vec<String> = script
        .statements
        .iter()
        .filter_map(|s| match s {
            Statement::Let(l) => Some(format!(
                "{}:{}",
                l.name.name,
                match &l.value {
                    LetValue::Scalar(_) => "scalar",
                    LetValue::Tabular(t) if matches!(t.source, Source::Materialize(..)) => "materialize",
                    LetValue::Tabular(_) => "tabular",
                    LetValue::Function(_) => "function",
                }
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        names,
        ["machines:tabular", "ips:materialize", "out:materialize", "local:tabular", "remote:materialize", "remoteMachines:tabular"]
    );
    let Some(Statement::Query(q)) = script.statements.last() else { panic!() };
    assert!(matches!(&q.source, Source::Paren(inner) if matches!(&inner.source, Source::Table(t) if t.name == "local")));
    let kinds: Vec<&str> = q
        .ops
        .iter()
        .map(|o| match &o.kind {
            OpKind::Union(_) => "union",
            OpKind::Where(_) => "where",
            OpKind::Summarize(_) => "summarize",
            OpKind::Extend(_) => "extend",
            OpKind::Join(_) => "join",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["union", "where", "summarize", "extend", "extend", "join", "summarize"]);
    // `RemoteMachine !in (machines)`: `machines` is a tabular let, so a sub-query.
    let OpKind::Where(w) = &q.ops[1].kind else { panic!() };
    let ExprKind::Binary { op: BinaryOp::Or, rhs, .. } = &w.kind else { panic!("{w:?}") };
    let ExprKind::Binary { op: BinaryOp::And, rhs: not_in, .. } = &rhs.kind else { panic!("{rhs:?}") };
    assert!(matches!(&not_in.kind, ExprKind::InList { op: ListOp::NotIn, rhs: InRhs::Tabular(_), .. }), "{not_in:?}");
    // The join's right side carries its own pipes.
    let OpKind::Join(join) = &q.ops[5].kind else { panic!() };
    assert_eq!(join.kind, JoinKind::LeftOuter);
    assert_eq!(join.right.ops.len(), 3);
    assert!(matches!(&join.on[..], [JoinKey::Same(k)] if k.name == "JoinKey"));
    // mvexpand ... to typeof(string)
    let Some(Statement::Let(ips)) = script.statements.get(1) else { panic!() };
    let LetValue::Tabular(t) = &ips.value else { panic!() };
    let Source::Materialize(inner, _) = &t.source else { panic!() };
    let OpKind::MvExpand(mv) = &inner.ops[1].kind else { panic!() };
    assert_eq!(mv.items[0].to_type, Some(Type::String));
    assert_eq!(name_of(&mv.items[0].expr), "ips");
}

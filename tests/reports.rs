//! Every report on a small estate whose expected rows were worked out by hand from the
//! documented queries.

use crate::support::store_from_texts;
use vmi_core::graph::Inventory;
use vmi_core::model::Timestamp;
use vmi_core::reports::{self, REPORTS, ReportParams, ReportTable, RowTarget};
use vmi_core::store::Store;

const COMPUTERS: &str = "\
\"TimeGenerated [UTC]\",Computer,Machine,_ResourceId,\"BootTime [UTC]\",PhysicalMemoryMB,OperatingSystemFullName,DnsNames,Ipv4Addresses,AzureLocation,AzureSize,AzureImageOffering,AzureImageSku,AzureResourceName
\"2026-10-05T08:00:00Z\",web01,m-web,/vm/web01,\"2026-10-01T00:00:00Z\",4096,Ubuntu 22.04,\"[\"\"web01.contoso.com\"\"]\",\"[\"\"10.0.0.10\"\"]\",westeurope,Standard_D2s_v5,ubuntu-server,22_04-lts,web01
\"2026-10-05T09:00:00Z\",web01,m-web,/vm/web01,\"2026-10-01T00:00:00Z\",8192,Ubuntu 22.04,\"[\"\"web01.contoso.com\"\"]\",\"[\"\"10.0.0.11\"\"]\",westeurope,Standard_D4s_v5,ubuntu-server,22_04-lts,web01
\"2026-10-05T08:00:00Z\",db01,m-db,/vm/db01,\"2026-09-25T12:00:00Z\",65536,Windows Server 2022,\"[\"\"db01.contoso.com\"\"]\",\"[\"\"10.0.0.1\"\",\"\"10.0.1.30\"\"]\",northeurope,Standard_E8s_v5,WindowsServer,2022-datacenter,db01
\"2026-10-05T08:00:00Z\",onprem01,m-onprem,/vm/onprem01,,2048,RHEL 9,\"[]\",\"[\"\"192.168.1.5\"\"]\",,,,,
";

const PROCESSES: &str = "\
\"TimeGenerated [UTC]\",Computer,Machine,Process,_ResourceId,ExecutableName,DisplayName,ProductVersion,CommandLine
\"2026-10-05T08:00:00Z\",db01,m-db,p-sql,/vm/db01/p-sql,sqlservr,SQL Server,16.0.1,sqlservr.exe -sMSSQLSERVER
\"2026-10-05T09:00:00Z\",db01,m-db,p-sql,/vm/db01/p-sql,sqlservr,SQL Server,16.0.2,sqlservr.exe -sMSSQLSERVER
\"2026-10-05T08:00:00Z\",web01,m-web,p-java,/vm/web01/p-java,java,Orders API,17.0.9,java -Ddb=MSSQL -jar orders.jar
\"2026-10-05T08:00:00Z\",web01,m-web,p-tool,/vm/web01/p-tool,curl,curl,8.5.0,curl --sql-report
\"2026-10-05T09:00:00Z\",web01,m-web,p-tool,/vm/web01/p-tool,curl,curl,8.6.0,curl --quiet
\"2026-10-05T08:00:00Z\",onprem01,m-onprem,p-c,/vm/onprem01/p-c,Curl,Curl,7.1.0,Curl.exe http://x
";

const PORTS: &str = "\
\"TimeGenerated [UTC]\",Computer,Machine,Process,ProcessName,Ip,Port,Protocol,IsWildcardBind,PortId,BytesSent,BytesReceived,LinksEstablished,LinksTerminated,LinksLive
\"2026-10-05T08:00:00Z\",db01,m-db,p-sql,sqlservr,10.0.0.1,1433,tcp,true,b-1,10,20,1,0,3
\"2026-10-05T08:01:00Z\",db01,m-db,p-sql,sqlservr,10.0.0.1,1433,tcp,true,b-1,5,5,2,1,4
\"2026-10-05T08:00:00Z\",db01,m-db,p-sql,sqlservr,127.0.0.1,1434,tcp,false,b-2,1,1,1,1,1
\"2026-10-05T08:00:00Z\",db01,m-db,p-agent,HealthService,10.0.0.1,5723,tcp,false,b-3,0,0,0,0,0
\"2026-10-05T08:00:00Z\",web01,m-web,p-java,java,10.0.0.10,8443,tcp,false,b-4,0,0,0,0,0
\"2026-10-05T08:00:00Z\",web01,m-web,p-java,java,10.0.0.10,8080,tcp,false,b-5,0,0,0,0,0
\"2026-10-06T08:00:00Z\",web01,m-web,p-java,java,10.0.0.10,9090,tcp,false,b-6,0,0,0,0,0
";

const CONNECTIONS: &str = "\
\"TimeGenerated [UTC]\",Computer,Machine,Process,ProcessName,ConnectionId,Direction,SourceIp,DestinationIp,DestinationPort,Protocol,RemoteIp,BytesSent,BytesReceived
\"2026-10-05T08:00:00Z\",web01,m-web,p-java,java,c-1,outbound,10.0.0.10,10.0.1.30,1433,tcp,10.0.1.30,100,1000
\"2026-10-05T08:01:00Z\",web01,m-web,p-java,java,c-1,outbound,10.0.0.10,10.0.1.30,1433,tcp,10.0.1.30,50,500
\"2026-10-05T08:00:00Z\",db01,m-db,p-sql,sqlservr,c-2,inbound,10.0.0.10,10.0.0.1,1433,tcp,10.0.0.10,1000,100
\"2026-10-05T08:00:00Z\",db01,m-db,p-sql,sqlservr,c-3,inbound,203.0.113.5,10.0.0.1,1433,tcp,203.0.113.5,7,70
\"2026-10-05T08:02:00Z\",web01,m-web,p-java,java,c-4,outbound,10.0.0.10,52.1.1.1,443,tcp,52.1.1.1,30,300
\"2026-10-05T08:03:00Z\",web01,m-web,p-java,java,c-5,outbound,127.0.0.1,127.0.0.1,8080,tcp,127.0.0.1,1,1
";

fn store() -> Store {
    store_from_texts(&[
        ("VMComputer.csv", COMPUTERS),
        ("VMProcess.csv", PROCESSES),
        ("VMBoundPort.csv", PORTS),
        ("VMConnection.csv", CONNECTIONS),
    ])
}

fn run(id: &str, params: &ReportParams) -> ReportTable {
    let store = store();
    reports::run(&store, &Inventory::new(&store), id, params).unwrap_or_else(|e| panic!("{id}: {e}"))
}

fn column(table: &ReportTable, name: &str) -> Vec<String> {
    let Some(i) = table.columns.iter().position(|c| c == name) else {
        panic!("no column {name} in {:?}", table.columns)
    };
    table.rows.iter().map(|r| r.cells[i].clone()).collect()
}

fn text(t: &str) -> ReportParams {
    ReportParams { text: t.into(), ..Default::default() }
}

fn machine(m: &str) -> ReportParams {
    ReportParams { machines: vec![m.into()], ..Default::default() }
}

#[test]
fn machines_keeps_the_latest_record_of_each_resource() {
    let table = run("machines", &ReportParams::default());
    assert_eq!(column(&table, "Computer"), ["db01", "onprem01", "web01"]);
    assert_eq!(column(&table, "Ipv4Addresses")[2], r#"["10.0.0.11"]"#, "web01's 09:00 record");
    assert_eq!(table.rows[0].target, Some(RowTarget::Machine { machine: "m-db".into() }));
}

#[test]
fn last_reboot_sorts_by_boot_time_with_days_since_boot() {
    let params = ReportParams { now: Timestamp::parse("2026-10-06T00:00:00Z"), ..Default::default() };
    let table = run("last-reboot", &params);
    assert_eq!(column(&table, "Computer"), ["onprem01", "db01", "web01"], "null boot time first, then ascending");
    assert_eq!(column(&table, "DaysSinceBoot"), ["", "10.50", "5.00"]);
}

#[test]
fn azure_images_skip_machines_outside_azure() {
    let table = run("azure-images", &ReportParams::default());
    assert_eq!(column(&table, "Computer"), ["db01", "web01"]);
    assert_eq!(column(&table, "AzureImageSku"), ["2022-datacenter", "22_04-lts"]);
}

#[test]
fn memory_and_network_use_the_latest_records() {
    assert_eq!(column(&run("memory", &ReportParams::default()), "PhysicalMemoryMB"), ["65536", "2048", "8192"]);
    let network = run("machine-network", &ReportParams::default());
    assert_eq!(network.columns, ["Computer", "OperatingSystemFullName", "DnsNames", "Ipv4Addresses"]);
    assert_eq!(column(&network, "DnsNames")[0], r#"["db01.contoso.com"]"#);
}

#[test]
fn command_line_search_is_contains_or_contains_cs_before_taking_the_latest() {
    let insensitive = run("processes-cmdline", &text("sql"));
    assert_eq!(column(&insensitive, "Process"), ["p-sql", "p-java", "p-tool"]);
    // p-tool's latest record says --quiet: the matching (older) record is the one shown.
    assert_eq!(column(&insensitive, "CommandLine")[2], "curl --sql-report");
    assert_eq!(column(&insensitive, "ProductVersion")[0], "16.0.2");
    let sensitive = run("processes-cmdline", &ReportParams { case_sensitive: true, ..text("sql") });
    assert_eq!(column(&sensitive, "Process"), ["p-sql", "p-tool"], "MSSQL does not contain_cs sql");
}

#[test]
fn find_machine_by_resource_name_or_by_a_whole_address() {
    assert_eq!(column(&run("find-machine", &text("m-web")), "Computer"), ["web01"]);
    assert_eq!(column(&run("find-ip", &text("10.0.0.1")), "Computer"), ["db01"], "10.0.0.1 is not 10.0.0.10");
    assert_eq!(column(&run("find-ip", &text("10.0.0.10")), "Computer"), ["web01"], "an older record held it");
}

#[test]
fn processes_of_a_machine_by_id_or_name() {
    let by_name = run("machine-processes", &machine("web01"));
    assert_eq!(column(&by_name, "Process"), ["p-java", "p-tool"]);
    assert_eq!(column(&run("machine-processes", &machine("m-web")), "Process"), ["p-java", "p-tool"]);
    let store = store();
    let missing = reports::run(&store, &Inventory::new(&store), "machine-processes", &machine("nope"));
    assert!(missing.is_err());
}

#[test]
fn sql_computers_and_product_versions() {
    assert_eq!(column(&run("sql-computers", &ReportParams::default()), "Computer"), ["db01", "web01"]);
    let curl = run("product-versions", &ReportParams { exe: "curl".into(), ..Default::default() });
    assert_eq!(column(&curl, "ProductVersion"), ["8.5.0", "8.6.0"], "== is case-sensitive: Curl is not curl");
}

#[test]
fn top_transmitters_sum_bytes_sent_per_computer() {
    let table = run("top-transmitters", &ReportParams::default());
    assert_eq!(column(&table, "Computer"), ["db01", "web01", "onprem01"]);
    assert_eq!(column(&table, "BytesSent"), ["1007", "181", "0"]);
    assert_eq!(column(&table, "AzureSize"), ["Standard_E8s_v5", "Standard_D4s_v5", ""]);
    assert!(table.note.as_deref().is_some_and(|n| n.contains("AzureSize")));
}

#[test]
fn port_reports_exclude_loopback_and_respect_the_window() {
    let day_one = ReportParams {
        from: Timestamp::parse("2026-10-05T00:00:00Z"),
        to: Timestamp::parse("2026-10-06T00:00:00Z"),
        ..machine("web01")
    };
    assert_eq!(column(&run("bound-ports", &day_one), "Port"), ["8080", "8443"]);
    assert_eq!(
        column(&run("bound-ports", &machine("db01")), "Port"),
        ["1433", "1434", "5723"],
        "bound-ports keeps 127.0.0.1"
    );
    let open = run("open-ports", &ReportParams::default());
    assert_eq!(column(&open, "Computer"), ["web01", "db01"]);
    assert_eq!(column(&open, "OpenPorts"), ["3", "2"]);
    let scored = run("process-ports", &ReportParams::default());
    assert_eq!(column(&scored, "ProcessName"), ["java", "HealthService", "sqlservr"]);
    assert_eq!(column(&scored, "OpenPorts"), ["3", "1", "1"]);
}

#[test]
fn port_behaviour_sums_and_takes_the_latest_live_links() {
    let table = run("port-behaviour", &ReportParams::default());
    assert_eq!(
        column(&table, "Port"),
        ["9090", "8443", "8080", "5723", "1433"],
        "ordered by Machine, Computer, Port descending"
    );
    let sql = table.rows.iter().find(|r| r.cells[4] == "1433").map(|r| r.cells.clone()).unwrap_or_default();
    assert_eq!(sql[5..], ["true", "15", "25", "3", "1", "4"]);
}

#[test]
fn outbound_summary_resolves_remote_machines_and_processes() {
    let table = run("outbound-summary", &machine("web01"));
    assert_eq!(column(&table, "ConnectionId"), ["c-1", "c-4", "c-5"]);
    let remote = column(&table, "Remote");
    // 10.0.1.30 is db01's second address; sqlservr's bind on 10.0.0.1 is a wildcard one.
    assert_eq!(remote[0], r#"{"Machine":"m-db","Process":"p-sql","ProcessName":"sqlservr"}"#);
    assert_eq!(remote[1], "{}", "an unmonitored address");
    // 127.0.0.1 is web01 itself; java listens on 8080 at 10.0.0.10 only, so no process serves it.
    assert_eq!(remote[2], r#"{"Machine":"m-web","Process":"","ProcessName":""}"#, "localhost");
    let db = run("outbound-summary", &machine("db01"));
    // c-2 comes from web01, a monitored machine outside the group: kept, with no port to resolve.
    assert_eq!(column(&db, "ConnectionId"), ["c-2", "c-3"]);
    assert_eq!(column(&db, "Remote"), [r#"{"Machine":"m-web","Process":"","ProcessName":""}"#, "{}"]);
    let both = ReportParams { machines: vec!["web01".into(), "db01".into()], ..Default::default() };
    assert_eq!(
        column(&run("outbound-summary", &both), "ConnectionId"),
        ["c-1", "c-3", "c-4", "c-5"],
        "inbound from inside the group goes"
    );
}

#[test]
fn every_report_runs_and_csv_round_trips() {
    let store = store();
    let inventory = Inventory::new(&store);
    for report in REPORTS {
        let params = ReportParams { text: "sql".into(), exe: "curl".into(), ..machine("web01") };
        let table =
            reports::run(&store, &inventory, report.id, &params).unwrap_or_else(|e| panic!("{}: {e}", report.id));
        let csv_text = table.to_csv();
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        let header: Vec<String> = reader.headers().map(|h| h.iter().map(String::from).collect()).unwrap_or_default();
        assert_eq!(header, table.columns, "{}", report.id);
        let rows: Vec<Vec<String>> =
            reader.records().map(|r| r.map(|r| r.iter().map(String::from).collect()).unwrap_or_default()).collect();
        let expected: Vec<Vec<String>> = table.rows.iter().map(|r| r.cells.clone()).collect();
        assert_eq!(rows, expected, "{}", report.id);
    }
}

#[test]
fn csv_cells_that_spreadsheets_would_run_are_defused() {
    let mut table = ReportTable::new(&["Name"]);
    for cell in ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "plain"] {
        table.push(vec![cell.to_string()], None);
    }
    let csv_text = table.to_csv();
    let cells: Vec<String> = csv::Reader::from_reader(csv_text.as_bytes())
        .records()
        .map(|r| r.map(|r| r[0].to_string()).unwrap_or_default())
        .collect();
    assert_eq!(cells, ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "plain"]);
}

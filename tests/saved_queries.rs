//! The saved queries (the documentation's queries, verbatim or schema-corrected) run by the
//! KQL engine on a small estate whose expected rows were worked out by hand with Kusto's
//! semantics.

use crate::support::store_from_texts;
use std::collections::BTreeMap;
use vmi_core::kql::library::{SAVED_QUERIES, saved};
use vmi_core::kql::{ErrorKind, QueryOptions, ResultTable};
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

/// Runs a saved query with its parameters (`now()` is the latest record: 2026-10-06T08:00Z).
fn try_run(id: &str, params: &[(&str, &str)]) -> Result<ResultTable, vmi_core::kql::QueryError> {
    let query = saved(id).unwrap_or_else(|| panic!("no saved query {id}"));
    let values: BTreeMap<String, String> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let text = vmi_core::kql::params::substitute(query.text, &values, None)?;
    let output = vmi_core::kql::run(&store(), &text, &QueryOptions::default())?;
    Ok(output.tables.last().cloned().unwrap_or_default())
}

fn run(id: &str, params: &[(&str, &str)]) -> ResultTable {
    try_run(id, params).unwrap_or_else(|e| panic!("{id}: {}", e.message))
}

fn column(table: &ResultTable, name: &str) -> Vec<String> {
    let Some(c) = table.column_index(name) else { panic!("no column {name} in {:?}", table.column_names()) };
    (0..table.rows()).map(|row| table.display(row, c)).collect()
}

/// A column's values in order of their text (for queries whose row order Kusto leaves open).
fn sorted(table: &ResultTable, name: &str) -> Vec<String> {
    let mut values = column(table, name);
    values.sort();
    values
}

#[test]
fn machines_keep_the_latest_record_of_each_resource() {
    let table = run("machines", &[]);
    assert_eq!(sorted(&table, "Computer"), ["db01", "onprem01", "web01"]);
    let web = column(&table, "Computer").iter().position(|c| c == "web01").unwrap();
    assert_eq!(column(&table, "Ipv4Addresses")[web], r#"["10.0.0.11"]"#, "web01's 09:00 record");
    assert_eq!(sorted(&run("memory", &[]), "PhysicalMemoryMB"), ["2048", "65536", "8192"]);
    let network = run("machine-network", &[]);
    assert_eq!(network.column_names(), ["Computer", "OperatingSystemFullName", "DnsNames", "Ipv4Addresses"]);
}

#[test]
fn last_reboot_measures_from_the_latest_record_and_sorts_nulls_first() {
    let table = run("last-reboot", &[]);
    assert_eq!(column(&table, "Computer"), ["onprem01", "db01", "web01"], "null boot time first, then ascending");
    // now() is the latest TimeGenerated loaded (2026-10-06T08:00Z): the answer does not change daily.
    assert_eq!(column(&table, "DaysSinceBoot"), ["", "10.20:00:00", "5.08:00:00"]);
}

#[test]
fn azure_images_skip_machines_outside_azure() {
    let table = run("azure-images", &[]);
    assert_eq!(sorted(&table, "Computer"), ["db01", "web01"]);
    assert_eq!(sorted(&table, "AzureImageSku"), ["2022-datacenter", "22_04-lts"]);
}

#[test]
fn command_lines_are_filtered_before_the_latest_record_is_taken() {
    let any_case = run("processes-cmdline", &[("Text", "sql")]);
    assert_eq!(sorted(&any_case, "Process"), ["p-java", "p-sql", "p-tool"]);
    let tool = column(&any_case, "Process").iter().position(|p| p == "p-tool").unwrap();
    assert_eq!(column(&any_case, "CommandLine")[tool], "curl --sql-report", "the latest record that matched");
    let case_sensitive = run("processes-sql", &[]);
    assert_eq!(sorted(&case_sensitive, "Process"), ["p-sql", "p-tool"], "MSSQL does not contains_cs sql");
}

#[test]
fn search_finds_whole_terms_and_kusto_wildcards() {
    assert_eq!(column(&run("find-machine", &[("Text", "m-web")]), "Computer"), ["web01"]);
    assert_eq!(column(&run("find-ip", &[("Text", "10.0.0.1")]), "Computer"), ["db01"], "10.0.0.1 is not 10.0.0.10");
    assert_eq!(column(&run("find-ip", &[("Text", "10.0.0.10")]), "Computer"), ["web01"], "an older record held it");
    // `*` is Kusto's wildcard: "*prem*" contains, "web*" prefix, "*01" suffix; a bare "prem" is a whole term.
    assert_eq!(column(&run("find-machine", &[("Text", "*prem*")]), "Computer"), ["onprem01"]);
    assert_eq!(sorted(&run("find-machine", &[("Text", "web*")]), "Computer"), ["web01"]);
    assert_eq!(sorted(&run("find-machine", &[("Text", "*01")]), "Computer"), ["db01", "onprem01", "web01"]);
    assert_eq!(run("find-machine", &[("Text", "prem")]).rows(), 0);
}

#[test]
fn processes_of_a_machine_and_machines_running_sql() {
    assert_eq!(sorted(&run("machine-processes", &[("Machine", "m-web")]), "Process"), ["p-java", "p-tool"]);
    assert_eq!(sorted(&run("sql-computers", &[]), "Computer"), ["db01", "web01"]);
    // The page's own query compares AzureResourceName with machine ids: nothing here matches.
    assert_eq!(run("sql-computers-documented", &[]).rows(), 0);
    assert_eq!(sorted(&run("product-versions", &[("Exe", "curl")]), "ProductVersion"), ["8.5.0", "8.6.0"]);
}

#[test]
fn top_transmitters_corrected_and_as_documented() {
    let table = run("top-transmitters", &[]);
    assert_eq!(column(&table, "Computer"), ["db01", "web01", "onprem01"]);
    assert_eq!(column(&table, "BytesSent"), ["1007", "181", "0"]);
    assert_eq!(column(&table, "AzureSize"), ["Standard_E8s_v5", "Standard_D4s_v5", ""]);
    let Err(error) = try_run("top-transmitters-documented", &[]) else { panic!("AzureVMSize is not a column") };
    assert_eq!(error.kind, ErrorKind::Name);
    assert!(error.message.contains("AzureVMSize"), "{}", error.message);
}

#[test]
fn port_queries_exclude_loopback_where_the_page_does() {
    assert_eq!(sorted(&run("bound-ports", &[("Machine", "web01")]), "Port"), ["8080", "8443", "9090"]);
    assert_eq!(sorted(&run("bound-ports", &[("Machine", "m-db")]), "Port"), ["1433", "1434", "5723"]);
    let open = run("open-ports", &[]);
    assert_eq!(column(&open, "Computer"), ["web01", "db01"]);
    assert_eq!(column(&open, "OpenPorts"), ["3", "2"]);
    let scored = run("process-ports", &[]);
    assert_eq!(column(&scored, "ProcessName")[0], "java");
    assert_eq!(column(&scored, "OpenPorts"), ["3", "1", "1"]);
}

#[test]
fn port_behaviour_sums_and_takes_the_latest_live_links() {
    let table = run("port-behaviour", &[]);
    assert_eq!(column(&table, "Port"), ["9090", "8443", "8080", "5723", "1433"], "Machine, Computer, Port descending");
    assert!(table.column_index("TimeGenerated").is_none(), "project-away");
    let sql = column(&table, "Port").iter().position(|p| p == "1433").unwrap();
    let cells: Vec<String> =
        ["IsWildcardBind", "BytesSent", "BytesReceived", "LinksEstablished", "LinksTerminated", "LinksLive"]
            .iter()
            .map(|name| column(&table, name)[sql].clone())
            .collect();
    assert_eq!(cells, ["true", "15", "25", "3", "1", "4"]);
}

#[test]
fn outbound_summary_gives_a_set_of_remote_processes_per_connection() {
    let table = run("outbound-summary", &[("Machines", "\"m-web\"")]);
    assert_eq!(sorted(&table, "ConnectionId"), ["c-1", "c-4", "c-5"]);
    let remote_of = |id: &str| {
        let row = column(&table, "ConnectionId").iter().position(|c| c == id).unwrap();
        column(&table, "Remote")[row].clone()
    };
    // 10.0.1.30 is db01's second address; the page's join key needs the bound port's own
    // address, and sqlservr is bound on 10.0.0.1: the remote machine is known, not the process.
    assert_eq!(remote_of("c-1"), r#"[{"Machine":"m-db","Process":"","ProcessName":""}]"#);
    assert_eq!(remote_of("c-4"), "[{}]", "an unmonitored address");
    assert_eq!(remote_of("c-5"), r#"[{"Machine":"m-web","Process":"","ProcessName":""}]"#, "localhost");
    let db = run("outbound-summary", &[("Machines", "\"m-db\"")]);
    // c-2 comes from web01, a monitored machine outside the group: kept.
    assert_eq!(sorted(&db, "ConnectionId"), ["c-2", "c-3"]);
    let both = run("outbound-summary", &[("Machines", "\"m-web\", \"m-db\"")]);
    assert_eq!(sorted(&both, "ConnectionId"), ["c-1", "c-3", "c-4", "c-5"], "inbound from inside the group goes");
}

#[test]
fn every_saved_query_runs_or_fails_only_where_the_page_is_wrong() {
    let params = [("Text", "sql"), ("Exe", "curl"), ("Machine", "m-web"), ("Machines", "\"m-web\"")];
    for query in SAVED_QUERIES {
        match try_run(query.id, &params) {
            Ok(table) => {
                let csv = vmi_core::kql::format::to_csv(&table);
                let mut reader = csv::Reader::from_reader(csv.as_bytes());
                let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
                assert_eq!(header, table.column_names(), "{}", query.id);
                assert_eq!(reader.records().count(), table.rows(), "{}: CSV rows", query.id);
            }
            Err(error) => {
                assert_eq!(query.id, "top-transmitters-documented", "{}: {}", query.id, error.message);
                assert!(query.note.contains("fails"), "its note says it fails");
            }
        }
    }
}

#[test]
fn csv_cells_that_spreadsheets_would_run_are_defused() {
    let query = r#"datatable(Name: string) ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "plain", "-3.5"]"#;
    let output = vmi_core::kql::run(&Store::default(), query, &QueryOptions::default()).unwrap();
    let csv = vmi_core::kql::format::to_csv(&output.tables[0]);
    let cells: Vec<String> =
        csv::Reader::from_reader(csv.as_bytes()).records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(cells, ["'=HYPERLINK(\"x\")", "+1", "-2", "'@SUM(A1)", "plain", "-3.5"], "numbers stay numbers");
}

/// Every query saved as "Verbatim" is on the documentation page word for word.
#[test]
fn verbatim_queries_are_the_pages_own() {
    let page = crate::support::repo_root().join("../shared/seed/000_a8a9a1990d350c0a.txt");
    let Ok(page) = std::fs::read_to_string(&page) else {
        println!("skipped: ../shared/seed is not beside this checkout");
        return;
    };
    let verbatim: Vec<_> = SAVED_QUERIES.iter().filter(|q| q.note.starts_with("Verbatim")).collect();
    assert_eq!(verbatim.len(), 20, "the page's twenty queries are saved verbatim");
    for query in verbatim {
        assert!(page.contains(query.text), "{} is not on the page as saved", query.id);
    }
}

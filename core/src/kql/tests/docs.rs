//! The documentation page's sample queries ("Query map data from VM Insights"), run verbatim
//! on a small hand-made estate; every expected value below is worked out by hand from the
//! CSV rows (not by the engine). Where the page is wrong about the schema (`AzureVMSize`),
//! the verbatim query must fail with a "did you mean" and the corrected copy is run.

use super::{query, store, texts};
use crate::kql::{ChartKind, ErrorKind, QueryOptions, ResultTable, run};
use crate::store::Store;

const A: &str = "m-82412a7a-6a32-45a9-a8d6-538354224a25";
const B: &str = "m-4b9c93f9-bc37-46df-b43c-899ba829e07b";
const C: &str = "m-559dbcd8-3130-454d-8d1d-f624e57961bc";
const D: &str = "m-dddddddd-0000-4000-8000-000000000004";

pub fn estate() -> Store {
    let computers = format!(
        "TimeGenerated,Computer,Machine,_ResourceId,AzureResourceName,AzureLocation,AzureImageOffering,AzureImageSku,AzureSize,BootTime,PhysicalMemoryMB,OperatingSystemFullName,DnsNames,Ipv4Addresses\n\
2026-10-05T08:00:00Z,web01,{A},/r/web01,{A},westeurope,ubuntu,22_04,Standard_D4s_v5,2026-10-01T00:00:00Z,16384,Ubuntu 22.04,\"[\"\"web01.contoso.com\"\"]\",\"[\"\"10.0.0.10\"\"]\"\n\
2026-10-05T09:00:00Z,web01,{A},/r/web01,{A},westeurope,ubuntu,22_04,Standard_D4s_v5,2026-10-01T00:00:00Z,32768,Ubuntu 22.04,\"[\"\"web01.contoso.com\"\"]\",\"[\"\"10.0.0.10\"\"]\"\n\
2026-10-05T08:30:00Z,db01,{B},/r/db01,{B},westeurope,WindowsServer,2022,Standard_E8s_v5,2026-09-20T06:00:00Z,65536,Windows Server 2022,\"[\"\"db01.contoso.com\"\"]\",\"[\"\"10.229.243.232\"\",\"\"10.0.0.30\"\"]\"\n\
2026-10-05T08:15:00Z,acme-demo,{C},/r/acme,{C},,,,,2026-10-04T12:00:00Z,8192,CentOS 7,\"[\"\"acme-demo\"\"]\",\"[\"\"192.168.1.5\"\"]\"\n"
    );
    let processes = format!(
        "TimeGenerated,Computer,Machine,Process,_ResourceId,ExecutableName,CommandLine,ProductVersion\n\
2026-10-05T08:00:00Z,web01,{A},p-a1,/r/web01/p-a1,nginx,nginx -g daemon,1.24.0\n\
2026-10-05T09:00:00Z,web01,{A},p-a1,/r/web01/p-a1,nginx,nginx -g daemon off,1.24.0\n\
2026-10-05T08:10:00Z,web01,{A},p-a2,/r/web01/p-a2,curl,curl https://x,7.81.0\n\
2026-10-05T08:30:00Z,db01,{B},p-b1,/r/db01/p-b1,sqlservr,C:\\mssql\\sqlservr.exe -sMSSQLSERVER,16.0\n\
2026-10-05T08:20:00Z,acme-demo,{C},p-c1,/r/acme/p-c1,curl,curl -s http://a,7.61.1\n\
2026-10-05T08:25:00Z,acme-demo,{C},p-c2,/r/acme/p-c2,java,java -Dmode=SQL -jar app.jar,17\n"
    );
    let connections = format!(
        "TimeGenerated,Computer,Machine,Process,ProcessName,ConnectionId,Direction,SourceIp,DestinationIp,DestinationPort,Protocol,RemoteIp,BytesSent,BytesReceived,LinksEstablished,LinksLive,LinksFailed,LinksTerminated\n\
2026-10-05T08:00:00Z,web01,{A},p-a1,nginx,c1,outbound,10.0.0.10,10.229.243.232,1433,tcp,10.229.243.232,100,1000,1,1,0,0\n\
2026-10-05T08:01:00Z,web01,{A},p-a1,nginx,c1,outbound,10.0.0.10,10.229.243.232,1433,tcp,10.229.243.232,50,500,0,1,1,0\n\
2026-10-05T08:02:00Z,web01,{A},p-a2,curl,c2,outbound,10.0.0.10,52.1.1.1,443,tcp,52.1.1.1,10,20,1,0,0,1\n\
2026-10-05T08:03:00Z,web01,{A},p-a1,nginx,c3,outbound,10.0.0.10,127.0.0.1,8080,tcp,127.0.0.1,5,5,1,1,0,0\n\
2026-10-05T08:30:00Z,db01,{B},p-b1,sqlservr,c4,inbound,10.0.0.10,10.229.243.232,1433,tcp,10.0.0.10,1000,100,1,1,0,0\n\
2026-10-05T08:40:00Z,acme-demo,{C},p-c1,curl,c5,outbound,192.168.1.5,10.0.0.10,443,tcp,10.0.0.10,7,70,1,0,2,1\n\
2026-10-05T09:00:00Z,acme-demo,{C},p-c1,curl,c5,outbound,192.168.1.5,10.0.0.10,443,tcp,10.0.0.10,3,30,0,0,1,0\n\
2026-10-05T08:50:00Z,web01,{A},p-a1,nginx,c6,inbound,192.168.1.5,10.0.0.10,443,tcp,192.168.1.5,70,7,1,0,0,0\n"
    );
    let ports = format!(
        "TimeGenerated,Computer,Machine,Process,ProcessName,Ip,Port,Protocol,IsWildcardBind,PortId,BytesSent,BytesReceived,LinksEstablished,LinksLive,LinksTerminated\n\
2026-10-05T08:00:00Z,web01,{A},p-a1,nginx,10.0.0.10,443,tcp,false,pt-a443,10,1,1,2,0\n\
2026-10-05T08:30:00Z,web01,{A},p-a1,nginx,10.0.0.10,443,tcp,false,pt-a443,20,2,1,3,1\n\
2026-10-05T08:00:00Z,web01,{A},p-a1,nginx,127.0.0.1,8080,tcp,false,pt-a8080,5,5,1,1,0\n\
2026-10-05T08:30:00Z,db01,{B},p-b1,sqlservr,10.229.243.232,1433,tcp,true,pt-b1433,100,1000,2,1,1\n\
2026-10-05T08:45:00Z,acme-demo,{C},p-c2,java,192.168.1.5,8443,tcp,false,pt-c8443,0,0,0,0,0\n\
2026-10-05T09:10:00Z,acme-demo,{C},p-c2,java,192.168.1.5,9000,tcp,false,pt-c9000,1,1,1,1,0\n\
2026-10-05T08:20:00Z,admdemo-appsvr,{D},p-d1,httpd,10.1.1.1,80,tcp,false,pt-d80,1,1,1,1,0\n\
2026-10-05T08:21:00Z,admdemo-appsvr,{D},p-d1,httpd,10.1.1.1,80,tcp,false,pt-d80,2,2,0,5,1\n\
2026-10-05T08:22:00Z,admdemo-appsvr,{D},p-d2,sshd,0.0.0.0,22,tcp,false,pt-d22,0,0,0,0,0\n"
    );
    store(&[
        ("VMComputer.csv", &computers),
        ("VMProcess.csv", &processes),
        ("VMConnection.csv", &connections),
        ("VMBoundPort.csv", &ports),
    ])
}

/// The named columns of a result, rows sorted (the page's queries leave row order open
/// unless they sort).
fn picked(t: &ResultTable, columns: &[&str]) -> Vec<Vec<String>> {
    let idx: Vec<usize> = columns
        .iter()
        .map(|c| t.column_index(c).unwrap_or_else(|| panic!("no column {c} in {:?}", t.column_names())))
        .collect();
    let mut rows: Vec<Vec<String>> = (0..t.rows()).map(|r| idx.iter().map(|&i| t.display(r, i)).collect()).collect();
    rows.sort();
    rows
}

fn rows(expected: &[&[&str]]) -> Vec<Vec<String>> {
    let mut v: Vec<Vec<String>> = expected.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect();
    v.sort();
    v
}

#[test]
fn list_all_known_machines_takes_the_latest_record_per_resource() {
    let s = estate();
    let t = query(&s, "VMComputer | summarize arg_max(TimeGenerated, *) by _ResourceId");
    assert_eq!(t.column_names()[..3], ["_ResourceId", "TimeGenerated", "Computer"]);
    assert_eq!(
        picked(&t, &["_ResourceId", "TimeGenerated", "PhysicalMemoryMB", "Computer"]),
        rows(&[
            &["/r/acme", "2026-10-05T08:15:00Z", "8192", "acme-demo"],
            &["/r/db01", "2026-10-05T08:30:00Z", "65536", "db01"],
            &["/r/web01", "2026-10-05T09:00:00Z", "32768", "web01"],
        ])
    );
    let t = query(
        &s,
        "VMComputer | summarize arg_max(TimeGenerated, *) by _ResourceId | project PhysicalMemoryMB, Computer",
    );
    assert_eq!(t.column_names(), ["PhysicalMemoryMB", "Computer"]);
    assert_eq!(
        picked(&t, &["Computer", "PhysicalMemoryMB"]),
        rows(&[&["acme-demo", "8192"], &["db01", "65536"], &["web01", "32768"]])
    );
    let t = query(
        &s,
        "VMComputer | summarize arg_max(TimeGenerated, *) by _ResourceId | project Computer, OperatingSystemFullName, DnsNames, Ipv4Addresses",
    );
    assert_eq!(
        picked(&t, &["Computer", "OperatingSystemFullName", "DnsNames", "Ipv4Addresses"]),
        rows(&[
            &["acme-demo", "CentOS 7", r#"["acme-demo"]"#, r#"["192.168.1.5"]"#],
            &["db01", "Windows Server 2022", r#"["db01.contoso.com"]"#, r#"["10.229.243.232","10.0.0.30"]"#],
            &["web01", "Ubuntu 22.04", r#"["web01.contoso.com"]"#, r#"["10.0.0.10"]"#],
        ])
    );
}

#[test]
fn last_reboot_measures_from_the_latest_record() {
    let s = estate();
    // The latest record is the 09:10 bound port: now() = 2026-10-05T09:10:00Z.
    let q = "let Today = now(); VMComputer | extend DaysSinceBoot = Today - BootTime | summarize by Computer, DaysSinceBoot, BootTime | sort by BootTime asc";
    let (header, body) = texts(&query(&s, q));
    assert_eq!(header, ["Computer", "DaysSinceBoot", "BootTime"]);
    assert_eq!(
        body,
        [
            ["db01", "15.03:10:00", "2026-09-20T06:00:00Z"],
            ["web01", "4.09:10:00", "2026-10-01T00:00:00Z"],
            ["acme-demo", "21:10:00", "2026-10-04T12:00:00Z"],
        ]
    );
}

#[test]
fn azure_vms_by_image_location_and_sku() {
    let s = estate();
    let t = query(
        &s,
        r#"VMComputer | where AzureLocation != "" | summarize by Computer, AzureImageOffering, AzureLocation, AzureImageSku"#,
    );
    assert_eq!(t.column_names(), ["Computer", "AzureImageOffering", "AzureLocation", "AzureImageSku"]);
    assert_eq!(
        picked(&t, &["Computer", "AzureImageOffering", "AzureLocation", "AzureImageSku"]),
        rows(&[&["db01", "WindowsServer", "westeurope", "2022"], &["web01", "ubuntu", "westeurope", "22_04"]])
    );
}

#[test]
fn processes_with_sql_in_the_command_line_case_sensitively() {
    let s = estate();
    let t = query(
        &s,
        r#"VMProcess | where CommandLine contains_cs "sql" | summarize arg_max(TimeGenerated, *) by _ResourceId"#,
    );
    assert_eq!(picked(&t, &["_ResourceId", "ExecutableName"]), rows(&[&["/r/db01/p-b1", "sqlservr"]]));
}

#[test]
fn find_a_machine_by_resource_name_or_ip() {
    let s = estate();
    for q in [
        r#"search in (VMComputer) "m-4b9c93f9-bc37-46df-b43c-899ba829e07b" | summarize arg_max(TimeGenerated, *) by _ResourceId"#,
        r#"search in (VMComputer) "10.229.243.232" | summarize arg_max(TimeGenerated, *) by _ResourceId"#,
    ] {
        let t = query(&s, q);
        assert_eq!(
            picked(&t, &["_ResourceId", "Computer", "$table"]),
            rows(&[&["/r/db01", "db01", "VMComputer"]]),
            "{q}"
        );
    }
}

#[test]
fn processes_of_one_machine_and_machines_running_sql() {
    let s = estate();
    let t = query(
        &s,
        r#"VMProcess | where Machine == "m-559dbcd8-3130-454d-8d1d-f624e57961bc" | summarize arg_max(TimeGenerated, *) by _ResourceId"#,
    );
    assert_eq!(
        picked(&t, &["_ResourceId", "ExecutableName"]),
        rows(&[&["/r/acme/p-c1", "curl"], &["/r/acme/p-c2", "java"]])
    );
    // search "*sql*" is case-insensitive: the java command line's "SQL" counts.
    let t = query(
        &s,
        r#"VMComputer | where AzureResourceName in ((search in (VMProcess) "*sql*" | distinct Machine)) | distinct Computer"#,
    );
    assert_eq!(picked(&t, &["Computer"]), rows(&[&["acme-demo"], &["db01"]]));
    let t = query(&s, r#"VMProcess | where ExecutableName == "curl" | distinct ProductVersion"#);
    assert_eq!(picked(&t, &["ProductVersion"]), rows(&[&["7.61.1"], &["7.81.0"]]));
}

#[test]
fn bytes_sent_and_received_trends() {
    let s = estate();
    let q = "VMConnection | summarize sum(BytesSent), sum(BytesReceived) by bin(TimeGenerated,1hr), Computer | order by Computer desc | render timechart";
    let out = run(&s, q, &QueryOptions::default()).unwrap();
    let t = &out.tables[0];
    assert_eq!(t.column_names(), ["TimeGenerated", "Computer", "sum_BytesSent", "sum_BytesReceived"]);
    assert_eq!(
        texts(t).1,
        [
            ["2026-10-05T08:00:00Z", "web01", "235", "1532"],
            ["2026-10-05T08:00:00Z", "db01", "1000", "100"],
            ["2026-10-05T08:00:00Z", "acme-demo", "7", "70"],
            ["2026-10-05T09:00:00Z", "acme-demo", "3", "30"],
        ]
    );
    assert_eq!(out.chart.map(|c| c.kind), Some(ChartKind::TimeChart));
}

#[test]
fn azure_vms_transmitting_the_most_bytes() {
    let s = estate();
    // Verbatim, the page names a column the schema does not have.
    let verbatim = "VMConnection | join kind=fullouter(VMComputer) on $left.Computer == $right.Computer | summarize count(BytesSent) by Computer, AzureVMSize | sort by count_BytesSent desc";
    let err = run(&s, verbatim, &QueryOptions::default()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Name);
    assert!(err.message.contains("did you mean `AzureSize`"), "{}", err.message);
    // Schema-corrected: web01's 5 connection rows meet its 2 inventory records.
    let corrected = verbatim.replace("AzureVMSize", "AzureSize");
    let (header, body) = texts(&query(&s, &corrected));
    assert_eq!(header, ["Computer", "AzureSize", "count_BytesSent"]);
    assert_eq!(body, [["web01", "Standard_D4s_v5", "10"], ["acme-demo", "", "2"], ["db01", "Standard_E8s_v5", "1"]]);
}

#[test]
fn link_status_and_connection_failure_trends() {
    let s = estate();
    let q = r#"VMConnection | where TimeGenerated >= ago(24hr) | where Computer == "acme-demo" | summarize dcount(LinksEstablished), dcount(LinksLive), dcount(LinksFailed), dcount(LinksTerminated) by bin(TimeGenerated, 1h) | render timechart"#;
    let t = query(&s, q);
    assert_eq!(
        t.column_names(),
        [
            "TimeGenerated",
            "dcount_LinksEstablished",
            "dcount_LinksLive",
            "dcount_LinksFailed",
            "dcount_LinksTerminated"
        ]
    );
    assert_eq!(
        picked(&t, &["TimeGenerated", "dcount_LinksEstablished", "dcount_LinksFailed"]),
        rows(&[&["2026-10-05T08:00:00Z", "1", "1"], &["2026-10-05T09:00:00Z", "1", "1"]])
    );
    let q = r#"VMConnection | where Computer == "acme-demo" | extend bythehour = datetime_part("hour", TimeGenerated) | project bythehour, LinksFailed | summarize failCount = count() by bythehour | sort by bythehour asc | render timechart"#;
    let (header, body) = texts(&query(&s, q));
    assert_eq!(header, ["bythehour", "failCount"]);
    assert_eq!(body, [["8", "1"], ["9", "1"]]);
}

#[test]
fn bound_ports_and_open_port_counts() {
    let s = estate();
    let t = query(
        &s,
        "VMBoundPort\n| where TimeGenerated >= ago(24hr)\n| where Computer == 'admdemo-appsvr'\n| distinct Port, ProcessName",
    );
    assert_eq!(t.column_names(), ["Port", "ProcessName"]);
    assert_eq!(picked(&t, &["Port", "ProcessName"]), rows(&[&["22", "sshd"], &["80", "httpd"]]));
    let q = "VMBoundPort\n| where Ip != \"127.0.0.1\"\n| summarize by Computer, Machine, Port, Protocol\n| summarize OpenPorts=count() by Computer, Machine\n| order by OpenPorts desc";
    let t = query(&s, q);
    assert_eq!(t.column_names(), ["Computer", "Machine", "OpenPorts"]);
    assert_eq!(
        picked(&t, &["Computer", "OpenPorts"]),
        rows(&[&["acme-demo", "2"], &["admdemo-appsvr", "2"], &["db01", "1"], &["web01", "1"]])
    );
    assert_eq!(texts(&t).1[0][2], "2", "sorted by OpenPorts, largest first");
    let q = "VMBoundPort\n| where Ip != \"127.0.0.1\"\n| summarize by ProcessName, Port, Protocol\n| summarize OpenPorts=count() by ProcessName\n| order by OpenPorts desc";
    let (header, body) = texts(&query(&s, q));
    assert_eq!(header, ["ProcessName", "OpenPorts"]);
    assert_eq!(body[0], ["java", "2"]);
    assert_eq!(body.len(), 5);
}

#[test]
fn aggregate_behavior_for_each_port() {
    let s = estate();
    let q = "VMBoundPort\n| where Ip != \"127.0.0.1\"\n| summarize BytesSent=sum(BytesSent), BytesReceived=sum(BytesReceived), LinksEstablished=sum(LinksEstablished), LinksTerminated=sum(LinksTerminated), arg_max(TimeGenerated, LinksLive) by Machine, Computer, ProcessName, Ip, Port, IsWildcardBind\n| project-away TimeGenerated\n| order by Machine, Computer, Port, Ip, ProcessName";
    let (header, body) = texts(&query(&s, q));
    assert_eq!(
        header,
        [
            "Machine",
            "Computer",
            "ProcessName",
            "Ip",
            "Port",
            "IsWildcardBind",
            "BytesSent",
            "BytesReceived",
            "LinksEstablished",
            "LinksTerminated",
            "LinksLive"
        ]
    );
    assert_eq!(
        body,
        [
            [D, "admdemo-appsvr", "httpd", "10.1.1.1", "80", "false", "3", "3", "1", "1", "5"],
            [D, "admdemo-appsvr", "sshd", "0.0.0.0", "22", "false", "0", "0", "0", "0", "0"],
            [A, "web01", "nginx", "10.0.0.10", "443", "false", "30", "3", "2", "1", "3"],
            [C, "acme-demo", "java", "192.168.1.5", "9000", "false", "1", "1", "1", "0", "1"],
            [C, "acme-demo", "java", "192.168.1.5", "8443", "false", "0", "0", "0", "0", "0"],
            [B, "db01", "sqlservr", "10.229.243.232", "1433", "true", "100", "1000", "2", "1", "1"],
        ]
    );
}

/// The page's "outbound connections of a group of machines", verbatim (the saved query's).
pub fn outbound() -> &'static str {
    crate::kql::library::saved("outbound-summary-documented").map_or("", |q| q.text)
}

#[test]
fn outbound_connections_of_a_group_of_machines() {
    let s = estate();
    let t = query(&s, outbound());
    assert_eq!(
        t.column_names(),
        [
            "ConnectionId",
            "Direction",
            "Machine",
            "Process",
            "ProcessName",
            "SourceIp",
            "DestinationIp",
            "DestinationPort",
            "Protocol",
            "Remote"
        ]
    );
    // c1 reaches db01's SQL port (resolved by the bound port); c2 an unmonitored address;
    // c3 localhost (A is not among the remote machines, so its port is not looked up); c6
    // comes in from acme-demo, a monitored machine outside the group.
    let remote = |machine: &str, process: &str, name: &str| {
        format!(r#"[{{"Machine":"{machine}","Process":"{process}","ProcessName":"{name}"}}]"#)
    };
    assert_eq!(
        picked(&t, &["ConnectionId", "Direction", "Process", "DestinationPort", "Remote"]),
        rows(&[
            &["c1", "outbound", "p-a1", "1433", &remote(B, "p-b1", "sqlservr")],
            &["c2", "outbound", "p-a2", "443", "[{}]"],
            &["c3", "outbound", "p-a1", "8080", &remote(A, "", "")],
            &["c6", "inbound", "p-a1", "443", &remote(C, "", "")],
        ])
    );
}

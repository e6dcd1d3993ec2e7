//! Saved queries: every query of the documentation page ("Query map data from VM Insights"),
//! verbatim, with its title; where the page is wrong about the schema, a corrected copy beside
//! it that says what it corrects. The app offers them in the query console and the
//! `report` command runs them by id (with workbook-style parameters such as `{Machine}`).

/// One saved query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SavedQuery {
    /// Short id for the command line (`vmi-map report ID`).
    pub id: &'static str,
    /// The documentation's title.
    pub title: &'static str,
    pub text: &'static str,
    /// What it answers, and what was corrected when it is not verbatim.
    pub note: &'static str,
}

impl SavedQuery {
    /// The workbook parameters the query takes (`{Machine}` -> `Machine`).
    pub fn params(&self) -> Vec<String> {
        super::params::names(self.text)
    }
}

/// The saved queries, in the documentation's order (corrected copies follow their original).
pub const SAVED_QUERIES: &[SavedQuery] = &[
    SavedQuery {
        id: "machines",
        title: "List all known machines",
        text: "VMComputer | summarize arg_max(TimeGenerated, *) by _ResourceId",
        note: "Verbatim. The latest record of every machine.",
    },
    SavedQuery {
        id: "latest-by-resource",
        title: "Most recent record of each computer (the page's pattern, corrected)",
        text: "VMComputer\n| summarize arg_max(TimeGenerated, *) by _ResourceId",
        note: "Schema-corrected: the page writes `by ResourceId`; the column is `_ResourceId`.",
    },
    SavedQuery {
        id: "last-reboot",
        title: "When was the VM last rebooted",
        text: "let Today = now(); VMComputer | extend DaysSinceBoot = Today - BootTime | summarize by Computer, DaysSinceBoot, BootTime | sort by BootTime asc",
        note: "Verbatim. now() is the latest record loaded (a setting switches to the wall clock).",
    },
    SavedQuery {
        id: "azure-images",
        title: "Summary of Azure VMs by image, location, and SKU",
        text: "VMComputer | where AzureLocation != \"\" | summarize by Computer, AzureImageOffering, AzureLocation, AzureImageSku",
        note: "Verbatim.",
    },
    SavedQuery {
        id: "memory",
        title: "List the physical memory capacity of all managed computers",
        text: "VMComputer | summarize arg_max(TimeGenerated, *) by _ResourceId | project PhysicalMemoryMB, Computer",
        note: "Verbatim.",
    },
    SavedQuery {
        id: "machine-network",
        title: "List computer name, DNS, IP, and OS",
        text: "VMComputer | summarize arg_max(TimeGenerated, *) by _ResourceId | project Computer, OperatingSystemFullName, DnsNames, Ipv4Addresses",
        note: "Verbatim.",
    },
    SavedQuery {
        id: "processes-sql",
        title: "Find all processes with \"sql\" in the command line",
        text: "VMProcess | where CommandLine contains_cs \"sql\" | summarize arg_max(TimeGenerated, *) by _ResourceId",
        note: "Verbatim (contains_cs: case-sensitive).",
    },
    SavedQuery {
        id: "processes-cmdline",
        title: "Find all processes with a text in the command line",
        text: "VMProcess | where CommandLine contains \"{Text}\" | summarize arg_max(TimeGenerated, *) by _ResourceId",
        note: "The page's query with the text as a parameter; `contains` ignores case (use contains_cs to match it).",
    },
    SavedQuery {
        id: "find-machine-documented",
        title: "Find a machine (most recent record) by resource name",
        text: "search in (VMComputer) \"m-4b9c93f9-bc37-46df-b43c-899ba829e07b\" | summarize arg_max(TimeGenerated, *) by _ResourceId",
        note: "Verbatim (the page's machine id: see find-machine for any text).",
    },
    SavedQuery {
        id: "find-machine",
        title: "Find a machine (most recent record) by a text",
        text: "search in (VMComputer) \"{Text}\" | summarize arg_max(TimeGenerated, *) by _ResourceId",
        note: "The page searches for \"m-4b9c93f9-bc37-46df-b43c-899ba829e07b\"; here the text is a parameter. \
               Kusto's search: a bare term matches whole terms, \"*x*\" contains, \"x*\" prefix, \"*x\" suffix.",
    },
    SavedQuery {
        id: "find-ip-documented",
        title: "Find a machine (most recent record) by IP address",
        text: "search in (VMComputer) \"10.229.243.232\" | summarize arg_max(TimeGenerated, *) by _ResourceId",
        note: "Verbatim (the page's address: see find-ip for any address).",
    },
    SavedQuery {
        id: "find-ip",
        title: "Find a machine (most recent record) by any IP address",
        text: "search in (VMComputer) \"{Text}\" | summarize arg_max(TimeGenerated, *) by _ResourceId",
        note: "The page searches for \"10.229.243.232\"; here the address is a parameter.",
    },
    SavedQuery {
        id: "machine-processes-documented",
        title: "List all known processes on a specified machine",
        text: "VMProcess | where Machine == \"m-559dbcd8-3130-454d-8d1d-f624e57961bc\" | summarize arg_max(TimeGenerated, *) by _ResourceId",
        note: "Verbatim (the page's machine id: see machine-processes for any machine).",
    },
    SavedQuery {
        id: "machine-processes",
        title: "List all known processes on any machine",
        text: "VMProcess | where Machine == \"{Machine}\" | summarize arg_max(TimeGenerated, *) by _ResourceId",
        note: "The page names machine m-559dbcd8-3130-454d-8d1d-f624e57961bc; here the machine id is a parameter.",
    },
    SavedQuery {
        id: "sql-computers-documented",
        title: "List all computers running SQL Server",
        text: "VMComputer | where AzureResourceName in ((search in (VMProcess) \"*sql*\" | distinct Machine)) | distinct Computer",
        note: "Verbatim. It compares VMComputer.AzureResourceName with VMProcess.Machine (an m-... id), so it finds \
               computers only where the two are equal; see the corrected copy.",
    },
    SavedQuery {
        id: "sql-computers",
        title: "List all computers running SQL Server (corrected)",
        text: "VMComputer | where Machine in ((search in (VMProcess) \"*sql*\" | distinct Machine)) or AzureResourceName in ((search in (VMProcess) \"*sql*\" | distinct Machine)) | distinct Computer",
        note: "Schema-corrected: matches VMComputer.Machine too, since VMProcess.Machine holds the machine id.",
    },
    SavedQuery {
        id: "curl-versions",
        title: "List all unique product versions of curl in my datacenter",
        text: "VMProcess | where ExecutableName == \"curl\" | distinct ProductVersion",
        note: "Verbatim (== is case-sensitive).",
    },
    SavedQuery {
        id: "product-versions",
        title: "List all unique product versions of an executable",
        text: "VMProcess | where ExecutableName == \"{Exe}\" | distinct ProductVersion",
        note: "The page's curl query with the executable as a parameter.",
    },
    SavedQuery {
        id: "bytes-trend",
        title: "Bytes sent and received trends",
        text: "VMConnection | summarize sum(BytesSent), sum(BytesReceived) by bin(TimeGenerated,1hr), Computer | order by Computer desc | render timechart",
        note: "Verbatim.",
    },
    SavedQuery {
        id: "top-transmitters-documented",
        title: "Which Azure VMs are transmitting the most bytes",
        text: "VMConnection | join kind=fullouter(VMComputer) on $left.Computer == $right.Computer | summarize count(BytesSent) by Computer, AzureVMSize | sort by count_BytesSent desc",
        note: "Verbatim: fails, as in Log Analytics, because VMComputer has no AzureVMSize column (it is AzureSize); \
               see the corrected copy.",
    },
    SavedQuery {
        id: "top-transmitters",
        title: "Which Azure VMs are transmitting the most bytes (corrected)",
        text: "VMConnection\n| summarize BytesSent = sum(BytesSent) by Computer\n| join kind=fullouter (VMComputer | summarize arg_max(TimeGenerated, AzureSize) by Computer) on Computer\n| project Computer = coalesce(Computer, Computer1), AzureSize, BytesSent = coalesce(BytesSent, 0)\n| sort by BytesSent desc, Computer asc",
        note: "Schema-corrected: VMComputer's column is AzureSize (not AzureVMSize); sums BytesSent where the page counts \
               rows (count(BytesSent)); joins the latest inventory record per computer, as the page's join multiplies \
               rows by the hourly inventory records.",
    },
    SavedQuery {
        id: "link-status-trend",
        title: "Link status trends",
        text: "VMConnection | where TimeGenerated >= ago(24hr) | where Computer == \"acme-demo\" | summarize dcount(LinksEstablished), dcount(LinksLive), dcount(LinksFailed), dcount(LinksTerminated) by bin(TimeGenerated, 1h) | render timechart",
        note: "Verbatim (the page's computer is acme-demo: change it to one of yours).",
    },
    SavedQuery {
        id: "failures-trend",
        title: "Connection failures trend",
        text: "VMConnection | where Computer == \"acme-demo\" | extend bythehour = datetime_part(\"hour\", TimeGenerated) | project bythehour, LinksFailed | summarize failCount = count() by bythehour | sort by bythehour asc | render timechart",
        note: "Verbatim. It counts records per hour of the day (count()), not failed links: sum(LinksFailed) counts those.",
    },
    SavedQuery {
        id: "bound-ports-documented",
        title: "Bound Ports",
        text: "VMBoundPort\n| where TimeGenerated >= ago(24hr)\n| where Computer == 'admdemo-appsvr'\n| distinct Port, ProcessName",
        note: "Verbatim (the page's computer is admdemo-appsvr).",
    },
    SavedQuery {
        id: "bound-ports",
        title: "Bound ports of a machine",
        text: "VMBoundPort\n| where Machine == \"{Machine}\" or Computer == \"{Machine}\"\n| distinct Port, ProcessName",
        note: "The page's query for any machine (by id or computer name) over the records loaded.",
    },
    SavedQuery {
        id: "open-ports",
        title: "Number of open ports across machines",
        text: "VMBoundPort\n| where Ip != \"127.0.0.1\"\n| summarize by Computer, Machine, Port, Protocol\n| summarize OpenPorts=count() by Computer, Machine\n| order by OpenPorts desc",
        note: "Verbatim.",
    },
    SavedQuery {
        id: "process-ports",
        title: "Score processes in your workspace by the number of ports they have open",
        text: "VMBoundPort\n| where Ip != \"127.0.0.1\"\n| summarize by ProcessName, Port, Protocol\n| summarize OpenPorts=count() by ProcessName\n| order by OpenPorts desc",
        note: "Verbatim.",
    },
    SavedQuery {
        id: "port-behaviour",
        title: "Aggregate behavior for each port",
        text: "VMBoundPort\n| where Ip != \"127.0.0.1\"\n| summarize BytesSent=sum(BytesSent), BytesReceived=sum(BytesReceived), LinksEstablished=sum(LinksEstablished), LinksTerminated=sum(LinksTerminated), arg_max(TimeGenerated, LinksLive) by Machine, Computer, ProcessName, Ip, Port, IsWildcardBind\n| project-away TimeGenerated\n| order by Machine, Computer, Port, Ip, ProcessName",
        note: "Verbatim.",
    },
    SavedQuery {
        id: "outbound-summary-documented",
        title: "Summarize the outbound connections from a group of machines",
        text: OUTBOUND_DOCUMENTED,
        note: "Verbatim. Its address map uses AzureResourceName where VMConnection and VMBoundPort hold machine ids \
               (see the corrected copy).",
    },
    SavedQuery {
        id: "outbound-summary",
        title: "Summarize the outbound connections from a group of machines (corrected)",
        text: OUTBOUND_SUMMARY,
        note: "Schema-corrected: the page maps addresses to `AzureResourceName`, but the `Machine` columns of \
               VMConnection and VMBoundPort hold the machine id, so remote machines and their ports were never matched; \
               this copy maps them to `Machine`. The machines of interest are a parameter ({Machines}: quoted ids \
               separated by commas, e.g. \"m-1\", \"m-2\"). Remote is a set of every matching remote process, as \
               makeset gives.",
    },
];

/// The documentation's "outbound connections of a group of machines" after its address map:
/// shared by the verbatim and the corrected copies.
macro_rules! outbound_tail {
    () => {
        r#"
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
| summarize Remote=makeset(iff(isempty(RemoteMachine), todynamic('{}'), pack('Machine', RemoteMachine, 'Process', Process1, 'ProcessName', ProcessName1))) by ConnectionId, Direction, Machine, Process, ProcessName, SourceIp, DestinationIp, DestinationPort, Protocol"#
    };
}

/// The documentation's "outbound connections of a group of machines", verbatim.
const OUTBOUND_DOCUMENTED: &str = concat!(
    r#"// the machines of interest
let machines = datatable(m: string) ["m-82412a7a-6a32-45a9-a8d6-538354224a25"];
// map of ip to monitored machine in the environment
let ips=materialize(VMComputer
| summarize ips=makeset(todynamic(Ipv4Addresses)) by MonitoredMachine=AzureResourceName"#,
    outbound_tail!()
);

/// The same, schema-corrected (addresses map to `Machine`), its machine list a parameter.
const OUTBOUND_SUMMARY: &str = concat!(
    r#"// the machines of interest
let machines = datatable(m: string) [{Machines}];
// map of ip to monitored machine in the environment
let ips=materialize(VMComputer
| summarize ips=makeset(todynamic(Ipv4Addresses)) by MonitoredMachine=Machine"#,
    outbound_tail!()
);

/// A saved query by id.
pub fn saved(id: &str) -> Option<&'static SavedQuery> {
    SAVED_QUERIES.iter().find(|q| q.id == id)
}

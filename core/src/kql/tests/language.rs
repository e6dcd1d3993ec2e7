//! Breadth: queries in the shapes real workbooks and hunting rules use run without error,
//! with a checked answer where a small one is easy to state.

use super::{query, store, texts};
use crate::kql::{QueryOptions, run};

const CONNECTIONS: &str = "TimeGenerated,Computer,Machine,Process,ProcessName,Direction,RemoteIp,DestinationPort,BytesSent,BytesReceived,LinksFailed,RemoteDnsQuestions\n\
2026-10-05T08:03:00Z,web-1,m-1,p-a,nginx,outbound,10.0.0.2,443,100,10,0,\"[\"\"api.contoso.com\"\"]\"\n\
2026-10-05T08:04:00Z,web-1,m-1,p-a,nginx,outbound,10.0.0.2,443,50,5,1,\n\
2026-10-05T09:10:00Z,web-1,m-1,p-b,curl,outbound,127.0.0.1,8080,7,7,2,\n\
2026-10-05T09:20:00Z,db-1,m-2,p-c,sqlservr,inbound,10.0.0.1,1433,30,300,0,\n";

fn one(q: &str) -> Vec<Vec<String>> {
    let s = store(&[("VMConnection.csv", CONNECTIONS)]);
    texts(&query(&s, q)).1
}

#[test]
fn workbook_shaped_queries_run() {
    let s = store(&[("VMConnection.csv", CONNECTIONS)]);
    let queries = [
        "VMConnection | where TimeGenerated between (datetime(2026-10-05T08:00:00Z) .. 1h) | count",
        "VMConnection | extend q = tostring(parse_json(RemoteDnsQuestions)[0]) | where isnotempty(q) | project q",
        "VMConnection | summarize Bytes = sum(BytesSent + BytesReceived) by Machine | top 1 by Bytes",
        "VMConnection | summarize percentiles(BytesSent, 50, 90) by Direction",
        "VMConnection | summarize make_set(RemoteIp), make_list(DestinationPort, 2) by Machine",
        "VMConnection | where RemoteIp !startswith '127.' and ipv4_is_private(RemoteIp) | distinct RemoteIp",
        "VMConnection | extend h = hourofday(TimeGenerated) | summarize count() by h",
        "VMConnection | project Computer, Process | join kind=leftanti (VMConnection | where Direction == 'inbound' | project Process) on Process",
        "VMConnection | serialize | extend rn = row_number(), prevBytes = prev(BytesSent), nextBytes = next(BytesSent, 1, -1)",
        "VMConnection | make-series Sent = sum(BytesSent) default = 0 on TimeGenerated step 30m by Computer",
        "VMConnection | summarize arg_max(TimeGenerated, BytesSent, RemoteIp) by Machine",
        "VMConnection | where Computer has_any ('web', 'db') | summarize by Computer",
        "VMConnection | extend Kind = case(BytesSent > 60, 'big', BytesSent > 20, 'mid', 'small') | summarize count() by Kind",
        "VMConnection | parse kind=regex RemoteIp with a:long '\\\\.' b:long '\\\\.' rest | project a, b, rest",
        "VMConnection | summarize Total = count(), Failed = countif(LinksFailed > 0) | extend Rate = todouble(Failed) / Total",
        "union VMConnection, VMBoundPort | summarize count() by Type",
        "union VM* | count",
        "VMConnection | as T | join kind=inner (T) on Process | count",
        "let f = (x: long) { x * 2 }; VMConnection | extend d = f(BytesSent) | project d | take 1",
        "let window = 2h; VMConnection | where TimeGenerated > ago(window) | count",
        "VMConnection | summarize dcountif(RemoteIp, Direction == 'outbound'), sumif(BytesSent, LinksFailed == 0), avgif(BytesSent, true), stdev(BytesSent), variance(BytesSent), any(Computer)",
        "VMConnection | project-reorder BytesSent, Computer asc | take 1",
        "VMConnection | where Direction in~ ('OUTBOUND') | count",
        "VMConnection | extend ports = pack_array(DestinationPort, DestinationPort + 1) | mv-expand with_itemindex = i p = ports to typeof(long) | project i, p | take 2",
        "VMConnection | summarize by bin(BytesSent, 50)",
        "VMConnection | extend t = format_datetime(TimeGenerated, 'yyyy-MM-dd HH:mm') | project t | take 1",
        "VMConnection | extend b = bag_pack('ip', RemoteIp) | extend ip = tostring(b.ip) | project ip | take 1",
        "VMConnection | top 2 by BytesSent asc nulls last",
        "VMConnection | summarize take_any(*) by Machine",
        "print x = 1 | extend y = x + 1, z = strcat('a', 'b')",
        "range t from datetime(2026-10-05) to datetime(2026-10-06) step 6h | extend d = dayofweek(t)",
        "datatable(a: int, b: string) [1, 'x', 2, 'y'] | where a in (1, 3) | project b",
        "VMConnection | where RemoteIp matches regex @'^10\\.' | count",
        "VMConnection | search 'nginx' | count",
        "search 'sqlservr' | count",
        "VMConnection | lookup kind=inner (datatable(Machine: string, Owner: string) ['m-1', 'alice']) on Machine | project Owner | take 1",
        "VMConnection | getschema | where ColumnName startswith 'Bytes'",
        "VMConnection | summarize count() by Direction | order by count_ desc | render piechart",
        "set query_now = datetime(2026-10-06); VMConnection | take 1",
    ];
    for q in queries {
        if let Err(e) = run(&s, q, &QueryOptions::default()) {
            panic!("{q}\n{}", e.render(q));
        }
    }
}

#[test]
fn window_functions_follow_row_order() {
    assert_eq!(
        one("VMConnection | project BytesSent | serialize rn = row_number(), p = prev(BytesSent), n = next(BytesSent)"),
        [["100", "1", "", "50"], ["50", "2", "100", "7"], ["7", "3", "50", "30"], ["30", "4", "7", ""],]
    );
}

#[test]
fn dynamic_columns_index_and_convert() {
    assert_eq!(
        one("VMConnection | extend q = tostring(parse_json(RemoteDnsQuestions)[0]) | where isnotempty(q) | project q"),
        [["api.contoso.com"]]
    );
    assert_eq!(
        one("print d = dynamic({'a': {'b': [1, 2]}}) | project x = d.a.b[1], y = d['a']['b'][-1]"),
        [["2", "2"]]
    );
}

#[test]
fn between_with_a_length_and_percentiles() {
    assert_eq!(
        one("VMConnection | where TimeGenerated between (datetime(2026-10-05T08:00:00Z) .. 1h) | count"),
        [["2"]]
    );
    let s = store(&[("VMConnection.csv", CONNECTIONS)]);
    let t = query(&s, "VMConnection | summarize percentiles(BytesSent, 50, 100)");
    assert_eq!(t.column_names(), ["percentile_BytesSent_50", "percentile_BytesSent_100"]);
}

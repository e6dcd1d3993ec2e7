//! Operator-level tests: each with its expected table written out.

use super::{assert_rows_unordered, assert_table, query, store};
use crate::kql::{ErrorKind, QueryOptions, run};

const CONNECTIONS: &str = "TimeGenerated,Computer,Machine,Process,Direction,RemoteIp,DestinationPort,BytesSent,BytesReceived,LinksFailed\n\
2026-10-05T08:03:00Z,web-1,m-1,p-a,outbound,10.0.0.2,443,100,10,0\n\
2026-10-05T08:04:00Z,web-1,m-1,p-a,outbound,10.0.0.2,443,50,5,1\n\
2026-10-05T09:10:00Z,web-1,m-1,p-b,outbound,127.0.0.1,8080,7,7,2\n\
2026-10-05T09:20:00Z,db-1,m-2,p-c,inbound,10.0.0.1,443,30,300,0\n";

fn conn() -> crate::store::Store {
    store(&[("VMConnection.csv", CONNECTIONS)])
}

#[test]
fn where_project_and_summarize_naming() {
    let s = conn();
    assert_table(
        &s,
        "VMConnection | where BytesSent > 40 | project Computer, BytesSent",
        &["Computer", "BytesSent"],
        &[&["web-1", "100"], &["web-1", "50"]],
    );
    assert_rows_unordered(
        &s,
        "VMConnection | summarize count(), sum(BytesSent) by Computer",
        &["Computer", "count_", "sum_BytesSent"],
        &[&["web-1", "3", "157"], &["db-1", "1", "30"]],
    );
}

const LR: &str = r#"let L = datatable(k: string, a: long) ["x", 1, "x", 2, "y", 3, "z", 4];
let R = datatable(k: string, b: long) ["x", 10, "x", 11, "y", 12, "w", 13];
"#;

fn join_rows(kind: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let s = store(&[]);
    let q = format!("{LR}L | join kind={kind} R on k");
    super::texts(&query(&s, &q))
}

fn owned(rows: &[&[&str]]) -> Vec<Vec<String>> {
    let mut v: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect();
    v.sort();
    v
}

#[test]
fn join_kinds_follow_kusto() {
    let sorted = |kind: &str| {
        let (h, mut r) = join_rows(kind);
        r.sort();
        (h, r)
    };
    let full = ["k", "a", "k1", "b"];
    // innerunique (the default): one left row per key value (the first), then inner.
    let (h, r) = {
        let s = store(&[]);
        let (h, mut r) = super::texts(&query(&s, &format!("{LR}L | join R on k")));
        r.sort();
        (h, r)
    };
    assert_eq!(h, full);
    assert_eq!(r, owned(&[&["x", "1", "x", "10"], &["x", "1", "x", "11"], &["y", "3", "y", "12"]]));
    assert_eq!(sorted("innerunique").1, r);
    assert_eq!(
        sorted("inner"),
        (
            full.map(String::from).to_vec(),
            owned(&[
                &["x", "1", "x", "10"],
                &["x", "1", "x", "11"],
                &["x", "2", "x", "10"],
                &["x", "2", "x", "11"],
                &["y", "3", "y", "12"],
            ])
        )
    );
    assert_eq!(
        sorted("leftouter").1,
        owned(&[
            &["x", "1", "x", "10"],
            &["x", "1", "x", "11"],
            &["x", "2", "x", "10"],
            &["x", "2", "x", "11"],
            &["y", "3", "y", "12"],
            &["z", "4", "", ""],
        ])
    );
    assert_eq!(
        sorted("rightouter").1,
        owned(&[
            &["x", "1", "x", "10"],
            &["x", "1", "x", "11"],
            &["x", "2", "x", "10"],
            &["x", "2", "x", "11"],
            &["y", "3", "y", "12"],
            &["", "", "w", "13"],
        ])
    );
    assert_eq!(sorted("fullouter").1.len(), 7);
    assert_eq!(sorted("leftanti"), (vec!["k".into(), "a".into()], owned(&[&["z", "4"]])));
    assert_eq!(sorted("rightanti"), (vec!["k".into(), "b".into()], owned(&[&["w", "13"]])));
    assert_eq!(sorted("leftsemi").1, owned(&[&["x", "1"], &["x", "2"], &["y", "3"]]));
    assert_eq!(sorted("rightsemi").1, owned(&[&["x", "10"], &["x", "11"], &["y", "12"]]));
}

#[test]
fn join_on_differently_named_keys_and_clashing_columns() {
    let s = store(&[]);
    assert_rows_unordered(
        &s,
        r#"let L = datatable(ip: string, n: long) ["a", 1, "b", 2];
           let R = datatable(addr: string, n: long) ["a", 5];
           L | join kind=leftouter (R) on $left.ip == $right.addr"#,
        &["ip", "n", "addr", "n1"],
        &[&["a", "1", "a", "5"], &["b", "2", "", ""]],
    );
    assert_rows_unordered(
        &s,
        r#"let L = datatable(ip: string, n: long) ["a", 1, "b", 2];
           let R = datatable(ip: string, m: long) ["a", 5];
           L | lookup R on ip"#,
        &["ip", "n", "m"],
        &[&["a", "1", "5"], &["b", "2", ""]],
    );
}

#[test]
fn summarize_bins_datetimes_and_names_columns() {
    let s = conn();
    assert_table(
        &s,
        "VMConnection | summarize count() by bin(TimeGenerated, 1h) | sort by TimeGenerated asc",
        &["TimeGenerated", "count_"],
        &[&["2026-10-05T08:00:00Z", "2"], &["2026-10-05T09:00:00Z", "2"]],
    );
    assert_table(
        &s,
        "VMConnection | summarize Total = sum(BytesSent), max(TimeGenerated), dcount(Machine) by Dir = Direction | sort by Dir asc",
        &["Dir", "Total", "max_TimeGenerated", "dcount_Machine"],
        &[&["inbound", "30", "2026-10-05T09:20:00Z", "1"], &["outbound", "157", "2026-10-05T09:10:00Z", "1"]],
    );
    assert_table(&s, "VMConnection | summarize by strlen(Computer) | sort by Column1", &["Column1"], &[&["5"], &["4"]]);
    // Expressions over aggregations.
    assert_table(
        &s,
        "VMConnection | summarize avgBytes = sum(BytesSent) * 1.0 / count()",
        &["avgBytes"],
        &[&["46.75"]],
    );
}

#[test]
fn arg_max_with_star_keeps_every_column_once() {
    let s = conn();
    assert_table(
        &s,
        "VMConnection | summarize arg_max(TimeGenerated, *) by Process | project Process, TimeGenerated, BytesSent, Computer | sort by Process asc",
        &["Process", "TimeGenerated", "BytesSent", "Computer"],
        &[
            &["p-a", "2026-10-05T08:04:00Z", "50", "web-1"],
            &["p-b", "2026-10-05T09:10:00Z", "7", "web-1"],
            &["p-c", "2026-10-05T09:20:00Z", "30", "db-1"],
        ],
    );
    let t = query(&s, "VMConnection | summarize arg_max(TimeGenerated, *) by Process");
    let names = t.column_names();
    assert_eq!(names[..2], ["Process", "TimeGenerated"]);
    assert_eq!(names.iter().filter(|n| **n == "Process").count(), 1, "the key is not repeated");
    assert_eq!(
        super::texts(&query(
            &s,
            "VMConnection | summarize arg_min(BytesSent, Computer) by Direction | sort by Direction asc"
        )),
        (
            vec!["Direction".into(), "BytesSent".into(), "Computer".into()],
            vec![
                vec!["inbound".into(), "30".into(), "db-1".into()],
                vec!["outbound".into(), "7".into(), "web-1".into()]
            ]
        )
    );
}

#[test]
fn mv_expand_of_dynamic_arrays() {
    let s = store(&[]);
    assert_table(
        &s,
        r#"datatable(a: string, d: dynamic) ["r1", dynamic([1, 2]), "r2", dynamic([]), "r3", dynamic(null)] | mv-expand d"#,
        &["a", "d"],
        &[&["r1", "1"], &["r1", "2"], &["r3", ""]],
    );
    let t = query(&s, r#"print ips = dynamic(["10.0.0.1", "10.0.0.2"]) | mvexpand ips to typeof(string)"#);
    assert_eq!(t.columns[0].ty, crate::kql::value::Type::String);
    assert_eq!(super::texts(&t).1, [["10.0.0.1"], ["10.0.0.2"]]);
    assert_table(
        &s,
        r#"print x = dynamic({"a": 1, "b": 2}) | mv-expand x"#,
        &["x"],
        &[&[r#"{"a":1}"#], &[r#"{"b":2}"#]],
    );
}

#[test]
fn make_series_fills_missing_steps_with_the_default() {
    let s = store(&[]);
    assert_table(
        &s,
        "datatable(t: datetime, v: long, g: string) [datetime(2026-10-05T08:10:00Z), 1, 'a', datetime(2026-10-05T10:00:00Z), 5, 'a', datetime(2026-10-05T10:30:00Z), 2, 'a']
         | make-series sum(v) on t step 1h by g",
        &["g", "sum_v", "t"],
        &[&[
            "a",
            "[1,0,7]",
            r#"["2026-10-05T08:00:00.0000000Z","2026-10-05T09:00:00.0000000Z","2026-10-05T10:00:00.0000000Z"]"#,
        ]],
    );
    assert_table(
        &s,
        "datatable(t: datetime, v: long) [datetime(2026-10-05T08:10:00Z), 1]
         | make-series n = count() default = -1 on t from datetime(2026-10-05T07:00:00Z) to datetime(2026-10-05T10:00:00Z) step 1h",
        &["n", "t"],
        &[&[
            "[-1,1,-1]",
            r#"["2026-10-05T07:00:00.0000000Z","2026-10-05T08:00:00.0000000Z","2026-10-05T09:00:00.0000000Z"]"#,
        ]],
    );
}

#[test]
fn string_operators_keep_their_case_rules() {
    let s = store(&[]);
    let q = |pred: &str| {
        let t = query(
            &s,
            &format!(r#"datatable(s: string) ["North America", "south AMERICAN", "mssqlservr", "sql"] | where {pred}"#),
        );
        super::texts(&t).1.into_iter().map(|r| r[0].clone()).collect::<Vec<_>>()
    };
    assert_eq!(q(r#"s has "america""#), ["North America"]);
    assert_eq!(q(r#"s has_cs "America""#), ["North America"]);
    assert_eq!(q(r#"s has_cs "america""#), Vec::<String>::new());
    assert_eq!(q(r#"s contains "AMERICA""#), ["North America", "south AMERICAN"]);
    assert_eq!(q(r#"s contains_cs "AMERICA""#), ["south AMERICAN"]);
    assert_eq!(q(r#"s !contains "america""#), ["mssqlservr", "sql"]);
    assert_eq!(q(r#"s hasprefix "amer""#), ["North America", "south AMERICAN"]);
    assert_eq!(q(r#"s startswith "NORTH""#), ["North America"]);
    assert_eq!(q(r#"s startswith_cs "NORTH""#), Vec::<String>::new());
    assert_eq!(q(r#"s == "sql""#), ["sql"]);
    assert_eq!(q(r#"s =~ "SQL""#), ["sql"]);
    assert_eq!(q(r#"s !~ "SQL""#), ["North America", "south AMERICAN", "mssqlservr"]);
    assert_eq!(q(r#"s in ("sql", "x")"#), ["sql"]);
    assert_eq!(q(r#"s in~ ("SQL")"#), ["sql"]);
    assert_eq!(q(r#"s !in ("sql")"#).len(), 3);
    assert_eq!(q(r#"s has_any ("america", "sql")"#), ["North America", "sql"]);
    assert_eq!(q(r#"s matches regex "^s.*l$""#), ["sql"]);
}

#[test]
fn sort_take_top_distinct_count() {
    let s = store(&[]);
    let data = "datatable(n: long, s: string) [3, 'c', 1, 'a', long(null), 'z', 2, 'b', 2, 'b']";
    assert_table(
        &s,
        &format!("{data} | sort by n"),
        &["n", "s"],
        &[&["3", "c"], &["2", "b"], &["2", "b"], &["1", "a"], &["", "z"]],
    );
    assert_table(
        &s,
        &format!("{data} | sort by n asc"),
        &["n", "s"],
        &[&["", "z"], &["1", "a"], &["2", "b"], &["2", "b"], &["3", "c"]],
    );
    assert_table(&s, &format!("{data} | sort by n asc nulls last | take 2"), &["n", "s"], &[&["1", "a"], &["2", "b"]]);
    assert_table(&s, &format!("{data} | top 2 by s desc"), &["n", "s"], &[&["", "z"], &["3", "c"]]);
    assert_table(&s, &format!("{data} | distinct s | count"), &["Count"], &[&["4"]]);
    assert_table(
        &s,
        &format!("{data} | order by s asc, n desc | distinct n"),
        &["n"],
        &[&["1"], &["2"], &["3"], &[""]],
    );
}

#[test]
fn project_variants_extend_union_and_lets() {
    let s = conn();
    assert_table(&s, "print a = 1, b = 2, ab = 3, c = 4 | project-away a*, c", &["b"], &[&["2"]]);
    assert_table(&s, "print a = 1, b = 2, ab = 3 | project-keep a*", &["a", "ab"], &[&["1", "3"]]);
    assert_table(
        &s,
        "VMConnection | where Process == 'p-c' | project Computer, B = BytesSent | project-rename Host = Computer | extend B = B * 2, C = B + 1 | project-reorder C",
        &["C", "Host", "B"],
        &[&["61", "db-1", "60"]],
    );
    assert_table(
        &s,
        "let top1 = (n: long) { VMConnection | top n by BytesSent | project BytesSent };
         union withsource = From (top1(1)), (print BytesSent = 5) | sort by BytesSent",
        &["From", "BytesSent"],
        &[&["union_arg0", "100"], &["union_arg1", "5"]],
    );
    assert_table(
        &s,
        "let big = toscalar(VMConnection | summarize max(BytesSent));
         let m = materialize(VMConnection | where BytesSent == big);
         m | join kind=inner (m) on Process | project Process, BytesSent, BytesSent1",
        &["Process", "BytesSent", "BytesSent1"],
        &[&["p-a", "100", "100"]],
    );
    assert_table(
        &s,
        "let hosts = datatable(h: string) ['db-1']; VMConnection | where Computer in (hosts) | project Process",
        &["Process"],
        &[&["p-c"]],
    );
}

#[test]
fn nulls_in_aggregations_are_ignored() {
    let s = store(&[]);
    assert_table(
        &s,
        "datatable(g: string, v: long) ['a', 1, 'a', long(null), 'a', 4] | summarize count(), countif(isnull(v)), max(v), min(v), avg(v), dcount(v) by g",
        &["g", "count_", "countif_", "max_v", "min_v", "avg_v", "dcount_v"],
        &[&["a", "3", "1", "4", "1", "2.5", "2"]],
    );
    // No group key and no row: one row of the aggregations' empty values.
    assert_table(&s, "datatable(v: long) [] | summarize count(), sum(v)", &["count_", "sum_v"], &[&["0", "0"]]);
    assert_table(&s, "datatable(v: long) [] | summarize count() by v", &["v", "count_"], &[]);
}

#[test]
fn parse_search_print_range_getschema() {
    let s = conn();
    assert_table(
        &s,
        r#"print t = "port=443 host=web-1 ms=12.5" | parse t with "port=" port: long " host=" host " ms=" ms: real | project port, host, ms"#,
        &["port", "host", "ms"],
        &[&["443", "web-1", "12.5"]],
    );
    assert_table(&s, "range x from 1 to 7 step 3", &["x"], &[&["1"], &["4"], &["7"]]);
    assert_table(
        &s,
        "print a = 1, 'b' | getschema",
        &["ColumnName", "ColumnOrdinal", "DataType", "ColumnType"],
        &[&["a", "0", "System.Int64", "long"], &["print_1", "1", "System.String", "string"]],
    );
    assert_table(&s, r#"search in (VMConnection) "db" | count"#, &["Count"], &[&["1"]]);
    assert_table(&s, r#"search in (VMConnection) "eb" | count"#, &["Count"], &[&["0"]]);
    assert_table(&s, r#"search in (VMConnection) "db*" | project Computer"#, &["Computer"], &[&["db-1"]]);
    assert_table(&s, r#"search in (VMConnection) "*eb*" | count"#, &["Count"], &[&["3"]]);
    assert_table(
        &s,
        r#"search in (VMConnection) "web-1" | take 1 | project $table"#,
        &["$table"],
        &[&["VMConnection"]],
    );
}

#[test]
fn names_and_types_are_checked_before_running() {
    let s = conn();
    let err = run(&s, "VMConnection | where Computr == 'x'", &QueryOptions::default()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Name);
    assert!(err.message.contains("did you mean `Computer`"), "{}", err.message);
    let err = run(&s, "VMConection | take 1", &QueryOptions::default()).unwrap_err();
    assert!(err.message.contains("did you mean `VMConnection`"), "{}", err.message);
    let err = run(&s, "VMConnection | where Computer > 5", &QueryOptions::default()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Type);
    let err = run(&s, "VMConnection | extend x = sum(BytesSent)", &QueryOptions::default()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Type);
}

#[test]
fn runaway_queries_stop_with_a_limit_error_or_cancel() {
    let s = store(&[]);
    let q = "let a = range x from 1 to 1000000 step 1 | extend k = 1; a | join kind=inner (a) on k | count";
    let options = QueryOptions { max_cells: 10_000_000, ..QueryOptions::default() };
    let err = run(&s, q, &options).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Limit, "{}", err.message);
    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let options = QueryOptions { cancel: Some(cancel), ..QueryOptions::default() };
    let err = run(&s, "range x from 1 to 10 step 1", &options).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Cancelled);
}

#[test]
fn now_is_the_latest_record_and_render_is_a_chart_request() {
    let s = conn();
    let out = run(&s, "VMConnection | where TimeGenerated > ago(30m) | summarize count() by Computer | render columnchart with (title='Recent', kind=stacked)", &QueryOptions::default()).unwrap();
    assert_eq!(super::texts(&out.tables[0]).1, [["web-1", "1"], ["db-1", "1"]].map(|r| r.map(String::from).to_vec()));
    let chart = out.chart.unwrap();
    assert_eq!(chart.kind, crate::kql::ChartKind::ColumnChart);
    assert_eq!(chart.title.as_deref(), Some("Recent"));
    assert!(chart.stacked);
}

#[test]
fn derived_names_and_union_type_clashes() {
    let s = store(&[]);
    assert_table(
        &s,
        "print d = dynamic({'name': 'a'}) | extend tostring(d.name), strlen('xy') | project-away d",
        &["d_name", "Column1"],
        &[&["a", "2"]],
    );
    assert_table(
        &s,
        "union (print x = 1), (print x = 'a') | project x_long, x_string",
        &["x_long", "x_string"],
        &[&["1", ""], &["", "a"]],
    );
    assert_table(&s, "print a = 1 | extend a = 'moved', b = 2", &["a", "b"], &[&["moved", "2"]]);
}

#[test]
fn take_any_of_whole_rows_and_dcount() {
    let s = conn();
    let t = query(&s, "VMConnection | summarize take_any(*) by Computer");
    assert_eq!(t.column_names()[..3], ["Computer", "TimeGenerated", "Machine"]);
    assert_eq!(t.rows(), 2);
    assert_table(
        &s,
        "VMConnection | summarize any(Process, BytesSent), dcount(RemoteIp), dcount(Process) by Computer | sort by Computer asc",
        &["Computer", "Process", "BytesSent", "dcount_RemoteIp", "dcount_Process"],
        &[&["db-1", "p-c", "30", "1", "1"], &["web-1", "p-a", "100", "2", "2"]],
    );
}

#[test]
fn comparisons_with_null_follow_kusto() {
    let s = store(&[]);
    // `==` with one null side is false, `!=` true; two nulls compare to null (not kept).
    assert_table(
        &s,
        "datatable(v: long, w: long) [5, long(null), long(null), long(null), 3, 3]
         | extend eq = v == w, ne = v != w, gt = v > 3, ne5 = v != 5",
        &["v", "w", "eq", "ne", "gt", "ne5"],
        &[
            &["5", "", "false", "true", "true", "false"],
            &["", "", "", "", "", "true"],
            &["3", "3", "true", "false", "false", "true"],
        ],
    );
    assert_table(&s, "datatable(v: long) [5, long(null)] | where v != 5 | count", &["Count"], &[&["1"]]);
}

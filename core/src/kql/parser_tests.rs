//! Parser tests: the documentation's queries verbatim, real-world workbook and hunting
//! queries, every construct of the language, exact error messages and spans, and inputs
//! that must neither panic nor hang.

use super::*;
use crate::kql::error::ErrorKind;

/// The sample queries of the VM Insights documentation page (`shared/seed`), verbatim, with
/// their titles: the saved queries marked verbatim (a test of the app checks them against the
/// page word for word).
pub(super) fn doc_queries() -> Vec<(&'static str, &'static str)> {
    crate::kql::library::SAVED_QUERIES
        .iter()
        .filter(|q| q.note.starts_with("Verbatim"))
        .map(|q| (q.title, q.text))
        .collect()
}

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
    assert_eq!(doc_queries().len(), 20, "the page's twenty queries");
    for (title, text) in doc_queries() {
        let script = match parse(text) {
            Ok(script) => script,
            Err(err) => panic!("{title}:\n{}", err.render(text)),
        };
        assert!(matches!(script.statements.last(), Some(Statement::Query(_))), "{title}");
    }
}

#[test]
fn the_outbound_connections_query_has_its_structure() {
    let text = crate::kql::library::saved("outbound-summary-documented").map_or("", |q| q.text);
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
        [
            "machines:tabular",
            "ips:materialize",
            "out:materialize",
            "local:tabular",
            "remote:materialize",
            "remoteMachines:tabular"
        ]
    );
    let Some(Statement::Query(q)) = script.statements.last() else { panic!() };
    assert!(
        matches!(&q.source, Source::Paren(inner) if matches!(&inner.source, Source::Table(t) if t.name == "local"))
    );
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

/// Real-world queries over these tables, in the shapes public workbooks, the VM Insights
/// documentation in other languages and hunting notebooks use (workbook parameters already
/// substituted).
const REAL_WORLD_QUERIES: [&str; 16] = [
    // Sentinel hunting shape: time placeholders expanded, a tabular function over `table()`.
    r#"let starttime = todatetime('2024-01-01T00:00:00Z');
let endtime = todatetime('2024-01-02T00:00:00Z');
let lookback = totimespan((endtime-starttime)*7);
let isGUID = "[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}";
let connFunc = (tableName:string){
  table(tableName)
  | where TimeGenerated between (startofday(ago(lookback))..endtime)
  | where not(Computer matches regex isGUID)
};
let conns = connFunc("VMConnection");
union isfuzzy=true conns, (VMBoundPort | where TimeGenerated between(starttime..endtime))
| extend ProcArray = split(ProcessName, '\\')
| extend Proc = ProcArray[array_length(ProcArray) - 1]
| summarize StartTime = min(TimeGenerated), EndTime = max(TimeGenerated), count() by Computer, tostring(Proc)
| extend ['Last Seen Ago'] = datetime_diff('second', now(), EndTime)
| order by ['Last Seen Ago'] desc"#,
    // Any-column search in a where.
    "VMProcess | where * has \"sqlservr\" | project-away *Id, _* | take 10",
    // VM Insights docs: inbound connections of monitored machines.
    r#"// the machines of interest
let ips=materialize(VMComputer
| summarize ips=makeset(todynamic(Ipv4Addresses)) by MonitoredMachine=AzureResourceName
| mvexpand ips to typeof(string));
let StartDateTime = datetime(2019-03-25T00:00:00Z);
let EndDateTime = datetime(2019-03-30T01:00:00Z);
VMConnection
| where Direction == 'inbound'
| where TimeGenerated > StartDateTime and TimeGenerated  < EndDateTime
| join kind=inner (ips) on $left.DestinationIp == $right.ips
| summarize sum(LinksEstablished) by Computer, Direction, SourceIp, DestinationIp, DestinationPort"#,
    // VM Insights workbook: traffic of the selected computers per time grain.
    r#"VMConnection
| where TimeGenerated >= datetime(2024-01-01T00:00:00Z) and TimeGenerated <= datetime(2024-01-02T00:00:00Z)
| where Computer in ("web-01") or '*' in ("web-01")
| summarize Sent = sum(BytesSent), Received = sum(BytesReceived) by bin(TimeGenerated, 1h)"#,
    // Hunting notebook.
    "VMConnection\n| where Direction == 'outbound'\n| limit 20",
    // msticpy-style pivot over VMComputer.
    r#"VMComputer
        | where TimeGenerated >= datetime(2024-01-01T00:00:00Z)
        | where TimeGenerated <= datetime(2024-01-02 00:00:00)
        | where Ipv4Addresses has "10.0.0.4"
        | order by TimeGenerated desc
        | take 1"#,
    // Malicious IP triage.
    r#"VMConnection
| where isnotempty(MaliciousIp)
| summarize Connections = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated), Machines = make_set(Computer, 100)
    by MaliciousIp, IndicatorThreatType, Severity, Confidence
| sort by Severity desc nulls last, Connections desc"#,
    // Port inventory with a view function.
    r#"let ListeningPorts = view () { VMBoundPort | where Ip != "127.0.0.1" | distinct Computer, Port, ProcessName };
ListeningPorts
| summarize Ports = make_list(Port), PortCount = dcount(Port) by Computer
| top 10 by PortCount desc"#,
    // User function with defaults and a tabular parameter.
    r#"let TopTalkers = (T: (Computer: string, BytesSent: long), n: long = 5) {
    T | summarize Total = sum(BytesSent) by Computer | top n by Total
};
TopTalkers(VMConnection, 3)"#,
    // Failed links per hour, charted.
    r#"VMConnection
| where LinksFailed > 0
| summarize Failed = sum(LinksFailed) by bin(TimeGenerated, 1h), Computer
| render timechart with (title="Failed links per hour", ytitle="links", kind=unstacked)"#,
    // Processes of a machine by name, case-insensitively, with a regex.
    r#"VMProcess
| where ExecutableName =~ "SQLSERVR" or CommandLine matches regex @"(?i)sqlservr\.exe"
| project-rename Executable = ExecutableName
| project-reorder Computer, Executable, Process* asc
| extend Parts = split(CommandLine, " "), First = tostring(split(CommandLine, " ")[0])"#,
    // Make-series over connections with anomalies.
    r#"VMConnection
| make-series Bytes = sum(BytesSent) default = 0 on TimeGenerated from ago(7d) to now() step 1h by Computer
| extend (Anomalies, Score, Baseline) = series_decompose_anomalies(Bytes, 1.5)
| mv-expand Bytes to typeof(long), Anomalies to typeof(int), TimeGenerated to typeof(datetime)"#,
    // Parse and search.
    r#"VMProcess
| parse CommandLine with * "--port=" Port:int " " *
| parse kind=regex flags=i Description with @"version (\d+)\." Major:long
| search "sql" or ExecutableName:"nginx""#,
    // Lookup and union with a source column.
    r#"union withsource=SourceTable kind=outer VMComputer, VMProcess, (VMBoundPort | take 5)
| lookup kind=leftouter (VMComputer | summarize arg_max(TimeGenerated, OperatingSystemFamily) by Computer) on Computer
| summarize count() by SourceTable, OperatingSystemFamily"#,
    // Getschema, print, range, datatable.
    r#"let threshold = 1000;
print now(), ago(1d), x = 1 + 2 * 3 - -4, y = datetime(null), z = real(+inf);
range i from 1 to 10 step 1 | extend sq = i * i | where sq > threshold / 100;
datatable(Name: string, Port: long, When: datetime) ["a", 80, datetime(2024-01-01), 'b', -1, datetime(null)]
| as Ports
| getschema"#,
    // Everything the `in` family can hold.
    r#"let Watched = dynamic(["10.0.0.1", "10.0.0.2"]);
let Busy = toscalar(VMConnection | summarize max(BytesSent));
VMConnection
| where RemoteIp in (Watched) and DestinationPort !in (22, 3389) and ProcessName in~ ("NGINX", "httpd")
| where Computer has_any ("web", "db") and Computer !in~ ("x") and BytesSent between (1 .. Busy)
| where not(RemoteIp startswith "127.") and LinksFailed !between (1 .. 5)
| where RemoteIp in ((VMComputer | mv-expand ip = todynamic(Ipv4Addresses) | project tostring(ip)))"#,
];

#[test]
fn real_world_queries_parse() {
    for text in REAL_WORLD_QUERIES {
        ok(text);
    }
}

#[test]
fn literals_of_every_type() {
    let day = 864_000_000_000i64;
    let cases: Vec<(&str, Type)> = vec![
        ("5", Type::Long),
        ("int(5)", Type::Int),
        ("long(-5)", Type::Long),
        ("1.5", Type::Real),
        ("1e3", Type::Real),
        ("real(nan)", Type::Real),
        ("'a'", Type::String),
        (r#"@"C:\x""#, Type::String),
        ("h'secret'", Type::String),
        ("```multi\nline```", Type::String),
        ("datetime(2020-01-01)", Type::DateTime),
        ("datetime(2020-01-01T10:00:00Z)", Type::DateTime),
        ("time(1.02:00:00)", Type::TimeSpan),
        ("timespan(15 seconds)", Type::TimeSpan),
        ("1d", Type::TimeSpan),
        ("dynamic([1, 'a', {\"k\": [true, null]}])", Type::Dynamic),
        ("dynamic({})", Type::Dynamic),
        ("true", Type::Bool),
        ("False", Type::Bool),
        ("bool(null)", Type::Bool),
        ("guid(74be27de-1e4e-49d9-b579-fe0b331d3642)", Type::String),
    ];
    for (text, ty) in cases {
        assert_eq!(literal(text).1, ty, "{text}");
    }
    assert!(matches!(literal("int(null)"), (Value::Null, Type::Int)));
    assert!(matches!(literal("datetime(null)"), (Value::Null, Type::DateTime)));
    assert!(matches!(literal("dynamic(null)"), (Value::Null, Type::Dynamic)));
    assert!(matches!(literal("5"), (Value::Int(5), _)));
    assert!(matches!(literal("-5"), (Value::Int(-5), _)));
    assert!(matches!(literal("0x1F"), (Value::Int(31), _)));
    assert!(matches!(literal("1e3"), (Value::Real(r), _) if r == 1000.0));
    assert!(matches!(literal("real(-inf)"), (Value::Real(r), _) if r == f64::NEG_INFINITY));
    assert!(matches!(literal("real(+inf)"), (Value::Real(r), _) if r == f64::INFINITY));
    assert!(matches!(literal("real(nan)"), (Value::Real(r), _) if r.is_nan()));
    assert!(matches!(literal("1d"), (Value::TimeSpan(t), _) if t == day));
    assert!(matches!(literal("time(1.02:00:00)"), (Value::TimeSpan(t), _) if t == day + 2 * 36_000_000_000));
    assert!(matches!(literal("timespan(2)"), (Value::TimeSpan(t), _) if t == 2 * day));
    assert!(matches!(literal("-1h"), (Value::TimeSpan(t), _) if t == -36_000_000_000));
    // 2020-01-01 is 18262 days after the epoch.
    assert!(matches!(literal("datetime(2020-01-01)"), (Value::DateTime(t), _) if t == 18262 * day));
    assert!(
        matches!(literal("datetime(2020-01-01T10:00:00Z)"), (Value::DateTime(t), _) if t == 18262 * day + 10 * 36_000_000_000)
    );
    assert!(matches!(literal("'a' \"b\" @'c'"), (Value::String(s), _) if &*s == "abc"));
    assert!(matches!(literal(r#""tab\there""#), (Value::String(s), _) if &*s == "tab\there"));
    let (Value::Dynamic(d), _) = literal("dynamic({'k': [1, -2.5, 'x', datetime(2020-01-01)], \"n\": null})") else {
        panic!()
    };
    assert_eq!(d.to_string(), r#"{"k":[1,-2.5,"x","2020-01-01T00:00:00.0000000Z"],"n":null}"#);
    assert!(
        matches!(literal("guid(74BE27DE-1e4e-49d9-b579-fe0b331d3642)"), (Value::String(s), _) if &*s == "74be27de-1e4e-49d9-b579-fe0b331d3642")
    );
}

#[test]
fn string_operators_and_negations() {
    let cases = [
        ("==", BinaryOp::Eq),
        ("!=", BinaryOp::Ne),
        ("<>", BinaryOp::Ne),
        ("=~", BinaryOp::EqCi),
        ("!~", BinaryOp::NeCi),
        ("<", BinaryOp::Lt),
        ("<=", BinaryOp::Le),
        (">", BinaryOp::Gt),
        (">=", BinaryOp::Ge),
        ("matches regex", BinaryOp::MatchesRegex),
    ];
    for (op, expected) in cases {
        let e = where_expr(&format!("a {op} 'x'"));
        assert!(matches!(e.kind, ExprKind::Binary { op, .. } if op == expected), "{op}: {e:?}");
    }
    for base in ["contains", "has", "hasprefix", "hassuffix", "startswith", "endswith"] {
        for neg in ["", "!"] {
            for cs in ["", "_cs"] {
                let written = format!("{neg}{base}{cs}");
                let e = where_expr(&format!("a {written} 'x'"));
                let ExprKind::Binary { op: BinaryOp::Str(op), .. } = e.kind else { panic!("{written}: {e:?}") };
                assert_eq!(op.text(), written);
                assert_eq!(op.negated, neg == "!");
                assert_eq!(op.case_sensitive, cs == "_cs");
            }
        }
    }
    let lists = [
        ("in", ListOp::In),
        ("!in", ListOp::NotIn),
        ("in~", ListOp::InCi),
        ("!in~", ListOp::NotInCi),
        ("has_any", ListOp::HasAny),
        ("has_all", ListOp::HasAll),
    ];
    for (written, expected) in lists {
        let e = where_expr(&format!("a {written} ('x', 'y')"));
        let ExprKind::InList { op, rhs: InRhs::List(items), .. } = e.kind else { panic!("{written}: {e:?}") };
        assert_eq!(op, expected);
        assert_eq!(items.len(), 2);
    }
    for (legacy, canonical) in [
        ("containscs", "contains_cs"),
        ("notcontains", "!contains"),
        ("notcontainscs", "!contains_cs"),
        ("nothas", "!has"),
    ] {
        let ExprKind::Binary { op: BinaryOp::Str(op), .. } = where_expr(&format!("a {legacy} 'x'")).kind else {
            panic!("{legacy}")
        };
        assert_eq!(op.text(), canonical);
    }
    let e = where_expr("* has 'x'");
    assert!(matches!(e.kind, ExprKind::Binary { ref lhs, .. } if matches!(lhs.kind, ExprKind::Star)));
    let e = where_expr("x !between (1 .. 5)");
    assert!(matches!(e.kind, ExprKind::Between { negated: true, .. }));
    let e = where_expr("x between(datetime(2020-01-01)..1d)");
    assert!(matches!(e.kind, ExprKind::Between { negated: false, .. }));
}

#[test]
fn precedence_follows_kusto() {
    // a or b and c == d + e * -f  =>  a or (b and (c == (d + (e * (-f)))))
    let e = where_expr("a or b and c == d + e * -f");
    let ExprKind::Binary { op: BinaryOp::Or, rhs, .. } = e.kind else { panic!() };
    let ExprKind::Binary { op: BinaryOp::And, rhs, .. } = rhs.kind else { panic!() };
    let ExprKind::Binary { op: BinaryOp::Eq, rhs, .. } = rhs.kind else { panic!() };
    let ExprKind::Binary { op: BinaryOp::Add, rhs, .. } = rhs.kind else { panic!() };
    let ExprKind::Binary { op: BinaryOp::Mul, rhs, .. } = rhs.kind else { panic!() };
    assert!(matches!(rhs.kind, ExprKind::Unary { op: UnaryOp::Neg, .. }));
    // Left associative: a - b - c = (a - b) - c.
    let e = where_expr("a - b - c");
    let ExprKind::Binary { op: BinaryOp::Sub, lhs, rhs } = e.kind else { panic!() };
    assert_eq!(name_of(&rhs), "c");
    assert!(matches!(lhs.kind, ExprKind::Binary { op: BinaryOp::Sub, .. }));
    // `not()` is unary not; member access and indexing bind tightest.
    let e = where_expr("not(d.k[0] == 1)");
    let ExprKind::Unary { op: UnaryOp::Not, operand } = e.kind else { panic!() };
    let ExprKind::Binary { lhs, .. } = operand.kind else { panic!() };
    let ExprKind::Index { target, .. } = lhs.kind else { panic!() };
    assert!(matches!(target.kind, ExprKind::Member { ref key, .. } if key.name == "k"));
}

#[test]
fn names_members_and_calls() {
    let e = where_expr("['Col Name'] == d['key'] and $left.X == 1");
    let ExprKind::Binary { lhs, rhs, .. } = e.kind else { panic!() };
    let ExprKind::Binary { lhs: col, rhs: idx, .. } = lhs.kind else { panic!() };
    assert_eq!(name_of(&col), "Col Name");
    assert!(matches!(idx.kind, ExprKind::Index { .. }));
    let ExprKind::Binary { lhs: side, .. } = rhs.kind else { panic!() };
    assert!(matches!(side.kind, ExprKind::SideColumn { side: Side::Left, ref column } if column.name == "X"));
    // Keywords are contextual: columns called count, kind, type, by, on.
    let e = where_expr("count > 1 and kind == 'x' and type == 'y' and Direction == 'inbound'");
    assert!(matches!(e.kind, ExprKind::Binary { op: BinaryOp::And, .. }));
    let ops = ops("T | summarize count() by kind, type | project count_, kind");
    let OpKind::Summarize(s) = &ops[0] else { panic!() };
    assert!(
        matches!(&s.aggregates[0].expr.kind, ExprKind::Call { name, args } if name.name == "count" && args.is_empty())
    );
    assert_eq!(s.by.len(), 2);
    // `*` and typeof() as arguments; toscalar.
    let e = where_expr("f(*, typeof(long)) == toscalar(T | count)");
    let ExprKind::Binary { lhs, rhs, .. } = e.kind else { panic!() };
    let ExprKind::Call { args, .. } = lhs.kind else { panic!() };
    assert!(matches!(args[0].kind, ExprKind::Star));
    assert!(matches!(args[1].kind, ExprKind::TypeOf(Type::Long)));
    assert!(matches!(rhs.kind, ExprKind::ToScalar(_)));
}

#[test]
fn in_tells_values_from_subqueries() {
    let cases = [
        ("let t = T | take 1; U | where x in (t)", true),
        ("U | where x in (T | project a)", true),
        ("U | where x in ((T))", false),
        ("U | where x in ((T | distinct a))", true),
        ("U | where x in (datatable(a: long) [1])", true),
        ("let s = 5; U | where x in (s)", false),
        ("U | where x in (Computer)", false),
        ("U | where x in (1, 2)", false),
        ("U | where x in ()", false),
    ];
    for (text, tabular) in cases {
        let Some(OpKind::Where(e)) = query(text).ops.into_iter().next().map(|o| o.kind) else { panic!("{text}") };
        let ExprKind::InList { rhs, .. } = e.kind else { panic!("{text}: {e:?}") };
        assert_eq!(matches!(rhs, InRhs::Tabular(_)), tabular, "{text}");
    }
}

#[test]
fn let_values_are_told_apart() {
    let script =
        ok("let a = 5; let b = T; let c = a * 2; let d = b | take 1; let e = now(); let f = (x: long) { x * a }; \
         let g = (x: long = 5) { T | take x }; let h = view () { T }; let i = materialize(T); g(3) | union h, i, d");
    let kinds: Vec<&str> = script
        .statements
        .iter()
        .map(|s| match s {
            Statement::Let(l) => match &l.value {
                LetValue::Scalar(_) => "scalar",
                LetValue::Tabular(_) => "tabular",
                LetValue::Function(f) if f.is_view => "view",
                LetValue::Function(f) => match f.body.result {
                    FunctionResult::Scalar(_) => "scalar-fn",
                    FunctionResult::Tabular(_) => "tabular-fn",
                },
            },
            Statement::Query(_) => "query",
            Statement::Set { .. } => "set",
        })
        .collect();
    assert_eq!(
        kinds,
        ["scalar", "tabular", "scalar", "tabular", "scalar", "scalar-fn", "tabular-fn", "view", "tabular", "query"]
    );
    let Some(Statement::Let(g)) = script.statements.get(6) else { panic!() };
    let LetValue::Function(g) = &g.value else { panic!() };
    assert!(matches!(g.params[0].ty, ParamType::Scalar(Type::Long)));
    assert!(g.params[0].default.is_some());
    let Some(Statement::Query(q)) = script.statements.last() else { panic!() };
    assert!(matches!(&q.source, Source::Call { name, args, .. } if name.name == "g" && args.len() == 1));
    // `set` statements are kept (and ignored by the engine).
    assert!(matches!(ok("set querytrace; T").statements[0], Statement::Set { .. }));
}

#[test]
fn tabular_operators() {
    let o = ops("T | project-away Links*, Bytes | project-keep A | distinct * | count | getschema");
    assert!(
        matches!(&o[0], OpKind::ProjectAway(p) if p[0].name == "Links*" && p[0].is_wildcard() && p[1].name == "Bytes")
    );
    assert!(matches!(&o[1], OpKind::ProjectKeep(p) if p.len() == 1));
    assert!(matches!(&o[2], OpKind::Distinct(d) if d.all));
    assert!(matches!(o[3], OpKind::Count));
    assert!(matches!(o[4], OpKind::GetSchema));

    let o = ops("T | top 5 by a asc nulls last | sort by b, c desc nulls first | order by d");
    let OpKind::Top { by, .. } = &o[0] else { panic!() };
    assert!(!by[0].descending() && !by[0].nulls_first());
    let OpKind::Sort(keys) = &o[1] else { panic!() };
    assert!(keys[0].descending() && !keys[0].nulls_first(), "desc puts nulls last by default");
    assert!(keys[1].descending() && keys[1].nulls_first());
    let OpKind::Sort(keys) = &o[2] else { panic!() };
    assert_eq!(keys[0].order, None);

    let o = ops(
        "T | summarize hint.strategy=shuffle n = count(), (t, v) = arg_max(TimeGenerated, *) by bin(TimeGenerated, 1h), M = Machine",
    );
    let OpKind::Summarize(s) = &o[0] else { panic!() };
    assert_eq!(s.aggregates[0].name().map(|i| i.name.as_str()), Some("n"));
    assert_eq!(s.aggregates[1].names.len(), 2);
    assert!(matches!(&s.by[0].expr.kind, ExprKind::Call { name, .. } if name.name == "bin"));
    assert_eq!(s.by[1].name().map(|i| i.name.as_str()), Some("M"));

    for (kind, expected) in [
        ("", JoinKind::InnerUnique),
        ("kind=inner", JoinKind::Inner),
        ("kind=leftouter", JoinKind::LeftOuter),
        ("kind = rightouter", JoinKind::RightOuter),
        ("kind=fullouter", JoinKind::FullOuter),
        ("kind=leftanti", JoinKind::LeftAnti),
        ("kind=anti", JoinKind::LeftAnti),
        ("kind=rightanti", JoinKind::RightAnti),
        ("kind=leftsemi", JoinKind::LeftSemi),
        ("kind=rightsemi hint.strategy=broadcast", JoinKind::RightSemi),
    ] {
        let o = ops(&format!("T | join {kind} (U | where x > 1) on A, $left.B == $right.C and $right.E == $left.D"));
        let OpKind::Join(j) = &o[0] else { panic!() };
        assert_eq!(j.kind, expected, "{kind}");
        assert_eq!(j.on.len(), 3);
        assert!(matches!(&j.on[2], JoinKey::LeftRight { left, right, .. } if left.name == "D" && right.name == "E"));
    }
    let o = ops("T | join U on Id | lookup kind=inner U on Id");
    assert!(matches!(&o[0], OpKind::Join(j) if matches!(&j.right.source, Source::Table(t) if t.name == "U")));
    assert!(matches!(&o[1], OpKind::Lookup(l) if l.kind == LookupKind::Inner));

    let o = ops("T | union kind=inner withsource=Src isfuzzy=true VM*, (U | take 1), V");
    let OpKind::Union(u) = &o[0] else { panic!() };
    assert_eq!(u.kind, UnionKind::Inner);
    assert_eq!(u.with_source.as_ref().map(|i| i.name.as_str()), Some("Src"));
    assert!(u.is_fuzzy);
    assert_eq!(u.tables.len(), 3);
    assert!(matches!(&u.tables[0].source, Source::Table(t) if t.name == "VM*"));
    let q = query("union VM*");
    assert!(matches!(&q.source, Source::Union(u) if u.tables.len() == 1));

    let o =
        ops("T | mv-expand bagexpansion=array with_itemindex=Idx a = d.list to typeof(long), b limit 10 | mvexpand c");
    let OpKind::MvExpand(m) = &o[0] else { panic!() };
    assert_eq!(m.bag_expansion, Some(BagExpansion::Array));
    assert_eq!(m.with_itemindex.as_ref().map(|i| i.name.as_str()), Some("Idx"));
    assert_eq!(m.items.len(), 2);
    assert_eq!(m.items[0].name.as_ref().map(|i| i.name.as_str()), Some("a"));
    assert_eq!(m.items[0].to_type, Some(Type::Long));
    assert!(m.limit.is_some());

    let o = ops(
        r#"T | parse Text with "a" Col1 ", b=" Col2:long * | parse kind=regex Text with "(x+)" X | parse-where Text with * "k=" K"#,
    );
    let OpKind::Parse(p) = &o[0] else { panic!() };
    assert_eq!(p.kind, ParseKind::Simple);
    assert!(matches!(
        &p.pattern[..],
        [
            ParsePart::Literal { .. },
            ParsePart::Column { ty: None, .. },
            ParsePart::Literal { .. },
            ParsePart::Column { ty: Some(Type::Long), .. },
            ParsePart::Wildcard(_)
        ]
    ));
    assert!(matches!(&o[1], OpKind::Parse(p) if p.kind == ParseKind::Regex));
    assert!(matches!(&o[2], OpKind::Parse(p) if p.keep_matching_only));

    let o = ops(
        "T | make-series kind=nonempty n = count() default = 0, avg(x) on TimeGenerated in range(ago(1d), now(), 1h) by M",
    );
    let OpKind::MakeSeries(m) = &o[0] else { panic!() };
    assert!(m.aggregates[0].default.is_some() && m.aggregates[1].default.is_none());
    assert!(m.from.is_some() && m.to.is_some());
    assert_eq!(m.by.len(), 1);
    let o = ops("T | make-series sum(x) on t step 1d");
    assert!(matches!(&o[0], OpKind::MakeSeries(m) if m.from.is_none() && m.to.is_none() && m.by.is_empty()));

    let q =
        query(r#"search kind=case_sensitive in (VMComputer, VM*) "*sql*" and not(Computer:"x") or LinksFailed > 0"#);
    let Source::Search(s) = &q.source else { panic!() };
    assert!(s.case_sensitive);
    assert_eq!(s.tables.as_ref().map(Vec::len), Some(2));
    let ExprKind::Binary { op: BinaryOp::Or, lhs, rhs } = &s.predicate.kind else { panic!("{:?}", s.predicate) };
    assert!(matches!(rhs.kind, ExprKind::Binary { op: BinaryOp::Gt, .. }));
    let ExprKind::Binary { op: BinaryOp::And, lhs: term, rhs: not } = &lhs.kind else { panic!() };
    assert!(matches!(&term.kind, ExprKind::SearchTerm { column: None, term } if term == "*sql*"));
    let ExprKind::Unary { operand, .. } = &not.kind else { panic!() };
    assert!(
        matches!(&operand.kind, ExprKind::SearchTerm { column: Some(c), term } if c.name == "Computer" && term == "x")
    );
    // A string compared with `==` inside search stays a comparison.
    let o = ops(r#"T | search "a" == Col"#);
    assert!(
        matches!(&o[0], OpKind::Search(s) if matches!(s.predicate.kind, ExprKind::Binary { op: BinaryOp::Eq, .. }))
    );

    let o = ops(
        r#"T | render columnchart with (kind=stacked, title="t", ycolumns=a, b, legend=hidden) | render piechart | render barchart kind=stacked"#,
    );
    let OpKind::Render(r) = &o[0] else { panic!() };
    assert_eq!(r.chart.name, "columnchart");
    let props: Vec<(&str, usize)> = r.properties.iter().map(|p| (p.name.name.as_str(), p.values.len())).collect();
    assert_eq!(props, [("kind", 1), ("title", 1), ("ycolumns", 2), ("legend", 1)]);
    assert!(matches!(&o[1], OpKind::Render(r) if r.properties.is_empty()));
    assert!(matches!(&o[2], OpKind::Render(r) if r.properties.len() == 1));

    let o = ops(
        "T | as hint.materialized=true X | serialize | serialize rn = row_number() | project-rename New = Old, ['a b'] = c",
    );
    assert!(matches!(&o[0], OpKind::As(i) if i.name == "X"));
    assert!(matches!(&o[1], OpKind::Serialize(items) if items.is_empty()));
    assert!(matches!(&o[2], OpKind::Serialize(items) if items.len() == 1));
    assert!(matches!(&o[3], OpKind::ProjectRename(r) if r[1].new.name == "a b"));
    let o = ops("T | project-reorder b desc, a* granny-asc");
    assert!(
        matches!(&o[0], OpKind::ProjectReorder(k) if k[0].order == Some(ReorderOrder::Desc) && k[1].order == Some(ReorderOrder::GrannyAsc))
    );
}

#[test]
fn sources() {
    let q = query("datatable(m: string, ['n x']: long) ['a', 1, 'b', 2]");
    let Source::Datatable(d) = q.source else { panic!() };
    assert_eq!(d.columns.len(), 2);
    assert_eq!(d.columns[1].name.name, "n x");
    assert_eq!(d.values.len(), 4);
    let q = query("range x from 1 to 10 step 2 | take 3");
    assert!(matches!(q.source, Source::Range(r) if r.column.name == "x"));
    let q = query("print a = 1, 'b'");
    assert!(matches!(q.source, Source::Print(p) if p.items.len() == 2));
    let q = query("['My Table'] | take 1");
    assert!(matches!(q.source, Source::Table(t) if t.name == "My Table"));
}

#[test]
fn spans_point_at_the_text() {
    let text = "VMConnection | where BytesSent > 1000 | summarize n = count() by Computer";
    let q = query(text);
    assert_eq!(q.span.text(text), text);
    assert_eq!(q.source.span().text(text), "VMConnection");
    assert_eq!(q.ops[0].span.text(text), "where BytesSent > 1000");
    let OpKind::Where(e) = &q.ops[0].kind else { panic!() };
    assert_eq!(e.span.text(text), "BytesSent > 1000");
    let ExprKind::Binary { rhs, .. } = &e.kind else { panic!() };
    assert_eq!(rhs.span.text(text), "1000");
    let OpKind::Summarize(s) = &q.ops[1].kind else { panic!() };
    assert_eq!(s.aggregates[0].span.text(text), "n = count()");
    assert_eq!(s.aggregates[0].expr.span.text(text), "count()");
    assert_eq!(s.by[0].span.text(text), "Computer");
    let text = "T | where d['k'].x[0] in (1, 2) and not(y)";
    let OpKind::Where(e) = &query(text).ops[0].kind else { panic!() };
    let ExprKind::Binary { lhs, rhs, .. } = &e.kind else { panic!() };
    assert_eq!(lhs.span.text(text), "d['k'].x[0] in (1, 2)");
    assert_eq!(rhs.span.text(text), "not(y)");
}

/// (query, message, the text under the error's span)
const ERRORS: [(&str, &str, &str); 29] = [
    ("T | where x = 1", "expected `|` or the end of the query, found `=` (did you mean `==`?)", "="),
    (
        "T | where x contians 'a'",
        "expected `|` or the end of the query, found `contians` (did you mean `contains`?)",
        "contians",
    ),
    ("T | where x > 1 adn y < 2", "expected `|` or the end of the query, found `adn` (did you mean `and`?)", "adn"),
    ("T | summarize count() | where", "expected an expression, found the end of the query", ""),
    ("T | summarize count() Computer", "expected `,`, `by` or `|` after the aggregation, found `Computer`", "Computer"),
    ("T | summarize count() by A B", "expected `,` or `|` after the group key, found `B`", "B"),
    ("T | summarise count()", "unknown tabular operator `summarise` (did you mean `summarize`?)", "summarise"),
    ("T | where x > 1 project y", "expected `|` before `project`", "project"),
    ("T | where x ==", "expected an expression, found the end of the query", ""),
    ("T | where (x > 1", "expected `)` to close `(`, found the end of the query", ""),
    (
        "T | join kind=leftoutr U on A",
        "unknown join kind `leftoutr` (did you mean `leftouter`?): expected one of innerunique, inner, leftouter, rightouter, fullouter, leftanti, rightanti, leftsemi, rightsemi",
        "leftoutr",
    ),
    ("T | join U", "expected `on` and the join keys after the right side of `join`, found the end of the query", ""),
    ("T | join U on $left.A == B", "expected `$left.Column` or `$right.Column` after `==`, found `B`", "B"),
    ("T | sort Computer", "expected `by` after `sort`, found `Computer`", "Computer"),
    ("T | top 5 Computer", "expected `by` after the number of rows of `top`, found `Computer`", "Computer"),
    ("T | take 5x", "invalid number `5x` (timespan units are d, h, hr, m, min, s, ms, microsecond, tick)", "5x"),
    ("T | where x == 'abc", "unterminated string (no closing ' on this line)", "'abc"),
    ("T | where x in 1", "expected `(` and a list after `in`, found `1`", "1"),
    ("T | where d between (1, 2)", "expected `..` between the low and high bounds, found `,`", ","),
    ("print datetime(2020-13-45)", "invalid datetime literal `datetime(2020-13-45)`", "datetime(2020-13-45)"),
    ("print int(9999999999)", "`int(9999999999)` does not fit a 32-bit int", "int(9999999999)"),
    (
        "T | mv-expand x to typeof(strin)",
        "unknown type `strin` (expected bool, int, long, real, decimal, string, datetime, timespan, guid or dynamic)",
        "strin",
    ),
    (
        "datatable(a: long, b: string) [1, 'x', 2]",
        "`datatable` has 3 values, not a multiple of its 2 columns",
        "datatable(a: long, b: string) [1, 'x', 2]",
    ),
    ("let x = 5", "the query has no statement after its `let`s", ""),
    ("", "the query is empty", ""),
    ("T | where x > 1 | ", "expected a tabular operator after `|`, found the end of the query", ""),
    ("let x = 5 T", "expected `;` after `let x = ...`, found `T`", "T"),
    ("T | take 1 T2", "expected `|` or the end of the query, found `T2`", "T2"),
    ("T | where t > ago(1d) 5m", "expected `|` or the end of the query, found `5m`", "5m"),
];

#[test]
fn error_messages_say_what_was_expected_and_where() {
    for (text, message, under) in ERRORS {
        let e = err(text);
        assert_eq!(e.message, message, "{text}");
        assert_eq!(e.span.text(text), under, "{text}");
        assert_eq!(e.kind, ErrorKind::Syntax, "{text}");
    }
}

#[test]
fn unsupported_operators_say_so_with_their_span() {
    let cases = [
        ("externaldata(a: string) [@'https://x/y.csv']", "externaldata"),
        ("T | evaluate bag_unpack(d)", "evaluate"),
        ("cluster('x').database('y').T", "cluster"),
        ("workspace('w').VMConnection | take 1", "workspace"),
        ("T | sample 10", "sample"),
        ("T | top-nested 3 of a by count()", "top-nested"),
        ("T | invoke f()", "invoke"),
        ("declare query_parameters(n: long = 5); T | take n", "declare query_parameters"),
        ("alias database db = cluster('c').database('d'); T", "alias database"),
    ];
    for (text, under) in cases {
        let e = err(text);
        assert_eq!(e.kind, ErrorKind::Unsupported, "{text}: {e:?}");
        assert_eq!(e.span.text(text), under, "{text}");
    }
    assert!(err(cases[0].0).message.contains("not available offline"));
    assert!(err(cases[2].0).message.contains("not available offline"));
}

#[test]
fn rendered_errors_point_at_the_line() {
    let text = "VMConnection\n| where BytesSent >\n| take 5";
    let e = err(text);
    assert_eq!(e.render(text), "3:1: expected an expression, found `|`\n| take 5\n^");
}

/// A tiny deterministic generator, so the fuzz tests need no crate.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn no_input_panics_or_hangs() {
    // Every prefix (at char boundaries) of every known query.
    for text in doc_queries().into_iter().map(|(_, q)| q).chain(REAL_WORLD_QUERIES) {
        for (i, _) in text.char_indices() {
            let _ = parse(&text[..i]);
        }
    }
    // Random byte strings and random splices of query tokens.
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let alphabet: Vec<&str> = vec![
        "T",
        "|",
        "where",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ";",
        "'a'",
        "\"",
        "1",
        "1.5",
        "1d",
        "let",
        "=",
        "==",
        "in",
        "!",
        "~",
        "datetime(",
        "dynamic(",
        "summarize",
        "by",
        "join",
        "on",
        "$left",
        ".",
        "..",
        "between",
        "*",
        "-",
        "union",
        "search",
        "mv-expand",
        "to",
        "typeof(",
        "parse",
        "with",
        "make-series",
        "step",
        "render",
        "x",
        "toscalar(",
        "not(",
        "@",
        "```",
        "h'",
        "//",
        "\n",
        " ",
        "é",
        "datatable",
        "print",
        "range",
        "from",
    ];
    for _ in 0..3000 {
        let len = (rng.next() % 30) as usize;
        let text: String =
            (0..len).map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize]).collect::<Vec<_>>().join(" ");
        let _ = parse(&text);
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() % 128) as u8).collect();
        let _ = parse(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn deep_nesting_is_a_limit_error_not_a_stack_overflow() {
    for (prefix, open, close, suffix) in
        [("", "(", ")", ""), ("", "-", "", ""), ("", "f(", ")", ""), ("dynamic(", "[", "]", ")"), ("", "not(", ")", "")]
    {
        let text = format!("print {prefix}{}1{}{suffix}", open.repeat(5000), close.repeat(5000));
        let e = err(&text);
        assert_eq!(e.kind, ErrorKind::Limit, "{prefix}{open}");
        assert_eq!(e.message, format!("the query nests deeper than {MAX_DEPTH} levels"));
    }
    let text = format!("T | where x in {}T{}", "(".repeat(5000), ")".repeat(5000));
    assert_eq!(err(&text).kind, ErrorKind::Limit);
    // Ordinary nesting is fine.
    ok(&format!("print {}1{}", "(".repeat(20), ")".repeat(20)));
}

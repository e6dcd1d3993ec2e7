//! Bad queries never panic: every prefix of the documentation queries, and queries made of
//! shuffled pieces of them, either run or fail with an error.

use super::store;
use crate::kql::{QueryOptions, run};

const PIECES: &[&str] = &[
    "VMConnection",
    "VMComputer",
    "| where",
    "| summarize",
    "count()",
    "by",
    "bin(TimeGenerated, 1h)",
    "| join",
    "kind=leftouter",
    "(VMBoundPort)",
    "on",
    "Machine",
    "$left.Machine == $right.Machine",
    "| mv-expand",
    "ips",
    "to typeof(string)",
    "| extend",
    "x =",
    "strcat(Computer, ':', Port)",
    "| project",
    "| sort by",
    "asc",
    "desc",
    "| make-series",
    "sum(BytesSent)",
    "default=0",
    "on TimeGenerated",
    "step 1h",
    "| parse",
    "with",
    "'a'",
    "*",
    "| top 3 by",
    "| take",
    "5",
    "-1",
    "0",
    "| distinct",
    "let a = 1;",
    "let t = VMConnection | take 2;",
    "t",
    "| union",
    "datatable(a: long) [1, 2]",
    "| render timechart",
    "| search",
    "\"x*\"",
    "toscalar(",
    ")",
    "(",
    "[",
    "]",
    "dynamic([1, [2]])",
    "| getschema",
    "arg_max(TimeGenerated, *)",
    "| lookup",
    "materialize(",
    "| as T",
    "range r from 1 to 3 step 1",
    "print",
    "1/0",
    "datetime(2026-10-05)",
    "ago(1d)",
    "in (",
    "has",
    "!in",
    "=~",
    "between (1 .. 2)",
    "| project-away",
    "Type",
    "| count",
    "row_number()",
    "prev(Port)",
    "iff(",
    ",",
    "==",
    "and",
];

#[test]
fn prefixes_and_shuffles_of_real_queries_never_panic() {
    let s = store(&[(
        "VMConnection.csv",
        "TimeGenerated,Computer,Machine,BytesSent,RemoteIp\n2026-10-05T08:00:00Z,a,m-1,5,10.0.0.1\n2026-10-05T09:00:00Z,b,m-2,7,10.0.0.2\n",
    )]);
    let options = QueryOptions { max_cells: 1_000_000, ..QueryOptions::default() };
    let queries = [
        super::docs::outbound(),
        "VMConnection | summarize sum(BytesSent), sum(BytesReceived) by bin(TimeGenerated,1hr), Computer | order by Computer desc | render timechart",
        "VMComputer | where AzureResourceName in ((search in (VMProcess) \"*sql*\" | distinct Machine)) | distinct Computer",
        "VMBoundPort\n| where Ip != \"127.0.0.1\"\n| summarize BytesSent=sum(BytesSent), arg_max(TimeGenerated, LinksLive) by Machine, Port\n| project-away TimeGenerated",
    ];
    for q in queries {
        let mut end = 0;
        while end <= q.len() {
            if q.is_char_boundary(end) {
                let _ = run(&s, &q[..end], &options);
            }
            end += 3;
        }
    }
    // Pieces in a pseudo-random order (a fixed LCG, so failures reproduce).
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..3000 {
        // Half start as a real query does, so planning and running are reached often.
        let mut q = if seed.is_multiple_of(2) { String::from("VMConnection ") } else { String::new() };
        let pieces = 2 + (seed % 9) as usize;
        for _ in 0..pieces {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            q.push_str(PIECES[(seed >> 33) as usize % PIECES.len()]);
            q.push(' ');
        }
        let _ = run(&s, &q, &options);
    }
}

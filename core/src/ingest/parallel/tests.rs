//! Loading on 1, 2 and 8 threads, with chunks cut everywhere, gives the same store and the
//! same warnings, over files with the troubles users' files have: quoted fields holding
//! newlines and quotes, broken quoting, bad values, NUL bytes, unknown tables, blank lines,
//! JSON lines that are not JSON or end inside a record, records bringing new keys.

use super::*;
use crate::ingest::{Loaded, load_reader_with};
use crate::layout::rng::SplitMix64;
use crate::model::TableKind;
use crate::store::Sym;
use std::fmt::Write;

/// Everything a user can see of a loaded file: every symbol in order, every table's rows and
/// columns (extras by name, in order), the warnings kept and their count.
fn fingerprint(loaded: &Loaded) -> Vec<String> {
    let batch = &loaded.batch;
    let mut out = Vec::new();
    for i in 0..batch.interner.len() as u32 {
        out.push(format!("sym {i} {:?}", batch.interner.resolve(Sym(i))));
    }
    for kind in TableKind::ALL {
        let table = batch.table(kind);
        let extras: Vec<&str> = table.extras.iter().map(|(name, _)| name.as_str()).collect();
        out.push(format!("{} rows {} extras {extras:?}", kind.name(), table.len()));
        for row in 0..table.len() {
            let mut line = format!("{} row {row}:", kind.name());
            for column in table.columns.iter().chain(table.extras.iter().map(|(_, c)| c)) {
                let _ = write!(line, " {:?}", column.get(row));
            }
            out.push(line);
        }
    }
    for w in &loaded.warnings.kept {
        out.push(format!("{}:{}:{}: {}", w.file, w.line, w.column, w.message));
    }
    out.push(format!("warnings {} shape {:?}", loaded.warnings.total, loaded.shape));
    out
}

fn load(name: &str, bytes: &[u8], threads: usize, chunk_bytes: usize) -> Loaded {
    let options = LoadOptions { threads: Threads::new(threads), chunk_bytes };
    load_reader_with(name, bytes, bytes.len() as u64, options, &mut |_| true)
        .unwrap_or_else(|e| panic!("{name} on {threads} threads, chunks of {chunk_bytes}: {e}"))
}

/// Loads `bytes` serially and on 2 and 8 threads with several chunk sizes; all must match.
fn assert_same_whatever_the_threads(name: &str, bytes: &[u8]) -> Vec<String> {
    let serial = fingerprint(&load(name, bytes, 1, CHUNK_BYTES));
    for threads in [2, 8] {
        for chunk_bytes in [97, 256, 4096, 65_536] {
            let got = fingerprint(&load(name, bytes, threads, chunk_bytes));
            let first_difference = serial.iter().zip(&got).position(|(a, b)| a != b);
            if let Some(i) = first_difference {
                panic!(
                    "{name}, {threads} threads, chunks of {chunk_bytes} bytes differ from serial at line {i}:\n  serial:   {}\n  parallel: {}",
                    serial[i], got[i]
                );
            }
            assert_eq!(serial.len(), got.len(), "{name}, {threads} threads, chunks of {chunk_bytes}");
        }
    }
    serial
}

const MACHINES: [&str; 5] = [
    "m-11111111-1111-4111-8111-111111111111",
    "m-22222222-2222-4222-8222-222222222222",
    "m-33333333-3333-4333-8333-333333333333",
    "m-44444444-4444-4444-8444-444444444444",
    "m-55555555-5555-4555-8555-555555555555",
];

/// A union portal CSV of ~3,000 rows with every kind of trouble, `\r\n` line ends.
fn troubled_csv() -> String {
    let mut rng = SplitMix64::new(19);
    let mut csv = String::from(
        "Computer,RemoteIp,DestinationPort,Direction,\"TimeGenerated [UTC]\",BytesSent,BytesReceived,\
         LinksFailed,Machine,Process,ProcessName,Note,Type\r\n",
    );
    for row in 0..3000 {
        let machine = rng.below(MACHINES.len());
        let ip = format!("10.0.{}.{}", rng.below(4), rng.below(250));
        let port = [80, 443, 1433, 8080][rng.below(4)];
        let minute = row / 60;
        let time = format!("\"10/5/2026, {}:{:02}:00.000 AM\"", 1 + minute / 60, minute % 60);
        let (sent, received) = (rng.below(100_000), rng.below(100_000));
        let note = match rng.below(12) {
            0 => format!("\"first line\r\nsecond, with \"\"quotes\"\" {row}\""),
            1 => "\"\"\"quoted\"\"\nacross\nthree lines\"".to_string(),
            2 => format!("note {}", rng.below(30)),
            _ => String::new(),
        };
        let table = match rng.below(40) {
            0 => "Heartbeat",
            1 => "VMProcess",
            _ => "VMConnection",
        };
        let process = format!("p-{machine}{:039}", rng.below(6));
        let mut line = format!(
            "web{machine}.contoso.com,\"{ip}\",{port},outbound,{time},{sent},{received},{},\"{}\",\"{process}\",proc{},{note},{table}",
            rng.below(3),
            MACHINES[machine],
            rng.below(6),
        );
        match rng.below(60) {
            0 => line = line.replacen(",outbound,", ",out\"bound,", 1),
            1 => line = line.replacen(&format!(",{sent},"), ",lots,", 1),
            2 => line = line.replacen(&format!(",{port},"), ",70000,", 1),
            3 => line.push_str(",one too many"),
            4 => line = line.replacen("outbound", "out\0bound", 1),
            5 => csv.push_str("\r\n"),
            _ => {}
        }
        csv.push_str(&line);
        csv.push_str("\r\n");
    }
    // A quote opened in the last row and never closed.
    csv.push_str(
        "web1.contoso.com,\"10.0.0.1\",80,outbound,\"10/5/2026, 9:00:00.000 AM\",1,2,0,\"m-1\",\"p-1\",x,\"open\r\n",
    );
    csv
}

#[test]
fn portal_csv_loads_the_same_on_any_number_of_threads() {
    let csv = troubled_csv();
    let serial = assert_same_whatever_the_threads("union.csv", csv.as_bytes());
    let warnings = serial.iter().filter(|l| l.starts_with("union.csv:")).count();
    assert!(warnings >= 50, "the file's troubles were found ({warnings} warnings)");
    assert!(serial.iter().any(|l| l.contains("a quote inside an unquoted field")));
    assert!(serial.iter().any(|l| l.contains("NUL byte")));
    assert!(serial.iter().any(|l| l.contains("not a VM Insights map table")));
    assert!(serial.iter().any(|l| l.starts_with("VMProcess rows") && !l.contains("rows 0 ")));
    assert!(serial.iter().any(|l| l.contains("across\\nthree lines")), "quoted newlines kept in the value");
}

/// JSON Lines with a key that appears late, other tables' records, and bad lines: not JSON,
/// cut short, and records whose line ends inside them (the next chunk may start there).
fn troubled_json_lines() -> String {
    let mut rng = SplitMix64::new(7);
    let mut text = String::new();
    for row in 0..2500 {
        let machine = MACHINES[rng.below(MACHINES.len())];
        let late =
            if row > 1200 && rng.below(5) == 0 { format!(",\"LateKey\":\"v{}\"", rng.below(9)) } else { String::new() };
        let table = if rng.below(30) == 0 { "VMBoundPort" } else { "VMConnection" };
        let record = format!(
            "{{\"TimeGenerated\":\"2026-10-05T08:{:02}:00.0000000Z\",\"Machine\":\"{machine}\",\"Process\":\"p-{}\",\
             \"RemoteIp\":\"10.1.{}.{}\",\"DestinationPort\":{},\"BytesSent\":{},\"Direction\":\"outbound\"{late},\
             \"AdditionalInformation\":{{\"tags\":[\"a]\",\"b\\\"}}{{\"]}},\"Type\":\"{table}\"}}",
            row % 60,
            rng.below(8),
            rng.below(3),
            rng.below(200),
            [80, 443][rng.below(2)],
            rng.below(50_000),
        );
        match rng.below(50) {
            0 => text.push_str("not json at all\n"),
            1 => text.push_str(&record[..record.len() / 2]),
            // Ends with a closing brace, but inside the record: the line after starts a record.
            2 => text.push_str("{\"Machine\":\"m-x\",\"AdditionalInformation\":{\"a\":1}"),
            3 => text.push_str("{\"Machine\":\"m-y\",\"BytesSent\":\"many\",\"Type\":\"VMConnection\"}"),
            _ => text.push_str(&record),
        }
        text.push('\n');
    }
    text
}

#[test]
fn json_lines_load_the_same_on_any_number_of_threads() {
    let text = troubled_json_lines();
    let serial = assert_same_whatever_the_threads("PT1H.json", text.as_bytes());
    assert!(serial.iter().any(|l| l.contains("LateKey")), "the late key is an extra column");
    assert!(serial.iter().any(|l| l.contains("the line ends inside the record")));
    assert!(serial.iter().any(|l| l.contains("line skipped")));
    assert!(serial.iter().any(|l| l.starts_with("VMBoundPort rows") && !l.contains("rows 0 ")));
}

/// A JSON array of ~1,500 records: `az` CLI style (every value a string, `"None"`) or
/// plain, compact or pretty-printed, with strings and nested values holding `},{`, stray
/// elements, bad values, and text after the array.
fn troubled_json_array(pretty: bool, az: bool) -> String {
    let mut rng = SplitMix64::new(11);
    let mut records = Vec::new();
    for row in 0..1500 {
        let machine = MACHINES[rng.below(MACHINES.len())];
        let bytes = if rng.below(40) == 0 { "\"lots\"".to_string() } else { rng.below(90_000).to_string() };
        let bytes = if az && !bytes.starts_with('"') { format!("\"{bytes}\"") } else { bytes };
        let table = if az { "\"TableName\": \"PrimaryResult\", " } else { "" };
        let record = format!(
            "{{{table}\"TimeGenerated\": \"2026-10-05T08:{:02}:00Z\", \"Machine\": \"{machine}\", \"RemoteIp\": \"10.3.0.{}\",              \"BytesSent\": {bytes}, \"Note\": \"a }},{{ b }}, {{\", \"AdditionalInformation\": {{\"x\": [{{\"y\": 1}},{{\"z\": \"None\"}}]}},              \"Type\": \"VMConnection\"}}",
            row % 60,
            rng.below(250),
        );
        match rng.below(60) {
            0 => records.push("42".to_string()),
            1 => records.push("{\"Machine\": }".to_string()),
            _ => records.push(if pretty { record.replace(", \"", ",\n    \"") } else { record }),
        }
    }
    let separator = if pretty { ",\n  " } else { "," };
    format!("[{}{}]\n trailing", if pretty { "\n  " } else { "" }, records.join(separator))
}

#[test]
fn json_arrays_load_the_same_on_any_number_of_threads() {
    for (pretty, az) in [(false, false), (true, false), (true, true)] {
        let text = troubled_json_array(pretty, az);
        let serial = assert_same_whatever_the_threads("VMConnection.json", text.as_bytes());
        assert!(serial.iter().any(|l| l.contains("column BytesSent")), "pretty {pretty}, az {az}");
        assert!(serial.iter().any(|l| l.contains("not a record")));
        assert!(serial.iter().any(|l| l.contains("text after the end of the JSON array")));
        assert!(serial.iter().any(|l| l.starts_with("VMConnection rows") && !l.contains("rows 0 ")));
    }
}

/// A REST response: a table that is not a map table, then one whose rows hold strings and
/// nested arrays with `],[` in them, short rows and bad values, one with no rows, and one
/// more with a key after its rows, and a key after the tables.
fn troubled_rest_json() -> String {
    let row = |row: usize| {
        let value = if row % 37 == 5 { "\"not a number\"".to_string() } else { row.to_string() };
        let dns = if row.is_multiple_of(3) { "[[\"a\"],[\"b\"]]" } else { "\"[\\\"x\\\"],[\\\"y\\\"]\"" };
        match row % 97 {
            13 => "[\"2026-10-05T08:00:00Z\"]".to_string(),
            _ => format!(
                "[\"2026-10-05T08:{:02}:00Z\",\"{}\",\"10.2.0.{}\",{value},\"str with ], [ and \\\"\",{dns}]",
                row % 60,
                MACHINES[row % 5],
                row % 250
            ),
        }
    };
    let rows = |n: usize, separator: &str| (0..n).map(row).collect::<Vec<_>>().join(separator);
    let columns = "[{\"name\":\"TimeGenerated\"},{\"name\":\"Machine\"},{\"name\":\"RemoteIp\"},\
                   {\"name\":\"BytesSent\"},{\"name\":\"Note\"},{\"name\":\"RemoteDnsQuestions\"}]";
    format!(
        "{{\"tables\":[{{\"name\":\"Heartbeat\",\"columns\":[{{\"name\":\"Beat\"}}],\"rows\":[[1],[2]]}},\
         {{\"name\":\"VMConnection\",\"columns\":{columns},\"rows\":[\n{}\n]}},\
         {{\"name\":\"VMConnection\",\"columns\":{columns},\"rows\":[]}},\
         {{\"name\":\"VMConnection\",\"columns\":{columns},\"rows\":[{}],\"more\":[[1],[2]]}}],\
         \"statistics\":{{\"rows\":[[\"x\"]]}}}}",
        rows(400, ",\n"),
        rows(300, ","),
    )
}

#[test]
fn rest_json_loads_the_same_on_any_number_of_threads() {
    let text = troubled_rest_json();
    // A name that is no table's: each table's rows go by its own name.
    let serial = assert_same_whatever_the_threads("response.json", text.as_bytes());
    assert!(serial.iter().any(|l| l.contains("column BytesSent")));
    assert!(serial.iter().any(|l| l.contains("row has 1 values")));
    assert!(serial.iter().any(|l| l.contains("\"Heartbeat\"")), "the other table is noted");
    assert!(serial.iter().any(|l| l.starts_with("VMConnection rows") && l.contains("rows 6")), "both tables' rows");
}

#[test]
fn progress_reaches_the_end_and_cancel_stops_a_parallel_load() {
    let csv = troubled_csv();
    let options = LoadOptions { threads: Threads::new(2), chunk_bytes: 4096 };
    let total = csv.len() as u64;
    let mut last = Progress::default();
    let loaded = load_reader_with("p.csv", csv.as_bytes(), total, options, &mut |p| {
        assert!(p.bytes_done >= last.bytes_done, "progress never goes back");
        last = p;
        true
    });
    assert!(loaded.is_ok());
    assert_eq!(last.bytes_done, total);
    // Four times the rows: progress is reported about every megabyte, and the load is
    // cancelled at the first report past one, with chunks still to read.
    let body = csv.split_once("\r\n").map_or("", |(_, rows)| rows).repeat(3);
    let bigger = format!("{csv}{body}");
    let mut stopped_at = 0;
    let cancelled = load_reader_with("p.csv", bigger.as_bytes(), bigger.len() as u64, options, &mut |p| {
        stopped_at = p.bytes_done;
        p.bytes_done < 1 << 20
    });
    assert!(matches!(cancelled, Err(e) if e.kind == LoadErrorKind::Cancelled));
    assert!(stopped_at < bigger.len() as u64, "cancelled before the end");
}

#[test]
fn several_files_load_at_once_in_the_order_given() {
    let dir = std::env::temp_dir().join(format!("vmi-parallel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("union.csv");
    let lines = dir.join("PT1H.json");
    let missing = dir.join("missing.csv");
    std::fs::write(&csv, troubled_csv()).unwrap();
    std::fs::write(&lines, troubled_json_lines()).unwrap();
    let paths = vec![lines.clone(), missing, csv.clone()];
    let options = LoadOptions { threads: Threads::new(2), chunk_bytes: 8192 };
    let results = crate::ingest::load_paths(&paths, options);
    let serial = crate::ingest::load_paths(&paths, LoadOptions { threads: Threads::ONE, chunk_bytes: 8192 });
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(results.len(), 3);
    assert!(results[1].is_err(), "a missing file fails alone");
    for i in [0, 2] {
        let (a, b) = (results[i].as_ref().unwrap(), serial[i].as_ref().unwrap());
        assert_eq!(a.batch.source, paths[i].display().to_string(), "results in the order given");
        assert!(fingerprint(a) == fingerprint(b), "{} loads as it does serially", paths[i].display());
    }
}

/// Damaged copies of the JSON files above (cut short anywhere, a byte changed anywhere) load
/// on 2 threads in tiny chunks exactly as on one, or fail with the same error.
#[test]
fn damaged_json_loads_the_same_on_any_number_of_threads() {
    let outcome = |name: &str, bytes: &[u8], threads: usize| {
        let options = LoadOptions { threads: Threads::new(threads), chunk_bytes: 97 };
        match load_reader_with(name, bytes, bytes.len() as u64, options, &mut |_| true) {
            Ok(loaded) => fingerprint(&loaded),
            Err(e) => vec![format!("error: {e}")],
        }
    };
    let mut rng = SplitMix64::new(23);
    let files = [
        ("response.json", troubled_rest_json()),
        ("VMConnection.json", troubled_json_array(true, true)),
        ("VMConnection.json", troubled_json_array(false, false)),
        ("PT1H.json", troubled_json_lines()),
    ];
    for (name, text) in files {
        for round in 0..24 {
            let mut bytes = text.as_bytes().to_vec();
            let at = rng.below(bytes.len());
            if round % 2 == 0 {
                bytes.truncate(at);
            } else {
                bytes[at] = b"[]{},\"\\ x0"[rng.below(10)];
            }
            let serial = outcome(name, &bytes, 1);
            let parallel = outcome(name, &bytes, 2);
            let first_difference = serial.iter().zip(&parallel).position(|(a, b)| a != b);
            assert!(
                first_difference.is_none() && serial.len() == parallel.len(),
                "{name}, round {round} (byte {at}): serial {:?} / parallel {:?}",
                first_difference.map(|i| &serial[i]),
                first_difference.map(|i| &parallel[i]),
            );
        }
    }
}

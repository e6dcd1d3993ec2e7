//! Bad input, tried hard: every row error skips its row with a warning at the bad byte's
//! own line and column and keeps the rest of the file.

use vmi_core::ingest::{self, Loaded};
use vmi_core::model::TableKind;

fn load(source: &str, text: &[u8]) -> Loaded {
    ingest::load_bytes(source, text).unwrap_or_else(|e| panic!("{source}: {e}"))
}

/// (line, column) of every kept warning.
fn places(loaded: &Loaded) -> Vec<(u64, u64)> {
    loaded.warnings.kept.iter().map(|w| (w.line, w.column)).collect()
}

fn record(i: usize) -> String {
    format!(r#"{{"Type":"VMProcess","TimeGenerated":"2026-10-05T08:00:00Z","Machine":"m-{i}","Process":"p-{i}"}}"#)
}

fn lines_with(bad: &str, at: usize, total: usize) -> String {
    let mut text = String::new();
    for i in 0..total {
        text.push_str(&if i == at { bad.to_string() } else { record(i) });
        text.push('\n');
    }
    text
}

#[test]
fn one_bad_json_line_costs_only_that_line() {
    let cases: [(&str, &str, u64); 8] = [
        ("not json", "{\"Type\":\"VMProcess\",,}", 21),
        ("a bare number", "42", 1),
        ("a line cut short", "{\"Type\":\"VMProcess\",\"Machine\":\"m", 1),
        ("NaN", "{\"Type\":\"VMProcess\",\"Machine\":NaN}", 31),
        ("-Infinity", "{\"Type\":\"VMProcess\",\"Machine\":-Infinity}", 32),
        ("an invalid escape", "{\"Type\":\"VMProcess\",\"Machine\":\"a\\xb\"}", 33),
        ("a lone surrogate", "{\"Type\":\"VMProcess\",\"Machine\":\"\\ud800x\"}", 32),
        ("a NUL byte", "{\"Type\":\"VMProcess\",\"Machine\":\"m\u{0}\"}", 33),
    ];
    for (what, bad, column) in cases {
        let text = lines_with(bad, 500, 1000);
        let loaded = load("records.jsonl", text.as_bytes());
        assert_eq!(loaded.batch.table(TableKind::VMProcess).len(), 999, "{what}");
        assert_eq!(loaded.warnings.total, 1, "{what}: {:?}", loaded.warnings);
        assert_eq!(places(&loaded), [(501, column)], "{what}: {}", loaded.warnings.kept[0]);
        assert!(loaded.warnings.kept[0].to_string().starts_with(&format!("records.jsonl:501:{column}: ")));
    }
}

#[test]
fn a_deep_array_in_one_record_skips_that_record() {
    let deep =
        format!("{{\"Type\":\"VMProcess\",\"Machine\":\"m\",\"Deep\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let text = lines_with(&deep, 1, 3);
    let loaded = load("deep.jsonl", text.as_bytes());
    assert_eq!(loaded.batch.table(TableKind::VMProcess).len(), 2);
    assert_eq!(places(&loaded), [(2, 42)]);
    assert!(loaded.warnings.kept[0].message.contains("recursion limit"), "{}", loaded.warnings.kept[0]);
}

#[test]
fn the_last_json_line_cut_short_is_skipped_with_a_warning() {
    let mut text = lines_with("", 99, 3);
    text.push_str("{\"Type\":\"VMProcess\",\"Mach");
    let loaded = load("cut.jsonl", text.as_bytes());
    assert_eq!(loaded.batch.table(TableKind::VMProcess).len(), 3);
    assert_eq!(places(&loaded), [(4, 1)]);
    assert!(loaded.warnings.kept[0].message.contains("ends inside this record"));
}

#[test]
fn bad_rest_rows_are_skipped_and_the_rows_after_them_load() {
    let rest = "{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":[{\"name\":\"Computer\"},{\"name\":\"Machine\"},{\"name\":\"Deep\"}],\"rows\":[\n\
        [\"a\",\"m-1\",null],\n\
        [\"b\",NaN,null],\n\
        [\"c\",\"m-\\x\",null],\n\
        [\"d\",\"m-4\",[[[[\"]\"]]]]],\n\
        [\"e\",\"m-5\",null]]}]}";
    let loaded = load("VMComputer.json", rest.as_bytes());
    assert_eq!(loaded.batch.table(TableKind::VMComputer).len(), 3);
    assert_eq!(places(&loaded), [(3, 6), (4, 9)]);
}

#[test]
fn a_nul_byte_anywhere_skips_only_its_row() {
    let mut csv = String::from("TimeGenerated,Computer,Machine\n");
    let row = "2026-10-05T00:00:00Z,web-01,m-1\n";
    // One NUL in the first 64 KiB and one far past it.
    let rows = 100_000 / row.len() * 2;
    for i in 0..rows {
        if i == 3 || i == rows - 2 {
            csv.push_str("2026-10-05T00:00:00Z,we\0b,m-1\n");
        } else {
            csv.push_str(row);
        }
    }
    let loaded = load("VMComputer.csv", csv.as_bytes());
    assert_eq!(loaded.batch.table(TableKind::VMComputer).len(), rows - 2);
    assert_eq!(places(&loaded), [(5, 24), (rows as u64, 24)]);
    assert!(loaded.warnings.kept[0].message.contains("NUL"));
    // A NUL in the header line is binary data.
    let header_nul = ingest::load_bytes("VMComputer.csv", b"Computer\0,Machine\nx,y\n");
    assert!(header_nul.is_err_and(|e| e.message.contains("binary")));
}

const HEADER: &str = "TimeGenerated,Computer,Machine\n";

fn csv_rows(rows: &[&str]) -> String {
    let mut text = String::from(HEADER);
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

#[test]
fn a_stray_quote_in_a_csv_field_skips_its_row_and_the_rows_it_ran_into_load() {
    let t = "2026-10-05T00:00:00Z";
    let rows: Vec<String> =
        (1..=7).map(|i| if i == 2 { format!("{t},we\"b01,m-{i}") } else { format!("{t},web-0{i},m-{i}") }).collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let loaded = load("VMComputer.csv", csv_rows(&refs).as_bytes());
    assert_eq!(loaded.batch.table(TableKind::VMComputer).len(), 6);
    assert_eq!(places(&loaded), [(3, 24)]);
    let message = &loaded.warnings.kept[0].message;
    assert!(message.starts_with("a quote inside an unquoted field; row skipped"), "{message}");
}

#[test]
fn a_csv_field_cut_inside_its_quote_at_the_end_is_skipped_with_a_warning() {
    for end in ["", "\n"] {
        let text = format!("{}2026-10-05T00:00:00Z,web-01,\"[\"\"1{end}", csv_rows(&["2026-10-05T00:00:00Z,a,m-1"]));
        let loaded = load("VMComputer.csv", text.as_bytes());
        assert_eq!(loaded.batch.table(TableKind::VMComputer).len(), 1, "{end:?}");
        assert_eq!(places(&loaded), [(3, 29)]);
        assert!(loaded.warnings.kept[0].message.starts_with("a quoted field is never closed"));
    }
}

#[test]
fn an_unclosed_quote_in_a_big_csv_keeps_memory_bounded_and_the_rows_after_it() {
    // 70 MB of rows after a quote that never closes: more than the splitter holds.
    let row = "2026-10-05T00:00:00Z,web-01,m-1\n";
    let rows = (70 << 20) / row.len();
    let mut csv = String::with_capacity(HEADER.len() + (rows + 2) * row.len());
    csv.push_str(HEADER);
    csv.push_str(row);
    csv.push_str("2026-10-05T00:00:00Z,\"web-02,m-2\n");
    for _ in 0..rows {
        csv.push_str(row);
    }
    let loaded = load("VMComputer.csv", csv.as_bytes());
    assert_eq!(loaded.batch.table(TableKind::VMComputer).len(), 1 + rows);
    assert_eq!(places(&loaded), [(3, 1)]);
    assert!(loaded.warnings.kept[0].message.contains("no complete record within 64 MB"), "{}", loaded.warnings.kept[0]);
}

#[test]
fn negative_counters_and_ports_out_of_range_skip_their_row() {
    let csv = "TimeGenerated,Machine,DestinationPort,BytesSent,LinksLive\n\
        2026-10-05T00:00:00Z,m-1,443,10,1\n\
        2026-10-05T00:00:00Z,m-1,443,-5,1\n\
        2026-10-05T00:00:00Z,m-1,70000,10,1\n\
        2026-10-05T00:00:00Z,m-1,-1,10,1\n\
        2026-10-05T00:00:00Z,m-1,443,9223372036854775807,-1\n\
        2026-10-05T00:00:00Z,m-1,65535,9223372036854775807,0\n";
    let loaded = load("VMConnection.csv", csv.as_bytes());
    assert_eq!(loaded.batch.table(TableKind::VMConnection).len(), 2);
    assert_eq!(places(&loaded), [(3, 4), (4, 3), (5, 3), (6, 5)]);
    let messages: Vec<&str> = loaded.warnings.kept.iter().map(|w| w.message.as_str()).collect();
    assert!(messages[0].starts_with("column BytesSent: a counter cannot be negative"), "{}", messages[0]);
    assert!(messages[1].starts_with("column DestinationPort: a port is a number from 0 to 65535"), "{}", messages[1]);
    // The same from JSON, whose integers are parsed while scanned.
    let json = r#"{"Type":"VMBoundPort","TimeGenerated":"2026-10-05T00:00:00Z","Machine":"m","Port":65536}
{"Type":"VMBoundPort","TimeGenerated":"2026-10-05T00:00:00Z","Machine":"m","Port":80,"BytesSent":-1}
{"Type":"VMBoundPort","TimeGenerated":"2026-10-05T00:00:00Z","Machine":"m","Port":80}"#;
    let loaded = load("ports.jsonl", json.as_bytes());
    assert_eq!(loaded.batch.table(TableKind::VMBoundPort).len(), 1);
    assert_eq!(loaded.warnings.total, 2);
}

#[test]
fn time_zone_offsets_out_of_range_are_not_times() {
    use vmi_core::model::time::Timestamp;
    assert!(Timestamp::parse("2026-10-05T08:00:00+99:99").is_none());
    assert!(Timestamp::parse("2026-10-05T08:00:00+15:00").is_none());
    assert!(Timestamp::parse("2026-10-05T08:00:00+05:60").is_none());
    let east = Timestamp::parse("2026-10-05T08:00:00+14:00").map(Timestamp::unix_secs);
    assert_eq!(east, Timestamp::parse("2026-10-04T18:00:00Z").map(Timestamp::unix_secs));
    // A header suffix out of range is no offset: the times are read as UTC, never overflowed.
    let csv = "TimeGenerated [UTC+99999999999999999:00],Computer,Machine\n2026-10-05T00:00:00Z,a,m\n";
    assert_eq!(load("VMComputer.csv", csv.as_bytes()).batch.rows(), 1);
}

#[test]
fn each_rest_table_is_read_by_its_own_name_and_columns_and_short_rows_are_warned() {
    let rest = r#"{"tables":[
{"name":"VMConnection","columns":[{"name":"TimeGenerated"},{"name":"Machine"},{"name":"BytesSent"}],"rows":[
["2026-10-05T00:00:00Z","m-1",5],
["2026-10-05T00:00:00Z","m-1"],
[]]},
{"name":"Heartbeat","columns":[{"name":"Category"},{"name":"OSType"}],"rows":[["Direct Agent","Linux"],["Direct Agent","Windows"]]},
{"name":"VMComputer","columns":[{"name":"TimeGenerated"},{"name":"Computer"},{"name":"Machine"}],"rows":[["2026-10-05T00:00:00Z","web-01","m-1"]]}]}"#;
    let loaded = load("response.json", rest.as_bytes());
    assert_eq!(loaded.batch.table(TableKind::VMConnection).len(), 1);
    assert_eq!(loaded.batch.table(TableKind::VMComputer).len(), 1);
    assert_eq!(loaded.batch.rows(), 2, "the Heartbeat rows are not loaded as anything");
    let said: Vec<(u64, u64, &str)> =
        loaded.warnings.kept.iter().map(|w| (w.line, w.column, w.message.as_str())).collect();
    assert_eq!(
        said,
        [
            (4, 1, "row has 2 values but the header has 3 columns: skipped"),
            (5, 1, "row has 0 values but the header has 3 columns: skipped"),
            (6, 1, "table \"Heartbeat\" is none of VMComputer, VMProcess, VMConnection, VMBoundPort: skipped"),
        ]
    );
    // A response whose only table is none of the four is not an export.
    let other = r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"Category"}],"rows":[["x"]]}]}"#;
    let error = ingest::load_bytes("other.json", other.as_bytes()).err().map(|e| e.kind);
    assert_eq!(error, Some(ingest::LoadErrorKind::NotAnExport));
}

#[test]
fn duplicate_column_names_are_warned_and_the_first_stands() {
    let csv = "TimeGenerated,Computer,Machine,Computer\n2026-10-05T00:00:00Z,web-01,m-1,web-99\n";
    let loaded = load("VMComputer.csv", csv.as_bytes());
    assert_eq!(places(&loaded), [(1, 4)]);
    assert_eq!(
        loaded.warnings.kept[0].message,
        "column Computer (number 4) is named twice: the first one's values are used"
    );
    let store = {
        let mut store = vmi_core::store::Store::default();
        store.merge(loaded.batch);
        store
    };
    assert_eq!(store.text(TableKind::VMComputer, vmi_core::model::schema::computer::COMPUTER, 0), "web-01");
    let rest = r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"Machine"},{"name":"Machine"}],"rows":[["m-1","m-2"]]}]}"#;
    let loaded = load("VMComputer.json", rest.as_bytes());
    assert_eq!(places(&loaded), [(1, 2)]);
}

#[test]
fn a_file_sharing_a_column_name_but_no_identity_columns_is_rejected() {
    let netstat = "\"SourceIP\",\"DestinationIP\",\"Port\"\n\"10.0.0.1\",\"10.0.0.2\",\"443\"\n";
    let error = ingest::load_bytes("netstat.csv", netstat.as_bytes()).err();
    let error = error.unwrap_or_else(|| panic!("a netstat CSV is no export"));
    assert_eq!(error.kind, ingest::LoadErrorKind::NotAnExport);
    assert_eq!(
        error.message,
        "not a VM Insights map export: the columns (SourceIP, DestinationIP, Port) look like VMBoundPort but lack \
         Machine or Computer, TimeGenerated"
    );
}

#[test]
fn file_names_and_messages_are_escaped_for_the_terminal() {
    let name = "evil\n\u{1b}[31mVMComputer.csv";
    let error = ingest::load_bytes(name, b"").err().map(|e| e.to_string());
    assert_eq!(error.as_deref(), Some("evil\\u{a}\\u{1b}[31mVMComputer.csv: the file is empty"));
    let loaded = load(name, b"TimeGenerated,Computer,Machine\n2026-10-05T00:00:00Z,a,m\n2026-10-05T00:00:00Z,a,m\0\n");
    assert_eq!(
        loaded.warnings.kept[0].to_string(),
        "evil\\u{a}\\u{1b}[31mVMComputer.csv:3:25: a NUL byte (binary data); row skipped"
    );
    assert_eq!(ingest::error::terminal_safe("plain.csv"), "plain.csv");
}

#[test]
fn names_with_characters_xml_forbids_leave_the_svg_and_graphml_well_formed() {
    use vmi_core::graph::export::{GraphFormat, export_graph};
    use vmi_core::graph::view::{ViewOptions, build_view};
    use vmi_core::graph::{Inventory, MapRequest, build_map};
    use vmi_core::render::map::{render_svg, xml_allowed};
    use vmi_core::render::{MapPicture, MapScene, Theme};
    let bad = "we\u{1}b\u{1b}\u{fffe}\u{ffff}01";
    let rows = format!(
        "TimeGenerated,Computer,Machine,DisplayName\n2026-10-05T00:00:00Z,{bad},m-1,{bad}\n2026-10-05T00:00:00Z,db,m-2,db\n"
    );
    let mut store = vmi_core::store::Store::default();
    store.merge(load("VMComputer.csv", rows.as_bytes()).batch);
    let connections = "TimeGenerated,Machine,Process,Direction,SourceIp,DestinationIp,DestinationPort,RemoteIp,BytesSent\n\
        2026-10-05T08:00:00Z,m-1,p-1,outbound,10.0.0.1,10.0.0.2,1433,10.0.0.2,10\n";
    store.merge(load("VMConnection.csv", connections.as_bytes()).batch);
    let inventory = Inventory::new(&store);
    let map = build_map(&store, &inventory, &MapRequest::default());
    let view = build_view(&store, &inventory, &map, &ViewOptions { expand_all: true, ..Default::default() });
    let positions: Vec<[f32; 2]> = (0..view.nodes.len()).map(|i| [i as f32 * 50.0, 0.0]).collect();
    let scene = MapScene::new(&view, &positions);
    let title = format!("map of {bad}\u{0}.csv");
    let picture = MapPicture {
        scene: &scene,
        width_px: 800,
        region: None,
        theme: Theme::Light,
        title: Some(title),
        legend: true,
    };
    let svg = render_svg(&picture).unwrap_or_else(|e| panic!("{e}"));
    roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("the SVG is XML: {e}"));
    assert!(
        svg.contains("map of we\u{fffd}b\u{fffd}\u{fffd}\u{fffd}01\u{fffd}.csv"),
        "the title is kept, its controls replaced"
    );
    let graphml = export_graph(&store, &inventory, &map, &view, &positions, GraphFormat::GraphMl);
    roxmltree::Document::parse(&graphml).unwrap_or_else(|e| panic!("the GraphML is XML: {e}"));
    assert_eq!(xml_allowed("a\tb\nc\u{1}\u{fffe}"), "a\tb\nc\u{fffd}\u{fffd}");
}

#[test]
fn json_warnings_name_the_bad_values_own_line_and_column() {
    let text = "[{\"Type\":\"VMConnection\",\"Machine\":\"m\",\"TimeGenerated\":\"2026-10-05T00:00:00Z\",\"BytesSent\":\"lots\"},\n\
        {\"Type\":\"VMConnection\",\n  \"Machine\":\"m\",\n  \"TimeGenerated\":\"not a time\"},\n\
        {\"Type\":\"VMConnection\",\"Machine\":\"m\",\"TimeGenerated\":\"2026-10-05T00:00:00Z\"}]";
    let loaded = load("values.json", text.as_bytes());
    assert_eq!(places(&loaded), [(1, 90), (4, 19)]);
    assert_eq!(loaded.batch.table(TableKind::VMConnection).len(), 1);
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_before_it_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("VMConnection.csv");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !status.is_ok_and(|s| s.success()) {
        println!("note: mkfifo is not available here; the FIFO check is not exercised");
        return;
    }
    // Opening a FIFO for reading blocks until a writer comes: this must return at once.
    let error = ingest::load_path(&fifo, &mut |_| true).unwrap_err();
    assert!(error.to_string().contains("not a regular file"), "{error}");
    let error = ingest::load_path(dir.path(), &mut |_| true).unwrap_err();
    assert!(error.to_string().contains("is a folder"), "{error}");
}

#[test]
fn a_header_of_more_than_4096_columns_is_rejected_quickly() {
    // 160,000 empty-named columns once cost 1.2 GB; named ones grew faster than quadratically.
    for name in ["", "c"] {
        let mut csv = String::from("TimeGenerated,Machine");
        for i in 0..160_000 {
            csv.push(',');
            if !name.is_empty() {
                csv.push_str(&format!("{name}{i}"));
            }
        }
        csv.push_str("\n2026-10-05T00:00:00Z,m\n");
        let error = ingest::load_bytes("VMConnection.csv", csv.as_bytes()).unwrap_err();
        assert!(error.to_string().contains("more than 4096 columns"), "{error}");
    }
    // The same limit on a REST response's columns.
    let columns: Vec<String> = (0..5000).map(|i| format!(r#"{{"name":"c{i}","type":"string"}}"#)).collect();
    let rest = format!(r#"{{"tables":[{{"name":"VMConnection","columns":[{}],"rows":[]}}]}}"#, columns.join(","));
    let error = ingest::load_bytes("response.json", rest.as_bytes()).unwrap_err();
    assert!(error.to_string().contains("more than 4096 columns"), "{error}");
}

#[test]
fn a_json_record_with_80000_keys_is_skipped_and_the_others_load() {
    let mut wide =
        String::from(r#"{"Type":"VMProcess","TimeGenerated":"2026-10-05T08:00:00Z","Machine":"m","Process":"p""#);
    for i in 0..80_000 {
        wide.push_str(&format!(r#","k{i}":{i}"#));
    }
    wide.push('}');
    let text = lines_with(&wide, 1, 5);
    let loaded = load("records.jsonl", text.as_bytes());
    assert_eq!(loaded.batch.table(TableKind::VMProcess).len(), 4);
    assert_eq!(places(&loaded).first().map(|p| p.0), Some(2));
    assert!(loaded.warnings.kept[0].message.contains("4096 columns"), "{}", loaded.warnings.kept[0]);
}

#[test]
fn a_json_record_over_64_mb_is_skipped_and_reading_resumes() {
    let huge = format!(
        r#"{{"Type":"VMProcess","TimeGenerated":"2026-10-05T08:00:00Z","Machine":"m","Process":"{}"}}"#,
        "x".repeat(65 << 20)
    );
    let text = lines_with(&huge, 2, 6);
    // On threads the record lies whole in memory, in a chunk: it is skipped all the same.
    for threads in [1, 2, 8] {
        let options = ingest::LoadOptions::with_threads(ingest::Threads::new(threads));
        let loaded =
            ingest::load_reader_with("records.jsonl", text.as_bytes(), text.len() as u64, options, &mut |_| true)
                .unwrap_or_else(|e| panic!("{threads} threads: {e}"));
        assert_eq!(loaded.batch.table(TableKind::VMProcess).len(), 5, "{threads} threads");
        assert_eq!(places(&loaded).first().map(|p| p.0), Some(3), "{threads} threads");
        assert!(loaded.warnings.kept[0].message.contains("64 MB"), "{}", loaded.warnings.kept[0]);
    }
}

#[test]
fn byte_and_link_sums_saturate_instead_of_wrapping() {
    use vmi_core::graph::{Inventory, MapRequest, build_map};
    let max = i64::MAX;
    let connections = format!(
        "TimeGenerated,Machine,Process,Direction,SourceIp,DestinationIp,DestinationPort,RemoteIp,BytesSent,LinksFailed\n\
        2026-10-05T08:00:00Z,m-1,p-1,outbound,10.0.0.1,10.0.0.2,1433,10.0.0.2,{max},{max}\n\
        2026-10-05T08:01:00Z,m-1,p-1,outbound,10.0.0.1,10.0.0.2,1433,10.0.0.2,9,9\n"
    );
    let mut store = vmi_core::store::Store::default();
    store.merge(load("VMConnection.csv", connections.as_bytes()).batch);
    let inventory = Inventory::new(&store);
    let map = build_map(&store, &inventory, &MapRequest::default());
    let edge = map.graph.edge_weights().next().unwrap();
    assert_eq!(edge.metrics.bytes_sent, max);
    assert_eq!(edge.metrics.links_failed, max);
    assert_eq!(edge.metrics.rows, 2);
}

#[test]
fn csv_rows_with_a_field_count_other_than_the_headers_are_warned() {
    let csv = "TimeGenerated,Computer,Machine\n\
        2026-10-05T00:00:00Z,a,m-1\n\
        2026-10-05T00:00:00Z,b\n\
        2026-10-05T00:00:00Z,c,m-3,extra\n\
        2026-10-05T00:00:00Z,d,m-4\n";
    let loaded = load("VMComputer.csv", csv.as_bytes());
    assert_eq!(loaded.batch.table(TableKind::VMComputer).len(), 2);
    assert_eq!(places(&loaded), [(3, 3), (4, 4)]);
    let message = &loaded.warnings.kept[0].message;
    assert!(message.contains("row has 2 values but the header has 3 columns"), "{message}");
}

#[test]
fn rest_rows_that_are_not_arrays_are_skipped_and_the_rest_load() {
    let rest = r#"{"tables":[{"name":"VMComputer","columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"Computer","type":"string"},{"name":"Machine","type":"string"}],"rows":[
["2026-10-05T00:00:00Z","a","m-1"],
42,
"text, with ] and [",
{"Computer":"b"},
null,
["2026-10-05T00:00:00Z","c","m-3"]
]}]}"#;
    let loaded = load("response.json", rest.as_bytes());
    assert_eq!(loaded.batch.table(TableKind::VMComputer).len(), 2);
    assert_eq!(places(&loaded), [(3, 1), (4, 1), (5, 1), (6, 1)]);
}

#[test]
fn a_stray_element_in_an_array_of_records_is_skipped() {
    let text = format!("[{},\n42,\n\"x]\",\n[1,{{}}],\n{}]", record(0), record(1));
    let loaded = load("records.json", text.as_bytes());
    assert_eq!(loaded.batch.table(TableKind::VMProcess).len(), 2);
    assert_eq!(places(&loaded), [(2, 1), (3, 1), (4, 1)]);
    // The first element decides what the file is.
    assert!(ingest::load_bytes("records.json", b"[42, {}]").is_err());
}

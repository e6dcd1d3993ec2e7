//! The headless commands, run as a user runs them.

use crate::support::fixture;
use std::process::{Command, Output};

pub fn vmi_map(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmi-map"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run vmi-map: {e}"))
}

fn path(relative: &str) -> String {
    fixture(relative).display().to_string()
}

#[test]
fn summary_prints_one_json_object_and_fails_when_a_file_does() {
    let output = vmi_map(&[
        "summary",
        &path("portal-csv/VMComputer.csv"),
        &path("rest-json/VMConnection-rest.json"),
        &path("portal-csv/VMBoundPort.csv"),
        &path("bad/truncated.json"),
    ]);
    assert!(!output.status.success(), "a file that cannot be loaded makes the exit code non-zero");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("truncated.json:1:"), "{stderr}");
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary["records"]["VMConnection"], 4);
    assert_eq!(summary["records"]["VMComputer"], 3);
    assert_eq!(summary["machines"], 2);
    assert_eq!(summary["bytes_sent"], 1200 + 5400 + 800 + 9000);
    assert_eq!(summary["malicious_remote_ips"], serde_json::json!(["203.0.113.7"]));
    assert_eq!(summary["time_range"], serde_json::json!(["2026-10-05T08:03:00Z", "2026-10-05T08:05:00.6371632Z"]));
    // web01 -> sqlservr (db01 10.0.0.30, wildcard bind), web01 -> login.microsoftonline.com, clients -> nginx.
    assert_eq!(summary["edges"], 3);
    assert_eq!(summary["external_endpoints"], 1);
}

#[test]
fn summary_window_narrows_sums() {
    let output = vmi_map(&[
        "summary",
        "--from",
        "2026-10-05T08:04:00Z",
        "--to",
        "2026-10-05T08:05:00Z",
        &path("rest-json/VMConnection-rest.json"),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary["bytes_sent"], 800);
    assert_eq!(summary["edges"], 1);
}

#[test]
fn report_runs_saved_queries_by_id_with_their_parameters() {
    let list = vmi_map(&["report", "--list"]);
    let ids = String::from_utf8_lossy(&list.stdout);
    assert_eq!(ids.lines().count(), vmi_core::kql::library::SAVED_QUERIES.len());
    assert!(ids.lines().any(|l| l.starts_with("outbound-summary\t")));
    assert!(ids.lines().any(|l| l.starts_with("processes-cmdline\t") && l.ends_with("(Text)")));
    let output = vmi_map(&["report", "processes-cmdline", "--text", "SQLSERVR", &path("portal-csv/VMProcess.csv")]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "contains ignores case");
    let exe = header.iter().position(|h| h == "ExecutableName").unwrap();
    assert_eq!(&rows[0][exe], "sqlservr");
    let missing = vmi_map(&["report", "processes-cmdline", &path("portal-csv/VMProcess.csv")]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("`Text` has no value"));
    let bad = vmi_map(&["report", "no-such-report", &path("portal-csv/VMProcess.csv")]);
    assert!(!bad.status.success());
}

#[test]
fn query_prints_csv_json_and_tables_and_points_at_errors() {
    let files = [path("portal-csv/VMComputer.csv"), path("rest-json/VMConnection-rest.json")];
    let run = |args: &[&str]| {
        let mut all = vec!["query"];
        all.extend_from_slice(args);
        all.extend(files.iter().map(String::as_str));
        vmi_map(&all)
    };
    let query = "VMConnection | summarize Bytes = sum(BytesSent) by Computer | sort by Bytes desc";
    let csv = run(&[query]);
    assert!(csv.status.success(), "{}", String::from_utf8_lossy(&csv.stderr));
    assert_eq!(
        String::from_utf8_lossy(&csv.stdout),
        "Computer,Bytes\r\nweb01.contoso.com,11000\r\ndb01.contoso.com,5400\r\n"
    );
    let json = run(&["--format", "json", query]);
    let rows: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(rows[0]["Bytes"], 11000, "numbers stay numbers");
    let table = run(&["--format", "table", query]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.lines().nth(1).is_some_and(|l| l.starts_with("----")), "{text}");
    // Workbook parameters from --param.
    let param = run(&["--param", "Who=web01.contoso.com", "VMConnection | where Computer == '{Who}' | count"]);
    assert_eq!(String::from_utf8_lossy(&param.stdout), "Count\r\n3\r\n");
    // A misspelled column: line:col, the line, a caret under it, exit code 2.
    let bad = run(&["VMConnection\n| where BytesSnt > 0"]);
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.starts_with("2:9: "), "{stderr}");
    assert!(stderr.contains("did you mean `BytesSent`?"), "{stderr}");
    assert!(stderr.contains("| where BytesSnt > 0\n        ^^^^^^^^"), "{stderr}");
}

#[test]
fn render_writes_map_charts_and_graph_files_reproducibly() {
    let dir = crate::support::temp_dir("render-cli");
    let out = |name: &str| dir.path().join(name).display().to_string();
    let files = [
        path("portal-csv/VMComputer.csv"),
        path("portal-csv/VMBoundPort.csv"),
        path("rest-json/VMConnection-rest.json"),
        path("jsonl/am-VMConnection/PT05M.json"),
    ];
    let mut args = vec!["render", "--width", "1280", "--map"];
    let map_png = out("map.png");
    args.push(&map_png);
    let chart_svg = out("links.svg");
    let chart_png = out("hours.png");
    let graphml = out("map.graphml");
    args.extend(["--chart", "links", &chart_svg, "--chart", "failures-by-hour", &chart_png, "--graph", &graphml]);
    args.extend(files.iter().map(String::as_str));
    let output = vmi_map(&args);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let png = std::fs::read(&map_png).unwrap_or_default();
    let width = png::Decoder::new(std::io::Cursor::new(&png)).read_info().map(|r| r.info().width).ok();
    assert_eq!(width, Some(1280), "PNG width matches --width");
    let graph = std::fs::read_to_string(&graphml).unwrap_or_default();
    let document = roxmltree::Document::parse(&graph).unwrap_or_else(|e| panic!("GraphML parses: {e}"));
    assert!(document.descendants().filter(|n| n.has_tag_name("node")).count() >= 5);
    assert!(graph.contains(">web01<") && graph.contains(">db01<"));
    assert!(std::fs::read_to_string(&chart_svg).unwrap_or_default().contains("Link status"));
    // Same input, same bytes.
    let again = vmi_map(&args);
    assert!(again.status.success());
    assert_eq!(std::fs::read(&map_png).unwrap_or_default(), png, "two renders are byte-identical");
    // SVG map: parses as XML and names every machine.
    let map_svg = out("map.svg");
    let mut svg_args = vec!["render", "--expand", "--map", &map_svg];
    svg_args.extend(files.iter().map(String::as_str));
    assert!(vmi_map(&svg_args).status.success());
    let svg = std::fs::read_to_string(&map_svg).unwrap_or_default();
    roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("the SVG parses: {e}"));
    for machine in ["web01", "db01", "app01"] {
        assert!(svg.contains(machine), "{machine} is in the SVG");
    }
}

/// Generates an estate in `shape` and checks `vmi-map summary` against the counts the
/// generator computes on its own.
fn summary_matches_the_generator(shape: vmi_fixtures::Shape, name: &str) {
    let spec = vmi_fixtures::EstateSpec { machines: 12, hours: 2, seed: 5, density: 0.2, ..Default::default() };
    let estate = vmi_fixtures::generate(spec);
    let dir = crate::support::temp_dir(name);
    let files = vmi_fixtures::write(&estate, shape, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let mut args = vec!["summary".to_string()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let output = vmi_map(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    let expected = vmi_fixtures::expected_summary(&estate);
    for field in [
        "records",
        "machines",
        "processes",
        "edges",
        "external_endpoints",
        "failed_edges",
        "malicious_remote_ips",
        "bytes_sent",
        "bytes_received",
        "time_range",
    ] {
        assert_eq!(summary[field], expected[field], "{name}: {field}");
    }
}

#[test]
fn summary_of_a_generated_estate_matches_the_generator_as_portal_csv() {
    summary_matches_the_generator(vmi_fixtures::Shape::PortalCsv, "gen-csv");
}

#[test]
fn summary_of_a_generated_estate_matches_the_generator_as_rest_json() {
    summary_matches_the_generator(vmi_fixtures::Shape::RestJson, "gen-rest");
}

#[test]
fn summary_of_a_generated_estate_matches_the_generator_as_json_lines() {
    summary_matches_the_generator(vmi_fixtures::Shape::JsonLines, "gen-jsonl");
}

#[test]
fn query_errors_point_into_the_text_as_written_with_parameters_unexpanded() {
    let bad = vmi_map(&[
        "query",
        "--param",
        "Who=web01.contoso.com",
        "VMConnection | where Computer == '{Who}' and BytesSnt > 0",
        &path("rest-json/VMConnection-rest.json"),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    // Column 46 of the query as written (the expanded value is longer than `{Who}`).
    assert!(stderr.starts_with("1:46: "), "{stderr}");
    assert!(stderr.contains("'{Who}' and BytesSnt"), "the written query is shown: {stderr}");
}

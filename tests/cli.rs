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
fn report_list_and_csv_output() {
    let list = vmi_map(&["report", "--list"]);
    let ids = String::from_utf8_lossy(&list.stdout);
    assert_eq!(ids.lines().count(), 17);
    assert!(ids.lines().any(|l| l.starts_with("outbound-summary\t")));
    let output = vmi_map(&[
        "report",
        "processes-cmdline",
        "--text",
        "sql",
        "--case-sensitive",
        &path("portal-csv/VMProcess.csv"),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().filter_map(Result::ok).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][3], "sqlservr");
    let bad = vmi_map(&["report", "no-such-report", &path("portal-csv/VMProcess.csv")]);
    assert!(!bad.status.success());
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

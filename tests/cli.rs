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

//! `vmi-map diff` and `vmi-map triage`, run as a user runs them, on generated estates with
//! planted incidents (the generator knows where they are) and on the small fixture files.

use crate::cli::vmi_map;
use serde_json::Value;
use vmi_fixtures::{Estate, EstateSpec, Incident, IncidentKind, Planted, Shape, generate, rfc3339};

/// The bundled sample's estate (30 machines, 6 hours) with these incidents.
fn estate(incidents: &[(IncidentKind, u32)]) -> Estate {
    let incidents = incidents.iter().map(|&(kind, minute)| Incident { kind, minute }).collect();
    generate(EstateSpec { machines: 30, hours: 6, seed: 1, density: 0.1, incidents, ..EstateSpec::default() })
}

/// Writes the estate as portal CSV and runs vmi-map with `args` then the files; returns the JSON.
fn run(estate: &Estate, name: &str, args: &[&str]) -> Value {
    let dir = crate::support::temp_dir(name);
    let files = vmi_fixtures::write(estate, Shape::PortalCsv, dir.path()).unwrap();
    let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    all.extend(files.iter().map(|f| f.display().to_string()));
    let output = vmi_map(&all.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

fn minute(estate: &Estate, minute: u32) -> String {
    rfc3339(estate.minute_ms(minute)).replace(".000Z", "Z")
}

fn range(estate: &Estate, from: u32, to: u32) -> String {
    format!("{}..{}", minute(estate, from), minute(estate, to))
}

fn planted(estate: &Estate, kind: IncidentKind) -> Planted {
    *estate.planted.iter().find(|p| p.kind == kind).unwrap()
}

/// (machine id, process id) of the planted incident's server.
fn server_ids(estate: &Estate, planted: &Planted) -> (String, String) {
    (estate.machines[planted.server_machine].id.clone(), estate.processes[planted.server_process].id.clone())
}

#[test]
fn diff_marks_a_new_dependency_and_failures_that_appear() {
    let estate = estate(&[(IncidentKind::NewDependency, 240), (IncidentKind::FirewallDrop, 240)]);
    let a = range(&estate, 120, 240);
    let b = range(&estate, 240, 360);
    let diff = run(&estate, "diff-incidents", &["diff", "--a", &a, "--b", &b]);
    assert_eq!(diff["a"]["from"], minute(&estate, 120));
    assert_eq!(diff["b"]["to"], minute(&estate, 360));
    assert_eq!(diff["thresholds"]["bytes_ratio"], 2.0);
    let changes = diff["changes"].as_array().unwrap();
    // New failures come first: the firewalled app server's clients.
    let firewall = planted(&estate, IncidentKind::FirewallDrop);
    let (machine, process) = server_ids(&estate, &firewall);
    let first = &changes[0];
    assert_eq!(first["aspects"][0], "failures-appeared", "{first}");
    assert_eq!(
        (first["target"]["machine"].as_str(), first["target"]["process"].as_str()),
        (Some(&*machine), Some(&*process))
    );
    assert_eq!(first["port"], i64::from(firewall.port));
    assert_eq!(first["a"]["links_failed"], 0);
    assert!(first["b"]["links_failed"].as_i64() > Some(0));
    // The new dependency is there, new in B, with no metrics in A.
    let dependency = planted(&estate, IncidentKind::NewDependency);
    let (db_machine, db_process) = server_ids(&estate, &dependency);
    let client = &estate.processes[dependency.client.unwrap()];
    let new = changes
        .iter()
        .find(|c| c["source"]["process"] == client.id.as_str() && c["target"]["process"] == db_process.as_str())
        .unwrap_or_else(|| panic!("no change for the new dependency"));
    assert_eq!(new["kind"], "new");
    assert_eq!(new["target"]["machine"], db_machine.as_str());
    assert_eq!(new["port"], i64::from(dependency.port));
    assert_eq!(new["a"], Value::Null);
    assert!(new["b"]["bytes_sent"].as_i64() > Some(0));
    assert_eq!(diff["counts"]["new"], changes.iter().filter(|c| c["kind"] == "new").count());
}

#[test]
fn diff_takes_a_preset_for_window_a_and_rejects_bad_windows() {
    let estate = estate(&[(IncidentKind::NewDependency, 240)]);
    let b = range(&estate, 240, 360);
    let diff = run(&estate, "diff-preset", &["diff", "--a", "previous", "--b", &b, "--min-ratio", "3"]);
    assert_eq!(diff["a"]["from"], minute(&estate, 120));
    assert_eq!(diff["a"]["to"], minute(&estate, 240));
    assert_eq!(diff["thresholds"]["bytes_ratio"], 3.0);
    let file = crate::support::fixture("portal-csv/VMComputer.csv").display().to_string();
    for (args, message) in [
        (vec!["diff", "--a", "yesterday", "--b", "2026-10-05T04:00:00Z..", &file], "needs both FROM and TO"),
        (vec!["diff", "--a", "2026-10-05T04:00:00Z", "--b", "..", &file], "--a"),
        (vec!["diff", "--a", "..", "--b", "..", "--min-ratio", "0", &file], "--min-ratio"),
    ] {
        let output = vmi_map(&args);
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn triage_lists_the_planted_firewall_first_with_its_evidence() {
    // The bundled sample's incident.
    let estate = estate(&[(IncidentKind::FirewallDrop, 240)]);
    let triage = run(&estate, "triage-firewall", &["triage"]);
    let firewall = planted(&estate, IncidentKind::FirewallDrop);
    let (machine, process) = server_ids(&estate, &firewall);
    let first = &triage["failures"][0];
    let on_server = |f: &Value| {
        (f["target"]["machine"].as_str(), f["target"]["process"].as_str(), f["port"].as_i64())
            == (Some(&*machine), Some(&*process), Some(i64::from(firewall.port)))
    };
    assert!(on_server(first), "{first}");
    assert_eq!(first["verdict"]["kind"], "listening-but-failing");
    assert_eq!(first["fault"], "server-side", "every client of the port fails");
    assert!(first["affected_clients"].as_u64() >= Some(2));
    assert_eq!(triage["window"], serde_json::json!({"from": null, "to": null}));
    // From the incident on, every attempt of every client fails.
    let after = run(&estate, "triage-firewall-after", &["triage", "--from", &minute(&estate, 240)]);
    let failures: Vec<&Value> = after["failures"].as_array().unwrap().iter().filter(|f| on_server(f)).collect();
    assert_eq!(failures.len() as u64, first["affected_clients"].as_u64().unwrap());
    for failure in failures {
        assert_eq!(failure["pattern"]["failed_share"], 1.0, "{failure}");
        assert_eq!(failure["fault"], "server-side");
        assert!(failure["first_failed"].as_str() >= Some(&*minute(&estate, 240)));
    }
}

#[test]
fn triage_after_a_service_stopped_says_nothing_listens() {
    let estate = estate(&[(IncidentKind::StopListening, 200)]);
    let stopped = planted(&estate, IncidentKind::StopListening);
    let (machine, process) = server_ids(&estate, &stopped);
    let triage =
        run(&estate, "triage-stop", &["triage", "--from", &minute(&estate, 200), "--to", &minute(&estate, 360)]);
    let failure = triage["failures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["target"]["machine"] == machine.as_str() && f["port"] == i64::from(stopped.port))
        .unwrap_or_else(|| panic!("the stopped service's clients fail: {triage}"));
    assert_eq!(failure["target"]["process"], process.as_str(), "the map still names the last listener");
    assert_eq!(failure["verdict"]["kind"], "nothing-listening");
    assert_eq!(failure["verdict"]["addresses"][0], estate.machines[stopped.server_machine].ip.as_str());
    assert!(failure["verdict"]["last_bound_before_window"].is_string());
}

#[test]
fn triage_of_files_without_failed_links_lists_nothing() {
    let file = |p: &str| crate::support::fixture(p).display().to_string();
    let output = vmi_map(&[
        "triage",
        "--from",
        "2026-10-05T08:00:00Z",
        &file("portal-csv/VMComputer.csv"),
        &file("portal-csv/VMBoundPort.csv"),
        &file("rest-json/VMConnection-rest.json"),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let triage: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(triage, serde_json::json!({"window": {"from": "2026-10-05T08:00:00Z", "to": null}, "failures": []}));
}

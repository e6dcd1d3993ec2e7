//! Triage verdicts and evidence, one small estate per situation, each failure checked in full
//! as the JSON the command line prints.

use super::*;
use crate::compare::triage;
use serde_json::{Value, json};

fn failures(store: &Store, window: &MapRequest) -> Value {
    serde_json::to_value(triage(store, &inventory(store), window).failures).unwrap()
}

fn process_ref(label: &str, machine: &str, process: &str) -> Value {
    json!({"kind": "process", "label": label, "machine": machine, "process": process, "ip": null, "port": null})
}

fn nginx() -> Value {
    process_ref("nginx", "m-web", "p-nginx")
}

fn cron() -> Value {
    process_ref("cron", "m-app", "p-cron")
}

fn no_other_clients() -> Value {
    json!([])
}

fn pattern(active: usize, failed: usize, runs: usize, longest: usize, bursty: bool) -> Value {
    json!({
        "active_minutes": active, "failed_minutes": failed, "failed_share": failed as f64 / active as f64,
        "runs": runs, "longest_run_minutes": longest, "bursty": bursty
    })
}

#[test]
fn nothing_listening_when_the_port_was_bound_only_before_the_window() {
    // postgres was seen on 10.0.0.30:5432 at 07:00, not since; nginx's attempts are refused.
    let ports = [port(-60, "m-db", "p-pg", "10.0.0.30", 5432, false)];
    let rows: Vec<Conn> = (5..8).map(|m| out(m, NGINX, "10.0.0.10", "10.0.0.30", 5432).refused(2)).collect();
    let store = estate("", &ports, &rows);
    assert_eq!(
        failures(&store, &window(0, 20)),
        json!([{
            // The map still routes to postgres (the latest port record names it).
            "source": nginx(),
            "target": process_ref("postgres", "m-db", "p-pg"),
            "port": 5432,
            "verdict": {
                "kind": "nothing-listening", "machine": "db01", "addresses": ["10.0.0.30"],
                "last_bound_before_window": "2026-10-05T07:00:00Z"
            },
            "links_failed": 6,
            "pattern": pattern(3, 3, 1, 3, false),
            "first_failed": "2026-10-05T08:05:00Z",
            "last_failed": "2026-10-05T08:07:00Z",
            "destination_reboot": null,
            "agent_silence": null,
            "other_clients": no_other_clients(),
            "fault": "only-client",
            "affected_clients": 1,
            "impact": 6
        }])
    );
}

#[test]
fn nothing_listening_on_the_address_used_or_over_loopback() {
    let ports = [
        // postgres is bound to db01's first address only.
        port(1, "m-db", "p-pg", "10.0.0.30", 5432, false),
        // The Orders API's 0.0.0.0 record is superseded by its specific, non-wildcard one.
        port(1, "m-app", "p-java", "0.0.0.0", 9000, false),
        port(1, "m-app", "p-java", "10.0.0.20", 9000, false),
    ];
    let rows = [
        out(8, NGINX, "10.0.0.10", "10.0.1.30", 5432).refused(1),
        out(8, CRON, "10.0.0.20", "10.0.0.30", 5432),
        out(3, CRON, "127.0.0.1", "127.0.0.1", 9000).refused(1),
        out(4, CRON, "127.0.0.1", "127.0.0.1", 9000).refused(1),
    ];
    let store = estate("", &ports, &rows);
    let machine_port = |machine: &str, label: &str, port: i64| json!({"kind": "machine-port", "label": label, "machine": machine, "process": null, "ip": null, "port": port});
    assert_eq!(
        failures(&store, &window(0, 20)),
        json!([
            {
                "source": cron(),
                "target": machine_port("m-app", "port 9000", 9000),
                "port": 9000,
                "verdict": {"kind": "nothing-listening", "machine": "app01", "addresses": ["127.0.0.1"], "last_bound_before_window": null},
                "links_failed": 2,
                "pattern": pattern(2, 2, 1, 2, false),
                "first_failed": "2026-10-05T08:03:00Z",
                "last_failed": "2026-10-05T08:04:00Z",
                "destination_reboot": null,
                // The destination is the client's own machine, whose agent wrote these rows.
                "agent_silence": null,
                "other_clients": no_other_clients(),
                "fault": "only-client",
                "affected_clients": 1,
                "impact": 2
            },
            {
                "source": nginx(),
                "target": machine_port("m-db", "port 5432", 5432),
                "port": 5432,
                "verdict": {"kind": "nothing-listening", "machine": "db01", "addresses": ["10.0.1.30"], "last_bound_before_window": null},
                "links_failed": 1,
                "pattern": pattern(1, 1, 1, 1, false),
                "first_failed": "2026-10-05T08:08:00Z",
                "last_failed": "2026-10-05T08:08:00Z",
                "destination_reboot": null,
                "agent_silence": null,
                // cron reaches postgres on the bound address: this client is the odd one.
                "other_clients": [{"client": cron(), "links_failed": 0, "links_established": 1, "failed_minutes": 0, "rows": 1}],
                "fault": "client-side",
                "affected_clients": 1,
                "impact": 1
            }
        ])
    );
}

#[test]
fn listening_but_failing_when_the_port_is_bound_only_part_of_the_window() {
    // postgres is seen bound at 08:02 only; nginx works until 08:03, then every attempt fails.
    let ports = [port(2, "m-db", "p-pg", "10.0.0.30", 5432, false)];
    let mut rows: Vec<Conn> = (0..4).map(|m| out(m, NGINX, "10.0.0.10", "10.0.0.30", 5432)).collect();
    rows.extend((4..10).map(|m| out(m, NGINX, "10.0.0.10", "10.0.0.30", 5432).refused(1)));
    let store = estate("", &ports, &rows);
    assert_eq!(
        failures(&store, &window(0, 10)),
        json!([{
            "source": nginx(),
            "target": process_ref("postgres", "m-db", "p-pg"),
            "port": 5432,
            "verdict": {
                "kind": "listening-but-failing",
                "listeners": [{
                    "process": "postgres", "process_id": "p-pg", "ip": "10.0.0.30", "wildcard": false,
                    "first_seen": "2026-10-05T08:02:00Z", "last_seen": "2026-10-05T08:02:00Z", "records": 1
                }],
                "failed_minutes_after_last_bound": 6
            },
            "links_failed": 6,
            // One run of 6 failed minutes among 10: a burst.
            "pattern": pattern(10, 6, 1, 6, true),
            "first_failed": "2026-10-05T08:04:00Z",
            "last_failed": "2026-10-05T08:09:00Z",
            "destination_reboot": null,
            "agent_silence": null,
            "other_clients": no_other_clients(),
            "fault": "only-client",
            "affected_clients": 1,
            "impact": 6
        }])
    );
    // From 08:03 on, no record shows the port bound: nothing listening.
    let later = failures(&store, &window(3, 10));
    assert_eq!(later[0]["verdict"]["kind"], "nothing-listening");
    assert_eq!(later[0]["verdict"]["last_bound_before_window"], "2026-10-05T08:02:00Z");
}

#[test]
fn a_wildcard_bind_serves_every_address_and_shared_failures_point_at_the_server() {
    // SQL Server's record is on 10.0.0.30 with IsWildcardBind: nginx uses 10.0.1.30.
    let ports = [port(0, "m-db", "p-sql", "10.0.0.30", 1433, true)];
    let mut rows: Vec<Conn> = (0..10)
        .map(|m| {
            let row = out(m, NGINX, "10.0.0.10", "10.0.1.30", 1433);
            if [1, 4, 7].contains(&m) { row.failing(1) } else { row }
        })
        .collect();
    rows.push(out(5, CRON, "10.0.0.20", "10.0.0.30", 1433).refused(2));
    let store = estate("", &ports, &rows);
    let sql = process_ref("SQL Server", "m-db", "p-sql");
    let listener = json!({
        "process": "SQL Server", "process_id": "p-sql", "ip": "10.0.0.30", "wildcard": true,
        "first_seen": "2026-10-05T08:00:00Z", "last_seen": "2026-10-05T08:00:00Z", "records": 1
    });
    assert_eq!(
        failures(&store, &window(0, 10)),
        json!([
            {
                "source": nginx(),
                "target": sql,
                "port": 1433,
                "verdict": {"kind": "listening-but-failing", "listeners": [listener], "failed_minutes_after_last_bound": 3},
                "links_failed": 3,
                // Three scattered failed minutes: intermittent, not a burst.
                "pattern": pattern(10, 3, 3, 1, false),
                "first_failed": "2026-10-05T08:01:00Z",
                "last_failed": "2026-10-05T08:07:00Z",
                "destination_reboot": null,
                "agent_silence": null,
                "other_clients": [{"client": cron(), "links_failed": 2, "links_established": 0, "failed_minutes": 1, "rows": 1}],
                "fault": "server-side",
                "affected_clients": 2,
                "impact": 6
            },
            {
                "source": cron(),
                "target": sql,
                "port": 1433,
                "verdict": {"kind": "listening-but-failing", "listeners": [listener], "failed_minutes_after_last_bound": 1},
                "links_failed": 2,
                "pattern": pattern(1, 1, 1, 1, false),
                "first_failed": "2026-10-05T08:05:00Z",
                "last_failed": "2026-10-05T08:05:00Z",
                "destination_reboot": null,
                "agent_silence": null,
                "other_clients": [{"client": nginx(), "links_failed": 3, "links_established": 10, "failed_minutes": 3, "rows": 10}],
                "fault": "server-side",
                "affected_clients": 2,
                "impact": 4
            }
        ])
    );
}

#[test]
fn an_unmonitored_destination_shows_its_dns_names() {
    let rows = [
        out(2, NGINX, "10.0.0.10", "52.1.2.3", 443).dns("api.contoso.net").refused(1),
        out(3, NGINX, "10.0.0.10", "52.1.2.3", 443).dns("api.contoso.net").refused(1),
        out(2, CRON, "10.0.0.20", "52.1.2.3", 443).dns("api.contoso.net"),
    ];
    let store = estate("", &[], &rows);
    assert_eq!(
        failures(&store, &window(0, 20)),
        json!([{
            "source": nginx(),
            "target": {"kind": "external", "label": "api.contoso.net:443", "machine": null, "process": null, "ip": "52.1.2.3", "port": 443},
            "port": 443,
            "verdict": {"kind": "destination-not-monitored", "ip": "52.1.2.3", "dns_names": ["api.contoso.net"]},
            "links_failed": 2,
            "pattern": pattern(2, 2, 1, 2, false),
            "first_failed": "2026-10-05T08:02:00Z",
            "last_failed": "2026-10-05T08:03:00Z",
            "destination_reboot": null,
            "agent_silence": null,
            "other_clients": [{"client": cron(), "links_failed": 0, "links_established": 1, "failed_minutes": 0, "rows": 1}],
            "fault": "client-side",
            "affected_clients": 1,
            "impact": 2
        }])
    );
}

#[test]
fn a_flagged_remote_is_malicious_whatever_else_is_known() {
    let rows = [out(3, NGINX, "10.0.0.10", "198.51.100.9", 8080).refused(4).malicious()];
    let store = estate("", &[], &rows);
    assert_eq!(
        failures(&store, &window(0, 20)),
        json!([{
            "source": nginx(),
            "target": {"kind": "external", "label": "198.51.100.9:8080", "machine": null, "process": null, "ip": "198.51.100.9", "port": 8080},
            "port": 8080,
            "verdict": {
                "kind": "malicious-remote",
                "indicator": {
                    "ip": "198.51.100.9", "threat_type": "Botnet", "description": "Mirai C2", "tlp_level": "Amber",
                    "confidence": "85", "severity": 3, "first_reported": "", "last_reported": "", "is_active": "",
                    "report_link": "", "additional_information": ""
                }
            },
            "links_failed": 4,
            "pattern": pattern(1, 1, 1, 1, false),
            "first_failed": "2026-10-05T08:03:00Z",
            "last_failed": "2026-10-05T08:03:00Z",
            "destination_reboot": null,
            "agent_silence": null,
            "other_clients": no_other_clients(),
            "fault": "only-client",
            "affected_clients": 1,
            "impact": 4
        }])
    );
}

#[test]
fn failures_during_a_reboot_and_a_silent_agent() {
    // app01 rebooted at 08:08 (its 08:12 inventory record says so) and wrote nothing from
    // 08:05 to 08:11; nginx's calls to the Orders API failed from 08:06 to 08:10.
    let reboot =
        "\"2026-10-05T08:12:00Z\",app01.contoso.com,m-app,app01,\"[\"\"10.0.0.20\"\"]\",2026-10-05T08:08:00Z\n";
    let ports = [port(0, "m-app", "p-java", "0.0.0.0", 8443, false)];
    let mut rows: Vec<Conn> = Vec::new();
    for m in (0..5).chain(12..20) {
        rows.push(out(m, NGINX, "10.0.0.10", "10.0.0.20", 8443));
        rows.push(inbound(m, JAVA, "10.0.0.20", "10.0.0.10", 8443));
    }
    rows.extend((6..11).map(|m| out(m, NGINX, "10.0.0.10", "10.0.0.20", 8443).refused(1)));
    let store = estate(reboot, &ports, &rows);
    assert_eq!(
        failures(&store, &window(0, 20)),
        json!([{
            "source": nginx(),
            "target": process_ref("Orders API", "m-app", "p-java"),
            "port": 8443,
            "verdict": {
                "kind": "listening-but-failing",
                "listeners": [{
                    "process": "Orders API", "process_id": "p-java", "ip": "0.0.0.0", "wildcard": true,
                    "first_seen": "2026-10-05T08:00:00Z", "last_seen": "2026-10-05T08:00:00Z", "records": 1
                }],
                "failed_minutes_after_last_bound": 5
            },
            "links_failed": 5,
            "pattern": pattern(18, 5, 1, 5, true),
            "first_failed": "2026-10-05T08:06:00Z",
            "last_failed": "2026-10-05T08:10:00Z",
            "destination_reboot": "2026-10-05T08:08:00Z",
            "agent_silence": {
                "last_record_before": "2026-10-05T08:04:00Z", "next_record_after": "2026-10-05T08:12:00Z",
                "silent_minutes": 7, "usual_gap_minutes": 1
            },
            "other_clients": no_other_clients(),
            "fault": "only-client",
            "affected_clients": 1,
            "impact": 5
        }])
    );
}

#[test]
fn a_focus_keeps_the_failures_touching_it_and_windows_bound_them() {
    let rows = [
        out(2, NGINX, "10.0.0.10", "52.1.2.3", 443).refused(1),
        out(12, CRON, "10.0.0.20", "52.1.2.4", 443).refused(1),
    ];
    let store = estate("", &[], &rows);
    let mut focused = window(0, 20);
    focused.focus.insert("web01".to_string());
    let listed = failures(&store, &focused);
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(listed[0]["source"]["label"], "nginx");
    // Failures only in the first half: the second half has cron's only.
    let second = failures(&store, &window(10, 20));
    assert_eq!(second.as_array().map(Vec::len), Some(1));
    assert_eq!(second[0]["source"]["label"], "cron");
    assert_eq!(failures(&store, &window(20, 30)), json!([]));
}

#[test]
fn burst_detection_is_a_runs_test() {
    use crate::compare::triage::pattern as runs;
    let set = |v: &[i64]| v.iter().copied().collect::<std::collections::BTreeSet<i64>>();
    let active = set(&(0..20).collect::<Vec<_>>());
    assert!(runs(&active, &set(&[3, 4, 5, 6])).bursty, "one run of four");
    assert!(!runs(&active, &set(&[1, 5, 9, 13])).bursty, "scattered");
    assert!(!runs(&active, &active).bursty, "failing all the time is not a burst");
    assert!(!runs(&active, &set(&[7])).bursty, "one failed minute");
    let p = runs(&active, &set(&[1, 2, 10, 11, 12]));
    assert_eq!((p.runs, p.longest_run_minutes, p.bursty), (2, 3, true));
    assert_eq!(runs(&set(&[]), &set(&[])).failed_share, 0.0);
}

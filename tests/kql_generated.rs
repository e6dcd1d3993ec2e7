//! The documentation's queries run by the KQL engine on a generated estate, each answer checked
//! against values computed here straight from the generator's records (not by the engine).

use std::collections::{BTreeMap, BTreeSet};
use std::convert::Infallible;
use vmi_core::kql::{QueryOptions, ResultTable, run};
use vmi_core::store::Store;
use vmi_fixtures::{Estate, EstateSpec, Table, Val, for_each_row};

const HOUR_MS: i64 = 3_600_000;

fn estate() -> (Estate, Store) {
    let estate = vmi_fixtures::generate(EstateSpec { machines: 24, hours: 3, seed: 11, ..Default::default() });
    let mut store = Store::default();
    for table in Table::ALL {
        let bytes = vmi_fixtures::write_to_bytes(&estate, vmi_fixtures::Shape::PortalCsv, table);
        let loaded = vmi_core::ingest::load_bytes(&format!("{}.csv", table.name()), &bytes).unwrap();
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        store.merge(loaded.batch);
    }
    (estate, store)
}

/// Every generated record of a table as (column name -> value).
fn records(estate: &Estate, table: Table) -> Vec<BTreeMap<&'static str, Val<'_>>> {
    let mut out = Vec::new();
    let Ok(()) = for_each_row::<Infallible>(estate, table, |row| {
        out.push(table.columns().iter().map(|c| c.name).zip(row.iter().cloned()).collect());
        Ok(())
    });
    out
}

fn text(row: &BTreeMap<&'static str, Val<'_>>, name: &str) -> String {
    match row.get(name) {
        Some(Val::Str(s)) => s.to_string(),
        Some(Val::Text(s)) => s.clone(),
        Some(Val::Int(i)) => i.to_string(),
        Some(Val::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn int(row: &BTreeMap<&'static str, Val<'_>>, name: &str) -> i64 {
    match row.get(name) {
        Some(Val::Int(i)) => *i,
        _ => 0,
    }
}

fn time_ms(row: &BTreeMap<&'static str, Val<'_>>) -> i64 {
    match row.get("TimeGenerated") {
        Some(Val::Time(t)) => *t,
        _ => panic!("every record has a TimeGenerated"),
    }
}

fn query(store: &Store, text: &str) -> ResultTable {
    let output = run(store, text, &QueryOptions::default()).unwrap_or_else(|e| panic!("{}", e.render(text)));
    output.tables.last().cloned().unwrap()
}

/// A result as rows of display texts, sorted (for answers whose order Kusto leaves open).
fn rows(table: &ResultTable) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = (0..table.rows()).map(|r| table.row_display(r)).collect();
    rows.sort();
    rows
}

fn iso_hour(ms: i64) -> String {
    vmi_core::model::Timestamp::from_unix_secs(ms.div_euclid(HOUR_MS) * 3600).to_string()
}

#[test]
fn bytes_sent_and_received_trends() {
    let (estate, store) = estate();
    let mut expected: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for row in records(&estate, Table::VMConnection) {
        let entry = expected.entry((iso_hour(time_ms(&row)), text(&row, "Computer"))).or_default();
        entry.0 += int(&row, "BytesSent");
        entry.1 += int(&row, "BytesReceived");
    }
    let expected: Vec<Vec<String>> =
        expected.into_iter().map(|((h, c), (s, r))| vec![h, c, s.to_string(), r.to_string()]).collect();
    assert!(expected.len() > 24, "several computers over three hours: {}", expected.len());
    let table = query(
        &store,
        "VMConnection | summarize sum(BytesSent), sum(BytesReceived) by bin(TimeGenerated,1hr), Computer | order by Computer desc | render timechart",
    );
    assert_eq!(table.column_names(), ["TimeGenerated", "Computer", "sum_BytesSent", "sum_BytesReceived"]);
    assert_eq!(rows(&table), expected);
    let computers: Vec<String> = (0..table.rows()).map(|r| table.display(r, 1)).collect();
    assert!(computers.windows(2).all(|w| w[0] >= w[1]), "order by Computer desc");
}

#[test]
fn open_ports_across_machines_and_processes() {
    let (estate, store) = estate();
    let ports = records(&estate, Table::VMBoundPort);
    let bound: BTreeSet<(String, String, String, String)> = ports
        .iter()
        .filter(|r| text(r, "Ip") != "127.0.0.1")
        .map(|r| (text(r, "Computer"), text(r, "Machine"), text(r, "Port"), text(r, "Protocol")))
        .collect();
    assert!(bound.len() > 24, "every machine listens somewhere");
    let mut per_machine: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (computer, machine, _, _) in &bound {
        *per_machine.entry((computer.clone(), machine.clone())).or_default() += 1;
    }
    let table = query(
        &store,
        "VMBoundPort\n| where Ip != \"127.0.0.1\"\n| summarize by Computer, Machine, Port, Protocol\n| summarize OpenPorts=count() by Computer, Machine\n| order by OpenPorts desc",
    );
    let expected: Vec<Vec<String>> =
        per_machine.iter().map(|((c, m), n)| vec![c.clone(), m.clone(), n.to_string()]).collect();
    assert_eq!(rows(&table), expected);
    let by_process: BTreeSet<(String, String, String)> = ports
        .iter()
        .filter(|r| text(r, "Ip") != "127.0.0.1")
        .map(|r| (text(r, "ProcessName"), text(r, "Port"), text(r, "Protocol")))
        .collect();
    let mut per_process: BTreeMap<String, usize> = BTreeMap::new();
    for (name, _, _) in by_process {
        *per_process.entry(name).or_default() += 1;
    }
    let table = query(
        &store,
        "VMBoundPort\n| where Ip != \"127.0.0.1\"\n| summarize by ProcessName, Port, Protocol\n| summarize OpenPorts=count() by ProcessName\n| order by OpenPorts desc",
    );
    let expected: Vec<Vec<String>> = per_process.iter().map(|(p, n)| vec![p.clone(), n.to_string()]).collect();
    assert_eq!(rows(&table), expected);
}

#[test]
fn latest_record_of_every_machine_and_its_memory() {
    let (estate, store) = estate();
    let mut latest: BTreeMap<String, (i64, String, String)> = BTreeMap::new();
    for row in records(&estate, Table::VMComputer) {
        let t = time_ms(&row);
        let entry = latest.entry(text(&row, "_ResourceId")).or_insert((i64::MIN, String::new(), String::new()));
        if t >= entry.0 {
            *entry = (t, text(&row, "Computer"), text(&row, "PhysicalMemoryMB"));
        }
    }
    let table = query(
        &store,
        "VMComputer | summarize arg_max(TimeGenerated, *) by _ResourceId | project PhysicalMemoryMB, Computer",
    );
    let expected: Vec<Vec<String>> = {
        let mut e: Vec<Vec<String>> = latest.values().map(|(_, c, m)| vec![m.clone(), c.clone()]).collect();
        e.sort();
        e
    };
    assert_eq!(rows(&table), expected);
    assert_eq!(query(&store, "VMComputer | summarize arg_max(TimeGenerated, *) by _ResourceId").rows(), latest.len());
}

#[test]
fn aggregate_behaviour_of_each_port() {
    let (estate, store) = estate();
    type Key = (String, String, String, String, String, String);
    let mut expected: BTreeMap<Key, (i64, i64, i64, i64, i64, i64)> = BTreeMap::new();
    for row in records(&estate, Table::VMBoundPort).iter().filter(|r| text(r, "Ip") != "127.0.0.1") {
        let key = ["Machine", "Computer", "ProcessName", "Ip", "Port", "IsWildcardBind"].map(|c| text(row, c));
        let key = (key[0].clone(), key[1].clone(), key[2].clone(), key[3].clone(), key[4].clone(), key[5].clone());
        let e = expected.entry(key).or_insert((0, 0, 0, 0, i64::MIN, 0));
        e.0 += int(row, "BytesSent");
        e.1 += int(row, "BytesReceived");
        e.2 += int(row, "LinksEstablished");
        e.3 += int(row, "LinksTerminated");
        // arg_max(TimeGenerated, LinksLive): the latest record's value (the first of equal times).
        if time_ms(row) > e.4 {
            e.4 = time_ms(row);
            e.5 = int(row, "LinksLive");
        }
    }
    let table = query(
        &store,
        "VMBoundPort\n| where Ip != \"127.0.0.1\"\n| summarize BytesSent=sum(BytesSent), BytesReceived=sum(BytesReceived), LinksEstablished=sum(LinksEstablished), LinksTerminated=sum(LinksTerminated), arg_max(TimeGenerated, LinksLive) by Machine, Computer, ProcessName, Ip, Port, IsWildcardBind\n| project-away TimeGenerated\n| order by Machine, Computer, Port, Ip, ProcessName",
    );
    assert!(expected.len() > 24);
    let mut expected_rows: Vec<Vec<String>> = expected
        .into_iter()
        .map(|((m, c, p, ip, port, w), (s, r, e, t, _, live))| {
            vec![m, c, p, ip, port, w, s.to_string(), r.to_string(), e.to_string(), t.to_string(), live.to_string()]
        })
        .collect();
    expected_rows.sort();
    assert_eq!(rows(&table), expected_rows);
}

#[test]
fn link_status_and_failure_trends_of_one_computer() {
    let (estate, store) = estate();
    let connections = records(&estate, Table::VMConnection);
    let computer = text(&connections[0], "Computer");
    let latest = connections.iter().map(time_ms).max().unwrap();
    // dcount(LinksEstablished) by hour over the last 24 h: distinct values, as the page's query counts.
    let mut distinct: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    let mut per_hour_of_day: BTreeMap<i64, usize> = BTreeMap::new();
    for row in connections.iter().filter(|r| text(r, "Computer") == computer) {
        if time_ms(row) >= latest - 24 * HOUR_MS {
            distinct.entry(iso_hour(time_ms(row))).or_default().insert(int(row, "LinksEstablished"));
        }
        *per_hour_of_day.entry(time_ms(row).div_euclid(HOUR_MS).rem_euclid(24)).or_default() += 1;
    }
    let table = query(
        &store,
        &format!(
            "VMConnection | where TimeGenerated >= ago(24hr) | where Computer == \"{computer}\" | summarize dcount(LinksEstablished), dcount(LinksLive), dcount(LinksFailed), dcount(LinksTerminated) by bin(TimeGenerated, 1h) | render timechart"
        ),
    );
    let got: BTreeMap<String, String> = (0..table.rows()).map(|r| (table.display(r, 0), table.display(r, 1))).collect();
    let want: BTreeMap<String, String> = distinct.into_iter().map(|(h, s)| (h, s.len().to_string())).collect();
    assert_eq!(want.len(), 3, "three hours of records");
    assert_eq!(got, want);
    let table = query(
        &store,
        &format!(
            "VMConnection | where Computer == \"{computer}\" | extend bythehour = datetime_part(\"hour\", TimeGenerated) | project bythehour, LinksFailed | summarize failCount = count() by bythehour | sort by bythehour asc | render timechart"
        ),
    );
    let got: Vec<(String, String)> = (0..table.rows()).map(|r| (table.display(r, 0), table.display(r, 1))).collect();
    let want: Vec<(String, String)> = per_hour_of_day.iter().map(|(h, n)| (h.to_string(), n.to_string())).collect();
    assert_eq!(got, want);
}

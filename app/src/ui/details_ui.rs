//! The right panel: everything known about the selection, from the latest inventory records
//! and the edges of the window. Every listed node can be clicked to select it.

use crate::app::VmiApp;
use crate::command::{Command, Selected};
use egui::{Grid, RichText, Ui};
use petgraph::visit::EdgeRef;
use vmi_core::graph::inventory::json_list as list;
use vmi_core::graph::{EdgeMetrics, NodeKey, NodeKind};
use vmi_core::model::schema::{computer as vc, process as vp};
use vmi_core::model::time::TICKS_PER_DAY;
use vmi_core::model::{TableKind, Timestamp};
use vmi_core::render::theme::format_bytes;
use vmi_core::store::{Cell, Store};

fn grid_row(ui: &mut Ui, name: &str, value: impl Into<String>) {
    let value = value.into();
    if value.is_empty() {
        return;
    }
    ui.label(RichText::new(name).weak());
    ui.add(egui::Label::new(value).wrap());
    ui.end_row();
}

fn facts_grid(ui: &mut Ui, id: &str, rows: &[(&str, String)]) {
    Grid::new(id).num_columns(2).spacing([10.0, 3.0]).striped(true).show(ui, |ui| {
        for (name, value) in rows {
            grid_row(ui, name, value.clone());
        }
    });
}

fn cell_text(store: &Store, cell: Cell) -> String {
    match cell {
        Cell::Null => String::new(),
        Cell::Str(s) => store.str(s).to_string(),
        Cell::Int(v) => v.to_string(),
        Cell::Real(v) => v.to_string(),
        Cell::Bool(b) => b.to_string(),
        Cell::Time(t) => t.to_string(),
    }
}

/// The metrics of an edge, for tooltips and the panel.
pub fn edge_summary_ui(ui: &mut Ui, source: &str, target: &str, m: &EdgeMetrics) {
    ui.label(RichText::new(format!("{source} → {target}")).strong());
    facts_grid(ui, "edge-tip", &metric_rows(m));
}

fn metric_rows(m: &EdgeMetrics) -> Vec<(&'static str, String)> {
    let time = |t: Option<Timestamp>| t.map(|t| t.to_string()).unwrap_or_default();
    vec![
        ("Bytes sent", format_bytes(m.bytes_sent as f64)),
        ("Bytes received", format_bytes(m.bytes_received as f64)),
        ("Links established", m.links_established.to_string()),
        ("Links terminated", m.links_terminated.to_string()),
        ("Links failed", m.links_failed.to_string()),
        ("Links live (latest)", m.links_live.to_string()),
        ("Failed minutes", m.failed_minutes.to_string()),
        ("Responses", m.responses.to_string()),
        ("Response time avg", m.response_time_avg_ms().map(|v| format!("{v:.1} ms")).unwrap_or_default()),
        ("Response time min", m.response_time_min_ms.map(|v| format!("{v} ms")).unwrap_or_default()),
        ("Response time max", m.response_time_max_ms.map(|v| format!("{v} ms")).unwrap_or_default()),
        ("First seen", time(m.first_seen)),
        ("Last seen", time(m.last_seen)),
        ("Records", m.rows.to_string()),
    ]
}

pub fn details_ui(app: &mut VmiApp, ui: &mut Ui) {
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| match app.selected {
        None => estate_ui(app, ui),
        Some(Selected::Node(key)) => node_ui(app, ui, key),
        Some(Selected::Edge { source, target }) => edge_ui(app, ui, source, target),
    });
}

fn estate_ui(app: &mut VmiApp, ui: &mut Ui) {
    ui.heading("Estate");
    let counts = app.store.record_counts();
    let (machines, nodes, edges) = app.counts();
    let mut rows: Vec<(&str, String)> =
        TableKind::ALL.iter().map(|k| (k.name(), counts[k.index()].to_string())).collect();
    rows.push(("Machines on the map", machines.to_string()));
    rows.push(("Nodes / edges", format!("{nodes} / {edges}")));
    if let Some((from, to)) = app.data_extent {
        rows.push(("Records from", from.to_string()));
        rows.push(("Records to", to.to_string()));
    }
    facts_grid(ui, "estate", &rows);
    ui.add_space(8.0);
    ui.label(
        RichText::new("Click a node or an edge to see its details. Double-click a machine to show its processes.")
            .weak(),
    );
}

/// A clickable line that selects a node.
fn node_link(app: &mut VmiApp, ui: &mut Ui, key: NodeKey, text: String) {
    if ui.link(text).clicked() {
        app.pending.push(Command::Reveal(key));
    }
}

fn node_ui(app: &mut VmiApp, ui: &mut Ui, key: NodeKey) {
    let Some(node) = app.map.node(&key).cloned() else {
        ui.label("Not on the map in this window.");
        return;
    };
    ui.heading(&node.label);
    ui.label(RichText::new(key.kind().label()).weak());
    ui.separator();
    match key {
        NodeKey::Machine { machine } => machine_ui(app, ui, machine),
        NodeKey::Process { machine, process } => process_ui(app, ui, machine, process),
        _ => {}
    }
    if matches!(key.kind(), NodeKind::External | NodeKind::ClientGroup | NodeKind::MachinePort) {
        let ips: Vec<&str> = node.ips.iter().map(|&ip| app.store.str(ip)).collect();
        let port = match key {
            NodeKey::External { port, .. } | NodeKey::ClientGroup { port, .. } | NodeKey::MachinePort { port, .. } => {
                port.to_string()
            }
            _ => String::new(),
        };
        let machine = key
            .machine()
            .map(|m| vmi_core::graph::build::machine_label(&app.store, &app.inventory, m))
            .unwrap_or_default();
        let rows = vec![
            ("Machine", machine),
            ("Port", port),
            ("IP addresses", ips.join(", ")),
            ("DNS names", node.dns_names.join(", ")),
            ("Country", node.country.map(|c| app.store.str(c).to_string()).unwrap_or_default()),
            ("Malicious IPs", node.malicious_ips.join(", ")),
        ];
        facts_grid(ui, "endpoint", &rows);
    }
    connections_ui(app, ui, key);
}

fn machine_ui(app: &mut VmiApp, ui: &mut Ui, machine: vmi_core::store::Sym) {
    let Some(&row) = app.inventory.machine_rows.get(&machine) else {
        facts_grid(ui, "machine-id", &[("Machine", app.store.str(machine).to_string())]);
        ui.label(RichText::new("No VMComputer record loaded for this machine.").weak());
        return;
    };
    let store = &app.store;
    let text = |c: usize| store.text(TableKind::VMComputer, c, row).to_string();
    let table = store.table(TableKind::VMComputer);
    let boot = table.col(vc::BOOT_TIME).time(row);
    let latest = table.col(vc::TIME_GENERATED).time(row);
    let days = match (boot, latest) {
        (Some(b), Some(l)) => format!("{:.1} days before the latest record", (l.0 - b.0) as f64 / TICKS_PER_DAY as f64),
        _ => String::new(),
    };
    let memory = table.col(vc::PHYSICAL_MEMORY_MB).int(row).map(|m| format!("{m} MB")).unwrap_or_default();
    let rows = vec![
        ("Computer", text(vc::COMPUTER)),
        ("Display name", text(vc::DISPLAY_NAME)),
        ("Full name", text(vc::FULL_DISPLAY_NAME)),
        ("Machine id", store.str(machine).to_string()),
        ("DNS names", list(&text(vc::DNS_NAMES))),
        ("IPv4", list(&text(vc::IPV4_ADDRESSES))),
        ("IPv6", list(&text(vc::IPV6_ADDRESSES))),
        ("MAC", list(&text(vc::MAC_ADDRESSES))),
        ("OS", format!("{} ({})", text(vc::OPERATING_SYSTEM_FULL_NAME), text(vc::OPERATING_SYSTEM_FAMILY))),
        (
            "CPUs",
            format!(
                "{} × {} MHz",
                table.col(vc::CPUS).int(row).unwrap_or(0),
                table.col(vc::CPU_SPEED).int(row).unwrap_or(0)
            ),
        ),
        ("Memory", memory),
        ("Boot time", boot.map(|b| b.to_string()).unwrap_or_default()),
        ("Up for", days),
        ("Agent version", text(vc::DEPENDENCY_AGENT_VERSION)),
        ("Hypervisor", format!("{} {}", text(vc::HYPERVISOR_TYPE), text(vc::VIRTUALIZATION_STATE)).trim().to_string()),
        ("Azure location", text(vc::AZURE_LOCATION)),
        ("Azure size", text(vc::AZURE_SIZE)),
        (
            "Image",
            format!(
                "{} {} {}",
                text(vc::AZURE_IMAGE_PUBLISHER),
                text(vc::AZURE_IMAGE_OFFERING),
                text(vc::AZURE_IMAGE_SKU)
            )
            .trim()
            .to_string(),
        ),
        ("Resource group", text(vc::AZURE_RESOURCE_GROUP)),
        ("Subscription", text(vc::AZURE_SUBSCRIPTION_ID)),
        ("Scale set", text(vc::AZURE_VM_SCALE_SET_NAME)),
        ("Latest record", latest.map(|t| t.to_string()).unwrap_or_default()),
    ];
    facts_grid(ui, "machine", &rows);
    extras_ui(ui, store, TableKind::VMComputer, row);
    // Its processes (all known), its listening ports.
    let mut processes: Vec<(String, NodeKey)> = app
        .inventory
        .processes
        .iter()
        .filter(|(m, _)| *m == machine)
        .map(|&(m, p)| {
            (
                vmi_core::graph::build::process_label(&app.store, &app.inventory, m, p),
                NodeKey::Process { machine: m, process: p },
            )
        })
        .collect();
    processes.sort();
    ui.collapsing(format!("Processes ({})", processes.len()), |ui| {
        for (label, key) in processes {
            if app.map.node(&key).is_some() {
                node_link(app, ui, key, label);
            } else {
                ui.label(RichText::new(label).weak());
            }
        }
    });
    let mut ports: Vec<(i64, String)> = app
        .inventory
        .listeners
        .iter()
        .filter(|((m, _), _)| *m == machine)
        .flat_map(|((_, port), listeners)| listeners.iter().map(move |l| (*port, (l.ip, l.process_name, l.wildcard))))
        .map(|(port, (ip, name, wildcard))| {
            let ip = if wildcard { "*".to_string() } else { app.store.str(ip).to_string() };
            (port, format!("{ip}:{port} {}", app.store.str(name)))
        })
        .collect();
    ports.sort();
    ports.dedup();
    ui.collapsing(format!("Listening ports ({})", ports.len()), |ui| {
        for (_, text) in ports {
            ui.label(text);
        }
    });
}

fn process_ui(app: &mut VmiApp, ui: &mut Ui, machine: vmi_core::store::Sym, process: vmi_core::store::Sym) {
    let machine_key = NodeKey::Machine { machine };
    let machine_name = vmi_core::graph::build::machine_label(&app.store, &app.inventory, machine);
    ui.horizontal(|ui| {
        ui.label(RichText::new("On").weak());
        node_link(app, ui, machine_key, machine_name);
    });
    let Some(&row) = app.inventory.process_rows.get(&(machine, process)) else {
        ui.label(RichText::new("No VMProcess record loaded for this process.").weak());
        return;
    };
    let store = &app.store;
    let text = |c: usize| store.text(TableKind::VMProcess, c, row).to_string();
    let table = store.table(TableKind::VMProcess);
    let rows = vec![
        ("Executable", text(vp::EXECUTABLE_NAME)),
        ("Display name", text(vp::DISPLAY_NAME)),
        ("Path", text(vp::EXECUTABLE_PATH)),
        ("Product", format!("{} {}", text(vp::PRODUCT_NAME), text(vp::PRODUCT_VERSION)).trim().to_string()),
        ("Company", text(vp::COMPANY_NAME)),
        ("File version", text(vp::FILE_VERSION)),
        ("Description", text(vp::DESCRIPTION)),
        ("User", format!("{}\\{}", text(vp::USER_DOMAIN), text(vp::USER_NAME)).trim_start_matches('\\').to_string()),
        ("Start time", table.col(vp::START_TIME).time(row).map(|t| t.to_string()).unwrap_or_default()),
        ("First PID", table.col(vp::FIRST_PID).int(row).map(|v| v.to_string()).unwrap_or_default()),
        ("Services", list(&text(vp::SERVICES))),
        ("Role", text(vp::ROLE)),
        ("Process id", store.str(process).to_string()),
    ];
    facts_grid(ui, "process", &rows);
    let command_line = text(vp::COMMAND_LINE);
    if !command_line.is_empty() {
        ui.label(RichText::new("Command line").weak());
        let mut shown = command_line.clone();
        ui.add(
            egui::TextEdit::multiline(&mut shown)
                .desired_rows(2)
                .desired_width(f32::INFINITY)
                .font(egui::TextStyle::Monospace),
        );
        if ui.small_button("Copy command line").clicked() {
            app.pending.push(Command::CopyText(command_line));
        }
    }
    extras_ui(ui, &app.store, TableKind::VMProcess, row);
    let ports: Vec<String> = app
        .inventory
        .listeners
        .iter()
        .filter(|((m, _), _)| *m == machine)
        .flat_map(|((_, port), listeners)| listeners.iter().filter(|l| l.process == process).map(move |l| (port, l)))
        .map(|(port, l)| format!("{}:{port}", if l.wildcard { "*" } else { app.store.str(l.ip) }))
        .collect();
    if !ports.is_empty() {
        facts_grid(ui, "process-ports", &[("Listening on", ports.join(", "))]);
    }
}

/// Columns outside the schema that the export carried.
fn extras_ui(ui: &mut Ui, store: &Store, kind: TableKind, row: usize) {
    let table = store.table(kind);
    let rows: Vec<(&str, String)> = table
        .extras
        .iter()
        .map(|(name, column)| (name.as_str(), cell_text(store, column.get(row))))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    if !rows.is_empty() {
        ui.collapsing("Other columns", |ui| facts_grid(ui, "extras", &rows));
    }
}

/// The node's edges in the window, busiest first, each end clickable.
fn connections_ui(app: &mut VmiApp, ui: &mut Ui, key: NodeKey) {
    let Some(&index) = app.map.index.get(&key) else { return };
    let graph = &app.map.graph;
    // A machine's connections are its processes' and ports'.
    let members: Vec<petgraph::stable_graph::NodeIndex> = std::iter::once(index)
        .chain(
            graph
                .node_indices()
                .filter(|&i| graph[i].parent == Some(index) && graph[i].key.kind() != NodeKind::ClientGroup),
        )
        .collect();
    let mut rows: Vec<(i64, bool, NodeKey, String, EdgeMetrics)> = Vec::new();
    let (mut bytes_out, mut bytes_in) = (0i64, 0i64);
    for &member in &members {
        for edge in graph.edges_directed(member, petgraph::Direction::Outgoing) {
            let other = &graph[edge.target()];
            bytes_out += edge.weight().metrics.bytes_sent;
            bytes_in += edge.weight().metrics.bytes_received;
            rows.push((
                edge.weight().metrics.total_bytes(),
                true,
                other.key,
                other.label.clone(),
                edge.weight().metrics.clone(),
            ));
        }
        for edge in graph.edges_directed(member, petgraph::Direction::Incoming) {
            let other = &graph[edge.source()];
            bytes_in += edge.weight().metrics.bytes_sent;
            bytes_out += edge.weight().metrics.bytes_received;
            rows.push((
                edge.weight().metrics.total_bytes(),
                false,
                other.key,
                other.label.clone(),
                edge.weight().metrics.clone(),
            ));
        }
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.3.cmp(&b.3)));
    ui.add_space(6.0);
    facts_grid(
        ui,
        "totals",
        &[("Total out", format_bytes(bytes_out as f64)), ("Total in", format_bytes(bytes_in as f64))],
    );
    ui.collapsing(format!("Connections ({})", rows.len()), |ui| {
        for (bytes, outgoing, other, label, metrics) in rows.into_iter().take(200) {
            ui.horizontal(|ui| {
                ui.label(if outgoing { "→" } else { "←" });
                node_link(app, ui, other, label);
                let mut text = format_bytes(bytes as f64);
                if metrics.links_failed > 0 {
                    text.push_str(&format!(", {} failed", metrics.links_failed));
                }
                ui.label(RichText::new(text).weak());
            });
        }
    });
}

fn edge_ui(app: &mut VmiApp, ui: &mut Ui, source: NodeKey, target: NodeKey) {
    let (Some(&a), Some(&b)) = (app.map.index.get(&source), app.map.index.get(&target)) else {
        ui.label("Not on the map in this window.");
        return;
    };
    let Some(edge) = app.map.graph.find_edge(a, b) else {
        ui.label("Not on the map in this window.");
        return;
    };
    let metrics = app.map.graph[edge].metrics.clone();
    let localhost = app.map.graph[edge].localhost;
    ui.heading("Connection");
    let (source_label, target_label) = (app.map.graph[a].label.clone(), app.map.graph[b].label.clone());
    ui.horizontal(|ui| {
        ui.label(RichText::new("Client").weak());
        node_link(app, ui, source, source_label);
    });
    ui.horizontal(|ui| {
        ui.label(RichText::new("Server").weak());
        node_link(app, ui, target, target_label);
    });
    if localhost {
        ui.label(RichText::new("Over 127.0.0.1 on one machine").weak());
    }
    ui.separator();
    facts_grid(ui, "edge", &metric_rows(&metrics));
    if let Some(indicator) = &metrics.malicious {
        ui.add_space(6.0);
        ui.label(RichText::new("⚠ Malicious remote IP").color(egui::Color32::from_rgb(200, 0, 0)).strong());
        let rows = vec![
            ("IP", indicator.ip.clone()),
            ("Threat type", indicator.threat_type.clone()),
            ("Description", indicator.description.clone()),
            ("TLP level", indicator.tlp_level.clone()),
            ("Confidence", indicator.confidence.clone()),
            ("Severity", indicator.severity.map(|s| s.to_string()).unwrap_or_default()),
            ("First reported", indicator.first_reported.clone()),
            ("Last reported", indicator.last_reported.clone()),
            ("Active", indicator.is_active.clone()),
            ("Report", indicator.report_link.clone()),
            ("More", indicator.additional_information.clone()),
        ];
        facts_grid(ui, "malicious", &rows);
    }
}

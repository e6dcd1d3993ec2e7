//! The map itself as a file: GraphML (Gephi, yEd), DOT (Graphviz) or JSON, with every
//! node's kind, name, machine, addresses and layout position, and every edge's metrics.

use super::view::MapView;
use super::{DependencyMap, EdgeMetrics, Inventory};
use crate::store::Store;
use serde_json::json;
use std::collections::HashMap;
use std::fmt::Write;

/// The user's notes on the map ("owner: payments team"), keyed by view node layout keys
/// ([`super::view::ViewNode::key`]) and by (source, target) layout keys for edges: layout keys
/// survive reloads and windows, so notes follow their nodes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GraphNotes {
    pub nodes: HashMap<u64, String>,
    pub edges: HashMap<(u64, u64), String>,
}

impl GraphNotes {
    fn node(&self, key: u64) -> String {
        self.nodes.get(&key).cloned().unwrap_or_default()
    }

    fn edge(&self, source: u64, target: u64) -> String {
        self.edges.get(&(source, target)).cloned().unwrap_or_default()
    }
}

/// The formats `--graph` writes, by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphFormat {
    GraphMl,
    Dot,
    Json,
}

impl GraphFormat {
    pub fn from_path(path: &str) -> Option<GraphFormat> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".graphml") {
            Some(GraphFormat::GraphMl)
        } else if lower.ends_with(".dot") || lower.ends_with(".gv") {
            Some(GraphFormat::Dot)
        } else if lower.ends_with(".json") {
            Some(GraphFormat::Json)
        } else {
            None
        }
    }
}

/// One node's exported facts.
struct NodeFacts {
    id: String,
    kind: &'static str,
    name: String,
    machine: String,
    ips: String,
    x: f32,
    y: f32,
    note: String,
}

fn metric_fields(m: &EdgeMetrics) -> Vec<(&'static str, String)> {
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    vec![
        ("bytes_sent", m.bytes_sent.to_string()),
        ("bytes_received", m.bytes_received.to_string()),
        ("links_established", m.links_established.to_string()),
        ("links_terminated", m.links_terminated.to_string()),
        ("links_failed", m.links_failed.to_string()),
        ("links_live", m.links_live.to_string()),
        ("responses", m.responses.to_string()),
        ("response_time_avg_ms", m.response_time_avg_ms().map(|v| format!("{v:.3}")).unwrap_or_default()),
        ("response_time_min_ms", opt(m.response_time_min_ms)),
        ("response_time_max_ms", opt(m.response_time_max_ms)),
        ("first_seen", m.first_seen.map(|t| t.to_string()).unwrap_or_default()),
        ("last_seen", m.last_seen.map(|t| t.to_string()).unwrap_or_default()),
        ("failed_minutes", m.failed_minutes.to_string()),
        ("malicious_ip", m.malicious.as_ref().map(|i| i.ip.clone()).unwrap_or_default()),
        ("threat_type", m.malicious.as_ref().map(|i| i.threat_type.clone()).unwrap_or_default()),
    ]
}

fn node_facts(
    store: &Store,
    inventory: &Inventory,
    map: &DependencyMap,
    view: &MapView,
    positions: &[[f32; 2]],
    notes: &GraphNotes,
) -> Vec<NodeFacts> {
    view.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            // A group stands for no one map node: no machine, no addresses.
            let node = n.map_node.and_then(|m| map.graph.node_weight(m));
            let machine = node
                .and_then(|node| node.key.machine())
                .map(|m| super::build::machine_label(store, inventory, m))
                .unwrap_or_default();
            let ips: Vec<&str> =
                node.map(|node| node.ips.iter().map(|&ip| store.str(ip)).collect()).unwrap_or_default();
            let position = positions.get(i).copied().unwrap_or([0.0, 0.0]);
            NodeFacts {
                id: format!("n{i}"),
                kind: n.kind.label(),
                name: n.label.clone(),
                machine,
                ips: ips.join(" "),
                x: position[0],
                y: position[1],
                note: notes.node(n.key),
            }
        })
        .collect()
}

fn xml_escape(text: &str) -> String {
    let text = crate::render::map::xml_allowed(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn dot_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// The view as a file of the given format.
pub fn export_graph(
    store: &Store,
    inventory: &Inventory,
    map: &DependencyMap,
    view: &MapView,
    positions: &[[f32; 2]],
    format: GraphFormat,
) -> String {
    export_graph_with_notes(store, inventory, map, view, positions, format, &GraphNotes::default())
}

/// The view as a file of the given format, with the user's notes on its nodes and edges (a
/// `note` attribute; nodes and edges without one have none in DOT and JSON, an empty one in
/// GraphML, whose keys are declared once).
pub fn export_graph_with_notes(
    store: &Store,
    inventory: &Inventory,
    map: &DependencyMap,
    view: &MapView,
    positions: &[[f32; 2]],
    format: GraphFormat,
    notes: &GraphNotes,
) -> String {
    let nodes = node_facts(store, inventory, map, view, positions, notes);
    let edge_note = |source: usize, target: usize| match (view.nodes.get(source), view.nodes.get(target)) {
        (Some(s), Some(t)) => notes.edge(s.key, t.key),
        _ => String::new(),
    };
    match format {
        GraphFormat::Json => {
            let nodes: Vec<serde_json::Value> = nodes
                .iter()
                .map(|n| {
                    let mut node = json!({"id": n.id, "kind": n.kind, "name": n.name, "machine": n.machine, "ips": n.ips, "x": n.x, "y": n.y});
                    if let (Some(object), false) = (node.as_object_mut(), n.note.is_empty()) {
                        object.insert("note".into(), json!(n.note));
                    }
                    node
                })
                .collect();
            let edges: Vec<serde_json::Value> = view
                .edges
                .iter()
                .map(|e| {
                    let mut object = serde_json::Map::new();
                    object.insert("source".into(), json!(format!("n{}", e.source)));
                    object.insert("target".into(), json!(format!("n{}", e.target)));
                    for (name, value) in metric_fields(&e.metrics) {
                        object.insert(name.into(), json!(value));
                    }
                    let note = edge_note(e.source, e.target);
                    if !note.is_empty() {
                        object.insert("note".into(), json!(note));
                    }
                    serde_json::Value::Object(object)
                })
                .collect();
            serde_json::to_string_pretty(&json!({"nodes": nodes, "edges": edges})).unwrap_or_default()
        }
        GraphFormat::Dot => {
            let mut out = String::from("digraph vmi_map {\n  graph [overlap=false];\n  node [shape=circle];\n");
            for n in &nodes {
                let note =
                    if n.note.is_empty() { String::new() } else { format!(", note=\"{}\"", dot_escape(&n.note)) };
                let _ = writeln!(
                    out,
                    "  {} [label=\"{}\", kind=\"{}\", machine=\"{}\", ips=\"{}\", pos=\"{:.2},{:.2}\"{note}];",
                    n.id,
                    dot_escape(&n.name),
                    n.kind,
                    dot_escape(&n.machine),
                    dot_escape(&n.ips),
                    n.x,
                    -n.y
                );
            }
            for e in &view.edges {
                let mut attributes: Vec<String> =
                    metric_fields(&e.metrics).into_iter().map(|(k, v)| format!("{k}=\"{}\"", dot_escape(&v))).collect();
                let note = edge_note(e.source, e.target);
                if !note.is_empty() {
                    attributes.push(format!("note=\"{}\"", dot_escape(&note)));
                }
                let style = if e.metrics.links_failed > 0 { ", style=dashed, color=red" } else { "" };
                let _ = writeln!(out, "  n{} -> n{} [{}{style}];", e.source, e.target, attributes.join(", "));
            }
            out.push_str("}\n");
            out
        }
        GraphFormat::GraphMl => {
            let mut out = String::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n",
            );
            for (key, ty) in [
                ("kind", "string"),
                ("name", "string"),
                ("machine", "string"),
                ("ips", "string"),
                ("x", "float"),
                ("y", "float"),
            ] {
                let _ = writeln!(out, "  <key id=\"{key}\" for=\"node\" attr.name=\"{key}\" attr.type=\"{ty}\"/>");
            }
            out.push_str("  <key id=\"note\" for=\"node\" attr.name=\"note\" attr.type=\"string\"/>\n");
            for (key, _) in metric_fields(&EdgeMetrics::default()) {
                let _ = writeln!(out, "  <key id=\"{key}\" for=\"edge\" attr.name=\"{key}\" attr.type=\"string\"/>");
            }
            out.push_str("  <key id=\"enote\" for=\"edge\" attr.name=\"note\" attr.type=\"string\"/>\n");
            out.push_str("  <graph id=\"vmi-map\" edgedefault=\"directed\">\n");
            for n in &nodes {
                let _ = writeln!(out, "    <node id=\"{}\">", n.id);
                for (key, value) in [
                    ("kind", n.kind.to_string()),
                    ("name", n.name.clone()),
                    ("machine", n.machine.clone()),
                    ("ips", n.ips.clone()),
                    ("x", n.x.to_string()),
                    ("y", n.y.to_string()),
                    ("note", n.note.clone()),
                ] {
                    let _ = writeln!(out, "      <data key=\"{key}\">{}</data>", xml_escape(&value));
                }
                out.push_str("    </node>\n");
            }
            for (i, e) in view.edges.iter().enumerate() {
                let _ = writeln!(out, "    <edge id=\"e{i}\" source=\"n{}\" target=\"n{}\">", e.source, e.target);
                for (key, value) in metric_fields(&e.metrics) {
                    let _ = writeln!(out, "      <data key=\"{key}\">{}</data>", xml_escape(&value));
                }
                let _ =
                    writeln!(out, "      <data key=\"enote\">{}</data>", xml_escape(&edge_note(e.source, e.target)));
                out.push_str("    </edge>\n");
            }
            out.push_str("  </graph>\n</graphml>\n");
            out
        }
    }
}

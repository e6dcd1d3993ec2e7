//! The search box: which map nodes a text finds, by machine names, IPs, DNS names, process
//! names, command lines and ports.

use vmi_core::graph::inventory::json_strings;
use vmi_core::graph::{DependencyMap, Inventory, NodeKey};
use vmi_core::model::TableKind;
use vmi_core::model::schema::{computer, process};
use vmi_core::store::Store;

/// Everything a node can be found by, lower-cased.
fn search_text(store: &Store, inventory: &Inventory, map: &DependencyMap, key: &NodeKey) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(node) = map.node(key) {
        parts.push(node.label.clone());
        parts.extend(node.ips.iter().map(|&ip| store.str(ip).to_string()));
        parts.extend(node.dns_names.iter().cloned());
    }
    match *key {
        NodeKey::Machine { machine } => {
            parts.push(store.str(machine).to_string());
            if let Some(&name) = inventory.computer_names.get(&machine) {
                parts.push(store.str(name).to_string());
            }
            if let Some(&row) = inventory.machine_rows.get(&machine) {
                for column in [computer::IPV4_ADDRESSES, computer::IPV6_ADDRESSES, computer::DNS_NAMES] {
                    parts.extend(json_strings(store.text(TableKind::VMComputer, column, row)));
                }
                parts.push(store.text(TableKind::VMComputer, computer::DISPLAY_NAME, row).to_string());
            }
        }
        NodeKey::Process { machine, process: p } => {
            if let Some(&row) = inventory.process_rows.get(&(machine, p)) {
                for column in
                    [process::EXECUTABLE_NAME, process::COMMAND_LINE, process::EXECUTABLE_PATH, process::SERVICES]
                {
                    parts.push(store.text(TableKind::VMProcess, column, row).to_string());
                }
            }
            if let Some(&name) = inventory.process_names.get(&(machine, p)) {
                parts.push(store.str(name).to_string());
            }
            // The ports it listens on.
            for ((m, port), listeners) in &inventory.listeners {
                if *m == machine && listeners.iter().any(|l| l.process == p) {
                    parts.push(format!(":{port}"));
                }
            }
        }
        NodeKey::MachinePort { port, .. } | NodeKey::External { port, .. } | NodeKey::ClientGroup { port, .. } => {
            parts.push(format!(":{port}"));
        }
    }
    parts.join("\n").to_lowercase()
}

/// The nodes of the map the text finds, in the map's order. A text like `443` or `:443`
/// finds the port.
pub fn find(store: &Store, inventory: &Inventory, map: &DependencyMap, text: &str) -> Vec<NodeKey> {
    let needle = text.trim().to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    let port_form = if needle.chars().all(|c| c.is_ascii_digit()) { Some(format!(":{needle}")) } else { None };
    map.graph
        .node_indices()
        .map(|i| map.graph[i].key)
        .filter(|key| {
            let haystack = search_text(store, inventory, map, key);
            haystack.contains(&needle) || port_form.as_ref().is_some_and(|p| haystack.lines().any(|l| l == p))
        })
        .collect()
}

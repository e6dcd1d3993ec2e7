//! The user's notes on nodes and edges ("owner: payments team", "decommission in Q3").
//!
//! A note is keyed by the text identity of what it is on, not by interned symbols or indices
//! (those change when files are closed and loaded again): a node by `machine/m-…`,
//! `process/m-…/p-…`, `port/m-…/443`, `external/10.1.2.3/443`,
//! `clients/m-…/p-…/443` or, for a group of machines, `group/<its id>` (the id is a hash of
//! the grouping and the group's name); an edge by `source -> target`. So a note stays on its node across
//! reloads, time windows and workspaces, and is kept while its node is off the map.

use super::{AppState, Effect, Selected};
use std::collections::BTreeMap;
use vmi_core::graph::NodeKey;
use vmi_core::graph::export::GraphNotes;
use vmi_core::store::Store;

/// The longest note kept, in bytes (a note is a line or two, not a document).
pub const MAX_NOTE_BYTES: usize = 4096;
/// Between the two ends of an edge's key.
const EDGE_ARROW: &str = " -> ";
/// The prefix of a node known only by its layout key (workspaces name view nodes this way
/// when the map does not know them).
pub const LAYOUT_PREFIX: &str = "layout/";

#[derive(Clone, Debug, Default)]
pub struct NotesState {
    /// Note text by node or edge key.
    pub notes: BTreeMap<String, String>,
    /// The notes of the current map by layout keys (graph exports), rebuilt when the notes or
    /// the map change.
    pub resolved: GraphNotes,
    /// The selection's key and note, for the detail panel, computed when either changes.
    pub selected: Option<(String, String)>,
    /// Bumped on every edit.
    pub version: u64,
    pub(super) resolved_for: Option<(u64, u64)>,
    pub(super) selected_for: Option<(Option<Selected>, u64, u64)>,
}

impl NotesState {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.notes.get(key).map(String::as_str)
    }
}

/// Notes edited in the detail panel.
#[derive(Clone, Debug)]
pub enum NotesAction {
    /// The note of a node or edge; an empty (or all blank) text removes it.
    Set { target: Selected, text: String },
}

pub(super) fn notes(state: &mut AppState, action: NotesAction, effects: &mut Vec<Effect>) {
    match action {
        NotesAction::Set { target, text } => {
            let key = selection_key(&state.store, &target);
            let mut text = text.trim().to_string();
            if text.len() > MAX_NOTE_BYTES {
                let mut end = MAX_NOTE_BYTES;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.truncate(end);
                effects.push(Effect::Toast(format!("Note shortened to {MAX_NOTE_BYTES} bytes")));
            }
            let changed = if text.is_empty() {
                state.notes.notes.remove(&key).is_some()
            } else {
                state.notes.notes.insert(key, text.clone()) != Some(text)
            };
            if changed {
                state.notes.version += 1;
                state.run_search();
            }
        }
    }
}

/// The stable text key of a node.
pub fn node_key_text(store: &Store, key: &NodeKey) -> String {
    let s = |sym| store.str(sym);
    match *key {
        NodeKey::Machine { machine } => format!("machine/{}", s(machine)),
        NodeKey::Process { machine, process } => format!("process/{}/{}", s(machine), s(process)),
        NodeKey::MachinePort { machine, port } => format!("port/{}/{port}", s(machine)),
        NodeKey::External { ip, port } => format!("external/{}/{port}", s(ip)),
        NodeKey::ClientGroup { machine, process, port } => format!("clients/{}/{}/{port}", s(machine), s(process)),
        NodeKey::Group { id } => format!("group/{id}"),
    }
}

/// The node a text key names, when the loaded records know its names.
pub fn parse_node_key(store: &Store, text: &str) -> Option<NodeKey> {
    let sym = |name: &str| store.interner.lookup(name);
    let port = |text: &str| text.parse::<i64>().ok();
    let (kind, rest) = text.split_once('/')?;
    match kind {
        "machine" => Some(NodeKey::Machine { machine: sym(rest)? }),
        "process" => {
            let (machine, process) = rest.split_once('/')?;
            Some(NodeKey::Process { machine: sym(machine)?, process: sym(process)? })
        }
        "port" => {
            let (machine, number) = rest.rsplit_once('/')?;
            Some(NodeKey::MachinePort { machine: sym(machine)?, port: port(number)? })
        }
        "external" => {
            let (ip, number) = rest.rsplit_once('/')?;
            Some(NodeKey::External { ip: sym(ip)?, port: port(number)? })
        }
        "clients" => {
            let (head, number) = rest.rsplit_once('/')?;
            let (machine, process) = head.split_once('/')?;
            Some(NodeKey::ClientGroup { machine: sym(machine)?, process: sym(process)?, port: port(number)? })
        }
        "group" => Some(NodeKey::Group { id: rest.parse().ok()? }),
        _ => None,
    }
}

/// The layout key of the node a text key names on the current map (`layout/…` keys are one).
pub fn layout_key_of_text(state: &AppState, text: &str) -> Option<u64> {
    if let Some(number) = text.strip_prefix(LAYOUT_PREFIX) {
        return number.parse().ok();
    }
    match parse_node_key(&state.store, text)? {
        // A group's id is its layout key; groups are in views, not in maps.
        NodeKey::Group { id } => Some(id),
        key => state.map.node(&key).map(|n| n.layout_key),
    }
}

pub fn edge_key_text(store: &Store, source: &NodeKey, target: &NodeKey) -> String {
    format!("{}{EDGE_ARROW}{}", node_key_text(store, source), node_key_text(store, target))
}

/// The text key of a selection: a node's, or an edge's.
pub fn selection_key(store: &Store, selected: &Selected) -> String {
    match selected {
        Selected::Node(key) => node_key_text(store, key),
        Selected::Edge { source, target } => edge_key_text(store, source, target),
    }
}

/// The selection a text key names (a node, or an edge `a -> b`).
pub fn parse_selection(store: &Store, text: &str) -> Option<Selected> {
    match text.split_once(EDGE_ARROW) {
        Some((source, target)) => {
            Some(Selected::Edge { source: parse_node_key(store, source)?, target: parse_node_key(store, target)? })
        }
        None => Some(Selected::Node(parse_node_key(store, text)?)),
    }
}

/// After every update: the selection's note and the notes by layout key follow their inputs.
pub(super) fn refresh(state: &mut AppState) {
    let selected_for = Some((state.selected, state.map_version, state.notes.version));
    if state.notes.selected_for != selected_for {
        state.notes.selected = state.selected.map(|selected| {
            let key = selection_key(&state.store, &selected);
            let note = state.notes.notes.get(&key).cloned().unwrap_or_default();
            (key, note)
        });
        state.notes.selected_for = selected_for;
    }
    let resolved_for = Some((state.map_version, state.notes.version));
    if state.notes.resolved_for != resolved_for {
        state.notes.resolved = resolve(state);
        state.notes.resolved_for = resolved_for;
    }
}

/// The notes of nodes and edges on the current map, by layout keys.
fn resolve(state: &AppState) -> GraphNotes {
    let mut resolved = GraphNotes::default();
    for (key, note) in &state.notes.notes {
        match key.split_once(EDGE_ARROW) {
            Some((source, target)) => {
                if let (Some(s), Some(t)) = (layout_key_of_text(state, source), layout_key_of_text(state, target)) {
                    resolved.edges.insert((s, t), note.clone());
                }
            }
            None => {
                if let Some(k) = layout_key_of_text(state, key) {
                    resolved.nodes.insert(k, note.clone());
                }
            }
        }
    }
    resolved
}

/// Search finds notes too: the nodes whose note (or an edge's, both its ends) holds the text
/// are added after the name matches, in key order.
pub(super) fn add_search_matches(state: &mut AppState) {
    let needle = state.search.text.trim().to_lowercase();
    if needle.is_empty() {
        return;
    }
    let mut found = Vec::new();
    for (key, note) in &state.notes.notes {
        if !note.to_lowercase().contains(&needle) {
            continue;
        }
        let ends: Vec<&str> = match key.split_once(EDGE_ARROW) {
            Some((source, target)) => vec![source, target],
            None => vec![key.as_str()],
        };
        for end in ends {
            let shown = |k: &NodeKey| state.map.node(k).is_some() || state.view.nodes.iter().any(|n| n.node == *k);
            if let Some(node) = parse_node_key(&state.store, end).filter(shown) {
                found.push(node);
            }
        }
    }
    for node in found {
        if !state.search.matches.contains(&node) {
            state.search.matches.push(node);
        }
    }
}

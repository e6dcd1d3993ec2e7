//! The right panel: everything known about the selection (computed by
//! `state::queries` when the selection or map changes). Every listed node can be clicked to
//! select it.

use crate::state::compare::{ComparisonPart, FailureRow};
use crate::state::queries::{Details, EdgeDetails, Facts, NodeDetails, estate_rows, metric_rows};
use crate::state::settings::TimeShown;
use crate::state::{Action, MapAction, NotesAction, Selected, UiAction, ViewCtx};
use crate::ui::style::color;
use egui::{Grid, RichText, Ui};
use vmi_core::graph::{EdgeMetrics, NodeKey};
use vmi_core::render::theme::format_bytes;

/// Connections listed at most (the busiest).
const MAX_CONNECTIONS: usize = 200;

#[derive(Default)]
pub struct DetailsPanel {
    note: NoteEditor,
}

/// The note of the selection being written: kept with what it is for, so a note typed while the
/// selection changes (a click on the map ends the edit) is saved on the node it was typed for.
#[derive(Default)]
struct NoteEditor {
    target: Option<Selected>,
    key: String,
    draft: String,
    saved: String,
}

impl NoteEditor {
    /// A one-line box that grows with the note; the note is saved when the box loses focus.
    fn ui(&mut self, ui: &mut Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let (Some((key, note)), Some(target)) = (&view.state.notes.selected, view.state.selected) else { return };
        let id = ui.make_persistent_id("note");
        let editing = ui.memory(|m| m.has_focus(id));
        if !editing && (self.key != *key || self.saved != *note) {
            self.target = Some(target);
            self.key.clone_from(key);
            self.draft.clone_from(note);
            self.saved.clone_from(note);
        }
        let response = ui.add(
            egui::TextEdit::multiline(&mut self.draft)
                .id(id)
                .hint_text("Add a note: owner, plans… (search finds it)")
                .desired_rows(1)
                .desired_width(f32::INFINITY),
        );
        let response = response.on_hover_text("Saved with the workspace and in graph exports");
        if response.lost_focus() && self.draft.trim() != self.saved.trim() {
            if let Some(target) = self.target {
                actions.push(NotesAction::Set { target, text: self.draft.clone() }.into());
            }
            self.saved.clone_from(&self.draft);
        }
        if !self.saved.is_empty() && !editing && ui.small_button("Remove note").clicked() {
            actions.push(NotesAction::Set { target, text: String::new() }.into());
        }
        ui.add_space(4.0);
    }
}

/// Where the panel keeps, for this frame, how the settings say times print.
fn time_shown_id() -> egui::Id {
    egui::Id::unique("details-time-shown")
}

/// A fact's value as shown: a time (`2026-10-05T08:03:00Z`) in local time when the settings
/// ask for it; anything else as it is.
fn shown_value<'a>(ui: &Ui, value: &'a str) -> std::borrow::Cow<'a, str> {
    let shown: TimeShown = ui.ctx().data(|d| d.get_temp(time_shown_id())).unwrap_or_default();
    let bytes = value.as_bytes();
    let looks_like_time = bytes.len() >= 20
        && value.ends_with('Z')
        && bytes.get(10) == Some(&b'T')
        && bytes.iter().take(4).all(u8::is_ascii_digit);
    match (shown, looks_like_time) {
        (TimeShown::Local, true) => match vmi_core::model::Timestamp::parse(value) {
            Some(t) => shown.format(t).into(),
            None => value.into(),
        },
        _ => value.into(),
    }
}

fn facts_grid(ui: &mut Ui, id: &str, rows: &[(impl AsRef<str>, String)]) {
    Grid::new(id).num_columns(2).spacing([10.0, 3.0]).striped(true).show(ui, |ui| {
        for (name, value) in rows.iter().filter(|(_, v)| !v.is_empty()) {
            ui.label(RichText::new(name.as_ref()).weak());
            let value = shown_value(ui, value);
            ui.add(egui::Label::new(value.as_ref()).wrap());
            ui.end_row();
        }
    });
}

/// The metrics of an edge, for the canvas's tooltips.
pub fn edge_summary_ui(ui: &mut Ui, source: &str, target: &str, m: &EdgeMetrics) {
    ui.label(RichText::new(format!("{source} → {target}")).strong());
    facts_grid(ui, "edge-tip", &metric_rows(m));
}

/// A clickable line that selects a node.
fn node_link(ui: &mut Ui, key: NodeKey, text: &str, actions: &mut Vec<Action>) {
    if ui.link(text).clicked() {
        actions.push(MapAction::Reveal(key).into());
    }
}

impl DetailsPanel {
    pub fn ui(&mut self, ui: &mut Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        // The panel (and the map's tooltips, drawn after it) print times as the settings say.
        let shown = view.state.settings.settings.time_shown;
        ui.ctx().data_mut(|d| d.insert_temp(time_shown_id(), shown));
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| match &view.state.details {
            Details::Estate => {
                ui.heading("Estate");
                facts_grid(ui, "estate", &estate_rows(view.state));
                ui.add_space(8.0);
                ui.label(
                    RichText::new(
                        "Click a node or an edge to see its details. Double-click a machine to show its processes.",
                    )
                    .weak(),
                );
            }
            Details::Missing => {
                ui.label("Not on the map in this window.");
            }
            Details::Node(node) => {
                self.note.ui(ui, view, actions);
                node_ui(ui, node, actions);
            }
            Details::Edge(edge) => {
                self.note.ui(ui, view, actions);
                edge_ui(ui, edge, actions);
            }
        });
    }
}

fn node_ui(ui: &mut Ui, node: &NodeDetails, actions: &mut Vec<Action>) {
    ui.heading(&node.label);
    ui.label(RichText::new(node.kind).weak());
    ui.separator();
    if let Some((key, name)) = &node.machine {
        ui.horizontal(|ui| {
            ui.label(RichText::new("On").weak());
            node_link(ui, *key, name, actions);
        });
    }
    facts_grid(ui, "facts", &node.facts);
    if let Some(note) = node.note {
        ui.label(RichText::new(note).weak());
    }
    if let Some(command_line) = &node.command_line {
        ui.label(RichText::new("Command line").weak());
        let mut shown = command_line.as_str();
        ui.add(
            egui::TextEdit::multiline(&mut shown)
                .desired_rows(2)
                .desired_width(f32::INFINITY)
                .font(egui::TextStyle::Monospace),
        );
        if ui.small_button("Copy command line").clicked() {
            actions.push(UiAction::CopyText(command_line.clone()).into());
        }
    }
    if !node.extras.is_empty() {
        ui.collapsing("Other columns", |ui| facts_grid(ui, "extras", &node.extras));
    }
    let lists = [("Machines", &node.members), ("Processes", &node.processes)];
    for (title, list) in lists.into_iter().filter_map(|(t, l)| l.as_ref().map(|l| (t, l))) {
        ui.collapsing(format!("{title} ({})", list.len()), |ui| {
            for (label, key, on_map) in list {
                if *on_map {
                    node_link(ui, *key, label, actions);
                } else {
                    ui.label(RichText::new(label).weak());
                }
            }
        });
    }
    if let Some(ports) = &node.ports {
        ui.collapsing(format!("Listening ports ({})", ports.len()), |ui| {
            for port in ports {
                ui.label(port);
            }
        });
    }
    if let Some(ports) = &node.listening_on {
        facts_grid(ui, "process-ports", &[("Listening on", ports.clone())]);
    }
    if let Some(part) = &node.comparison {
        comparison_ui(ui, part);
    }
    ui.add_space(6.0);
    let totals: Facts =
        vec![("Total out", format_bytes(node.bytes_out as f64)), ("Total in", format_bytes(node.bytes_in as f64))];
    facts_grid(ui, "totals", &totals);
    ui.collapsing(format!("Connections ({})", node.connections.len()), |ui| {
        for row in node.connections.iter().take(MAX_CONNECTIONS) {
            ui.horizontal(|ui| {
                ui.label(if row.outgoing { "→" } else { "←" });
                node_link(ui, row.other, &row.label, actions);
                let mut text = format_bytes(row.bytes as f64);
                if row.links_failed > 0 {
                    text.push_str(&format!(", {} failed", row.links_failed));
                }
                ui.label(RichText::new(text).weak());
            });
        }
    });
}

fn edge_ui(ui: &mut Ui, edge: &EdgeDetails, actions: &mut Vec<Action>) {
    ui.heading("Connection");
    for (role, (key, label)) in [("Client", &edge.source), ("Server", &edge.target)] {
        ui.horizontal(|ui| {
            ui.label(RichText::new(role).weak());
            node_link(ui, *key, label, actions);
        });
    }
    if edge.localhost {
        ui.label(RichText::new("Over 127.0.0.1 on one machine").weak());
    }
    ui.separator();
    facts_grid(ui, "edge", &edge.metrics);
    if let Some(part) = &edge.comparison {
        comparison_ui(ui, part);
    }
    if !edge.failures.is_empty() {
        ui.add_space(6.0);
        ui.label(RichText::new("Failed connections").strong());
        for row in &edge.failures {
            failure_ui(ui, row);
        }
    }
    if let Some(indicator) = &edge.malicious {
        ui.add_space(6.0);
        ui.label(RichText::new("⚠ Malicious remote IP").color(egui::Color32::from_rgb(200, 0, 0)).strong());
        facts_grid(ui, "malicious", indicator);
    }
}

/// Window A and B side by side with the delta (while a comparison is on).
fn comparison_ui(ui: &mut Ui, part: &ComparisonPart) {
    ui.add_space(6.0);
    let tint = crate::state::compare::kind_color(part.kind).map_or(ui.visuals().weak_text_color(), color);
    ui.label(RichText::new(format!("Comparison: {}", part.kind.label())).strong().color(tint));
    if !part.aspects.is_empty() {
        ui.label(part.aspects.join(", "));
    }
    ui.label(RichText::new(format!("A: {}", part.windows.0)).weak());
    ui.label(RichText::new(format!("B: {}", part.windows.1)).weak());
    Grid::new("comparison").num_columns(4).spacing([10.0, 3.0]).striped(true).show(ui, |ui| {
        for header in ["", "A", "B", "Δ"] {
            ui.label(RichText::new(header).weak());
        }
        ui.end_row();
        for row in &part.rows {
            ui.label(RichText::new(row.name).weak());
            ui.label(&row.a);
            ui.label(&row.b);
            ui.label(&row.delta);
            ui.end_row();
        }
    });
}

/// One failed destination port of an edge: its verdict and evidence.
pub fn failure_ui(ui: &mut Ui, row: &FailureRow) {
    ui.label(
        RichText::new(format!("Port {}: {}", row.failure.port, row.failure.verdict.label()))
            .color(color(vmi_core::render::scene::FAILURE_COLOR)),
    );
    for line in &row.evidence {
        ui.add(egui::Label::new(format!("• {line}")).wrap());
    }
}

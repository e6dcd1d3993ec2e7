//! Hover cards: what a node or an edge under the pointer is, in a card sized to its content.
//! Numbers never wrap across lines; a long name is cut with an ellipsis and shown whole in the
//! label's own tooltip.

use crate::state::AppState;
use egui::{RichText, TextWrapMode, Ui};
use vmi_core::graph::NodeKind;
use vmi_core::render::theme::format_bytes;

/// The widest a card grows before long names are ellipsized, in points.
const CARD_MAX_WIDTH: f32 = 380.0;

/// Card text wraps nowhere: it is as wide as its longest line, up to [`CARD_MAX_WIDTH`].
fn card_style(ui: &mut Ui) {
    ui.style_mut().wrap_mode = Some(TextWrapMode::Extend);
    ui.set_max_width(CARD_MAX_WIDTH);
}

/// A name on one line: ellipsized past the card's width, whole in its tooltip.
fn name_line(ui: &mut Ui, text: &str, strong: bool) {
    let rich = if strong { RichText::new(text).strong() } else { RichText::new(text) };
    ui.add(egui::Label::new(rich).truncate());
}

/// The traffic of a view node on the view: links, bytes each way, failed links.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeTraffic {
    pub links: usize,
    pub bytes_out: i64,
    pub bytes_in: i64,
    pub failed: i64,
}

/// Sums the view edges touching node `i` (the node's "out" is what it sent on its edges).
pub fn node_traffic(state: &AppState, i: usize) -> NodeTraffic {
    let mut traffic = NodeTraffic::default();
    for edge in state.view.edges.iter().filter(|e| e.source == i || e.target == i) {
        traffic.links += 1;
        let m = &edge.metrics;
        let (sent, received) =
            if edge.source == i { (m.bytes_sent, m.bytes_received) } else { (m.bytes_received, m.bytes_sent) };
        traffic.bytes_out = traffic.bytes_out.saturating_add(sent);
        traffic.bytes_in = traffic.bytes_in.saturating_add(received);
        traffic.failed = traffic.failed.saturating_add(m.links_failed);
    }
    traffic
}

/// The card of view node `i`.
pub fn node_card_ui(ui: &mut Ui, state: &AppState, i: usize) {
    let Some(node) = state.view.nodes.get(i) else { return };
    card_style(ui);
    name_line(ui, &node.label, true);
    ui.label(RichText::new(node.kind.label()).weak());
    let mut rows: Vec<(&str, String)> = Vec::new();
    match node.kind {
        NodeKind::Group => rows.push(("Machines", node.members.to_string())),
        NodeKind::Machine if node.children > 0 => rows.push(("Processes and ports", node.children.to_string())),
        _ => {}
    }
    let traffic = node_traffic(state, i);
    rows.push(("Links on the map", traffic.links.to_string()));
    rows.push(("Sent", format_bytes(traffic.bytes_out as f64)));
    rows.push(("Received", format_bytes(traffic.bytes_in as f64)));
    if traffic.failed > 0 {
        rows.push(("Failed links", traffic.failed.to_string()));
    }
    egui::Grid::new(("hover-card", i)).num_columns(2).spacing([12.0, 2.0]).show(ui, |ui| {
        for (name, value) in rows {
            ui.label(RichText::new(name).weak());
            ui.label(value);
            ui.end_row();
        }
    });
    if node.malicious {
        ui.colored_label(egui::Color32::from_rgb(200, 0, 0), "⚠ talks to a malicious IP");
    }
    let hint = match node.kind {
        NodeKind::Group if node.expanded => Some("Double-click to collapse the group"),
        NodeKind::Group => Some("Double-click to show its machines"),
        NodeKind::Machine if node.expanded => Some("Double-click to collapse"),
        NodeKind::Machine => Some("Double-click to show its processes"),
        _ => None,
    };
    if let Some(hint) = hint {
        ui.label(RichText::new(hint).small().weak());
    }
}

/// The card of view edge `i`: its ends and metrics.
pub fn edge_card_ui(ui: &mut Ui, state: &AppState, i: usize) {
    let Some(edge) = state.view.edges.get(i) else { return };
    let (Some(a), Some(b)) = (state.view.nodes.get(edge.source), state.view.nodes.get(edge.target)) else { return };
    card_style(ui);
    crate::ui::details::edge_summary_ui(ui, &a.label, &b.label, &edge.metrics);
}

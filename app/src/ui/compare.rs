//! "Compare windows" (Tools > Compare windows…): window B (the map's window) and window A
//! (a preset or explicit times), the bytes ratio that makes a change, and the changes sorted
//! by impact, each row selecting its edge on the map. "Failed connections" (Tools > Failed
//! connections…): the triage of the map's window, each failure with its verdict and evidence,
//! each row selecting its edge. Both read `state.compare` (computed in `update`).

use crate::state::compare::{WindowA, kind_color, map_window};
use crate::state::{Action, CompareAction, MapAction, Selected, UiAction, ViewCtx, Window};
use crate::ui::style::color;
use egui::{RichText, Ui};
use vmi_core::compare::{ChangeKind, Preset, Window as TimeWindow};
use vmi_core::model::Timestamp;

/// Rows of the changes and failures lists, in points.
const ROW_HEIGHT: f32 = 20.0;

/// How window A is chosen in the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AChoice {
    Preset(Preset),
    Explicit,
}

pub struct CompareWindow {
    a_choice: AChoice,
    a_from: String,
    a_to: String,
    b_from: String,
    b_to: String,
    /// The map window the B fields were last filled from (refilled when the map's changes).
    b_filled_from: Option<TimeWindow>,
    pub min_ratio: f64,
    error: Option<String>,
}

impl Default for CompareWindow {
    fn default() -> Self {
        CompareWindow {
            a_choice: AChoice::Preset(Preset::PreviousPeriod),
            a_from: String::new(),
            a_to: String::new(),
            b_from: String::new(),
            b_to: String::new(),
            b_filled_from: None,
            min_ratio: vmi_core::compare::Thresholds::default().bytes_ratio,
            error: None,
        }
    }
}

fn parse_window(from: &str, to: &str, name: &str) -> Result<TimeWindow, String> {
    let time = |text: &str| {
        Timestamp::parse(text.trim())
            .ok_or_else(|| format!("{name}: {:?} is not a date and time (RFC 3339)", text.trim()))
    };
    let window = TimeWindow { from: time(from)?, to: time(to)? };
    if window.to <= window.from {
        return Err(format!("{name} must end after it starts"));
    }
    Ok(window)
}

fn selects_edge(source: vmi_core::graph::NodeKey, target: vmi_core::graph::NodeKey) -> Action {
    MapAction::Select(Some(Selected::Edge { source, target })).into()
}

impl CompareWindow {
    pub fn show(&mut self, ctx: &egui::Context, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let state = view.state;
        let mut open = state.windows.compare;
        egui::Window::new("Compare windows").open(&mut open).default_size([560.0, 560.0]).show(ctx, |ui| {
            self.refill_b(view);
            self.pickers_ui(ui, view, actions);
            if state.compare.on {
                ui.separator();
                changes_ui(ui, view, actions);
            }
        });
        if open != state.windows.compare {
            actions.push(UiAction::ShowWindow(Window::Compare, open).into());
        }
    }

    /// Window B's fields follow the map's window until the user compares with other times.
    fn refill_b(&mut self, view: ViewCtx<'_>) {
        let current = map_window(view.state);
        if current != self.b_filled_from {
            if let Some(w) = current {
                self.b_from = w.from.to_string();
                self.b_to = w.to.to_string();
            }
            self.b_filled_from = current;
        }
    }

    fn pickers_ui(&mut self, ui: &mut Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let compare = &view.state.compare;
        if self.b_filled_from.is_none() {
            ui.label("Load VM Insights records to compare two windows.");
            return;
        }
        ui.label(RichText::new("Window B (the map's window)").strong());
        ui.horizontal(|ui| {
            let from = ui.label("From");
            ui.add(egui::TextEdit::singleline(&mut self.b_from).desired_width(190.0)).labelled_by(from.id);
            let to = ui.label("to");
            ui.add(egui::TextEdit::singleline(&mut self.b_to).desired_width(190.0)).labelled_by(to.id);
        });
        ui.label(RichText::new("Window A").strong());
        for preset in Preset::ALL {
            ui.radio_value(&mut self.a_choice, AChoice::Preset(preset), preset.label());
        }
        ui.horizontal(|ui| {
            let from = ui.radio_value(&mut self.a_choice, AChoice::Explicit, "From");
            let enabled = self.a_choice == AChoice::Explicit;
            ui.add_enabled(enabled, egui::TextEdit::singleline(&mut self.a_from).desired_width(170.0))
                .labelled_by(from.id);
            let to = ui.label("to");
            ui.add_enabled(enabled, egui::TextEdit::singleline(&mut self.a_to).desired_width(170.0)).labelled_by(to.id);
        });
        ui.horizontal(|ui| {
            let label = ui.label("An edge changed when its bytes grow or shrink ×");
            ui.add(egui::DragValue::new(&mut self.min_ratio).range(1.0..=1000.0).speed(0.05).max_decimals(2))
                .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            if ui.button("Compare").clicked() {
                match self.request() {
                    Ok(action) => {
                        self.error = None;
                        actions.push(action);
                    }
                    Err(error) => self.error = Some(error),
                }
            }
            if compare.on {
                if ui.button("Stop comparing").clicked() {
                    actions.push(CompareAction::Stop.into());
                }
                let mut colouring = compare.colouring;
                if ui.checkbox(&mut colouring, "Colour the map by change").changed() {
                    actions.push(CompareAction::SetColouring(colouring).into());
                }
            }
        });
        for message in [&self.error, &compare.message].into_iter().flatten() {
            ui.label(RichText::new(message).color(ui.visuals().warn_fg_color));
        }
    }

    /// The comparison the fields describe.
    fn request(&self) -> Result<Action, String> {
        let b = parse_window(&self.b_from, &self.b_to, "Window B")?;
        let a = match self.a_choice {
            AChoice::Preset(preset) => WindowA::Preset(preset),
            AChoice::Explicit => WindowA::Explicit(parse_window(&self.a_from, &self.a_to, "Window A")?),
        };
        let b = (Some(b) != self.b_filled_from).then_some(b);
        Ok(CompareAction::Start { a, b, min_ratio: self.min_ratio }.into())
    }
}

fn window_text(w: Option<TimeWindow>) -> String {
    w.map(|w| format!("{} – {}", w.from, w.to)).unwrap_or_default()
}

/// The comparison shown: its windows, counts and the changes by impact.
fn changes_ui(ui: &mut Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
    let compare = &view.state.compare;
    let Some(diff) = &compare.diff else { return };
    ui.label(format!("A: {}", window_text(compare.a)));
    ui.label(format!("B: {}", window_text(compare.b)));
    let counts = diff.edge_counts();
    ui.horizontal_wrapped(|ui| {
        for kind in ChangeKind::ALL {
            let n = counts.get(&kind).copied().unwrap_or(0);
            let tint = kind_color(kind).map_or(ui.visuals().weak_text_color(), color);
            ui.label(RichText::new(format!("{}: {n}", kind.label())).color(tint));
        }
    });
    ui.label(RichText::new(format!("Changes ({}), by impact", compare.changes.len())).strong());
    let selected = view.state.selected;
    egui::ScrollArea::vertical().auto_shrink([false, true]).max_height(320.0).show_rows(
        ui,
        ROW_HEIGHT,
        compare.changes.len(),
        |ui, rows| {
            for change in rows.filter_map(|i| compare.changes.get(i)) {
                let tint = kind_color(change.kind).map_or(ui.visuals().text_color(), color);
                let is_selected = selected == Some(Selected::Edge { source: change.source, target: change.target });
                if ui.selectable_label(is_selected, RichText::new(&change.text).color(tint)).clicked() {
                    actions.push(selects_edge(change.source, change.target));
                }
            }
        },
    );
}

/// The triage of the map's window.
#[derive(Default)]
pub struct FailuresWindow;

impl FailuresWindow {
    pub fn show(&mut self, ctx: &egui::Context, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let state = view.state;
        let mut open = state.windows.failures;
        egui::Window::new("Failed connections").open(&mut open).default_size([560.0, 520.0]).show(ctx, |ui| {
            let Some(rows) = &state.compare.triage else {
                ui.label("Not triaged yet.");
                if ui.button("Triage").clicked() {
                    actions.push(CompareAction::Triage.into());
                }
                return;
            };
            ui.label(format!(
                "{} in the map's window, by impact (failed links × affected clients).",
                match rows.len() {
                    0 => "No failed connection".to_string(),
                    1 => "1 failed connection".to_string(),
                    n => format!("{n} failed connections"),
                }
            ));
            let selected = state.selected;
            egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
                for (i, row) in rows.iter().enumerate() {
                    let f = &row.failure;
                    let (source, target) = (f.source.key, f.target.key);
                    let is_selected = selected == Some(Selected::Edge { source, target });
                    let clients = if f.affected_clients == 1 { "client" } else { "clients" };
                    let text = format!(
                        "{}. {}  {} ({} failed links × {} {clients})",
                        i + 1,
                        row.title,
                        f.verdict.label(),
                        f.links_failed,
                        f.affected_clients
                    );
                    if ui.selectable_label(is_selected, text).clicked() {
                        actions.push(selects_edge(source, target));
                    }
                    egui::CollapsingHeader::new("Evidence").id_salt(("evidence", i)).show(ui, |ui| {
                        for line in &row.evidence {
                            ui.add(egui::Label::new(format!("• {line}")).wrap());
                        }
                    });
                }
            });
        });
        if open != state.windows.failures {
            actions.push(UiAction::ShowWindow(Window::Failures, open).into());
        }
    }
}

//! The "Move groups" window (Tools > Move groups…): how to group (weight, largest group, shared
//! services to exclude), the partition's cut beside naive groupings, each group with its
//! machines, figures, lock and cut dependencies (a click selects the edge on the map), the
//! suggested move order, and the exports (groups CSV, firewall rules as CSV or NSG JSON).
//! Everything shown comes from `state.groups` (figures refreshed per edit, not per frame).

use crate::state::groups::{CUT_COLOR, GroupsState, group_color};
use crate::state::{Action, ExportAction, GroupsAction, MapAction, SaveTarget, Selected, UiAction, ViewCtx, Window};
use crate::ui::style::color;
use egui::{RichText, Sense, Ui, vec2};
use egui_extras::{Column, TableBuilder};
use std::collections::BTreeSet;
use vmi_core::groups::{Dependency, Endpoint, GroupView, GroupingOptions, PartitionTotals, RuleScope, Traffic, Weight};
use vmi_core::model::Timestamp;
use vmi_core::render::theme::{format_bytes, format_count};

/// Cut dependencies listed per group before the list scrolls.
const CUT_TABLE_HEIGHT: f32 = 220.0;

pub struct GroupsWindow {
    pub weight: Weight,
    /// Cap the group size at `max_size`.
    pub limit_size: bool,
    pub max_size: usize,
    /// Machine ids ticked to be left out (shared services).
    pub exclude: BTreeSet<String>,
    /// The selected group as last drawn, to open a group when it becomes selected.
    shown_selection: Option<usize>,
}

impl Default for GroupsWindow {
    fn default() -> Self {
        GroupsWindow {
            weight: Weight::Bytes,
            limit_size: false,
            max_size: 20,
            exclude: BTreeSet::new(),
            shown_selection: None,
        }
    }
}

fn weight_label(weight: Weight) -> &'static str {
    match weight {
        Weight::Bytes => "bytes",
        Weight::Links => "links established",
        Weight::Any => "any traffic",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn traffic_text(t: Traffic) -> String {
    format!(
        "{}, {} links, {}",
        format_bytes(t.bytes as f64),
        format_count(t.links as f64),
        plural(t.dependencies, "dependency", "dependencies")
    )
}

fn endpoint_text(end: &Endpoint) -> String {
    match (&end.process, end.machine) {
        (Some(process), _) => format!("{} / {process}", end.name),
        (None, Some(_)) => end.name.clone(),
        // An external end: its name and the addresses behind it.
        (None, None) if end.ips.is_empty() || end.ips.first() == Some(&end.name) => end.name.clone(),
        (None, None) => format!("{} ({})", end.name, end.ips.join(", ")),
    }
}

fn time_text(t: Option<Timestamp>) -> String {
    t.map(|t| t.to_string()).unwrap_or_default()
}

/// A small square of a colour, as the map's legend draws it.
fn swatch(ui: &mut Ui, rgb: vmi_core::render::scene::Rgb) {
    let (rect, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
    ui.painter().rect_filled(rect, 2.0, color(rgb));
}

impl GroupsWindow {
    /// The options the controls describe (ticked machines that are no longer loaded are left out).
    pub fn options(&self, groups: &GroupsState) -> GroupingOptions {
        let loaded: BTreeSet<&str> =
            groups.data.as_ref().map(|d| d.machines.iter().map(|m| m.id.as_str()).collect()).unwrap_or_default();
        GroupingOptions {
            weight: self.weight,
            max_size: self.limit_size.then_some(self.max_size.max(1)),
            excluded: self.exclude.iter().filter(|id| loaded.contains(id.as_str())).cloned().collect(),
            ..GroupingOptions::default()
        }
    }

    pub fn show(&mut self, ctx: &egui::Context, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let state = view.state;
        let mut open = state.windows.groups;
        // Beside the map rather than over it: the map shows the groups' colours.
        let right = ctx.content_rect().right();
        let window = egui::Window::new("Move groups")
            .open(&mut open)
            .default_pos([(right - 620.0).max(0.0), 40.0])
            .default_size([600.0, 700.0])
            .vscroll(true);
        window.show(ctx, |ui| {
            self.options_ui(ui, view, actions);
            let groups = &state.groups;
            if groups.plan.is_some() {
                ui.separator();
                totals_ui(ui, groups);
                ui.separator();
                self.groups_ui(ui, view, actions);
                ui.separator();
                order_ui(ui, groups, actions);
            }
        });
        if open != state.windows.groups {
            actions.push(UiAction::ShowWindow(Window::Groups, open).into());
        }
    }

    fn options_ui(&mut self, ui: &mut Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let groups = &view.state.groups;
        let Some(data) = &groups.data else {
            ui.label("Load VM Insights records to group their machines.");
            return;
        };
        ui.label(format!(
            "{} and {} in the map's time window.",
            plural(data.machines.len(), "machine", "machines"),
            plural(data.dependencies.len(), "dependency", "dependencies")
        ));
        ui.horizontal(|ui| {
            ui.label("Machines belong together by");
            for weight in Weight::ALL {
                ui.radio_value(&mut self.weight, weight, weight_label(weight));
            }
        });
        ui.horizontal(|ui| {
            ui.checkbox(&mut self.limit_size, "At most");
            let value = ui.add_enabled(self.limit_size, egui::DragValue::new(&mut self.max_size).range(1..=100_000));
            let label = ui.label("machines per group");
            value.labelled_by(label.id);
        });
        if !groups.shared.is_empty() {
            egui::CollapsingHeader::new("Shared services: exclude the machines everyone depends on")
                .default_open(true)
                .show(ui, |ui| {
                    for service in &groups.shared {
                        let Some(machine) = data.machines.get(service.machine) else { continue };
                        let mut ticked = self.exclude.contains(&machine.id);
                        let text = format!(
                            "{}: {} depend on it",
                            service.name,
                            plural(service.in_degree, "machine", "machines")
                        );
                        if ui.checkbox(&mut ticked, text).changed() {
                            if ticked {
                                self.exclude.insert(machine.id.clone());
                            } else {
                                self.exclude.remove(&machine.id);
                            }
                        }
                    }
                });
        }
        ui.horizontal(|ui| {
            if ui.button("Compute").on_hover_text("Leiden communities under these constraints").clicked() {
                actions.push(GroupsAction::Compute(self.options(groups)).into());
            }
            if groups.plan.is_some() {
                let mut colouring = groups.colouring;
                if ui.checkbox(&mut colouring, "Colour the map by group").changed() {
                    actions.push(GroupsAction::SetColouring(colouring).into());
                }
                if ui.button("Groups CSV…").on_hover_text("One row per machine, for a planning spreadsheet").clicked()
                {
                    actions.push(ExportAction::SaveDialog { target: SaveTarget::MoveGroups, extension: "csv" }.into());
                }
            }
        });
        if let Some(message) = &groups.message {
            ui.label(RichText::new(message).color(ui.visuals().warn_fg_color));
        }
    }
}

fn share(value: f64) -> String {
    format!("{:.1} %", value * 100.0)
}

/// The plan's cut beside what traffic-blind groupings would cut.
fn totals_ui(ui: &mut Ui, groups: &GroupsState) {
    let figures = &groups.figures;
    ui.label(RichText::new("What the grouping cuts").strong());
    let row = |ui: &mut Ui, name: &str, t: &PartitionTotals| {
        ui.label(name);
        ui.label(t.groups.to_string());
        ui.label(format_bytes(t.cut.bytes as f64));
        ui.label(share(t.cut_bytes_share));
        ui.label(format_count(t.cut.links as f64));
        ui.label(share(t.cut_links_share));
        ui.end_row();
    };
    egui::Grid::new("groups-totals").striped(true).num_columns(6).show(ui, |ui| {
        for title in ["grouping", "groups", "cut bytes", "of bytes", "cut links", "of links"] {
            ui.label(RichText::new(title).strong());
        }
        ui.end_row();
        row(ui, "these move groups", &figures.totals);
        for (naive, totals) in &figures.naive {
            row(ui, &format!("by {}", naive.name()), totals);
        }
    });
    let totals = &figures.totals;
    ui.label(
        RichText::new(format!(
            "Shares are of the traffic between grouped machines. Whatever the grouping, {} goes to excluded \
             machines and {} to unmonitored addresses.",
            format_bytes(totals.to_excluded.bytes as f64),
            format_bytes(totals.external.bytes as f64)
        ))
        .small(),
    );
}

impl GroupsWindow {
    fn groups_ui(&mut self, ui: &mut Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let groups = &view.state.groups;
        // A group just selected (here or elsewhere) opens to show its cut.
        let newly_selected = groups.selected.filter(|_| groups.selected != self.shown_selection);
        self.shown_selection = groups.selected;
        let figures = &groups.figures;
        let filled = figures.groups.iter().filter(|g| !g.machines.is_empty()).count();
        ui.label(
            RichText::new(format!(
                "{} (click a name to bring it forward on the map)",
                plural(filled, "group", "groups")
            ))
            .strong(),
        );
        for group in figures.groups.iter().filter(|g| !g.machines.is_empty()) {
            group_ui(ui, view, group, newly_selected == Some(group.index), actions);
        }
        if !figures.excluded.is_empty() {
            let names: Vec<&str> = figures.excluded.iter().map(|&m| groups.machine_name(m)).collect();
            ui.label(format!("Excluded: {}", names.join(", ")));
        }
    }
}

fn group_ui(ui: &mut Ui, view: ViewCtx<'_>, group: &GroupView, open: bool, actions: &mut Vec<Action>) {
    let groups = &view.state.groups;
    let id = ui.make_persistent_id(("move-group", group.index));
    let mut header = egui::collapsing_header::CollapsingState::load_with_default_open(ui.ctx(), id, false);
    if open {
        header.set_open(true);
    }
    header
        .show_header(ui, |ui| {
            swatch(ui, group_color(group.index));
            let selected = groups.selected == Some(group.index);
            if ui.selectable_label(selected, RichText::new(&group.name).strong()).clicked() {
                let next = if selected { None } else { Some(group.index) };
                actions.push(GroupsAction::Select(next).into());
            }
            ui.label(format!(
                "{}; internal {}; cut {} in {}",
                plural(group.machines.len(), "machine", "machines"),
                format_bytes(group.internal.bytes as f64),
                format_bytes(group.cut.bytes as f64),
                plural(group.cut.dependencies, "dependency", "dependencies"),
            ));
            let mut locked = group.locked;
            if ui.checkbox(&mut locked, "locked").on_hover_text("A locked group keeps its machines").changed() {
                actions.push(GroupsAction::SetLocked { group: group.index, locked }.into());
            }
        })
        .body(|ui| {
            let names: Vec<&str> = group.machines.iter().map(|&m| groups.machine_name(m)).collect();
            ui.label(format!("Machines: {}", names.join(", ")));
            ui.label(format!("Internal: {}", traffic_text(group.internal)));
            ui.horizontal(|ui| {
                swatch(ui, CUT_COLOR);
                ui.label(format!("Cut: {}", traffic_text(group.cut)));
            });
            ui.horizontal(|ui| {
                ui.label("Firewall rules for moving it:");
                rules_buttons(ui, RuleScope::group(group.index), &group.name, actions);
            });
            cut_table(ui, view, group.index, actions);
        });
}

/// Save buttons for the rules of `scope`, as CSV and as an NSG fragment.
fn rules_buttons(ui: &mut Ui, scope: RuleScope, name: &str, actions: &mut Vec<Action>) {
    for (text, extension) in [("CSV…", "csv"), ("NSG JSON…", "json")] {
        if ui.button(text).clicked() {
            let target = SaveTarget::FirewallRules { scope: scope.clone(), name: name.to_string() };
            actions.push(ExportAction::SaveDialog { target, extension }.into());
        }
    }
}

/// The dependencies crossing a group's boundary; a click selects the edge on the map.
fn cut_table(ui: &mut Ui, view: ViewCtx<'_>, group: usize, actions: &mut Vec<Action>) {
    let groups = &view.state.groups;
    let (Some(data), Some(cut)) = (&groups.data, groups.figures.cuts.get(group)) else { return };
    if cut.is_empty() {
        ui.label("Nothing crosses its boundary.");
        return;
    }
    let edge_of = |dep: &Dependency| Selected::Edge { source: dep.from.key, target: dep.to.key };
    let headers = ["from", "to", "port", "protocol", "bytes", "links", "failures", "first seen", "last seen"];
    egui::ScrollArea::horizontal().id_salt(("cut-scroll", group)).show(ui, |ui| {
        TableBuilder::new(ui)
            .id_salt(("cut", group))
            .striped(true)
            .resizable(true)
            .sense(Sense::click())
            .max_scroll_height(CUT_TABLE_HEIGHT)
            .column(Column::initial(170.0).at_least(60.0).clip(true))
            .column(Column::initial(170.0).at_least(60.0).clip(true))
            .columns(Column::auto().at_least(40.0), 5)
            .columns(Column::initial(150.0).at_least(60.0).clip(true), 2)
            .header(20.0, |mut header| {
                for title in headers {
                    header.col(|ui| {
                        ui.label(RichText::new(title).strong());
                    });
                }
            })
            .body(|body| {
                body.rows(18.0, cut.len(), |mut row| {
                    let Some(dep) = cut.get(row.index()).and_then(|&d| data.dependencies.get(d)) else { return };
                    row.set_selected(view.state.selected == Some(edge_of(dep)));
                    let cells = [
                        endpoint_text(&dep.from),
                        endpoint_text(&dep.to),
                        dep.port.to_string(),
                        dep.protocol.clone(),
                        format_bytes(dep.bytes() as f64),
                        format_count(dep.links_established as f64),
                        format_count(dep.links_failed as f64),
                        time_text(dep.first_seen),
                        time_text(dep.last_seen),
                    ];
                    for text in cells {
                        row.col(|ui| {
                            ui.add(egui::Label::new(text).selectable(false));
                        });
                    }
                    if row.response().clicked() {
                        actions.push(MapAction::Select(Some(edge_of(dep))).into());
                    }
                });
            });
    });
}

/// The suggested order of moves, its rule, and the rules for the groups moved so far.
fn order_ui(ui: &mut Ui, groups: &GroupsState, actions: &mut Vec<Action>) {
    let Some(plan) = &groups.plan else { return };
    let order = &groups.figures.order;
    ui.label(RichText::new("Suggested move order").strong());
    ui.label(format!(
        "Rule: starting with nothing moved, each step moves the group that leaves the least {} between moved \
         and not-yet-moved machines (ties go to the group listed first).",
        weight_label(plan.options().weight)
    ));
    egui::Grid::new("groups-order").striped(true).num_columns(4).show(ui, |ui| {
        for title in ["step", "group", "still crossing after it", "rules for everything moved so far"] {
            ui.label(RichText::new(title).strong());
        }
        ui.end_row();
        for (i, step) in order.iter().enumerate() {
            let steps = i + 1;
            ui.label(steps.to_string());
            ui.horizontal(|ui| {
                swatch(ui, group_color(step.group));
                ui.label(&step.name);
            });
            ui.label(format!(
                "{}, {} links",
                format_bytes(step.crossing.bytes as f64),
                format_count(step.crossing.links as f64)
            ));
            ui.horizontal(|ui| {
                let scope = RuleScope::Groups(order.iter().take(steps).map(|s| s.group).collect());
                rules_buttons(ui, scope, &format!("moved-{steps}"), actions);
            });
            ui.end_row();
        }
    });
}

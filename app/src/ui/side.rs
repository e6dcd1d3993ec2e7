//! The left panel: search, loaded files, time window, grouping, filters and the group map.

use crate::state::{Action, FileAction, MapAction, UiAction, ViewCtx, Window};
use egui::{RichText, Ui};
use std::collections::BTreeSet;
use vmi_core::graph::{ExternalGrouping, GroupBy};
use vmi_core::model::time::{TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE};
use vmi_core::model::{TableKind, Timestamp};

#[derive(Default)]
pub struct SidePanel {
    /// The search box's text as typed (the state keeps the text last searched).
    search: String,
}

/// The id of the search box, for Ctrl+F.
pub fn search_id() -> egui::Id {
    egui::Id::unique("vmi-search")
}

impl SidePanel {
    pub fn ui(&mut self, ui: &mut Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            self.search_ui(ui, view, actions);
            ui.separator();
            files_ui(ui, view, actions);
            ui.separator();
            window_ui(ui, view, actions);
            ui.separator();
            grouping_ui(ui, view, actions);
            ui.separator();
            filters_ui(ui, view, actions);
        });
    }

    fn search_ui(&mut self, ui: &mut Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let search = &view.state.search;
        ui.label(RichText::new("Search").strong());
        let response = ui.add(
            egui::TextEdit::singleline(&mut self.search)
                .id(search_id())
                .hint_text("name, IP, DNS, process, command line, port")
                .desired_width(f32::INFINITY),
        );
        if self.search != search.text {
            actions.push(MapAction::Search(self.search.clone()).into());
        }
        if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            actions.push(MapAction::SearchNext.into());
            response.request_focus();
        }
        if !search.text.is_empty() {
            let n = search.matches.len();
            let text = if n == 0 { "no match".to_string() } else { format!("{n} found: Enter shows the next") };
            ui.label(RichText::new(text).weak());
        }
    }
}

fn files_ui(ui: &mut Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
    let state = view.state;
    ui.horizontal(|ui| {
        ui.label(RichText::new("Loaded files").strong());
        if ui.small_button("Open…").clicked() {
            actions.push(FileAction::OpenDialog.into());
        }
    });
    if state.store.files().is_empty() {
        ui.label(RichText::new("Nothing loaded. Drop files here or use File > Open.").weak());
    }
    for file in state.store.files() {
        let name = vmi_core::render::titles::file_name(&file.source).to_string();
        ui.horizontal(|ui| {
            if ui.small_button("✖").on_hover_text("Close this file").clicked() {
                actions.push(FileAction::Close(file.id).into());
            }
            ui.label(name).on_hover_text(&file.source);
        });
        let counts: Vec<String> = TableKind::ALL
            .iter()
            .filter(|k| file.records[k.index()] > 0)
            .map(|k| format!("{} {}", k.name(), file.records[k.index()]))
            .collect();
        let mut line = counts.join(", ");
        if file.duplicates > 0 {
            line.push_str(&format!(" ({} already loaded)", file.duplicates));
        }
        ui.label(RichText::new(line).small().weak());
    }
    if !state.problems.is_empty()
        && ui.link(format!("Problems ({})", state.problems.len() + state.problems_not_kept)).clicked()
    {
        actions.push(UiAction::ShowWindow(Window::Problems, true).into());
    }
}

fn minutes_between(a: Timestamp, b: Timestamp) -> i64 {
    (b.0 - a.0) / TICKS_PER_MINUTE
}

fn window_ui(ui: &mut Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
    let state = view.state;
    ui.label(RichText::new("Time window (UTC)").strong());
    let Some((first, last)) = state.data_extent else {
        ui.label(RichText::new("No connection records.").weak());
        return;
    };
    // The window covers whole minutes, the records' grain; its end is open.
    let end = Timestamp(last.floor_to(TICKS_PER_MINUTE).0 + TICKS_PER_MINUTE);
    let start = first.floor_to(TICKS_PER_MINUTE);
    let span = minutes_between(start, end).max(1);
    let from = state.request.from.unwrap_or(start);
    let to = state.request.to.unwrap_or(end);
    let mut from_minutes = minutes_between(start, from).clamp(0, span);
    let mut to_minutes = minutes_between(start, to).clamp(0, span);
    let at = |m: i64| Timestamp(start.0 + m * TICKS_PER_MINUTE);
    let label = |m: i64| at(m).to_string().replace('T', " ").trim_end_matches('Z').to_string();
    let (from_text, to_text) = (format!("from {}", label(from_minutes)), format!("to {}", label(to_minutes)));
    let changed_from =
        ui.add(egui::Slider::new(&mut from_minutes, 0..=span).show_value(false).text(from_text)).changed();
    let changed_to = ui.add(egui::Slider::new(&mut to_minutes, 0..=span).show_value(false).text(to_text)).changed();
    let mut set = |from, to| actions.push(MapAction::SetWindow { from, to, brush: false }.into());
    if changed_from || changed_to {
        let (a, b) = (from_minutes.min(to_minutes), from_minutes.max(to_minutes).max(from_minutes.min(to_minutes) + 1));
        let open = |m: i64, edge: i64| if m == edge { None } else { Some(at(m)) };
        set(open(a, 0), open(b, span));
    }
    ui.horizontal(|ui| {
        let last_ticks = |ticks: i64| Some(Timestamp(end.0 - ticks));
        if ui.button("Last hour").clicked() {
            set(last_ticks(TICKS_PER_HOUR), None);
        }
        if ui.button("Last 24 h").clicked() {
            set(last_ticks(TICKS_PER_DAY), None);
        }
        if ui.button("All").clicked() {
            set(None, None);
        }
    });
}

/// "Group machines by": the key (with the subnet's CIDR length), how external endpoints
/// gather, and edge widths. Each change is its own action: the user's choice then wins over
/// the grouping a big estate opens with.
fn grouping_ui(ui: &mut Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
    let state = view.state;
    let current = state.options.group_by;
    ui.label(RichText::new("Groups").strong());
    let mut chosen = current;
    egui::ComboBox::new("group-by", "Group machines by")
        .selected_text(current.label())
        .show_ui(ui, |ui| {
            for by in GroupBy::ALL {
                // The subnet keeps the length already set.
                let by = match (by, current) {
                    (GroupBy::Subnet { .. }, GroupBy::Subnet { prefix_len }) => GroupBy::Subnet { prefix_len },
                    _ => by,
                };
                ui.selectable_value(&mut chosen, by, by.label());
            }
        })
        .response
        .on_hover_text("Each group is one node; double-click a group to show its machines.");
    if let GroupBy::Subnet { prefix_len } = chosen {
        let mut length = prefix_len;
        ui.horizontal(|ui| {
            ui.label("CIDR length /");
            ui.add(egui::DragValue::new(&mut length).range(8..=32));
        });
        chosen = GroupBy::Subnet { prefix_len: length };
    }
    if chosen != current {
        actions.push(MapAction::GroupBy(chosen).into());
    }
    let externals = state.options.group_externals;
    let mut externals_chosen = externals;
    egui::ComboBox::new("group-externals", "External endpoints").selected_text(externals.label()).show_ui(ui, |ui| {
        for by in ExternalGrouping::ALL {
            ui.selectable_value(&mut externals_chosen, by, by.label());
        }
    });
    if externals_chosen != externals {
        actions.push(MapAction::GroupExternals(externals_chosen).into());
    }
    let mut by_bytes = state.look.edge_width_by_bytes;
    if ui.checkbox(&mut by_bytes, "Edge width by bytes (log scale)").changed() {
        actions.push(MapAction::SetEdgeWidthByBytes(by_bytes).into());
    }
}

/// A checkbox per value; an empty set means every value is shown.
fn value_filter(ui: &mut Ui, title: &str, values: &BTreeSet<String>, chosen: &mut BTreeSet<String>) {
    if values.len() <= 1 {
        return;
    }
    ui.collapsing(title, |ui| {
        for value in values {
            let mut on = chosen.is_empty() || chosen.contains(value);
            if ui.checkbox(&mut on, value).changed() {
                if chosen.is_empty() {
                    chosen.clone_from(values);
                }
                if on {
                    chosen.insert(value.clone());
                } else {
                    chosen.remove(value);
                }
            }
        }
    });
}

fn filters_ui(ui: &mut Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
    let state = view.state;
    ui.label(RichText::new("Filters").strong());
    let mut options = state.options.clone();
    ui.checkbox(&mut options.hide_localhost, "Hide localhost edges");
    ui.checkbox(&mut options.hide_client_groups, "Hide client groups");
    ui.checkbox(&mut options.failed_only, "Failed links only");
    ui.checkbox(&mut options.malicious_only, "Malicious IPs only");
    ui.horizontal(|ui| {
        ui.label("Min. bytes");
        let mut kilobytes = options.min_bytes / 1024;
        if ui.add(egui::DragValue::new(&mut kilobytes).range(0..=i64::MAX / 1024).suffix(" KB")).changed() {
            options.min_bytes = kilobytes * 1024;
        }
    });
    value_filter(ui, "OS family", &state.filter_values.os_families, &mut options.os_families);
    value_filter(ui, "Azure location", &state.filter_values.locations, &mut options.locations);
    ui.horizontal(|ui| {
        if ui.button("Expand all").clicked() {
            actions.push(MapAction::ExpandAll(true).into());
        }
        if ui.button("Collapse all").clicked() {
            actions.push(MapAction::ExpandAll(false).into());
        }
    });
    if !options.hidden.is_empty() && ui.button(format!("Show {} hidden", options.hidden.len())).clicked() {
        actions.push(MapAction::ShowAllHidden.into());
    }
    if options != state.options {
        actions.push(MapAction::SetViewOptions(options).into());
    }
    if !state.request.focus.is_empty() {
        ui.separator();
        let names: Vec<&str> = state.request.focus.iter().map(String::as_str).collect();
        ui.label(format!("Group map of {}", names.join(", ")));
        if ui.button("Show the whole estate").clicked() {
            actions.push(MapAction::Focus(Vec::new()).into());
        }
    }
}

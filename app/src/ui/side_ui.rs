//! The left panel: search, loaded files, time window, filters and the group map.

use crate::app::VmiApp;
use crate::command::Command;
use egui::{RichText, Ui};
use std::collections::BTreeSet;
use vmi_core::model::schema::computer;
use vmi_core::model::time::{TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE};
use vmi_core::model::{TableKind, Timestamp};

pub fn side_ui(app: &mut VmiApp, ui: &mut Ui) {
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        search_ui(app, ui);
        ui.separator();
        files_ui(app, ui);
        ui.separator();
        window_ui(app, ui);
        ui.separator();
        filters_ui(app, ui);
    });
}

/// The id of the search box, for Ctrl+F.
pub fn search_id() -> egui::Id {
    egui::Id::unique("vmi-search")
}

fn search_ui(app: &mut VmiApp, ui: &mut Ui) {
    ui.label(RichText::new("Search").strong());
    let response = ui.add(
        egui::TextEdit::singleline(&mut app.search.text)
            .id(search_id())
            .hint_text("name, IP, DNS, process, command line, port")
            .desired_width(f32::INFINITY),
    );
    app.update_search();
    if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
        app.pending.push(Command::SearchNext);
        response.request_focus();
    }
    if !app.search.text.is_empty() {
        let n = app.search.matches.len();
        ui.label(
            RichText::new(if n == 0 { "no match".to_string() } else { format!("{n} found: Enter shows the next") })
                .weak(),
        );
    }
}

fn files_ui(app: &mut VmiApp, ui: &mut Ui) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("Loaded files").strong());
        if ui.small_button("Open…").clicked() {
            app.pending.push(Command::OpenDialog);
        }
    });
    if app.store.files().is_empty() {
        ui.label(RichText::new("Nothing loaded. Drop files here or use File > Open.").weak());
    }
    let mut close = None;
    for file in app.store.files() {
        let name = file.source.rsplit(['/', '\\']).next().unwrap_or(&file.source).to_string();
        ui.horizontal(|ui| {
            if ui.small_button("✖").on_hover_text("Close this file").clicked() {
                close = Some(file.id);
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
    if let Some(id) = close {
        app.pending.push(Command::CloseFile(id));
    }
    if !app.problems.is_empty()
        && ui.link(format!("Problems ({})", app.problems.len() + app.problems_not_kept)).clicked()
    {
        app.show_problems = true;
    }
}

fn minutes_between(a: Timestamp, b: Timestamp) -> i64 {
    (b.0 - a.0) / TICKS_PER_MINUTE
}

fn window_ui(app: &mut VmiApp, ui: &mut Ui) {
    ui.label(RichText::new("Time window (UTC)").strong());
    let Some((first, last)) = app.data_extent else {
        ui.label(RichText::new("No connection records.").weak());
        return;
    };
    // The window covers whole minutes, the records' grain; its end is open.
    let end = Timestamp(last.floor_to(TICKS_PER_MINUTE).0 + TICKS_PER_MINUTE);
    let start = first.floor_to(TICKS_PER_MINUTE);
    let span = minutes_between(start, end).max(1);
    let from = app.request.from.unwrap_or(start);
    let to = app.request.to.unwrap_or(end);
    let mut from_minutes = minutes_between(start, from).clamp(0, span);
    let mut to_minutes = minutes_between(start, to).clamp(0, span);
    let at = |m: i64| Timestamp(start.0 + m * TICKS_PER_MINUTE);
    let label = |m: i64| at(m).to_string().replace('T', " ").trim_end_matches('Z').to_string();
    let (from_text, to_text) = (format!("from {}", label(from_minutes)), format!("to {}", label(to_minutes)));
    let changed_from =
        ui.add(egui::Slider::new(&mut from_minutes, 0..=span).show_value(false).text(from_text)).changed();
    let changed_to = ui.add(egui::Slider::new(&mut to_minutes, 0..=span).show_value(false).text(to_text)).changed();
    if changed_from || changed_to {
        let (a, b) = (from_minutes.min(to_minutes), from_minutes.max(to_minutes).max(from_minutes.min(to_minutes) + 1));
        let open = |m: i64, edge: i64| if m == edge { None } else { Some(at(m)) };
        app.pending.push(Command::SetWindow { from: open(a, 0), to: open(b, span) });
    }
    ui.horizontal(|ui| {
        let last_minutes = |ticks: i64| Some(Timestamp(end.0 - ticks));
        if ui.button("Last hour").clicked() {
            app.pending.push(Command::SetWindow { from: last_minutes(TICKS_PER_HOUR), to: None });
        }
        if ui.button("Last 24 h").clicked() {
            app.pending.push(Command::SetWindow { from: last_minutes(TICKS_PER_DAY), to: None });
        }
        if ui.button("All").clicked() {
            app.pending.push(Command::SetWindow { from: None, to: None });
        }
    });
}

fn distinct_machine_values(app: &VmiApp, column: usize) -> BTreeSet<String> {
    app.inventory
        .machine_rows
        .values()
        .map(|&row| app.store.text(TableKind::VMComputer, column, row).to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .collect()
}

fn filters_ui(app: &mut VmiApp, ui: &mut Ui) {
    ui.label(RichText::new("Filters").strong());
    let mut options = app.options.clone();
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
    for (title, column, set) in [
        ("OS family", computer::OPERATING_SYSTEM_FAMILY, &mut options.os_families),
        ("Azure location", computer::AZURE_LOCATION, &mut options.locations),
    ] {
        let values = distinct_machine_values(app, column);
        if values.len() > 1 {
            ui.collapsing(title, |ui| {
                for value in values {
                    let mut on = set.is_empty() || set.contains(&value);
                    if ui.checkbox(&mut on, &value).changed() {
                        if set.is_empty() {
                            *set = distinct_machine_values(app, column);
                        }
                        if on {
                            set.insert(value);
                        } else {
                            set.remove(&value);
                        }
                    }
                }
            });
        }
    }
    ui.horizontal(|ui| {
        if ui.button("Expand all").clicked() {
            app.pending.push(Command::ExpandAll(true));
        }
        if ui.button("Collapse all").clicked() {
            app.pending.push(Command::ExpandAll(false));
        }
    });
    if !options.hidden.is_empty() && ui.button(format!("Show {} hidden", options.hidden.len())).clicked() {
        app.pending.push(Command::ShowAllHidden);
    }
    if options != app.options {
        app.pending.push(Command::SetViewOptions(options));
    }
    if !app.request.focus.is_empty() {
        ui.separator();
        let names: Vec<String> = app.request.focus.iter().cloned().collect();
        ui.label(format!("Group map of {}", names.join(", ")));
        if ui.button("Show the whole estate").clicked() {
            app.pending.push(Command::Focus(Vec::new()));
        }
    }
}

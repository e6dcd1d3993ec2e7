//! The Reports window: every documented sample query, its parameters, a sortable and
//! filterable table whose rows select on the map, and CSV export.

use crate::app::VmiApp;
use crate::command::Command;
use egui::{RichText, Ui};
use vmi_core::graph::{Inventory, MapRequest};
use vmi_core::reports::{self, Needs, REPORTS, ReportParams, ReportTable};
use vmi_core::store::Store;

pub struct ReportsState {
    pub open: bool,
    pub id: String,
    pub params: ReportParams,
    pub machines_text: String,
    pub table: ReportTable,
    pub error: Option<String>,
    pub filter: String,
    pub sort: Option<(usize, bool)>,
}

impl Default for ReportsState {
    fn default() -> Self {
        ReportsState {
            open: false,
            id: REPORTS[0].id.to_string(),
            params: ReportParams::default(),
            machines_text: String::new(),
            table: ReportTable::default(),
            error: None,
            filter: String::new(),
            sort: None,
        }
    }
}

impl ReportsState {
    /// Runs the chosen report on the loaded records and the map's window.
    pub fn run(&mut self, store: &Store, inventory: &Inventory, window: &MapRequest) {
        self.params.machines =
            self.machines_text.split(',').map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect();
        self.params.from = window.from;
        self.params.to = window.to;
        self.sort = None;
        match reports::run(store, inventory, &self.id, &self.params) {
            Ok(table) => {
                self.table = table;
                self.error = None;
            }
            Err(error) => {
                self.table = ReportTable::default();
                self.error = Some(error.to_string());
            }
        }
    }
}

pub fn reports_window(app: &mut VmiApp, ctx: &egui::Context) {
    let mut open = app.reports.open;
    egui::Window::new("Reports").open(&mut open).default_size([760.0, 460.0]).show(ctx, |ui| reports_ui(app, ui));
    app.reports.open = open;
}

fn reports_ui(app: &mut VmiApp, ui: &mut Ui) {
    let selected_machine = match app.selected {
        Some(crate::command::Selected::Node(key)) => key.machine().map(|m| app.store.str(m).to_string()),
        _ => None,
    };
    let mut commands = Vec::new();
    let state = &mut app.reports;
    let current = reports::info(&state.id).unwrap_or(&REPORTS[0]);
    ui.horizontal(|ui| {
        egui::ComboBox::new("report", "report").width(380.0).selected_text(current.title).show_ui(ui, |ui| {
            for report in REPORTS {
                ui.selectable_value(&mut state.id, report.id.to_string(), report.title);
            }
        });
    });
    let current = reports::info(&state.id).unwrap_or(&REPORTS[0]);
    ui.horizontal(|ui| {
        match current.needs {
            Needs::Text => {
                ui.label("Text");
                ui.text_edit_singleline(&mut state.params.text);
                ui.checkbox(&mut state.params.case_sensitive, "Case-sensitive (contains_cs)");
            }
            Needs::Machine | Needs::Machines => {
                ui.label("Machines");
                ui.add(
                    egui::TextEdit::singleline(&mut state.machines_text).hint_text("names or m-… ids, comma-separated"),
                );
                if let Some(machine) = &selected_machine
                    && ui.button("Use selection").clicked()
                {
                    state.machines_text.clone_from(machine);
                }
            }
            Needs::Exe => {
                ui.label("Executable");
                ui.text_edit_singleline(&mut state.params.exe);
            }
            Needs::Nothing => {}
        }
        if ui.button("Run").clicked() {
            commands.push(Command::RunReport);
        }
        if !state.table.columns.is_empty() && ui.button("Export CSV…").clicked() {
            commands.push(Command::ExportReportCsvDialog);
        }
    });
    app.pending.extend(commands);
    if current.windowed {
        ui.label(RichText::new("Uses the map's time window.").weak());
    }
    ui.label(RichText::new("The trend questions (bytes, link status, failures) are the charts under the map.").weak());
    let state = &mut app.reports;
    if let Some(error) = &state.error {
        ui.colored_label(egui::Color32::from_rgb(200, 40, 40), error);
    }
    if let Some(note) = &state.table.note {
        ui.label(RichText::new(note).italics());
    }
    if state.table.columns.is_empty() {
        return;
    }
    ui.horizontal(|ui| {
        ui.label("Filter");
        ui.text_edit_singleline(&mut state.filter);
        ui.label(format!("{} rows", state.table.rows.len()));
    });
    let matching = state.table.matching_rows(&state.filter);
    let order: Vec<usize> = match state.sort {
        Some((column, descending)) => {
            state.table.sorted_order(column, descending).into_iter().filter(|i| matching.contains(i)).collect()
        }
        None => matching,
    };
    let mut clicked_row = None;
    let mut sort = state.sort;
    egui::ScrollArea::both().auto_shrink([false, false]).show(ui, |ui| {
        egui::Grid::new("report-table").striped(true).spacing([12.0, 4.0]).show(ui, |ui| {
            for (i, column) in state.table.columns.iter().enumerate() {
                let arrow = match sort {
                    Some((c, true)) if c == i => " ▼",
                    Some((c, false)) if c == i => " ▲",
                    _ => "",
                };
                if ui.button(RichText::new(format!("{column}{arrow}")).strong()).clicked() {
                    sort = Some((i, sort == Some((i, false))));
                }
            }
            ui.end_row();
            for &row in order.iter().take(2000) {
                for cell in &state.table.rows[row].cells {
                    let shown: String = cell.chars().take(120).collect();
                    if ui.add(egui::Label::new(shown).sense(egui::Sense::click())).clicked() {
                        clicked_row = Some(row);
                    }
                }
                ui.end_row();
            }
        });
    });
    state.sort = sort;
    if let Some(row) = clicked_row
        && let Some(key) = state.table.rows[row].target.as_ref().and_then(|t| reports::target_node(&app.store, t))
    {
        app.pending.push(Command::Reveal(key));
    }
}

//! The Reports window: every documented sample query, its parameters, a sortable and
//! filterable table (only visible rows laid out) whose rows select on the map, and CSV export.

use crate::state::{Action, ExportAction, MapAction, ReportAction, SaveTarget, Selected, UiAction, ViewCtx, Window};
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use vmi_core::reports::{self, Needs, REPORTS, ReportParams};

/// What a row order was computed for: the report run, the filter text and the sort.
type OrderKey = (u64, String, Option<(usize, bool)>);

pub struct ReportsWindow {
    /// The report chosen and its parameters, as typed (sent with Run).
    pub id: String,
    pub params: ReportParams,
    pub machines_text: String,
    filter: String,
    sort: Option<(usize, bool)>,
    /// Rows shown, in order, and the (run, filter, sort) they were computed for.
    order: Vec<usize>,
    order_for: Option<OrderKey>,
}

impl Default for ReportsWindow {
    fn default() -> Self {
        ReportsWindow {
            id: REPORTS[0].id.to_string(),
            params: ReportParams::default(),
            machines_text: String::new(),
            filter: String::new(),
            sort: None,
            order: Vec::new(),
            order_for: None,
        }
    }
}

impl ReportsWindow {
    pub fn show(&mut self, ctx: &egui::Context, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let mut open = view.state.windows.reports;
        egui::Window::new("Reports")
            .open(&mut open)
            .default_size([760.0, 460.0])
            .show(ctx, |ui| self.ui(ui, view, actions));
        if open != view.state.windows.reports {
            actions.push(UiAction::ShowWindow(Window::Reports, open).into());
        }
    }

    fn ui(&mut self, ui: &mut Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let state = view.state;
        let selected_machine = match state.selected {
            Some(Selected::Node(key)) => key.machine().map(|m| state.store.str(m).to_string()),
            _ => None,
        };
        let current = reports::info(&self.id).unwrap_or(&REPORTS[0]);
        egui::ComboBox::new("report", "report").width(380.0).selected_text(current.title).show_ui(ui, |ui| {
            for report in REPORTS {
                ui.selectable_value(&mut self.id, report.id.to_string(), report.title);
            }
        });
        let current = reports::info(&self.id).unwrap_or(&REPORTS[0]);
        ui.horizontal(|ui| {
            match current.needs {
                Needs::Text => {
                    ui.label("Text");
                    ui.text_edit_singleline(&mut self.params.text);
                    ui.checkbox(&mut self.params.case_sensitive, "Case-sensitive (contains_cs)");
                }
                Needs::Machine | Needs::Machines => {
                    ui.label("Machines");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.machines_text)
                            .hint_text("names or m-… ids, comma-separated"),
                    );
                    if let Some(machine) = &selected_machine
                        && ui.button("Use selection").clicked()
                    {
                        self.machines_text.clone_from(machine);
                    }
                }
                Needs::Exe => {
                    ui.label("Executable");
                    ui.text_edit_singleline(&mut self.params.exe);
                }
                Needs::Nothing => {}
            }
            if ui.button("Run").clicked() {
                let mut params = self.params.clone();
                params.machines =
                    self.machines_text.split(',').map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect();
                actions.push(ReportAction::Run { id: self.id.clone(), params }.into());
            }
            if !state.reports.table.columns.is_empty() && ui.button("Export CSV…").clicked() {
                actions.push(ExportAction::SaveDialog { target: SaveTarget::ReportCsv, extension: "csv" }.into());
            }
        });
        if current.windowed {
            ui.label(RichText::new("Uses the map's time window.").weak());
        }
        ui.label(
            RichText::new("The trend questions (bytes, link status, failures) are the charts under the map.").weak(),
        );
        let result = &state.reports;
        if let Some(error) = &result.error {
            ui.colored_label(egui::Color32::from_rgb(200, 40, 40), error);
        }
        if let Some(note) = &result.table.note {
            ui.label(RichText::new(note).italics());
        }
        let table = &result.table;
        if table.columns.is_empty() {
            return;
        }
        ui.horizontal(|ui| {
            ui.label("Filter");
            ui.text_edit_singleline(&mut self.filter);
            ui.label(format!("{} rows", table.rows.len()));
        });
        let order_key = (result.runs, self.filter.clone(), self.sort);
        if self.order_for.as_ref() != Some(&order_key) {
            let matching = table.matching_rows(&self.filter);
            self.order = match self.sort {
                Some((column, descending)) => {
                    let mut keep = vec![false; table.rows.len()];
                    for &i in &matching {
                        keep[i] = true;
                    }
                    table.sorted_order(column, descending).into_iter().filter(|&i| keep[i]).collect()
                }
                None => matching,
            };
            self.order_for = Some(order_key);
        }
        let mut clicked_row = None;
        let mut sort = self.sort;
        egui::ScrollArea::horizontal().show(ui, |ui| {
            TableBuilder::new(ui)
                .striped(true)
                .resizable(true)
                .columns(Column::auto().at_least(60.0).clip(true), table.columns.len())
                .header(22.0, |mut header| {
                    for (i, column) in table.columns.iter().enumerate() {
                        header.col(|ui| {
                            let arrow = match sort {
                                Some((c, true)) if c == i => " ▼",
                                Some((c, false)) if c == i => " ▲",
                                _ => "",
                            };
                            if ui.button(RichText::new(format!("{column}{arrow}")).strong()).clicked() {
                                sort = Some((i, sort == Some((i, false))));
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(20.0, self.order.len(), |mut row| {
                        let index = self.order[row.index()];
                        for cell in &table.rows[index].cells {
                            row.col(|ui| {
                                let shown: String = cell.chars().take(120).collect();
                                if ui.add(egui::Label::new(shown).sense(egui::Sense::click())).clicked() {
                                    clicked_row = Some(index);
                                }
                            });
                        }
                    });
                });
        });
        self.sort = sort;
        if let Some(row) = clicked_row
            && let Some(key) = table.rows[row].target.as_ref().and_then(|t| reports::target_node(&state.store, t))
        {
            actions.push(MapAction::Reveal(key).into());
        }
    }
}

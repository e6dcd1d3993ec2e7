//! The query console: a KQL editor (highlighting, completion, the error under its span),
//! workbook parameters, saved queries and history, Ctrl+Enter to run on the query job with a
//! Cancel button, and the answer as a virtualized, sortable grid or as its `render` chart.

use crate::state::query::{chart_of, nodes_named_by};
use crate::state::{Action, ExportAction, MapAction, QueryAction, SaveTarget, UiAction, ViewCtx, Window};
use egui::text::{CCursor, CCursorRange, LayoutJob};
use egui::{Color32, FontId, Key, KeyboardShortcut, Modifiers, RichText, TextFormat, Ui};
use egui_extras::{Column, TableBuilder};
use std::collections::BTreeMap;
use vmi_core::graph::NodeKind;
use vmi_core::kql::complete::{Catalog, TokenClass, highlight, suggest};
use vmi_core::kql::library::SAVED_QUERIES;
use vmi_core::kql::{QueryOutput, ResultTable, value};
use vmi_core::render::Theme;

/// Suggestions shown at most under the editor.
const MAX_SUGGESTIONS: usize = 10;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Table,
    Chart,
}

/// What a chart texture was drawn for: the answer's id, its size and theme.
type ChartKey = (u64, u32, u32, Theme);

pub struct QueryWindow {
    /// The query being written.
    pub text: String,
    /// Workbook parameters' values, by name.
    pub params: BTreeMap<String, String>,
    tab: Tab,
    /// The answer last shown: a new one with a chart opens on its chart, as in the portal.
    shown_answer: u64,
    /// Where the cursor is, as a char index, from the last frame.
    cursor: usize,
    /// Sorted row order of the shown result: (answer id, column, descending) -> rows.
    sort: Option<(u64, usize, bool)>,
    order: Vec<usize>,
    /// The chart texture and what it was drawn for: (answer id, width, height, theme).
    chart: Option<(ChartKey, Result<egui::TextureHandle, String>)>,
    catalog: Option<(u64, Catalog)>,
}

impl Default for QueryWindow {
    fn default() -> Self {
        QueryWindow {
            text: SAVED_QUERIES[0].text.to_string(),
            params: BTreeMap::new(),
            tab: Tab::Table,
            shown_answer: 0,
            cursor: 0,
            sort: None,
            order: Vec::new(),
            chart: None,
            catalog: None,
        }
    }
}

/// The editor's colours per token class, readable in both themes.
fn token_color(class: TokenClass, dark: bool) -> Color32 {
    let (light, night) = match class {
        TokenClass::Keyword => ((0, 0, 200), (110, 160, 255)),
        TokenClass::Operator => ((130, 0, 150), (210, 140, 230)),
        TokenClass::Function => ((120, 80, 0), (230, 200, 120)),
        TokenClass::String => ((160, 20, 20), (240, 140, 110)),
        TokenClass::Number => ((0, 120, 90), (130, 210, 170)),
        TokenClass::Comment => ((0, 128, 0), (110, 180, 110)),
        _ => return if dark { Color32::from_gray(220) } else { Color32::from_gray(20) },
    };
    let (r, g, b) = if dark { night } else { light };
    Color32::from_rgb(r, g, b)
}

/// The editor's text as coloured sections, with the error's span underlined in red.
fn layout_job(text: &str, error: Option<std::ops::Range<usize>>, dark: bool, wrap: f32) -> LayoutJob {
    let font = FontId::monospace(13.0);
    let mut job = LayoutJob::default();
    let mut classes: Vec<Option<TokenClass>> = vec![None; text.len()];
    for (range, class) in highlight(text) {
        for slot in classes.get_mut(range).into_iter().flatten() {
            *slot = Some(class);
        }
    }
    let mut start = 0;
    while start < text.len() {
        let class = classes[start];
        let in_error = |i: usize| error.as_ref().is_some_and(|e| e.contains(&i) || (e.is_empty() && e.start == i));
        let mut end = start + 1;
        while end < text.len() && classes[end] == class && in_error(end) == in_error(start) {
            end += 1;
        }
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let mut format = TextFormat::simple(
            font.clone(),
            class.map_or_else(
                || if dark { Color32::from_gray(220) } else { Color32::from_gray(20) },
                |c| token_color(c, dark),
            ),
        );
        if in_error(start) {
            format.underline = egui::Stroke::new(2.0, Color32::from_rgb(220, 30, 30));
        }
        job.append(&text[start..end], 0.0, format);
        start = end;
    }
    job.wrap.max_width = wrap;
    job
}

impl QueryWindow {
    pub fn show(&mut self, ctx: &egui::Context, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let mut open = view.state.windows.query;
        egui::Window::new("Query")
            .open(&mut open)
            .default_size([1000.0, 680.0])
            .resizable(true)
            .show(ctx, |ui| self.ui(ui, view, actions));
        if open != view.state.windows.query {
            actions.push(UiAction::ShowWindow(Window::Query, open).into());
        }
    }

    /// Runs the editor's query with its parameters.
    fn run(&self, actions: &mut Vec<Action>) {
        actions.push(QueryAction::Run { text: self.text.clone(), params: self.params.clone() }.into());
    }

    fn ui(&mut self, ui: &mut Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let state = view.state;
        let query = &state.query;
        let running = query.running.is_some();
        ui.horizontal(|ui| {
            egui::ComboBox::new("saved-queries", "Saved").selected_text("choose a query").width(240.0).show_ui(
                ui,
                |ui| {
                    for saved in SAVED_QUERIES {
                        if ui.selectable_label(false, saved.title).on_hover_text(saved.note).clicked() {
                            self.text = saved.text.to_string();
                        }
                    }
                },
            );
            egui::ComboBox::new("query-history", "History")
                .selected_text(format!("{} run", query.history.len()))
                .width(90.0)
                .show_ui(ui, |ui| {
                    for past in &query.history {
                        let first_line: String = past.lines().next().unwrap_or_default().chars().take(80).collect();
                        if ui.selectable_label(false, first_line).on_hover_text(past).clicked() {
                            self.text.clone_from(past);
                        }
                    }
                });
            ui.separator();
            if ui.add_enabled(!running, egui::Button::new("▶ Run")).on_hover_text("Ctrl+Enter").clicked() {
                self.run(actions);
            }
            if running {
                if ui.button("Cancel").clicked() {
                    actions.push(QueryAction::Cancel.into());
                }
                ui.spinner();
                if let Some(r) = &query.running {
                    ui.label(format!("{:.1} s", r.started.elapsed().as_secs_f32()));
                    ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
                }
            }
            ui.separator();
            let now = query.now(state).map(|t| vmi_core::model::Timestamp(t).to_string()).unwrap_or_default();
            ui.label(RichText::new(format!("now() = {now}")).weak())
                .on_hover_text("now() and ago() count from the latest record loaded, unless the wall clock is chosen");
            let mut wall = query.wall_clock;
            if ui.checkbox(&mut wall, "wall clock").changed() {
                actions.push(QueryAction::SetWallClock(wall).into());
            }
        });
        self.editor(ui, view, actions);
        self.params_ui(ui);
        ui.separator();
        self.answer_ui(ui, view, actions);
    }

    fn editor(&mut self, ui: &mut Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let state = view.state;
        let answer = state.query.answer.as_ref();
        // The error's span, when the editor still holds the query it is about.
        let error = answer.and_then(|a| a.result.as_ref().err().filter(|_| a.text == self.text).map(|e| (e, &a.text)));
        let error_range = error.map(|(e, _)| e.span.start..e.span.end);
        let dark = ui.visuals().dark_mode;
        let mut layouter = |ui: &Ui, text: &dyn egui::TextBuffer, wrap: f32| {
            ui.fonts_mut(|f| f.layout_job(layout_job(text.as_str(), error_range.clone(), dark, wrap)))
        };
        let ctrl_enter = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);
        let run_now = ui.input_mut(|i| i.consume_shortcut(&ctrl_enter));
        let label =
            ui.label(RichText::new("KQL over VMComputer, VMProcess, VMConnection and VMBoundPort").weak().small());
        let output = egui::TextEdit::multiline(&mut self.text)
            .id(editor_id())
            .code_editor()
            .desired_rows(9)
            .desired_width(f32::INFINITY)
            .layouter(&mut layouter)
            .show(ui);
        let _ = output.response.response.clone().labelled_by(label.id);
        if let Some(range) = output.cursor_range {
            self.cursor = range.primary.index.0;
        }
        if run_now && !self.text.trim().is_empty() {
            self.run(actions);
        }
        if let Some((error, text)) = error {
            ui.label(RichText::new(error.render(text)).monospace().color(Color32::from_rgb(200, 40, 40)));
        }
        // Completion of the word under the cursor: tables, columns, operators, functions.
        if output.response.has_focus() {
            let generation = state.store.generation();
            if self.catalog.as_ref().is_none_or(|(g, _)| *g != generation) {
                self.catalog = Some((generation, catalog(state)));
            }
            let byte = self.text.char_indices().nth(self.cursor).map_or(self.text.len(), |(i, _)| i);
            let catalog = self.catalog.as_ref().map(|(_, c)| c);
            let suggestions = catalog.map(|c| suggest(&self.text, byte, c)).unwrap_or_default();
            if !suggestions.is_empty() {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new("Complete:").weak().small());
                    for word in suggestions.iter().take(MAX_SUGGESTIONS) {
                        if ui.small_button(word).clicked() {
                            let cursor = complete_word(&mut self.text, byte, word);
                            let mut edit = egui::TextEdit::load_state(ui.ctx(), editor_id()).unwrap_or_default();
                            edit.cursor.set_char_range(Some(CCursorRange::one(CCursor::new(cursor))));
                            edit.store(ui.ctx(), editor_id());
                            ui.memory_mut(|m| m.request_focus(editor_id()));
                        }
                    }
                });
            }
        }
    }

    /// A text box per workbook parameter the query uses (the time range comes from the map's
    /// window unless given here).
    fn params_ui(&mut self, ui: &mut Ui) {
        let names = vmi_core::kql::params::names(&self.text);
        if names.is_empty() {
            return;
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Parameters").strong());
            for name in names {
                ui.label(format!("{{{name}}}"));
                let hint = if vmi_core::kql::params::is_time_parameter(&name) { "the map's window" } else { "value" };
                let value = self.params.entry(name).or_default();
                ui.add(egui::TextEdit::singleline(value).hint_text(hint).desired_width(160.0));
            }
        });
        // Empty boxes are not values: the time range falls back to the window.
        self.params.retain(|_, v| !v.is_empty());
    }

    fn answer_ui(&mut self, ui: &mut Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let state = view.state;
        let Some(answer) = &state.query.answer else {
            ui.label(
                RichText::new(
                    "Write a query over VMComputer, VMProcess, VMConnection and VMBoundPort and press Ctrl+Enter.",
                )
                .weak(),
            );
            return;
        };
        let output = match &answer.result {
            Ok(output) => output.clone(),
            Err(error) if error.kind == vmi_core::kql::error::ErrorKind::Cancelled => {
                ui.label("Cancelled.");
                return;
            }
            Err(_) if answer.text == self.text => return,
            Err(error) => {
                ui.label(RichText::new(error.render(&answer.text)).monospace().color(Color32::from_rgb(200, 40, 40)));
                return;
            }
        };
        if answer.id != self.shown_answer {
            self.shown_answer = answer.id;
            self.tab = if output.chart.is_some() { Tab::Chart } else { Tab::Table };
        }
        let Some(table) = output.tables.last() else {
            ui.label("The query returned no table.");
            return;
        };
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.tab, Tab::Table, "Table");
            if output.chart.is_some() {
                ui.selectable_value(&mut self.tab, Tab::Chart, "Chart");
            }
            ui.separator();
            ui.label(format!(
                "{} rows, {} columns in {:.0} ms",
                table.rows(),
                table.columns.len(),
                answer.elapsed.as_secs_f64() * 1000.0
            ));
            ui.separator();
            for (text, extension) in [("Export CSV…", "csv"), ("Export JSON…", "json")] {
                if ui.button(text).clicked() {
                    actions.push(ExportAction::SaveDialog { target: SaveTarget::QueryResult, extension }.into());
                }
            }
            if output.chart.is_some() {
                for (text, extension) in [("Chart PNG…", "png"), ("Chart SVG…", "svg")] {
                    if ui.button(text).clicked() {
                        actions.push(ExportAction::SaveDialog { target: SaveTarget::QueryChart, extension }.into());
                    }
                }
            }
            if ui
                .button("Show on map")
                .on_hover_text("Highlight the machines, processes, IPs and ports the rows name")
                .clicked()
            {
                actions.push(QueryAction::ShowOnMap.into());
            }
            if !state.query.highlighted.is_empty() {
                ui.label(format!("{} highlighted", state.query.highlighted.len()));
                if ui.small_button("Clear").clicked() {
                    actions.push(QueryAction::ClearHighlight.into());
                }
            }
        });
        if output.chart.is_none() {
            self.tab = Tab::Table;
        }
        match self.tab {
            Tab::Table => self.grid(ui, view, table, answer.id, actions),
            Tab::Chart => self.chart_ui(ui, &output, answer.id, state.theme),
        }
    }

    fn chart_ui(&mut self, ui: &mut Ui, output: &QueryOutput, id: u64, theme: Theme) {
        let size = ui.available_size();
        let (width, height) = (size.x.max(200.0) as u32, size.y.max(150.0) as u32);
        let key = (id, width, height, theme);
        if self.chart.as_ref().is_none_or(|(k, _)| *k != key) {
            let drawn = chart_of(output, theme, width, height)
                .and_then(|chart| vmi_core::render::query_chart::render_rgba(&chart))
                .map(|image| {
                    let pixels = egui::ColorImage::from_rgba_unmultiplied(
                        [image.width as usize, image.height as usize],
                        &image.pixels,
                    );
                    ui.ctx().load_texture("query-chart", pixels, egui::TextureOptions::LINEAR)
                });
            self.chart = Some((key, drawn));
        }
        match self.chart.as_ref().map(|(_, c)| c) {
            Some(Ok(texture)) => {
                ui.add(egui::Image::new((texture.id(), egui::vec2(width as f32, height as f32))));
            }
            Some(Err(message)) => {
                ui.label(message);
            }
            None => {}
        }
    }

    fn grid(&mut self, ui: &mut Ui, view: ViewCtx<'_>, table: &ResultTable, id: u64, actions: &mut Vec<Action>) {
        if self.sort.is_some_and(|(sorted_id, ..)| sorted_id != id)
            || self.order.len() != table.rows() && self.sort.is_none()
        {
            self.sort = None;
            self.order = (0..table.rows()).collect();
        }
        let mut clicked_sort = None;
        egui::ScrollArea::horizontal().show(ui, |ui| {
            TableBuilder::new(ui)
                .striped(true)
                .resizable(true)
                .columns(Column::initial(140.0).at_least(40.0).clip(true), table.columns.len())
                .header(22.0, |mut header| {
                    for (c, column) in table.columns.iter().enumerate() {
                        header.col(|ui| {
                            let arrow = match self.sort {
                                Some((_, s, true)) if s == c => " ▼",
                                Some((_, s, false)) if s == c => " ▲",
                                _ => "",
                            };
                            let text = RichText::new(format!("{}{arrow}", column.name)).strong();
                            if ui.button(text).on_hover_text(column.ty.name()).clicked() {
                                clicked_sort = Some(c);
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(20.0, self.order.len(), |mut row| {
                        let index = self.order.get(row.index()).copied().unwrap_or(0);
                        for c in 0..table.columns.len() {
                            row.col(|ui| {
                                let text = table.display(index, c);
                                let shown: String = text.chars().take(200).collect();
                                let response = ui.add(egui::Label::new(shown).sense(egui::Sense::click()));
                                if response.clicked() {
                                    // A row that names a machine, process or address selects it.
                                    let named = nodes_named_by(view.state, table, index..index + 1);
                                    if let Some(key) =
                                        named.iter().find(|k| k.kind() == NodeKind::Process).or(named.first())
                                    {
                                        actions.push(MapAction::Reveal(*key).into());
                                    }
                                }
                                response.context_menu(|ui| {
                                    if ui.button("Copy value").clicked() {
                                        actions.push(UiAction::CopyText(text.clone()).into());
                                    }
                                    if ui.button("Copy row").clicked() {
                                        actions.push(UiAction::CopyText(table.row_display(index).join("\t")).into());
                                    }
                                });
                            });
                        }
                    });
                });
        });
        if let Some(column) = clicked_sort {
            let descending = !matches!(self.sort, Some((_, c, true)) if c == column);
            self.order = sorted_rows(table, column, descending);
            self.sort = Some((id, column, descending));
        }
    }
}

fn editor_id() -> egui::Id {
    egui::Id::unique("vmi-query-editor")
}

/// Row order by one column, Kusto's sort order (nulls first ascending, last descending).
fn sorted_rows(table: &ResultTable, column: usize, descending: bool) -> Vec<usize> {
    let keys: Vec<value::Value> = (0..table.rows()).map(|row| table.value(row, column)).collect();
    let mut order: Vec<usize> = (0..table.rows()).collect();
    order.sort_by(|&a, &b| {
        let ordering = value::sort_cmp(&keys[a], &keys[b]);
        if descending { ordering.reverse() } else { ordering }
    });
    order
}

/// Replaces the word ending at `byte` with `word`; returns the char index after it.
fn complete_word(text: &mut String, byte: usize, word: &str) -> usize {
    let byte = byte.min(text.len());
    let start = text[..byte]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '-')
        .last()
        .map_or(byte, |(i, _)| i);
    text.replace_range(start..byte, word);
    text[..start + word.len()].chars().count()
}

/// What completion offers: the tables and their columns as loaded, and every function.
fn catalog(state: &crate::state::AppState) -> Catalog {
    let tables = vmi_core::model::TableKind::ALL
        .into_iter()
        .map(|kind| {
            let columns = vmi_core::kql::source::schema(&state.store, kind).into_iter().map(|(name, _)| name).collect();
            (kind.name().to_string(), columns)
        })
        .collect();
    let functions = vmi_core::kql::functions::scalar_names()
        .into_iter()
        .chain(vmi_core::kql::aggregates::aggregate_names())
        .map(str::to_string)
        .collect();
    Catalog { tables, functions }
}

//! The window: menu, side panels, map, charts, and the windows and messages on top. Each
//! panel is a struct holding only its own widget state; it reads the app state through
//! [`ViewCtx`] and asks for changes by pushing [`Action`]s.

pub mod canvas;
pub mod charts;
pub mod compare;
pub mod details;
pub mod export;
pub mod groups;
pub mod help;
pub mod menu;
pub mod query;
pub mod settings;
pub mod side;
pub mod style;
pub mod workspace;

use crate::state::{Action, AppError, CameraAction, ErrorKind, ExportAction, FileAction, UiAction, ViewCtx, Window};
use egui::{Key, KeyboardShortcut, Modifiers, RichText};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

const TOAST_SECONDS: f32 = 4.0;

/// A short message in the corner, gone after a few seconds.
#[derive(Clone, Debug)]
pub struct Toast {
    pub text: String,
    pub shown_at: Instant,
}

/// Every panel of the window, each with its own widget state.
#[derive(Default)]
pub struct Panels {
    pub side: side::SidePanel,
    pub details: details::DetailsPanel,
    pub charts: charts::ChartsPanel,
    pub canvas: canvas::Canvas,
    pub query: query::QueryWindow,
    pub export: export::ExportWindow,
    pub groups: groups::GroupsWindow,
    pub compare: compare::CompareWindow,
    pub failures: compare::FailuresWindow,
    pub help: help::HelpWindows,
    pub settings: settings::SettingsWindow,
}

impl Panels {
    /// One frame of the whole window; what the user asked for goes into `actions`.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: ViewCtx<'_>, toasts: &[Toast], actions: &mut Vec<Action>) {
        let ctx = ui.ctx().clone();
        shortcuts(&ctx, actions);
        take_dropped_files(&ctx, actions);
        egui::Panel::top("menu").show(ui, |ui| menu::menu_bar_ui(ui, view, actions));
        egui::Panel::bottom("status").show(ui, |ui| status_ui(ui, view, actions));
        egui::Panel::left("side").resizable(true).default_size(270.0).show(ui, |ui| self.side.ui(ui, view, actions));
        egui::Panel::right("details")
            .resizable(true)
            .default_size(330.0)
            .show(ui, |ui| self.details.ui(ui, view, actions));
        egui::Panel::bottom("charts")
            .resizable(true)
            .default_size(250.0)
            .show(ui, |ui| self.charts.ui(ui, view, actions));
        egui::CentralPanel::no_frame().show(ui, |ui| self.canvas.ui(ui, view, actions));
        self.query.show(&ctx, view, actions);
        self.export.show(&ctx, view, actions);
        self.groups.show(&ctx, view, actions);
        self.compare.show(&ctx, view, actions);
        self.failures.show(&ctx, view, actions);
        self.help.show(&ctx, view, actions);
        self.settings.show(&ctx, view, actions);
        workspace::unsaved_prompt_ui(&ctx, view, actions);
        problems_window(&ctx, view, actions);
        errors_ui(&ctx, view, actions);
        toasts_ui(&ctx, toasts);
        drop_overlay(&ctx);
    }
}

fn shortcuts(ctx: &egui::Context, actions: &mut Vec<Action>) {
    let typing = ctx.egui_wants_keyboard_input();
    ctx.input_mut(|input| {
        if input.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::O)) {
            actions.push(FileAction::OpenDialog.into());
        }
        if input.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::S)) {
            actions.push(UiAction::ShowWindow(Window::Export, true).into());
        }
        if input.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::S)) {
            actions.push(crate::state::WorkspaceAction::Save.into());
        }
        if input.consume_shortcut(&KeyboardShortcut::new(Modifiers::NONE, Key::F1)) {
            actions.push(UiAction::ShowWindow(Window::Shortcuts, true).into());
        }
        if input.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::K)) {
            actions.push(UiAction::ShowWindow(Window::Query, true).into());
        }
        if input.consume_shortcut(&KeyboardShortcut::new(Modifiers::NONE, Key::F12)) {
            actions.push(ExportAction::Screenshot(None).into());
        }
        if input.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::F)) {
            ctx.memory_mut(|m| m.request_focus(side::search_id()));
        }
        if !typing {
            // Shift+F before F: a plain-F pattern matches Shift+F too.
            if input.consume_key(Modifiers::SHIFT, Key::F) {
                actions.push(CameraAction::FitSelection.into());
            }
            if input.consume_key(Modifiers::NONE, Key::F) {
                actions.push(CameraAction::FitView.into());
            }
            if input.consume_key(Modifiers::NONE, Key::Plus) || input.consume_key(Modifiers::NONE, Key::Equals) {
                actions.push(CameraAction::Zoom(1.25).into());
            }
            if input.consume_key(Modifiers::NONE, Key::Minus) {
                actions.push(CameraAction::Zoom(0.8).into());
            }
            if input.consume_key(Modifiers::NONE, Key::Escape) {
                actions.push(UiAction::Escape.into());
            }
        }
    });
}

fn take_dropped_files(ctx: &egui::Context, actions: &mut Vec<Action>) {
    let dropped = ctx.input(|i| i.raw.dropped_files.clone());
    let mut paths = Vec::new();
    for file in dropped {
        let path = file.path().to_path_buf();
        // A folder loads every export inside it; a workspace opens.
        if path.is_file() || path.is_dir() {
            paths.push(path);
        } else {
            // No readable path (a sandboxed drop): take the bytes.
            match file.bytes() {
                Ok(bytes) => actions
                    .push(FileAction::OpenBytes { name: path.display().to_string(), bytes: Arc::new(bytes) }.into()),
                Err(error) => actions.push(
                    UiAction::ShowError(AppError::new(
                        ErrorKind::Load,
                        format!("{}: cannot read the dropped file: {error}", path.display()),
                    ))
                    .into(),
                ),
            }
        }
    }
    if !paths.is_empty() {
        actions.push(FileAction::Open(paths).into());
    }
}

fn drop_overlay(ctx: &egui::Context) {
    let hovering = ctx.input(|i| !i.raw.hovered_files.is_empty());
    if !hovering {
        return;
    }
    let painter = ctx.layer_painter(egui::LayerId::new(egui::Order::Foreground, egui::Id::unique("drop")));
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(150));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        "Drop VM Insights exports, folders or a workspace",
        egui::FontId::proportional(26.0),
        egui::Color32::WHITE,
    );
}

fn status_ui(ui: &mut egui::Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
    let state = view.state;
    ui.horizontal(|ui| {
        if let Some(loading) = &state.loading {
            let p = &loading.progress;
            let (done, total) = (p.bytes_done.load(Ordering::Relaxed), p.bytes_total.load(Ordering::Relaxed));
            let rows = p.rows.load(Ordering::Relaxed);
            let seconds = loading.started.elapsed().as_secs_f64().max(0.001);
            let file = p.file.lock().map(|f| f.clone()).unwrap_or_default();
            let fraction = if total > 0 { done as f32 / total as f32 } else { 0.0 };
            ui.add(egui::ProgressBar::new(fraction).desired_width(220.0).show_percentage());
            ui.label(format!(
                "Loading {} ({} of {}, {:.0} rows/s)",
                vmi_core::render::titles::file_name(&file),
                vmi_core::render::theme::format_bytes(done as f64),
                vmi_core::render::theme::format_bytes(total as f64),
                rows as f64 / seconds
            ));
            if ui.button("Cancel").clicked() {
                actions.push(FileAction::CancelLoad.into());
            }
        } else {
            let (machines, nodes, edges) = state.counts();
            ui.label(format!("{machines} machines, {nodes} nodes, {edges} edges on the map"));
            let inferred = state.grouping.inferred_machines;
            if inferred > 0 {
                let machines = if inferred == 1 { "machine" } else { "machines" };
                ui.label(RichText::new(format!("· {inferred} {machines} inferred from connections")).weak())
                    .on_hover_text(
                        "No VMComputer record was loaded for them: their addresses come from their connection records.",
                    );
                ui.label(RichText::new("load VMComputer to add names, OS and more").weak().italics());
            }
            if !state.layout.settled {
                ui.spinner();
                ui.label("laying out…");
            }
        }
    });
}

fn problems_window(ctx: &egui::Context, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
    let state = view.state;
    let mut open = state.windows.problems;
    egui::Window::new("Problems").open(&mut open).default_size([640.0, 320.0]).show(ctx, |ui| {
        if state.problems.is_empty() {
            ui.label("No problems.");
        }
        egui::ScrollArea::vertical().show_rows(ui, 16.0, state.problems.len() + 1, |ui, rows| {
            for i in rows {
                match state.problems.get(i) {
                    Some(warning) => ui.label(RichText::new(warning.to_string()).monospace()),
                    None if state.problems_not_kept > 0 => {
                        ui.label(format!("… and {} more rows skipped (not listed)", state.problems_not_kept))
                    }
                    None => continue,
                };
            }
        });
    });
    if open != state.windows.problems {
        actions.push(UiAction::ShowWindow(Window::Problems, open).into());
    }
}

fn errors_ui(ctx: &egui::Context, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
    for (i, error) in view.state.errors.iter().enumerate() {
        egui::Window::new(error.title())
            .id(egui::Id::unique(("error", i)))
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0 + 70.0 * i as f32])
            .show(ctx, |ui| {
                ui.label(RichText::new(&error.message).color(egui::Color32::from_rgb(200, 40, 40)));
                ui.label(error.reassurance());
                if ui.button("Dismiss").clicked() {
                    actions.push(UiAction::DismissError(i).into());
                }
            });
    }
}

fn toasts_ui(ctx: &egui::Context, toasts: &[Toast]) {
    for (i, toast) in toasts.iter().enumerate() {
        egui::Area::new(egui::Id::unique(("toast", i)))
            .anchor(egui::Align2::RIGHT_BOTTOM, [-16.0, -16.0 - 40.0 * i as f32])
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.label(&toast.text);
                });
            });
    }
    if !toasts.is_empty() {
        ctx.request_repaint_after(std::time::Duration::from_millis(250));
    }
}

/// Drops toasts older than a few seconds.
pub fn expire_toasts(toasts: &mut Vec<Toast>) {
    toasts.retain(|t| t.shown_at.elapsed().as_secs_f32() < TOAST_SECONDS);
}

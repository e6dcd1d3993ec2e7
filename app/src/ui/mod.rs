//! The window: menu, side panels, map, charts, and the windows and messages on top.

pub mod charts_ui;
pub mod details_ui;
pub mod export_ui;
pub mod map_ui;
pub mod menu_ui;
pub mod reports_ui;
pub mod side_ui;
pub mod style;

use crate::app::VmiApp;
use crate::command::Command;
use egui::{Key, KeyboardShortcut, Modifiers, RichText};
use std::sync::Arc;
use std::sync::atomic::Ordering;

const TOAST_SECONDS: f32 = 4.0;

pub fn show(app: &mut VmiApp, ui: &mut egui::Ui) {
    let ctx = ui.ctx().clone();
    shortcuts(app, &ctx);
    take_dropped_files(app, &ctx);
    egui::Panel::top("menu").show(ui, |ui| menu_ui::menu_bar_ui(app, ui));
    egui::Panel::bottom("status").show(ui, |ui| status_ui(app, ui));
    egui::Panel::left("side").resizable(true).default_size(270.0).show(ui, |ui| side_ui::side_ui(app, ui));
    egui::Panel::right("details").resizable(true).default_size(330.0).show(ui, |ui| details_ui::details_ui(app, ui));
    egui::Panel::bottom("charts").resizable(true).default_size(250.0).show(ui, |ui| charts_ui::charts_ui(app, ui));
    egui::CentralPanel::no_frame().show(ui, |ui| map_ui::map_ui(app, ui));
    reports_ui::reports_window(app, &ctx);
    export_ui::export_window(app, &ctx);
    problems_window(app, &ctx);
    errors_ui(app, &ctx);
    toasts_ui(app, &ctx);
    drop_overlay(&ctx);
}

fn shortcuts(app: &mut VmiApp, ctx: &egui::Context) {
    let typing = ctx.egui_wants_keyboard_input();
    let mut commands = Vec::new();
    ctx.input_mut(|input| {
        if input.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::O)) {
            commands.push(Command::OpenDialog);
        }
        if input.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::S)) {
            commands.push(Command::ShowExportDialog(true));
        }
        if input.consume_shortcut(&KeyboardShortcut::new(Modifiers::NONE, Key::F12)) {
            commands.push(Command::Screenshot(None));
        }
        if input.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::F)) {
            ctx.memory_mut(|m| m.request_focus(side_ui::search_id()));
        }
        if !typing {
            if input.consume_key(Modifiers::NONE, Key::F) {
                commands.push(Command::FitView);
            }
            if input.consume_key(Modifiers::NONE, Key::Plus) || input.consume_key(Modifiers::NONE, Key::Equals) {
                commands.push(Command::Zoom(1.25));
            }
            if input.consume_key(Modifiers::NONE, Key::Minus) {
                commands.push(Command::Zoom(0.8));
            }
            if input.consume_key(Modifiers::NONE, Key::Escape) {
                // Escape undoes a chart brush first, then clears the selection.
                match app.window_before_brush.take() {
                    Some((from, to)) => commands.push(Command::SetWindow { from, to }),
                    None => commands.push(Command::Select(None)),
                }
            }
        }
    });
    app.pending.extend(commands);
}

fn take_dropped_files(app: &mut VmiApp, ctx: &egui::Context) {
    let dropped = ctx.input(|i| i.raw.dropped_files.clone());
    if dropped.is_empty() {
        return;
    }
    let mut paths = Vec::new();
    for file in dropped {
        let path = file.path().to_path_buf();
        if path.is_file() {
            paths.push(path);
        } else {
            // No readable path (a sandboxed drop): take the bytes.
            match file.bytes() {
                Ok(bytes) => {
                    app.pending.push(Command::OpenBytes { name: path.display().to_string(), bytes: Arc::new(bytes) })
                }
                Err(error) => app.errors.push(format!("{}: cannot read the dropped file: {error}", path.display())),
            }
        }
    }
    if !paths.is_empty() {
        app.pending.push(Command::OpenFiles(paths));
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
        "Drop VM Insights exports to load them",
        egui::FontId::proportional(26.0),
        egui::Color32::WHITE,
    );
}

fn status_ui(app: &mut VmiApp, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        if let Some(job) = &app.loading {
            let p = &job.progress;
            let (done, total) = (p.bytes_done.load(Ordering::Relaxed), p.bytes_total.load(Ordering::Relaxed));
            let rows = p.rows.load(Ordering::Relaxed);
            let seconds = job.started.elapsed().as_secs_f64().max(0.001);
            let file = p.file.lock().map(|f| f.clone()).unwrap_or_default();
            let fraction = if total > 0 { done as f32 / total as f32 } else { 0.0 };
            ui.add(egui::ProgressBar::new(fraction).desired_width(220.0).show_percentage());
            ui.label(format!(
                "Loading {} ({} of {}, {:.0} rows/s)",
                file.rsplit(['/', '\\']).next().unwrap_or(&file),
                vmi_core::render::theme::format_bytes(done as f64),
                vmi_core::render::theme::format_bytes(total as f64),
                rows as f64 / seconds
            ));
            if ui.button("Cancel").clicked() {
                app.pending.push(Command::CancelLoad);
            }
        } else {
            let (machines, nodes, edges) = app.counts();
            ui.label(format!("{machines} machines, {nodes} nodes, {edges} edges on the map"));
            if !app.layout.settled {
                ui.spinner();
                ui.label("laying out…");
            }
        }
    });
}

fn problems_window(app: &mut VmiApp, ctx: &egui::Context) {
    let mut open = app.show_problems;
    egui::Window::new("Problems").open(&mut open).default_size([640.0, 320.0]).show(ctx, |ui| {
        if app.problems.is_empty() {
            ui.label("No problems.");
        }
        egui::ScrollArea::vertical().show(ui, |ui| {
            for warning in &app.problems {
                ui.label(RichText::new(warning.to_string()).monospace());
            }
            if app.problems_not_kept > 0 {
                ui.label(format!("… and {} more rows skipped (not listed)", app.problems_not_kept));
            }
        });
    });
    app.show_problems = open;
}

fn errors_ui(app: &mut VmiApp, ctx: &egui::Context) {
    let mut dismiss = None;
    for (i, error) in app.errors.iter().enumerate() {
        egui::Window::new("Could not load")
            .id(egui::Id::unique(("error", i)))
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0 + 70.0 * i as f32])
            .show(ctx, |ui| {
                ui.label(RichText::new(error).color(egui::Color32::from_rgb(200, 40, 40)));
                ui.label("What was loaded before is still there.");
                if ui.button("Dismiss").clicked() {
                    dismiss = Some(i);
                }
            });
    }
    if let Some(i) = dismiss {
        app.pending.push(Command::DismissError(i));
    }
}

fn toasts_ui(app: &mut VmiApp, ctx: &egui::Context) {
    app.toasts.retain(|t| t.shown_at.elapsed().as_secs_f32() < TOAST_SECONDS);
    for (i, toast) in app.toasts.iter().enumerate() {
        egui::Area::new(egui::Id::unique(("toast", i)))
            .anchor(egui::Align2::RIGHT_BOTTOM, [-16.0, -16.0 - 40.0 * i as f32])
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.label(&toast.text);
                });
            });
    }
    if !app.toasts.is_empty() {
        ctx.request_repaint_after(std::time::Duration::from_millis(250));
    }
}

//! The map export dialog: whole map or current view, scale or width, theme, legend, title.

use crate::app::VmiApp;
use crate::command::{Command, ExportExtent, MapExport};
use std::path::PathBuf;
use vmi_core::render::Theme;

#[derive(Clone, Debug)]
pub struct ExportDialog {
    pub open: bool,
    pub extent: ExportExtent,
    /// 1, 2 or 4 times the view; 0 means use `width_px`.
    pub scale: u32,
    pub width_px: u32,
    pub dark: bool,
    pub legend: bool,
    pub title: bool,
}

impl Default for ExportDialog {
    fn default() -> Self {
        ExportDialog {
            open: false,
            extent: ExportExtent::WholeMap,
            scale: 2,
            width_px: 4096,
            dark: false,
            legend: true,
            title: true,
        }
    }
}

impl ExportDialog {
    /// The export these settings describe, for a canvas of `canvas` points.
    pub fn settings(&self, path: PathBuf, canvas: egui::Vec2, _svg: bool) -> MapExport {
        let width_px = if self.scale == 0 { self.width_px } else { (canvas.x.max(200.0) as u32) * self.scale };
        MapExport {
            path,
            width_px: width_px.clamp(64, vmi_core::render::map::MAX_WIDTH),
            extent: self.extent,
            theme: if self.dark { Theme::Dark } else { Theme::Light },
            legend: self.legend,
            title: self.title,
        }
    }
}

pub fn export_window(app: &mut VmiApp, ctx: &egui::Context) {
    let mut open = app.export.open;
    egui::Window::new("Export map").open(&mut open).resizable(false).show(ctx, |ui| {
        let dialog = &mut app.export;
        ui.horizontal(|ui| {
            ui.radio_value(&mut dialog.extent, ExportExtent::WholeMap, "Whole map");
            ui.radio_value(&mut dialog.extent, ExportExtent::CurrentView, "Current view");
        });
        ui.horizontal(|ui| {
            ui.label("Size");
            for scale in [1, 2, 4] {
                ui.radio_value(&mut dialog.scale, scale, format!("{scale}x"));
            }
            ui.radio_value(&mut dialog.scale, 0, "Width");
            ui.add_enabled(
                dialog.scale == 0,
                egui::DragValue::new(&mut dialog.width_px).range(64..=16_384).suffix(" px"),
            );
        });
        ui.checkbox(&mut dialog.dark, "Dark background");
        ui.checkbox(&mut dialog.legend, "Legend");
        ui.checkbox(&mut dialog.title, "Title (loaded files, time window)");
        ui.horizontal(|ui| {
            if ui.button("Save PNG…").clicked() {
                app.pending.push(Command::ExportMapDialog { svg: false });
            }
            if ui.button("Save SVG…").clicked() {
                app.pending.push(Command::ExportMapDialog { svg: true });
            }
        });
    });
    app.export.open = open;
}

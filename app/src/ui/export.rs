//! The map export window: whole map or current view, scale or width, theme, legend, title.

use crate::state::{Action, ExportAction, ExportExtent, MapExport, SaveTarget, UiAction, ViewCtx, Window};
use vmi_core::render::Theme;

#[derive(Clone, Debug)]
pub struct ExportWindow {
    pub extent: ExportExtent,
    /// 1, 2 or 4 times the view; 0 means use `width_px`.
    pub scale: u32,
    pub width_px: u32,
    pub dark: bool,
    pub legend: bool,
    pub title: bool,
}

impl Default for ExportWindow {
    fn default() -> Self {
        ExportWindow {
            extent: ExportExtent::WholeMap,
            scale: 2,
            width_px: 4096,
            dark: false,
            legend: true,
            title: true,
        }
    }
}

impl ExportWindow {
    /// The export these settings describe, for a canvas `canvas_width` points wide.
    pub fn settings(&self, canvas_width: f32) -> MapExport {
        let width_px = if self.scale == 0 { self.width_px } else { (canvas_width.max(200.0) as u32) * self.scale };
        MapExport {
            width_px: width_px.clamp(64, vmi_core::render::map::MAX_WIDTH),
            extent: self.extent,
            theme: if self.dark { Theme::Dark } else { Theme::Light },
            legend: self.legend,
            title: self.title,
        }
    }

    pub fn show(&mut self, ctx: &egui::Context, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let mut open = view.state.windows.export;
        egui::Window::new("Export map").open(&mut open).resizable(false).show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.radio_value(&mut self.extent, ExportExtent::WholeMap, "Whole map");
                ui.radio_value(&mut self.extent, ExportExtent::CurrentView, "Current view");
            });
            ui.horizontal(|ui| {
                ui.label("Size");
                for scale in [1, 2, 4] {
                    ui.radio_value(&mut self.scale, scale, format!("{scale}x"));
                }
                ui.radio_value(&mut self.scale, 0, "Width");
                ui.add_enabled(
                    self.scale == 0,
                    egui::DragValue::new(&mut self.width_px).range(64..=16_384).suffix(" px"),
                );
            });
            ui.checkbox(&mut self.dark, "Dark background");
            ui.checkbox(&mut self.legend, "Legend");
            ui.checkbox(&mut self.title, "Title (loaded files, time window)");
            ui.horizontal(|ui| {
                for (text, extension) in [("Save PNG…", "png"), ("Save SVG…", "svg")] {
                    if ui.button(text).clicked() {
                        let target = SaveTarget::MapPicture(self.settings(view.state.canvas.size()[0]));
                        actions.push(ExportAction::SaveDialog { target, extension }.into());
                    }
                }
            });
        });
        if open != view.state.windows.export {
            actions.push(UiAction::ShowWindow(Window::Export, open).into());
        }
    }
}

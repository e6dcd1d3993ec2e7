//! The menu bar: File, View, Tools. Every item sends a command.

use crate::app::VmiApp;
use crate::command::Command;
use vmi_core::render::Theme;

pub fn menu_bar_ui(app: &mut VmiApp, ui: &mut egui::Ui) {
    let mut commands = Vec::new();
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            if ui.button("Open… (Ctrl+O)").clicked() {
                commands.push(Command::OpenDialog);
            }
            if ui.button("Open the sample estate").clicked() {
                commands.push(Command::LoadSample);
            }
            ui.separator();
            if ui.button("Export map… (Ctrl+Shift+S)").clicked() {
                commands.push(Command::ShowExportDialog(true));
            }
            if ui.button("Export map as SVG…").clicked() {
                commands.push(Command::ExportMapDialog { svg: true });
            }
            if ui.button("Export graph (GraphML, DOT, JSON)…").clicked() {
                commands.push(Command::ExportGraphDialog);
            }
            if ui.button("Screenshot (F12)").clicked() {
                commands.push(Command::Screenshot(None));
            }
            ui.separator();
            ui.menu_button("Close file", |ui| {
                for file in app.store.files() {
                    if ui.button(&file.source).clicked() {
                        commands.push(Command::CloseFile(file.id));
                    }
                }
            });
            if ui.button("Clear").clicked() {
                commands.push(Command::Clear);
            }
            ui.separator();
            if ui.button("Quit").clicked() {
                commands.push(Command::Quit);
            }
        });
        ui.menu_button("View", |ui| {
            if ui.button("Fit to screen (F)").clicked() {
                commands.push(Command::FitView);
            }
            if ui.button("Zoom in (+)").clicked() {
                commands.push(Command::Zoom(1.25));
            }
            if ui.button("Zoom out (-)").clicked() {
                commands.push(Command::Zoom(0.8));
            }
            ui.separator();
            if ui.button("Expand all machines").clicked() {
                commands.push(Command::ExpandAll(true));
            }
            if ui.button("Collapse all machines").clicked() {
                commands.push(Command::ExpandAll(false));
            }
            ui.separator();
            let dark = app.theme == Theme::Dark;
            if ui.button(if dark { "Light theme" } else { "Dark theme" }).clicked() {
                commands.push(Command::SetTheme(if dark { Theme::Light } else { Theme::Dark }));
            }
            if ui.button("Screenshot (F12)").clicked() {
                commands.push(Command::Screenshot(None));
            }
        });
        ui.menu_button("Tools", |ui| {
            if ui.button("Reports…").clicked() {
                commands.push(Command::ShowReports(true));
            }
            if ui.button("Problems…").clicked() {
                app.show_problems = true;
            }
        });
    });
    app.pending.extend(commands);
}

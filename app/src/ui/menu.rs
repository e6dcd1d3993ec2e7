//! The menu bar: File, View, Tools, Help. Every item sends an action.

use crate::state::settings::ThemeChoice;
use crate::state::{Action, CameraAction, ExportAction, FileAction, MapAction, SaveTarget, UiAction, ViewCtx, Window};
use crate::state::{SettingsAction, WorkspaceAction};
use vmi_core::render::Theme;

pub fn menu_bar_ui(ui: &mut egui::Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
    let state = view.state;
    // Open Recent lists its entries itself (they are not known before): its actions join
    // the others after the menu bar.
    let mut recent = Vec::new();
    let mut item = |ui: &mut egui::Ui, text: &str, action: Action| {
        if ui.button(text).clicked() {
            actions.push(action);
        }
    };
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            item(ui, "Open… (Ctrl+O)", FileAction::OpenDialog.into());
            item(ui, "Open workspace…", WorkspaceAction::OpenDialog.into());
            ui.menu_button("Open recent", |ui| super::workspace::recent_menu_ui(ui, view, &mut recent));
            item(ui, "Open the sample estate", FileAction::LoadSample.into());
            ui.separator();
            item(ui, "Save workspace (Ctrl+S)", WorkspaceAction::Save.into());
            item(ui, "Save workspace as…", WorkspaceAction::SaveAs.into());
            ui.separator();
            item(ui, "Export map… (Ctrl+Shift+S)", UiAction::ShowWindow(Window::Export, true).into());
            item(
                ui,
                "Export graph (GraphML, DOT, JSON)…",
                ExportAction::SaveDialog { target: SaveTarget::Graph, extension: "graphml" }.into(),
            );
            item(ui, "Screenshot (F12)", ExportAction::Screenshot(None).into());
            ui.separator();
            ui.menu_button("Close file", |ui| {
                for file in state.store.files() {
                    item(ui, &file.source, FileAction::Close(file.id).into());
                }
            });
            item(ui, "Clear", FileAction::Clear.into());
            ui.separator();
            item(ui, "Quit", UiAction::Quit.into());
        });
        ui.menu_button("View", |ui| {
            item(ui, "Fit all (F)", CameraAction::FitView.into());
            item(ui, "Fit selection (Shift+F)", CameraAction::FitSelection.into());
            item(ui, "Zoom in (+)", CameraAction::Zoom(1.25).into());
            item(ui, "Zoom out (-)", CameraAction::Zoom(0.8).into());
            ui.separator();
            item(ui, "Expand all machines", MapAction::ExpandAll(true).into());
            item(ui, "Collapse all machines", MapAction::ExpandAll(false).into());
            ui.separator();
            let dark = state.theme == Theme::Dark;
            let other = if dark { ThemeChoice::Light } else { ThemeChoice::Dark };
            item(ui, if dark { "Light theme" } else { "Dark theme" }, SettingsAction::SetTheme(other).into());
            item(ui, "Settings…", UiAction::ShowWindow(Window::Settings, true).into());
        });
        ui.menu_button("Tools", |ui| {
            item(ui, "Query… (Ctrl+K)", UiAction::ShowWindow(Window::Query, true).into());
            item(ui, "Problems…", UiAction::ShowWindow(Window::Problems, true).into());
            item(ui, "Move groups…", UiAction::ShowWindow(Window::Groups, true).into());
            item(ui, "Compare windows…", UiAction::ShowWindow(Window::Compare, true).into());
            item(ui, "Failed connections…", UiAction::ShowWindow(Window::Failures, true).into());
        });
        ui.menu_button("Help", |ui| {
            item(ui, "Keyboard shortcuts (F1)", UiAction::ShowWindow(Window::Shortcuts, true).into());
            item(ui, "About vmi-map", UiAction::ShowWindow(Window::About, true).into());
        });
    });
    actions.extend(recent);
}

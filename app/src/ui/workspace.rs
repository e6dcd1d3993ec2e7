//! The question asked before unsaved work is lost: on quit, and before another workspace
//! opens, when notes, pins or move groups changed since the workspace was saved or opened.

use crate::state::workspace::{Answer, Prompt};
use crate::state::{Action, FileAction, ViewCtx, WorkspaceAction};
use egui::RichText;

/// Shows the question while the state holds one; the answer goes back as an action.
pub fn unsaved_prompt_ui(ctx: &egui::Context, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
    let Some(prompt) = &view.state.workspace.prompt else { return };
    let (title, going_on) = match prompt {
        Prompt::Quit => ("Quit vmi-map?", "Quit without saving"),
        Prompt::Open(_) => ("Open another workspace?", "Open without saving"),
    };
    let name = view.state.workspace.path.as_deref().map_or_else(
        || "a workspace".to_string(),
        |p| vmi_core::render::titles::file_name(&p.to_string_lossy()).to_string(),
    );
    let modal = egui::Modal::new(egui::Id::unique("unsaved-prompt")).show(ctx, |ui| {
        ui.heading(title);
        ui.label(format!("Notes, pinned nodes or move groups changed since they were saved. Save them to {name}?"));
        if let Prompt::Open(path) = prompt {
            ui.label(RichText::new(format!("Then open {}", path.display())).weak());
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let save = if view.state.workspace.path.is_some() { "Save" } else { "Save as…" };
            if ui.button(save).clicked() {
                actions.push(WorkspaceAction::Answer(Answer::Save).into());
            }
            if ui.button(going_on).clicked() {
                actions.push(WorkspaceAction::Answer(Answer::Discard).into());
            }
            if ui.button("Cancel").clicked() {
                actions.push(WorkspaceAction::Answer(Answer::Cancel).into());
            }
        });
    });
    // Escape or a click outside: the same as Cancel.
    if modal.should_close() && !actions.iter().any(|a| matches!(a, Action::Workspace(WorkspaceAction::Answer(_)))) {
        actions.push(WorkspaceAction::Answer(Answer::Cancel).into());
    }
}

/// File > Open Recent: workspaces, then files, newest first (each a click to open again).
pub fn recent_menu_ui(ui: &mut egui::Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
    let settings = &view.state.settings;
    if settings.recent_workspaces.is_empty() && settings.recent_files.is_empty() {
        ui.label(RichText::new("Nothing opened yet").weak());
        return;
    }
    let mut entry = |ui: &mut egui::Ui, path: &std::path::Path| {
        let name = vmi_core::render::titles::file_name(&path.to_string_lossy()).to_string();
        if ui.button(name).on_hover_text(path.display().to_string()).clicked() {
            actions.push(FileAction::Open(vec![path.to_path_buf()]).into());
        }
    };
    if !settings.recent_workspaces.is_empty() {
        ui.label(RichText::new("Workspaces").weak());
        for path in &settings.recent_workspaces {
            entry(ui, path);
        }
    }
    if !settings.recent_files.is_empty() {
        ui.separator();
        ui.label(RichText::new("Files").weak());
        for path in &settings.recent_files {
            entry(ui, path);
        }
    }
}

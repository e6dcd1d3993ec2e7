//! The Settings window: theme (light, dark, the system's), UI scale, and whether the panels
//! print times in UTC or local time. They are kept between runs (eframe's storage).

use crate::state::settings::{THREADS_MAX, ThemeChoice, TimeShown, UI_SCALE_MAX, UI_SCALE_MIN};
use crate::state::{Action, SettingsAction, UiAction, ViewCtx, Window};
use egui::RichText;

#[derive(Default)]
pub struct SettingsWindow {
    /// The scale being dragged: applied when the drag ends (a new scale mid-drag would move
    /// the slider under the pointer).
    scale_dragged: Option<f32>,
}

impl SettingsWindow {
    pub fn show(&mut self, ctx: &egui::Context, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let state = view.state;
        let settings = state.settings.settings;
        let mut open = state.windows.settings;
        egui::Window::new("Settings").open(&mut open).resizable(false).show(ctx, |ui| {
            ui.label(RichText::new("Theme").strong());
            ui.horizontal(|ui| {
                for choice in ThemeChoice::ALL {
                    if ui.radio(settings.theme == choice, choice.label()).clicked() && settings.theme != choice {
                        actions.push(SettingsAction::SetTheme(choice).into());
                    }
                }
            });
            ui.add_space(6.0);
            ui.label(RichText::new("Size of text and controls").strong());
            let mut scale = self.scale_dragged.unwrap_or(settings.ui_scale);
            let response = ui.add(
                egui::Slider::new(&mut scale, UI_SCALE_MIN..=UI_SCALE_MAX)
                    .step_by(0.05)
                    .custom_formatter(|v, _| format!("{:.0} %", v * 100.0)),
            );
            if response.dragged() {
                self.scale_dragged = Some(scale);
            } else if response.changed() || response.drag_stopped() {
                self.scale_dragged = None;
                if (scale - settings.ui_scale).abs() > f32::EPSILON {
                    actions.push(SettingsAction::SetUiScale(scale).into());
                }
            }
            if ui.small_button("Reset to 100 %").clicked() {
                actions.push(SettingsAction::SetUiScale(1.0).into());
            }
            ui.add_space(6.0);
            ui.label(RichText::new("Times in the panels").strong());
            for shown in [TimeShown::Utc, TimeShown::Local] {
                if ui.radio(settings.time_shown == shown, shown.label()).clicked() && settings.time_shown != shown {
                    actions.push(SettingsAction::SetTimeShown(shown).into());
                }
            }
            ui.label(
                RichText::new(format!(
                    "For example the last record: {}. The records are UTC; exports, query results and picture \
                     titles stay in UTC.",
                    state.latest_record.map_or_else(
                        || "none loaded".to_string(),
                        |t| settings.time_shown.format(vmi_core::model::Timestamp(t))
                    )
                ))
                .weak(),
            );
            ui.add_space(6.0);
            ui.label(RichText::new("Threads for loading and maps").strong());
            ui.horizontal(|ui| {
                let mut threads = settings.threads;
                let drag = egui::DragValue::new(&mut threads).range(0..=THREADS_MAX);
                if ui.add(drag).changed() && threads != settings.threads {
                    actions.push(SettingsAction::SetThreads(threads).into());
                }
                let cores = vmi_core::threads::cores();
                ui.label(RichText::new(format!("0 = every core ({cores} here); from the next load on")).weak());
            });
            ui.add_space(6.0);
            let recent = state.settings.recent_files.len() + state.settings.recent_workspaces.len();
            if ui.add_enabled(recent > 0, egui::Button::new(format!("Forget recent files ({recent})"))).clicked() {
                actions.push(SettingsAction::ForgetRecent.into());
            }
        });
        if open != state.windows.settings {
            actions.push(UiAction::ShowWindow(Window::Settings, open).into());
        }
    }
}

//! `VmiApp`, the eframe app: each frame it runs the panels (which read the state and emit
//! actions), drains the actions into `update`, and runs the effects `update` returns.

use crate::jobs::Jobs;
use crate::state::{Action, AppState, Effect, ExportAction, FileAction, UiAction, ViewCtx, update};
use crate::ui::{Panels, Toast};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use vmi_core::render::Theme;

pub struct VmiApp {
    pub state: AppState,
    pub panels: Panels,
    jobs: Jobs,
    toasts: Vec<Toast>,
    ctx: egui::Context,
    /// Set by `VMI_MAP_EXIT_AFTER_FIRST_FRAME`: report the first frame's time and close.
    first_frame_probe: Option<crate::launch::FirstFrameProbe>,
    /// The window title follows the workspace and the loaded files.
    title: crate::title::TitleWatch,
}

impl VmiApp {
    /// The app showing `files`, or the bundled sample when there are none.
    pub fn new(ctx: &egui::Context, files: Vec<PathBuf>) -> Self {
        let mut app = VmiApp::empty(ctx);
        app.dispatch(UiAction::SetTheme(Theme::Light));
        if files.is_empty() {
            app.dispatch(FileAction::LoadSample);
            // The sample is small: load it now, so the first frame shows it.
            app.finish_load_now();
        } else {
            app.dispatch(FileAction::Open(files));
        }
        app
    }

    /// The app with nothing loaded.
    pub fn empty(ctx: &egui::Context) -> Self {
        crate::ui::style::install_fonts(ctx);
        VmiApp {
            state: AppState::default(),
            panels: Panels::default(),
            jobs: Jobs::default(),
            toasts: Vec::new(),
            ctx: ctx.clone(),
            first_frame_probe: crate::launch::FirstFrameProbe::from_env(),
            title: crate::title::TitleWatch::default(),
        }
    }

    /// Carries out an action: `update` changes the state, then its effects run.
    pub fn dispatch(&mut self, action: impl Into<Action>) {
        for effect in update(&mut self.state, action) {
            self.run(effect);
        }
    }

    fn wake(&self) -> impl Fn() + Send + 'static {
        let ctx = self.ctx.clone();
        move || ctx.request_repaint()
    }

    fn run(&mut self, effect: Effect) {
        let followup = match effect {
            Effect::OpenDialog { folder, workspaces } => self.jobs.open_dialog(folder, workspaces, self.wake()),
            Effect::SaveDialog { folder, file_name, extension, target } => {
                self.jobs.save_dialog(folder, file_name, extension, target, self.wake())
            }
            Effect::StartLoad(sources) => Some(self.jobs.start_load(sources, self.wake())),
            Effect::HashFiles(sources) => self.jobs.hash_files(sources, self.wake()),
            Effect::RunQuery { id, store, text, options } => {
                crate::jobs::query::spawn(id, store, text, options, self.jobs.mailbox(), self.wake())
            }
            Effect::CancelLoad => {
                self.jobs.cancel_load();
                None
            }
            Effect::CopyText(text) => {
                self.ctx.copy_text(text);
                None
            }
            Effect::CopyImage(image) => {
                let size = [image.width as usize, image.height as usize];
                self.ctx.copy_image(egui::ColorImage::from_rgba_unmultiplied(size, &image.pixels));
                None
            }
            Effect::Screenshot(path) => {
                self.screenshot(path);
                None
            }
            Effect::ApplyTheme(theme) => {
                self.ctx.set_theme(match theme {
                    Theme::Light => egui::Theme::Light,
                    Theme::Dark => egui::Theme::Dark,
                });
                None
            }
            Effect::ApplySettings(settings) => {
                self.apply_settings(settings);
                None
            }
            Effect::Toast(text) => {
                self.toasts.push(Toast { text, shown_at: Instant::now() });
                None
            }
            Effect::Repaint => {
                self.ctx.request_repaint();
                None
            }
            Effect::Quit => {
                self.ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                None
            }
        };
        if let Some(action) = followup {
            self.dispatch(action);
        }
    }

    /// What the last run remembered (settings, recent files, its window and filters); the
    /// window's size and position and the panels' sizes eframe and egui bring back themselves.
    #[must_use]
    pub fn with_storage(mut self, storage: Option<&dyn eframe::Storage>) -> Self {
        let remembered = storage.and_then(|s| {
            eframe::get_value::<crate::state::settings::Remembered>(s, crate::state::settings::STORAGE_KEY)
        });
        if let Some(remembered) = remembered {
            self.dispatch(crate::state::SettingsAction::Restore(Box::new(remembered)));
        }
        self
    }

    fn apply_settings(&self, settings: crate::state::settings::Settings) {
        use crate::state::settings::ThemeChoice;
        self.ctx.set_theme(match settings.theme {
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
            ThemeChoice::System => egui::ThemePreference::System,
        });
        self.ctx.set_zoom_factor(settings.ui_scale);
    }

    /// Each frame: the window asked to close goes through the unsaved-work question, and a
    /// followed system theme is passed on to the maps and charts the app draws.
    fn watch_window(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && !self.state.workspace.quit_confirmed
            && crate::state::workspace::is_dirty(&self.state)
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dispatch(crate::state::WorkspaceAction::CloseRequested);
        }
        if self.state.settings.settings.theme == crate::state::settings::ThemeChoice::System {
            let theme = match ctx.theme() {
                egui::Theme::Light => Theme::Light,
                egui::Theme::Dark => Theme::Dark,
            };
            if theme != self.state.theme {
                self.dispatch(crate::state::SettingsAction::SystemTheme(theme));
            }
        }
    }

    /// Asks for the next frame's picture; the callback saves it and posts the answer.
    fn screenshot(&mut self, path: PathBuf) {
        let mailbox = self.jobs.mailbox();
        let ctx = self.ctx.clone();
        self.ctx.request_screenshot(move |image| {
            let result = save_color_image(&image, &path).map(|()| path);
            if let Ok(mut mailbox) = mailbox.lock() {
                mailbox.push(ExportAction::ScreenshotSaved(result).into());
            }
            ctx.request_repaint();
        });
    }

    /// Applies what the background jobs finished.
    fn poll_jobs(&mut self) {
        for action in self.jobs.poll() {
            self.dispatch(action);
        }
        if self.jobs.is_loading() {
            self.ctx.request_repaint_after(Duration::from_millis(100));
        }
    }

    /// Waits for the running load (small in-memory loads: the sample, tests).
    pub fn finish_load_now(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        self.poll_jobs();
        while self.jobs.is_loading() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
            self.poll_jobs();
        }
    }
}

fn save_color_image(image: &egui::ColorImage, path: &Path) -> Result<(), String> {
    let [width, height] = image.size;
    let pixels: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    let picture = vmi_core::render::RgbaImage { width: width as u32, height: height as u32, pixels };
    let png = picture.to_png()?;
    std::fs::write(path, png).map_err(|e| e.to_string())
}

impl eframe::App for VmiApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if let Some(probe) = &mut self.first_frame_probe {
            probe.frame_begins(ctx, &self.state);
        }
        if let Some(title) = self.title.changed(&self.state) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title));
        }
        self.watch_window(ctx);
        self.poll_jobs();
        self.dispatch(crate::state::MapAction::PollLayout);
        crate::ui::expire_toasts(&mut self.toasts);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        let remembered = crate::state::settings::remembered(&self.state);
        eframe::set_value(storage, crate::state::settings::STORAGE_KEY, &remembered);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let mut actions = Vec::new();
        self.panels.ui(ui, ViewCtx { state: &self.state }, &self.toasts, &mut actions);
        for action in actions {
            self.dispatch(action);
        }
    }
}

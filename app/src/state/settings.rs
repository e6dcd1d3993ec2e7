//! The user's settings (theme, UI scale, how times are shown) and what the app remembers
//! between runs (recent files and workspaces, the last time window and filters). eframe keeps
//! them in its storage (`App::save`), next to the window's size and position and the panels'
//! sizes, which egui and eframe persist themselves.

use super::{AppState, Effect};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use vmi_core::graph::view::ViewOptions;
use vmi_core::model::Timestamp;
use vmi_core::render::Theme;

/// The key our settings are stored under in eframe's storage.
pub const STORAGE_KEY: &str = "vmi-map-settings";
/// Files and workspaces listed in File > Open Recent.
pub const RECENT_MAX: usize = 10;
/// The UI scales the settings offer (egui's zoom factor).
pub const UI_SCALE_MIN: f32 = 0.75;
pub const UI_SCALE_MAX: f32 = 2.0;

/// Light, dark, or whatever the desktop uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeChoice {
    #[default]
    Light,
    Dark,
    /// Follow the desktop (and its changes while the app runs).
    System,
}

impl ThemeChoice {
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::Light, ThemeChoice::Dark, ThemeChoice::System];

    pub fn label(self) -> &'static str {
        match self {
            ThemeChoice::Light => "Light",
            ThemeChoice::Dark => "Dark",
            ThemeChoice::System => "Follow the system",
        }
    }
}

/// How times are printed in the app's own panels. The records are UTC, and so are exports,
/// query results and picture titles, whatever this says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimeShown {
    #[default]
    Utc,
    /// The computer's time zone, with its daylight saving rules at each instant.
    Local,
}

impl TimeShown {
    pub fn label(self) -> &'static str {
        match self {
            TimeShown::Utc => "UTC (as in the records)",
            TimeShown::Local => "Local time",
        }
    }

    /// `t` as `2024-05-01 13:45:00 UTC` or in local time `2024-05-01 15:45:00 +02:00`.
    pub fn format(self, t: Timestamp) -> String {
        let utc = || {
            let text = t.to_string();
            let text = text.trim_end_matches('Z').replacen('T', " ", 1);
            format!("{text} UTC")
        };
        match self {
            TimeShown::Utc => utc(),
            TimeShown::Local => local_time(t).unwrap_or_else(utc),
        }
    }
}

/// `t` in the system time zone, `None` when it cannot be told (the time is then shown in UTC).
fn local_time(t: Timestamp) -> Option<String> {
    let millis = t.unix_millis();
    let instant = jiff::Timestamp::from_millisecond(millis).ok()?;
    let zoned = instant.to_zoned(jiff::tz::TimeZone::system());
    Some(zoned.strftime("%Y-%m-%d %H:%M:%S %:z").to_string())
}

/// The most threads the setting offers (more than any laptop has cores).
pub const THREADS_MAX: usize = 256;

/// What the Settings window sets.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub theme: ThemeChoice,
    /// egui's zoom factor: every font and widget scaled.
    pub ui_scale: f32,
    pub time_shown: TimeShown,
    /// Threads for loading, map building and trends; 0 is every core.
    pub threads: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { theme: ThemeChoice::Light, ui_scale: 1.0, time_shown: TimeShown::Utc, threads: 0 }
    }
}

impl Settings {
    /// A stored scale outside the offered range (a hand-edited file) is brought back into it.
    fn clamped(mut self) -> Settings {
        self.ui_scale = if self.ui_scale.is_finite() { self.ui_scale.clamp(UI_SCALE_MIN, UI_SCALE_MAX) } else { 1.0 };
        self.threads = self.threads.min(THREADS_MAX);
        self
    }
}

/// The filters of the map, as remembered between runs and saved in workspaces (what the user
/// chose, not which nodes they opened or hid: those belong to one estate).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filters {
    pub hide_localhost: bool,
    pub hide_client_groups: bool,
    pub failed_only: bool,
    pub malicious_only: bool,
    pub min_bytes: i64,
    pub os_families: Vec<String>,
    pub locations: Vec<String>,
}

impl Filters {
    pub fn of(options: &ViewOptions) -> Filters {
        Filters {
            hide_localhost: options.hide_localhost,
            hide_client_groups: options.hide_client_groups,
            failed_only: options.failed_only,
            malicious_only: options.malicious_only,
            min_bytes: options.min_bytes,
            os_families: options.os_families.iter().cloned().collect(),
            locations: options.locations.iter().cloned().collect(),
        }
    }

    /// `options` with these filters (its expanded and hidden nodes kept).
    pub fn applied_to(&self, options: &ViewOptions) -> ViewOptions {
        let mut options = options.clone();
        options.hide_localhost = self.hide_localhost;
        options.hide_client_groups = self.hide_client_groups;
        options.failed_only = self.failed_only;
        options.malicious_only = self.malicious_only;
        options.min_bytes = self.min_bytes.max(0);
        options.os_families = self.os_families.iter().cloned().collect();
        options.locations = self.locations.iter().cloned().collect();
        options
    }
}

/// The last run's time window (`from`, `to`) and filters, waiting for records to apply to.
type LastSession = ((Option<Timestamp>, Option<Timestamp>), Filters);

/// What is kept between runs in eframe's storage.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Remembered {
    pub settings: Settings,
    /// Newest first.
    pub recent_files: Vec<PathBuf>,
    /// Newest first.
    pub recent_workspaces: Vec<PathBuf>,
    /// The time window at the last exit, as ISO texts (`None`: open on that side).
    pub window: (Option<String>, Option<String>),
    pub filters: Filters,
}

/// The settings and the recent lists, in the state (the window's own memory is eframe's).
#[derive(Clone, Debug, Default)]
pub struct SettingsState {
    pub settings: Settings,
    pub recent_files: Vec<PathBuf>,
    pub recent_workspaces: Vec<PathBuf>,
    /// The last run's window and filters, applied once the first records are loaded.
    pending_session: Option<LastSession>,
}

/// Changes of settings and of what is remembered.
#[derive(Clone, Debug)]
pub enum SettingsAction {
    SetTheme(ThemeChoice),
    SetUiScale(f32),
    SetTimeShown(TimeShown),
    /// Threads for loading, map building and trends (0: every core), from the next load on.
    SetThreads(usize),
    /// The desktop's theme, while following it (the maps and charts drawn follow it too).
    SystemTheme(Theme),
    /// What the last run left in storage (at start-up).
    Restore(Box<Remembered>),
    ForgetRecent,
}

pub(super) fn settings(state: &mut AppState, action: SettingsAction, effects: &mut Vec<Effect>) {
    match action {
        SettingsAction::SetTheme(choice) => {
            state.settings.settings.theme = choice;
            apply(state, effects);
        }
        SettingsAction::SetUiScale(scale) => {
            state.settings.settings.ui_scale = scale;
            state.settings.settings = state.settings.settings.clamped();
            apply(state, effects);
        }
        SettingsAction::SetTimeShown(shown) => state.settings.settings.time_shown = shown,
        SettingsAction::SetThreads(threads) => {
            state.settings.settings.threads = threads.min(THREADS_MAX);
            apply(state, effects);
        }
        SettingsAction::SystemTheme(theme) => {
            if state.settings.settings.theme == ThemeChoice::System {
                state.theme = theme;
            }
        }
        SettingsAction::Restore(remembered) => {
            let Remembered { settings, recent_files, recent_workspaces, window, filters } = *remembered;
            state.settings.settings = settings.clamped();
            state.settings.recent_files = recent_files.into_iter().take(RECENT_MAX).collect();
            state.settings.recent_workspaces = recent_workspaces.into_iter().take(RECENT_MAX).collect();
            let parse = |t: &Option<String>| t.as_deref().and_then(Timestamp::parse);
            apply(state, effects);
            // A workspace being opened brings its own window and filters.
            if state.workspace.path.is_none() {
                state.settings.pending_session = Some(((parse(&window.0), parse(&window.1)), filters));
                if !state.store.is_empty() && state.loading.is_none() {
                    apply_last_session(state);
                }
            }
        }
        SettingsAction::ForgetRecent => {
            state.settings.recent_files.clear();
            state.settings.recent_workspaces.clear();
        }
    }
}

/// The theme and scale take effect: the maps and charts the app draws follow the theme.
fn apply(state: &mut AppState, effects: &mut Vec<Effect>) {
    let settings = state.settings.settings;
    vmi_core::threads::set_threads(settings.threads);
    match settings.theme {
        ThemeChoice::Light => state.theme = Theme::Light,
        ThemeChoice::Dark => state.theme = Theme::Dark,
        ThemeChoice::System => {}
    }
    effects.push(Effect::ApplySettings(settings));
}

/// What to remember of this run.
pub fn remembered(state: &AppState) -> Remembered {
    Remembered {
        settings: state.settings.settings,
        recent_files: state.settings.recent_files.clone(),
        recent_workspaces: state.settings.recent_workspaces.clone(),
        window: (state.request.from.map(|t| t.to_string()), state.request.to.map(|t| t.to_string())),
        filters: Filters::of(&state.options),
    }
}

/// Records loaded: the last run's window (when the records reach into it) and filters come
/// back once, for the first records of this run.
pub(super) fn apply_last_session(state: &mut AppState) {
    let Some(((from, to), filters)) = state.settings.pending_session.take() else { return };
    let options = filters.applied_to(&state.options);
    if options != state.options {
        state.options = options;
        state.rebuild_view();
    }
    let overlaps = state.data_extent.is_some_and(|(first, last)| {
        from.is_none_or(|from| from <= last)
            && to.is_none_or(|to| to > first)
            && from.zip(to).is_none_or(|(f, t)| f < t)
    });
    if overlaps && (from, to) != (state.request.from, state.request.to) {
        state.request.from = from;
        state.request.to = to;
        state.rebuild_map();
    }
}

/// A workspace was opened: the last run's window does not apply any more.
pub(super) fn forget_last_session(state: &mut AppState) {
    state.settings.pending_session = None;
}

/// Puts `path` first in a recent list (once, at most [`RECENT_MAX`]).
fn remember(list: &mut Vec<PathBuf>, path: &Path) {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    list.retain(|p| *p != path);
    list.insert(0, path);
    list.truncate(RECENT_MAX);
}

pub(super) fn opened_files(state: &mut AppState, paths: &[PathBuf]) {
    for path in paths.iter().rev() {
        remember(&mut state.settings.recent_files, path);
    }
}

pub(super) fn opened_workspace(state: &mut AppState, path: &Path) {
    remember(&mut state.settings.recent_workspaces, path);
}

//! The window title, "vmi-map — <what is open>": the workspace's name, else the loaded file
//! (and how many more), else the bundled sample. Docks, task switchers and window lists show
//! it, so two windows on different work can be told apart.

use crate::state::AppState;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const APP: &str = "vmi-map";
const SAMPLE: &str = "sample estate";

fn titled(shown: &str) -> String {
    format!("{APP} — {shown}")
}

/// A workspace by its name (the file name without `.vmimap`), any other file by its file name.
pub fn shown_name(path: &Path) -> String {
    let is_workspace = path.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("vmimap"));
    match path.file_stem() {
        Some(stem) if is_workspace => stem.to_string_lossy().into_owned(),
        _ => vmi_core::render::titles::file_name(&path.to_string_lossy()).to_owned(),
    }
}

/// The title at launch, from the command line's files (before anything is loaded).
pub fn for_launch(files: &[PathBuf]) -> String {
    match files {
        [] => titled(SAMPLE),
        [file] => titled(&shown_name(file)),
        [first, rest @ ..] => titled(&format!("{} and {} more", shown_name(first), rest.len())),
    }
}

/// The title for what the state holds.
pub fn for_state(state: &AppState) -> String {
    if let Some(path) = &state.workspace.path {
        return titled(&shown_name(path));
    }
    let files = state.store.files();
    let is_sample = |source: &str| crate::sample::SAMPLE_FILES.iter().any(|(name, _)| *name == source);
    if !files.is_empty() && files.iter().all(|file| is_sample(&file.source)) {
        return titled(SAMPLE);
    }
    match files {
        [] => APP.to_owned(),
        [file] => titled(&shown_name(Path::new(&file.source))),
        [first, rest @ ..] => titled(&format!("{} and {} more", shown_name(Path::new(&first.source)), rest.len())),
    }
}

/// What the title depends on, compared each frame (no allocation while it is unchanged): the
/// workspace file, and which store with how many files at which generation.
#[derive(Clone, Debug, PartialEq, Eq)]
struct TitleKey {
    workspace: Option<PathBuf>,
    store: usize,
    generation: u64,
    files: usize,
}

impl TitleKey {
    fn matches(&self, state: &AppState) -> bool {
        self.workspace.as_ref() == state.workspace.path.as_ref()
            && self.store == Arc::as_ptr(&state.store).addr()
            && self.generation == state.store.generation()
            && self.files == state.store.files().len()
    }

    fn of(state: &AppState) -> Self {
        TitleKey {
            workspace: state.workspace.path.clone(),
            store: Arc::as_ptr(&state.store).addr(),
            generation: state.store.generation(),
            files: state.store.files().len(),
        }
    }
}

/// Keeps the window's title in step with the state: a new title is sent only when what it
/// shows may have changed.
#[derive(Debug, Default)]
pub struct TitleWatch {
    shown: Option<(TitleKey, String)>,
}

impl TitleWatch {
    /// The title to send now, if it changed since the last one sent.
    pub fn changed(&mut self, state: &AppState) -> Option<String> {
        if self.shown.as_ref().is_some_and(|(key, _)| key.matches(state)) {
            return None;
        }
        let title = for_state(state);
        let unchanged = self.shown.as_ref().is_some_and(|(_, shown)| *shown == title);
        self.shown = Some((TitleKey::of(state), title.clone()));
        (!unchanged).then_some(title)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_launch_title_names_what_the_window_opens() {
        assert_eq!(for_launch(&[]), "vmi-map — sample estate");
        assert_eq!(for_launch(&[PathBuf::from("exports/VMConnection.csv")]), "vmi-map — VMConnection.csv");
        assert_eq!(for_launch(&[PathBuf::from("/home/a/payments.vmimap")]), "vmi-map — payments");
        let two = [PathBuf::from("a/VMComputer.csv"), PathBuf::from("a/VMConnection.csv")];
        assert_eq!(for_launch(&two), "vmi-map — VMComputer.csv and 1 more");
    }

    #[test]
    fn the_title_follows_the_workspace_and_is_sent_once_per_change() {
        let mut state = AppState::default();
        let mut watch = TitleWatch::default();
        assert_eq!(watch.changed(&state).as_deref(), Some("vmi-map"), "nothing loaded");
        assert_eq!(watch.changed(&state), None, "unchanged: nothing to send");
        state.workspace.path = Some(PathBuf::from("/work/migration wave 2.vmimap"));
        assert_eq!(watch.changed(&state).as_deref(), Some("vmi-map — migration wave 2"));
        assert_eq!(watch.changed(&state), None);
        state.workspace.path = None;
        assert_eq!(watch.changed(&state).as_deref(), Some("vmi-map"));
    }
}

//! The system file dialogs, each on its own thread so the window keeps painting; the answer
//! comes back as the action it leads to (open the files, save to the path).
//!
//! On Linux the dialog is the desktop's file-chooser portal, or zenity when there is none
//! (rfd falls back by itself). With neither, rfd answers "nothing chosen" at once: an answer
//! faster than anyone can pick or cancel is taken for that, and the app says what to install.

use crate::state::{Action, AppError, ErrorKind, ExportAction, FileAction, SaveTarget, UiAction};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

/// A dialog that answers "nothing" sooner than this was never shown.
const NO_DIALOG_SHOWN: Duration = Duration::from_millis(400);

/// What the user sees when no file chooser could be shown.
pub const NO_FILE_CHOOSER: &str = "No file chooser could be shown. On Linux, install the desktop's file-chooser \
    portal (sudo apt install xdg-desktop-portal-gtk, then log in again) or zenity (sudo apt install zenity). \
    Meanwhile, drop files, folders or a workspace on the window, or name them on the command line: \
    vmi-map FILE...";

/// The dialog's answer: the paths chosen, and whether it was on screen at all.
struct Answer {
    paths: Vec<PathBuf>,
    shown: bool,
}

fn answer_of(paths: Vec<PathBuf>, started: Instant) -> Answer {
    let shown = !paths.is_empty() || started.elapsed() >= NO_DIALOG_SHOWN || !cfg!(target_os = "linux");
    Answer { paths, shown }
}

/// What a file dialog was opened for.
#[derive(Clone, Debug, PartialEq)]
enum Purpose {
    Open,
    Save(SaveTarget),
}

pub struct DialogJob {
    purpose: Purpose,
    answer: Receiver<Answer>,
}

impl DialogJob {
    /// Opens exports (and workspaces); `workspaces` offers workspaces first.
    pub fn open(
        folder: Option<PathBuf>,
        workspaces: bool,
        wake: impl Fn() + Send + 'static,
    ) -> std::io::Result<DialogJob> {
        let (sender, answer) = channel();
        std::thread::Builder::new().name("vmi-dialog".into()).spawn(move || {
            let exports = ["csv", "json", "jsonl", "ndjson", "vmimap"];
            let mut dialog = if workspaces {
                rfd::FileDialog::new()
                    .set_title("Open a vmi-map workspace")
                    .add_filter("Workspaces (.vmimap)", &["vmimap"])
                    .add_filter("Exports and workspaces", &exports)
            } else {
                rfd::FileDialog::new()
                    .set_title("Open VM Insights map records")
                    .add_filter("Exports and workspaces (.csv, .json, .jsonl, .vmimap)", &exports)
            };
            dialog = dialog.add_filter("All files", &["*"]);
            if let Some(folder) = folder {
                dialog = dialog.set_directory(folder);
            }
            let started = Instant::now();
            let _ = sender.send(answer_of(dialog.pick_files().unwrap_or_default(), started));
            wake();
        })?;
        Ok(DialogJob { purpose: Purpose::Open, answer })
    }

    /// A save dialog proposing `file_name`; the chosen path saves `target`.
    pub fn save(
        folder: Option<PathBuf>,
        file_name: String,
        extension: &'static str,
        target: SaveTarget,
        wake: impl Fn() + Send + 'static,
    ) -> std::io::Result<DialogJob> {
        let (sender, answer) = channel();
        std::thread::Builder::new().name("vmi-dialog".into()).spawn(move || {
            let mut dialog =
                rfd::FileDialog::new().set_file_name(file_name).add_filter(extension.to_uppercase(), &[extension]);
            if let Some(folder) = folder {
                dialog = dialog.set_directory(folder);
            }
            let started = Instant::now();
            let _ = sender.send(answer_of(dialog.save_file().into_iter().collect(), started));
            wake();
        })?;
        Ok(DialogJob { purpose: Purpose::Save(target), answer })
    }

    /// `None` while the dialog is open; then the action its answer leads to (`Some(None)`
    /// when it was cancelled).
    pub fn poll(&self) -> Option<Option<Action>> {
        let Answer { paths, shown } = match self.answer.try_recv() {
            Ok(answer) => answer,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => Answer { paths: Vec::new(), shown: true },
        };
        if !shown {
            return Some(Some(UiAction::ShowError(AppError::new(ErrorKind::Job, NO_FILE_CHOOSER.to_string())).into()));
        }
        Some(match &self.purpose {
            Purpose::Open => (!paths.is_empty()).then(|| FileAction::Open(paths).into()),
            Purpose::Save(target) => {
                paths.into_iter().next().map(|path| ExportAction::Save { target: target.clone(), path }.into())
            }
        })
    }
}

//! The system file dialogs, each on its own thread so the window keeps painting; the answer
//! comes back as the action it leads to (open the files, save to the path).

use crate::state::{Action, ExportAction, FileAction, SaveTarget};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// What a file dialog was opened for.
#[derive(Clone, Debug, PartialEq)]
enum Purpose {
    Open,
    Save(SaveTarget),
}

pub struct DialogJob {
    purpose: Purpose,
    answer: Receiver<Vec<PathBuf>>,
}

impl DialogJob {
    pub fn open(folder: Option<PathBuf>, wake: impl Fn() + Send + 'static) -> std::io::Result<DialogJob> {
        let (sender, answer) = channel();
        std::thread::Builder::new().name("vmi-dialog".into()).spawn(move || {
            let mut dialog = rfd::FileDialog::new()
                .set_title("Open VM Insights map records")
                .add_filter("Exports (.csv, .json, .jsonl)", &["csv", "json", "jsonl", "ndjson"])
                .add_filter("All files", &["*"]);
            if let Some(folder) = folder {
                dialog = dialog.set_directory(folder);
            }
            let _ = sender.send(dialog.pick_files().unwrap_or_default());
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
            let _ = sender.send(dialog.save_file().into_iter().collect());
            wake();
        })?;
        Ok(DialogJob { purpose: Purpose::Save(target), answer })
    }

    /// `None` while the dialog is open; then the action its answer leads to (`Some(None)`
    /// when it was cancelled).
    pub fn poll(&self) -> Option<Option<Action>> {
        let paths = match self.answer.try_recv() {
            Ok(paths) => paths,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => Vec::new(),
        };
        Some(match &self.purpose {
            Purpose::Open => (!paths.is_empty()).then(|| FileAction::Open(paths).into()),
            Purpose::Save(target) => {
                paths.into_iter().next().map(|path| ExportAction::Save { target: target.clone(), path }.into())
            }
        })
    }
}

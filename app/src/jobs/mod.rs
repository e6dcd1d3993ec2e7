//! Background work: loads, file dialogs, screenshots and hashing loaded files. Jobs start
//! from the effects `update` returns, and what they finish comes back as actions.

mod dialog;
mod load;
pub mod query;

pub use load::{LoadJob, LoadProgress};

use crate::state::{Action, AppError, ErrorKind, LoadAction, SaveTarget, Source, UiAction};
use dialog::DialogJob;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Jobs {
    load: Option<LoadJob>,
    dialog: Option<DialogJob>,
    /// Answers from other threads: screenshots saved, loaded files hashed.
    mailbox: Arc<Mutex<Vec<Action>>>,
}

impl Jobs {
    /// Starts loading `sources`; a running load is cancelled (what it finished is kept).
    pub fn start_load(&mut self, sources: Vec<Source>, wake: impl Fn() + Send + 'static) -> Action {
        if let Some(job) = self.load.take() {
            job.cancel();
        }
        match LoadJob::spawn(sources, wake) {
            Ok(job) => {
                let progress = job.progress.clone();
                self.load = Some(job);
                LoadAction::Started(progress).into()
            }
            Err(error) => LoadAction::Failed(error.to_string()).into(),
        }
    }

    pub fn cancel_load(&self) {
        if let Some(job) = &self.load {
            job.cancel();
        }
    }

    pub fn is_loading(&self) -> bool {
        self.load.is_some()
    }

    /// Opens a dialog unless one is open already (a second would queue behind it).
    pub fn open_dialog(
        &mut self,
        folder: Option<PathBuf>,
        workspaces: bool,
        wake: impl Fn() + Send + 'static,
    ) -> Option<Action> {
        if self.dialog.is_some() {
            return None;
        }
        match DialogJob::open(folder, workspaces, wake) {
            Ok(job) => {
                self.dialog = Some(job);
                None
            }
            Err(error) => Some(dialog_failed(&error)),
        }
    }

    pub fn save_dialog(
        &mut self,
        folder: Option<PathBuf>,
        file_name: String,
        extension: &'static str,
        target: SaveTarget,
        wake: impl Fn() + Send + 'static,
    ) -> Option<Action> {
        if self.dialog.is_some() {
            return None;
        }
        match DialogJob::save(folder, file_name, extension, target, wake) {
            Ok(job) => {
                self.dialog = Some(job);
                None
            }
            Err(error) => Some(dialog_failed(&error)),
        }
    }

    /// Hashes loaded files on a thread of their own, one after the other; each hash comes
    /// back through the mailbox. `Some` only when the thread could not start.
    pub fn hash_files(&self, sources: Vec<String>, wake: impl Fn() + Send + 'static) -> Option<Action> {
        let mailbox = self.mailbox.clone();
        let spawned = std::thread::Builder::new().name("vmi-hash".into()).spawn(move || {
            for source in sources {
                let hash =
                    crate::state::workspace::content_hash(std::path::Path::new(&source)).map_err(|e| e.to_string());
                if let Ok(mut mailbox) = mailbox.lock() {
                    mailbox.push(crate::state::workspace::WorkspaceAction::Hashed { source, hash }.into());
                }
                wake();
            }
        });
        // Without the thread, a save hashes the files itself.
        spawned.err().map(|e| {
            UiAction::ShowError(AppError::new(ErrorKind::Job, format!("cannot hash the loaded files: {e}"))).into()
        })
    }

    /// Where a screenshot callback posts its answer.
    pub fn mailbox(&self) -> Arc<Mutex<Vec<Action>>> {
        self.mailbox.clone()
    }

    /// What finished since the last call, as actions.
    pub fn poll(&mut self) -> Vec<Action> {
        let mut actions = Vec::new();
        if let Some(job) = &mut self.load {
            actions.extend(job.poll());
            if actions.iter().any(|a| matches!(a, Action::Load(LoadAction::Finished))) {
                self.load = None;
            }
        }
        if let Some(answer) = self.dialog.as_ref().and_then(DialogJob::poll) {
            self.dialog = None;
            actions.extend(answer);
        }
        if let Ok(mut mailbox) = self.mailbox.lock() {
            actions.append(&mut mailbox);
        }
        actions
    }
}

fn dialog_failed(error: &std::io::Error) -> Action {
    UiAction::ShowError(AppError::new(ErrorKind::Job, format!("cannot open the file dialog: {error}"))).into()
}

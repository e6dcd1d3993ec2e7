//! Work that must not block the window: loading files (with progress and cancel) and the
//! system file dialogs. Each job runs on a named thread and answers over a channel; a job
//! that was replaced is dropped, so its late answer is never applied.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use vmi_core::ingest::{self, LoadError, Loaded};

/// Where a load's records come from.
#[derive(Clone, Debug)]
pub enum Source {
    Path(PathBuf),
    Bytes { name: String, bytes: Arc<Vec<u8>> },
}

impl Source {
    pub fn name(&self) -> String {
        match self {
            Source::Path(path) => path.display().to_string(),
            Source::Bytes { name, .. } => name.clone(),
        }
    }
}

/// Shared progress of a running load, read by the UI each frame.
#[derive(Debug, Default)]
pub struct LoadProgress {
    pub file: Mutex<String>,
    pub file_index: AtomicU64,
    pub files: AtomicU64,
    pub bytes_done: AtomicU64,
    pub bytes_total: AtomicU64,
    pub rows: AtomicU64,
}

/// One file's outcome.
pub type LoadOutcome = (String, Result<Loaded, LoadError>);

pub struct LoadJob {
    pub progress: Arc<LoadProgress>,
    pub started: Instant,
    cancel: Arc<AtomicBool>,
    results: Receiver<LoadOutcome>,
    remaining: usize,
}

impl LoadJob {
    /// Starts loading `sources` one after the other on a background thread; `wake` asks the
    /// UI for a frame when a file is done.
    pub fn spawn(sources: Vec<Source>, wake: impl Fn() + Send + 'static) -> std::io::Result<LoadJob> {
        let progress = Arc::new(LoadProgress::default());
        progress.files.store(sources.len() as u64, Ordering::Relaxed);
        let cancel = Arc::new(AtomicBool::new(false));
        let (sender, results) = channel();
        let remaining = sources.len();
        let (thread_progress, thread_cancel) = (progress.clone(), cancel.clone());
        std::thread::Builder::new().name("vmi-load".into()).spawn(move || {
            for (index, source) in sources.into_iter().enumerate() {
                let name = source.name();
                if let Ok(mut file) = thread_progress.file.lock() {
                    file.clone_from(&name);
                }
                thread_progress.file_index.store(index as u64, Ordering::Relaxed);
                let mut on_progress = |p: ingest::Progress| {
                    thread_progress.bytes_done.store(p.bytes_done, Ordering::Relaxed);
                    thread_progress.bytes_total.store(p.bytes_total, Ordering::Relaxed);
                    thread_progress.rows.store(p.rows, Ordering::Relaxed);
                    !thread_cancel.load(Ordering::Relaxed)
                };
                let result = match &source {
                    Source::Path(path) => ingest::load_path(path, &mut on_progress),
                    Source::Bytes { name, bytes } => {
                        ingest::load_reader(name, bytes.as_slice(), bytes.len() as u64, &mut on_progress)
                    }
                };
                if sender.send((name, result)).is_err() {
                    return;
                }
                wake();
                if thread_cancel.load(Ordering::Relaxed) {
                    return;
                }
            }
        })?;
        Ok(LoadJob { progress, started: Instant::now(), cancel, results, remaining })
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Outcomes that arrived since the last call; `true` once every file has answered.
    pub fn poll(&mut self) -> (Vec<LoadOutcome>, bool) {
        let mut outcomes = Vec::new();
        loop {
            match self.results.try_recv() {
                Ok(outcome) => {
                    self.remaining = self.remaining.saturating_sub(1);
                    outcomes.push(outcome);
                }
                Err(TryRecvError::Empty) => return (outcomes, self.remaining == 0),
                Err(TryRecvError::Disconnected) => return (outcomes, true),
            }
        }
    }
}

/// What a file dialog was opened for.
#[derive(Clone, Debug, PartialEq)]
pub enum DialogPurpose {
    Open,
    Save(crate::command::Command),
}

/// A file dialog running on its own thread, so the window keeps painting.
pub struct DialogJob {
    pub purpose: DialogPurpose,
    answer: Receiver<Vec<PathBuf>>,
}

impl DialogJob {
    pub fn open(folder: Option<PathBuf>, wake: impl Fn() + Send + 'static) -> Option<DialogJob> {
        let (sender, answer) = channel();
        std::thread::Builder::new()
            .name("vmi-dialog".into())
            .spawn(move || {
                let mut dialog = rfd::FileDialog::new()
                    .set_title("Open VM Insights map records")
                    .add_filter("Exports (.csv, .json, .jsonl)", &["csv", "json", "jsonl", "ndjson"])
                    .add_filter("All files", &["*"]);
                if let Some(folder) = folder {
                    dialog = dialog.set_directory(folder);
                }
                let _ = sender.send(dialog.pick_files().unwrap_or_default());
                wake();
            })
            .ok()?;
        Some(DialogJob { purpose: DialogPurpose::Open, answer })
    }

    /// A save dialog; `then` is the command to run with the chosen path.
    pub fn save(
        folder: Option<PathBuf>,
        file_name: String,
        extension: &'static str,
        then: crate::command::Command,
        wake: impl Fn() + Send + 'static,
    ) -> Option<DialogJob> {
        let (sender, answer) = channel();
        std::thread::Builder::new()
            .name("vmi-dialog".into())
            .spawn(move || {
                let mut dialog =
                    rfd::FileDialog::new().set_file_name(file_name).add_filter(extension.to_uppercase(), &[extension]);
                if let Some(folder) = folder {
                    dialog = dialog.set_directory(folder);
                }
                let _ = sender.send(dialog.save_file().into_iter().collect());
                wake();
            })
            .ok()?;
        Some(DialogJob { purpose: DialogPurpose::Save(then), answer })
    }

    /// The chosen paths once the dialog closed (empty when cancelled).
    pub fn poll(&self) -> Option<Vec<PathBuf>> {
        match self.answer.try_recv() {
            Ok(paths) => Some(paths),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Vec::new()),
        }
    }
}

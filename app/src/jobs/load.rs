//! Loading files on a named thread, with progress and cancel; each file's outcome comes
//! back over a channel. A load that was replaced is dropped, so its late answers are never
//! applied.

use crate::state::{Action, LoadAction, Source};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use vmi_core::ingest::{self, LoadError, Loaded};

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
        Ok(LoadJob { progress, cancel, results, remaining })
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Outcomes that arrived since the last call, as actions; the last is
    /// [`LoadAction::Finished`] once every file has answered.
    pub fn poll(&mut self) -> Vec<Action> {
        let mut actions = Vec::new();
        loop {
            match self.results.try_recv() {
                Ok((name, result)) => {
                    self.remaining = self.remaining.saturating_sub(1);
                    actions.push(LoadAction::File { name, result: Box::new(result) }.into());
                }
                Err(TryRecvError::Empty) if self.remaining > 0 => return actions,
                Err(_) => {
                    actions.push(LoadAction::Finished.into());
                    return actions;
                }
            }
        }
    }
}

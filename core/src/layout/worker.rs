//! Background layout worker: a named thread runs [`Layout`] iterations and
//! publishes position snapshots; the UI never waits for it.
//!
//! Snapshots go through a bounded `sync_channel` of
//! [`LayoutWorker::SNAPSHOT_CAPACITY`] with `try_send`: when the channel is
//! full an intermediate snapshot is skipped. The snapshot of a finished run
//! (`done: true`) is always delivered: the worker retries it (checking for
//! cancellation) until there is room. Every snapshot carries the generation
//! id given at spawn, so the UI drops late results of an old request.
//!
//! After a run the worker idles until a [`LayoutCommand`] arrives (pin,
//! unpin, drag), applies it, reheats the layout and publishes again. It
//! stops when cancelled, when the handle is dropped, or when the UI side of
//! a channel is gone.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender, TryRecvError, TrySendError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::{Layout, LayoutInput, LayoutParams, PositionMap, RunStats};

/// A message from the UI to the worker. Node indices are input indices.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LayoutCommand {
    /// Fix a node at a position (world units) until unpinned.
    Pin { node: u32, pos: [f32; 2] },
    /// Release a pinned (or held) node.
    Unpin { node: u32 },
    /// The user drags a node: hold it at `pos` while the rest adapts (the app pins it where
    /// the drag ends, so a dragged node stays held until unpinned).
    Drag { node: u32, pos: [f32; 2] },
}

/// Positions published by the worker.
#[derive(Clone, Debug, PartialEq)]
pub struct LayoutSnapshot {
    /// Generation id given to [`LayoutWorker::spawn`].
    pub generation: u64,
    /// Iterations run so far (all runs).
    pub iteration: u32,
    /// World positions, index-aligned with the input nodes.
    pub positions: Vec<[f32; 2]>,
    /// `true` for the last snapshot of a finished run.
    pub done: bool,
    /// Figures of the current run.
    pub stats: RunStats,
}

/// Handle of a running worker; dropping it cancels the worker (without
/// waiting for the thread).
#[derive(Debug)]
pub struct LayoutWorker {
    generation: u64,
    commands: Sender<LayoutCommand>,
    snapshots: Receiver<LayoutSnapshot>,
    cancel: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl LayoutWorker {
    /// Snapshots the channel holds before new ones are skipped.
    pub const SNAPSHOT_CAPACITY: usize = 2;
    /// Least time between two intermediate snapshots.
    pub const SNAPSHOT_INTERVAL: Duration = Duration::from_millis(33);
    /// How often an idle worker checks for cancellation.
    const IDLE_POLL: Duration = Duration::from_millis(20);

    /// Starts a thread named `vmi-layout-<generation>` that builds the layout
    /// and runs it; see the module doc.
    pub fn spawn(
        generation: u64,
        input: LayoutInput,
        params: LayoutParams,
        warm: PositionMap,
        pinned: PositionMap,
    ) -> std::io::Result<Self> {
        let (command_sender, command_receiver) = mpsc::channel();
        let (snapshot_sender, snapshot_receiver) = mpsc::sync_channel(Self::SNAPSHOT_CAPACITY);
        let cancel = Arc::new(AtomicBool::new(false));
        let worker_cancel = Arc::clone(&cancel);
        let thread = thread::Builder::new().name(format!("vmi-layout-{generation}")).spawn(move || {
            let layout = Layout::new(input, params, &warm, &pinned);
            let mut worker = Worker {
                generation,
                layout,
                commands: command_receiver,
                snapshots: snapshot_sender,
                cancel: worker_cancel,
            };
            worker.run();
        })?;
        Ok(Self { generation, commands: command_sender, snapshots: snapshot_receiver, cancel, thread })
    }

    /// Generation id of this worker.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Sends a command; `false` if the worker has stopped.
    pub fn send(&self, command: LayoutCommand) -> bool {
        self.commands.send(command).is_ok()
    }

    /// The newest snapshot waiting, if any; older waiting ones are dropped
    /// (a `done` snapshot is always the last one of its run, so it is never
    /// dropped in favour of an intermediate one).
    pub fn try_latest(&self) -> Option<LayoutSnapshot> {
        let mut latest = None;
        while let Ok(snapshot) = self.snapshots.try_recv() {
            latest = Some(snapshot);
        }
        latest
    }

    /// Asks the worker to stop; returns at once.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// `true` once the worker thread has ended.
    pub fn is_finished(&self) -> bool {
        self.thread.is_finished()
    }
}

impl Drop for LayoutWorker {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// The worker thread's side.
struct Worker {
    generation: u64,
    layout: Layout,
    commands: Receiver<LayoutCommand>,
    snapshots: SyncSender<LayoutSnapshot>,
    cancel: Arc<AtomicBool>,
}

impl Worker {
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    fn run(&mut self) {
        let mut last_sent: Option<Instant> = None;
        loop {
            if self.cancelled() {
                return;
            }
            let mut changed = false;
            loop {
                match self.commands.try_recv() {
                    Ok(command) => {
                        self.apply(command);
                        changed = true;
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => return,
                }
            }
            if changed {
                self.layout.reheat();
            }
            if self.layout.is_done() && !changed {
                match self.commands.recv_timeout(LayoutWorker::IDLE_POLL) {
                    Ok(command) => {
                        self.apply(command);
                        self.layout.reheat();
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                }
                continue;
            }
            if self.layout.step() {
                if !self.deliver_final() {
                    return;
                }
                last_sent = Some(Instant::now());
            } else if last_sent.is_none_or(|at| at.elapsed() >= LayoutWorker::SNAPSHOT_INTERVAL) {
                match self.snapshots.try_send(self.snapshot()) {
                    Ok(()) | Err(TrySendError::Full(_)) => last_sent = Some(Instant::now()),
                    Err(TrySendError::Disconnected(_)) => return,
                }
            }
        }
    }

    fn apply(&mut self, command: LayoutCommand) {
        match command {
            LayoutCommand::Pin { node, pos } | LayoutCommand::Drag { node, pos } => self.layout.pin(node, pos),
            LayoutCommand::Unpin { node } => self.layout.unpin(node),
        }
    }

    fn snapshot(&self) -> LayoutSnapshot {
        LayoutSnapshot {
            generation: self.generation,
            iteration: self.layout.iterations(),
            positions: self.layout.positions().to_vec(),
            done: self.layout.is_done(),
            stats: self.layout.stats(),
        }
    }

    /// Sends the finished run's snapshot, waiting for room; `false` when the
    /// worker must stop (cancelled or nobody listens).
    fn deliver_final(&self) -> bool {
        let mut snapshot = self.snapshot();
        loop {
            match self.snapshots.try_send(snapshot) {
                Ok(()) => return true,
                Err(TrySendError::Disconnected(_)) => return false,
                Err(TrySendError::Full(back)) => {
                    if self.cancelled() {
                        return false;
                    }
                    snapshot = back;
                    thread::sleep(Duration::from_millis(2));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::synthetic::synthetic_estate;
    use super::*;

    fn wait_for_done(worker: &LayoutWorker, after_iteration: u32) -> LayoutSnapshot {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(snapshot) = worker.try_latest()
                && snapshot.done
                && snapshot.iteration > after_iteration
            {
                return snapshot;
            }
            assert!(Instant::now() < deadline, "worker did not finish in time");
            thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn worker_delivers_the_same_final_layout_as_a_direct_run() {
        let input = synthetic_estate(4, 150, 600);
        let params = LayoutParams::default();
        let mut direct = Layout::new(input.clone(), params.clone(), &PositionMap::new(), &PositionMap::new());
        direct.run_to_convergence();
        let worker = LayoutWorker::spawn(7, input, params, PositionMap::new(), PositionMap::new())
            .unwrap_or_else(|e| panic!("spawn failed: {e}"));
        let done = wait_for_done(&worker, 0);
        assert_eq!(done.generation, 7);
        assert_eq!(done.positions, direct.positions(), "the worker's final snapshot equals a direct run");
    }

    #[test]
    fn pin_through_the_worker_moves_the_node_and_rest_of_layout_settles_again() {
        let input = synthetic_estate(5, 120, 400);
        let worker = LayoutWorker::spawn(1, input, LayoutParams::default(), PositionMap::new(), PositionMap::new())
            .unwrap_or_else(|e| panic!("spawn failed: {e}"));
        let first = wait_for_done(&worker, 0);
        assert!(worker.send(LayoutCommand::Pin { node: 3, pos: [1234.5, -77.25] }));
        let second = wait_for_done(&worker, first.iteration);
        assert_eq!(second.positions[3], [1234.5, -77.25], "the pinned node is exactly where pinned");
        assert!(worker.send(LayoutCommand::Drag { node: 4, pos: [-500.0, 500.0] }));
        let third = wait_for_done(&worker, second.iteration);
        assert_eq!(third.positions[4], [-500.0, 500.0], "a dragged node is held where dropped");
        assert_eq!(third.positions[3], [1234.5, -77.25], "the pin outlives other drags");
        assert!(worker.send(LayoutCommand::Unpin { node: 4 }));
        let fourth = wait_for_done(&worker, third.iteration);
        assert_ne!(fourth.positions[4], [-500.0, 500.0], "an unpinned node moves with the layout again");
    }

    #[test]
    fn a_node_pinned_at_spawn_stays_where_it_is_dragged() {
        let input = synthetic_estate(8, 100, 300);
        let pinned: PositionMap = [(input.nodes[2].key, [10.0, 20.0])].into_iter().collect();
        let worker = LayoutWorker::spawn(4, input, LayoutParams::default(), PositionMap::new(), pinned)
            .unwrap_or_else(|e| panic!("spawn failed: {e}"));
        let first = wait_for_done(&worker, 0);
        assert_eq!(first.positions[2], [10.0, 20.0]);
        assert!(worker.send(LayoutCommand::Drag { node: 2, pos: [30.0, 40.0] }));
        let second = wait_for_done(&worker, first.iteration);
        assert_eq!(second.positions[2], [30.0, 40.0], "a pinned node dragged stays pinned where dropped");
    }

    #[test]
    fn cancel_and_drop_stop_the_thread_without_waiting() {
        let input = synthetic_estate(6, 20_000, 100_000);
        let worker = LayoutWorker::spawn(2, input, LayoutParams::default(), PositionMap::new(), PositionMap::new())
            .unwrap_or_else(|e| panic!("spawn failed: {e}"));
        let started = Instant::now();
        worker.cancel();
        let deadline = Instant::now() + Duration::from_secs(60);
        while !worker.is_finished() {
            assert!(Instant::now() < deadline, "cancelled worker kept running");
            thread::sleep(Duration::from_millis(5));
        }
        assert!(started.elapsed() < Duration::from_secs(60));
        // Dropping an idle (finished) worker's handle must not block either.
        let small = LayoutWorker::spawn(
            3,
            synthetic_estate(1, 50, 100),
            LayoutParams::default(),
            PositionMap::new(),
            PositionMap::new(),
        )
        .unwrap_or_else(|e| panic!("spawn failed: {e}"));
        let dropped_at = Instant::now();
        drop(small);
        assert!(dropped_at.elapsed() < Duration::from_secs(1), "drop returns at once");
    }
}

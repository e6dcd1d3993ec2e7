//! Loading one file on several threads: the calling thread reads the file in chunks that
//! end at record boundaries ([`super::chunks`]), a pool parses each chunk into its own
//! [`RowSink`] (a fork of the file's, same header), and the chunks' sinks are joined into the
//! file's sink strictly in file order, by whichever worker finishes the next chunk in order.
//!
//! Memory stays bounded: at most `threads + 1` chunks are read and not yet joined (the reader
//! waits, helping the pool, until one is). Progress is reported and cancel asked from the
//! calling thread, as bytes joined; a cancel stops the reading and the chunks not started.
//!
//! Chunks are parsed over a snapshot of the texts the file's sink has interned
//! ([`Interner::over`]): the machines, processes and addresses every chunk repeats keep the
//! file's symbols, and only texts new to the file are interned in the chunk and joined.
//!
//! A chunk whose parse ran into its end (a JSON record split by a boundary that only looked
//! like one) is parsed again joined with the next chunk before anything after it is joined,
//! so the result never depends on where the chunks were cut.

use super::error::{LoadError, LoadErrorKind};
use super::progress::{Control, Progress};
use super::rows::RowSink;
use crate::store::Interner;
use crate::threads::Threads;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

#[cfg(test)]
mod tests;

/// How a file is loaded: how many threads, and how big the chunks one thread parses are.
#[derive(Clone, Copy, Debug)]
pub struct LoadOptions {
    pub threads: Threads,
    /// Bytes read per chunk (a chunk ends at the first record boundary after that many).
    /// Tests make them tiny to put boundaries everywhere.
    pub chunk_bytes: usize,
}

/// 8 MB: big enough that joining and handing out chunks costs little against parsing them.
pub const CHUNK_BYTES: usize = 8 << 20;

/// Bytes read and not yet joined, at most (about): with what their parse holds, memory beside
/// the loaded rows stays under about 100 MB whatever the thread count.
const IN_FLIGHT_BYTES: usize = 24 << 20;

/// Chunks read and not yet joined, at most: one per thread and two more, and at least 8, so
/// a thread that finished its chunk finds another while the chunk whose turn it is to be
/// joined is still parsed (on a busy machine a thread is often set aside for a while).
pub(super) fn in_flight_limit(threads: Threads) -> usize {
    (threads.get() + 2).max(8)
}

/// The chunk size for `options`: its own, made smaller when that many chunks in flight would
/// pass [`IN_FLIGHT_BYTES`] (not below 256 KB).
pub(super) fn chunk_bytes(options: LoadOptions) -> usize {
    let share = (IN_FLIGHT_BYTES / in_flight_limit(options.threads)).max(256 << 10);
    options.chunk_bytes.clamp(1, share)
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions { threads: Threads::current(), chunk_bytes: CHUNK_BYTES }
    }
}

impl LoadOptions {
    pub fn with_threads(threads: Threads) -> Self {
        LoadOptions { threads, ..LoadOptions::default() }
    }

    /// Whether `bytes` of a file are worth sharing out: more than one chunk, and threads to
    /// share them with.
    pub(super) fn shares_out(&self, bytes: u64) -> bool {
        !self.threads.is_serial() && bytes > self.chunk_bytes as u64
    }
}

/// A piece of a file that starts at a record boundary.
pub(super) struct Chunk {
    pub bytes: Vec<u8>,
    /// File offset and line number of `bytes[0]`, and the offset where that line starts
    /// (a JSON array's chunk may start inside a line; warnings count columns from its start).
    pub offset: u64,
    pub line: u64,
    pub line_start: u64,
    /// It runs to the end of the file.
    pub last: bool,
}

impl Chunk {
    fn end(&self) -> u64 {
        self.offset + self.bytes.len() as u64
    }
}

/// What the reader hands out next.
pub(super) enum Next {
    Chunk(Chunk),
    /// No record boundary within reach (a quote or record running on for tens of MB): the
    /// rest of the file, from the end of the last chunk, is loaded serially by
    /// [`ChunkReader::load_rest`].
    Rest,
    End,
}

/// Cuts a file into chunks at record boundaries.
pub(super) trait ChunkReader {
    fn next_chunk(&mut self) -> Result<Next, LoadError>;
    /// A parsed chunk's bytes, to read a later chunk into: memory already in use costs no
    /// page faults, and this machine's kernel zeroes every fresh page.
    fn reuse(&mut self, bytes: Vec<u8>);
    /// Bytes handed out so far (the head the sink was loaded from, before the first chunk).
    fn offset(&self) -> u64;
    /// About how many bytes a chunk holds.
    fn chunk_bytes(&self) -> usize;
    /// Loads everything not handed out as chunks yet, with `carry` (bytes handed out but not
    /// loaded: a chunk that ran into its end) in front, on the calling thread.
    fn load_rest(
        &mut self,
        carry: Option<Chunk>,
        sink: &mut RowSink,
        control: &mut Control<'_>,
    ) -> Result<(), LoadError>;
}

/// How a chunk parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ending {
    /// Its last record ended within it: the next chunk starts where the serial loader would
    /// start the next record.
    Clean,
    /// Its parse ran into its end: it must be parsed again with the next chunk.
    RanOver,
}

/// Parses a chunk's records into a sink.
pub(super) trait ChunkParser: Sync {
    /// A parser that cannot run over ([`ChunkParser::can_run_over`]) may take the chunk's
    /// bytes while it parses; it puts them back, for the reader to reuse.
    fn parse(&self, chunk: &mut Chunk, sink: &mut RowSink, control: &mut Control<'_>) -> Result<Ending, LoadError>;

    /// Whether a chunk's parse may run into its end ([`Ending::RanOver`]): its bytes are then
    /// kept until it is joined; else they are freed as soon as it is parsed.
    fn can_run_over(&self) -> bool {
        true
    }
}

/// A parsed chunk waiting for its turn to be joined.
struct Parsed {
    chunk: Chunk,
    result: Result<(RowSink, Ending), LoadError>,
}

/// The file's sink and what joining it has found.
struct Joined {
    sink: RowSink,
    /// A chunk that ran over, to be parsed again with the next one.
    carry: Option<Chunk>,
    error: Option<LoadError>,
    sized: bool,
}

struct Shared<'a, P> {
    parser: &'a P,
    /// What chunks are forked from: the file's sink as the head left it, then as the first
    /// chunk joined left it (a REST table's head has no rows to tell its columns' shape).
    template: Mutex<Arc<RowSink>>,
    bytes_total: u64,
    cancel: AtomicBool,
    /// Chunks handed out and not yet joined (or carried).
    in_flight: AtomicUsize,
    bytes_joined: AtomicU64,
    rows_joined: AtomicU64,
    order: Mutex<Order>,
    joined: Mutex<Joined>,
    /// Signalled when a chunk is joined, for a reader waiting for room.
    room: Condvar,
    room_lock: Mutex<()>,
    /// Bytes of parsed chunks, for the reader to reuse.
    spare: Mutex<Vec<Vec<u8>>>,
    /// A snapshot of the texts of the file's sink, which chunks are parsed over
    /// ([`RowSink::fork_over`]); taken again each time the texts have doubled.
    texts: Mutex<Arc<Interner>>,
}

/// Parsed chunks that arrived before their turn.
struct Order {
    next: usize,
    ready: BTreeMap<usize, Parsed>,
    joining: bool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<P: ChunkParser> Shared<'_, P> {
    /// Parses a chunk into a fork of the file's sink, on a worker; the cancel flag is checked
    /// about every megabyte.
    fn parse(&self, chunk: &mut Chunk) -> Result<(RowSink, Ending), LoadError> {
        let template = lock(&self.template).clone();
        let texts = lock(&self.texts).clone();
        let mut sink = template.fork_over(texts);
        if self.cancel.load(Ordering::Relaxed) {
            return Err(cancelled(sink.source()));
        }
        let mut go_on = |_: Progress| !self.cancel.load(Ordering::Relaxed);
        let mut control = Control::new(chunk.bytes.len() as u64, &mut go_on);
        let ending = self.parser.parse(chunk, &mut sink, &mut control)?;
        Ok((sink, if chunk.last { Ending::Clean } else { ending }))
    }

    /// Hands a parsed chunk in; joins every chunk whose turn has come unless another worker
    /// is joining (it will take this one too).
    fn deliver(&self, index: usize, parsed: Parsed) {
        let mut order = lock(&self.order);
        order.ready.insert(index, parsed);
        if order.joining {
            return;
        }
        order.joining = true;
        loop {
            let next = order.next;
            let Some(parsed) = order.ready.remove(&next) else { break };
            order.next += 1;
            drop(order);
            self.join(parsed);
            self.in_flight.fetch_sub(1, Ordering::AcqRel);
            let _guard = lock(&self.room_lock);
            self.room.notify_all();
            drop(_guard);
            order = lock(&self.order);
        }
        order.joining = false;
    }

    /// Joins one chunk into the file's sink (or carries it to the next).
    fn join(&self, parsed: Parsed) {
        let mut joined = lock(&self.joined);
        if joined.error.is_some() {
            return;
        }
        let Parsed { chunk, result } = parsed;
        let (chunk, result) = match joined.carry.take() {
            // The previous chunk ran over: parse it again together with this one.
            Some(mut before) => {
                before.bytes.extend_from_slice(&chunk.bytes);
                before.last = chunk.last;
                drop(chunk);
                let result = self.parse(&mut before);
                (before, result)
            }
            None => (chunk, result),
        };
        match result {
            Ok((sink, Ending::Clean)) => {
                let rows = sink.rows_seen();
                joined.sink.absorb(sink);
                let texts = joined.sink.texts();
                if texts.len() >= 2 * lock(&self.texts).len() {
                    let snapshot = Arc::new(texts.clone());
                    *lock(&self.texts) = snapshot;
                }
                let done = chunk.end();
                // A chunk kept until its join (one that could have run over) gives its bytes
                // back for the reader to read a later chunk into.
                if chunk.bytes.capacity() > 0 {
                    lock(&self.spare).push(chunk.bytes);
                }
                if !joined.sized {
                    joined.sized = true;
                    joined.sink.expect_total(done, self.bytes_total);
                    // Later chunks start with the columns laid out and sized as this one's.
                    let template = Arc::new(joined.sink.fork_sized((rows as f64 * 1.1) as usize));
                    *lock(&self.template) = template;
                }
                self.bytes_joined.store(done, Ordering::Release);
                self.rows_joined.store(joined.sink.rows_seen(), Ordering::Release);
            }
            Ok((_, Ending::RanOver)) => joined.carry = Some(chunk),
            // An error where a record was cut may go away with the next chunk's bytes.
            Err(e) if e.kind != LoadErrorKind::Cancelled && !chunk.last && self.parser.can_run_over() => {
                joined.carry = Some(chunk);
            }
            Err(e) => {
                joined.error = Some(e);
                self.cancel.store(true, Ordering::Release);
            }
        }
    }

    /// Waits until `done()`, running pool work meanwhile when this thread is in the pool,
    /// and reporting progress; a cancel from the callback stops the load.
    fn wait(&self, control: &mut Control<'_>, done: impl Fn(&Self) -> bool) {
        while !done(self) {
            self.report(control);
            match rayon::yield_now() {
                Some(rayon::Yield::Executed) => {}
                _ => {
                    let guard = lock(&self.room_lock);
                    if !done(self) {
                        let _ = self.room.wait_timeout(guard, Duration::from_millis(2));
                    }
                }
            }
        }
    }

    fn report(&self, control: &mut Control<'_>) {
        let bytes = self.bytes_joined.load(Ordering::Acquire);
        let rows = self.rows_joined.load(Ordering::Acquire);
        if control.tick(bytes, rows).is_err() {
            self.cancel.store(true, Ordering::Release);
        }
    }
}

fn cancelled(source: &str) -> LoadError {
    LoadError::new(source, LoadErrorKind::Cancelled, "loading cancelled")
}

/// Loads the chunks `reader` hands out into `sink` (which holds the file's first records
/// and its header) on the pool of `threads`, joined in file order.
pub(super) fn load_chunks(
    reader: &mut dyn ChunkReader,
    parser: &impl ChunkParser,
    sink: RowSink,
    threads: Threads,
    control: &mut Control<'_>,
) -> Result<RowSink, LoadError> {
    let Some(pool) = threads.pool() else {
        return load_serially(reader, sink, control);
    };
    // Chunks hold about as many rows per byte as the head did.
    let per_byte = sink.rows_seen() as f64 / reader.offset().max(1) as f64;
    let template = Arc::new(sink.fork_sized((per_byte * reader.chunk_bytes() as f64 * 1.1) as usize));
    let texts = Arc::new(sink.texts().clone());
    let shared = Shared {
        parser,
        template: Mutex::new(template),
        bytes_total: control.bytes_total(),
        cancel: AtomicBool::new(false),
        in_flight: AtomicUsize::new(0),
        bytes_joined: AtomicU64::new(0),
        rows_joined: AtomicU64::new(sink.rows_seen()),
        order: Mutex::new(Order { next: 0, ready: BTreeMap::new(), joining: false }),
        joined: Mutex::new(Joined { sink, carry: None, error: None, sized: false }),
        room: Condvar::new(),
        room_lock: Mutex::new(()),
        spare: Mutex::new(Vec::new()),
        texts: Mutex::new(texts),
    };
    let limit = in_flight_limit(threads);
    let mut read_error = None;
    let mut rest = false;
    pool.in_place_scope(|scope| {
        let shared = &shared;
        let mut index = 0;
        loop {
            shared.report(control);
            shared.wait(control, |s| s.in_flight.load(Ordering::Acquire) < limit || s.cancel.load(Ordering::Acquire));
            if shared.cancel.load(Ordering::Acquire) {
                break;
            }
            for bytes in lock(&shared.spare).drain(..) {
                reader.reuse(bytes);
            }
            match reader.next_chunk() {
                Ok(Next::Chunk(chunk)) => {
                    shared.in_flight.fetch_add(1, Ordering::AcqRel);
                    let i = index;
                    index += 1;
                    scope.spawn(move |_| {
                        let mut chunk = chunk;
                        let result = shared.parse(&mut chunk);
                        if !shared.parser.can_run_over() {
                            // Only where it ends is still needed.
                            chunk.offset = chunk.end();
                            lock(&shared.spare).push(std::mem::take(&mut chunk.bytes));
                        }
                        shared.deliver(i, Parsed { chunk, result });
                    });
                }
                Ok(Next::Rest) => {
                    rest = true;
                    break;
                }
                Ok(Next::End) => break,
                Err(e) => {
                    read_error = Some(e);
                    shared.cancel.store(true, Ordering::Release);
                    break;
                }
            }
        }
        shared.wait(control, |s| s.in_flight.load(Ordering::Acquire) == 0);
    });
    let Shared { joined, cancel, template, .. } = shared;
    let Joined { mut sink, carry, error, .. } = joined.into_inner().unwrap_or_else(PoisonError::into_inner);
    if let Some(e) = read_error.or(error) {
        return Err(e);
    }
    if cancel.into_inner() {
        return Err(cancelled(sink.source()));
    }
    if rest || carry.is_some() {
        let template = template.into_inner().unwrap_or_else(PoisonError::into_inner);
        let mut part = template.fork();
        reader.load_rest(carry, &mut part, control)?;
        sink.absorb(part);
    }
    Ok(sink)
}

/// [`load_chunks`] on the calling thread, chunk after chunk (no pool to be had).
fn load_serially(
    reader: &mut dyn ChunkReader,
    mut sink: RowSink,
    control: &mut Control<'_>,
) -> Result<RowSink, LoadError> {
    let mut part = sink.fork();
    reader.load_rest(None, &mut part, control)?;
    sink.absorb(part);
    Ok(sink)
}

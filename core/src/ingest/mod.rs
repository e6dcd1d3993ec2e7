//! Loading exported VM Insights map records: detects the export shape, streams the rows,
//! types them by the schema and returns them as a [`Batch`] for the store, with warnings
//! naming file, line and column for every row it had to skip.
//!
//! Shapes: portal CSV ([`portal_csv`]), the query REST response ([`rest_json`]), and records as
//! JSON objects: `az` CLI output, plain arrays and data-export JSON Lines ([`json_records`]).

pub mod cell;
mod chunks;
pub mod csv_split;
pub mod error;
pub mod json_records;
pub mod json_row;
pub mod json_scan;
pub mod parallel;
pub mod portal_csv;
pub mod progress;
pub mod rest_json;
pub mod rows;
pub mod span;
pub mod window;

pub use crate::threads::{Threads, set_threads};
pub use error::{LoadError, LoadErrorKind, Warning, Warnings};
pub use parallel::LoadOptions;
pub use progress::Progress;

use crate::store::Batch;
use cell::NullText;
use json_scan::JsonScan;
use progress::Control;
use rows::RowSink;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The export shapes vmi-map reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    PortalCsv,
    RestJson,
    /// A JSON array of record objects: `az` CLI output or a plain array.
    JsonArray,
    /// One record object per line (data-export rules), or a single record object.
    JsonLines,
}

/// A loaded file, ready to merge into the store.
#[derive(Debug)]
pub struct Loaded {
    pub batch: Batch,
    pub warnings: Warnings,
    pub shape: Shape,
}

/// Loads a file from disk. `on_progress` is called now and then; returning false cancels.
/// Uses the process's thread count ([`set_threads`]).
pub fn load_path(path: &Path, on_progress: &mut dyn FnMut(Progress) -> bool) -> Result<Loaded, LoadError> {
    load_path_with(path, LoadOptions::default(), on_progress)
}

/// Loads several files at once, each on the threads left (a big file's chunks and the other
/// files share one pool); the results are in the order of `paths`.
pub fn load_paths(paths: &[PathBuf], options: LoadOptions) -> Vec<Result<Loaded, LoadError>> {
    use rayon::prelude::*;
    let load = |path: &PathBuf| load_path_with(path, options, &mut |_| true);
    if options.threads.is_serial() {
        // One thread means one: a parallel iterator here would run on rayon's global pool.
        return paths.iter().map(load).collect();
    }
    options.threads.install(|| paths.par_iter().map(load).collect())
}

/// [`load_path`] with its own thread count and chunk size.
pub fn load_path_with(
    path: &Path,
    options: LoadOptions,
    on_progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<Loaded, LoadError> {
    let source = path.display().to_string();
    // Checked before opening: opening a FIFO for reading waits for a writer, forever.
    let kind = std::fs::metadata(path)
        .map_err(|e| LoadError::new(&source, LoadErrorKind::Io, format!("cannot open the file: {e}")))?
        .file_type();
    if kind.is_dir() {
        return Err(LoadError::new(&source, LoadErrorKind::Io, "is a folder, not a file"));
    }
    if !kind.is_file() {
        return Err(LoadError::new(
            &source,
            LoadErrorKind::Io,
            "is not a regular file (a pipe, socket or device): save the export to a file and open that",
        ));
    }
    let file = std::fs::File::open(path)
        .map_err(|e| LoadError::new(&source, LoadErrorKind::Io, format!("cannot open the file: {e}")))?;
    let total = file.metadata().map_or(0, |m| m.len());
    load_reader_with(&source, file, total, options, on_progress)
}

/// Loads records held in memory (the bundled sample, a test's text).
pub fn load_bytes(source: &str, bytes: &[u8]) -> Result<Loaded, LoadError> {
    load_reader(source, bytes, bytes.len() as u64, &mut |_| true)
}

/// Loads from any reader; `source` names the file in messages and may name its table.
/// Uses the process's thread count ([`set_threads`]).
pub fn load_reader(
    source: &str,
    reader: impl Read,
    bytes_total: u64,
    on_progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<Loaded, LoadError> {
    load_reader_with(source, reader, bytes_total, LoadOptions::default(), on_progress)
}

/// [`load_reader`] with its own thread count and chunk size. Portal CSV and JSON Lines
/// bigger than a chunk are parsed on that many threads ([`parallel`]); the result is the
/// same whatever the count.
pub fn load_reader_with(
    source: &str,
    reader: impl Read,
    bytes_total: u64,
    options: LoadOptions,
    on_progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<Loaded, LoadError> {
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let shape = detect(source, &mut reader)?;
    // The splitters read into windows of their own: past the bytes detection looked at,
    // a buffer in between would only copy every byte once more.
    let head = std::io::Cursor::new(reader.buffer().to_vec());
    let mut reader = head.chain(reader.into_inner());
    let mut control = Control::new(bytes_total, on_progress);
    let mut sink = RowSink::new(source, NullText::EmptyOnly);
    // A file that fits in one chunk has nothing to share out.
    let parallel = options.shares_out(bytes_total);
    match shape {
        Shape::PortalCsv if parallel => sink = chunks::load_csv(&mut reader, sink, options, &mut control)?,
        Shape::JsonLines | Shape::JsonArray if parallel => {
            sink = chunks::load_json(&mut reader, sink, options, &mut control, shape)?;
        }
        Shape::PortalCsv => portal_csv::load(&mut reader, &mut sink, &mut control)?,
        Shape::RestJson | Shape::JsonArray | Shape::JsonLines => {
            let mut scan = JsonScan::new(&mut reader, source);
            match shape {
                Shape::RestJson => rest_json::load(&mut scan, &mut sink, &mut control, options)?,
                Shape::JsonArray => json_records::load_array(&mut scan, &mut sink, &mut control)?,
                _ => json_records::load_lines(&mut scan, &mut sink, &mut control).map(|_| ())?,
            }
        }
    }
    let _ = control.report(bytes_total, sink.rows_seen());
    let (mut batch, warnings) = sink.finish()?;
    batch.bytes = bytes_total;
    Ok(Loaded { batch, warnings, shape })
}

/// Looks at the start of the file (consuming only a UTF-8 BOM) and names its shape, or
/// rejects it with one clear message.
fn detect<R: Read>(source: &str, reader: &mut BufReader<R>) -> Result<Shape, LoadError> {
    let reject = |message: &str| LoadError::new(source, LoadErrorKind::NotAnExport, message);
    let head = reader
        .fill_buf()
        .map_err(|e| LoadError::new(source, LoadErrorKind::Io, format!("cannot read the file: {e}")))?;
    if head.is_empty() {
        return Err(reject("the file is empty"));
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(reject("the file is UTF-16 text; export or save it as UTF-8"));
    }
    let bom = if head.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
    let head = &head[bom..];
    let sample = &head[..head.len().min(64 * 1024)];
    let utf8_ok = match std::str::from_utf8(sample) {
        Ok(_) => true,
        // A character cut at the end of the sample is fine.
        Err(e) => e.error_len().is_none(),
    };
    // A NUL in a later row skips that row (the loaders check every row); one in the first
    // line (the header, or UTF-16 text without its mark) means binary data.
    let first_line = &sample[..memchr::memchr(b'\n', sample).unwrap_or(sample.len())];
    if memchr::memchr(0, first_line).is_some() || !utf8_ok {
        return Err(reject("binary data, not a CSV or JSON export of VM Insights map records"));
    }
    let first = sample.iter().position(|b| !b.is_ascii_whitespace());
    let shape = match first.map(|i| (i, sample[i])) {
        None => return Err(reject("the file holds only white space")),
        Some((i, b'{')) => {
            if first_key(&sample[i + 1..]) == Some("tables") {
                Shape::RestJson
            } else {
                Shape::JsonLines
            }
        }
        Some((_, b'[')) => Shape::JsonArray,
        Some(_) => Shape::PortalCsv,
    };
    reader.consume(bom);
    Ok(shape)
}

/// The first key of an object whose `{` came just before `bytes`, when it has no escapes.
fn first_key(bytes: &[u8]) -> Option<&str> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = bytes.get(start..)?.strip_prefix(b"\"")?;
    let end = memchr::memchr(b'"', rest)?;
    std::str::from_utf8(&rest[..end]).ok()
}

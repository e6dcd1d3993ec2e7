//! The shape-independent half of loading: maps a file's column names onto the schema,
//! finds each row's table, types each value and appends the row to the batch.

use super::cell::{NullText, Value, leading_digits, split_sign, to_cell};
use super::error::{LoadError, LoadErrorKind, Warning, Warnings, excerpt};
use super::progress::Control;
use super::span::{RawRow, RawValue, same_bytes};
use crate::model::{ColType, TableKind, time::TICKS_PER_SEC};
use crate::store::{Batch, Cell, Interner, Sym, Table};
use std::collections::{BTreeMap, HashMap};

mod merge;

/// Rows read before the tables are sized for the whole file.
const SAMPLE_ROWS: u64 = 4096;

/// Where one header column's values go in a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Column(usize, ColType, Bound),
    Extra(usize),
    /// `Type` and the `az` CLI's `TableName`: they say which table, they are not data.
    Skip,
}

/// Where a row starts, for warnings: CSV names the field, JSON the character column of the record.
#[derive(Clone, Copy, Debug)]
pub struct RowPosition {
    pub line: u64,
    pub record_column: Option<u64>,
}

/// The most columns a file may have (the four tables have at most 60): a cap that keeps
/// column handling bounded on files that are not exports at all.
pub const MAX_COLUMNS: usize = 4096;

pub struct RowSink {
    pub batch: Batch,
    pub warnings: Warnings,
    null_text: NullText,
    path_table: Option<TableKind>,
    file_table: Option<TableKind>,
    /// Header names without their time-zone suffix, and as written (to match JSON keys).
    names: Vec<String>,
    raw_names: Vec<Box<[u8]>>,
    by_raw_name: HashMap<Box<[u8]>, usize>,
    /// UTC offset of each column's times, from a `[UTC+02:00]` header suffix.
    offsets: Vec<i64>,
    type_column: Option<usize>,
    /// Per table, where each header column goes (grown as JSON records bring new keys).
    targets: [Vec<Target>; 4],
    unknown_tables: BTreeMap<String, usize>,
    rows_seen: u64,
    first_problem: Option<Warning>,
    memo: Vec<Memo>,
    last_type: Option<(Vec<u8>, TableKind)>,
    /// Rows a chunk of the file is expected to hold, to size the tables of its forks.
    chunk_rows: usize,
}

impl RowSink {
    pub fn new(source: &str, null_text: NullText) -> Self {
        RowSink {
            batch: Batch::new(source),
            warnings: Warnings::default(),
            null_text,
            path_table: TableKind::from_path(source),
            file_table: None,
            names: Vec::new(),
            raw_names: Vec::new(),
            by_raw_name: HashMap::new(),
            offsets: Vec::new(),
            type_column: None,
            targets: Default::default(),
            unknown_tables: BTreeMap::new(),
            rows_seen: 0,
            first_problem: None,
            memo: Vec::new(),
            last_type: None,
            chunk_rows: 0,
        }
    }

    pub fn set_null_text(&mut self, null_text: NullText) {
        self.null_text = null_text;
    }

    pub fn source(&self) -> &str {
        &self.batch.source
    }

    pub fn rows_seen(&self) -> u64 {
        self.rows_seen
    }

    pub fn has_header(&self) -> bool {
        !self.names.is_empty()
    }

    /// Starts a table of a multi-table file (a REST response): its rows' table comes from
    /// its own name when that is one of the four, else from its own columns, never from
    /// the table before it.
    pub fn begin_table(&mut self, name: Option<&str>) {
        self.file_table = name.and_then(TableKind::from_name);
    }

    /// Sets the column names of the rows that follow (the header, on `line`) and decides
    /// their table when the rows carry no `Type`: from the file name, else from which
    /// table's columns they are, provided the identity columns (`Machine` or `Computer`, and
    /// `TimeGenerated`) are there too. A name given twice is warned about; the first stands.
    pub fn set_header<'a>(&mut self, names: impl Iterator<Item = &'a str>, line: u64) -> Result<(), LoadError> {
        self.names.clear();
        self.raw_names.clear();
        self.by_raw_name.clear();
        self.offsets.clear();
        self.type_column = None;
        self.targets = Default::default();
        self.memo.clear();
        self.last_type = None;
        let mut twice = Vec::new();
        for name in names {
            if self.names.len() == MAX_COLUMNS {
                return Err(LoadError::new(
                    self.source(),
                    LoadErrorKind::NotAnExport,
                    format!(
                        "the header on line {line} has more than {MAX_COLUMNS} columns: not a VM Insights map \
                         export (its tables have at most 60)"
                    ),
                ));
            }
            if self.by_raw_name.contains_key(name.as_bytes()) {
                twice.push((self.names.len(), name.to_string()));
            }
            self.add_name(name.as_bytes());
        }
        for (index, name) in twice {
            let message = format!(
                "column {} (number {}) is named twice: the first one's values are used",
                excerpt(&name),
                index + 1
            );
            let warning = Warning { file: self.batch.source.clone(), line, column: index as u64 + 1, message };
            self.warnings.push(warning);
        }
        if self.file_table.is_none() {
            self.file_table = self.path_table;
        }
        if self.file_table.is_none()
            && self.type_column.is_none()
            && let Some(kind) = table_from_columns(&self.names)
        {
            let has = |name: &str| self.names.iter().any(|n| n == name);
            let mut missing = Vec::new();
            if !has("Machine") && !has("Computer") {
                missing.push("Machine or Computer");
            }
            if !has("TimeGenerated") {
                missing.push("TimeGenerated");
            }
            if !missing.is_empty() {
                return Err(LoadError::new(
                    self.source(),
                    LoadErrorKind::NotAnExport,
                    format!(
                        "not a VM Insights map export: the columns ({}) look like {} but lack {}",
                        excerpt(&self.names.join(", ")),
                        kind.name(),
                        missing.join(", ")
                    ),
                ));
            }
            self.file_table = Some(kind);
        }
        if self.type_column.is_none() && self.file_table.is_none() {
            return Err(LoadError::new(
                self.source(),
                LoadErrorKind::NotAnExport,
                format!(
                    "not a VM Insights map export: no Type column, the file name names no table \
                     (VMComputer, VMProcess, VMConnection, VMBoundPort), and the columns ({}) match none",
                    excerpt(&self.names.join(", "))
                ),
            ));
        }
        Ok(())
    }

    /// How many columns the header has.
    pub fn header_len(&self) -> usize {
        self.names.len()
    }

    fn add_name(&mut self, raw: &[u8]) -> usize {
        let (name, offset) = normalise_name(&String::from_utf8_lossy(raw));
        let index = self.names.len();
        if name == "Type" && self.type_column.is_none() {
            self.type_column = Some(index);
        }
        self.names.push(name);
        self.offsets.push(offset);
        self.raw_names.push(raw.into());
        self.by_raw_name.entry(raw.into()).or_insert(index);
        self.memo.push(Memo::default());
        index
    }

    /// The header column of a JSON record's key, added when new. Records mostly list their
    /// keys in the same order, leaving out nulls: `hint` (the column after the previous key)
    /// and the few after it are tried before the map.
    /// `None` when the key is new and the file already has [`MAX_COLUMNS`] columns.
    pub fn key_column(&mut self, key: &[u8], hint: usize) -> Option<usize> {
        for i in hint..(hint + 4).min(self.raw_names.len()) {
            if same_bytes(&self.raw_names[i], key) {
                return Some(i);
            }
        }
        match self.by_raw_name.get(key) {
            Some(&i) => Some(i),
            None if self.names.len() >= MAX_COLUMNS => None,
            None => Some(self.add_name(key)),
        }
    }

    /// Where each header column goes in a table, computed for columns not seen before.
    fn targets_for(&mut self, kind: TableKind) {
        let k = kind.index();
        let table = &mut self.batch.tables[k];
        let known = self.targets[k].len();
        for name in &self.names[known..] {
            let target = match name.as_str() {
                "Type" | "TableName" => Target::Skip,
                _ => match schema_index(kind, name) {
                    Some(i) => Target::Column(i, kind.columns()[i].ty, Bound::of(name)),
                    None => Target::Extra(table.extra_index(name)),
                },
            };
            self.targets[k].push(target);
        }
    }

    fn warn(&mut self, position: RowPosition, field: usize, message: String) {
        let warning = Warning {
            file: self.batch.source.clone(),
            line: position.line,
            column: position.record_column.unwrap_or(field as u64 + 1),
            message,
        };
        if self.first_problem.is_none() {
            self.first_problem = Some(warning.clone());
        }
        self.warnings.push(warning);
    }

    /// Types and appends one row. A bad value skips the row with a warning.
    pub fn push_row(&mut self, row: RawRow<'_>, position: RowPosition) {
        self.rows_seen += 1;
        let type_value = self.type_column.and_then(|t| {
            let is_type = |raw: &&RawValue| raw.column as usize == t;
            // Positional rows hold their values in column order, nulls perhaps left out: the
            // Type value is at `t` or a little before it. Records may order keys any way.
            let before = &row.values[..row.values.len().min(t + 1)];
            before.iter().rev().find(is_type).or_else(|| row.values.iter().find(is_type)).map(|&raw| row.value(raw))
        });
        let kind = match self.row_table(type_value) {
            Ok(kind) => kind,
            Err(type_name) => {
                *self.unknown_tables.entry(type_name.clone()).or_insert(0) += 1;
                let field = self.type_column.unwrap_or(0);
                let message =
                    format!("row of table {:?}, which is not a VM Insights map table: skipped", excerpt(&type_name));
                self.warn(position, field, message);
                return;
            }
        };
        if self.targets[kind.index()].len() < self.names.len() {
            self.targets_for(kind);
        }
        // Only positional rows (CSV, REST) can run past the header.
        if row.width > self.names.len() {
            let message =
                format!("row has {} values but the header has {} columns: skipped", row.width, self.names.len());
            self.warn(position, self.names.len(), message);
            return;
        }
        let Self { batch, targets, memo, offsets, null_text, .. } = self;
        let mut decoder = Decoder {
            table: &mut batch.tables[kind.index()],
            interner: &mut batch.interner,
            memo,
            offsets,
            null_text: *null_text,
        };
        let targets = &targets[kind.index()];
        let row_index = decoder.table.len();
        for &raw in row.values {
            if raw.is_null() {
                continue;
            }
            let (field, value) = (raw.column as usize, row.value(raw));
            // Every column of the row has a target (checked above).
            let target = targets.get(field).copied().unwrap_or(Target::Skip);
            if let Err(reason) = decoder.push(target, field, value, row_index) {
                decoder.table.abandon_row();
                let name = self.names.get(field).cloned().unwrap_or_default();
                let message = format!("column {name}: {reason}: {:?}; row skipped", excerpt(&value.text()));
                let position = value_position(position, raw, &row);
                self.warn(position, field, message);
                return;
            }
        }
        decoder.table.end_row();
    }

    /// Called by every loader after each row, with the bytes of the file done so far: sizes
    /// the tables once a sample of rows tells how many the file holds, and reports progress.
    /// `Err` when the caller cancelled.
    pub fn after_row(&mut self, bytes_done: u64, control: &mut Control<'_>) -> Result<(), LoadError> {
        if self.rows_seen == SAMPLE_ROWS {
            self.expect_rows(bytes_done, control.bytes_total());
        }
        control
            .tick(bytes_done, self.rows_seen)
            .map_err(|_| LoadError::new(self.source(), LoadErrorKind::Cancelled, "loading cancelled"))
    }

    /// Sizes the tables for the rows a file of `bytes_total` bytes holds, from the rows seen in
    /// its first `bytes_done`.
    fn expect_rows(&mut self, bytes_done: u64, bytes_total: u64) {
        if bytes_done == 0 || bytes_total <= bytes_done {
            return;
        }
        let expected = (self.rows_seen as f64 * bytes_total as f64 / bytes_done as f64 * 1.05) as usize;
        for kind in TableKind::ALL {
            let table = self.batch.table_mut(kind);
            if !table.is_empty() {
                // Each table gets its share of the rows seen so far.
                let share = table.len() as f64 / self.rows_seen.max(1) as f64;
                table.reserve_total((expected as f64 * share) as usize);
            }
        }
    }

    /// Counts a row that could not be read at all (not valid JSON, a NUL byte, a broken
    /// quote), with a warning at the bad byte's own line and column.
    pub fn skip_row(&mut self, line: u64, column: u64, message: String) {
        self.rows_seen += 1;
        let warning = Warning { file: self.batch.source.clone(), line, column, message };
        if self.first_problem.is_none() {
            self.first_problem = Some(warning.clone());
        }
        self.warnings.push(warning);
    }

    /// Counts a row that could not even be split into values, with a warning.
    pub fn push_invalid_row(&mut self, position: RowPosition, field: usize, reason: &str) {
        self.rows_seen += 1;
        let name = self.names.get(field).cloned().unwrap_or_default();
        self.warn(position, field, format!("column {name}: the value {reason}; row skipped"));
    }

    /// The row's table from its `Type` value, else the file's. `Err` names an unknown table.
    fn row_table(&mut self, type_value: Option<Value<'_>>) -> Result<TableKind, String> {
        let bytes: &[u8] = match type_value {
            Some(Value::Text(bytes)) => bytes,
            _ => b"",
        };
        // Union exports repeat a handful of Type values: remember the last one.
        if let Some((last, kind)) = &self.last_type
            && same_bytes(last, bytes)
        {
            return Ok(*kind);
        }
        let text = String::from_utf8_lossy(bytes);
        let type_value = text.trim();
        if type_value.is_empty() || type_value == "None" {
            return self.file_table.ok_or_else(|| "(empty Type)".to_string());
        }
        let kind = TableKind::from_name(type_value).ok_or_else(|| type_value.to_string())?;
        self.last_type = Some((bytes.to_vec(), kind));
        Ok(kind)
    }

    /// Adds a warning about the file as a whole.
    pub fn note(&mut self, line: u64, message: impl Into<String>) {
        let warning = Warning { file: self.batch.source.clone(), line, column: 1, message: message.into() };
        self.warnings.push(warning);
    }

    /// The batch, or an error when the file had rows and none of them could be loaded.
    pub fn finish(mut self) -> Result<(Batch, Warnings), LoadError> {
        if self.batch.rows() > 0 {
            return Ok((self.batch, self.warnings));
        }
        if self.rows_seen == 0 {
            self.note(1, "the file has a header but no records");
            return Ok((self.batch, self.warnings));
        }
        let skipped: u64 = self.unknown_tables.values().map(|&n| n as u64).sum();
        if skipped == self.rows_seen {
            let tables: Vec<String> = self.unknown_tables.iter().map(|(t, n)| format!("{t} ({n} rows)")).collect();
            return Err(LoadError::new(
                self.source(),
                LoadErrorKind::NotAnExport,
                format!(
                    "holds no VM Insights map records (VMComputer, VMProcess, VMConnection, VMBoundPort); its rows are of {}",
                    excerpt(&tables.join(", "))
                ),
            ));
        }
        let first = self.first_problem.take();
        let mut error = LoadError::new(
            self.source(),
            LoadErrorKind::Malformed,
            format!(
                "none of its {} rows could be read; first problem: {}",
                self.rows_seen,
                first.as_ref().map_or_else(String::new, |w| w.message.clone())
            ),
        );
        if let Some(w) = first {
            error = error.at(w.line, w.column);
        }
        Err(error)
    }
}

/// A JSON value's own line and column (a record's position is where it starts), when its
/// bytes are in the window the row was scanned from; else the record's.
fn value_position(position: RowPosition, raw: RawValue, row: &RawRow<'_>) -> RowPosition {
    let (Some(record_column), Some(at)) = (position.record_column, raw.span.window_start(raw.kind)) else {
        return position;
    };
    let Some(before) = row.window.get(..at) else { return position };
    let chars = |bytes: &[u8]| bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u64;
    match memchr::memrchr(b'\n', before) {
        None => RowPosition { line: position.line, record_column: Some(record_column + chars(before)) },
        Some(last) => RowPosition {
            line: position.line + memchr::memchr_iter(b'\n', before).count() as u64,
            record_column: Some(chars(&before[last + 1..]) + 1),
        },
    }
}

/// The values an integer column may hold: counters (bytes, links, responses, response
/// times) are never negative, so their sums can only grow; ports fit 16 bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bound {
    Any,
    Counter,
    Port,
}

impl Bound {
    fn of(name: &str) -> Bound {
        match name {
            "Port" | "DestinationPort" | "SourcePort" => Bound::Port,
            _ if ["Bytes", "Links", "Responses", "ResponseTime"].iter().any(|p| name.starts_with(p)) => Bound::Counter,
            _ => Bound::Any,
        }
    }

    #[inline(always)]
    fn check(self, v: i64) -> Result<(), String> {
        match self {
            Bound::Any => Ok(()),
            Bound::Counter if v < 0 => Err("a counter cannot be negative".to_string()),
            Bound::Port if !(0..=65_535).contains(&v) => Err("a port is a number from 0 to 65535".to_string()),
            Bound::Counter | Bound::Port => Ok(()),
        }
    }
}

/// Types one row's values straight into the columns of its table.
struct Decoder<'s> {
    table: &'s mut Table,
    interner: &'s mut Interner,
    memo: &'s mut [Memo],
    offsets: &'s [i64],
    null_text: NullText,
}

impl Decoder<'_> {
    fn push(&mut self, target: Target, field: usize, value: Value<'_>, row: usize) -> Result<(), String> {
        // Empty is null whatever the column (a third of a connection row's fields), and a
        // column gets null on every row it was given no value (`Table::end_row`).
        if matches!(value, Value::Text(b"") | Value::Null) {
            return Ok(());
        }
        let (column, ty, bound) = match target {
            Target::Skip => return Ok(()),
            Target::Column(i, ty, bound) => (&mut self.table.columns[i], ty, bound),
            Target::Extra(i) => match self.table.extras.get_mut(i) {
                Some((_, column)) => (column, ColType::Str, Bound::Any),
                None => return Ok(()),
            },
        };
        // A key given twice in one record: the first value (nulls aside) stands.
        if column.len() > row {
            return Ok(());
        }
        column.pad_to(row);
        let memo = &mut self.memo[field];
        match (ty, value) {
            // Metrics differ row to row: JSON rows bring them parsed, CSV as plain digits that are
            // parsed here; no memo.
            (ColType::Int, Value::Int(v)) => {
                bound.check(v)?;
                column.push_int(v);
                return Ok(());
            }
            (ColType::Int, Value::Number(bytes) | Value::Text(bytes)) if let Some(v) = parse_plain_int(bytes) => {
                bound.check(v)?;
                column.push_int(v);
                return Ok(());
            }
            // Exports repeat values down a column (the computer, the process, the minute):
            // a repeat of the previous row's text costs a comparison, not a parse or a hash.
            (ColType::Str | ColType::Dynamic, Value::Text(bytes) | Value::Json(bytes)) => {
                let slot = &mut memo.recent[recent_slot(bytes)];
                // The empty slot's text never equals these bytes, which are not empty.
                let sym = if same_bytes(self.interner.resolve_bytes(*slot), bytes) {
                    *slot
                } else if self.null_text.is_null(bytes, ColType::Str) {
                    Sym::EMPTY
                } else {
                    *slot = self.interner.intern_bytes(bytes).ok_or("not UTF-8 text")?;
                    *slot
                };
                column.push_sym(sym);
                return Ok(());
            }
            // Coordinates: a short decimal, JSON number or text, is converted exactly with one
            // division, no text parse.
            (ColType::Real, Value::Number(bytes) | Value::Text(bytes)) if let Some(v) = parse_short_decimal(bytes) => {
                column.push_real(v);
                return Ok(());
            }
            (ColType::Time | ColType::Real | ColType::Bool, Value::Text(bytes) | Value::Number(bytes))
                if memo.bytes_cell.is_some() && same_bytes(&memo.bytes, bytes) =>
            {
                column.push(memo.bytes_cell.unwrap_or_default());
                return Ok(());
            }
            _ => {}
        }
        let offset = self.offsets.get(field).copied().unwrap_or(0);
        let cell = to_cell(value, ty, self.null_text, offset, self.interner)?;
        if let crate::store::Cell::Int(v) = cell {
            bound.check(v)?;
        }
        column.push(cell);
        match (cell, value) {
            (_, Value::Text(bytes) | Value::Number(bytes))
                if matches!(ty, ColType::Time | ColType::Real | ColType::Bool) =>
            {
                memo.bytes.clear();
                memo.bytes.extend_from_slice(bytes);
                memo.bytes_cell = Some(cell);
            }
            _ => {}
        }
        Ok(())
    }
}

/// `37.751` or `-97.822`: at most 15 digits, no exponent, else `None` and the general
/// conversion handles it. The digits and the power of ten are exact doubles, so their
/// quotient is the correctly rounded value, the same double the general conversion gives.
fn parse_short_decimal(bytes: &[u8]) -> Option<f64> {
    let (negative, text) = split_sign(bytes);
    let (whole, whole_digits) = leading_digits(text);
    let (fraction, places) = match &text[whole_digits..] {
        [] => (0, 0),
        [b'.', rest @ ..] => match leading_digits(rest) {
            (fraction, places) if places == rest.len() && places > 0 => (fraction, places),
            _ => return None,
        },
        _ => return None,
    };
    if whole_digits == 0 || whole_digits + places > 15 {
        return None;
    }
    let scale = 10u64.pow(places as u32);
    let value = (whole * scale + fraction) as f64 / scale as f64;
    Some(if negative { -value } else { value })
}

/// `123` or `-45` with nothing around it (the common case of a metric), else `None` and the
/// general conversion handles it.
fn parse_plain_int(bytes: &[u8]) -> Option<i64> {
    let (negative, text) = split_sign(bytes);
    let (value, digits) = leading_digits(text);
    let value = value as i64;
    (digits == text.len() && (1..=18).contains(&digits)).then_some(if negative { -value } else { value })
}

/// What a header column's recent values gave. String columns keep [`RECENT`] recent
/// symbols, found by a hash of the text's length and ends: an estate's machines, processes
/// and addresses recur row after row, and finding one here costs a comparison, not a hash of
/// the whole text and a probe of the interner. Times, numbers and bools keep the previous
/// text and its cell (exports repeat the minute down the rows).
struct Memo {
    recent: [Sym; RECENT],
    bytes: Vec<u8>,
    bytes_cell: Option<Cell>,
}

const RECENT: usize = 1024;

impl Default for Memo {
    fn default() -> Self {
        Memo { recent: [Sym::EMPTY; RECENT], bytes: Vec::new(), bytes_cell: None }
    }
}

/// The slot of [`Memo::recent`] for a text: a hash of its length and first and last 8 bytes
/// (texts of one column mostly differ at an end: ids, addresses, host names).
fn recent_slot(bytes: &[u8]) -> usize {
    let n = bytes.len();
    let (head, tail) = match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        (Some(head), Some(tail)) => (u64::from_le_bytes(*head), u64::from_le_bytes(*tail)),
        _ => {
            let word = bytes.iter().fold(0u64, |w, &x| w << 8 | u64::from(x));
            (word, word)
        }
    };
    let mixed = (head ^ tail.rotate_left(29) ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> (64 - RECENT.trailing_zeros())) as usize
}

/// `TimeGenerated [UTC]` -> (`TimeGenerated`, 0); `StartTime [UTC+02:00]` -> offset of 2 h;
/// a BOM or stray spaces around the name are dropped.
fn normalise_name(raw: &str) -> (String, i64) {
    let name = raw.trim_start_matches('\u{feff}').trim();
    let Some(open) = name.rfind(" [").filter(|_| name.ends_with(']')) else {
        return (name.to_string(), 0);
    };
    let suffix = &name[open + 2..name.len() - 1];
    let offset = suffix
        .strip_prefix("UTC")
        .and_then(|rest| {
            if rest.is_empty() {
                return Some(0);
            }
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (h, m) = rest[1..].split_once(':').unwrap_or((&rest[1..], "0"));
            let (h, m) = (h.parse::<i64>().ok()?, m.parse::<i64>().ok()?);
            // Real offsets lie within ±14:00; `+99:99` is no offset (and must not overflow).
            if !(0..=14).contains(&h) || !(0..=59).contains(&m) {
                return None;
            }
            Some(sign * (h * 3600 + m * 60) * TICKS_PER_SEC)
        })
        .unwrap_or(0);
    (name[..open].trim_end().to_string(), offset)
}

/// The schema column a header name stands for: exact, then ignoring case, then the legacy
/// Service Map custom-log names (`Ipv4Addresses_s`, `ResourceName_s`, `AzureVMSize_s`).
fn schema_index(kind: TableKind, name: &str) -> Option<usize> {
    let columns = kind.columns();
    let find = |n: &str| {
        columns.iter().position(|c| c.name == n).or_else(|| columns.iter().position(|c| c.name.eq_ignore_ascii_case(n)))
    };
    if let Some(i) = find(name) {
        return Some(i);
    }
    let base = ["_s", "_d", "_b", "_t", "_g"].iter().find_map(|s| name.strip_suffix(s))?;
    let renamed = match base {
        "ResourceName" => "Machine",
        "ComputerName" => "Computer",
        "AzureVMSize" => "AzureSize",
        other => other,
    };
    find(renamed)
}

/// The table whose own columns (those no other table has) the header holds most of.
fn table_from_columns(names: &[String]) -> Option<TableKind> {
    let own_columns = |kind: TableKind| {
        names
            .iter()
            .filter(|name| {
                kind.columns().iter().any(|c| c.name == name.as_str())
                    && TableKind::ALL
                        .iter()
                        .filter(|&&other| other != kind)
                        .all(|other| !other.columns().iter().any(|c| c.name == name.as_str()))
            })
            .count()
    };
    let mut scores: Vec<(usize, TableKind)> = TableKind::ALL.iter().map(|&k| (own_columns(k), k)).collect();
    scores.sort_by_key(|s| std::cmp::Reverse(s.0));
    match scores.as_slice() {
        [(best, kind), (second, _), ..] if *best > 0 && best > second => Some(*kind),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_decimals_give_the_same_double_as_the_general_conversion() {
        // The crate's one seeded generator (the layout's): any sequence will do, the same each run.
        let mut rng = crate::layout::rng::SplitMix64::new(0x2545_f491_4f6c_dd1d);
        let mut next = || rng.next_u64();
        for _ in 0..200_000 {
            let (whole, places) = (next() % 100_000_000, (next() % 8) as usize);
            let sign = if next() % 2 == 0 { "-" } else { "" };
            let digits = format!("{whole:0>width$}", width = places + 1);
            let (int, frac) = digits.split_at(digits.len() - places);
            let text = if places == 0 { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") };
            let expected: f64 = text.parse().unwrap_or(f64::NAN);
            assert_eq!(parse_short_decimal(text.as_bytes()).map(f64::to_bits), Some(expected.to_bits()), "{text}");
        }
        for text in ["1e3", "1.", ".5", "-", "", "1.2.3", "1234567890123456", "+1", "0x1"] {
            assert_eq!(parse_short_decimal(text.as_bytes()), None, "{text}");
        }
        assert_eq!(parse_short_decimal(b"123456789012.345"), Some(123_456_789_012.345));
    }

    #[test]
    fn header_names_lose_their_time_zone_suffix() {
        assert_eq!(normalise_name("TimeGenerated [UTC]"), ("TimeGenerated".to_string(), 0));
        assert_eq!(normalise_name("\u{feff}Computer"), ("Computer".to_string(), 0));
        assert_eq!(normalise_name("StartTime [UTC+02:00]").1, 2 * 3600 * TICKS_PER_SEC);
        assert_eq!(normalise_name("StartTime [UTC-5]").1, -5 * 3600 * TICKS_PER_SEC);
    }

    #[test]
    fn tables_are_told_apart_by_their_own_columns() {
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            table_from_columns(&names(&["TimeGenerated", "RemoteIp", "Direction"])),
            Some(TableKind::VMConnection)
        );
        assert_eq!(table_from_columns(&names(&["Ip", "Port", "IsWildcardBind"])), Some(TableKind::VMBoundPort));
        assert_eq!(table_from_columns(&names(&["CommandLine", "Machine"])), Some(TableKind::VMProcess));
        assert_eq!(table_from_columns(&names(&["Ipv4Addresses", "BootTime"])), Some(TableKind::VMComputer));
        assert_eq!(table_from_columns(&names(&["TimeGenerated", "Computer"])), None);
        assert_eq!(
            schema_index(TableKind::VMComputer, "Ipv4Addresses_s"),
            Some(crate::model::schema::computer::IPV4_ADDRESSES)
        );
    }
}

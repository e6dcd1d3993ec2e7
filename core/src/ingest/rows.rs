//! The shape-independent half of loading: maps a file's column names onto the schema,
//! finds each row's table, types each value and appends the row to the batch.

use super::cell::{NullText, Raw, to_cell};
use super::csv_split::Record;
use super::error::{LoadError, LoadErrorKind, Warning, Warnings, excerpt};
use crate::model::{ColType, TableKind, time::TICKS_PER_SEC};
use crate::store::{Batch, Cell};
use std::collections::BTreeMap;

/// Where one header column's values go in a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Column(usize),
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

pub struct RowSink {
    pub batch: Batch,
    pub warnings: Warnings,
    null_text: NullText,
    path_table: Option<TableKind>,
    file_table: Option<TableKind>,
    names: Vec<String>,
    /// UTC offset of each column's times, from a `[UTC+02:00]` header suffix.
    offsets: Vec<i64>,
    type_column: Option<usize>,
    targets: [Option<Vec<Target>>; 4],
    cells: Vec<Cell>,
    extras: Vec<(usize, Cell)>,
    unknown_tables: BTreeMap<String, usize>,
    rows_seen: u64,
    first_problem: Option<Warning>,
    memo: Vec<Memo>,
    last_type: Option<(Vec<u8>, TableKind)>,
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
            offsets: Vec::new(),
            type_column: None,
            targets: Default::default(),
            cells: Vec::new(),
            extras: Vec::new(),
            unknown_tables: BTreeMap::new(),
            rows_seen: 0,
            first_problem: None,
            memo: Vec::new(),
            last_type: None,
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

    /// True when `names` is the header already in use (JSON objects repeat their keys per row).
    pub fn same_header<'a>(&self, names: impl ExactSizeIterator<Item = &'a str>) -> bool {
        names.len() == self.names.len() && names.zip(&self.names).all(|(a, b)| normalise_name(a).0 == *b)
    }

    /// Sets the column names of the rows that follow and decides their table when the rows
    /// carry no `Type`: from the file name, else from which table's columns they are.
    pub fn set_header<'a>(&mut self, names: impl Iterator<Item = &'a str>) -> Result<(), LoadError> {
        let (names, offsets): (Vec<String>, Vec<i64>) = names.map(normalise_name).unzip();
        self.type_column = names.iter().position(|n| n == "Type");
        self.names = names;
        self.offsets = offsets;
        self.targets = Default::default();
        self.memo.clear();
        self.last_type = None;
        if self.file_table.is_none() {
            self.file_table = self.path_table.or_else(|| table_from_columns(&self.names));
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

    /// Computes (once per header and table) where each header column goes.
    fn targets_for(&mut self, kind: TableKind) {
        let k = kind.index();
        if self.targets[k].is_none() {
            let table = self.batch.table_mut(kind);
            let targets = self
                .names
                .iter()
                .map(|name| match name.as_str() {
                    "Type" | "TableName" => Target::Skip,
                    _ => match schema_index(kind, name) {
                        Some(i) => Target::Column(i),
                        None => Target::Extra(table.extra_index(name)),
                    },
                })
                .collect();
            self.targets[k] = Some(targets);
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

    /// Types and appends one row of JSON values lined up with the header. A bad value skips
    /// the row with a warning.
    pub fn push_row(&mut self, values: &[Raw<'_>], position: RowPosition) {
        self.push_fields(values.len(), |i| Field::Value(&values[i]), position);
    }

    /// Types and appends one CSV record lined up with the header.
    pub fn push_record(&mut self, record: &Record, position: RowPosition) {
        self.push_fields(record.len(), |i| Field::Bytes(record.field(i)), position);
    }

    fn push_fields<'v>(&mut self, count: usize, field_at: impl Fn(usize) -> Field<'v>, position: RowPosition) {
        self.rows_seen += 1;
        let type_field = self.type_column.filter(|&i| i < count).map(&field_at);
        let kind = match self.row_table(type_field) {
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
        if count > self.names.len() {
            let message = format!("row has {count} values but the header has {} columns: skipped", self.names.len());
            self.warn(position, self.names.len(), message);
            return;
        }
        let columns = kind.columns();
        let mut cells = std::mem::take(&mut self.cells);
        let mut extras = std::mem::take(&mut self.extras);
        cells.clear();
        cells.resize(columns.len(), Cell::Null);
        extras.clear();
        let mut problem = None;
        self.targets_for(kind);
        // Taken out for the loop (it needs `self` mutably) and put back after it.
        let targets = self.targets[kind.index()].take().unwrap_or_default();
        for (field, target) in targets.iter().enumerate().take(count) {
            let ty = match target {
                Target::Skip => continue,
                Target::Column(i) => columns[*i].ty,
                Target::Extra(_) => ColType::Str,
            };
            match self.convert(field, ty, field_at(field)) {
                Ok(cell) => match target {
                    Target::Column(i) => cells[*i] = cell,
                    Target::Extra(i) => extras.push((*i, cell)),
                    Target::Skip => {}
                },
                Err(reason) => {
                    problem = Some((field, reason));
                    break;
                }
            }
        }
        self.targets[kind.index()] = Some(targets);
        match problem {
            None => self.batch.table_mut(kind).push_row(&cells, &extras),
            Some((field, reason)) => {
                let name = self.names.get(field).cloned().unwrap_or_default();
                let value = field_at(field).text();
                self.warn(position, field, format!("column {name}: {reason}: {:?}; row skipped", excerpt(&value)));
            }
        }
        self.cells = cells;
        self.extras = extras;
    }

    /// One value to its column's type. Exports repeat values down a column (the tenant, the
    /// computer, the minute), so the last text seen in each column and its cell are kept:
    /// a repeat costs a comparison, not a parse or a hash.
    fn convert(&mut self, field: usize, ty: ColType, value: Field<'_>) -> Result<Cell, String> {
        let bytes = match value {
            Field::Bytes(bytes) => Some(bytes),
            Field::Value(Raw::Text(text)) => Some(text.as_bytes()),
            Field::Value(_) => None,
        };
        if ty == ColType::Int {
            // Metrics differ row to row: parse plain digits directly, no memo, no UTF-8 pass.
            if let Some(value) = bytes.and_then(parse_plain_int) {
                return Ok(Cell::Int(value));
            }
        }
        if self.memo.len() <= field {
            self.memo.resize_with(field + 1, Memo::default);
        }
        if let Some(bytes) = bytes.filter(|_| ty != ColType::Int) {
            let memo = &self.memo[field];
            if memo.ty == Some(ty) && memo.text == bytes {
                return Ok(memo.cell);
            }
        }
        let offset = self.offsets.get(field).copied().unwrap_or(0);
        let cell = match value {
            Field::Bytes(bytes) => {
                let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
                to_cell(
                    &Raw::Text(std::borrow::Cow::Borrowed(text)),
                    ty,
                    self.null_text,
                    offset,
                    &mut self.batch.interner,
                )?
            }
            Field::Value(raw) => to_cell(raw, ty, self.null_text, offset, &mut self.batch.interner)?,
        };
        if let Some(bytes) = bytes.filter(|_| ty != ColType::Int) {
            let memo = &mut self.memo[field];
            memo.ty = Some(ty);
            memo.text.clear();
            memo.text.extend_from_slice(bytes);
            memo.cell = cell;
        }
        Ok(cell)
    }

    /// Sizes the tables once a sample of rows tells how many the file holds: `bytes_done` of
    /// `bytes_total` read so far.
    pub fn expect_rows(&mut self, bytes_done: u64, bytes_total: u64) {
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

    /// Counts a row that could not even be split into values, with a warning.
    pub fn push_invalid_row(&mut self, position: RowPosition, field: usize, reason: &str) {
        self.rows_seen += 1;
        let name = self.names.get(field).cloned().unwrap_or_default();
        self.warn(position, field, format!("column {name}: the value {reason}; row skipped"));
    }

    /// The row's table from its `Type` value, else the file's. `Err` names an unknown table.
    fn row_table(&mut self, type_field: Option<Field<'_>>) -> Result<TableKind, String> {
        let bytes: &[u8] = match type_field {
            Some(Field::Bytes(bytes)) => bytes,
            Some(Field::Value(Raw::Text(text))) => text.as_bytes(),
            _ => b"",
        };
        // Union exports repeat a handful of Type values: remember the last one.
        if let Some((last, kind)) = &self.last_type
            && last.as_slice() == bytes
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

/// `123` or `-45` with nothing around it (the common case of a metric), else `None` and the
/// general conversion handles it.
fn parse_plain_int(bytes: &[u8]) -> Option<i64> {
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut value: i64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(b - b'0');
    }
    Some(if negative { -value } else { value })
}

/// A value as it arrives: raw CSV bytes or a JSON value.
#[derive(Clone, Copy)]
enum Field<'a> {
    Bytes(&'a [u8]),
    Value(&'a Raw<'a>),
}

impl Field<'_> {
    fn text(self) -> String {
        match self {
            Field::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            Field::Value(raw) => raw_text(raw),
        }
    }
}

/// The last text of a column and the cell it gave.
#[derive(Default)]
struct Memo {
    ty: Option<ColType>,
    text: Vec<u8>,
    cell: Cell,
}

fn raw_text(raw: &Raw<'_>) -> String {
    match raw {
        Raw::Null => String::new(),
        Raw::Bool(b) => b.to_string(),
        Raw::Int(v) => v.to_string(),
        Raw::Real(v) => v.to_string(),
        Raw::Text(t) => t.to_string(),
        Raw::Json(j) => j.clone(),
    }
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
            Some(sign * (h.parse::<i64>().ok()? * 3600 + m.parse::<i64>().ok()? * 60) * TICKS_PER_SEC)
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

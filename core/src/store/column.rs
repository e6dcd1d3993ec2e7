//! One typed column of a table. Columns that are mostly null (malicious-IP fields, Azure
//! cloud-service fields...) hold only their values and the rows they are on; a column turns
//! into a full vector once values are common.

use super::intern::{Remap, Sym};
use crate::mix::mix64;
use crate::model::{ColType, Timestamp};
use std::sync::OnceLock;

/// Null sentinel of integer and time columns.
pub const NULL_INT: i64 = i64::MIN;
/// Bool cells: 0 false, 1 true, this for null.
pub const NULL_BOOL: u8 = 2;

/// One parsed cell, ready to be pushed into a column of the same type.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Cell {
    #[default]
    Null,
    Str(Sym),
    Int(i64),
    Real(f64),
    Bool(bool),
    Time(Timestamp),
}

#[derive(Clone, Debug)]
enum Data {
    /// The rows that have a value (ascending) and their values, of the column's type.
    Sparse(Vec<u32>, Vec<Cell>),
    Str(Vec<Sym>),
    /// Integers that have all fitted in 32 bits (most metrics): half the memory. Null is
    /// [`NULL_NARROW`]; the first value that does not fit widens the column to `Int`.
    Narrow(Vec<i32>),
    /// Times, and integers that need 64 bits.
    Int(Vec<i64>),
    Real(Vec<f64>),
    Bool(Vec<u8>),
}

const NULL_NARROW: i32 = i32::MIN;

/// The 32-bit form of an integer, when it has one.
fn narrow(value: i64) -> Option<i32> {
    i32::try_from(value).ok().filter(|&v| v != NULL_NARROW)
}

/// A sparse column turns dense once it has this many values and they are on more than one
/// row in [`DENSE_SHARE`].
const DENSE_AFTER: usize = 1024;
const DENSE_SHARE: usize = 32;

#[derive(Clone, Debug)]
pub struct Column {
    ty: ColType,
    len: usize,
    data: Data,
    /// Rows expected in all, so a column that turns dense late allocates once.
    capacity_hint: usize,
    /// A sparse column's index by blocks of [`SPARSE_BLOCK`] rows: where each block's values
    /// start among its values, so reading a row looks at its block's few values instead of
    /// searching them all (scans read every row). Built on first read, dropped by any
    /// change to the rows that have values.
    sparse_blocks: OnceLock<Vec<u32>>,
}

/// Rows per block of a sparse column's index.
const SPARSE_BLOCK: usize = 1024;

impl Column {
    pub fn new(ty: ColType) -> Self {
        Column {
            ty,
            len: 0,
            data: Data::Sparse(Vec::new(), Vec::new()),
            capacity_hint: 0,
            sparse_blocks: OnceLock::new(),
        }
    }

    pub fn ty(&self) -> ColType {
        self.ty
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when no row has a value in this column.
    pub fn is_all_null(&self) -> bool {
        match &self.data {
            Data::Sparse(_, cells) => cells.is_empty(),
            // A column made dense up front ([`Column::fresh_like`]) may have met only nulls.
            _ => (0..self.len).all(|row| self.get(row) == Cell::Null),
        }
    }

    /// An empty column of the same type for about `rows` rows, dense from the start when
    /// this one is dense or has values on at least half its rows (at least 16 of them), so
    /// the chunks of a big file skip the sparse start and the growing a column does
    /// otherwise. Only the memory layout differs: the values read the same.
    pub fn fresh_like(&self, rows: usize) -> Column {
        let dense = match &self.data {
            Data::Sparse(_, cells) => self.len >= 16 && cells.len() * 2 >= self.len,
            _ => true,
        };
        let data = match (&self.data, self.ty) {
            _ if !dense => Data::Sparse(Vec::new(), Vec::new()),
            (Data::Int(_), _) | (_, ColType::Time) => Data::Int(Vec::with_capacity(rows)),
            (_, ColType::Int) => Data::Narrow(Vec::with_capacity(rows)),
            (_, ColType::Str | ColType::Dynamic) => Data::Str(Vec::with_capacity(rows)),
            (_, ColType::Real) => Data::Real(Vec::with_capacity(rows)),
            (_, ColType::Bool) => Data::Bool(Vec::with_capacity(rows)),
        };
        Column { ty: self.ty, len: 0, data, capacity_hint: rows, sparse_blocks: OnceLock::new() }
    }

    /// Turns a sparse column into a full vector.
    fn densify(&mut self) {
        fn filled<T: Copy>(null: T, len: usize, capacity: usize, cells: &[(u32, T)]) -> Vec<T> {
            let mut v = Vec::with_capacity(capacity.max(len));
            v.resize(len, null);
            for &(row, value) in cells {
                v[row as usize] = value;
            }
            v
        }
        let Data::Sparse(rows, cells) = &self.data else {
            return;
        };
        let (len, capacity) = (self.len, self.capacity_hint);
        let pairs = rows.iter().zip(cells);
        self.data = match self.ty {
            ColType::Str | ColType::Dynamic => {
                let values: Vec<(u32, Sym)> =
                    pairs.filter_map(|(&r, c)| if let Cell::Str(s) = c { Some((r, *s)) } else { None }).collect();
                Data::Str(filled(Sym::EMPTY, len, capacity, &values))
            }
            ColType::Int | ColType::Time => {
                let values: Vec<(u32, i64)> = pairs
                    .filter_map(|(&r, c)| match c {
                        Cell::Int(v) => Some((r, *v)),
                        Cell::Time(t) => Some((r, t.0)),
                        _ => None,
                    })
                    .collect();
                let narrowed: Option<Vec<(u32, i32)>> =
                    values.iter().map(|&(r, v)| narrow(v).map(|v| (r, v))).collect();
                match narrowed.filter(|_| self.ty == ColType::Int) {
                    Some(values) => Data::Narrow(filled(NULL_NARROW, len, capacity, &values)),
                    None => Data::Int(filled(NULL_INT, len, capacity, &values)),
                }
            }
            ColType::Real => {
                let values: Vec<(u32, f64)> =
                    pairs.filter_map(|(&r, c)| if let Cell::Real(v) = c { Some((r, *v)) } else { None }).collect();
                Data::Real(filled(f64::NAN, len, capacity, &values))
            }
            ColType::Bool => {
                let values: Vec<(u32, u8)> = pairs
                    .filter_map(|(&r, c)| if let Cell::Bool(b) = c { Some((r, u8::from(*b))) } else { None })
                    .collect();
                Data::Bool(filled(NULL_BOOL, len, capacity, &values))
            }
        };
    }

    /// Makes room for `rows` rows in all (now, or when the column turns dense).
    pub fn reserve_total(&mut self, rows: usize) {
        self.capacity_hint = rows;
        let more = rows.saturating_sub(self.len);
        match &mut self.data {
            Data::Sparse(..) => {}
            Data::Str(v) => v.reserve(more),
            Data::Narrow(v) => v.reserve(more),
            Data::Int(v) => v.reserve(more),
            Data::Real(v) => v.reserve(more),
            Data::Bool(v) => v.reserve(more),
        }
    }

    /// Appends a cell; a cell of another type than the column's is stored as null
    /// (ingest converts every cell to the column's type before it gets here).
    pub fn push(&mut self, cell: Cell) {
        match cell {
            Cell::Str(s) => self.push_sym(s),
            Cell::Int(v) => self.push_int(v),
            Cell::Time(t) => self.push_int(t.0),
            Cell::Real(v) => self.push_real(v),
            Cell::Bool(b) => self.push_bool(b),
            Cell::Null => self.push_null(),
        }
    }

    pub fn push_null(&mut self) {
        self.len += 1;
        match &mut self.data {
            Data::Sparse(..) => {}
            Data::Str(v) => v.push(Sym::EMPTY),
            Data::Narrow(v) => v.push(NULL_NARROW),
            Data::Int(v) => v.push(NULL_INT),
            Data::Real(v) => v.push(f64::NAN),
            Data::Bool(v) => v.push(NULL_BOOL),
        }
    }

    /// Gives null to the rows from the column's end up to `len` (see `Table::end_row`).
    #[inline]
    pub fn pad_to(&mut self, len: usize) {
        if self.len < len {
            self.pad(len);
        }
    }

    fn pad(&mut self, len: usize) {
        match &mut self.data {
            // A sparse column holds only its values: its nulls cost nothing.
            Data::Sparse(..) => {}
            Data::Str(v) => v.resize(len, Sym::EMPTY),
            Data::Narrow(v) => v.resize(len, NULL_NARROW),
            Data::Int(v) => v.resize(len, NULL_INT),
            Data::Real(v) => v.resize(len, f64::NAN),
            Data::Bool(v) => v.resize(len, NULL_BOOL),
        }
        self.len = len;
    }

    /// Appends a value to a sparse column (which may turn dense with it).
    fn push_sparse(&mut self, cell: Cell) {
        let Data::Sparse(rows, cells) = &mut self.data else {
            return self.push_null();
        };
        if cells.len() < DENSE_AFTER || cells.len() * DENSE_SHARE < self.len {
            self.sparse_blocks.take();
            rows.push(self.len as u32);
            cells.push(cell);
            self.len += 1;
        } else {
            self.densify();
            self.push(cell);
        }
    }

    /// Appends a string (to a string column; elsewhere it is null).
    pub fn push_sym(&mut self, sym: Sym) {
        match &mut self.data {
            Data::Str(v) => {
                v.push(sym);
                self.len += 1;
            }
            _ if sym.is_empty() || !matches!(self.ty, ColType::Str | ColType::Dynamic) => self.push_null(),
            _ => self.push_sparse(Cell::Str(sym)),
        }
    }

    /// Appends an integer, or the ticks of a time (to an int or time column).
    #[inline]
    pub fn push_int(&mut self, value: i64) {
        // Inline, the common case: a metric that fits the column's 32-bit values.
        if let Data::Narrow(v) = &mut self.data
            && let Some(x) = narrow(value)
        {
            v.push(x);
            self.len += 1;
            return;
        }
        self.push_int_otherwise(value);
    }

    /// Turns a narrow integer column into 64-bit values.
    fn widen(&mut self) {
        if let Data::Narrow(v) = &self.data {
            let mut wide = Vec::with_capacity(v.capacity().max(self.capacity_hint));
            wide.extend(v.iter().map(|&x| if x == NULL_NARROW { NULL_INT } else { i64::from(x) }));
            self.data = Data::Int(wide);
        }
    }

    /// [`Column::push_int`] of a value that does not fit 32 bits, or to a column not narrow.
    fn push_int_otherwise(&mut self, value: i64) {
        match &mut self.data {
            Data::Narrow(_) if value == NULL_INT => self.push_null(),
            Data::Narrow(_) => {
                self.widen();
                self.push_int(value);
            }
            Data::Int(v) => {
                v.push(value);
                self.len += 1;
            }
            _ if value == NULL_INT => self.push_null(),
            _ => match self.ty {
                ColType::Int => self.push_sparse(Cell::Int(value)),
                ColType::Time => self.push_sparse(Cell::Time(Timestamp(value))),
                _ => self.push_null(),
            },
        }
    }

    pub fn push_real(&mut self, value: f64) {
        match &mut self.data {
            Data::Real(v) => {
                v.push(value);
                self.len += 1;
            }
            _ if value.is_nan() || self.ty != ColType::Real => self.push_null(),
            _ => self.push_sparse(Cell::Real(value)),
        }
    }

    pub fn push_bool(&mut self, value: bool) {
        match &mut self.data {
            Data::Bool(v) => {
                v.push(u8::from(value));
                self.len += 1;
            }
            _ if self.ty != ColType::Bool => self.push_null(),
            _ => self.push_sparse(Cell::Bool(value)),
        }
    }

    /// Adds this column's share of the dedup hash of rows `from..from + hashes.len()` to
    /// `hashes` (one per row): a column-wise pass, so loading never hashes row by row. Same
    /// rule as [`cell_hash`].
    pub fn add_hashes(&self, index: usize, from: usize, hashes: &mut [u64]) {
        fn add_each<T: Copy>(
            column: usize,
            from: usize,
            values: &[T],
            hashes: &mut [u64],
            bits: impl Fn(T) -> Option<u64>,
        ) {
            let multiplier = column_multiplier(column);
            for (hash, &value) in hashes.iter_mut().zip(values.get(from..).unwrap_or_default()) {
                if let Some(bits) = bits(value) {
                    *hash = hash.wrapping_add(share(multiplier, bits));
                }
            }
        }
        match &self.data {
            Data::Sparse(rows, cells) => {
                let first = rows.partition_point(|&r| (r as usize) < from);
                for (&row, &cell) in rows[first..].iter().zip(&cells[first..]) {
                    let Some(hash) = hashes.get_mut(row as usize - from) else { break };
                    *hash = hash.wrapping_add(cell_hash(index, cell));
                }
            }
            Data::Str(v) => add_each(index, from, v, hashes, |s| (!s.is_empty()).then_some(u64::from(s.0))),
            Data::Int(v) if self.ty == ColType::Time => {
                add_each(index, from, v, hashes, |t| (t != NULL_INT).then(|| Timestamp(t).unix_millis() as u64))
            }
            Data::Int(v) => add_each(index, from, v, hashes, |x| (x != NULL_INT).then_some(x as u64)),
            Data::Narrow(v) => add_each(index, from, v, hashes, |x| (x != NULL_NARROW).then_some(i64::from(x) as u64)),
            Data::Real(v) => add_each(index, from, v, hashes, |x| (!x.is_nan()).then_some(x.to_bits())),
            Data::Bool(v) => add_each(index, from, v, hashes, |b| (b != NULL_BOOL).then_some(u64::from(b))),
        }
    }

    pub fn get(&self, row: usize) -> Cell {
        match &self.data {
            Data::Sparse(rows, cells) => self.sparse_position(rows, row).map_or(Cell::Null, |i| cells[i]),
            Data::Str(v) => v.get(row).map_or(Cell::Null, |&s| if s.is_empty() { Cell::Null } else { Cell::Str(s) }),
            Data::Narrow(v) => match v.get(row) {
                Some(&x) if x != NULL_NARROW => Cell::Int(i64::from(x)),
                _ => Cell::Null,
            },
            Data::Int(v) => match v.get(row) {
                Some(&x) if x != NULL_INT => {
                    if self.ty == ColType::Time {
                        Cell::Time(Timestamp(x))
                    } else {
                        Cell::Int(x)
                    }
                }
                _ => Cell::Null,
            },
            Data::Real(v) => v.get(row).map_or(Cell::Null, |&x| if x.is_nan() { Cell::Null } else { Cell::Real(x) }),
            Data::Bool(v) => match v.get(row) {
                Some(0) => Cell::Bool(false),
                Some(1) => Cell::Bool(true),
                _ => Cell::Null,
            },
        }
    }

    /// Where `row` is among a sparse column's `rows`, when it has a value.
    fn sparse_position(&self, rows: &[u32], row: usize) -> Option<usize> {
        let starts = self.sparse_blocks.get_or_init(|| {
            let mut next = 0;
            let starts = (0..=self.len.div_ceil(SPARSE_BLOCK)).map(|block| {
                next += rows[next..].partition_point(|&r| (r as usize) < block * SPARSE_BLOCK);
                next as u32
            });
            starts.collect()
        });
        let block = row / SPARSE_BLOCK;
        let (from, to) = (*starts.get(block)? as usize, *starts.get(block + 1)? as usize);
        rows.get(from..to)?.binary_search(&(row as u32)).ok().map(|i| from + i)
    }

    pub fn sym(&self, row: usize) -> Sym {
        match &self.data {
            Data::Str(v) => v.get(row).copied().unwrap_or_default(),
            _ => match self.get(row) {
                Cell::Str(s) => s,
                _ => Sym::EMPTY,
            },
        }
    }

    /// The integer (or time ticks) of a row, `None` for null.
    pub fn int(&self, row: usize) -> Option<i64> {
        match &self.data {
            Data::Int(v) => v.get(row).copied().filter(|&x| x != NULL_INT),
            Data::Narrow(v) => v.get(row).copied().filter(|&x| x != NULL_NARROW).map(i64::from),
            _ => match self.get(row) {
                Cell::Int(v) => Some(v),
                Cell::Time(t) => Some(t.0),
                _ => None,
            },
        }
    }

    /// An integer metric where null counts as zero (bytes, links, responses).
    pub fn int_or_zero(&self, row: usize) -> i64 {
        self.int(row).unwrap_or(0)
    }

    pub fn time(&self, row: usize) -> Option<Timestamp> {
        self.int(row).map(Timestamp)
    }

    pub fn real(&self, row: usize) -> Option<f64> {
        match self.get(row) {
            Cell::Real(v) => Some(v),
            _ => None,
        }
    }

    pub fn bool(&self, row: usize) -> Option<bool> {
        match self.get(row) {
            Cell::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        self.len = len;
        self.sparse_blocks.take();
        match &mut self.data {
            Data::Sparse(rows, cells) => {
                let keep = rows.partition_point(|&r| (r as usize) < len);
                rows.truncate(keep);
                cells.truncate(keep);
            }
            Data::Str(v) => v.truncate(len),
            Data::Narrow(v) => v.truncate(len),
            Data::Int(v) => v.truncate(len),
            Data::Real(v) => v.truncate(len),
            Data::Bool(v) => v.truncate(len),
        }
    }

    /// Keeps the rows whose `keep` flag is set (rows past the end of `keep` are kept).
    pub fn retain(&mut self, keep: &[bool]) {
        fn filter<T: Copy>(v: &mut Vec<T>, keep: &[bool]) {
            let mut i = 0;
            v.retain(|_| {
                let k = keep.get(i).copied().unwrap_or(true);
                i += 1;
                k
            });
        }
        self.sparse_blocks.take();
        match &mut self.data {
            Data::Sparse(rows, cells) => {
                // Each kept row moves down by the number of dropped rows before it.
                let mut dropped_before = 0u32;
                let mut scanned = 0usize;
                let mut out = 0;
                for i in 0..rows.len() {
                    let row = rows[i] as usize;
                    while scanned < row {
                        dropped_before += u32::from(!keep.get(scanned).copied().unwrap_or(true));
                        scanned += 1;
                    }
                    if keep.get(row).copied().unwrap_or(true) {
                        rows[out] = rows[i] - dropped_before;
                        cells[out] = cells[i];
                        out += 1;
                    }
                }
                rows.truncate(out);
                cells.truncate(out);
            }
            Data::Str(v) => filter(v, keep),
            Data::Narrow(v) => filter(v, keep),
            Data::Int(v) => filter(v, keep),
            Data::Real(v) => filter(v, keep),
            Data::Bool(v) => filter(v, keep),
        }
        self.len = keep.iter().take(self.len).filter(|&&k| k).count() + self.len.saturating_sub(keep.len());
    }

    /// Appends the rows of `other` (a column of the same type, padded to its length), its
    /// symbols renumbered by `remap` (this side's symbol for each of `other`'s):
    /// joins the columns of a file's chunks, parsed apart, in file order. Dense columns of the
    /// same representation are copied a vector at a time.
    pub fn append(&mut self, other: &Column, remap: &Remap) {
        let renumber = |s: Sym| remap.get(s);
        let added = other.len;
        // Meet a dense chunk with a dense vector, so it is copied whole rather than pushed
        // cell by cell.
        if !matches!(other.data, Data::Sparse(..)) {
            self.capacity_hint = self.capacity_hint.max(self.len + added);
            self.densify();
            if matches!((&self.data, &other.data), (Data::Narrow(_), Data::Int(_))) {
                self.widen();
            }
        }
        match (&mut self.data, &other.data) {
            (Data::Str(mine), Data::Str(theirs)) => mine.extend(theirs.iter().map(|&s| renumber(s))),
            (Data::Narrow(mine), Data::Narrow(theirs)) => mine.extend_from_slice(theirs),
            (Data::Int(mine), Data::Int(theirs)) => mine.extend_from_slice(theirs),
            (Data::Int(mine), Data::Narrow(theirs)) => {
                mine.extend(theirs.iter().map(|&x| if x == NULL_NARROW { NULL_INT } else { i64::from(x) }));
            }
            (Data::Real(mine), Data::Real(theirs)) => mine.extend_from_slice(theirs),
            (Data::Bool(mine), Data::Bool(theirs)) => mine.extend_from_slice(theirs),
            (_, Data::Sparse(rows, cells)) => {
                let base = self.len;
                for (&row, &cell) in rows.iter().zip(cells) {
                    self.pad_to(base + row as usize);
                    self.push(renumber_cell(cell, &renumber));
                }
                self.pad_to(base + added);
                return;
            }
            _ => {
                for row in 0..added {
                    self.push(renumber_cell(other.get(row), &renumber));
                }
                return;
            }
        }
        self.len += added;
    }

    /// Renumbers this column's symbols by `remap` (see [`Column::append`]).
    pub fn renumber(&mut self, remap: &Remap) {
        let renumber = |s: Sym| remap.get(s);
        match &mut self.data {
            Data::Str(v) => v.iter_mut().for_each(|s| *s = renumber(*s)),
            Data::Sparse(_, cells) => cells.iter_mut().for_each(|c| *c = renumber_cell(*c, &renumber)),
            _ => {}
        }
    }

    /// Whether two rows (of this column and `other`, same type) hold the same value, by the
    /// same rule as [`cell_hash`].
    pub fn same_cell(&self, row: usize, other: &Column, other_row: usize) -> bool {
        match (self.get(row), other.get(other_row)) {
            (Cell::Time(a), Cell::Time(b)) => a.unix_millis() == b.unix_millis(),
            (Cell::Real(a), Cell::Real(b)) => a.to_bits() == b.to_bits(),
            (a, b) => a == b,
        }
    }
}

/// A string cell with its symbol renumbered; other cells as they are.
fn renumber_cell(cell: Cell, renumber: &impl Fn(Sym) -> Sym) -> Cell {
    match cell {
        Cell::Str(s) => Cell::Str(renumber(s)),
        other => other,
    }
}

/// One cell's share of its row's dedup hash: rows hash to the sum of their cells' shares, so
/// a row can be hashed cell by cell or column by column alike (the table mixes the sum, see
/// `Table::row_hash`). Null adds nothing; times count to the millisecond, so the same record
/// exported as portal CSV (milliseconds) and as JSON (100 ns) is the same record.
pub fn cell_hash(column: usize, cell: Cell) -> u64 {
    let bits = match cell {
        Cell::Null => return 0,
        Cell::Str(s) if s.is_empty() => return 0,
        Cell::Str(s) => u64::from(s.0),
        Cell::Int(v) => v as u64,
        Cell::Real(v) => v.to_bits(),
        Cell::Bool(b) => u64::from(b),
        Cell::Time(t) => t.unix_millis() as u64,
    };
    share(column_multiplier(column), bits)
}

/// A random-looking odd multiplier per column: equal values in different columns, and small
/// values in several columns, add up to different sums.
fn column_multiplier(column: usize) -> u64 {
    mix64(column as u64) | 1
}

/// One multiply per cell; the mix of the whole sum spreads the bits. The offset keeps a zero
/// apart from null.
fn share(multiplier: u64, bits: u64) -> u64 {
    bits.wrapping_add(0x9E37_79B9_7F4A_7C15).wrapping_mul(multiplier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_columns_cost_nothing_until_a_value_arrives() {
        let mut column = Column::new(ColType::Int);
        column.push(Cell::Null);
        column.push(Cell::Null);
        assert!(column.is_all_null());
        column.push(Cell::Int(7));
        assert_eq!(column.len(), 3);
        assert_eq!(column.int(0), None);
        assert_eq!(column.int(2), Some(7));
        column.retain(&[true, false, true]);
        assert_eq!(column.len(), 2);
        assert_eq!(column.int(1), Some(7));
    }

    #[test]
    fn integers_widen_when_one_needs_64_bits() {
        let mut column = Column::new(ColType::Int);
        for row in 0..5000 {
            column.push_int(row);
        }
        column.push_null();
        assert!(matches!(column.data, Data::Narrow(..)));
        column.push_int(5_000_000_000);
        column.push_int(i64::from(i32::MIN));
        assert!(matches!(column.data, Data::Int(..)));
        assert_eq!(column.int(4999), Some(4999));
        assert_eq!(column.int(5000), None, "null survives widening");
        assert_eq!(column.int(5001), Some(5_000_000_000));
        assert_eq!(column.int(5002), Some(i64::from(i32::MIN)));
        let mut narrow_hash = vec![0; 1];
        let mut cells_hash = 0;
        let mut small = Column::new(ColType::Int);
        for row in 0..2000 {
            small.push_int(-row);
        }
        small.add_hashes(4, 1999, &mut narrow_hash);
        cells_hash += cell_hash(4, Cell::Int(-1999));
        assert_eq!(narrow_hash[0], cells_hash);
    }

    /// A sparse column read, then changed, then read again: its block index follows every
    /// change (values added, rows cut off, rows dropped, rows padded).
    #[test]
    fn a_sparse_column_reads_right_after_each_change() {
        let mut column = Column::new(ColType::Int);
        let mut expected: Vec<Option<i64>> = Vec::new();
        let check = |column: &Column, expected: &[Option<i64>]| {
            assert!(matches!(column.data, Data::Sparse(..)));
            for (row, want) in expected.iter().enumerate() {
                assert_eq!(column.int(row), *want, "row {row}");
            }
            assert_eq!(column.int(expected.len()), None, "past the end");
            assert_eq!(column.int(expected.len() + 5 * SPARSE_BLOCK), None, "far past the end");
        };
        // Values on a few rows of several blocks, one on a block's first row, one on its last.
        let with_value = |row: usize| row.is_multiple_of(997) || row == SPARSE_BLOCK - 1 || row == 3 * SPARSE_BLOCK;
        for row in 0..5 * SPARSE_BLOCK {
            let value = with_value(row).then_some(row as i64);
            column.push(value.map_or(Cell::Null, Cell::Int));
            expected.push(value);
        }
        check(&column, &expected);
        column.push_int(-1);
        expected.push(Some(-1));
        check(&column, &expected);
        column.truncate(3 * SPARSE_BLOCK + 1);
        expected.truncate(3 * SPARSE_BLOCK + 1);
        check(&column, &expected);
        let keep: Vec<bool> = (0..expected.len()).map(|row| row % 3 != 1).collect();
        column.retain(&keep);
        let mut flags = keep.iter();
        expected.retain(|_| *flags.next().unwrap_or(&true));
        check(&column, &expected);
        column.pad_to(expected.len() + 2 * SPARSE_BLOCK);
        expected.resize(expected.len() + 2 * SPARSE_BLOCK, None);
        column.push_int(7);
        expected.push(Some(7));
        check(&column, &expected);
    }

    #[test]
    fn sparse_and_dense_columns_read_and_hash_alike() {
        let values = |n: usize, every: usize| {
            let mut column = Column::new(ColType::Str);
            for row in 0..n {
                column.push_sym(if row % every == 0 { Sym(row as u32 + 1) } else { Sym::EMPTY });
            }
            column
        };
        let sparse = values(100_000, 1000);
        let dense = values(100_000, 2);
        assert!(matches!(sparse.data, Data::Sparse(..)));
        assert!(matches!(dense.data, Data::Str(..)), "turned dense once values were common");
        for row in [0, 1, 2, 1000, 99_000, 99_999] {
            let expected = |every: usize| if row % every == 0 { Sym(row as u32 + 1) } else { Sym::EMPTY };
            assert_eq!(sparse.sym(row), expected(1000), "row {row}");
            assert_eq!(dense.sym(row), expected(2), "row {row}");
        }
        let mut hashes = vec![0; 100_000];
        sparse.add_hashes(3, 0, &mut hashes);
        assert_eq!(hashes[1000], cell_hash(3, Cell::Str(Sym(1001))));
        assert_eq!(hashes[1001], 0);
        let mut trimmed = sparse.clone();
        trimmed.truncate(2001);
        assert_eq!(trimmed.len(), 2001);
        assert_eq!(trimmed.sym(2000), Sym(2001));
        let keep: Vec<bool> = (0..100_000).map(|row| row != 500).collect();
        trimmed = sparse.clone();
        trimmed.retain(&keep);
        assert_eq!(trimmed.sym(999), Sym(1001), "rows after a dropped one move down");
        assert_eq!(trimmed.sym(0), Sym(1));
    }
}

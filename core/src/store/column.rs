//! One typed column of a table. Columns that are null on every row so far (malicious-IP
//! fields, Azure cloud-service fields...) hold no vector at all until a value arrives.

use super::intern::Sym;
use crate::model::{ColType, Timestamp};

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
    AllNull,
    Str(Vec<Sym>),
    Int(Vec<i64>),
    Real(Vec<f64>),
    Bool(Vec<u8>),
}

#[derive(Clone, Debug)]
pub struct Column {
    ty: ColType,
    len: usize,
    data: Data,
    /// Rows expected in all, so a column that materialises late allocates once.
    capacity_hint: usize,
}

impl Column {
    pub fn new(ty: ColType) -> Self {
        Column { ty, len: 0, data: Data::AllNull, capacity_hint: 0 }
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
        matches!(self.data, Data::AllNull)
    }

    fn materialise(&mut self) {
        fn filled<T: Copy>(value: T, len: usize, capacity: usize) -> Vec<T> {
            let mut v = Vec::with_capacity(capacity.max(len));
            v.resize(len, value);
            v
        }
        if matches!(self.data, Data::AllNull) {
            let (len, capacity) = (self.len, self.capacity_hint);
            self.data = match self.ty {
                ColType::Str | ColType::Dynamic => Data::Str(filled(Sym::EMPTY, len, capacity)),
                ColType::Int | ColType::Time => Data::Int(filled(NULL_INT, len, capacity)),
                ColType::Real => Data::Real(filled(f64::NAN, len, capacity)),
                ColType::Bool => Data::Bool(filled(NULL_BOOL, len, capacity)),
            };
        }
    }

    /// Makes room for `rows` rows in all (now, or when the first value arrives).
    pub fn reserve_total(&mut self, rows: usize) {
        self.capacity_hint = rows;
        let more = rows.saturating_sub(self.len);
        match &mut self.data {
            Data::AllNull => {}
            Data::Str(v) => v.reserve(more),
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
            Data::AllNull => {}
            Data::Str(v) => v.push(Sym::EMPTY),
            Data::Int(v) => v.push(NULL_INT),
            Data::Real(v) => v.push(f64::NAN),
            Data::Bool(v) => v.push(NULL_BOOL),
        }
    }

    /// Appends a string (to a string column; elsewhere it is null).
    pub fn push_sym(&mut self, sym: Sym) {
        if sym.is_empty() && matches!(self.data, Data::AllNull) {
            self.len += 1;
            return;
        }
        self.materialise();
        match &mut self.data {
            Data::Str(v) => v.push(sym),
            _ => return self.push_null(),
        }
        self.len += 1;
    }

    /// Appends an integer, or the ticks of a time (to an int or time column).
    pub fn push_int(&mut self, value: i64) {
        if let Data::Int(v) = &mut self.data {
            v.push(value);
            self.len += 1;
            return;
        }
        if value == NULL_INT {
            return self.push_null();
        }
        self.materialise();
        match &mut self.data {
            Data::Int(v) => v.push(value),
            _ => return self.push_null(),
        }
        self.len += 1;
    }

    pub fn push_real(&mut self, value: f64) {
        if value.is_nan() && matches!(self.data, Data::AllNull) {
            self.len += 1;
            return;
        }
        self.materialise();
        match &mut self.data {
            Data::Real(v) => v.push(value),
            _ => return self.push_null(),
        }
        self.len += 1;
    }

    pub fn push_bool(&mut self, value: bool) {
        self.materialise();
        match &mut self.data {
            Data::Bool(v) => v.push(u8::from(value)),
            _ => return self.push_null(),
        }
        self.len += 1;
    }

    /// Adds this column's share of the dedup hash of rows `from..` to `hashes` (one per row):
    /// a column-wise pass, so loading never hashes row by row. Same rule as [`cell_hash`].
    pub fn add_hashes(&self, index: usize, from: usize, hashes: &mut [u64]) {
        fn add_each<T: Copy>(
            column: usize,
            from: usize,
            values: &[T],
            hashes: &mut [u64],
            bits: impl Fn(T) -> Option<u64>,
        ) {
            for (hash, &value) in hashes.iter_mut().zip(values.get(from..).unwrap_or_default()) {
                if let Some(bits) = bits(value) {
                    *hash = hash.wrapping_add(mix(column, bits));
                }
            }
        }
        match &self.data {
            Data::AllNull => {}
            Data::Str(v) => add_each(index, from, v, hashes, |s| (!s.is_empty()).then_some(u64::from(s.0))),
            Data::Int(v) if self.ty == ColType::Time => {
                add_each(index, from, v, hashes, |t| (t != NULL_INT).then(|| Timestamp(t).unix_millis() as u64))
            }
            Data::Int(v) => add_each(index, from, v, hashes, |x| (x != NULL_INT).then_some(x as u64)),
            Data::Real(v) => add_each(index, from, v, hashes, |x| (!x.is_nan()).then_some(x.to_bits())),
            Data::Bool(v) => add_each(index, from, v, hashes, |b| (b != NULL_BOOL).then_some(u64::from(b))),
        }
    }

    pub fn get(&self, row: usize) -> Cell {
        match &self.data {
            Data::AllNull => Cell::Null,
            Data::Str(v) => v.get(row).map_or(Cell::Null, |&s| if s.is_empty() { Cell::Null } else { Cell::Str(s) }),
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

    pub fn sym(&self, row: usize) -> Sym {
        match &self.data {
            Data::Str(v) => v.get(row).copied().unwrap_or_default(),
            _ => Sym::EMPTY,
        }
    }

    /// The integer (or time ticks) of a row, `None` for null.
    pub fn int(&self, row: usize) -> Option<i64> {
        match &self.data {
            Data::Int(v) => v.get(row).copied().filter(|&x| x != NULL_INT),
            _ => None,
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
        match &self.data {
            Data::Real(v) => v.get(row).copied().filter(|x| !x.is_nan()),
            _ => None,
        }
    }

    pub fn bool(&self, row: usize) -> Option<bool> {
        match &self.data {
            Data::Bool(v) => match v.get(row) {
                Some(0) => Some(false),
                Some(1) => Some(true),
                _ => None,
            },
            _ => None,
        }
    }

    /// The raw symbols of a string column (empty slice when all null), for fast scans.
    pub fn syms(&self) -> &[Sym] {
        match &self.data {
            Data::Str(v) => v,
            _ => &[],
        }
    }

    /// The raw integers of an int/time column (empty slice when all null), for fast scans;
    /// null cells hold [`NULL_INT`].
    pub fn ints(&self) -> &[i64] {
        match &self.data {
            Data::Int(v) => v,
            _ => &[],
        }
    }

    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        self.len = len;
        match &mut self.data {
            Data::AllNull => {}
            Data::Str(v) => v.truncate(len),
            Data::Int(v) => v.truncate(len),
            Data::Real(v) => v.truncate(len),
            Data::Bool(v) => v.truncate(len),
        }
    }

    /// Keeps the rows whose `keep` flag is set.
    pub fn retain(&mut self, keep: &[bool]) {
        fn filter<T: Copy>(v: &mut Vec<T>, keep: &[bool]) {
            let mut i = 0;
            v.retain(|_| {
                let k = keep.get(i).copied().unwrap_or(true);
                i += 1;
                k
            });
        }
        match &mut self.data {
            Data::AllNull => {}
            Data::Str(v) => filter(v, keep),
            Data::Int(v) => filter(v, keep),
            Data::Real(v) => filter(v, keep),
            Data::Bool(v) => filter(v, keep),
        }
        // Rows past the end of `keep` are kept, as `filter` does.
        self.len = keep.iter().take(self.len).filter(|&&k| k).count() + self.len.saturating_sub(keep.len());
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

/// One cell's share of its row's dedup hash: rows hash to the sum of their cells' shares, so
/// a row can be hashed cell by cell or column by column alike. Null adds nothing; times count
/// to the millisecond, so the same record exported as portal CSV (milliseconds) and as JSON
/// (100 ns) is the same record.
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
    mix(column, bits)
}

/// A well-spread 64-bit value of (column, value bits): the murmur3 finaliser.
fn mix(column: usize, bits: u64) -> u64 {
    let mut x = bits ^ (column as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
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
}

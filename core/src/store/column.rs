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
        let is_null = match cell {
            Cell::Null => true,
            Cell::Str(s) => s.is_empty(),
            Cell::Int(v) => v == NULL_INT,
            Cell::Real(v) => v.is_nan(),
            Cell::Bool(_) => false,
            Cell::Time(t) => t.0 == NULL_INT,
        };
        if is_null && matches!(self.data, Data::AllNull) {
            self.len += 1;
            return;
        }
        self.materialise();
        match (&mut self.data, cell) {
            (Data::Str(v), Cell::Str(s)) => v.push(s),
            (Data::Str(v), _) => v.push(Sym::EMPTY),
            (Data::Int(v), Cell::Int(x)) => v.push(x),
            (Data::Int(v), Cell::Time(t)) => v.push(t.0),
            (Data::Int(v), _) => v.push(NULL_INT),
            (Data::Real(v), Cell::Real(x)) => v.push(x),
            (Data::Real(v), _) => v.push(f64::NAN),
            (Data::Bool(v), Cell::Bool(b)) => v.push(u8::from(b)),
            (Data::Bool(v), _) => v.push(NULL_BOOL),
            (Data::AllNull, _) => {}
        }
        self.len += 1;
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
    /// same rule as [`super::table::hash_cells`].
    pub fn same_cell(&self, row: usize, other: &Column, other_row: usize) -> bool {
        match (self.get(row), other.get(other_row)) {
            (Cell::Time(a), Cell::Time(b)) => a.unix_millis() == b.unix_millis(),
            (Cell::Real(a), Cell::Real(b)) => a.to_bits() == b.to_bits(),
            (a, b) => a == b,
        }
    }
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

//! The rows of one table: one [`Column`] per schema column, plus columns the schema does not
//! know (kept as text for the detail panels).

use super::column::{Cell, Column};
use crate::model::{ColType, TableKind};

#[derive(Clone, Debug)]
pub struct Table {
    pub kind: TableKind,
    /// Index-aligned with `kind.columns()`.
    pub columns: Vec<Column>,
    /// Columns outside the schema, by header name, in the order first seen.
    pub extras: Vec<(String, Column)>,
    /// Each row's [`hash_cells`], computed as it is pushed (for dropping duplicates).
    hashes: Vec<u64>,
    len: usize,
}

impl Table {
    pub fn new(kind: TableKind) -> Self {
        Table {
            kind,
            columns: kind.columns().iter().map(|c| Column::new(c.ty)).collect(),
            extras: Vec::new(),
            hashes: Vec::new(),
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn col(&self, index: usize) -> &Column {
        &self.columns[index]
    }

    /// The extra column of that name, created (null on every earlier row) if new.
    pub fn extra_index(&mut self, name: &str) -> usize {
        if let Some(i) = self.extras.iter().position(|(n, _)| n == name) {
            return i;
        }
        let mut column = Column::new(ColType::Str);
        for _ in 0..self.len {
            column.push(Cell::Null);
        }
        self.extras.push((name.to_string(), column));
        self.extras.len() - 1
    }

    /// Appends one row: `cells` index-aligned with the schema, `extras` as (extra index, cell).
    pub fn push_row(&mut self, cells: &[Cell], extras: &[(usize, Cell)]) {
        self.hashes.push(hash_cells(cells));
        for (column, &cell) in self.columns.iter_mut().zip(cells) {
            column.push(cell);
        }
        for column in self.columns.iter_mut().skip(cells.len()) {
            column.push(Cell::Null);
        }
        self.len += 1;
        for &(i, cell) in extras {
            if let Some((_, column)) = self.extras.get_mut(i) {
                column.push(cell);
            }
        }
        // Extras this row has no value for stay aligned.
        for (_, column) in &mut self.extras {
            while column.len() < self.len {
                column.push(Cell::Null);
            }
        }
    }

    /// Makes room for `rows` rows in all.
    pub fn reserve_total(&mut self, rows: usize) {
        self.hashes.reserve(rows.saturating_sub(self.len));
        for column in &mut self.columns {
            column.reserve_total(rows);
        }
    }

    /// Drops rows from `len` on (undoes pushes).
    pub fn truncate(&mut self, len: usize) {
        self.hashes.truncate(len);
        for column in &mut self.columns {
            column.truncate(len);
        }
        for (_, column) in &mut self.extras {
            column.truncate(len);
        }
        self.len = self.len.min(len);
    }

    /// Keeps the rows whose flag is set; `keep.len()` must equal `self.len()`.
    pub fn retain(&mut self, keep: &[bool]) {
        let mut i = 0;
        self.hashes.retain(|_| {
            i += 1;
            keep.get(i - 1).copied().unwrap_or(true)
        });
        for column in &mut self.columns {
            column.retain(keep);
        }
        for (_, column) in &mut self.extras {
            column.retain(keep);
        }
        self.len = keep.iter().filter(|&&k| k).count();
    }

    /// Hash of a row's schema values (extras do not make a record different).
    pub fn row_hash(&self, row: usize) -> u64 {
        self.hashes.get(row).copied().unwrap_or_default()
    }

    pub fn same_row(&self, row: usize, other_row: usize) -> bool {
        self.columns.iter().all(|c| c.same_cell(row, c, other_row))
    }

    /// The value of an extra column on a row, by name.
    pub fn extra(&self, name: &str, row: usize) -> Cell {
        self.extras.iter().find(|(n, _)| n == name).map_or(Cell::Null, |(_, c)| c.get(row))
    }
}

/// Hash of a row's schema cells. Times count to the millisecond, so the same record exported
/// as portal CSV (milliseconds) and as JSON (100 ns) is the same record.
pub fn hash_cells(cells: &[Cell]) -> u64 {
    use std::hash::Hasher;
    let mut state = rustc_hash::FxHasher::default();
    for cell in cells {
        match *cell {
            Cell::Null => state.write_u8(0),
            Cell::Str(s) => state.write_u32(s.0),
            Cell::Int(v) => state.write_i64(v),
            Cell::Real(v) => state.write_u64(v.to_bits()),
            Cell::Bool(b) => state.write_u8(u8::from(b) + 1),
            Cell::Time(t) => state.write_i64(t.unix_millis()),
        }
    }
    state.finish()
}

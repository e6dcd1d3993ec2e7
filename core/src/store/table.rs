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
    len: usize,
}

impl Table {
    pub fn new(kind: TableKind) -> Self {
        Table { kind, columns: kind.columns().iter().map(|c| Column::new(c.ty)).collect(), extras: Vec::new(), len: 0 }
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

    /// Drops rows from `len` on (undoes pushes).
    pub fn truncate(&mut self, len: usize) {
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
        use std::hash::Hasher;
        let mut state = rustc_hash::FxHasher::default();
        for column in &self.columns {
            column.hash_cell(row, &mut state);
        }
        state.finish()
    }

    pub fn same_row(&self, row: usize, other_row: usize) -> bool {
        self.columns.iter().all(|c| c.same_cell(row, c, other_row))
    }

    /// The value of an extra column on a row, by name.
    pub fn extra(&self, name: &str, row: usize) -> Cell {
        self.extras.iter().find(|(n, _)| n == name).map_or(Cell::Null, |(_, c)| c.get(row))
    }
}

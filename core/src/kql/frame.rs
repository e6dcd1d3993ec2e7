//! Columnar tables the operators pass along: one typed vector per column, strings of the
//! store kept as interned symbol codes, and columns computed only when an operator reads
//! them (a `where` over a 45-column table gathers only the columns used later on).
//!
//! Nulls are in-band, as in the store: `i64::MIN` for int, long, datetime and timespan,
//! NaN for real, 2 for bool, `Value::Null` for dynamic. Kusto strings are never null (an
//! absent string is the empty string), so symbol 0 / `""` is both.

use super::value::{Type, Value};
use crate::store::column::{Cell, Column as StoreColumn};
use crate::store::{Interner, Sym};
use std::sync::{Arc, OnceLock};

/// Null of integer-like columns (int, long, datetime, timespan); the store's sentinel.
pub const NULL_INT: i64 = i64::MIN;
/// Null of bool columns.
pub const NULL_BOOL: u8 = 2;
/// A row index meaning "no row": taking it gives null (outer joins, `prev` at the start).
pub const NO_ROW: u32 = u32::MAX;

/// The values of one column.
#[derive(Clone, Debug)]
pub enum Data<'a> {
    /// 0 false, 1 true, [`NULL_BOOL`] null.
    Bool(Arc<[u8]>),
    /// int, long, datetime (ticks) and timespan (ticks); [`NULL_INT`] null.
    Int(Arc<[i64]>),
    /// NaN null.
    Real(Arc<[f64]>),
    /// Strings of the store, as symbol codes of its interner.
    Sym(Arc<[u32]>, &'a Interner),
    /// Strings made by the query.
    Str(Arc<[Arc<str>]>),
    /// `Value::Dynamic` or `Value::Null`.
    Dyn(Arc<[Value]>),
}

thread_local! {
    static EMPTY_STR: Arc<str> = Arc::from("");
}

/// The shared empty string (no allocation per empty cell).
pub fn empty_str() -> Arc<str> {
    EMPTY_STR.with(Arc::clone)
}

impl<'a> Data<'a> {
    pub fn len(&self) -> usize {
        match self {
            Data::Bool(v) => v.len(),
            Data::Int(v) => v.len(),
            Data::Real(v) => v.len(),
            Data::Sym(v, _) => v.len(),
            Data::Str(v) => v.len(),
            Data::Dyn(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A column of `len` nulls of a type.
    pub fn nulls(ty: Type, len: usize) -> Data<'a> {
        match ty {
            Type::Bool => Data::Bool(vec![NULL_BOOL; len].into()),
            Type::Int | Type::Long | Type::DateTime | Type::TimeSpan => Data::Int(vec![NULL_INT; len].into()),
            Type::Real => Data::Real(vec![f64::NAN; len].into()),
            Type::String => Data::Str(vec![empty_str(); len].into()),
            Type::Dynamic => Data::Dyn(vec![Value::Null; len].into()),
        }
    }

    /// A column of `len` copies of a value (converted to the column's type).
    pub fn constant(value: &Value, ty: Type, len: usize) -> Data<'a> {
        let mut builder = Builder::new(ty, len);
        for _ in 0..len {
            builder.push(value);
        }
        builder.finish()
    }

    /// Whether a row is null (for strings: empty).
    pub fn is_null(&self, row: usize) -> bool {
        match self {
            Data::Bool(v) => v.get(row).is_none_or(|&b| b == NULL_BOOL),
            Data::Int(v) => v.get(row).is_none_or(|&x| x == NULL_INT),
            Data::Real(v) => v.get(row).is_none_or(|x| x.is_nan()),
            Data::Sym(v, _) => v.get(row).is_none_or(|&s| s == 0),
            Data::Str(v) => v.get(row).is_none_or(|s| s.is_empty()),
            Data::Dyn(v) => v.get(row).is_none_or(Value::is_null),
        }
    }

    /// The text of a string row (`""` for other types and out of range).
    pub fn str_at(&self, row: usize) -> &str {
        match self {
            Data::Sym(v, interner) => v.get(row).map_or("", |&s| interner.resolve(Sym(s))),
            Data::Str(v) => v.get(row).map_or("", |s| s),
            _ => "",
        }
    }

    /// The integer (or ticks) of a row, `None` for null or another type.
    pub fn int_at(&self, row: usize) -> Option<i64> {
        match self {
            Data::Int(v) => v.get(row).copied().filter(|&x| x != NULL_INT),
            _ => None,
        }
    }

    /// One row as a value of type `ty` (the column's type: it says int from datetime).
    pub fn value(&self, row: usize, ty: Type) -> Value {
        match self {
            Data::Bool(v) => match v.get(row) {
                Some(0) => Value::Bool(false),
                Some(1) => Value::Bool(true),
                _ => Value::Null,
            },
            Data::Int(v) => match v.get(row) {
                Some(&x) if x != NULL_INT => match ty {
                    Type::DateTime => Value::DateTime(x),
                    Type::TimeSpan => Value::TimeSpan(x),
                    _ => Value::Int(x),
                },
                _ => Value::Null,
            },
            Data::Real(v) => match v.get(row) {
                Some(&x) if !x.is_nan() => Value::Real(x),
                _ => Value::Null,
            },
            Data::Sym(v, interner) => Value::str(v.get(row).map_or("", |&s| interner.resolve(Sym(s)))),
            Data::Str(v) => Value::String(v.get(row).cloned().unwrap_or_else(empty_str)),
            Data::Dyn(v) => v.get(row).cloned().unwrap_or(Value::Null),
        }
    }

    /// The rows at `rows`, in that order; [`NO_ROW`] (or any index out of range) gives null.
    pub fn take(&self, rows: &[u32]) -> Data<'a> {
        fn pick<T: Clone>(v: &[T], rows: &[u32], null: T) -> Arc<[T]> {
            rows.iter().map(|&r| v.get(r as usize).cloned().unwrap_or_else(|| null.clone())).collect()
        }
        match self {
            Data::Bool(v) => Data::Bool(pick(v, rows, NULL_BOOL)),
            Data::Int(v) => Data::Int(pick(v, rows, NULL_INT)),
            Data::Real(v) => Data::Real(pick(v, rows, f64::NAN)),
            Data::Sym(v, interner) => Data::Sym(pick(v, rows, 0), interner),
            Data::Str(v) => Data::Str(pick(v, rows, empty_str())),
            Data::Dyn(v) => Data::Dyn(pick(v, rows, Value::Null)),
        }
    }

    /// This column's rows followed by `other`'s (same type); strings of different origins
    /// become query strings.
    pub fn concat(parts: &[&Data<'a>], ty: Type) -> Data<'a> {
        let total: usize = parts.iter().map(|p| p.len()).sum();
        // Fast paths: every part of one vector kind.
        if let Some(Data::Sym(_, first)) = parts.first()
            && parts.iter().all(|p| matches!(p, Data::Sym(_, i) if std::ptr::eq(*i, *first)))
        {
            let mut codes = Vec::with_capacity(total);
            for part in parts {
                if let Data::Sym(v, _) = part {
                    codes.extend_from_slice(v);
                }
            }
            return Data::Sym(codes.into(), first);
        }
        let mut builder = Builder::new(ty, total);
        for part in parts {
            builder.extend_from(part, ty);
        }
        builder.finish()
    }
}

/// Reads a column row by row as values; a store string column makes each distinct text's
/// value once (later rows share it) instead of allocating one per row.
pub struct ValueReader<'d, 'a> {
    data: &'d Data<'a>,
    ty: Type,
    texts: rustc_hash::FxHashMap<u32, Value>,
}

impl<'d, 'a> ValueReader<'d, 'a> {
    pub fn new(data: &'d Data<'a>, ty: Type) -> ValueReader<'d, 'a> {
        ValueReader { data, ty, texts: rustc_hash::FxHashMap::default() }
    }

    pub fn get(&mut self, row: usize) -> Value {
        match self.data {
            Data::Sym(codes, interner) => {
                let code = codes.get(row).copied().unwrap_or(0);
                self.texts.entry(code).or_insert_with(|| Value::str(interner.resolve(Sym(code)))).clone()
            }
            other => other.value(row, self.ty),
        }
    }
}

/// Appends values of one type, converting what it is given.
pub enum Builder {
    Bool(Vec<u8>),
    Int(Vec<i64>),
    Real(Vec<f64>),
    Str(Vec<Arc<str>>),
    Dyn(Vec<Value>),
}

impl Builder {
    pub fn new(ty: Type, capacity: usize) -> Builder {
        match ty {
            Type::Bool => Builder::Bool(Vec::with_capacity(capacity)),
            Type::Int | Type::Long | Type::DateTime | Type::TimeSpan => Builder::Int(Vec::with_capacity(capacity)),
            Type::Real => Builder::Real(Vec::with_capacity(capacity)),
            Type::String => Builder::Str(Vec::with_capacity(capacity)),
            Type::Dynamic => Builder::Dyn(Vec::with_capacity(capacity)),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Builder::Bool(v) => v.len(),
            Builder::Int(v) => v.len(),
            Builder::Real(v) => v.len(),
            Builder::Str(v) => v.len(),
            Builder::Dyn(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a value; a value that does not fit the column's type is stored as null
    /// (the planner has made types agree, so this only happens for dynamic data).
    pub fn push(&mut self, value: &Value) {
        match self {
            Builder::Bool(v) => v.push(match value {
                Value::Bool(b) => u8::from(*b),
                Value::Int(x) => u8::from(*x != 0),
                _ => NULL_BOOL,
            }),
            Builder::Int(v) => v.push(match value {
                Value::Int(x) | Value::DateTime(x) | Value::TimeSpan(x) => *x,
                Value::Bool(b) => i64::from(*b),
                Value::Real(x) if x.is_finite() => *x as i64,
                _ => NULL_INT,
            }),
            Builder::Real(v) => v.push(match value {
                Value::Real(x) => *x,
                Value::Int(x) => *x as f64,
                _ => f64::NAN,
            }),
            Builder::Str(v) => v.push(match value {
                Value::String(s) => Arc::clone(s),
                Value::Null => empty_str(),
                other => Arc::from(other.to_display().as_str()),
            }),
            Builder::Dyn(v) => v.push(match value {
                Value::Null | Value::Dynamic(_) => value.clone(),
                other => Value::dynamic(other.to_json()),
            }),
        }
    }

    pub fn push_null(&mut self) {
        match self {
            Builder::Bool(v) => v.push(NULL_BOOL),
            Builder::Int(v) => v.push(NULL_INT),
            Builder::Real(v) => v.push(f64::NAN),
            Builder::Str(v) => v.push(empty_str()),
            Builder::Dyn(v) => v.push(Value::Null),
        }
    }

    /// Appends every row of a column of type `ty`.
    pub fn extend_from(&mut self, data: &Data<'_>, ty: Type) {
        match (self, data) {
            (Builder::Bool(v), Data::Bool(d)) => v.extend_from_slice(d),
            (Builder::Int(v), Data::Int(d)) => v.extend_from_slice(d),
            (Builder::Real(v), Data::Real(d)) => v.extend_from_slice(d),
            (Builder::Str(v), Data::Str(d)) => v.extend(d.iter().cloned()),
            (Builder::Str(v), Data::Sym(codes, interner)) => {
                // One allocation per distinct symbol, not per row.
                let mut cache: hashbrown::HashMap<u32, Arc<str>> = hashbrown::HashMap::new();
                v.extend(codes.iter().map(|&s| {
                    if s == 0 {
                        empty_str()
                    } else {
                        Arc::clone(cache.entry(s).or_insert_with(|| Arc::from(interner.resolve(Sym(s)))))
                    }
                }));
            }
            (Builder::Dyn(v), Data::Dyn(d)) => v.extend(d.iter().cloned()),
            (builder, data) => {
                for row in 0..data.len() {
                    builder.push(&data.value(row, ty));
                }
            }
        }
    }

    pub fn finish<'a>(self) -> Data<'a> {
        match self {
            Builder::Bool(v) => Data::Bool(v.into()),
            Builder::Int(v) => Data::Int(v.into()),
            Builder::Real(v) => Data::Real(v.into()),
            Builder::Str(v) => Data::Str(v.into()),
            Builder::Dyn(v) => Data::Dyn(v.into()),
        }
    }
}

/// Where a lazily made column's values come from.
enum Recipe<'a> {
    /// Computed when the column was made.
    Ready,
    /// A column of the store, converted to the engine's vectors.
    Store { column: &'a StoreColumn, ty: Type, interner: &'a Interner, rows: usize },
    /// Some rows of a store column ([`NO_ROW`] gives null): a filter over a wide table
    /// converts only the rows it keeps, of the columns read later.
    StoreRows { column: &'a StoreColumn, ty: Type, interner: &'a Interner, rows: Arc<[u32]> },
    /// Rows of another column.
    Take { from: Arc<Cells<'a>>, rows: Arc<[u32]> },
    /// One value on every row.
    Constant { value: Value, ty: Type, rows: usize },
    /// Columns one after the other (`union`); `None` parts are that many nulls.
    Concat { parts: Vec<Part<'a>>, ty: Type },
}

/// One leg of a concatenated column.
enum Part<'a> {
    Cells(Arc<Cells<'a>>),
    Nulls(usize),
}

struct Cells<'a> {
    data: OnceLock<Data<'a>>,
    recipe: Recipe<'a>,
}

impl<'a> Cells<'a> {
    fn get(&self) -> &Data<'a> {
        self.data.get_or_init(|| match &self.recipe {
            Recipe::Ready => Data::Bool(Arc::from([])),
            Recipe::Store { column, ty, interner, rows } => {
                from_store(column, *ty, interner, (0..*rows).map(|r| r as u32), *rows)
            }
            Recipe::StoreRows { column, ty, interner, rows } => {
                from_store(column, *ty, interner, rows.iter().copied(), rows.len())
            }
            Recipe::Take { from, rows } => from.get().take(rows),
            Recipe::Constant { value, ty, rows } => Data::constant(value, *ty, *rows),
            Recipe::Concat { parts, ty } => {
                // Missing legs of a store string column are symbol 0 (the empty string), so
                // the column stays symbol-coded.
                let interner = parts.iter().find_map(|p| match p {
                    Part::Cells(c) => match c.get() {
                        Data::Sym(_, interner) => Some(*interner),
                        _ => None,
                    },
                    Part::Nulls(_) => None,
                });
                let datas: Vec<Data<'a>> = parts
                    .iter()
                    .map(|p| match (p, interner) {
                        (Part::Cells(c), _) => c.get().clone(),
                        (Part::Nulls(n), Some(interner)) if *ty == Type::String => {
                            Data::Sym(vec![0; *n].into(), interner)
                        }
                        (Part::Nulls(n), _) => Data::nulls(*ty, *n),
                    })
                    .collect();
                let refs: Vec<&Data<'a>> = datas.iter().collect();
                Data::concat(&refs, *ty)
            }
        })
    }
}

/// A store column as engine values: integers widened, sparse columns filled, dynamic text
/// parsed once per distinct symbol.
fn from_store<'a>(
    column: &'a StoreColumn,
    ty: Type,
    interner: &'a Interner,
    rows: impl Iterator<Item = u32>,
    count: usize,
) -> Data<'a> {
    // Out-of-range rows (NO_ROW) read as null through the store column's own accessors.
    let rows = rows.map(|r| r as usize);
    if column.is_all_null() {
        return match ty {
            Type::String => Data::Sym(vec![0; count].into(), interner),
            _ => Data::nulls(ty, count),
        };
    }
    match ty {
        Type::String => Data::Sym(rows.map(|r| column.sym(r).0).collect(), interner),
        Type::Int | Type::Long | Type::DateTime | Type::TimeSpan => {
            Data::Int(rows.map(|r| column.int(r).unwrap_or(NULL_INT)).collect())
        }
        Type::Real => Data::Real(rows.map(|r| column.real(r).unwrap_or(f64::NAN)).collect()),
        Type::Bool => Data::Bool(rows.map(|r| column.bool(r).map_or(NULL_BOOL, u8::from)).collect()),
        Type::Dynamic => {
            let mut parsed: hashbrown::HashMap<u32, Value> = hashbrown::HashMap::new();
            let values = rows
                .map(|r| {
                    let sym = match column.get(r) {
                        Cell::Str(s) => s,
                        _ => return Value::Null,
                    };
                    parsed
                        .entry(sym.0)
                        .or_insert_with(|| {
                            let text = interner.resolve(sym);
                            let json = serde_json::from_str(text)
                                .unwrap_or_else(|_| serde_json::Value::String(text.to_string()));
                            Value::Dynamic(Arc::new(json))
                        })
                        .clone()
                })
                .collect();
            Data::Dyn(values)
        }
    }
}

/// One named, typed column of a [`Frame`]; cheap to clone (its values are shared).
#[derive(Clone)]
pub struct Column<'a> {
    pub name: String,
    pub ty: Type,
    cells: Arc<Cells<'a>>,
}

impl std::fmt::Debug for Column<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.ty.name())
    }
}

impl<'a> Column<'a> {
    pub fn new(name: impl Into<String>, ty: Type, data: Data<'a>) -> Column<'a> {
        let cells = Cells { data: OnceLock::from(data), recipe: Recipe::Ready };
        Column { name: name.into(), ty, cells: Arc::new(cells) }
    }

    /// A store column, converted when first read.
    pub fn from_store(
        name: impl Into<String>,
        ty: Type,
        column: &'a StoreColumn,
        interner: &'a Interner,
        rows: usize,
    ) -> Column<'a> {
        let cells = Cells { data: OnceLock::new(), recipe: Recipe::Store { column, ty, interner, rows } };
        Column { name: name.into(), ty, cells: Arc::new(cells) }
    }

    /// One value on every row, made when first read.
    pub fn constant(name: impl Into<String>, ty: Type, value: Value, rows: usize) -> Column<'a> {
        let cells = Cells { data: OnceLock::new(), recipe: Recipe::Constant { value, ty, rows } };
        Column { name: name.into(), ty, cells: Arc::new(cells) }
    }

    /// Columns one after the other (a `union` column), made when first read; `None` parts
    /// are nulls of that many rows.
    pub fn concat(name: impl Into<String>, ty: Type, parts: Vec<(Option<&Column<'a>>, usize)>) -> Column<'a> {
        let parts = parts
            .into_iter()
            .map(|(c, rows)| match c {
                Some(c) => Part::Cells(Arc::clone(&c.cells)),
                None => Part::Nulls(rows),
            })
            .collect();
        let cells = Cells { data: OnceLock::new(), recipe: Recipe::Concat { parts, ty } };
        Column { name: name.into(), ty, cells: Arc::new(cells) }
    }

    pub fn data(&self) -> &Data<'a> {
        self.cells.get()
    }

    /// The same values under another name.
    pub fn renamed(&self, name: impl Into<String>) -> Column<'a> {
        Column { name: name.into(), ty: self.ty, cells: Arc::clone(&self.cells) }
    }

    /// The rows at `rows` ([`NO_ROW`] gives null), gathered when first read. A column not
    /// read yet is not read whole for it: a store column gathers just those rows, and a
    /// gather of a gather composes the two row lists.
    pub fn take(&self, rows: &Arc<[u32]>) -> Column<'a> {
        let compose = |inner: &[u32]| -> Arc<[u32]> {
            rows.iter().map(|&r| inner.get(r as usize).copied().unwrap_or(NO_ROW)).collect()
        };
        let lazy = |recipe| Cells { data: OnceLock::new(), recipe };
        let cells = match (self.cells.data.get(), &self.cells.recipe) {
            // Small or already-read columns: no need to keep the whole source alive.
            (Some(data), _) if rows.len() <= 1024 => {
                Cells { data: OnceLock::from(data.take(rows)), recipe: Recipe::Ready }
            }
            (None, Recipe::Store { column, ty, interner, .. }) => {
                lazy(Recipe::StoreRows { column, ty: *ty, interner, rows: Arc::clone(rows) })
            }
            (None, Recipe::StoreRows { column, ty, interner, rows: inner }) => {
                lazy(Recipe::StoreRows { column, ty: *ty, interner, rows: compose(inner) })
            }
            (None, Recipe::Take { from, rows: inner }) => {
                lazy(Recipe::Take { from: Arc::clone(from), rows: compose(inner) })
            }
            (None, Recipe::Constant { value, ty, .. }) if !rows.contains(&NO_ROW) => {
                lazy(Recipe::Constant { value: value.clone(), ty: *ty, rows: rows.len() })
            }
            _ => lazy(Recipe::Take { from: Arc::clone(&self.cells), rows: Arc::clone(rows) }),
        };
        Column { name: self.name.clone(), ty: self.ty, cells: Arc::new(cells) }
    }
}

/// A table flowing between operators.
#[derive(Clone, Debug, Default)]
pub struct Frame<'a> {
    pub columns: Vec<Column<'a>>,
    pub rows: usize,
}

impl<'a> Frame<'a> {
    pub fn new(columns: Vec<Column<'a>>, rows: usize) -> Frame<'a> {
        Frame { columns, rows }
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The rows at `rows`, in that order ([`NO_ROW`] gives a row of nulls).
    pub fn take(&self, rows: Vec<u32>) -> Frame<'a> {
        let count = rows.len();
        let rows: Arc<[u32]> = rows.into();
        Frame { columns: self.columns.iter().map(|c| c.take(&rows)).collect(), rows: count }
    }

    /// The first `n` rows.
    pub fn head(&self, n: usize) -> Frame<'a> {
        if n >= self.rows {
            return self.clone();
        }
        self.take((0..n as u32).collect())
    }

    /// Number of cells (rows x columns): what `max_cells` bounds.
    pub fn cells(&self) -> usize {
        self.rows.saturating_mul(self.columns.len().max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ColType;

    #[test]
    fn store_columns_read_as_engine_vectors_with_nulls() {
        let mut interner = Interner::default();
        let a = interner.intern("a");
        let mut ints = StoreColumn::new(ColType::Int);
        ints.push_int(5);
        ints.push_null();
        ints.push_int(7);
        let mut strs = StoreColumn::new(ColType::Str);
        strs.push_sym(a);
        strs.push_sym(Sym::EMPTY);
        strs.push_sym(a);
        let n = Column::from_store("n", Type::Long, &ints, &interner, 3);
        let s = Column::from_store("s", Type::String, &strs, &interner, 3);
        let frame = Frame::new(vec![n, s], 3);
        let taken = frame.take(vec![2, NO_ROW, 1, 0]);
        let n = taken.columns[0].data();
        assert_eq!(
            (0..4).map(|r| n.int_at(r)).collect::<Vec<_>>(),
            [Some(7), None, None, Some(5)],
            "NO_ROW and nulls read as null"
        );
        let s = taken.columns[1].data();
        assert_eq!((0..4).map(|r| s.str_at(r)).collect::<Vec<_>>(), ["a", "", "", "a"]);
        let joined = Data::concat(&[s, &Data::Str(vec![Arc::from("b")].into())], Type::String);
        assert_eq!(joined.len(), 5);
        assert_eq!(joined.str_at(4), "b");
        assert_eq!(joined.str_at(0), "a");
    }
}

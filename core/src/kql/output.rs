//! What a query gives back: one [`ResultTable`] per tabular statement (owned, independent
//! of the store, so the app can keep it while files change), the chart `render` asked for,
//! and the `now` the query ran with.

use super::frame::{Data, Frame};
use super::plan::RenderSpec;
use super::value::{Type, Value};
use std::sync::Arc;

/// One column of a result.
#[derive(Clone, Debug)]
pub struct ResultColumn {
    pub name: String,
    pub ty: Type,
    values: Values,
}

/// A result column's values: strings as codes into the column's distinct texts (4 bytes a
/// row, each text once), everything else as the engine's vectors.
#[derive(Clone, Debug)]
enum Values {
    Strings { codes: Vec<u32>, texts: Vec<Arc<str>> },
    Other(Data<'static>),
}

impl ResultColumn {
    fn value(&self, row: usize) -> Value {
        match &self.values {
            Values::Strings { codes, texts } => codes
                .get(row)
                .and_then(|&c| texts.get(c as usize))
                .map_or_else(|| Value::str(""), |s| Value::String(Arc::clone(s))),
            Values::Other(data) => data.value(row, self.ty),
        }
    }
}

/// Distinct texts of a string column, numbered as first seen.
fn strings(data: &Data<'_>) -> Values {
    let mut codes = Vec::with_capacity(data.len());
    let mut texts: Vec<Arc<str>> = Vec::new();
    match data {
        Data::Sym(syms, interner) => {
            // Symbol to code through a vector as long as the interner: no hashing per row.
            let mut seen: Vec<u32> = vec![u32::MAX; interner.len()];
            for &s in syms.iter() {
                let code = match seen.get_mut(s as usize) {
                    Some(slot) if *slot != u32::MAX => *slot,
                    Some(slot) => {
                        *slot = texts.len() as u32;
                        texts.push(Arc::from(interner.resolve(crate::store::Sym(s))));
                        *slot
                    }
                    None => {
                        texts.push(Arc::from(""));
                        texts.len() as u32 - 1
                    }
                };
                codes.push(code);
            }
        }
        _ => {
            let mut seen: rustc_hash::FxHashMap<Arc<str>, u32> = rustc_hash::FxHashMap::default();
            for row in 0..data.len() {
                let text = match data {
                    Data::Str(v) => Arc::clone(&v[row]),
                    other => Arc::from(other.str_at(row)),
                };
                let next = texts.len() as u32;
                let code = *seen.entry(Arc::clone(&text)).or_insert_with(|| {
                    texts.push(text);
                    next
                });
                codes.push(code);
            }
        }
    }
    Values::Strings { codes, texts }
}

/// A result table: columns of one type each, rows read by index.
#[derive(Clone, Debug, Default)]
pub struct ResultTable {
    pub columns: Vec<ResultColumn>,
    rows: usize,
}

impl ResultTable {
    /// The frame's values, copied out of the store (strings resolved once per symbol).
    pub fn from_frame(frame: &Frame<'_>) -> ResultTable {
        let columns = frame
            .columns
            .iter()
            .map(|c| {
                let values = match c.data() {
                    Data::Bool(v) => Values::Other(Data::Bool(v.clone())),
                    Data::Int(v) => Values::Other(Data::Int(v.clone())),
                    Data::Real(v) => Values::Other(Data::Real(v.clone())),
                    Data::Dyn(v) => Values::Other(Data::Dyn(v.clone())),
                    text @ (Data::Str(_) | Data::Sym(..)) => strings(text),
                };
                ResultColumn { name: c.name.clone(), ty: c.ty, values }
            })
            .collect();
        ResultTable { columns, rows: frame.rows }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    pub fn column_names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The value of a cell (null out of range).
    pub fn value(&self, row: usize, column: usize) -> Value {
        self.columns.get(column).map_or(Value::Null, |c| c.value(row))
    }

    /// A cell as Kusto prints it.
    pub fn display(&self, row: usize, column: usize) -> String {
        self.value(row, column).to_display()
    }

    /// A whole row's values.
    pub fn row(&self, row: usize) -> Vec<Value> {
        (0..self.columns.len()).map(|c| self.value(row, c)).collect()
    }

    /// A whole row as display texts.
    pub fn row_display(&self, row: usize) -> Vec<String> {
        (0..self.columns.len()).map(|c| self.display(row, c)).collect()
    }
}

/// The kind of chart `render` asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChartKind {
    TimeChart,
    LineChart,
    AreaChart,
    BarChart,
    ColumnChart,
    PieChart,
    ScatterChart,
    Table,
    /// Any other visualization, by name (`card`, `anomalychart`...).
    Other(String),
}

impl ChartKind {
    pub fn from_name(name: &str) -> ChartKind {
        match name.to_ascii_lowercase().as_str() {
            "timechart" => ChartKind::TimeChart,
            "linechart" => ChartKind::LineChart,
            "areachart" => ChartKind::AreaChart,
            "barchart" => ChartKind::BarChart,
            "columnchart" => ChartKind::ColumnChart,
            "piechart" => ChartKind::PieChart,
            "scatterchart" => ChartKind::ScatterChart,
            "table" => ChartKind::Table,
            other => ChartKind::Other(other.to_string()),
        }
    }
}

/// A `render` request: the chart and its `with (...)` properties.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartRequest {
    pub kind: ChartKind,
    pub title: Option<String>,
    /// `kind=stacked` (or `stacked100`).
    pub stacked: bool,
    /// Every property as written (`xtitle`, `ycolumns`, `series`...), values as text.
    pub properties: Vec<(String, Vec<String>)>,
}

impl ChartRequest {
    pub fn from_spec(spec: &RenderSpec) -> ChartRequest {
        let text = |name: &str| {
            spec.properties
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .and_then(|(_, v)| v.first())
                .map(Value::to_display)
        };
        ChartRequest {
            kind: ChartKind::from_name(&spec.kind),
            title: text("title"),
            stacked: text("kind").is_some_and(|k| k.to_ascii_lowercase().starts_with("stacked")),
            properties: spec
                .properties
                .iter()
                .map(|(n, v)| (n.clone(), v.iter().map(Value::to_display).collect()))
                .collect(),
        }
    }
}

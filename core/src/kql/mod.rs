//! The KQL engine: ask the loaded records any question in Kusto Query Language, offline.
//!
//! text -> [`params`] (workbook parameters substituted) -> [`lexer`] (tokens with spans)
//! -> [`parser`] ([`ast`] with spans) -> plan (names and types checked before any row is
//! touched) -> exec (operators over columns) -> a result table (and a chart request for
//! `render`). Scalar functions and aggregations live in [`functions`] and [`aggregates`],
//! over the [`value`] types.

pub mod aggregates;
pub mod ast;
pub mod chart;
pub mod complete;
pub mod error;
pub mod eval;
pub mod exec;
pub mod format;
pub mod frame;
pub mod functions;
pub mod lexer;
pub mod library;
pub mod output;
pub mod params;
pub mod parser;
pub mod plan;
pub mod regex_cache;
pub mod source;
pub mod temporal;
pub mod value;

pub use error::{ErrorKind, QueryError};
pub use output::{ChartKind, ChartRequest, ResultTable};

use crate::model::TableKind;
use crate::store::Store;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// How a query runs.
#[derive(Clone, Debug)]
pub struct QueryOptions {
    /// What `now()` and `ago()` measure from; `None` = the latest `TimeGenerated` loaded
    /// (the records are in the past), or the wall clock when nothing is loaded.
    pub now: Option<i64>,
    /// Set to true (from another thread) to stop the query with a `Cancelled` error.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Most cells (rows x columns) any intermediate or final table may hold: past it the
    /// query stops with a `Limit` error instead of exhausting memory.
    pub max_cells: usize,
}

/// The default cell limit: about a gigabyte of cells.
pub const DEFAULT_MAX_CELLS: usize = 100_000_000;

impl Default for QueryOptions {
    fn default() -> Self {
        QueryOptions { now: None, cancel: None, max_cells: DEFAULT_MAX_CELLS }
    }
}

/// The answer to a query: one table per tabular statement, as Kusto returns them.
#[derive(Clone, Debug)]
pub struct QueryOutput {
    pub tables: Vec<ResultTable>,
    /// The chart the last `render` asked for.
    pub chart: Option<ChartRequest>,
    /// The `now` the query ran with (ticks).
    pub now: i64,
}

/// The latest `TimeGenerated` of any loaded record.
pub fn latest_time(store: &Store) -> Option<i64> {
    TableKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let table = store.table(kind);
            let column = kind.column_index("TimeGenerated")?;
            (0..table.len()).filter_map(|r| table.col(column).int(r)).max()
        })
        .max()
}

/// The wall clock in ticks.
pub fn wall_clock() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_nanos() / 100).unwrap_or(i64::MAX)
}

/// Parses and plans a query without running it: the errors a user sees before any row is read.
pub fn check(store: &Store, query: &str) -> Result<(), QueryError> {
    let script = parser::parse(query)?;
    let now = latest_time(store).unwrap_or_else(wall_clock);
    plan::Planner::new(store, now).script(&script).map(|_| ())
}

/// Runs a KQL query over the loaded tables.
pub fn run(store: &Store, query: &str, options: &QueryOptions) -> Result<QueryOutput, QueryError> {
    let script = parser::parse(query)?;
    let now = options.now.or_else(|| latest_time(store)).unwrap_or_else(wall_clock);
    let queries = plan::Planner::new(store, now).script(&script)?;
    let exec = exec::Exec::new(store, now, options.cancel.clone(), options.max_cells);
    let mut tables = Vec::with_capacity(queries.len());
    let mut chart = None;
    for query in &queries {
        let frame = exec.run(&query.plan)?;
        exec.check()?;
        exec.limit(frame.rows as u64, frame.columns.len(), query.plan.span, "the result")?;
        tables.push(ResultTable::from_frame(&frame));
        if let Some(spec) = &query.render {
            chart = Some(ChartRequest::from_spec(spec));
        }
    }
    Ok(QueryOutput { tables, chart, now })
}

#[cfg(test)]
mod tests;

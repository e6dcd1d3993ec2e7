//! Execution of a plan over the store's columns. Each operator family has its module:
//! [`rows`] (where, project, take, sort, top, distinct, count), [`group`] (grouping keys to
//! group ids), [`summarize`], [`join`], [`expand`] (mv-expand, parse), [`series`]
//! (make-series) and [`sources`] (datatable, print, range, union).
//!
//! Every loop over rows checks the cancel flag now and then, and every operator that can
//! grow its output checks [`Exec::limit`] before it allocates: a runaway query ends with a
//! `Limit` error, never with the machine out of memory.

pub mod expand;
pub mod group;
pub mod join;
pub mod rows;
pub mod series;
pub mod sources;
pub mod summarize;

use super::error::QueryError;
use super::eval;
use super::frame::Frame;
use super::plan::{Node, Plan, TExpr};
use super::source;
use super::value::Value;
use crate::store::Store;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A running query: the store, the query's `now`, its limits and its materialized tables.
pub struct Exec<'a> {
    pub store: &'a Store,
    pub now: i64,
    cancel: Option<Arc<AtomicBool>>,
    max_cells: usize,
    materialized: RefCell<HashMap<usize, Frame<'a>>>,
}

type R<T> = Result<T, QueryError>;

impl<'a> Exec<'a> {
    pub fn new(store: &'a Store, now: i64, cancel: Option<Arc<AtomicBool>>, max_cells: usize) -> Exec<'a> {
        Exec { store, now, cancel, max_cells: max_cells.max(1), materialized: RefCell::new(HashMap::new()) }
    }

    /// Fails when the user cancelled the query.
    pub fn check(&self) -> R<()> {
        match &self.cancel {
            Some(flag) if flag.load(Ordering::Relaxed) => Err(QueryError::cancelled()),
            _ => Ok(()),
        }
    }

    /// Fails when a table of `rows` x `columns` would pass the cell limit.
    pub fn limit(&self, rows: u64, columns: usize, span: super::ast::Span, what: &str) -> R<()> {
        let cells = rows.saturating_mul(columns.max(1) as u64);
        if cells > self.max_cells as u64 {
            return Err(QueryError::limit(
                span,
                format!(
                    "{what} would make {rows} rows x {columns} columns, past the limit of {} cells; narrow the query (where, project, take) first",
                    self.max_cells
                ),
            ));
        }
        Ok(())
    }

    /// Runs a plan to its table.
    pub fn run(&self, plan: &Plan) -> R<Frame<'a>> {
        self.check()?;
        let span = plan.span;
        let frame = match &plan.node {
            Node::Table(kind) => source::table(self.store, *kind),
            Node::Rows(rows) => sources::rows(&plan.schema, rows),
            Node::Print(exprs) => sources::print(self, &plan.schema, exprs)?,
            Node::Range { from, to, step } => sources::range(self, &plan.schema, from, to, step, span)?,
            Node::Materialized { id, plan: inner } => {
                if let Some(f) = self.materialized.borrow().get(id) {
                    return Ok(f.clone());
                }
                // Each column is computed at most once however many uses read it: the frame's
                // columns are shared, and a column keeps its values once read.
                let f = self.run(inner)?;
                self.materialized.borrow_mut().insert(*id, f.clone());
                f
            }
            Node::Union { legs, columns, source } => {
                let frames = legs.iter().map(|l| self.run(l)).collect::<R<Vec<_>>>()?;
                sources::union(self, &plan.schema, &frames, columns, source.as_deref(), span)?
            }
            Node::Where(input, predicate) => {
                let f = self.run(input)?;
                rows::filter(self, f, predicate)?
            }
            Node::Project(input, exprs) => {
                let f = self.run(input)?;
                rows::project(self, &f, &plan.schema, exprs)?
            }
            Node::Summarize(input, s) => {
                let f = self.run(input)?;
                summarize::summarize(self, &f, s, &plan.schema, span)?
            }
            Node::Sort(input, keys) => {
                let f = self.run(input)?;
                rows::sort(self, f, keys, None)?
            }
            Node::Top(input, n, keys) => {
                let f = self.run(input)?;
                rows::sort(self, f, keys, Some(*n))?
            }
            Node::Take(input, n) => self.run(input)?.head(*n),
            Node::Distinct(input, columns) => {
                let f = self.run(input)?;
                rows::distinct(self, &f, columns)?
            }
            Node::Count(input) => {
                let f = self.run(input)?;
                rows::count(&f)
            }
            Node::Join(left, right, j) => {
                let l = self.run(left)?;
                let r = self.run(right)?;
                join::join(self, &l, &r, j, &plan.schema, span)?
            }
            Node::MvExpand(input, m) => {
                let f = self.run(input)?;
                expand::mv_expand(self, &f, m, &plan.schema, span)?
            }
            Node::Parse(input, p) => {
                let f = self.run(input)?;
                expand::parse(self, &f, p, &plan.schema)?
            }
            Node::MakeSeries(input, m) => {
                let f = self.run(input)?;
                series::make_series(self, &f, m, &plan.schema, span)?
            }
        };
        // Operators that can grow a table check the limit before they allocate; this catches
        // what they made.
        // Filters, projections, sorts and takes never grow their input (their columns are
        // gathered lazily); the result table is checked as a whole when it is made.
        if matches!(
            plan.node,
            Node::Join(..) | Node::MvExpand(..) | Node::Summarize(..) | Node::MakeSeries(..) | Node::Range { .. }
        ) {
            self.limit(frame.rows as u64, frame.columns.len(), span, "this operator")?;
        }
        Ok(frame)
    }

    /// The value of an expression that reads no column.
    pub fn constant_value(&self, e: &TExpr) -> R<Value> {
        eval::eval_constant(self, e)
    }

    /// `toscalar()`: the first column of the first row (null when there is none).
    pub fn scalar_of(&self, plan: &Plan) -> R<Value> {
        let f = self.run(plan)?;
        Ok(match f.columns.first() {
            Some(c) if f.rows > 0 => c.data().value(0, c.ty),
            _ => Value::Null,
        })
    }
}

/// The value of a constant expression at planning time (`take 10`, `ago(1d)`, `let x = ...`).
pub fn constant(store: &Store, now: i64, e: &TExpr) -> R<Value> {
    let x = Exec::new(store, now, None, usize::MAX);
    x.constant_value(e)
}

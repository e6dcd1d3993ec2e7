//! Tables made by the query itself: `datatable` (and `getschema`) rows, `print`, `range`,
//! and `union` of several tables.

use super::super::ast::Span;
use super::super::error::QueryError;
use super::super::eval::eval;
use super::super::frame::{Builder, Column, Data, Frame};
use super::super::plan::{Schema, TExpr};
use super::super::value::{Type, Value};
use super::Exec;
use std::sync::Arc;

type R<T> = Result<T, QueryError>;

/// Rows given as values, already of their columns' types.
pub fn rows<'a>(schema: &Schema, rows: &[Vec<Value>]) -> Frame<'a> {
    let columns = schema
        .iter()
        .enumerate()
        .map(|(i, (name, ty))| {
            let mut b = Builder::new(*ty, rows.len());
            for row in rows {
                b.push(row.get(i).unwrap_or(&Value::Null));
            }
            Column::new(name.clone(), *ty, b.finish())
        })
        .collect();
    Frame::new(columns, rows.len())
}

/// `print`: one row.
pub fn print<'a>(x: &Exec<'a>, schema: &Schema, exprs: &[TExpr]) -> R<Frame<'a>> {
    let one = Frame::new(Vec::new(), 1);
    let mut columns = Vec::new();
    for (e, (name, ty)) in exprs.iter().zip(schema) {
        columns.push(Column::new(name.clone(), *ty, eval(x, e, &one)?));
    }
    Ok(Frame::new(columns, 1))
}

/// `range c from a to b step s`: a, a+s, ... up to b inclusive.
pub fn range<'a>(x: &Exec<'a>, schema: &Schema, from: &TExpr, to: &TExpr, step: &TExpr, span: Span) -> R<Frame<'a>> {
    let (name, ty) = schema.first().cloned().unwrap_or_else(|| ("value".to_string(), Type::Long));
    let (a, b, s) = (x.constant_value(from)?, x.constant_value(to)?, x.constant_value(step)?);
    let data = match ty {
        Type::Real => {
            let (Some(a), Some(b), Some(s)) = (a.to_real(), b.to_real(), s.to_real()) else {
                return Err(QueryError::runtime(span, "`range` bounds must be numbers"));
            };
            if s == 0.0 || !s.is_finite() {
                return Err(QueryError::runtime(span, "`range` step must not be zero"));
            }
            let count = ((b - a) / s).floor();
            let count = if count.is_finite() && count >= 0.0 { count as u64 + 1 } else { 0 };
            x.limit(count, 1, span, "range")?;
            Data::Real((0..count).map(|i| a + s * i as f64).collect())
        }
        _ => {
            let ticks = |v: &Value| match v {
                Value::Int(i) | Value::DateTime(i) | Value::TimeSpan(i) => Some(*i),
                Value::Real(r) if r.is_finite() => Some(*r as i64),
                _ => None,
            };
            let (Some(a), Some(b), Some(s)) = (ticks(&a), ticks(&b), ticks(&s)) else {
                return Err(QueryError::runtime(span, "`range` bounds must be numbers, datetimes or timespans"));
            };
            if s == 0 {
                return Err(QueryError::runtime(span, "`range` step must not be zero"));
            }
            let count = (i128::from(b) - i128::from(a)) / i128::from(s);
            let count = if count < 0 { 0 } else { u64::try_from(count).unwrap_or(u64::MAX).saturating_add(1) };
            x.limit(count, 1, span, "range")?;
            Data::Int((0..count as i64).map(|i| a.wrapping_add(s.wrapping_mul(i))).collect())
        }
    };
    let rows = data.len();
    Ok(Frame::new(vec![Column::new(name, ty, data)], rows))
}

/// The legs one after the other, each leg's columns placed by `columns[leg]`; with
/// `withsource`, a first column naming each row's leg.
pub fn union<'a>(
    x: &Exec<'a>,
    schema: &Schema,
    frames: &[Frame<'a>],
    columns: &[Vec<Option<usize>>],
    source: Option<&[String]>,
    span: Span,
) -> R<Frame<'a>> {
    let rows: usize = frames.iter().map(|f| f.rows).sum();
    x.limit(rows as u64, 1, span, "union")?;
    let mut out = Vec::with_capacity(schema.len());
    let data_schema = if source.is_some() { &schema[1..] } else { schema };
    if let Some(names) = source {
        let mut b = Vec::with_capacity(rows);
        for (f, name) in frames.iter().zip(names) {
            let name: Arc<str> = Arc::from(name.as_str());
            b.extend(std::iter::repeat_n(name, f.rows));
        }
        out.push(Column::new(schema[0].0.clone(), Type::String, Data::Str(b.into())));
    }
    // Each column is put together when first read: a search over every table reads only
    // its text columns.
    for (i, (name, ty)) in data_schema.iter().enumerate() {
        let parts = frames
            .iter()
            .zip(columns)
            .map(|(f, cols)| (cols.get(i).copied().flatten().and_then(|c| f.columns.get(c)), f.rows))
            .collect();
        out.push(Column::concat(name.clone(), *ty, parts));
    }
    Ok(Frame::new(out, rows))
}

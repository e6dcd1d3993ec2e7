//! `make-series`: one row per group of the `by` keys, each aggregation as an array with one
//! element per step of the axis (the default, 0 unless given, where a step has no row), and
//! the axis itself as an array. Without `from`, the axis starts at the step holding the
//! smallest value; without `to`, it ends after the step holding the largest; `to` is
//! exclusive.

use super::super::ast::Span;
use super::super::error::QueryError;
use super::super::eval::eval;
use super::super::frame::{Column, Data, Frame, NULL_INT};
use super::super::plan::{Schema, SeriesPlan};
use super::super::value::{Type, Value};
use super::Exec;
use super::group::{self, Groups};
use super::summarize;
use serde_json::Value as Json;

type R<T> = Result<T, QueryError>;

/// Most steps a series may have (Kusto's limit).
const MAX_STEPS: i128 = 1 << 20;

fn ticks(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) | Value::DateTime(i) | Value::TimeSpan(i) => Some(*i),
        Value::Real(r) if r.is_finite() => Some(*r as i64),
        _ => None,
    }
}

pub fn make_series<'a>(x: &Exec<'a>, f: &Frame<'a>, m: &SeriesPlan, schema: &Schema, span: Span) -> R<Frame<'a>> {
    let axis = eval(x, &m.axis, f)?;
    let Data::Int(axis_values) = &axis else {
        return Err(QueryError::unsupported(span, "`make-series` needs a datetime, timespan or whole-number axis"));
    };
    let step = ticks(&x.constant_value(&m.step)?)
        .filter(|s| *s > 0)
        .ok_or_else(|| QueryError::runtime(m.step.span, "`make-series` step must be a positive timespan or number"))?;
    let present = axis_values.iter().copied().filter(|&v| v != NULL_INT);
    let (min, max) = present.fold((None, None), |(lo, hi): (Option<i64>, Option<i64>), v| {
        (Some(lo.map_or(v, |l| l.min(v))), Some(hi.map_or(v, |h| h.max(v))))
    });
    let floor = |v: i64| v.saturating_sub(v.rem_euclid(step));
    let from = match &m.from {
        Some(e) => ticks(&x.constant_value(e)?),
        None => min.map(floor),
    };
    let to = match &m.to {
        Some(e) => ticks(&x.constant_value(e)?),
        None => max.map(|v| floor(v).saturating_add(step)),
    };
    let steps: i128 = match (from, to) {
        (Some(a), Some(b)) if b > a => (i128::from(b) - i128::from(a) + i128::from(step) - 1) / i128::from(step),
        _ => 0,
    };
    if steps > MAX_STEPS {
        return Err(QueryError::limit(span, format!("`make-series` would make {steps} steps, more than {MAX_STEPS}")));
    }
    let (from, steps) = (from.unwrap_or(0), usize::try_from(steps).unwrap_or(0));
    let keys: Vec<(Data<'a>, Type)> = m.keys.iter().map(|k| eval(x, k, f).map(|d| (d, k.ty))).collect::<R<_>>()?;
    let groups = group::group(x, &keys, f.rows)?;
    // Without keys and without rows there is no series.
    let series_count = if m.keys.is_empty() && f.rows == 0 { 0 } else { groups.len() };
    x.limit((series_count as u64).saturating_mul(steps as u64), schema.len(), span, "make-series")?;
    // Rows inside the axis range, each with its (series, step) cell.
    let mut rows: Vec<u32> = Vec::new();
    let mut cells: Vec<u32> = Vec::new();
    let mut filled = vec![false; series_count * steps];
    for (row, &v) in axis_values.iter().enumerate() {
        if v == NULL_INT || v < from || steps == 0 {
            continue;
        }
        let k = usize::try_from((i128::from(v) - i128::from(from)) / i128::from(step)).unwrap_or(usize::MAX);
        if k >= steps {
            continue;
        }
        let cell = groups.of_row[row] as usize * steps + k;
        rows.push(row as u32);
        cells.push(cell as u32);
        if let Some(slot) = filled.get_mut(cell) {
            *slot = true;
        }
    }
    let inside = f.take(rows);
    let cell_groups = Groups { of_row: cells, first_rows: vec![0; series_count * steps] };
    let mut columns: Vec<Column<'a>> = Vec::new();
    let group_rows: Vec<u32> = groups.first_rows.iter().take(series_count).copied().collect();
    for ((d, ty), (name, _)) in keys.iter().zip(schema) {
        columns.push(Column::new(name.clone(), *ty, d.take(&group_rows)));
    }
    for ((agg, default), (name, _)) in m.aggs.iter().zip(&schema[keys.len()..]) {
        let computed = summarize::aggregate(x, agg, &inside, &cell_groups, false, span)?;
        let Some((ty, values)) = computed.into_iter().next() else {
            continue;
        };
        let arrays: Vec<Value> = (0..series_count)
            .map(|s| {
                let items = (0..steps)
                    .map(|k| {
                        let cell = s * steps + k;
                        if filled[cell] { values.value(cell, ty).to_json() } else { default.to_json() }
                    })
                    .collect();
                Value::dynamic(Json::Array(items))
            })
            .collect();
        columns.push(Column::new(name.clone(), Type::Dynamic, Data::Dyn(arrays.into())));
    }
    let axis_ty = m.axis.ty;
    let axis_array = Value::dynamic(Json::Array(
        (0..steps)
            .map(|k| {
                let t = from.saturating_add(step.saturating_mul(k as i64));
                match axis_ty {
                    Type::DateTime => Value::DateTime(t),
                    Type::TimeSpan => Value::TimeSpan(t),
                    _ => Value::Int(t),
                }
                .to_json()
            })
            .collect(),
    ));
    if let Some((name, _)) = schema.last() {
        columns.push(Column::new(name.clone(), Type::Dynamic, Data::Dyn(vec![axis_array; series_count].into())));
    }
    Ok(Frame::new(columns, series_count))
}

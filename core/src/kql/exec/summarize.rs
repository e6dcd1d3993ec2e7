//! `summarize`: rows grouped by their keys ([`super::group`]), then each aggregation slot
//! computed per group. `count()`, and `sum`, `min`, `max`, `avg`, `countif`, `sumif` of
//! integer and real columns run over the typed vectors (a few adds per row); every other
//! aggregation runs through the library's accumulators, one per group. The aggregations'
//! results for a group with no value (all nulls) are the library's own, so both paths agree.

use super::super::aggregates::{Accumulator, AggFn};
use super::super::ast::Span;
use super::super::error::QueryError;
use super::super::eval::{eval, eval_bool};
use super::super::frame::{Builder, Column, Data, Frame, NO_ROW, NULL_INT, ValueReader};
use super::super::plan::{Agg, Schema, SummarizePlan, TExpr};
use super::super::value::{Type, Value, compare};
use super::group::{self, Groups};
use super::{Exec, rows};
use std::cmp::Ordering;

type R<T> = Result<T, QueryError>;

pub fn summarize<'a>(x: &Exec<'a>, f: &Frame<'a>, s: &SummarizePlan, schema: &Schema, span: Span) -> R<Frame<'a>> {
    let keys: Vec<(Data<'a>, Type)> = s.keys.iter().map(|k| eval(x, k, f).map(|d| (d, k.ty))).collect::<R<_>>()?;
    let groups = group::group(x, &keys, f.rows)?;
    x.limit(groups.len() as u64, schema.len(), span, "summarize")?;
    let mut columns: Vec<Column<'a>> = keys
        .iter()
        .enumerate()
        .map(|(i, (d, t))| Column::new(format!("key{i}"), *t, d.take(&groups.first_rows)))
        .collect();
    // No key and no row: one group with no row in it.
    let counts_only_empty = s.keys.is_empty() && f.rows == 0;
    for agg in &s.aggs {
        for (ty, data) in aggregate(x, agg, f, &groups, counts_only_empty, span)? {
            columns.push(Column::new(format!("slot{}", columns.len()), ty, data));
        }
    }
    let grouped = Frame::new(columns, groups.len());
    rows::project(x, &grouped, schema, &s.outputs)
}

/// The empty result of a library aggregation (no row, or only nulls).
fn empty_result(func: &'static AggFn, types: &[Type], consts: &[Value]) -> Value {
    (func.new)(types, consts).finish()
}

/// What `summarize` without keys gives over no row at all (the summarize operator's table of
/// aggregation defaults): 0 for counts, sums, variances and deviations, `[]` for the
/// `make_*` family; `None` (the aggregation's own empty result, null) for the others.
fn empty_input_default(name: &str, ty: Type) -> Option<Value> {
    match name {
        "count" | "countif" | "dcount" | "dcountif" | "count_distinct" | "count_distinctif" | "sum" | "sumif"
        | "variance" | "varianceif" | "variancep" | "stdev" | "stdevif" | "stdevp" => {
            Some(Value::Int(0).convert_to(ty))
        }
        n if n.starts_with("make") => Some(Value::dynamic(serde_json::Value::Array(Vec::new()))),
        _ => None,
    }
}

fn fast_numeric(name: &str) -> bool {
    matches!(name, "sum" | "min" | "max" | "avg" | "countif" | "sumif")
}

/// One slot's columns (type and values), one row per group.
pub fn aggregate<'a>(
    x: &Exec<'a>,
    agg: &Agg,
    f: &Frame<'a>,
    groups: &Groups,
    no_rows: bool,
    span: Span,
) -> R<Vec<(Type, Data<'a>)>> {
    let n = groups.len();
    Ok(match agg {
        Agg::Count => {
            let mut counts = vec![0i64; n];
            if !no_rows {
                for &g in &groups.of_row {
                    counts[g as usize] += 1;
                }
            }
            vec![(Type::Long, Data::Int(counts.into()))]
        }
        Agg::Library { func, args, arg_types, consts } => {
            let ty = (func.result)(arg_types).map_err(|m| QueryError::type_error(span, m))?;
            if no_rows && let Some(value) = empty_input_default(func.name, ty) {
                return Ok(vec![(ty, Data::constant(&value, ty, n))]);
            }
            if fast_numeric(func.name)
                && let Some(out) = numeric(x, func, args, arg_types, consts, ty, f, groups, no_rows)?
            {
                return Ok(vec![(ty, out)]);
            }
            if matches!(func.name, "dcount" | "count_distinct")
                && let Some(value) = args.first()
                && value.ty != Type::Dynamic
            {
                let d = eval(x, value, f)?;
                return Ok(vec![(ty, distinct_count(&d, value.ty, groups, no_rows))]);
            }
            vec![(ty, library(x, func, args, arg_types, consts, ty, f, groups, no_rows)?)]
        }
        Agg::Percentiles { func, value, arg_types, percents } => {
            let d = eval(x, value, f)?;
            let mut out = Vec::new();
            for p in percents {
                let consts = std::slice::from_ref(p);
                let ty = (func.result)(arg_types).map_err(|m| QueryError::type_error(span, m))?;
                let mut accs: Vec<Box<dyn Accumulator>> = (0..n).map(|_| (func.new)(arg_types, consts)).collect();
                if !no_rows {
                    let mut args = [Value::Null, p.clone()];
                    for (row, &g) in groups.of_row.iter().enumerate() {
                        if row % 65536 == 0 {
                            x.check()?;
                        }
                        args[0] = d.value(row, value.ty);
                        accs[g as usize].add(&args);
                    }
                }
                let mut b = Builder::new(ty, n);
                for acc in &mut accs {
                    b.push(&acc.finish());
                }
                out.push((ty, b.finish()));
            }
            out
        }
        Agg::AnyRow { outputs } => {
            let rows = if no_rows { vec![NO_ROW; n] } else { groups.first_rows.clone() };
            let chosen = f.take(rows);
            outputs.iter().map(|o| eval(x, o, &chosen).map(|d| (o.ty, d))).collect::<R<_>>()?
        }
        Agg::ArgExtreme { by, max, outputs } => {
            let d = eval(x, by, f)?;
            let best = arg_extreme(x, &d, by.ty, *max, groups, no_rows)?;
            // The outputs are computed on the chosen rows only.
            let chosen = f.take(best);
            let mut out = vec![(by.ty, eval(x, by, &chosen)?)];
            for o in outputs {
                out.push((o.ty, eval(x, o, &chosen)?));
            }
            out
        }
    })
}

/// The row of each group with the largest (or smallest) non-null `by`; the first such row on
/// ties; [`NO_ROW`] for a group with none.
fn arg_extreme(x: &Exec<'_>, d: &Data<'_>, ty: Type, max: bool, groups: &Groups, no_rows: bool) -> R<Vec<u32>> {
    let mut best = vec![NO_ROW; groups.len()];
    if no_rows {
        return Ok(best);
    }
    let wanted = if max { Ordering::Greater } else { Ordering::Less };
    match d {
        Data::Int(v) => {
            for (row, (&g, &value)) in groups.of_row.iter().zip(v.iter()).enumerate() {
                if value == NULL_INT {
                    continue;
                }
                let b = &mut best[g as usize];
                if *b == NO_ROW || value.cmp(&v[*b as usize]) == wanted {
                    *b = row as u32;
                }
            }
        }
        Data::Real(v) => {
            for (row, (&g, &value)) in groups.of_row.iter().zip(v.iter()).enumerate() {
                if value.is_nan() {
                    continue;
                }
                let b = &mut best[g as usize];
                if *b == NO_ROW || value.partial_cmp(&v[*b as usize]) == Some(wanted) {
                    *b = row as u32;
                }
            }
        }
        _ => {
            let mut best_values: Vec<Value> = vec![Value::Null; groups.len()];
            for (row, &g) in groups.of_row.iter().enumerate() {
                if row % 65536 == 0 {
                    x.check()?;
                }
                let value = d.value(row, ty);
                if value.is_null() {
                    continue;
                }
                let g = g as usize;
                if best[g] == NO_ROW || compare(&value, &best_values[g]) == Some(wanted) {
                    best[g] = row as u32;
                    best_values[g] = value;
                }
            }
        }
    }
    Ok(best)
}

/// sum/min/max/avg/countif/sumif over typed vectors; `None` when the argument is not a
/// plain number column (the library path takes it).
#[allow(clippy::too_many_arguments)]
fn numeric<'a>(
    x: &Exec<'a>,
    func: &'static AggFn,
    args: &[TExpr],
    arg_types: &[Type],
    consts: &[Value],
    ty: Type,
    f: &Frame<'a>,
    groups: &Groups,
    no_rows: bool,
) -> R<Option<Data<'a>>> {
    let n = groups.len();
    let empty = empty_result(func, arg_types, consts);
    if func.name == "countif" {
        let [pred] = args else { return Ok(None) };
        let p = eval_bool(x, pred, f)?;
        let mut counts = vec![0i64; n];
        if !no_rows {
            for (&g, &b) in groups.of_row.iter().zip(p.iter()) {
                counts[g as usize] += i64::from(b == 1);
            }
        }
        return Ok(Some(Data::Int(counts.into())));
    }
    let (value, predicate) = match (func.name, args) {
        ("sumif", [v, p]) => (v, Some(p)),
        (_, [v]) => (v, None),
        _ => return Ok(None),
    };
    if !value.ty.is_numeric() {
        return Ok(None);
    }
    let d = eval(x, value, f)?;
    let keep: Option<std::sync::Arc<[u8]>> = match predicate {
        Some(p) => Some(eval_bool(x, p, f)?),
        None => None,
    };
    let reals: Vec<f64>;
    // Each row's value as (present, integer, real).
    let (ints, real_values): (Option<&[i64]>, Option<&[f64]>) = match &d {
        Data::Int(v) => (Some(v), None),
        Data::Real(v) => (None, Some(v)),
        _ => {
            reals = (0..d.len()).map(|r| d.value(r, value.ty).to_real().unwrap_or(f64::NAN)).collect();
            (None, Some(&reals))
        }
    };
    let mut seen = vec![false; n];
    let rows_of = |row: usize| keep.as_ref().is_none_or(|k| k.get(row) == Some(&1));
    let out = match (func.name, ints, real_values) {
        ("sum" | "sumif", Some(v), _) if matches!(ty, Type::Int | Type::Long) => {
            let mut sums = vec![0i64; n];
            if !no_rows {
                for (row, (&g, &value)) in groups.of_row.iter().zip(v.iter()).enumerate() {
                    if value != NULL_INT && rows_of(row) {
                        sums[g as usize] = sums[g as usize].wrapping_add(value);
                        seen[g as usize] = true;
                    }
                }
            }
            finish_ints(sums, &seen, &empty, ty)
        }
        ("min" | "max", Some(v), _) if matches!(ty, Type::Int | Type::Long | Type::DateTime | Type::TimeSpan) => {
            let is_max = func.name == "max";
            let mut best = vec![if is_max { i64::MIN } else { i64::MAX }; n];
            if !no_rows {
                for (&g, &value) in groups.of_row.iter().zip(v.iter()) {
                    if value != NULL_INT {
                        let b = &mut best[g as usize];
                        *b = if is_max { (*b).max(value) } else { (*b).min(value) };
                        seen[g as usize] = true;
                    }
                }
            }
            finish_ints(best, &seen, &empty, ty)
        }
        (name, ints, reals) if ty == Type::Real || name == "avg" => {
            let value_at = |row: usize| -> f64 {
                match (ints, reals) {
                    (Some(v), _) => {
                        let x = v[row];
                        if x == NULL_INT { f64::NAN } else { x as f64 }
                    }
                    (_, Some(v)) => v[row],
                    _ => f64::NAN,
                }
            };
            let mut acc = vec![0f64; n];
            let mut counts = vec![0u64; n];
            if name == "min" {
                acc.fill(f64::INFINITY);
            } else if name == "max" {
                acc.fill(f64::NEG_INFINITY);
            }
            if !no_rows {
                for (row, &g) in groups.of_row.iter().enumerate() {
                    let value = value_at(row);
                    if value.is_nan() || !rows_of(row) {
                        continue;
                    }
                    let (a, g) = (&mut acc[g as usize], g as usize);
                    match name {
                        "min" => *a = a.min(value),
                        "max" => *a = a.max(value),
                        _ => *a += value,
                    }
                    counts[g] += 1;
                    seen[g] = true;
                }
            }
            if name == "avg" {
                for (a, &c) in acc.iter_mut().zip(&counts) {
                    if c > 0 {
                        *a /= c as f64;
                    }
                }
            }
            let mut b = Builder::new(ty, n);
            for (a, s) in acc.iter().zip(&seen) {
                if *s { b.push(&Value::Real(*a)) } else { b.push(&empty) }
            }
            b.finish()
        }
        _ => return Ok(None),
    };
    Ok(Some(out))
}

/// `dcount` over key codes: (group, value) pairs counted once each; nulls and empty strings
/// are not values (the library's rule).
fn distinct_count<'a>(d: &Data<'_>, ty: Type, groups: &Groups, no_rows: bool) -> Data<'a> {
    let mut counts = vec![0i64; groups.len()];
    if no_rows {
        return Data::Int(counts.into());
    }
    let codes = group::codes(d, ty);
    let mut seen: rustc_hash::FxHashSet<(u32, u64)> = rustc_hash::FxHashSet::default();
    for (row, (&g, &code)) in groups.of_row.iter().zip(&codes).enumerate() {
        let empty = match d {
            Data::Sym(..) | Data::Str(_) => d.str_at(row).is_empty(),
            _ => code == group::NULL_CODE,
        };
        if !empty && seen.insert((g, code)) {
            counts[g as usize] += 1;
        }
    }
    Data::Int(counts.into())
}

fn finish_ints<'a>(values: Vec<i64>, seen: &[bool], empty: &Value, ty: Type) -> Data<'a> {
    if seen.iter().all(|s| *s) {
        return Data::Int(values.into());
    }
    let mut b = Builder::new(ty, values.len());
    for (v, s) in values.iter().zip(seen) {
        if *s {
            b.push(&match ty {
                Type::DateTime => Value::DateTime(*v),
                Type::TimeSpan => Value::TimeSpan(*v),
                _ => Value::Int(*v),
            });
        } else {
            b.push(empty);
        }
    }
    b.finish()
}

/// Any aggregation through the library's accumulators, one per group.
#[allow(clippy::too_many_arguments)]
fn library<'a>(
    x: &Exec<'a>,
    func: &'static AggFn,
    args: &[TExpr],
    arg_types: &[Type],
    consts: &[Value],
    ty: Type,
    f: &Frame<'a>,
    groups: &Groups,
    no_rows: bool,
) -> R<Data<'a>> {
    let n = groups.len();
    let datas: Vec<Data<'a>> = args.iter().map(|a| eval(x, a, f)).collect::<R<_>>()?;
    let mut readers: Vec<ValueReader<'_, 'a>> =
        datas.iter().zip(args).map(|(d, a)| ValueReader::new(d, a.ty)).collect();
    let mut accs: Vec<Box<dyn Accumulator>> = (0..n).map(|_| (func.new)(arg_types, consts)).collect();
    if !no_rows {
        let mut values = vec![Value::Null; args.len()];
        for (row, &g) in groups.of_row.iter().enumerate() {
            if row % 65536 == 0 {
                x.check()?;
            }
            for (value, reader) in values.iter_mut().zip(&mut readers) {
                *value = reader.get(row);
            }
            accs[g as usize].add(&values);
        }
    }
    let mut b = Builder::new(ty, n);
    for acc in &mut accs {
        b.push(&acc.finish());
    }
    Ok(b.finish())
}

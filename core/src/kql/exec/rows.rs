//! Row-wise operators: where, project/extend, sort/top, distinct, count.

use super::super::error::QueryError;
use super::super::eval::{eval, eval_bool};
use super::super::frame::{Column, Data, Frame, NULL_INT};
use super::super::plan::{Schema, SortSpec, TExpr, TKind};
use super::super::value::{Type, Value, sort_cmp};
use super::Exec;
use super::group;
use crate::store::Sym;
use std::cmp::Ordering;

type R<T> = Result<T, QueryError>;

/// Rows where the predicate is true (null counts as false).
pub fn filter<'a>(x: &Exec<'a>, f: Frame<'a>, predicate: &TExpr) -> R<Frame<'a>> {
    let keep = eval_bool(x, predicate, &f)?;
    x.check()?;
    let rows: Vec<u32> = keep.iter().enumerate().filter(|(_, k)| **k == 1).map(|(i, _)| i as u32).collect();
    if rows.len() == f.rows {
        return Ok(f);
    }
    Ok(f.take(rows))
}

/// The output columns computed over the input (a column reference shares its values).
pub fn project<'a>(x: &Exec<'a>, f: &Frame<'a>, schema: &Schema, exprs: &[TExpr]) -> R<Frame<'a>> {
    let mut columns = Vec::with_capacity(exprs.len());
    for (e, (name, ty)) in exprs.iter().zip(schema) {
        let column = match &e.kind {
            TKind::Column(i) if f.columns.get(*i).is_some_and(|c| c.ty == *ty) => f.columns[*i].renamed(name.clone()),
            _ => Column::new(name.clone(), *ty, eval(x, e, f)?),
        };
        columns.push(column);
    }
    Ok(Frame::new(columns, f.rows))
}

/// `count`: one row, one column `Count`.
pub fn count<'a>(f: &Frame<'a>) -> Frame<'a> {
    Frame::new(vec![Column::new("Count", Type::Long, Data::Int(vec![f.rows as i64].into()))], 1)
}

/// `distinct`: the first row of each distinct combination, in order of first appearance.
pub fn distinct<'a>(x: &Exec<'a>, f: &Frame<'a>, columns: &[usize]) -> R<Frame<'a>> {
    let keys: Vec<(Data<'a>, Type)> = columns.iter().map(|&i| (f.columns[i].data().clone(), f.columns[i].ty)).collect();
    let groups = group::group(x, &keys, f.rows)?;
    let picked = Frame::new(columns.iter().map(|&i| f.columns[i].clone()).collect(), f.rows);
    Ok(picked.take(groups.first_rows))
}

/// One sort key made comparable fast: integers, reals, ranks of strings, or values.
enum SortColumn {
    Int(std::sync::Arc<[i64]>),
    Real(std::sync::Arc<[f64]>),
    /// Each row's rank among the distinct strings (0 is the empty string).
    Rank(Vec<u32>),
    Values(Vec<Value>),
}

fn sort_column(d: &Data<'_>, ty: Type) -> SortColumn {
    match d {
        Data::Int(v) => SortColumn::Int(v.clone()),
        Data::Real(v) => SortColumn::Real(v.clone()),
        Data::Sym(codes, interner) => {
            let mut distinct: Vec<u32> = codes.to_vec();
            distinct.sort_unstable();
            distinct.dedup();
            distinct.sort_by(|a, b| interner.resolve(Sym(*a)).cmp(interner.resolve(Sym(*b))));
            let rank: rustc_hash::FxHashMap<u32, u32> =
                distinct.iter().enumerate().map(|(i, &c)| (c, i as u32)).collect();
            SortColumn::Rank(codes.iter().map(|c| rank.get(c).copied().unwrap_or(0)).collect())
        }
        Data::Str(v) => {
            let mut order: Vec<u32> = (0..v.len() as u32).collect();
            order.sort_by(|&a, &b| v[a as usize].cmp(&v[b as usize]));
            let mut rank = vec![0u32; v.len()];
            let mut current = 0u32;
            for (i, &row) in order.iter().enumerate() {
                if i > 0 && v[order[i - 1] as usize] != v[row as usize] {
                    current += 1;
                }
                rank[row as usize] = current;
            }
            SortColumn::Rank(rank)
        }
        other => SortColumn::Values((0..other.len()).map(|r| other.value(r, ty)).collect()),
    }
}

impl SortColumn {
    /// Compares two rows: `None` means "one of them is null" (the caller places nulls).
    fn cmp(&self, a: usize, b: usize) -> (bool, bool, Ordering) {
        match self {
            SortColumn::Int(v) => {
                let (p, q) = (v[a], v[b]);
                (p == NULL_INT, q == NULL_INT, p.cmp(&q))
            }
            SortColumn::Real(v) => {
                let (p, q) = (v[a], v[b]);
                (p.is_nan(), q.is_nan(), p.partial_cmp(&q).unwrap_or(Ordering::Equal))
            }
            SortColumn::Rank(v) => (false, false, v[a].cmp(&v[b])),
            SortColumn::Values(v) => (v[a].is_null(), v[b].is_null(), sort_cmp(&v[a], &v[b])),
        }
    }
}

/// `sort by` (and `top n by` when `limit` is given): Kusto's default is descending with nulls
/// last; ascending puts nulls first unless told.
pub fn sort<'a>(x: &Exec<'a>, f: Frame<'a>, keys: &[SortSpec], limit: Option<usize>) -> R<Frame<'a>> {
    let columns: Vec<SortColumn> =
        keys.iter().map(|k| eval(x, &k.expr, &f).map(|d| sort_column(&d, k.expr.ty))).collect::<R<_>>()?;
    x.check()?;
    let mut order: Vec<u32> = (0..f.rows as u32).collect();
    let compare = |a: &u32, b: &u32| -> Ordering {
        for (k, c) in keys.iter().zip(&columns) {
            let (an, bn, o) = c.cmp(*a as usize, *b as usize);
            let o = match (an, bn) {
                (true, true) => Ordering::Equal,
                (true, false) => {
                    if k.nulls_first {
                        Ordering::Less
                    } else {
                        Ordering::Greater
                    }
                }
                (false, true) => {
                    if k.nulls_first {
                        Ordering::Greater
                    } else {
                        Ordering::Less
                    }
                }
                (false, false) => {
                    if k.descending {
                        o.reverse()
                    } else {
                        o
                    }
                }
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    };
    match limit {
        Some(n) if n < order.len() => {
            if n > 0 {
                order.select_nth_unstable_by(n - 1, compare);
            }
            order.truncate(n);
            order.sort_by(compare);
        }
        _ => order.sort_by(compare),
    }
    Ok(f.take(order))
}

//! `join` (every kind) and `lookup`: both sides' keys are grouped together, so a left row
//! and a right row match when they fall in the same group; the right side's rows are listed
//! per group. The number of output rows is counted before any is made, so a join that
//! would explode (a cross join of two big tables on one key) stops with a `Limit` error.
//!
//! Kusto's kinds: `innerunique` (the default) keeps one left row per key value, then joins
//! inner; `inner` joins every match; `leftouter`/`rightouter`/`fullouter` add the unmatched
//! rows of a side with nulls; `leftsemi`/`rightsemi` keep one side's rows that match,
//! `leftanti`/`rightanti` those that do not. Null keys (other than strings) match nothing.

use super::super::ast::{JoinKind, Span};
use super::super::error::QueryError;
use super::super::eval::convert_data;
use super::super::frame::{Data, Frame, NO_ROW};
use super::super::plan::{JoinPlan, Schema, Side};
use super::super::value::Type;
use super::Exec;
use super::group::{self, NULL_CODE};

type R<T> = Result<T, QueryError>;

pub fn join<'a>(
    x: &Exec<'a>,
    left: &Frame<'a>,
    right: &Frame<'a>,
    j: &JoinPlan,
    schema: &Schema,
    span: Span,
) -> R<Frame<'a>> {
    let (nl, nr) = (left.rows, right.rows);
    // Key codes over both sides at once: left rows first, then right rows.
    let mut codes: Vec<Vec<u64>> = Vec::with_capacity(j.keys.len());
    for &(li, ri) in &j.keys {
        let (lc, rc) = (&left.columns[li], &right.columns[ri]);
        let ty = if lc.ty == rc.ty {
            lc.ty
        } else if lc.ty.is_numeric() && rc.ty.is_numeric() {
            if lc.ty == Type::Real || rc.ty == Type::Real { Type::Real } else { Type::Long }
        } else {
            Type::String
        };
        let l = convert_data(lc.data().clone(), lc.ty, ty);
        let r = convert_data(rc.data().clone(), rc.ty, ty);
        let both = Data::concat(&[&l, &r], ty);
        codes.push(group::codes(&both, ty));
    }
    x.check()?;
    let groups = group::group_codes(x, &codes, nl + nr)?;
    // A row with a null key (not a string) matches nothing.
    let null_key = |row: usize| codes.iter().any(|c| c[row] == NULL_CODE);
    let (left_groups, right_groups) = groups.of_row.split_at(nl);
    // Right rows listed per group (counting sort).
    let g = groups.len();
    let mut starts = vec![0u32; g + 1];
    for (r, &grp) in right_groups.iter().enumerate() {
        if !null_key(nl + r) {
            starts[grp as usize + 1] += 1;
        }
    }
    for i in 0..g {
        starts[i + 1] += starts[i];
    }
    let mut fill = starts.clone();
    let mut right_rows = vec![0u32; starts[g] as usize];
    for (r, &grp) in right_groups.iter().enumerate() {
        if !null_key(nl + r) {
            let slot = &mut fill[grp as usize];
            right_rows[*slot as usize] = r as u32;
            *slot += 1;
        }
    }
    let matches_of = |l: usize| -> &[u32] {
        if null_key(l) {
            return &[];
        }
        let grp = left_groups[l] as usize;
        &right_rows[starts[grp] as usize..starts[grp + 1] as usize]
    };
    // innerunique: the first left row of each key value.
    let left_kept: Vec<usize> = if j.kind == JoinKind::InnerUnique {
        let mut seen = vec![false; g];
        (0..nl)
            .filter(|&l| {
                let grp = left_groups[l] as usize;
                !std::mem::replace(&mut seen[grp], true)
            })
            .collect()
    } else {
        (0..nl).collect()
    };
    let columns = schema.len();
    let mut right_matched = vec![false; nr];
    let (mut li, mut ri): (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
    match j.kind {
        JoinKind::InnerUnique | JoinKind::Inner | JoinKind::LeftOuter | JoinKind::RightOuter | JoinKind::FullOuter => {
            let keep_left = matches!(j.kind, JoinKind::LeftOuter | JoinKind::FullOuter);
            let keep_right = matches!(j.kind, JoinKind::RightOuter | JoinKind::FullOuter);
            let mut total: u64 = 0;
            for &l in &left_kept {
                let m = matches_of(l).len() as u64;
                total = total.saturating_add(if m == 0 && keep_left { 1 } else { m });
            }
            x.limit(total, columns, span, "this join")?;
            li.reserve(total as usize);
            ri.reserve(total as usize);
            for (n, &l) in left_kept.iter().enumerate() {
                if n % 65536 == 0 {
                    x.check()?;
                }
                let m = matches_of(l);
                if m.is_empty() {
                    if keep_left {
                        li.push(l as u32);
                        ri.push(NO_ROW);
                    }
                    continue;
                }
                for &r in m {
                    li.push(l as u32);
                    ri.push(r);
                    right_matched[r as usize] = true;
                }
            }
            if keep_right {
                for (r, matched) in right_matched.iter().enumerate() {
                    if !matched {
                        li.push(NO_ROW);
                        ri.push(r as u32);
                    }
                }
                x.limit(li.len() as u64, columns, span, "this join")?;
            }
        }
        JoinKind::LeftSemi | JoinKind::LeftAnti => {
            let semi = j.kind == JoinKind::LeftSemi;
            li = (0..nl).filter(|&l| matches_of(l).is_empty() != semi).map(|l| l as u32).collect();
        }
        JoinKind::RightSemi | JoinKind::RightAnti => {
            let semi = j.kind == JoinKind::RightSemi;
            for l in 0..nl {
                for &r in matches_of(l) {
                    right_matched[r as usize] = true;
                }
            }
            ri = (0..nr).filter(|&r| right_matched[r] == semi).map(|r| r as u32).collect();
        }
    }
    let rows = if matches!(j.kind, JoinKind::RightSemi | JoinKind::RightAnti) { ri.len() } else { li.len() };
    let li: std::sync::Arc<[u32]> = li.into();
    let ri: std::sync::Arc<[u32]> = ri.into();
    let columns = j
        .outputs
        .iter()
        .zip(schema)
        .map(|(&(side, i), (name, _))| {
            let c = match side {
                Side::Left => left.columns[i].take(&li),
                Side::Right => right.columns[i].take(&ri),
            };
            c.renamed(name.clone())
        })
        .collect();
    Ok(Frame::new(columns, rows))
}

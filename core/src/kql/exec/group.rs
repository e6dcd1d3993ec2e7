//! Grouping rows by key columns: each key column is turned into one 64-bit code per row
//! (a store string's symbol, an integer or time as is, a real's bits, other strings and
//! dynamic values numbered as first seen), and rows with equal codes in every key column
//! share a group. No value is built per row: this is what makes `summarize ... by` over a
//! million rows cost a hash per row.

use super::super::error::QueryError;
use super::super::frame::{Data, NULL_BOOL, NULL_INT};
use super::super::value::Type;
use super::Exec;
use rustc_hash::FxHashMap;

type R<T> = Result<T, QueryError>;

/// Groups of rows: each row's group and the first row of each group (in order of first
/// appearance).
pub struct Groups {
    pub of_row: Vec<u32>,
    pub first_rows: Vec<u32>,
}

impl Groups {
    pub fn len(&self) -> usize {
        self.first_rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.first_rows.is_empty()
    }
}

/// The code of a null in any key column (no code of a value takes it: reals' NaN is folded
/// into it, symbols are 32-bit).
pub const NULL_CODE: u64 = u64::MAX;

/// One code per row for a key column.
pub fn codes(d: &Data<'_>, ty: Type) -> Vec<u64> {
    match d {
        Data::Sym(v, _) => v.iter().map(|&c| u64::from(c)).collect(),
        Data::Int(v) => v.iter().map(|&x| if x == NULL_INT { NULL_CODE } else { x as u64 }).collect(),
        Data::Real(v) => v
            .iter()
            .map(|&x| {
                if x.is_nan() {
                    NULL_CODE
                } else if x == 0.0 {
                    0
                } else {
                    x.to_bits()
                }
            })
            .collect(),
        Data::Bool(v) => v.iter().map(|&b| if b == NULL_BOOL { NULL_CODE } else { u64::from(b) }).collect(),
        Data::Str(v) => {
            let mut seen: FxHashMap<&str, u64> = FxHashMap::default();
            v.iter()
                .map(|s| {
                    let next = seen.len() as u64;
                    *seen.entry(s.as_ref()).or_insert(next)
                })
                .collect()
        }
        Data::Dyn(_) => {
            let mut seen: FxHashMap<String, u64> = FxHashMap::default();
            (0..d.len())
                .map(|r| {
                    let v = d.value(r, ty);
                    if v.is_null() {
                        return NULL_CODE;
                    }
                    let text = v.to_json().to_string();
                    let next = seen.len() as u64;
                    *seen.entry(text).or_insert(next)
                })
                .collect()
        }
    }
}

fn mix(h: u64, code: u64) -> u64 {
    (h ^ code).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29)
}

/// Groups `rows` rows by the key columns (no key: one group of every row, even of none).
pub fn group(x: &Exec<'_>, keys: &[(Data<'_>, super::super::value::Type)], rows: usize) -> R<Groups> {
    if keys.is_empty() {
        return Ok(Groups { of_row: vec![0; rows], first_rows: vec![0] });
    }
    let codes: Vec<Vec<u64>> = keys.iter().map(|(d, t)| codes(d, *t)).collect();
    x.check()?;
    group_codes(x, &codes, rows)
}

/// Groups rows by precomputed key codes (one vector per key column).
pub fn group_codes(x: &Exec<'_>, codes: &[Vec<u64>], rows: usize) -> R<Groups> {
    let mut of_row = Vec::with_capacity(rows);
    let mut first_rows: Vec<u32> = Vec::new();
    if let [only] = codes {
        let mut map: FxHashMap<u64, u32> = FxHashMap::with_capacity_and_hasher((rows / 8).max(16), Default::default());
        for (row, &c) in only.iter().enumerate() {
            if row % 65536 == 0 {
                x.check()?;
            }
            let next = first_rows.len() as u32;
            let g = *map.entry(c).or_insert_with(|| {
                first_rows.push(row as u32);
                next
            });
            of_row.push(g);
        }
        return Ok(Groups { of_row, first_rows });
    }
    let mut hashes = vec![0u64; rows];
    for column in codes {
        for (h, &c) in hashes.iter_mut().zip(column) {
            *h = mix(*h, c);
        }
    }
    // Each group's key codes side by side and its hash: a probe compares one short slice,
    // and growing the table rehashes from a vector, not from scattered rows.
    let width = codes.len();
    // The group vectors are reserved for every row its own group (untouched reservations
    // cost no memory); the table starts small, so few groups probe a cache-sized table.
    let expected_groups = rows.clamp(16, 1 << 22);
    let mut group_keys: Vec<u64> = Vec::with_capacity(expected_groups * width);
    let mut group_hashes: Vec<u64> = Vec::with_capacity(expected_groups);
    let mut table: hashbrown::HashTable<u32> = hashbrown::HashTable::with_capacity(expected_groups.min(1 << 16));
    let mut key = vec![0u64; width];
    for (row, &h) in hashes.iter().enumerate() {
        if row % 65536 == 0 {
            x.check()?;
        }
        for (k, c) in key.iter_mut().zip(codes) {
            *k = c[row];
        }
        let found = table.find(h, |&g| {
            let start = g as usize * width;
            group_keys.get(start..start + width).is_some_and(|k| k.iter().zip(&key).all(|(a, b)| a == b))
        });
        let g = match found {
            Some(&g) => g,
            None => {
                let g = first_rows.len() as u32;
                first_rows.push(row as u32);
                group_keys.extend_from_slice(&key);
                group_hashes.push(h);
                table.insert_unique(h, g, |&g| group_hashes[g as usize]);
                g
            }
        };
        of_row.push(g);
    }
    Ok(Groups { of_row, first_rows })
}

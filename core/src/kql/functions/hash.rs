//! `hash()` and `hash_xxhash64()`: Kusto's hash is xxHash64 (seed 0). Strings are hashed as
//! their UTF-8 bytes (this reproduces the documented `hash("World") == 1846988464401551951`);
//! longs, reals, datetimes and timespans as their 8 little-endian bytes, datetimes as .NET
//! ticks from 0001-01-01 (this reproduces `hash(datetime("2015-01-01")) ==
//! 1380966698541616202`); other values as their Kusto text.
//! With a modulo the result is the unsigned hash's remainder.

use super::{FnCtx, ScalarFn, expect, long_arg, text};
use crate::kql::value::{DOTNET_EPOCH_TICKS, Type, Value};

pub(super) const FUNCTIONS: &[ScalarFn] =
    &[ScalarFn::new("hash", 1, 2, hash_type, hash), ScalarFn::new("hash_xxhash64", 1, 2, hash_type, hash)];

const P1: u64 = 0x9E37_79B1_85EB_CA87;
const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
const P3: u64 = 0x1656_67B1_9E37_79F9;
const P4: u64 = 0x85EB_CA77_C2B2_AE63;
const P5: u64 = 0x27D4_EB2F_1656_67C5;

fn round(acc: u64, input: u64) -> u64 {
    acc.wrapping_add(input.wrapping_mul(P2)).rotate_left(31).wrapping_mul(P1)
}

fn merge_round(acc: u64, value: u64) -> u64 {
    (acc ^ round(0, value)).wrapping_mul(P1).wrapping_add(P4)
}

fn read64(data: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    if let Some(bytes) = data.get(at..at + 8) {
        word.copy_from_slice(bytes);
    }
    u64::from_le_bytes(word)
}

fn read32(data: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 4];
    if let Some(bytes) = data.get(at..at + 4) {
        word.copy_from_slice(bytes);
    }
    u64::from(u32::from_le_bytes(word))
}

/// xxHash64 of `data` (the reference algorithm, XXH64).
pub fn xxhash64(data: &[u8], seed: u64) -> u64 {
    let len = data.len();
    let mut at = 0;
    let mut h = if len >= 32 {
        let mut v = [seed.wrapping_add(P1).wrapping_add(P2), seed.wrapping_add(P2), seed, seed.wrapping_sub(P1)];
        while at + 32 <= len {
            for (lane, acc) in v.iter_mut().enumerate() {
                *acc = round(*acc, read64(data, at + lane * 8));
            }
            at += 32;
        }
        let mut h = v[0]
            .rotate_left(1)
            .wrapping_add(v[1].rotate_left(7))
            .wrapping_add(v[2].rotate_left(12))
            .wrapping_add(v[3].rotate_left(18));
        for acc in v {
            h = merge_round(h, acc);
        }
        h
    } else {
        seed.wrapping_add(P5)
    };
    h = h.wrapping_add(len as u64);
    while at + 8 <= len {
        h ^= round(0, read64(data, at));
        h = h.rotate_left(27).wrapping_mul(P1).wrapping_add(P4);
        at += 8;
    }
    if at + 4 <= len {
        h ^= read32(data, at).wrapping_mul(P1);
        h = h.rotate_left(23).wrapping_mul(P2).wrapping_add(P3);
        at += 4;
    }
    while at < len {
        h ^= u64::from(data[at]).wrapping_mul(P5);
        h = h.rotate_left(11).wrapping_mul(P1);
        at += 1;
    }
    h ^= h >> 33;
    h = h.wrapping_mul(P2);
    h ^= h >> 29;
    h = h.wrapping_mul(P3);
    h ^ (h >> 32)
}

fn hash_type(types: &[Type]) -> Result<Type, String> {
    expect(types, 1, &[Type::Int, Type::Long])?;
    Ok(Type::Long)
}

/// The bytes a value is hashed as.
fn bytes_of(v: &Value) -> Vec<u8> {
    match v {
        Value::Int(i) => i.to_le_bytes().to_vec(),
        Value::Real(r) => r.to_le_bytes().to_vec(),
        Value::DateTime(t) => t.saturating_add(DOTNET_EPOCH_TICKS).to_le_bytes().to_vec(),
        Value::TimeSpan(t) => t.to_le_bytes().to_vec(),
        other => text(other).as_bytes().to_vec(),
    }
}

/// `hash(source[, mod])`.
fn hash(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    if args[0].is_null() {
        return Ok(Value::Null);
    }
    let h = xxhash64(&bytes_of(&args[0]), 0);
    Ok(match args.get(1) {
        None => Value::Int(h as i64),
        Some(m) => match long_arg(m).filter(|m| *m > 0) {
            Some(m) => Value::Int((h % m as u64) as i64),
            None => Value::Null,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{dt, s, show};
    use super::*;

    #[test]
    fn reference_vectors() {
        assert_eq!(xxhash64(b"", 0), 0xEF46_DB37_51D8_E999);
        assert_eq!(xxhash64(b"a", 0), 0xD24E_C4F1_A98C_6E5B);
        assert_eq!(xxhash64(b"abc", 0), 0x44BC_2CF5_AD77_0999);
    }

    #[test]
    fn hash_from_the_documentation() {
        assert_eq!(show("hash", &[s("World")]), "1846988464401551951");
        assert_eq!(show("hash", &[s("World"), Value::Int(100)]), "51");
        assert_eq!(show("hash_xxhash64", &[dt("2015-01-01")]), "1380966698541616202");
    }
}

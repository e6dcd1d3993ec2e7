//! `hash()` and `hash_xxhash64()`: Kusto's hash is xxHash64 (seed 0). Strings are hashed as
//! their UTF-8 bytes (this reproduces the documented `hash("World") == 1846988464401551951`);
//! longs, reals, datetimes and timespans as their 8 little-endian bytes, datetimes as .NET
//! ticks from 0001-01-01 (this reproduces `hash(datetime("2015-01-01")) ==
//! 1380966698541616202`); other values as their Kusto text.
//! With a modulo the result is the unsigned hash's remainder.
//!
//! `hash_sha256`, `hash_sha1` and `hash_md5` digest the value's UTF-8 text and return it in
//! lowercase hex.

use super::{FnCtx, ScalarFn, expect, long_arg, ret_string, text};
use crate::kql::value::{DOTNET_EPOCH_TICKS, Type, Value};

pub(super) const FUNCTIONS: &[ScalarFn] = &[
    ScalarFn::new("hash", 1, 2, hash_type, hash),
    ScalarFn::new("hash_xxhash64", 1, 2, hash_type, hash),
    ScalarFn::new("hash_sha256", 1, 1, ret_string, |a, _| Ok(digest(&a[0], |b| hex(&sha256(b))))),
    ScalarFn::new("hash_sha1", 1, 1, ret_string, |a, _| Ok(digest(&a[0], |b| hex(&sha1(b))))),
    ScalarFn::new("hash_md5", 1, 1, ret_string, |a, _| Ok(digest(&a[0], |b| hex(&md5(b))))),
];

/// A cryptographic digest of a value's text (UTF-8) as lowercase hex; the empty string for
/// null.
fn digest(v: &Value, f: impl Fn(&[u8]) -> String) -> Value {
    if v.is_null() {
        return Value::str("");
    }
    Value::str(&f(text(v).as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The message padded as MD5 and the SHA family pad it: a 1 bit, zeros, and the bit length
/// (little-endian for MD5, big-endian for SHA).
fn pad(data: &[u8], big_endian: bool) -> Vec<u8> {
    let mut m = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    m.push(0x80);
    while m.len() % 64 != 56 {
        m.push(0);
    }
    m.extend_from_slice(&if big_endian { bits.to_be_bytes() } else { bits.to_le_bytes() });
    m
}

/// A 64-byte block as 16 words.
fn words(block: &[u8], big_endian: bool) -> [u32; 16] {
    let mut w = [0u32; 16];
    for (slot, word) in w.iter_mut().zip(block.chunks(4)) {
        let bytes = [word[0], word[1], word[2], word[3]];
        *slot = if big_endian { u32::from_be_bytes(bytes) } else { u32::from_le_bytes(bytes) };
    }
    w
}

/// SHA-256 (FIPS 180-4).
pub fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
        0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
        0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
        0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
        0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
        0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
        0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] =
        [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    for block in pad(data, true).chunks(64) {
        let mut w = [0u32; 64];
        w[..16].copy_from_slice(&words(block, true));
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
        }
        let mut v = h;
        for (k, wi) in K.iter().zip(w) {
            let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7].wrapping_add(s1).wrapping_add(ch).wrapping_add(*k).wrapping_add(wi);
            let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v = [t1.wrapping_add(t2), v[0], v[1], v[2], v[3].wrapping_add(t1), v[4], v[5], v[6]];
        }
        for (acc, x) in h.iter_mut().zip(v) {
            *acc = acc.wrapping_add(x);
        }
    }
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// SHA-1 (FIPS 180-4).
pub fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
    for block in pad(data, true).chunks(64) {
        let mut w = [0u32; 80];
        w[..16].copy_from_slice(&words(block, true));
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A827999),
                20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                _ => (b ^ c ^ d, 0xCA62C1D6),
            };
            let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (acc, x) in h.iter_mut().zip([a, b, c, d, e]) {
            *acc = acc.wrapping_add(x);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// MD5 (RFC 1321).
pub fn md5(data: &[u8]) -> [u8; 16] {
    const S: [u32; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
    let mut h: [u32; 4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
    for block in pad(data, false).chunks(64) {
        let m = words(block, false);
        let [mut a, mut b, mut c, mut d] = h;
        for i in 0..64usize {
            let (f, g) = match i {
                0..=15 => ((b & c) | (!b & d), i),
                16..=31 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                32..=47 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            // K[i] = floor(|sin(i + 1)| * 2^32), as RFC 1321 defines it.
            let k = ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32;
            let shift = S[(i / 16) * 4 + i % 4];
            let rotated = a.wrapping_add(f).wrapping_add(k).wrapping_add(m[g]).rotate_left(shift);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(rotated);
        }
        for (acc, x) in h.iter_mut().zip([a, b, c, d]) {
            *acc = acc.wrapping_add(x);
        }
    }
    let mut out = [0u8; 16];
    for (chunk, word) in out.chunks_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    out
}

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
    fn digests_match_reference_vectors() {
        assert_eq!(hex(&sha256(b"")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(hex(&sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(hex(&sha1(b"abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(hex(&md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex(&md5(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
        let long = vec![b'a'; 1000];
        assert_eq!(hex(&sha256(&long)), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
        // hash_sha256("World") and hash_md5("World") from the documentation.
        assert_eq!(
            show("hash_sha256", &[s("World")]),
            "78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524"
        );
        assert_eq!(show("hash_md5", &[s("World")]), "f5a7924e621e84c9280a9a27e1bcb7f6");
    }

    #[test]
    fn hash_from_the_documentation() {
        assert_eq!(show("hash", &[s("World")]), "1846988464401551951");
        assert_eq!(show("hash", &[s("World"), Value::Int(100)]), "51");
        assert_eq!(show("hash_xxhash64", &[dt("2015-01-01")]), "1380966698541616202");
    }
}

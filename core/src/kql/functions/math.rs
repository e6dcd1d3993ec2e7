//! Numeric functions: rounding, absolute values, logarithms, powers, trigonometry, the
//! least and greatest of several values, and bitwise operations on longs. Results outside a
//! function's domain (`log(-1)`, `sqrt(-1)`) are null, as in Kusto.

use super::{FnCtx, NUMERIC, ScalarFn, coerce, common_type, expect, long_arg, real_arg, ret_bool, ret_long, ret_real};
use crate::kql::value::{Type, Value, compare};
use std::cmp::Ordering;

pub(super) const FUNCTIONS: &[ScalarFn] = &[
    ScalarFn::new("abs", 1, 1, same_numeric_or_span, abs),
    ScalarFn::new("round", 1, 2, same_numeric, round),
    ScalarFn::new("ceiling", 1, 1, same_numeric, |a, _| Ok(unary_keep(&a[0], f64::ceil))),
    ScalarFn::new("sign", 1, 1, same_numeric, sign),
    ScalarFn::new("sqrt", 1, 1, real_of_numeric, |a, _| Ok(real(&a[0], |x| (x >= 0.0).then(|| x.sqrt())))),
    ScalarFn::new("log", 1, 1, real_of_numeric, |a, _| Ok(real(&a[0], |x| (x >= 0.0).then(|| x.ln())))),
    ScalarFn::new("log10", 1, 1, real_of_numeric, |a, _| Ok(real(&a[0], |x| (x >= 0.0).then(|| x.log10())))),
    ScalarFn::new("log2", 1, 1, real_of_numeric, |a, _| Ok(real(&a[0], |x| (x >= 0.0).then(|| x.log2())))),
    ScalarFn::new("exp", 1, 1, real_of_numeric, |a, _| Ok(real(&a[0], |x| Some(x.exp())))),
    ScalarFn::new("exp2", 1, 1, real_of_numeric, |a, _| Ok(real(&a[0], |x| Some(x.exp2())))),
    ScalarFn::new("exp10", 1, 1, real_of_numeric, |a, _| Ok(real(&a[0], |x| Some(10f64.powf(x))))),
    ScalarFn::new("pow", 2, 2, real_of_numeric, pow),
    ScalarFn::new("sin", 1, 1, real_of_numeric, |a, _| Ok(real(&a[0], |x| Some(x.sin())))),
    ScalarFn::new("cos", 1, 1, real_of_numeric, |a, _| Ok(real(&a[0], |x| Some(x.cos())))),
    ScalarFn::new("tan", 1, 1, real_of_numeric, |a, _| Ok(real(&a[0], |x| Some(x.tan())))),
    ScalarFn::new("asin", 1, 1, real_of_numeric, |a, _| {
        Ok(real(&a[0], |x| (-1.0..=1.0).contains(&x).then(|| x.asin())))
    }),
    ScalarFn::new("acos", 1, 1, real_of_numeric, |a, _| {
        Ok(real(&a[0], |x| (-1.0..=1.0).contains(&x).then(|| x.acos())))
    }),
    ScalarFn::new("atan", 1, 1, real_of_numeric, |a, _| Ok(real(&a[0], |x| Some(x.atan())))),
    ScalarFn::new("atan2", 2, 2, real_of_numeric, atan2),
    ScalarFn::new("degrees", 1, 1, real_of_numeric, |a, _| Ok(real(&a[0], |x| Some(x.to_degrees())))),
    ScalarFn::new("radians", 1, 1, real_of_numeric, |a, _| Ok(real(&a[0], |x| Some(x.to_radians())))),
    ScalarFn::new("pi", 0, 0, ret_real, |_, _| Ok(Value::Real(std::f64::consts::PI))),
    ScalarFn::new("rand", 0, 1, rand_type, rand),
    ScalarFn::new("new_guid", 0, 0, super::ret_string, new_guid),
    ScalarFn::new("isnan", 1, 1, ret_bool, |a, _| Ok(real_test(&a[0], f64::is_nan))),
    ScalarFn::new("isinf", 1, 1, ret_bool, |a, _| Ok(real_test(&a[0], f64::is_infinite))),
    ScalarFn::new("isfinite", 1, 1, ret_bool, |a, _| Ok(real_test(&a[0], f64::is_finite))),
    ScalarFn::new("min_of", 2, 64, extreme_type, |a, _| Ok(extreme(a, Ordering::Less))),
    ScalarFn::new("max_of", 2, 64, extreme_type, |a, _| Ok(extreme(a, Ordering::Greater))),
    ScalarFn::new("binary_and", 2, 2, ret_long, |a, _| Ok(bits(a, |x, y| Some(x & y)))),
    ScalarFn::new("binary_or", 2, 2, ret_long, |a, _| Ok(bits(a, |x, y| Some(x | y)))),
    ScalarFn::new("binary_xor", 2, 2, ret_long, |a, _| Ok(bits(a, |x, y| Some(x ^ y)))),
    ScalarFn::new("binary_not", 1, 1, ret_long, |a, _| Ok(long_arg(&a[0]).map_or(Value::Null, |x| Value::Int(!x)))),
    ScalarFn::new("binary_shift_left", 2, 2, ret_long, |a, _| {
        Ok(bits(a, |x, n| u32::try_from(n).ok().and_then(|n| x.checked_shl(n))))
    }),
    ScalarFn::new("binary_shift_right", 2, 2, ret_long, |a, _| {
        Ok(bits(a, |x, n| u32::try_from(n).ok().and_then(|n| x.checked_shr(n))))
    }),
];

/// The next number of a per-thread xorshift generator, seeded once from the standard
/// library's random hash keys (no crate, no system call per row).
fn next_random() -> u64 {
    use std::cell::Cell;
    use std::hash::{BuildHasher, Hasher};
    thread_local! {
        static STATE: Cell<u64> = Cell::new({
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(0x9E37_79B9_7F4A_7C15);
            h.finish() | 1
        });
    }
    STATE.with(|state| {
        let mut x = state.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        state.set(x);
        x
    })
}

fn rand_type(types: &[Type]) -> Result<Type, String> {
    expect(types, 0, &[Type::Int, Type::Long])?;
    Ok(if types.is_empty() { Type::Real } else { Type::Long })
}

/// `rand()`: a real in [0, 1); `rand(n)`: a long in [0, n) (null for n < 1).
fn rand(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(match args.first() {
        None => Value::Real((next_random() >> 11) as f64 / (1u64 << 53) as f64),
        Some(n) => match long_arg(n).filter(|n| *n >= 1) {
            Some(n) => Value::Int((next_random() % n as u64) as i64),
            None => Value::Null,
        },
    })
}

/// `new_guid()`: a random (version 4) GUID in its lowercase text form.
fn new_guid(_: &[Value], _: &FnCtx) -> Result<Value, String> {
    let (hi, lo) = (next_random(), next_random());
    let hi = (hi & !0xF000) | 0x4000;
    let lo = (lo & !(0b11 << 62)) | (0b10 << 62);
    let hex = format!("{hi:016x}{lo:016x}");
    Ok(Value::str(&format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])))
}

fn same_numeric(types: &[Type]) -> Result<Type, String> {
    expect(types, 0, NUMERIC)?;
    expect(types, 1, NUMERIC)?;
    Ok(if types[0] == Type::Dynamic { Type::Real } else { types[0] })
}

fn same_numeric_or_span(types: &[Type]) -> Result<Type, String> {
    expect(types, 0, &[Type::Int, Type::Long, Type::Real, Type::TimeSpan])?;
    Ok(if types[0] == Type::Dynamic { Type::Real } else { types[0] })
}

fn real_of_numeric(types: &[Type]) -> Result<Type, String> {
    for i in 0..types.len() {
        expect(types, i, NUMERIC)?;
    }
    Ok(Type::Real)
}

fn real(v: &Value, f: impl Fn(f64) -> Option<f64>) -> Value {
    real_arg(v).and_then(f).map_or(Value::Null, Value::Real)
}

fn real_test(v: &Value, f: impl Fn(f64) -> bool) -> Value {
    real_arg(v).map_or(Value::Null, |x| Value::Bool(f(x)))
}

/// A rounding function that keeps integers as they are and applies `f` to reals.
fn unary_keep(v: &Value, f: impl Fn(f64) -> f64) -> Value {
    match v.unwrap_dynamic_scalar() {
        Value::Int(i) => Value::Int(i),
        Value::Real(r) => Value::Real(f(r)),
        _ => Value::Null,
    }
}

fn abs(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(match args[0].unwrap_dynamic_scalar() {
        Value::Int(i) => i.checked_abs().map_or(Value::Null, Value::Int),
        Value::Real(r) => Value::Real(r.abs()),
        Value::TimeSpan(t) => t.checked_abs().map_or(Value::Null, Value::TimeSpan),
        _ => Value::Null,
    })
}

/// `round(number[, precision])`: half away from zero, at `precision` decimal digits (tens,
/// hundreds... for a negative precision).
fn round(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let precision = match args.get(1) {
        Some(p) => match long_arg(p) {
            Some(p) => p.clamp(-30, 30) as i32,
            None => return Ok(Value::Null),
        },
        None => 0,
    };
    Ok(match args[0].unwrap_dynamic_scalar() {
        Value::Int(i) if precision >= 0 => Value::Int(i),
        Value::Int(i) => {
            let scale = 10f64.powi(-precision);
            let r = (i as f64 / scale).round() * scale;
            if r.abs() < 9.2e18 { Value::Int(r as i64) } else { Value::Null }
        }
        Value::Real(r) => Value::Real(round_real(r, precision)),
        _ => Value::Null,
    })
}

fn round_real(x: f64, precision: i32) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(precision.abs());
    if precision >= 0 {
        let scaled = x * scale;
        if scaled.abs() > 1e17 { x } else { scaled.round() / scale }
    } else {
        (x / scale).round() * scale
    }
}

fn sign(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(match args[0].unwrap_dynamic_scalar() {
        Value::Int(i) => Value::Int(i.signum()),
        Value::Real(r) if r.is_nan() => Value::Null,
        Value::Real(r) => Value::Real(if r == 0.0 { 0.0 } else { r.signum() }),
        _ => Value::Null,
    })
}

fn pow(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let (Some(base), Some(exponent)) = (real_arg(&args[0]), real_arg(&args[1])) else { return Ok(Value::Null) };
    let r = base.powf(exponent);
    Ok(if r.is_nan() { Value::Null } else { Value::Real(r) })
}

fn atan2(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let (Some(y), Some(x)) = (real_arg(&args[0]), real_arg(&args[1])) else { return Ok(Value::Null) };
    Ok(Value::Real(y.atan2(x)))
}

fn extreme_type(types: &[Type]) -> Result<Type, String> {
    common_type(types)
}

/// `min_of(a, b, ...)`/`max_of(...)`: the least/greatest non-null value.
fn extreme(args: &[Value], wanted: Ordering) -> Value {
    let ty = if args.iter().any(|v| matches!(v, Value::Real(_))) { Type::Real } else { Type::Long };
    let mut best: Option<&Value> = None;
    for v in args {
        if v.is_null() || matches!(v, Value::Real(r) if r.is_nan()) {
            continue;
        }
        best = match best {
            Some(b) if compare(v, b) != Some(wanted) => Some(b),
            _ => Some(v),
        };
    }
    best.map_or(Value::Null, |v| coerce(v, ty))
}

fn bits(args: &[Value], f: impl Fn(i64, i64) -> Option<i64>) -> Value {
    match (long_arg(&args[0]), long_arg(&args[1])) {
        (Some(x), Some(y)) => f(x, y).map_or(Value::Null, Value::Int),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{call, show, ts, ty};
    use super::*;

    #[test]
    fn round_from_the_documentation() {
        let r = |x: f64, p: Option<i64>| {
            let mut args = vec![Value::Real(x)];
            args.extend(p.map(Value::Int));
            show("round", &args)
        };
        assert_eq!(r(2.98765, Some(3)), "2.988");
        assert_eq!(r(2.15, Some(1)), "2.2");
        assert_eq!(r(2.15, None), "2");
        assert_eq!(r(-50.55, Some(-2)), "-100");
        assert_eq!(r(21.5, Some(-1)), "20");
        assert_eq!(show("round", &[Value::Int(1234), Value::Int(-2)]), "1200");
        assert_eq!(ty("round", &[Type::Real]), Ok(Type::Real));
        assert_eq!(ty("round", &[Type::Long, Type::Int]), Ok(Type::Long));
        assert!(ty("round", &[Type::String]).is_err());
    }

    #[test]
    fn elementary_functions() {
        assert_eq!(show("abs", &[Value::Int(-5)]), "5");
        assert_eq!(show("abs", &[ts("-00:05:00")]), "00:05:00");
        assert_eq!(show("sqrt", &[Value::Int(256)]), "16");
        assert!(call("sqrt", &[Value::Int(-1)]).is_null());
        assert_eq!(show("log", &[Value::Real(std::f64::consts::E)]), "1");
        assert!(call("log", &[Value::Int(-1)]).is_null());
        assert_eq!(show("log10", &[Value::Int(1000)]), "3");
        assert_eq!(show("log2", &[Value::Int(8)]), "3");
        assert_eq!(show("pow", &[Value::Int(2), Value::Int(3)]), "8");
        assert_eq!(show("exp2", &[Value::Int(3)]), "8");
        assert_eq!(show("ceiling", &[Value::Real(-1.1)]), "-1");
        assert_eq!(show("sign", &[Value::Int(-42)]), "-1");
        assert!(matches!(call("isnan", &[Value::Real(f64::NAN)]), Value::Bool(true)));
        assert_eq!(ty("pow", &[Type::Long, Type::Long]), Ok(Type::Real));
        assert_eq!(ty("abs", &[Type::Int]), Ok(Type::Int));
    }

    #[test]
    fn random_values_stay_in_range() {
        for _ in 0..1000 {
            assert!(matches!(call("rand", &[]), Value::Real(r) if (0.0..1.0).contains(&r)));
            assert!(matches!(call("rand", &[Value::Int(10)]), Value::Int(i) if (0..10).contains(&i)));
        }
        assert!(call("rand", &[Value::Int(0)]).is_null());
        let a = show("new_guid", &[]);
        let b = show("new_guid", &[]);
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4', "version 4: {a}");
        assert_eq!(ty("rand", &[]), Ok(Type::Real));
        assert_eq!(ty("rand", &[Type::Long]), Ok(Type::Long));
    }

    #[test]
    fn least_greatest_and_bits() {
        assert_eq!(show("max_of", &[Value::Int(10), Value::Int(1), Value::Int(-3), Value::Int(17)]), "17");
        assert_eq!(show("min_of", &[Value::Int(10), Value::Int(1), Value::Int(-3), Value::Int(17)]), "-3");
        assert_eq!(show("max_of", &[Value::Null, Value::Int(1)]), "1");
        assert!(matches!(call("max_of", &[Value::Int(1), Value::Real(0.5)]), Value::Real(r) if r == 1.0));
        assert_eq!(show("binary_and", &[Value::Int(12), Value::Int(10)]), "8");
        assert_eq!(show("binary_or", &[Value::Int(12), Value::Int(10)]), "14");
        assert_eq!(show("binary_xor", &[Value::Int(12), Value::Int(10)]), "6");
        assert_eq!(show("binary_not", &[Value::Int(100)]), "-101");
        assert_eq!(show("binary_shift_left", &[Value::Int(1), Value::Int(2)]), "4");
        assert!(call("binary_shift_left", &[Value::Int(1), Value::Int(99)]).is_null());
    }
}

//! IPv4 functions: parsing (with `/prefix` masks), private ranges, matching and comparing
//! under a prefix, range tests and formatting. Addresses are the 32-bit number as a long
//! (`parse_ipv4("127.0.0.1") == 2130706433`); invalid text gives null.

use super::{FnCtx, ScalarFn, bool_value, long_arg, ret_bool, ret_int, ret_long, ret_string, text};
use crate::kql::value::Value;

pub(super) const FUNCTIONS: &[ScalarFn] = &[
    ScalarFn::new("parse_ipv4", 1, 1, ret_long, |a, _| Ok(long(address(&a[0], None).map(|(ip, _)| i64::from(ip))))),
    ScalarFn::new("parse_ipv4_mask", 2, 2, ret_long, |a, _| {
        Ok(long(address(&a[0], long_arg(&a[1])).map(|(ip, _)| i64::from(ip))))
    }),
    ScalarFn::new("ipv4_is_private", 1, 1, ret_bool, ipv4_is_private),
    ScalarFn::new("ipv4_is_match", 2, 3, ret_bool, |a, _| Ok(bool_value(compare(a).map(|o| o == 0)))),
    ScalarFn::new("ipv4_compare", 2, 3, ret_int, |a, _| Ok(long(compare(a)))),
    ScalarFn::new("ipv4_is_in_range", 2, 2, ret_bool, |a, _| Ok(bool_value(in_range(&a[0], &a[1])))),
    ScalarFn::new("ipv4_is_in_any_range", 2, 64, ret_bool, ipv4_is_in_any_range),
    ScalarFn::new("ipv4_netmask_suffix", 1, 1, ret_int, |a, _| {
        Ok(long(address(&a[0], None).map(|(_, p)| i64::from(p))))
    }),
    ScalarFn::new("format_ipv4", 1, 2, ret_string, |a, _| Ok(format(a, false))),
    ScalarFn::new("format_ipv4_mask", 1, 2, ret_string, |a, _| Ok(format(a, true))),
    ScalarFn::new("has_ipv4", 2, 2, ret_bool, |a, _| Ok(has_ip(&a[0], &a[1..], false))),
    ScalarFn::new("has_ipv4_prefix", 2, 2, ret_bool, |a, _| Ok(has_ip(&a[0], &a[1..], true))),
    ScalarFn::new("has_any_ipv4", 2, 64, ret_bool, |a, _| Ok(has_ip(&a[0], &a[1..], false))),
    ScalarFn::new("has_any_ipv4_prefix", 2, 64, ret_bool, |a, _| Ok(has_ip(&a[0], &a[1..], true))),
    ScalarFn::new("parse_ipv6", 1, 1, ret_string, |a, _| Ok(canonical6(address6(&a[0], None)))),
    ScalarFn::new("parse_ipv6_mask", 2, 2, ret_string, |a, _| {
        Ok(canonical6(address6(&a[0], long_arg(&a[1]).or(Some(-1)))))
    }),
    ScalarFn::new("ipv6_compare", 2, 3, ret_int, |a, _| Ok(long(compare6(a)))),
    ScalarFn::new("ipv6_is_match", 2, 3, ret_bool, |a, _| Ok(bool_value(compare6(a).map(|o| o == 0)))),
    ScalarFn::new("ipv6_is_in_range", 2, 2, ret_bool, ipv6_is_in_range),
];

fn long(v: Option<i64>) -> Value {
    v.map_or(Value::Null, Value::Int)
}

/// Dotted-quad text to its number: exactly four decimal parts of 0-255.
pub fn parse_dotted(text: &str) -> Option<u32> {
    let mut value: u32 = 0;
    let mut parts = 0;
    for part in text.split('.') {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let octet: u32 = part.parse().ok().filter(|o| *o <= 255)?;
        value = (value << 8) | octet;
        parts += 1;
    }
    (parts == 4).then_some(value)
}

fn mask(prefix: u8) -> u32 {
    if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix.min(32))) }
}

/// An address argument (dotted text with an optional `/prefix`, or a number) masked to the
/// smaller of its own prefix and `prefix`; with the prefix used.
fn address(v: &Value, prefix: Option<i64>) -> Option<(u32, u8)> {
    let extra = match prefix {
        Some(p) if (0..=32).contains(&p) => p as u8,
        Some(_) => return None,
        None => 32,
    };
    let (ip, own) = match v.unwrap_dynamic_scalar() {
        Value::Int(n) => (u32::try_from(n).ok()?, 32),
        other => {
            let text = text(&other);
            let text = text.trim();
            match text.split_once('/') {
                Some((ip, p)) => {
                    let p: u8 = p.parse().ok().filter(|p| *p <= 32)?;
                    (parse_dotted(ip)?, p)
                }
                None => (parse_dotted(text)?, 32),
            }
        }
    };
    let prefix = own.min(extra);
    Some((ip & mask(prefix), prefix))
}

/// The valid IPv4 addresses written in a text, each delimited by characters that are neither
/// letters, digits nor dots (a sentence's final dot is allowed).
fn ipv4_in_text(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.')) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        let delimited = i >= bytes.len() || !bytes[i].is_ascii_alphanumeric();
        let token = text[start..i].trim_end_matches('.');
        if delimited && parse_dotted(token).is_some() {
            found.push(token);
        }
    }
    found
}

/// `has_ipv4(text, ip)`, `has_any_ipv4(text, ips...)` and their `_prefix` forms: whether the
/// text holds one of the addresses (or an address starting with one of the prefixes: a whole
/// address, or its first parts ending with a dot). Null when an address or prefix is invalid.
fn has_ip(source: &Value, wanted: &[Value], prefix: bool) -> Value {
    let wanted: Vec<String> = match wanted {
        [Value::Dynamic(json)] if json.is_array() => {
            json.as_array().into_iter().flatten().map(|j| text(&Value::from_json(j)).into_owned()).collect()
        }
        values => values.iter().map(|v| text(v).into_owned()).collect(),
    };
    for w in &wanted {
        let valid = if prefix && w.ends_with('.') {
            let parts: Vec<&str> = w.trim_end_matches('.').split('.').collect();
            parts.len() <= 3 && parts.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
        } else {
            parse_dotted(w).is_some()
        };
        if !valid {
            return Value::Null;
        }
    }
    let source = text(source);
    let present = ipv4_in_text(&source)
        .iter()
        .any(|ip| wanted.iter().any(|w| if prefix && w.ends_with('.') { ip.starts_with(w.as_str()) } else { ip == w }));
    Value::Bool(present)
}

fn mask6(prefix: u8) -> u128 {
    if prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(prefix.min(128))) }
}

/// An IPv6 (or IPv4, read as `::ffff:a.b.c.d` with its prefix moved up by 96) address with
/// an optional `/prefix`, masked to the smaller of its own prefix and `prefix`.
fn address6(v: &Value, prefix: Option<i64>) -> Option<(u128, u8)> {
    let extra = match prefix {
        Some(p) if (0..=128).contains(&p) => p as u8,
        Some(_) => return None,
        None => 128,
    };
    let raw = text(v);
    let raw = raw.trim();
    let (ip, own) = match raw.split_once('/') {
        Some((ip, p)) => (ip, Some(p.parse::<u8>().ok()?)),
        None => (raw, None),
    };
    let (bits, own) = if let Some(v4) = parse_dotted(ip) {
        let own = match own {
            Some(p) if p <= 32 => p + 96,
            Some(_) => return None,
            None => 128,
        };
        ((0xffffu128 << 32) | u128::from(v4), own)
    } else {
        let parsed: std::net::Ipv6Addr = ip.parse().ok()?;
        (u128::from(parsed), own.filter(|p| *p <= 128).map_or(Some(128), Some)?)
    };
    let prefix = own.min(extra);
    Some((bits & mask6(prefix), prefix))
}

/// Eight groups of four lowercase hex digits (`fe80:0000:...`), or the empty string.
fn canonical6(address: Option<(u128, u8)>) -> Value {
    let Some((bits, _)) = address else { return Value::str("") };
    let groups: Vec<String> = (0..8).rev().map(|i| format!("{:04x}", (bits >> (16 * i)) & 0xffff)).collect();
    Value::str(&groups.join(":"))
}

/// `ipv6_compare(a, b[, prefix])`: -1, 0 or 1 under the smallest prefix given.
fn compare6(args: &[Value]) -> Option<i64> {
    let prefix = match args.get(2) {
        Some(p) => Some(long_arg(p)?),
        None => None,
    };
    let (a, pa) = address6(&args[0], prefix)?;
    let (b, pb) = address6(&args[1], prefix)?;
    let common = mask6(pa.min(pb));
    Some(match (a & common).cmp(&(b & common)) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    })
}

fn ipv6_is_in_range(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let (Some((ip, _)), Some((net, prefix))) = (address6(&args[0], None), address6(&args[1], None)) else {
        return Ok(Value::Null);
    };
    Ok(Value::Bool(ip & mask6(prefix) == net))
}

/// `ipv4_is_private(ip)`: within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (a range
/// counts when it lies entirely inside one).
fn ipv4_is_private(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let Some((ip, prefix)) = address(&args[0], None) else { return Ok(Value::Null) };
    let private = [(0x0A00_0000u32, 8u8), (0xAC10_0000, 12), (0xC0A8_0000, 16)];
    Ok(Value::Bool(private.iter().any(|(net, bits)| prefix >= *bits && ip & mask(*bits) == *net)))
}

/// `ipv4_compare(a, b[, prefix])`: -1, 0 or 1 after masking both to the smallest prefix given.
fn compare(args: &[Value]) -> Option<i64> {
    let prefix = match args.get(2) {
        Some(p) => Some(long_arg(p)?),
        None => None,
    };
    let (a, pa) = address(&args[0], prefix)?;
    let (b, pb) = address(&args[1], prefix)?;
    let common = mask(pa.min(pb));
    Some(match (a & common).cmp(&(b & common)) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    })
}

/// `ipv4_is_in_range(ip, range)`: the address lies in the range's network.
fn in_range(ip: &Value, range: &Value) -> Option<bool> {
    let (ip, _) = address(ip, None)?;
    let (net, prefix) = address(range, None)?;
    Some(ip & mask(prefix) == net)
}

fn ipv4_is_in_any_range(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let ranges: Vec<Value> = match &args[1] {
        Value::Dynamic(json) if json.is_array() => {
            json.as_array().map(|a| a.iter().map(Value::from_json).collect()).unwrap_or_default()
        }
        _ => args[1..].to_vec(),
    };
    if address(&args[0], None).is_none() {
        return Ok(Value::Null);
    }
    Ok(Value::Bool(ranges.iter().any(|r| in_range(&args[0], r) == Some(true))))
}

/// `format_ipv4(ip[, prefix])` and `format_ipv4_mask(...)` (which appends `/prefix`); the
/// empty string for an invalid address.
fn format(args: &[Value], with_mask: bool) -> Value {
    let prefix = match args.get(1) {
        Some(p) => long_arg(p),
        None => Some(32),
    };
    let Some((ip, used)) = prefix.and_then(|p| address(&args[0], Some(p))) else { return Value::str("") };
    let dotted = format!("{}.{}.{}.{}", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
    Value::str(&if with_mask { format!("{dotted}/{used}") } else { dotted })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{call, s, show, ty};
    use super::*;
    use crate::kql::value::Type;

    #[test]
    fn parse_from_the_documentation() {
        assert_eq!(show("parse_ipv4", &[s("127.0.0.1")]), "2130706433");
        assert_eq!(show("parse_ipv4", &[s("192.1.168.1")]), "3221334017");
        assert_eq!(show("parse_ipv4", &[s("192.1.168.1/24")]), "3221334016");
        assert_eq!(show("parse_ipv4_mask", &[s("192.1.168.2"), Value::Int(24)]), "3221334016");
        assert!(call("parse_ipv4", &[s("256.0.0.1")]).is_null());
        assert!(call("parse_ipv4", &[s("1.2.3")]).is_null());
        assert!(call("parse_ipv4", &[s("fe80::1")]).is_null());
        assert_eq!(ty("parse_ipv4", &[Type::String]), Ok(Type::Long));
    }

    #[test]
    fn private_and_matching_from_the_documentation() {
        let private = |ip: &str| show("ipv4_is_private", &[s(ip)]);
        assert_eq!(private("10.1.2.3"), "true");
        assert_eq!(private("192.168.1.1/24"), "true");
        assert_eq!(private("172.31.255.255"), "true");
        assert_eq!(private("172.32.0.1"), "false");
        assert_eq!(private("8.8.8.8"), "false");
        assert_eq!(private("10.0.0.0/7"), "false");
        assert!(call("ipv4_is_private", &[s("x")]).is_null());
        assert_eq!(show("ipv4_is_match", &[s("192.168.1.1"), s("192.168.1.255")]), "false");
        assert_eq!(show("ipv4_is_match", &[s("192.168.1.1/24"), s("192.168.1.255/24")]), "true");
        assert_eq!(show("ipv4_is_match", &[s("192.168.1.1"), s("192.168.1.255"), Value::Int(24)]), "true");
        assert_eq!(show("ipv4_compare", &[s("192.168.1.1"), s("192.168.1.255")]), "-1");
        assert_eq!(show("ipv4_compare", &[s("192.168.1.255"), s("192.168.1.1")]), "1");
        assert_eq!(show("ipv4_compare", &[s("192.168.1.1/24"), s("192.168.1.255/24")]), "0");
        assert_eq!(show("ipv4_is_in_range", &[s("192.168.1.6"), s("192.168.1.1/24")]), "true");
        assert_eq!(show("ipv4_is_in_range", &[s("192.168.1.6"), s("192.168.2.1/24")]), "false");
        assert_eq!(show("ipv4_is_in_any_range", &[s("192.168.1.6"), s("10.0.0.0/8"), s("192.168.1.0/24")]), "true");
        assert_eq!(show("ipv4_netmask_suffix", &[s("192.168.1.1/24")]), "24");
    }

    #[test]
    fn ipv4_in_text_from_the_documentation() {
        let text = s("These requests came from: 192.168.1.1, 10.1.1.115 and 10.1.1.117");
        assert_eq!(show("has_ipv4", &[text.clone(), s("10.1.1.115")]), "true");
        assert_eq!(show("has_ipv4", &[text.clone(), s("10.1.1.11")]), "false");
        assert_eq!(show("has_ipv4", &[s("05:04:54 127.0.0.1 GET /favicon.ico 404"), s("127.0.0.1")]), "true");
        assert_eq!(show("has_ipv4", &[s("05:04:54127.0.0.1 GET"), s("127.0.0.1")]), "false");
        assert_eq!(show("has_ipv4", &[s("id 127.0.0.256 GET"), s("127.0.0.1")]), "false");
        assert_eq!(show("has_ipv4", &[s("from 10.0.0.1."), s("10.0.0.1")]), "true");
        assert!(call("has_ipv4", &[text.clone(), s("10.1.1")]).is_null());
        assert_eq!(show("has_ipv4_prefix", &[text.clone(), s("10.1.")]), "true");
        assert_eq!(show("has_ipv4_prefix", &[text.clone(), s("10.2.")]), "false");
        assert_eq!(show("has_any_ipv4", &[text.clone(), s("1.1.1.1"), s("192.168.1.1")]), "true");
        assert_eq!(
            show("has_any_ipv4", &[text.clone(), Value::dynamic(serde_json::json!(["1.1.1.1", "2.2.2.2"]))]),
            "false"
        );
        assert_eq!(show("has_any_ipv4_prefix", &[text, s("8."), s("192.168.")]), "true");
    }

    #[test]
    fn ipv6_from_the_documentation() {
        assert_eq!(show("parse_ipv6", &[s("127.0.0.1")]), "0000:0000:0000:0000:0000:ffff:7f00:0001");
        assert_eq!(show("parse_ipv6", &[s("fe80::85d:e82c:9446:7994")]), "fe80:0000:0000:0000:085d:e82c:9446:7994");
        assert_eq!(show("parse_ipv6", &[s("fe80::85d:e82c:9446:7994/120")]), "fe80:0000:0000:0000:085d:e82c:9446:7900");
        assert_eq!(show("parse_ipv6", &[s("::ffff:c0a8:0101/24")]), "0000:0000:0000:0000:0000:0000:0000:0000");
        assert_eq!(show("parse_ipv6", &[s("nonsense")]), "");
        assert_eq!(show("ipv6_compare", &[s("::ffff:7f00:1"), s("127.0.0.1")]), "0");
        assert_eq!(show("ipv6_compare", &[s("fe80::85d:e82c:9446:7994"), s("fe80::85d:e82c:9446:7995")]), "-1");
        assert_eq!(show("ipv6_compare", &[s("fe80::85d:e82c:9446:7994/127"), s("fe80::85d:e82c:9446:7995/127")]), "0");
        assert_eq!(
            show("ipv6_compare", &[s("fe80::85d:e82c:9446:7994"), s("fe80::85d:e82c:9446:7995"), Value::Int(127)]),
            "0"
        );
        assert_eq!(show("ipv6_is_match", &[s("192.168.1.1/24"), s("192.168.1.255/24")]), "true");
        assert_eq!(show("ipv6_is_match", &[s("fe80::85d:e82c:9446:7994"), s("fe80::85d:e82c:9446:7995")]), "false");
        assert_eq!(show("ipv6_is_in_range", &[s("fe80::85d:e82c:9446:7994"), s("fe80::/16")]), "true");
    }

    #[test]
    fn format_from_the_documentation() {
        assert_eq!(show("format_ipv4", &[s("192.168.1.255"), Value::Int(24)]), "192.168.1.0");
        assert_eq!(show("format_ipv4", &[Value::Int(3232236031), Value::Int(24)]), "192.168.1.0");
        assert_eq!(show("format_ipv4", &[s("192.168.1.1/24"), Value::Int(32)]), "192.168.1.0");
        assert_eq!(show("format_ipv4_mask", &[s("192.168.1.255"), Value::Int(24)]), "192.168.1.0/24");
        assert_eq!(show("format_ipv4_mask", &[Value::Int(3232236031), Value::Int(24)]), "192.168.1.0/24");
        assert_eq!(show("format_ipv4", &[s("abc")]), "");
    }
}

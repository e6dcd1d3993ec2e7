//! URL and Base64 functions: `parse_url`, `url_encode`, `url_encode_component`,
//! `url_decode`, `base64_encode_tostring`, `base64_decode_tostring`. Texts are UTF-8, as in
//! Kusto.

use super::{FnCtx, ScalarFn, ret_dynamic, ret_string, text};
use crate::kql::value::Value;
use serde_json::{Map, Value as Json};

pub(super) const FUNCTIONS: &[ScalarFn] = &[
    ScalarFn::new("parse_url", 1, 1, ret_dynamic, parse_url),
    ScalarFn::new("url_encode", 1, 1, ret_string, |a, _| Ok(Value::str(&url_encode(&text(&a[0]), true)))),
    ScalarFn::new("url_encode_component", 1, 1, ret_string, |a, _| Ok(Value::str(&url_encode(&text(&a[0]), false)))),
    ScalarFn::new("url_decode", 1, 1, ret_string, |a, _| Ok(Value::str(&url_decode(&text(&a[0]))))),
    ScalarFn::new("base64_encode_tostring", 1, 1, ret_string, |a, _| {
        Ok(Value::str(&base64_encode(text(&a[0]).as_bytes())))
    }),
    ScalarFn::new("base64_decode_tostring", 1, 1, ret_string, base64_decode_tostring),
];

/// Percent-encoding as .NET's `HttpUtility.UrlEncode` (Kusto's `url_encode`): letters,
/// digits and `-_.!*()` stay; a space is `+` (or `%20` for a component); every other byte
/// of the UTF-8 text is `%xx` in lowercase hex.
fn url_encode(text: &str, space_as_plus: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'!' | b'*' | b'(' | b')' => {
                out.push(b as char)
            }
            b' ' if space_as_plus => out.push('+'),
            other => out.push_str(&format!("%{other:02x}")),
        }
    }
    out
}

/// `%xx` escapes decoded and `+` read as a space; malformed escapes stay as written, and
/// invalid UTF-8 becomes U+FFFD.
fn url_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => match bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                Some(byte) => {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                None => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `parse_url(url)`: a bag of `Scheme`, `Host`, `Port`, `Path`, `Username`, `Password`,
/// `Query Parameters` (a bag) and `Fragment`; null when the text has no `scheme://`.
fn parse_url(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let url = text(&args[0]);
    let Some((scheme, rest)) = url.split_once("://") else { return Ok(Value::Null) };
    if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
        return Ok(Value::Null);
    }
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (user_info, host_port) = match authority.rsplit_once('@') {
        Some((u, h)) => (u, h),
        None => ("", authority),
    };
    let (username, password) = user_info.split_once(':').unwrap_or((user_info, ""));
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => (h, p),
        _ => (host_port, ""),
    };
    let mut params = Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        params.insert(k.to_string(), Json::String(v.to_string()));
    }
    let mut bag = Map::new();
    let mut put = |k: &str, v: &str| bag.insert(k.to_string(), Json::String(v.to_string()));
    put("Scheme", scheme);
    put("Host", host);
    put("Port", port);
    put("Path", path);
    put("Username", username);
    put("Password", password);
    put("Fragment", fragment);
    bag.insert("Query Parameters".to_string(), Json::Object(params));
    Ok(Value::dynamic(Json::Object(bag)))
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard Base64 with `=` padding.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard (or URL-safe) Base64, padding optional; `None` on any other character.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.trim().trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// `base64_decode_tostring(text)`: the decoded UTF-8 text; null when it is not Base64 or not
/// UTF-8.
fn base64_decode_tostring(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(base64_decode(&text(&args[0])).and_then(|b| String::from_utf8(b).ok()).map_or(Value::Null, |s| Value::str(&s)))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{call, s, show};
    use super::*;

    #[test]
    fn url_encoding_from_the_documentation() {
        assert_eq!(show("url_encode", &[s("https://www.bing.com/")]), "https%3a%2f%2fwww.bing.com%2f");
        assert_eq!(show("url_encode", &[s("a b")]), "a+b");
        assert_eq!(show("url_encode_component", &[s("a b")]), "a%20b");
        assert_eq!(show("url_decode", &[s("https%3a%2f%2fwww.bing.com%2f")]), "https://www.bing.com/");
        assert_eq!(show("url_decode", &[s("100%25+sure%zz")]), "100% sure%zz");
    }

    #[test]
    fn parse_url_from_the_documentation() {
        let parsed =
            call("parse_url", &[s("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment")]);
        let Value::Dynamic(json) = parsed else { panic!("not dynamic") };
        assert_eq!(json["Scheme"], "scheme");
        assert_eq!(json["Host"], "host");
        assert_eq!(json["Port"], "1234");
        assert_eq!(json["Path"], "/this/is/a/path");
        assert_eq!(json["Username"], "username");
        assert_eq!(json["Password"], "password");
        assert_eq!(json["Query Parameters"]["k1"], "v1");
        assert_eq!(json["Query Parameters"]["k2"], "v2");
        assert_eq!(json["Fragment"], "fragment");
        assert!(call("parse_url", &[s("not a url")]).is_null());
    }

    #[test]
    fn base64_from_the_documentation() {
        assert_eq!(show("base64_encode_tostring", &[s("Kusto1")]), "S3VzdG8x");
        assert_eq!(show("base64_decode_tostring", &[s("S3VzdG8=")]), "Kusto");
        assert_eq!(show("base64_encode_tostring", &[s("")]), "");
        assert_eq!(show("base64_encode_tostring", &[s("ab")]), "YWI=");
        assert!(call("base64_decode_tostring", &[s("U3RyaW5n!")]).is_null());
        assert!(call("base64_decode_tostring", &[s("/w==")]).is_null(), "0xff is not UTF-8");
    }
}

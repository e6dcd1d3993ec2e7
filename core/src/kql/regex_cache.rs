//! Compiled regular expressions shared by every query: a pattern is compiled once and
//! reused for each row (and each later query), not compiled per row.
//!
//! Kusto's regular expressions are RE2; the `regex` crate implements the same syntax and the
//! same linear-time guarantee, so a user's pattern can never hang a query.

use regex::Regex;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Patterns kept at most; past this the cache starts over (queries use a handful).
const CAPACITY: usize = 512;
/// The compiled program's size limit: a pathological pattern fails with an error instead of
/// taking the memory of the machine.
const SIZE_LIMIT: usize = 32 << 20;

type Cache = Mutex<HashMap<String, Arc<Regex>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The compiled `pattern`, or the compiler's message when it is not a valid regex.
pub fn regex(pattern: &str) -> Result<Arc<Regex>, String> {
    // A poisoned lock only means another thread panicked while holding it; the map is
    // still consistent (inserts are single calls), so keep using it.
    let mut map = cache().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(found) = map.get(pattern) {
        return Ok(Arc::clone(found));
    }
    let compiled = regex::RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| format!("invalid regular expression {pattern:?}: {e}"))?;
    let compiled = Arc::new(compiled);
    if map.len() >= CAPACITY {
        map.clear();
    }
    map.insert(pattern.to_string(), Arc::clone(&compiled));
    Ok(compiled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_once_and_reports_bad_patterns() {
        let first = regex(r"a(\d+)").unwrap();
        let second = regex(r"a(\d+)").unwrap();
        assert!(Arc::ptr_eq(&first, &second));
        assert!(regex("a(").unwrap_err().contains("invalid regular expression"));
    }
}

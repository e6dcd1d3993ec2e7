#![no_main]
//! The date parser and the typed conversion of a value to every column type.

use libfuzzer_sys::fuzz_target;
use vmi_core::ingest::cell::{NullText, Value, to_cell};
use vmi_core::model::ColType;
use vmi_core::model::time::Timestamp;
use vmi_core::store::Interner;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Timestamp::parse(text);
    }
    let mut interner = Interner::default();
    for ty in [ColType::Int, ColType::Real, ColType::Bool, ColType::Time, ColType::Str, ColType::Dynamic] {
        for value in [Value::Text(data), Value::Number(data), Value::Json(data)] {
            let _ = to_cell(value, ty, NullText::EmptyOrNone, 0, &mut interner);
            let _ = to_cell(value, ty, NullText::EmptyOnly, 3600 * 10_000_000, &mut interner);
        }
    }
});

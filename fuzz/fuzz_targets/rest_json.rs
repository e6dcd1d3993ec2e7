#![no_main]
//! The rest json loader on any bytes: no panic, no hang, bounded memory.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = vmi_core::ingest::load_bytes("response.json", data);
});

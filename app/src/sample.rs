//! The sample estate bundled in the binary (generated at build time by `build.rs` with the
//! estate generator: 30 machines over 6 hours), so a double-clicked app shows a map at once.

/// (file name, contents): the name tells the loader which table each file holds.
pub const SAMPLE_FILES: &[(&str, &[u8])] = &[
    ("sample/VMComputer.csv", include_bytes!(concat!(env!("OUT_DIR"), "/VMComputer.csv"))),
    ("sample/VMProcess.csv", include_bytes!(concat!(env!("OUT_DIR"), "/VMProcess.csv"))),
    ("sample/VMBoundPort.csv", include_bytes!(concat!(env!("OUT_DIR"), "/VMBoundPort.csv"))),
    ("sample/VMConnection.csv", include_bytes!(concat!(env!("OUT_DIR"), "/VMConnection.csv"))),
];

//! The sample estate bundled in the binary, so a double-clicked app shows a map at once.

/// (file name, contents): the name tells the loader which table each file holds.
pub const SAMPLE_FILES: &[(&str, &[u8])] = &[
    ("sample/VMComputer.csv", include_bytes!("../../fixtures/portal-csv/VMComputer.csv")),
    ("sample/VMComputer-az.json", include_bytes!("../../fixtures/az-json/VMComputer-az.json")),
    ("sample/VMProcess.csv", include_bytes!("../../fixtures/portal-csv/VMProcess.csv")),
    ("sample/union-records.json", include_bytes!("../../fixtures/json-array/union-records.json")),
    ("sample/VMBoundPort.csv", include_bytes!("../../fixtures/portal-csv/VMBoundPort.csv")),
    ("sample/VMConnection-rest.json", include_bytes!("../../fixtures/rest-json/VMConnection-rest.json")),
    ("sample/am-VMConnection/PT05M.json", include_bytes!("../../fixtures/jsonl/am-VMConnection/PT05M.json")),
];

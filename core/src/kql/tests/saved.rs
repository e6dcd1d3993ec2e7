//! Every saved query of the library runs on the documentation estate (parameters filled in
//! with values of that estate); the verbatim copies of wrong documented queries fail with a
//! name error, as Log Analytics would.

use super::docs::estate;
use crate::kql::library::SAVED_QUERIES;
use crate::kql::{ErrorKind, QueryOptions, params, run};
use std::collections::BTreeMap;

#[test]
fn every_saved_query_runs() {
    let s = estate();
    let values: BTreeMap<String, String> = [
        ("Text", "sql"),
        ("Machine", "m-4b9c93f9-bc37-46df-b43c-899ba829e07b"),
        ("Exe", "curl"),
        ("Computer", "web01"),
        ("Machines", "\"m-82412a7a-6a32-45a9-a8d6-538354224a25\""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for saved in SAVED_QUERIES {
        let text = match params::substitute(saved.text, &values, None) {
            Ok(t) => t,
            Err(e) => panic!("{}: {}", saved.id, e.render(saved.text)),
        };
        match run(&s, &text, &QueryOptions::default()) {
            Ok(out) => assert!(!out.tables.is_empty(), "{}", saved.id),
            Err(e) if saved.id == "top-transmitters-documented" => assert_eq!(e.kind, ErrorKind::Name, "{}", saved.id),
            Err(e) => panic!("{}:\n{}", saved.id, e.render(&text)),
        }
    }
}

//! The one integration test binary of vmi-map (fixtures, headless core, CLI and GUI tests).

mod graph;
mod ingest;
mod support;
mod trends;

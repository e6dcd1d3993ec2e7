//! The one integration test binary of vmi-map (fixtures, headless core, CLI and GUI tests).

mod ingest;
mod support;

//! The one integration test binary of vmi-map (fixtures, headless core, CLI and GUI tests).

// Test helpers may unwrap like the tests do (clippy.toml allows it in `#[test]` functions).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli;
mod compare;
mod compare_ui;
mod graph;
mod groups;
mod groups_ui;
mod gui;
mod ingest;
mod kql_generated;
mod map_groups_ui;
mod map_render;
mod packaging;
mod render;
mod saved_queries;
mod state;
mod support;
mod trends;
mod view;
mod workspace;
mod workspace_ui;

//! The one integration test binary of vmi-map (fixtures, headless core, CLI and GUI tests).

mod cli;
mod graph;
mod gui;
mod ingest;
mod map_render;
mod render;
mod reports;
mod support;
mod trends;
mod view;

//! vmi-core: everything a user's data goes through, with no GUI dependency.
//!
//! files -> [`ingest`] -> [`store`] -> graph -> layout -> trends -> render
pub mod compare;
pub mod graph;
pub mod groups;
pub mod ingest;
pub mod kql;
pub mod layout;
mod mix;
pub mod model;
pub mod render;
pub mod store;
pub mod summary;
pub mod threads;
pub mod trends;

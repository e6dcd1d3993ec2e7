//! vmi-map, the desktop app. Data flows one way: input -> panels (`ui`, reading the state)
//! -> actions -> `state::update` (the only code that changes the state) -> effects -> jobs
//! (`jobs`) -> actions. The headless commands live in `cli`.

pub mod app;
pub mod cli;
pub mod jobs;
pub mod launch;
pub mod sample;
pub mod state;
pub mod title;
pub mod ui;

pub use app::VmiApp;

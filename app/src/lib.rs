//! vmi-map, the desktop app: state and commands (`app`, `command`), background work
//! (`jobs`), and the panels (`ui`). The headless commands live in `cli`.

pub mod app;
pub mod cli;
pub mod command;
pub mod jobs;
pub mod sample;
pub mod search;
pub mod ui;

pub use app::VmiApp;
pub use command::{Command, Selected};

//! Help > Keyboard shortcuts (F1) and Help > About: every key and mouse gesture the app
//! answers to, and the version and licences of vmi-map and the main crates it is built on.

use crate::state::{Action, UiAction, ViewCtx, Window};
use egui::{Grid, RichText};

/// Every shortcut, as (keys, what it does), grouped. The shortcuts themselves are handled in
/// `ui/mod.rs` (`shortcuts`), the canvas, the side panel, the charts and the query window; a
/// test checks that every key they consume is listed here.
pub const SHORTCUTS: &[(&str, &[(&str, &str)])] = &[
    (
        "Files and windows",
        &[
            ("Ctrl+O", "Open files, folders or a workspace"),
            ("Ctrl+S", "Save the workspace"),
            ("Ctrl+Shift+S", "Export the map as a picture"),
            ("Ctrl+K", "Query console"),
            ("Ctrl+F", "Search the map"),
            ("F1", "This list of shortcuts"),
            ("F12", "Screenshot of the window"),
        ],
    ),
    (
        "Map",
        &[
            ("F", "Fit the whole map"),
            ("Shift+F", "Fit the selection and its neighbours"),
            ("+ or =", "Zoom in"),
            ("-", "Zoom out"),
            ("Mouse wheel, pinch", "Zoom at the pointer"),
            ("Drag the background", "Pan"),
            ("Drag a node", "Move it (it stays pinned where dropped)"),
            ("Click", "Select a node or an edge"),
            ("Double-click a machine", "Show or hide its processes"),
            ("Right-click a node", "Pin, unpin, hide, focus, fit"),
            ("Escape", "Undo a chart brush, else clear the selection"),
        ],
    ),
    (
        "Search, charts and queries",
        &[
            ("Enter (in search)", "Show the next match"),
            ("Drag across a chart", "Set the map's time window (Escape undoes it)"),
            ("Ctrl+Enter (in the query console)", "Run the query"),
        ],
    ),
];

/// The main crates the app is built on, with their licences (as their manifests declare them).
pub const CRATES: &[(&str, &str, &str)] = &[
    ("egui, eframe, egui_extras", "0.37", "MIT OR Apache-2.0"),
    ("petgraph", "0.8", "MIT OR Apache-2.0"),
    ("plotters", "0.3", "MIT"),
    ("rfd", "0.17", "MIT"),
    ("serde, serde_json", "1", "MIT OR Apache-2.0"),
    ("csv", "1", "Unlicense OR MIT"),
    ("clap", "4", "MIT OR Apache-2.0"),
    ("rustc-hash", "2", "Apache-2.0 OR MIT"),
    ("hashbrown", "0.16", "MIT OR Apache-2.0"),
    ("regex", "1", "MIT OR Apache-2.0"),
    ("png", "0.18", "MIT OR Apache-2.0"),
    ("mimalloc", "0.1", "MIT"),
    ("xxhash-rust", "0.8", "BSL-1.0"),
    ("jiff", "0.2", "Unlicense OR MIT"),
    ("thiserror, anyhow", "2, 1", "MIT OR Apache-2.0"),
];

/// The help windows; which are open is in the state (`OpenWindows`).
#[derive(Default)]
pub struct HelpWindows;

impl HelpWindows {
    pub fn show(&mut self, ctx: &egui::Context, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let windows = view.state.windows;
        let mut shortcuts_open = windows.shortcuts;
        egui::Window::new("Keyboard shortcuts").open(&mut shortcuts_open).resizable(false).show(ctx, |ui| {
            for (group, rows) in SHORTCUTS {
                ui.label(RichText::new(*group).strong());
                Grid::new(("shortcuts", *group)).num_columns(2).spacing([16.0, 3.0]).striped(true).show(ui, |ui| {
                    for (keys, what) in *rows {
                        ui.label(RichText::new(*keys).monospace());
                        ui.label(*what);
                        ui.end_row();
                    }
                });
                ui.add_space(6.0);
            }
            ui.label(RichText::new("On macOS, Cmd stands for Ctrl.").weak());
        });
        if shortcuts_open != windows.shortcuts {
            actions.push(UiAction::ShowWindow(Window::Shortcuts, shortcuts_open).into());
        }
        let mut about_open = windows.about;
        egui::Window::new("About vmi-map").open(&mut about_open).resizable(false).show(ctx, |ui| {
            ui.heading(format!("vmi-map {}", env!("CARGO_PKG_VERSION")));
            ui.label("Dependency maps, trends and queries from exported Azure VM Insights records.");
            ui.label(format!("Licence: {}", env!("CARGO_PKG_LICENSE")));
            ui.add_space(6.0);
            ui.label(RichText::new("Built with").strong());
            Grid::new("crates").num_columns(3).spacing([16.0, 3.0]).striped(true).show(ui, |ui| {
                for (name, version, licence) in CRATES {
                    ui.label(*name);
                    ui.label(RichText::new(*version).weak());
                    ui.label(*licence);
                    ui.end_row();
                }
            });
            ui.add_space(6.0);
            ui.label("Fonts: DejaVu Sans (Bitstream Vera licence, public-domain changes), drawn in maps and charts.");
        });
        if about_open != windows.about {
            actions.push(UiAction::ShowWindow(Window::About, about_open).into());
        }
    }
}

//! vmi-map: the desktop app, and its headless commands (`summary`, `report`, `render`).

use clap::Parser;

/// An allocator that keeps freed memory for reuse: the canvas rebuilds multi-megabyte meshes
/// every frame, and glibc would hand that memory back to the OS and fault it in again.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;
use vmi_map::cli;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    if let Some(command) = cli.command {
        return cli::run(command);
    }
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("vmi-map")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true),
        // OpenGL runs everywhere, including Mesa's software renderer under Xvfb.
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let files = cli.files;
    let result = eframe::run_native(
        "vmi-map",
        options,
        Box::new(move |cc| Ok(Box::new(vmi_map::VmiApp::new(&cc.egui_ctx, files).with_storage(cc.storage)))),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: cannot open the window: {error}");
            ExitCode::FAILURE
        }
    }
}

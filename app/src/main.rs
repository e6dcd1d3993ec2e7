//! vmi-map: the desktop app, and its headless commands (`summary`, `report`, `render`).
// On Windows the app is a windowed program, so a double-click opens no console window; the
// headless commands attach to the console they were started from (`attach_parent_console`).
#![cfg_attr(windows, windows_subsystem = "windows")]

use clap::Parser;

/// An allocator that keeps freed memory for reuse: the canvas rebuilds multi-megabyte meshes
/// every frame, and glibc would hand that memory back to the OS and fault it in again.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;
use vmi_map::cli;

/// The app icon, drawn in assets/icons/vmi-map.svg; the window manager and taskbar show it.
/// 128 px: on X11 the icon travels in one request, and 256 px (65,538 words) is over the
/// core protocol's limit, so the window would get no icon at all.
const ICON_PNG: &[u8] = include_bytes!("../../assets/icons/hicolor/128x128/apps/vmi-map.png");

fn main() -> ExitCode {
    vmi_map::launch::mark_main_started();
    #[cfg(windows)]
    attach_parent_console();
    let cli = cli::Cli::parse();
    if let Some(command) = cli.command {
        return cli::run(command);
    }
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(vmi_map::title::for_launch(&cli.files))
            // The desktop entry's StartupWMClass and the Wayland app id: docks group the
            // window under the installed launcher and its icon.
            .with_app_id("vmi-map")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true)
            .with_icon(window_icon()),
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

/// The icon from the PNG compiled in; a PNG that cannot be decoded (it is ours, so only a
/// broken build) leaves the platform's default icon rather than stopping the app.
fn window_icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(ICON_PNG).unwrap_or_default()
}

/// A windowed Windows program starts with no console and no standard handles, so what a
/// headless command prints would vanish. When the process has no output handle (started from
/// a terminal, not redirected), attach to the console of the parent (cmd, PowerShell); from
/// Explorer there is none and the call fails harmlessly.
#[cfg(windows)]
#[allow(unsafe_code, reason = "AttachConsole is a foreign function; std has no safe wrapper")]
fn attach_parent_console() {
    use std::os::windows::io::AsRawHandle;
    use windows_sys::Win32::System::Console::{ATTACH_PARENT_PROCESS, AttachConsole};
    let missing = |handle: std::os::windows::io::RawHandle| handle.is_null() || handle.addr() == usize::MAX;
    if !missing(std::io::stdout().as_raw_handle()) || !missing(std::io::stderr().as_raw_handle()) {
        return;
    }
    // SAFETY: AttachConsole takes a process id by value and touches no memory of ours; on
    // failure it returns 0, which leaves the process as it was (nothing to clean up).
    unsafe {
        AttachConsole(ATTACH_PARENT_PROCESS);
    }
}

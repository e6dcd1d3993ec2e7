//! How long the app takes from launch to its first frame on screen, measured by the app itself
//! for `bench/run-launch.sh`: with `VMI_MAP_EXIT_AFTER_FIRST_FRAME=1` it prints one JSON line
//! on stderr when the first frame has been presented, then closes.

use crate::state::AppState;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The environment variable that turns the probe on.
pub const EXIT_AFTER_FIRST_FRAME: &str = "VMI_MAP_EXIT_AFTER_FIRST_FRAME";

static MAIN_STARTED: OnceLock<Instant> = OnceLock::new();

/// Records the moment `main` started; the first call wins. `main` calls it before anything
/// else so the figure covers argument parsing, the window, the GL context and the sample load.
pub fn mark_main_started() {
    MAIN_STARTED.get_or_init(Instant::now);
}

/// Watches the frames of one run and reports the first one presented.
#[derive(Debug)]
pub struct FirstFrameProbe {
    main_started: Instant,
    frames_begun: u32,
}

impl FirstFrameProbe {
    /// The probe when `VMI_MAP_EXIT_AFTER_FIRST_FRAME` is set to anything but `0` or empty.
    pub fn from_env() -> Option<Self> {
        let value = std::env::var_os(EXIT_AFTER_FIRST_FRAME)?;
        if value.is_empty() || value == "0" {
            return None;
        }
        Some(FirstFrameProbe { main_started: *MAIN_STARTED.get_or_init(Instant::now), frames_begun: 0 })
    }

    /// Called at the start of every frame. eframe paints and swaps a frame before it begins
    /// the next one (and shows the window only after its first paint), so when the second
    /// frame begins the first is on screen: then it prints the report and asks to close.
    /// Returns the report line it printed.
    pub fn frame_begins(&mut self, ctx: &egui::Context, state: &AppState) -> Option<String> {
        self.frames_begun = self.frames_begun.saturating_add(1);
        if self.frames_begun == 1 {
            // Make sure a second frame comes even when nothing else asks for one.
            ctx.request_repaint();
            return None;
        }
        if self.frames_begun != 2 {
            return None;
        }
        let since_main = self.main_started.elapsed();
        let unix_ns = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let report = first_frame_report(since_main.as_secs_f64() * 1000.0, unix_ns, state);
        eprintln!("{report}");
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        Some(report)
    }
}

/// The JSON line: milliseconds since `main` started, the wall clock (so a launcher that noted
/// its own clock before starting the process can add exec and dynamic linking), and what the
/// frame showed.
fn first_frame_report(since_main_ms: f64, unix_ns: u128, state: &AppState) -> String {
    serde_json::json!({
        "first_frame_ms_since_main": (since_main_ms * 1000.0).round() / 1000.0,
        "first_frame_unix_ns": unix_ns.to_string(),
        "files": state.store.files().len(),
        "records": state.store.record_counts().iter().sum::<usize>(),
        "nodes": state.view.nodes.len(),
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe() -> FirstFrameProbe {
        FirstFrameProbe { main_started: Instant::now(), frames_begun: 0 }
    }

    #[test]
    fn the_report_comes_when_the_second_frame_begins_and_only_then() {
        let ctx = egui::Context::default();
        let state = AppState::default();
        let mut probe = probe();
        assert_eq!(probe.frame_begins(&ctx, &state), None, "the first frame is not on screen yet");
        let report = probe.frame_begins(&ctx, &state).expect("the second frame reports");
        assert_eq!(probe.frame_begins(&ctx, &state), None, "one report per run");
        let json: serde_json::Value = serde_json::from_str(&report).unwrap();
        assert!(json["first_frame_ms_since_main"].as_f64().unwrap() >= 0.0);
        assert_eq!(json["records"], 0, "an empty state has no records");
        assert_eq!(json["nodes"], 0);
        let unix_ns: u128 = json["first_frame_unix_ns"].as_str().unwrap().parse().unwrap();
        assert!(unix_ns > 1_600_000_000_000_000_000, "the wall clock in nanoseconds since 1970");
    }
}

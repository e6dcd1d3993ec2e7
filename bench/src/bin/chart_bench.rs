//! Time to draw a trend chart of many points into an RGBA picture (the app's texture).
//!
//! `chart_bench [POINTS]` (default 10,000): a two-series line chart and a stacked chart of
//! that many one-minute bins at 1200x400; prints median times in milliseconds.

use std::time::Instant;
use vmi_core::model::Timestamp;
use vmi_core::model::time::TICKS_PER_MINUTE;
use vmi_core::render::chart::render_rgba;
use vmi_core::render::{ChartSpec, Theme};
use vmi_core::trends::{Axis, Bins, Series, Trend, TrendKind};

fn series(name: &str, points: usize, phase: f64) -> Series {
    let values = (0..points).map(|i| 1e6 * (1.5 + ((i as f64) / 97.0 + phase).sin())).collect();
    Series { name: name.to_string(), values }
}

fn median_ms(trend: &Trend) -> f64 {
    let spec = ChartSpec {
        trend,
        title: "Bytes sent and received - whole estate",
        width: 1200,
        height: 400,
        theme: Theme::Light,
    };
    let mut times: Vec<f64> = (0..40)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(render_rgba(&spec).ok());
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let points: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let bins = Bins { start: Timestamp::from_unix_secs(1_790_000_000), bin_ticks: TICKS_PER_MINUTE, count: points };
    let lines = Trend {
        kind: TrendKind::Bytes,
        axis: Axis::Time(bins),
        series: vec![series("Bytes sent", points, 0.0), series("Bytes received", points, 1.0)],
        stacked: false,
    };
    let stacked = Trend { stacked: true, ..lines.clone() };
    println!(
        "{{\"points\": {points}, \"line_chart_ms_median\": {:.2}, \"stacked_chart_ms_median\": {:.2}}}",
        median_ms(&lines),
        median_ms(&stacked)
    );
}

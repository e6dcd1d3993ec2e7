//! Trend charts drawn with plotters: into an RGBA picture for the app's texture and PNG
//! export, or into SVG with real text. One drawing function serves every backend.

use super::image::RgbaImage;
use super::theme::{FONT_FAMILY, Theme, format_bytes, format_count, register_fonts, series_color};
use crate::model::Timestamp;
use crate::model::time::{TICKS_PER_DAY, TICKS_PER_SEC, civil_from_days};
use crate::trends::{Axis, Trend, TrendKind, Unit};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Where the plot sits in the picture, so the app can map the pointer to a bin.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ChartGeometry {
    /// Plot area in pixels: left, right, top, bottom.
    pub plot_left: i32,
    pub plot_right: i32,
    pub plot_top: i32,
    pub plot_bottom: i32,
    /// The x values at the left and right of the plot area: Unix seconds, or hours 0-24.
    pub x_from: f64,
    pub x_to: f64,
}

impl ChartGeometry {
    /// The x value under a pixel column (None outside the plot).
    pub fn x_at(&self, pixel_x: f32) -> Option<f64> {
        let (left, right) = (self.plot_left as f32, self.plot_right as f32);
        if pixel_x < left || pixel_x > right || right <= left {
            return None;
        }
        Some(self.x_from + f64::from((pixel_x - left) / (right - left)) * (self.x_to - self.x_from))
    }

    /// The pixel column of an x value.
    pub fn pixel_at(&self, x: f64) -> f32 {
        let t = if self.x_to > self.x_from { (x - self.x_from) / (self.x_to - self.x_from) } else { 0.0 };
        self.plot_left as f32 + t as f32 * (self.plot_right - self.plot_left) as f32
    }
}

/// A chart picture and where its plot is.
#[derive(Clone, Debug)]
pub struct ChartImage {
    pub image: RgbaImage,
    pub geometry: ChartGeometry,
}

/// What a chart shows and how big.
#[derive(Clone, Debug)]
pub struct ChartSpec<'a> {
    pub trend: &'a Trend,
    pub title: &'a str,
    pub width: u32,
    pub height: u32,
    pub theme: Theme,
}

pub fn render_rgba(spec: &ChartSpec<'_>) -> Result<ChartImage, String> {
    let (width, height) = (spec.width.max(64), spec.height.max(48));
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    let geometry = {
        let area = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        let geometry = draw(&area, spec)?;
        area.present().map_err(|e| e.to_string())?;
        geometry
    };
    Ok(ChartImage { image: RgbaImage::from_rgb(width, height, &rgb), geometry })
}

pub fn render_png(spec: &ChartSpec<'_>) -> Result<Vec<u8>, String> {
    render_rgba(spec)?.image.to_png()
}

/// The chart as the file `path` names: SVG for `.svg`, else PNG.
pub fn render_for_path(spec: &ChartSpec<'_>, path: &std::path::Path) -> Result<Vec<u8>, String> {
    if super::is_svg_path(path) { render_svg(spec).map(String::into_bytes) } else { render_png(spec) }
}

pub fn render_svg(spec: &ChartSpec<'_>) -> Result<String, String> {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (spec.width.max(64), spec.height.max(48))).into_drawing_area();
        draw(&area, spec)?;
        area.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Axis text for an instant: finer as the window gets shorter.
fn time_label(secs: f64, span_secs: f64) -> String {
    let ticks = (secs * TICKS_PER_SEC as f64) as i64;
    let t = Timestamp(ticks);
    let days = t.0.div_euclid(TICKS_PER_DAY);
    let (_, month, day) = civil_from_days(days);
    let secs_of_day = t.0.rem_euclid(TICKS_PER_DAY) / TICKS_PER_SEC;
    let (hour, minute) = (secs_of_day / 3600, secs_of_day / 60 % 60);
    if span_secs <= 86_400.0 {
        format!("{hour:02}:{minute:02}")
    } else if span_secs <= 14.0 * 86_400.0 {
        format!("{month:02}-{day:02} {hour:02}:{minute:02}")
    } else {
        let (year, _, _) = civil_from_days(days);
        format!("{year}-{month:02}-{day:02}")
    }
}

fn value_label(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Bytes => format_bytes(value),
        Unit::Milliseconds => format!("{} ms", format_count(value)),
        Unit::Count => format_count(value),
    }
}

/// The x position (seconds, or hour) of each value.
fn x_values(trend: &Trend) -> Vec<f64> {
    match trend.axis {
        Axis::Time(bins) => (0..bins.count).map(|i| bins.bin_start(i).0 as f64 / TICKS_PER_SEC as f64).collect(),
        Axis::HourOfDay => (0..24).map(f64::from).collect(),
    }
}

fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, spec: &ChartSpec<'_>) -> Result<ChartGeometry, String> {
    register_fonts();
    let trend = spec.trend;
    let palette = spec.theme.palette();
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    area.fill(&palette.background).map_err(err)?;
    let xs = x_values(trend);
    let (x_from, x_to) = match trend.axis {
        Axis::Time(bins) => (bins.start.0 as f64 / TICKS_PER_SEC as f64, bins.end().0 as f64 / TICKS_PER_SEC as f64),
        Axis::HourOfDay => (0.0, 24.0),
    };
    // Stacked series add up: the axis must reach their sum.
    let y_max = if trend.stacked {
        (0..trend.len()).map(|i| trend.series.iter().map(|s| finite(s.values[i])).sum::<f64>()).fold(0.0, f64::max)
    } else {
        trend.series.iter().flat_map(|s| s.values.iter().copied().map(finite)).fold(0.0, f64::max)
    };
    let y_top = if y_max > 0.0 { y_max * 1.12 } else { 1.0 };
    let unit = trend.kind.unit();
    let span = x_to - x_from;
    let title_font = (FONT_FAMILY, 15, FontStyle::Bold).into_font().color(&palette.text);
    let label_font = (FONT_FAMILY, 11).into_font().color(&palette.muted_text);
    let mut chart = ChartBuilder::on(area)
        .caption(spec.title, title_font)
        .margin(8)
        .margin_right(16)
        .x_label_area_size(26)
        .y_label_area_size(64)
        .build_cartesian_2d(x_from..x_to.max(x_from + 1.0), 0.0..y_top)
        .map_err(err)?;
    let hour_axis = trend.axis == Axis::HourOfDay;
    let x_format = move |x: &f64| if hour_axis { format!("{x:.0}") } else { time_label(*x, span) };
    let x_desc = if hour_axis { "hour of day (UTC)" } else { "UTC" };
    // The subtitle (what the chart shows where it departs from the documented query) goes
    // under the axis, where every export of the chart keeps it.
    let x_desc = trend.kind.subtitle().map_or_else(|| x_desc.to_string(), |s| format!("{x_desc} · {s}"));
    let y_format = move |y: &f64| value_label(unit, *y);
    chart
        .configure_mesh()
        // Time ticks are placed at round steps below; plotters would put them at round seconds.
        .x_labels(if hour_axis { 13 } else { 0 })
        .disable_x_mesh()
        .y_labels(6)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .x_desc(x_desc)
        .label_style(label_font.clone())
        .axis_desc_style(label_font.clone())
        .axis_style(palette.axis)
        .bold_line_style(palette.grid)
        .light_line_style(palette.background)
        .draw()
        .map_err(err)?;
    // Bins per pixel column of the plot (1 when every bin has its own pixels).
    let plot_width = chart.plotting_area().dim_in_pixel().0.max(1) as usize;
    let group = xs.len().div_ceil(plot_width).max(1);
    if !hour_axis {
        draw_time_ticks(&mut chart, x_from, x_to, &palette, &label_font).map_err(err)?;
    }
    if trend.is_empty() {
        let (w, h) = area.dim_in_pixel();
        let style =
            (FONT_FAMILY, 14).into_font().color(&palette.muted_text).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Center,
            ));
        area.draw_text("No data in this window", &style, (w as i32 / 2, h as i32 / 2)).map_err(err)?;
    } else if hour_axis {
        for (i, series) in trend.series.iter().enumerate() {
            let color = if trend.kind == TrendKind::FailuresByHour { palette.failure } else { series_color(i) };
            let bars = xs
                .iter()
                .zip(&series.values)
                .map(|(&x, &v)| Rectangle::new([(x + 0.1, 0.0), (x + 0.9, finite(v))], color.filled()));
            chart
                .draw_series(bars)
                .map_err(err)?
                .label(series.name.as_str())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled()));
        }
    } else if trend.stacked {
        // Cumulative sums, drawn from the top layer down so each band shows its own colour.
        let mut cumulative: Vec<Vec<f64>> = Vec::new();
        let mut running = vec![0.0; trend.len()];
        for series in &trend.series {
            running.iter_mut().zip(&series.values).for_each(|(r, v)| *r += finite(*v));
            cumulative.push(running.clone());
        }
        for (i, series) in trend.series.iter().enumerate().rev() {
            let color = series_color(i);
            let (group_xs, group_values) = decimate(&xs, &cumulative[i], group);
            let points: Vec<(f64, f64)> = step_points(&group_xs, &group_values, x_to);
            chart
                .draw_series(AreaSeries::new(points, 0.0, color.mix(0.85)).border_style(color.stroke_width(1)))
                .map_err(err)?
                .label(series.name.as_str())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled()));
        }
    } else {
        for (i, series) in trend.series.iter().enumerate() {
            let color = match (trend.kind, series.name.as_str()) {
                (TrendKind::Failures, _) | (TrendKind::Links, "Failed") => palette.failure,
                (TrendKind::Links, "Live") => series_color(2),
                (TrendKind::Links, "Terminated") => series_color(7),
                _ => series_color(i),
            };
            // NaN (no responses in a bin) breaks the line rather than drawing a zero.
            let (group_xs, group_values) = decimate(&xs, &series.values, group);
            for segment in segments(&group_xs, &group_values, x_to) {
                chart.draw_series(LineSeries::new(segment, color.stroke_width(2))).map_err(err)?;
            }
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
                .map_err(err)?
                .label(series.name.as_str())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled()));
        }
    }
    if !trend.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(palette.background.mix(0.85))
            .border_style(palette.grid)
            .label_font((FONT_FAMILY, 11).into_font().color(&palette.text))
            .draw()
            .map_err(err)?;
    }
    let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();
    Ok(ChartGeometry {
        plot_left: x_pixels.start,
        plot_right: x_pixels.end,
        plot_top: y_pixels.start,
        plot_bottom: y_pixels.end,
        x_from,
        x_to,
    })
}

/// Round steps for time ticks, in seconds: 1 min up to 1 week.
const TICK_STEPS_SECS: [f64; 15] = [
    60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 10_800.0, 21_600.0, 43_200.0, 86_400.0, 172_800.0,
    345_600.0, 604_800.0,
];

/// Vertical grid lines and labels at round times (every 15 min, 3 h, 1 day...), about 6 of them.
fn draw_time_ticks<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    x_from: f64,
    x_to: f64,
    palette: &super::theme::Palette,
    font: &TextStyle<'_>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let span = x_to - x_from;
    let step = TICK_STEPS_SECS.into_iter().find(|s| span / s <= 7.0).unwrap_or(604_800.0);
    let y_range = chart.y_range();
    let mut tick = (x_from / step).ceil() * step;
    let (_, bottom) = chart.plotting_area().get_pixel_range();
    let label_style = font.pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Center,
        plotters::style::text_anchor::VPos::Top,
    ));
    while tick <= x_to {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(tick, y_range.start), (tick, y_range.end)],
            palette.grid,
        )))?;
        let (px, _) = chart.backend_coord(&(tick, y_range.start));
        chart.plotting_area().strip_coord_spec().draw_text(
            &time_label(tick, span),
            &label_style,
            (px - chart.plotting_area().get_base_pixel().0, bottom.end - bottom.start + 6),
        )?;
        tick += step;
    }
    Ok(())
}

fn finite(v: f64) -> f64 {
    if v.is_finite() { v } else { 0.0 }
}

/// More bins than pixel columns cannot be told apart: keep the largest value of each group
/// of `group` bins (peaks stay visible), so drawing costs the same for 10k bins as for 2k.
fn decimate(xs: &[f64], values: &[f64], group: usize) -> (Vec<f64>, Vec<f64>) {
    if group <= 1 {
        return (xs.to_vec(), values.to_vec());
    }
    let xs_out = xs.chunks(group).map(|c| c[0]).collect();
    let values_out = values
        .chunks(group)
        .map(|c| {
            c.iter().copied().filter(|v| v.is_finite()).fold(f64::NAN, |m, v| if m.is_nan() { v } else { m.max(v) })
        })
        .collect();
    (xs_out, values_out)
}

/// A bin's value holds over the whole bin: the line steps at bin edges.
fn step_points(xs: &[f64], values: &[f64], x_end: f64) -> Vec<(f64, f64)> {
    let mut points = Vec::with_capacity(xs.len() * 2);
    for (i, (&x, &v)) in xs.iter().zip(values).enumerate() {
        let next = xs.get(i + 1).copied().unwrap_or(x_end);
        points.push((x, finite(v)));
        points.push((next, finite(v)));
    }
    points
}

/// Runs of finite values as stepped line segments.
fn segments(xs: &[f64], values: &[f64], x_end: f64) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    for (i, (&x, &v)) in xs.iter().zip(values).enumerate() {
        if v.is_finite() {
            let next = xs.get(i + 1).copied().unwrap_or(x_end);
            current.push((x, v));
            current.push((next, v));
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

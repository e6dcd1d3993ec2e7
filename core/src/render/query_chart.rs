//! Charts of query results (`render timechart`, `columnchart`, `piechart`, ...) with the look
//! of the trend charts: the same shipped fonts, colours, margins, axes and light/dark themes.
//! The drawer takes a plain description ([`QueryChart`]), so the KQL engine's conversion
//! (`kql::chart`), the app and the CLI share it; one drawing function serves the RGBA, PNG and
//! SVG backends.
//!
//! Any input draws: rows without an x value, NaN and infinities are left out, a result with
//! nothing to plot says so in the picture, and more categories, series or slices than a
//! picture can show are cut to the first ones (or the largest slices and an "Other" slice)
//! with a note under the title saying what was left out.

use super::image::RgbaImage;
use super::theme::{FONT_FAMILY, Palette, Theme, register_fonts, series_color};
use crate::model::time::{TICKS_PER_DAY, TICKS_PER_SEC, civil_from_days};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Categories (columns, bars, labelled x positions) drawn at most; further ones are left out.
pub const MAX_CATEGORIES: usize = 100;
/// Series drawn at most; further ones are left out.
pub const MAX_SERIES: usize = 40;
/// Pie slices at most: past this, the smallest are merged into one "Other" slice.
pub const MAX_PIE_SLICES: usize = 12;
/// Largest picture side in pixels (a bigger request is drawn at this size).
pub const MAX_SIDE_PX: u32 = 4096;
/// Values are kept within this magnitude so sums and axis headroom stay finite.
const MAX_MAGNITUDE: f64 = 1e300;

/// How the chart draws its series (Kusto's `render` visualizations).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChartKind {
    /// `timechart`: lines over time.
    Time,
    /// `linechart`: lines over the x values.
    Line,
    /// `areachart` (`stackedareachart` is `Area` stacked): filled areas.
    Area,
    /// `columnchart`: vertical bars, one per category and series.
    Column,
    /// `barchart`: horizontal bars.
    Bar,
    /// `piechart`: slices of the first series by category.
    Pie,
    /// `scatterchart`: points.
    Scatter,
}

/// Kusto's `kind=` for area, bar and column charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Stacking {
    /// `default`/`unstacked`: each series stands on its own.
    #[default]
    None,
    /// `stacked`: series pile up.
    Stacked,
    /// `stacked100`: series pile up to 100% of each x value's total.
    Stacked100,
}

/// The x value of every point, shared by all series.
#[derive(Clone, Debug, PartialEq)]
pub enum XAxis {
    /// 100 ns ticks since the Unix epoch (UTC).
    Time(Vec<i64>),
    Number(Vec<f64>),
    Category(Vec<String>),
}

impl XAxis {
    pub fn len(&self) -> usize {
        match self {
            XAxis::Time(v) => v.len(),
            XAxis::Number(v) => v.len(),
            XAxis::Category(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One named line, area or set of bars: a value (or none) for each x.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// What a query chart shows and how big.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryChart {
    pub kind: ChartKind,
    pub title: String,
    pub x_title: String,
    pub y_title: String,
    pub x: XAxis,
    /// Each series' values are aligned with `x` (missing tail values count as none); a value
    /// of none is no point there (lines join the points on either side).
    pub series: Vec<Series>,
    pub stacking: Stacking,
    /// `legend=hidden` turns the legend off.
    pub legend: bool,
    /// `ymin`/`ymax`: fixed ends of the value axis.
    pub y_min: Option<f64>,
    pub y_max: Option<f64>,
    /// `yaxis=log`: values on a base-10 log scale (values at or below zero are left out).
    pub y_log: bool,
    /// Said under the title (what the conversion left out or assumed).
    pub notes: Vec<String>,
    pub width: u32,
    pub height: u32,
    pub theme: Theme,
}

impl QueryChart {
    /// A chart with no titles, a legend, the light theme and the trend charts' usual size.
    pub fn new(kind: ChartKind, x: XAxis, series: Vec<Series>) -> QueryChart {
        QueryChart {
            kind,
            title: String::new(),
            x_title: String::new(),
            y_title: String::new(),
            x,
            series,
            stacking: Stacking::None,
            legend: true,
            y_min: None,
            y_max: None,
            y_log: false,
            notes: Vec::new(),
            width: 900,
            height: 420,
            theme: Theme::Light,
        }
    }

    /// The picture's size in pixels, within what can be drawn.
    pub fn size(&self) -> (u32, u32) {
        (self.width.clamp(64, MAX_SIDE_PX), self.height.clamp(48, MAX_SIDE_PX))
    }
}

pub fn render_rgba(chart: &QueryChart) -> Result<RgbaImage, String> {
    let (width, height) = chart.size();
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    {
        let area = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        draw(&area, chart)?;
        area.present().map_err(|e| e.to_string())?;
    }
    Ok(RgbaImage::from_rgb(width, height, &rgb))
}

pub fn render_png(chart: &QueryChart) -> Result<Vec<u8>, String> {
    render_rgba(chart)?.to_png()
}

pub fn render_svg(chart: &QueryChart) -> Result<String, String> {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, chart.size()).into_drawing_area();
        draw(&area, chart)?;
        area.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// The chart as the file `path` names: SVG for `.svg`, else PNG.
pub fn render_for_path(chart: &QueryChart, path: &std::path::Path) -> Result<Vec<u8>, String> {
    if super::is_svg_path(path) { render_svg(chart).map(String::into_bytes) } else { render_png(chart) }
}

// ---------------------------------------------------------------------------------------
// The values made ready to draw.

/// What the x axis of the prepared chart holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AxisKind {
    /// Unix seconds.
    Time,
    Number,
    /// Category indexes 0, 1, 2... with [`Prepared::labels`].
    Category,
}

/// One series after cleaning: a finite value (or none) for each prepared x.
#[derive(Clone, Debug)]
struct Line {
    name: String,
    values: Vec<Option<f64>>,
}

/// A chart's values made ready to draw: finite, in x order, aligned, capped.
#[derive(Clone, Debug)]
struct Prepared {
    axis: AxisKind,
    /// The x position of each point: Unix seconds, the number, or the category index.
    xs: Vec<f64>,
    /// The category labels (category axes only), one per x.
    labels: Vec<String>,
    lines: Vec<Line>,
    /// Pie charts: the slices, by label.
    slices: Vec<(String, f64)>,
    notes: Vec<String>,
}

impl Prepared {
    fn has_values(&self, kind: ChartKind) -> bool {
        if kind == ChartKind::Pie {
            return !self.slices.is_empty();
        }
        self.lines.iter().any(|l| l.values.iter().any(Option::is_some))
    }
}

/// Category axes: columns, bars and pies always; other kinds when the x values are text.
fn is_categorical(chart: &QueryChart) -> bool {
    matches!(chart.kind, ChartKind::Column | ChartKind::Bar | ChartKind::Pie) || matches!(chart.x, XAxis::Category(_))
}

fn prepare(chart: &QueryChart) -> Prepared {
    let mut notes = chart.notes.clone();
    let categorical = is_categorical(chart);
    // The x position of each input row; None leaves the row out (a number that is not finite).
    let raw: Vec<Option<f64>> = match &chart.x {
        XAxis::Time(ticks) => ticks.iter().map(|&t| Some(t as f64 / TICKS_PER_SEC as f64)).collect(),
        XAxis::Number(values) => {
            values.iter().map(|v| v.is_finite().then(|| v.clamp(-MAX_MAGNITUDE, MAX_MAGNITUDE))).collect()
        }
        XAxis::Category(labels) => (0..labels.len()).map(|i| Some(i as f64)).collect(),
    };
    let mut order: Vec<usize> = (0..raw.len()).filter(|&i| raw[i].is_some()).collect();
    let left_out = raw.len() - order.len();
    if left_out > 0 {
        notes.push(format!("{left_out} rows with no x value left out"));
    }
    if !matches!(chart.x, XAxis::Category(_)) {
        order.sort_by(|&a, &b| raw[a].partial_cmp(&raw[b]).unwrap_or(std::cmp::Ordering::Equal));
    }
    if categorical && chart.kind != ChartKind::Pie && order.len() > MAX_CATEGORIES {
        notes.push(format!("first {MAX_CATEGORIES} of {} categories shown", order.len()));
        order.truncate(MAX_CATEGORIES);
    }
    let labels: Vec<String> = if categorical { category_labels(&chart.x, &order) } else { Vec::new() };
    let xs: Vec<f64> = if categorical {
        (0..order.len()).map(|i| i as f64).collect()
    } else {
        order.iter().filter_map(|&i| raw[i]).collect()
    };
    let log = chart.y_log && chart.kind != ChartKind::Pie;
    let mut not_positive = 0usize;
    let shown_series = if chart.kind == ChartKind::Pie { 1 } else { MAX_SERIES };
    let mut lines: Vec<Line> = chart
        .series
        .iter()
        .take(shown_series)
        .map(|series| {
            let values = order
                .iter()
                .map(|&row| {
                    let v = series.values.get(row).copied().flatten().filter(|v| v.is_finite())?;
                    if log {
                        if v <= 0.0 {
                            not_positive += 1;
                            return None;
                        }
                        return Some(v.log10());
                    }
                    Some(v.clamp(-MAX_MAGNITUDE, MAX_MAGNITUDE))
                })
                .collect();
            Line { name: clip(&series.name), values }
        })
        .collect();
    if chart.series.len() > shown_series {
        if chart.kind == ChartKind::Pie {
            notes.push(format!("slices of {} only", chart.series[0].name));
        } else {
            notes.push(format!("first {shown_series} of {} series shown", chart.series.len()));
        }
    }
    if not_positive > 0 {
        notes.push(format!("{not_positive} values at or below zero left off the log scale"));
    }
    let mut slices = Vec::new();
    if chart.kind == ChartKind::Pie {
        let values = lines.first().map(|l| l.values.as_slice()).unwrap_or_default();
        let (kept, skipped) = pie_slices(&labels, values);
        if skipped > 0 {
            notes.push(format!("{skipped} rows with no positive value left out"));
        }
        slices = kept;
        lines.clear();
    }
    let axis = if categorical {
        AxisKind::Category
    } else if matches!(chart.x, XAxis::Time(_)) {
        AxisKind::Time
    } else {
        AxisKind::Number
    };
    Prepared { axis, xs, labels, lines, slices, notes }
}

/// The text of each category: the string, the time (to the precision the values need) or
/// the number.
fn category_labels(x: &XAxis, order: &[usize]) -> Vec<String> {
    match x {
        XAxis::Category(labels) => order
            .iter()
            .map(|&i| match labels.get(i).map(String::as_str) {
                None | Some("") => "(empty)".to_string(),
                Some(text) => clip(text),
            })
            .collect(),
        XAxis::Number(values) => {
            order.iter().map(|&i| values.get(i).map_or_else(String::new, |v| plain_number(*v))).collect()
        }
        XAxis::Time(ticks) => {
            let picked: Vec<i64> = order.iter().filter_map(|&i| ticks.get(i).copied()).collect();
            let with_time = picked.iter().any(|t| t.rem_euclid(TICKS_PER_DAY) != 0);
            let with_secs = picked.iter().any(|t| t.rem_euclid(60 * TICKS_PER_SEC) != 0);
            picked.iter().map(|&t| time_text(t, with_time, with_secs)).collect()
        }
    }
}

/// Positive values become slices (pies cannot show the rest); past [`MAX_PIE_SLICES`], the
/// largest keep their place and the others become one "Other" slice. Returns the slices and
/// how many rows had no positive value.
fn pie_slices(labels: &[String], values: &[Option<f64>]) -> (Vec<(String, f64)>, usize) {
    let mut slices: Vec<(String, f64)> = Vec::new();
    let mut skipped = 0;
    for (label, value) in labels.iter().zip(values) {
        match value {
            Some(v) if *v > 0.0 => slices.push((label.clone(), *v)),
            _ => skipped += 1,
        }
    }
    if slices.len() > MAX_PIE_SLICES {
        let mut by_size: Vec<usize> = (0..slices.len()).collect();
        by_size.sort_by(|&a, &b| slices[b].1.total_cmp(&slices[a].1).then(a.cmp(&b)));
        let mut keep = vec![false; slices.len()];
        for &i in by_size.iter().take(MAX_PIE_SLICES - 1) {
            keep[i] = true;
        }
        let (mut kept, mut other, mut others) = (Vec::new(), 0.0, 0usize);
        for (slice, keep) in slices.into_iter().zip(keep) {
            if keep {
                kept.push(slice);
            } else {
                other += slice.1;
                others += 1;
            }
        }
        kept.push((format!("Other ({others} more)"), other));
        slices = kept;
    }
    (slices, skipped)
}

/// Stacked bands (lower, upper) of each line at each point: positive values pile up from
/// zero, negative values down from zero, a missing value adds nothing. `percent` scales each
/// point's values to shares of its total (of absolute values), as `kind=stacked100` does.
fn stack(lines: &[Line], points: usize, percent: bool) -> Vec<Vec<(f64, f64)>> {
    let mut bands: Vec<Vec<(f64, f64)>> = lines.iter().map(|_| Vec::with_capacity(points)).collect();
    for p in 0..points {
        let value_at = |line: &Line| line.values.get(p).copied().flatten().unwrap_or(0.0);
        let scale = if percent {
            let total: f64 = lines.iter().map(|l| value_at(l).abs()).sum();
            if total > 0.0 { 100.0 / total } else { 0.0 }
        } else {
            1.0
        };
        let (mut up, mut down) = (0.0, 0.0);
        for (line, band) in lines.iter().zip(bands.iter_mut()) {
            let v = value_at(line) * scale;
            if v >= 0.0 {
                band.push((up, up + v));
                up += v;
            } else {
                band.push((down + v, down));
                down += v;
            }
        }
    }
    bands
}

/// The value axis: the values' extent (with zero when `include_zero`) and 12% headroom, or
/// the `ymin`/`ymax` asked for where they make a range.
fn value_range(
    values: impl Iterator<Item = f64>,
    include_zero: bool,
    percent: bool,
    fixed: (Option<f64>, Option<f64>),
) -> (f64, f64) {
    let (mut lo, mut hi) =
        values.filter(|v| v.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        (lo, hi) = (0.0, 1.0);
    }
    if include_zero {
        (lo, hi) = (lo.min(0.0), hi.max(0.0));
    }
    if percent {
        // A little headroom over 100%, as other charts have over their largest value.
        (lo, hi) = (lo.max(-100.0), if hi > 0.0 { 105.0 } else { hi });
        if hi <= lo {
            hi = lo + 100.0;
        }
    } else if hi <= lo {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        (lo, hi) = if include_zero && lo == 0.0 { (0.0, 1.0) } else { (lo - pad, hi + pad) };
    } else {
        let span = hi - lo;
        if hi > 0.0 || !include_zero {
            hi += span * 0.12;
        }
        if lo < 0.0 || !include_zero {
            lo -= span * 0.12;
        }
    }
    if !(lo < hi && (hi - lo).is_finite()) {
        (lo, hi) = (0.0, 1.0);
    }
    let lo_fixed = fixed.0.filter(|v| v.is_finite()).unwrap_or(lo);
    let hi_fixed = fixed.1.filter(|v| v.is_finite()).unwrap_or(hi);
    if lo_fixed < hi_fixed && (hi_fixed - lo_fixed).is_finite() { (lo_fixed, hi_fixed) } else { (lo, hi) }
}

/// The x extent: the values' ends, widened when they are one value, with `pad` (a share of
/// the span) on each side.
fn x_range(xs: &[f64], axis: AxisKind, pad: f64) -> (f64, f64) {
    let (lo, hi) = (xs.first().copied().unwrap_or(0.0), xs.last().copied().unwrap_or(0.0));
    if axis == AxisKind::Category {
        return (-0.5, (xs.len().max(1) as f64) - 0.5);
    }
    if hi > lo {
        let span = hi - lo;
        return (lo - span * pad, hi + span * pad);
    }
    let half = match axis {
        AxisKind::Time => 1800.0,
        _ if lo == 0.0 => 1.0,
        _ => lo.abs() * 0.05,
    };
    (lo - half, hi + half)
}

// ---------------------------------------------------------------------------------------
// Text.

/// A number as axis text with the decimals a range of `range` needs and trailing zeros
/// dropped: `950`, `12.5k`, `3.1M`, `0.25`, `1.2e18`.
fn number_label(value: f64, range: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let magnitude = value.abs();
    if magnitude < 1e-12 * range.abs().max(1e-300) || magnitude == 0.0 {
        return "0".to_string();
    }
    if !(1e-6..1e15).contains(&magnitude) {
        return format!("{value:.1e}");
    }
    let (scale, suffix) = match magnitude {
        m if m >= 1e12 => (1e12, "T"),
        m if m >= 1e9 => (1e9, "G"),
        m if m >= 1e6 => (1e6, "M"),
        m if m >= 1e4 => (1e3, "k"),
        _ => (1.0, ""),
    };
    let fine = (range.abs() / scale) / 60.0;
    let decimals = if fine > 0.0 && fine.is_finite() { (-fine.log10()).ceil().clamp(0.0, 6.0) as usize } else { 2 };
    let mut text = format!("{:.*}", decimals, value / scale);
    if text.contains('.') {
        text.truncate(text.trim_end_matches('0').trim_end_matches('.').len());
    }
    if text == "-0" {
        text = "0".to_string();
    }
    format!("{text}{suffix}")
}

/// A value on its own (legends, pie slices): about three significant digits.
fn value_text(value: f64) -> String {
    number_label(value, value.abs())
}

/// A number as a category: integers whole, others in their shortest form.
fn plain_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 { format!("{value:.0}") } else { format!("{value}") }
}

/// A date (and time) as category text: `2026-10-05`, `2026-10-05 08:00`, `... 08:00:30`.
fn time_text(ticks: i64, with_time: bool, with_secs: bool) -> String {
    let (year, month, day) = civil_from_days(ticks.div_euclid(TICKS_PER_DAY));
    let secs = ticks.rem_euclid(TICKS_PER_DAY) / TICKS_PER_SEC;
    let date = format!("{year}-{month:02}-{day:02}");
    match (with_time, with_secs) {
        (false, _) => date,
        (true, false) => format!("{date} {:02}:{:02}", secs / 3600, secs / 60 % 60),
        (true, true) => format!("{date} {:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60),
    }
}

/// Axis text for an instant (Unix seconds): finer as the axis gets shorter.
fn time_label(secs: f64, span_secs: f64) -> String {
    let ticks = (secs * TICKS_PER_SEC as f64) as i64;
    let (year, month, day) = civil_from_days(ticks.div_euclid(TICKS_PER_DAY));
    let secs_of_day = ticks.rem_euclid(TICKS_PER_DAY) / TICKS_PER_SEC;
    let (hour, minute, second) = (secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
    if span_secs <= 120.0 {
        format!("{hour:02}:{minute:02}:{second:02}")
    } else if span_secs <= 86_400.0 {
        format!("{hour:02}:{minute:02}")
    } else if span_secs <= 14.0 * 86_400.0 {
        format!("{month:02}-{day:02} {hour:02}:{minute:02}")
    } else if span_secs <= 3.0 * 365.0 * 86_400.0 {
        format!("{year}-{month:02}-{day:02}")
    } else {
        format!("{year}-{month:02}")
    }
}

/// Round steps for time ticks, in seconds: 1 s up to a year (longer axes take multiples of
/// ten years).
const TIME_STEPS_SECS: [f64; 26] = [
    1.0,
    2.0,
    5.0,
    10.0,
    15.0,
    30.0,
    60.0,
    120.0,
    300.0,
    600.0,
    900.0,
    1800.0,
    3600.0,
    7200.0,
    10_800.0,
    21_600.0,
    43_200.0,
    86_400.0,
    172_800.0,
    345_600.0,
    604_800.0,
    1_209_600.0,
    2_592_000.0,
    7_776_000.0,
    15_552_000.0,
    31_536_000.0,
];

/// About six ticks over `span` seconds.
fn time_step(span: f64) -> f64 {
    if let Some(step) = TIME_STEPS_SECS.into_iter().find(|s| span / s <= 7.0) {
        return step;
    }
    let mut step = 31_536_000.0;
    while span / step > 7.0 && step < 1e300 {
        step *= 10.0;
    }
    step
}

/// Longest text measured or drawn, in characters: longer names (a command line as a
/// category) are cut before they are laid out, so drawing stays fast.
const MAX_TEXT_CHARS: usize = 300;

/// `text` cut (with an ellipsis) to at most [`MAX_TEXT_CHARS`].
fn clip(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// `text` cut (with an ellipsis) to at most `max_px` wide in `style`.
fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
    max_px: u32,
) -> String {
    let width = |t: &str| area.estimate_text_size(t, style).map_or(t.chars().count() as u32 * 7, |(w, _)| w);
    let text = clip(text);
    if width(&text) <= max_px {
        return text;
    }
    let chars: Vec<char> = text.chars().collect();
    // The longest prefix that fits with the ellipsis: binary search over the char count.
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().chain(std::iter::once(&'…')).collect();
        if width(&candidate) <= max_px {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    if lo == 0 {
        return String::new();
    }
    chars[..lo].iter().chain(std::iter::once(&'…')).collect()
}

// ---------------------------------------------------------------------------------------
// Drawing.

type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

fn text_error<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, chart: &QueryChart) -> Result<(), String> {
    register_fonts();
    let palette = chart.theme.palette();
    area.fill(&palette.background).map_err(text_error)?;
    let prepared = prepare(chart);
    let inner = area.margin(8, 8, 8, 16);
    let body = header(&inner, &chart.title, &prepared.notes, &palette)?;
    if !prepared.has_values(chart.kind) {
        return centered_message(&body, "No data to chart", &palette);
    }
    match chart.kind {
        ChartKind::Pie => draw_pie(&body, chart, &prepared, &palette),
        ChartKind::Column | ChartKind::Bar => draw_bars(&body, chart, &prepared, &palette),
        ChartKind::Time | ChartKind::Line | ChartKind::Area | ChartKind::Scatter => {
            draw_xy(&body, chart, &prepared, &palette)
        }
    }
}

/// The title (bold, as the trend charts' caption) and the notes under it; returns the area
/// left for the chart.
fn header<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    notes: &[String],
    palette: &Palette,
) -> Result<DrawingArea<DB, Shift>, String> {
    let width = area.dim_in_pixel().0;
    let mut body = area.clone();
    if !title.trim().is_empty() {
        let font = (FONT_FAMILY, 15, FontStyle::Bold).into_font().color(&palette.text);
        let text = fit_text(area, title.trim(), &font, width);
        body = body.titled(&text, font).map_err(text_error)?;
    }
    if !notes.is_empty() {
        let font = (FONT_FAMILY, 11).into_font().color(&palette.muted_text);
        let text = fit_text(area, &notes.join("; "), &font, width);
        body = body.titled(&text, font).map_err(text_error)?;
    }
    Ok(body)
}

fn centered_message<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    palette: &Palette,
) -> Result<(), String> {
    let (w, h) = area.dim_in_pixel();
    let style = (FONT_FAMILY, 14).into_font().color(&palette.muted_text).pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text(text, &style, (w as i32 / 2, h as i32 / 2)).map_err(text_error)
}

fn label_font(palette: &Palette) -> TextStyle<'static> {
    (FONT_FAMILY, 11).into_font().color(&palette.muted_text)
}

/// Times are UTC, whether on a time axis or as the categories of columns, bars or slices.
fn x_description(chart: &QueryChart) -> String {
    match (&chart.x, chart.x_title.trim()) {
        (XAxis::Time(_), "") => "UTC".to_string(),
        (XAxis::Time(_), title) => format!("{title} (UTC)"),
        (_, title) => title.to_string(),
    }
}

/// Text for a value-axis tick.
fn value_tick(value: f64, range: f64, log: bool, percent: bool) -> String {
    if log {
        let v = 10f64.powf(value);
        return value_text(v);
    }
    let text = number_label(value, range);
    if percent { format!("{text}%") } else { text }
}

/// Lines, areas and points over a time, number or category axis.
fn draw_xy<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    chart: &QueryChart,
    prepared: &Prepared,
    palette: &Palette,
) -> Result<(), String> {
    let err = text_error::<DrawingAreaErrorKind<DB::ErrorType>>;
    let stacked = chart.kind == ChartKind::Area && chart.stacking != Stacking::None && !chart.y_log;
    let percent = stacked && chart.stacking == Stacking::Stacked100;
    let points = prepared.xs.len();
    let bands = if stacked { stack(&prepared.lines, points, percent) } else { Vec::new() };
    let scatter = chart.kind == ChartKind::Scatter;
    let include_zero = !chart.y_log && !scatter;
    let (y_from, y_to) = if stacked {
        value_range(bands.iter().flatten().flat_map(|&(lo, hi)| [lo, hi]), true, percent, (chart.y_min, chart.y_max))
    } else {
        let values = prepared.lines.iter().flat_map(|l| l.values.iter().flatten().copied());
        value_range(values, include_zero, false, (chart.y_min, chart.y_max))
    };
    let (x_from, x_to) = x_range(&prepared.xs, prepared.axis, if scatter { 0.03 } else { 0.0 });
    let x_title = x_description(chart);
    let mut plot = ChartBuilder::on(body)
        .x_label_area_size(if x_title.is_empty() { 26 } else { 40 })
        .y_label_area_size(if chart.y_title.trim().is_empty() { 64 } else { 80 })
        .build_cartesian_2d(x_from..x_to, y_from..y_to)
        .map_err(err)?;
    let y_span = y_to - y_from;
    let x_span = x_to - x_from;
    let log = chart.y_log;
    let y_format = move |y: &f64| value_tick(*y, y_span, log, percent);
    let x_format = move |x: &f64| number_label(*x, x_span);
    let font = label_font(palette);
    let mut mesh = plot.configure_mesh();
    mesh.x_labels(if prepared.axis == AxisKind::Number { 8 } else { 0 })
        .disable_x_mesh()
        .y_labels(6)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .label_style(font.clone())
        .axis_desc_style(font.clone())
        .axis_style(palette.axis)
        .bold_line_style(palette.grid)
        .light_line_style(palette.background);
    if !x_title.is_empty() {
        mesh.x_desc(x_title);
    }
    if !chart.y_title.trim().is_empty() {
        mesh.y_desc(chart.y_title.trim());
    }
    mesh.draw().map_err(err)?;
    match prepared.axis {
        AxisKind::Time => draw_time_ticks(&mut plot, x_from, x_to, palette, &font).map_err(err)?,
        AxisKind::Category => draw_category_ticks(&plot, &prepared.labels, &font).map_err(err)?,
        AxisKind::Number => {}
    }
    let columns = plot.plotting_area().dim_in_pixel().0.max(1) as usize;
    let xs = &prepared.xs;
    if stacked {
        // From the top layer down, each band filled between its lower and upper edges.
        for (i, band) in bands.iter().enumerate().rev() {
            let color = series_color(i);
            let mut outline: Vec<(f64, f64)> = xs.iter().zip(band).map(|(&x, &(_, hi))| (x, hi)).collect();
            let upper = outline.clone();
            outline.extend(xs.iter().zip(band).rev().map(|(&x, &(lo, _))| (x, lo)));
            plot.draw_series(std::iter::once(Polygon::new(outline, color.mix(0.85).filled()))).map_err(err)?;
            plot.draw_series(LineSeries::new(upper, color.stroke_width(1))).map_err(err)?;
        }
    } else {
        for (i, line) in prepared.lines.iter().enumerate() {
            let color = series_color(i);
            // A missing value is no point: the line goes through the points the series has,
            // as Kusto draws each series through its own rows.
            let points: Vec<(f64, f64)> = xs.iter().zip(&line.values).filter_map(|(&x, v)| v.map(|v| (x, v))).collect();
            let points = thin_line(&points, x_from, x_to, columns);
            if scatter || points.len() == 1 {
                plot.draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled()))).map_err(err)?;
                continue;
            }
            if chart.kind == ChartKind::Area {
                let baseline = if y_from > 0.0 { y_from } else { y_to.min(0.0) };
                plot.draw_series(AreaSeries::new(points, baseline, color.mix(0.3)).border_style(color.stroke_width(2)))
                    .map_err(err)?;
            } else {
                plot.draw_series(LineSeries::new(points, color.stroke_width(2))).map_err(err)?;
            }
        }
    }
    if chart.legend {
        let names: Vec<&str> = prepared.lines.iter().map(|l| l.name.as_str()).collect();
        draw_legend(&mut plot, &names, palette, SeriesLabelPosition::UpperLeft).map_err(err)?;
    }
    Ok(())
}

/// A line of more points than pixels cannot show them all: per pixel column the first,
/// lowest, highest and last point are kept (shape and peaks stay), so a million-point line
/// draws as fast as a few thousand. The points are in x order.
fn thin_line(points: &[(f64, f64)], x_from: f64, x_to: f64, columns: usize) -> Vec<(f64, f64)> {
    if points.len() <= columns.saturating_mul(4) || x_to <= x_from {
        return points.to_vec();
    }
    let column_of = |x: f64| (((x - x_from) / (x_to - x_from)) * columns as f64).clamp(0.0, columns as f64) as usize;
    let mut out = Vec::with_capacity(columns * 4);
    let mut start = 0;
    while start < points.len() {
        let column = column_of(points[start].0);
        let mut end = start + 1;
        while end < points.len() && column_of(points[end].0) == column {
            end += 1;
        }
        let group = &points[start..end];
        let (mut low, mut high) = (0, 0);
        for (i, p) in group.iter().enumerate() {
            if p.1 < group[low].1 {
                low = i;
            }
            if p.1 > group[high].1 {
                high = i;
            }
        }
        let mut keep = [0, low, high, group.len() - 1];
        keep.sort_unstable();
        let mut last = usize::MAX;
        for k in keep {
            if k != last {
                out.push(group[k]);
                last = k;
            }
        }
        start = end;
    }
    out
}

/// Columns (vertical) or bars (horizontal): one slot per category, the series side by side
/// in it or piled up.
fn draw_bars<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    chart: &QueryChart,
    prepared: &Prepared,
    palette: &Palette,
) -> Result<(), String> {
    let err = text_error::<DrawingAreaErrorKind<DB::ErrorType>>;
    let horizontal = chart.kind == ChartKind::Bar;
    // Piling up logarithms means nothing: a log scale draws the series side by side.
    let stacked = chart.stacking != Stacking::None && !chart.y_log;
    let percent = stacked && chart.stacking == Stacking::Stacked100;
    let count = prepared.xs.len();
    let bands = if stacked {
        stack(&prepared.lines, count, percent)
    } else {
        // Bars grow from zero, or on a log scale from the foot of the axis.
        let band = |v: f64| if chart.y_log { (f64::NEG_INFINITY, v) } else { (v.min(0.0), v.max(0.0)) };
        prepared.lines.iter().map(|l| l.values.iter().map(|v| v.map_or((0.0, 0.0), band)).collect()).collect()
    };
    let values = || -> Box<dyn Iterator<Item = f64> + '_> {
        if stacked {
            Box::new(bands.iter().flatten().flat_map(|&(lo, hi)| [lo, hi]))
        } else {
            Box::new(prepared.lines.iter().flat_map(|l| l.values.iter().flatten().copied()))
        }
    };
    let (v_from, v_to) = value_range(values(), !chart.y_log, percent, (chart.y_min, chart.y_max));
    let (c_from, c_to) = (-0.5, count.max(1) as f64 - 0.5);
    let font = label_font(palette);
    let x_title = x_description(chart);
    let y_title = chart.y_title.trim().to_string();
    let category_area = if horizontal {
        let widest =
            prepared.labels.iter().map(|l| body.estimate_text_size(l, &font).map_or(0, |(w, _)| w)).max().unwrap_or(0);
        (widest + 12).clamp(20, (body.dim_in_pixel().0 * 2 / 5).max(20))
    } else {
        26
    };
    let (x_area, y_area) = if horizontal {
        (if y_title.is_empty() { 26 } else { 40 }, category_area + if x_title.is_empty() { 0 } else { 16 })
    } else {
        (category_area + if x_title.is_empty() { 0 } else { 14 }, if y_title.is_empty() { 64 } else { 80 })
    };
    let (x_range, y_range) = if horizontal { (v_from..v_to, c_from..c_to) } else { (c_from..c_to, v_from..v_to) };
    let mut plot = ChartBuilder::on(body)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x_range, y_range)
        .map_err(err)?;
    let span = v_to - v_from;
    let log = chart.y_log;
    let value_format = move |v: &f64| value_tick(*v, span, log, percent);
    let mut mesh = plot.configure_mesh();
    mesh.label_style(font.clone())
        .axis_desc_style(font.clone())
        .axis_style(palette.axis)
        .bold_line_style(palette.grid)
        .light_line_style(palette.background);
    // The category axis is labelled below; the value axis has the trend charts' grid.
    if horizontal {
        mesh.y_labels(0).disable_y_mesh().x_labels(6).x_label_formatter(&value_format);
        if !y_title.is_empty() {
            mesh.x_desc(y_title.as_str());
        }
        if !x_title.is_empty() {
            mesh.y_desc(x_title.as_str());
        }
    } else {
        mesh.x_labels(0).disable_x_mesh().y_labels(6).y_label_formatter(&value_format);
        if !x_title.is_empty() {
            mesh.x_desc(x_title.as_str());
        }
        if !y_title.is_empty() {
            mesh.y_desc(y_title.as_str());
        }
    }
    mesh.draw().map_err(err)?;
    if horizontal {
        draw_bar_labels(&plot, &prepared.labels, &font).map_err(err)?;
    } else {
        draw_category_ticks(&plot, &prepared.labels, &font).map_err(err)?;
    }
    let series = bands.len().max(1) as f64;
    for (s, band) in bands.iter().enumerate() {
        let color = series_color(s);
        let rects = band.iter().enumerate().filter(|(_, (lo, hi))| hi > lo).map(|(c, &(lo, hi))| {
            let slot = if horizontal { (count - 1 - c) as f64 } else { c as f64 };
            let (from, to) = if stacked {
                (slot - 0.4, slot + 0.4)
            } else {
                // Side by side in series order: left to right, or top to bottom for bars.
                let width = 0.8 / series;
                let place = if horizontal { series - 1.0 - s as f64 } else { s as f64 };
                let from = slot - 0.4 + width * place;
                (from, from + width * if series > 1.0 { 0.9 } else { 1.0 })
            };
            let (lo, hi) = (lo.max(v_from), hi.min(v_to));
            let corners = if horizontal { [(lo, from), (hi, to)] } else { [(from, lo), (to, hi)] };
            Rectangle::new(corners, color.filled())
        });
        plot.draw_series(rects).map_err(err)?;
    }
    if chart.legend {
        let names: Vec<&str> = prepared.lines.iter().map(|l| l.name.as_str()).collect();
        draw_legend(&mut plot, &names, palette, SeriesLabelPosition::UpperRight).map_err(err)?;
    }
    Ok(())
}

/// The legend, as the trend charts draw it; entries past what fits in the plot's height
/// end in "+N more".
fn draw_legend<'a, DB: DrawingBackend + 'a>(
    plot: &mut Plot<'a, DB>,
    names: &[&str],
    palette: &Palette,
    position: SeriesLabelPosition,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    if names.is_empty() {
        return Ok(());
    }
    let height = plot.plotting_area().dim_in_pixel().1 as usize;
    let fit = (height.saturating_sub(12) / 17).max(1);
    let shown = if names.len() > fit { fit.saturating_sub(1) } else { names.len() };
    let label_style = (FONT_FAMILY, 11).into_font().color(&palette.text);
    let width = plot.plotting_area().dim_in_pixel().0 / 3;
    let area = plot.plotting_area().strip_coord_spec();
    for (i, name) in names.iter().enumerate().take(shown) {
        let color = series_color(i);
        let text = fit_text(&area, if name.is_empty() { "(no name)" } else { name }, &label_style, width.max(40));
        plot.draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label(text)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled()));
    }
    if shown < names.len() {
        let background = palette.background;
        plot.draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label(format!("+{} more", names.len() - shown))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], background.filled()));
    }
    plot.configure_series_labels()
        .position(position)
        .background_style(palette.background.mix(0.85))
        .border_style(palette.grid)
        .label_font(label_style)
        .draw()
}

/// Vertical grid lines and labels at round times (every minute, 3 h, 1 day...), about six.
fn draw_time_ticks<DB: DrawingBackend>(
    plot: &mut Plot<'_, DB>,
    x_from: f64,
    x_to: f64,
    palette: &Palette,
    font: &TextStyle<'_>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let span = x_to - x_from;
    let step = time_step(span);
    let y_range = plot.y_range();
    let mut tick = (x_from / step).ceil() * step;
    let style = font.pos(Pos::new(HPos::Center, VPos::Top));
    let mut drawn = 0;
    while tick <= x_to && drawn < 24 {
        plot.draw_series(std::iter::once(PathElement::new(
            vec![(tick, y_range.start), (tick, y_range.end)],
            palette.grid,
        )))?;
        draw_below_axis(plot, tick, &time_label(tick, span), &style)?;
        tick += step;
        drawn += 1;
    }
    Ok(())
}

/// Text under the x axis at data position `x`.
fn draw_below_axis<DB: DrawingBackend>(
    plot: &Plot<'_, DB>,
    x: f64,
    text: &str,
    style: &TextStyle<'_>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let y_start = plot.y_range().start;
    let (px, py) = plot.backend_coord(&(x, y_start));
    let area = plot.plotting_area().strip_coord_spec();
    let (bx, by) = area.get_base_pixel();
    area.draw_text(text, style, (px - bx, py - by + 6))
}

/// Category names under the x axis: every one that fits, skipping evenly when they crowd.
fn draw_category_ticks<DB: DrawingBackend>(
    plot: &Plot<'_, DB>,
    labels: &[String],
    font: &TextStyle<'_>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    if labels.is_empty() {
        return Ok(());
    }
    let area = plot.plotting_area().strip_coord_spec();
    let slot = (area.dim_in_pixel().0 as f64 / labels.len() as f64).max(1.0);
    let widest = labels.iter().map(|l| area.estimate_text_size(l, font).map_or(0, |(w, _)| w)).max().unwrap_or(0);
    let widest = widest.min(160) as f64;
    let stride = ((widest + 8.0) / slot).ceil().max(1.0) as usize;
    let max_px = (slot * stride as f64 - 6.0).max(12.0) as u32;
    let style = font.pos(Pos::new(HPos::Center, VPos::Top));
    for (i, label) in labels.iter().enumerate().step_by(stride) {
        draw_below_axis(plot, i as f64, &fit_text(&area, label, font, max_px), &style)?;
    }
    Ok(())
}

/// Category names left of horizontal bars, the first category at the top.
fn draw_bar_labels<DB: DrawingBackend>(
    plot: &Plot<'_, DB>,
    labels: &[String],
    font: &TextStyle<'_>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let count = labels.len();
    if count == 0 {
        return Ok(());
    }
    let area = plot.plotting_area().strip_coord_spec();
    let (bx, by) = area.get_base_pixel();
    let slot = (area.dim_in_pixel().1 as f64 / count as f64).max(1.0);
    let stride = (14.0 / slot).ceil().max(1.0) as usize;
    let max_px = (bx as u32).saturating_sub(14).max(20);
    let style = font.pos(Pos::new(HPos::Right, VPos::Center));
    let x_start = plot.x_range().start;
    for (i, label) in labels.iter().enumerate().step_by(stride) {
        let (px, py) = plot.backend_coord(&(x_start, (count - 1 - i) as f64));
        area.draw_text(&fit_text(&area, label, font, max_px), &style, (px - bx - 6, py - by))?;
    }
    Ok(())
}

/// A pie of the slices, clockwise from twelve o'clock, with a legend of names, values and
/// shares on its right.
fn draw_pie<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    chart: &QueryChart,
    prepared: &Prepared,
    palette: &Palette,
) -> Result<(), String> {
    let err = text_error::<DrawingAreaErrorKind<DB::ErrorType>>;
    let (width, height) = body.dim_in_pixel();
    let total: f64 = prepared.slices.iter().map(|s| s.1).sum();
    let font = (FONT_FAMILY, 11).into_font().color(&palette.text);
    let entries: Vec<String> = prepared
        .slices
        .iter()
        .map(|(name, value)| format!("{name}  {} ({:.1}%)", value_text(*value), value / total * 100.0))
        .collect();
    let widest = entries.iter().map(|e| body.estimate_text_size(e, &font).map_or(0, |(w, _)| w)).max().unwrap_or(0);
    let legend_width = if chart.legend { (widest + 30).min(width * 9 / 20) } else { 0 };
    let pie_width = width.saturating_sub(legend_width);
    let radius = (pie_width.min(height) as f64 / 2.0 - 8.0).max(0.0);
    let center = (pie_width as f64 / 2.0, height as f64 / 2.0);
    let point =
        |angle: f64, r: f64| ((center.0 + r * angle.cos()).round() as i32, (center.1 + r * angle.sin()).round() as i32);
    let start = -std::f64::consts::FRAC_PI_2;
    if radius >= 4.0 {
        let mut from = 0.0;
        for (i, (_, value)) in prepared.slices.iter().enumerate() {
            let to = from + value / total;
            let (a0, a1) = (start + from * std::f64::consts::TAU, start + to * std::f64::consts::TAU);
            let steps = (((a1 - a0) / 0.02).ceil() as usize).clamp(1, 400);
            let mut outline = vec![point(0.0, 0.0)];
            outline.extend((0..=steps).map(|k| point(a0 + (a1 - a0) * k as f64 / steps as f64, radius)));
            body.draw(&Polygon::new(outline, series_color(i).filled())).map_err(err)?;
            from = to;
        }
        if prepared.slices.len() > 1 {
            let mut from = 0.0;
            for (_, value) in &prepared.slices {
                let edge = start + from * std::f64::consts::TAU;
                body.draw(&PathElement::new(
                    vec![point(0.0, 0.0), point(edge, radius)],
                    palette.background.stroke_width(2),
                ))
                .map_err(err)?;
                from += value / total;
            }
        }
        // Shares written on the slices big enough to hold them.
        let mut from = 0.0;
        for (i, (_, value)) in prepared.slices.iter().enumerate() {
            let share = value / total;
            if share >= 0.06 && radius >= 40.0 {
                let middle = start + (from + share / 2.0) * std::f64::consts::TAU;
                let color = series_color(i);
                let light =
                    0.299 * f64::from(color.0) + 0.587 * f64::from(color.1) + 0.114 * f64::from(color.2) > 150.0;
                let ink = if light { RGBColor(30, 30, 30) } else { RGBColor(255, 255, 255) };
                let style = (FONT_FAMILY, 11).into_font().color(&ink).pos(Pos::new(HPos::Center, VPos::Center));
                body.draw_text(&format!("{:.0}%", share * 100.0), &style, point(middle, radius * 0.65)).map_err(err)?;
            }
            from += share;
        }
    }
    if chart.legend {
        let rows = ((height.saturating_sub(8)) / 18).max(1) as usize;
        let shown = if entries.len() > rows { rows.saturating_sub(1) } else { entries.len() };
        let top = (height as i32 - (shown.min(entries.len()) as i32 + i32::from(shown < entries.len())) * 18) / 2;
        let x = pie_width as i32 + 6;
        let style = font.pos(Pos::new(HPos::Left, VPos::Center));
        for (i, entry) in entries.iter().enumerate().take(shown) {
            let y = top + i as i32 * 18 + 9;
            body.draw(&Rectangle::new([(x, y - 5), (x + 10, y + 5)], series_color(i).filled())).map_err(err)?;
            let text = fit_text(body, entry, &font, legend_width.saturating_sub(22));
            body.draw_text(&text, &style, (x + 16, y)).map_err(err)?;
        }
        if shown < entries.len() {
            let y = top + shown as i32 * 18 + 9;
            body.draw_text(&format!("+{} more", entries.len() - shown), &style, (x + 16, y)).map_err(err)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3600 * TICKS_PER_SEC;
    const START: i64 = 1_790_000_000 * TICKS_PER_SEC;

    fn png_size(png: &[u8]) -> (u32, u32) {
        let reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap();
        (reader.info().width, reader.info().height)
    }

    fn series(name: &str, values: &[f64]) -> Series {
        Series { name: name.to_string(), values: values.iter().map(|&v| Some(v)).collect() }
    }

    fn time_chart(kind: ChartKind) -> QueryChart {
        let x = XAxis::Time((0..24).map(|h| START + h * HOUR).collect());
        let a: Vec<f64> = (0..24).map(|h| (h * 3 % 17) as f64).collect();
        let b: Vec<f64> = (0..24).map(|h| (h * 5 % 11) as f64 * 10.0).collect();
        let mut chart = QueryChart::new(kind, x, vec![series("web01", &a), series("db<02>&", &b)]);
        chart.title = "Connections per hour".into();
        chart.x_title = "TimeGenerated".into();
        chart.y_title = "count_".into();
        chart
    }

    fn category_chart(kind: ChartKind) -> QueryChart {
        let x = XAxis::Category(vec!["web01".into(), "db02".into(), "app03".into(), "".into()]);
        let mut chart = QueryChart::new(
            kind,
            x,
            vec![series("sum_BytesSent", &[5e9, 1.5e9, 7e8, 3e3]), series("sum_BytesReceived", &[1e9, 2e9, 3e8, 0.0])],
        );
        chart.title = "Bytes by computer".into();
        chart
    }

    /// Every kind, in both themes, as PNG of the asked size and as SVG naming its title and
    /// series.
    #[test]
    fn every_kind_draws_in_both_themes() {
        let kinds = [ChartKind::Time, ChartKind::Line, ChartKind::Area, ChartKind::Scatter];
        let mut charts: Vec<QueryChart> = kinds.iter().map(|&k| time_chart(k)).collect();
        charts.extend([ChartKind::Column, ChartKind::Bar, ChartKind::Pie].iter().map(|&k| category_chart(k)));
        for mut chart in charts {
            for theme in [Theme::Light, Theme::Dark] {
                chart.theme = theme;
                chart.width = 640;
                chart.height = 360;
                let png = render_png(&chart).unwrap();
                assert_eq!(png_size(&png), (640, 360), "{:?} {:?}", chart.kind, theme);
                let image = render_rgba(&chart).unwrap();
                let background = theme.palette().background;
                assert_eq!(
                    &image.pixels[..3],
                    &[background.0, background.1, background.2],
                    "{:?} background",
                    chart.kind
                );
                let distinct: std::collections::HashSet<&[u8]> = image.pixels.chunks(4).collect();
                assert!(distinct.len() > 5, "{:?} draws more than the background", chart.kind);
                let svg = render_svg(&chart).unwrap();
                assert!(svg.starts_with("<svg"), "{:?}", chart.kind);
                assert!(svg.contains(&chart.title), "{:?} title in the SVG", chart.kind);
                let first = &chart.series[0].name;
                assert!(svg.contains(first.as_str()), "{:?} names series {first}", chart.kind);
                if chart.kind != ChartKind::Pie {
                    let second = chart.series[1].name.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
                    assert!(svg.contains(&second), "{:?} names series {second} (escaped)", chart.kind);
                }
            }
        }
    }

    #[test]
    fn axis_titles_and_categories_appear() {
        let svg = render_svg(&time_chart(ChartKind::Time)).unwrap();
        assert!(svg.contains("TimeGenerated (UTC)"));
        assert!(svg.contains("count_"));
        let svg = render_svg(&category_chart(ChartKind::Column)).unwrap();
        for name in ["web01", "db02", "app03", "(empty)"] {
            assert!(svg.contains(name), "column label {name}");
        }
        let mut daily = QueryChart::new(
            ChartKind::Column,
            XAxis::Time(vec![START, START + 24 * HOUR]),
            vec![series("n", &[1.0, 2.0])],
        );
        daily.x_title = "Day".into();
        let svg = render_svg(&daily).unwrap();
        assert!(svg.contains("Day (UTC)") && svg.contains("2026-09-21 14:13:20"), "times as categories say UTC");
        let svg = render_svg(&category_chart(ChartKind::Bar)).unwrap();
        assert!(svg.contains("app03"), "bar label");
        let svg = render_svg(&category_chart(ChartKind::Pie)).unwrap();
        assert!(svg.contains("web01  5G (69.4%)"), "pie legend gives value and share: {svg}");
        assert!(svg.contains("slices of sum_BytesSent only"), "pie says which column it shows");
        assert!(svg.contains("69%"), "share on the big slice");
    }

    #[test]
    fn awkward_inputs_never_panic() {
        let many: Vec<String> = (0..5000).map(|i| format!("machine-{i:05}")).collect();
        let huge = vec![Some(9.9e18); 5000];
        let mut cases = vec![
            QueryChart::new(ChartKind::Time, XAxis::Time(Vec::new()), Vec::new()),
            QueryChart::new(ChartKind::Time, XAxis::Time(vec![START]), vec![series("one", &[3.0])]),
            QueryChart::new(
                ChartKind::Line,
                XAxis::Number(vec![f64::NAN, 1.0, f64::INFINITY]),
                vec![series("s", &[f64::NAN, f64::INFINITY, -0.0])],
            ),
            QueryChart::new(
                ChartKind::Area,
                XAxis::Number(vec![1.0, 2.0]),
                vec![Series { name: String::new(), values: vec![None, None] }],
            ),
            QueryChart::new(
                ChartKind::Column,
                XAxis::Category(many.clone()),
                vec![Series { name: "big".into(), values: huge.clone() }],
            ),
            QueryChart::new(
                ChartKind::Bar,
                XAxis::Category(many.clone()),
                vec![Series { name: "big".into(), values: huge.clone() }],
            ),
            QueryChart::new(ChartKind::Pie, XAxis::Category(many), vec![Series { name: "big".into(), values: huge }]),
            QueryChart::new(
                ChartKind::Column,
                XAxis::Number(vec![1.0, 2.0, 3.0]),
                vec![series("neg", &[-5.0, 3.0, -1e308])],
            ),
            QueryChart::new(
                ChartKind::Scatter,
                XAxis::Number(vec![1e308, -1e308]),
                vec![series("wide", &[1e-300, -1e300])],
            ),
            QueryChart::new(
                ChartKind::Pie,
                XAxis::Category(vec!["a".into(), "b".into()]),
                vec![series("zero", &[0.0, -1.0])],
            ),
            QueryChart::new(ChartKind::Time, XAxis::Time(vec![i64::MIN, i64::MAX]), vec![series("ends", &[1.0, 2.0])]),
            QueryChart::new(ChartKind::Line, XAxis::Category(vec!["only".into()]), vec![series("short", &[])]),
        ];
        let mut stacked = category_chart(ChartKind::Column);
        stacked.stacking = Stacking::Stacked100;
        stacked.series[1].values[0] = Some(-4e9);
        cases.push(stacked);
        let mut stacked_area = time_chart(ChartKind::Area);
        stacked_area.stacking = Stacking::Stacked;
        stacked_area.series[0].values[3] = None;
        cases.push(stacked_area);
        let mut log = time_chart(ChartKind::Line);
        log.y_log = true;
        log.series[0].values[0] = Some(-1.0);
        cases.push(log);
        let mut fixed = time_chart(ChartKind::Time);
        (fixed.y_min, fixed.y_max) = (Some(5.0), Some(2.0));
        cases.push(fixed);
        let mut lots =
            QueryChart::new(ChartKind::Time, XAxis::Time((0..200).map(|i| START + i * HOUR).collect()), Vec::new());
        lots.series = (0..300).map(|s| series(&format!("s{s}"), &vec![s as f64; 200])).collect();
        cases.push(lots);
        for mut chart in cases {
            for (width, height) in [(1, 1), (64, 48), (300, 120), (900, 420), (100_000, 20)] {
                chart.width = width;
                chart.height = height;
                let png = render_png(&chart).unwrap_or_else(|e| panic!("{:?} at {width}x{height}: {e}", chart.kind));
                assert_eq!(png_size(&png), chart.size());
                render_svg(&chart).unwrap();
            }
        }
    }

    #[test]
    fn what_is_left_out_is_said() {
        let svg = render_svg(&QueryChart::new(ChartKind::Time, XAxis::Time(Vec::new()), Vec::new())).unwrap();
        assert!(svg.contains("No data to chart"));
        let many: Vec<String> = (0..5000).map(|i| format!("m{i}")).collect();
        let values: Vec<f64> = (0..5000).map(f64::from).collect();
        let column = QueryChart::new(ChartKind::Column, XAxis::Category(many.clone()), vec![series("n", &values)]);
        assert!(render_svg(&column).unwrap().contains("first 100 of 5000 categories shown"));
        let pie = QueryChart::new(ChartKind::Pie, XAxis::Category(many), vec![series("n", &values)]);
        let svg = render_svg(&pie).unwrap();
        assert!(svg.contains("Other (4988 more)"), "the smallest slices become one");
        assert!(svg.contains("1 rows with no positive value left out"), "the zero row");
        let mut lines = QueryChart::new(ChartKind::Line, XAxis::Number(vec![1.0, f64::NAN]), Vec::new());
        lines.series = (0..50).map(|s| series(&format!("s{s}"), &[1.0, 2.0])).collect();
        let svg = render_svg(&lines).unwrap();
        assert!(svg.contains("1 rows with no x value left out; first 40 of 50 series shown"), "{svg}");
        assert!(svg.lines().any(|l| l.starts_with('+') && l.ends_with(" more")), "the legend ends in +N more");
    }

    #[test]
    fn long_names_are_cut_before_layout() {
        let long = "x".repeat(100_000) + "é";
        assert_eq!(clip(&long).chars().count(), MAX_TEXT_CHARS + 1);
        assert_eq!(clip("é short"), "é short");
        let mut chart = QueryChart::new(
            ChartKind::Bar,
            XAxis::Category(vec![long.clone(); 3]),
            vec![series(&long, &[1.0, 2.0, 3.0])],
        );
        chart.title = long;
        let svg = render_svg(&chart).unwrap();
        assert!(svg.len() < 100_000, "cut names keep the picture small: {} bytes", svg.len());
    }

    #[test]
    fn stacking_piles_positive_up_and_negative_down() {
        let lines = vec![
            Line { name: "a".into(), values: vec![Some(1.0), Some(-2.0), None] },
            Line { name: "b".into(), values: vec![Some(3.0), Some(-1.0), Some(4.0)] },
        ];
        let bands = stack(&lines, 3, false);
        assert_eq!(bands[0], vec![(0.0, 1.0), (-2.0, 0.0), (0.0, 0.0)]);
        assert_eq!(bands[1], vec![(1.0, 4.0), (-3.0, -2.0), (0.0, 4.0)]);
        let percent = stack(&lines, 3, true);
        assert_eq!(percent[0][0], (0.0, 25.0));
        assert_eq!(percent[1][0], (25.0, 100.0));
        assert_eq!(percent[1][2], (0.0, 100.0));
    }

    #[test]
    fn prepared_points_follow_x_order_and_drop_bad_rows() {
        let chart = QueryChart::new(
            ChartKind::Line,
            XAxis::Number(vec![3.0, f64::NAN, 1.0, 2.0]),
            vec![Series { name: "v".into(), values: vec![Some(30.0), Some(99.0), Some(f64::NAN), Some(20.0)] }],
        );
        let prepared = prepare(&chart);
        assert_eq!(prepared.xs, vec![1.0, 2.0, 3.0]);
        assert_eq!(prepared.lines[0].values, vec![None, Some(20.0), Some(30.0)]);
        let columns =
            QueryChart::new(ChartKind::Column, XAxis::Time(vec![START + HOUR, START]), vec![series("c", &[2.0, 1.0])]);
        let prepared = prepare(&columns);
        assert_eq!(prepared.labels, vec!["2026-09-21 14:13:20", "2026-09-21 15:13:20"]);
        assert_eq!(prepared.lines[0].values, vec![Some(1.0), Some(2.0)]);
    }

    #[test]
    fn numbers_and_times_read_well() {
        assert_eq!(number_label(0.25, 1.0), "0.25");
        assert_eq!(number_label(0.5, 1.0), "0.5");
        assert_eq!(number_label(2.0, 6.0), "2");
        assert_eq!(number_label(12_500.0, 50_000.0), "12.5k");
        assert_eq!(number_label(3_000_000.0, 10_000_000.0), "3M");
        assert_eq!(number_label(-4e9, 1e10), "-4G");
        assert_eq!(number_label(1.5e18, 1e19), "1.5e18");
        assert_eq!(number_label(-0.0, 1.0), "0");
        assert_eq!(value_text(5e9), "5G");
        assert_eq!(value_text(0.123), "0.123");
        assert_eq!(plain_number(42.0), "42");
        assert_eq!(plain_number(0.5), "0.5");
        let t = 1_790_000_000.0; // 2026-09-21 14:13:20 UTC
        assert_eq!(time_label(t, 60.0), "14:13:20");
        assert_eq!(time_label(t, 3600.0), "14:13");
        assert_eq!(time_label(t, 3.0 * 86_400.0), "09-21 14:13");
        assert_eq!(time_label(t, 90.0 * 86_400.0), "2026-09-21");
        assert_eq!(time_label(t, 3650.0 * 86_400.0), "2026-09");
        assert_eq!(time_step(6.0 * 3600.0), 3600.0);
        assert!(time_step(1e15) >= 1e15 / 7.0);
        assert_eq!(time_text(START, false, false), "2026-09-21");
    }

    #[test]
    fn long_lines_are_thinned_per_pixel_column_keeping_peaks() {
        let points: Vec<(f64, f64)> =
            (0..100_000).map(|i| (i as f64, if i == 50_123 { 1e6 } else { (i % 7) as f64 })).collect();
        let thin = thin_line(&points, 0.0, 100_000.0, 500);
        assert!(thin.len() <= 2000, "{} points", thin.len());
        assert!(thin.contains(&(50_123.0, 1e6)), "the peak stays");
        assert!(thin.windows(2).all(|w| w[0].0 <= w[1].0), "x order kept");
        assert_eq!(thin_line(&points[..10], 0.0, 10.0, 500).len(), 10);
    }

    #[test]
    fn export_format_follows_the_extension() {
        let chart = time_chart(ChartKind::Time);
        let svg = render_for_path(&chart, std::path::Path::new("chart.SVG")).unwrap();
        assert!(svg.starts_with(b"<svg"));
        let png = render_for_path(&chart, std::path::Path::new("chart.png")).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
    }
}

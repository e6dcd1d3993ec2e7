//! The charts under the map: one trend at a time (tabs), drawn by the core renderer into a
//! texture that is re-made only when its request changes; hover shows the bin's values,
//! dragging across a chart sets the map's time window, right-click saves or copies it.

use crate::app::VmiApp;
use crate::command::{Command, Selected};
use egui::{Color32, Pos2, Sense, Stroke, TextureOptions, Ui};
use vmi_core::graph::{MapRequest, NodeKey};
use vmi_core::model::Timestamp;
use vmi_core::model::time::TICKS_PER_SEC;
use vmi_core::render::{ChartGeometry, ChartSpec, Theme, chart};
use vmi_core::trends::{Axis, BIN_CHOICES, Selection, Trend, TrendKind, TrendRequest, bin_label};

/// A drawn chart and what it was drawn for.
struct CachedChart {
    key: (TrendRequest, u32, u32, Theme, u64),
    trend: Trend,
    texture: egui::TextureHandle,
    image: egui::ColorImage,
    geometry: ChartGeometry,
}

pub struct ChartsState {
    pub kind: TrendKind,
    /// `None`: chosen from the window.
    pub bin_ticks: Option<i64>,
    cached: Option<CachedChart>,
    /// Where a brush drag started (x value: seconds).
    brush_start: Option<f64>,
}

impl Default for ChartsState {
    fn default() -> Self {
        ChartsState { kind: TrendKind::Bytes, bin_ticks: None, cached: None, brush_start: None }
    }
}

impl ChartsState {
    /// The trend request of a chart kind for the current selection and window.
    pub fn request(&self, kind: TrendKind, selected: Option<Selected>, window: &MapRequest) -> TrendRequest {
        let selection = match selected {
            None => Selection::Estate,
            Some(Selected::Node(key)) => Selection::Node(key),
            Some(Selected::Edge { source, target }) => Selection::Edge { source, target },
        };
        TrendRequest { kind, selection, from: window.from, to: window.to, bin_ticks: self.bin_ticks }
    }

    /// The last drawn picture of a chart kind, for copying.
    pub fn image_of(&self, kind: TrendKind) -> Option<egui::ColorImage> {
        self.cached.as_ref().filter(|c| c.key.0.kind == kind).map(|c| c.image.clone())
    }

    /// The trend on screen, if drawn.
    pub fn trend(&self) -> Option<&Trend> {
        self.cached.as_ref().map(|c| &c.trend)
    }
}

/// "Bytes sent and received - web01 - 2026-10-05T08:00:00Z to 2026-10-05T14:00:00Z".
pub fn chart_title(app: &VmiApp, kind: TrendKind) -> String {
    let what = match app.selected {
        None => "whole estate".to_string(),
        Some(Selected::Node(key)) => {
            app.map.node(&key).map_or_else(|| "selection".to_string(), |n| selection_name(&key, &n.label))
        }
        Some(Selected::Edge { source, target }) => {
            let name = |k: &NodeKey| app.map.node(k).map(|n| n.label.clone()).unwrap_or_default();
            format!("{} → {}", name(&source), name(&target))
        }
    };
    let window =
        match (app.request.from.or(app.data_extent.map(|e| e.0)), app.request.to.or(app.data_extent.map(|e| e.1))) {
            (Some(from), Some(to)) => format!(" ({} to {})", short_time(from), short_time(to)),
            _ => String::new(),
        };
    format!("{} - {what}{window}", kind.title())
}

fn selection_name(key: &NodeKey, label: &str) -> String {
    match key {
        NodeKey::Machine { .. } => format!("machine {label}"),
        NodeKey::Process { .. } => format!("process {label}"),
        _ => label.to_string(),
    }
}

fn short_time(t: Timestamp) -> String {
    let text = t.to_string();
    text.get(..16).map(|s| s.replace('T', " ")).unwrap_or(text)
}

pub fn charts_ui(app: &mut VmiApp, ui: &mut Ui) {
    ui.horizontal(|ui| {
        for kind in TrendKind::ALL {
            let selected = app.charts.kind == kind;
            if ui.selectable_label(selected, kind_tab(kind)).on_hover_text(kind.help()).clicked() {
                app.charts.kind = kind;
            }
        }
        ui.separator();
        let current = app.charts.bin_ticks.map_or_else(|| "auto".to_string(), bin_label);
        egui::ComboBox::new("bin", "bin size").selected_text(current).show_ui(ui, |ui| {
            ui.selectable_value(&mut app.charts.bin_ticks, None, "auto");
            for bin in BIN_CHOICES {
                ui.selectable_value(&mut app.charts.bin_ticks, Some(bin), bin_label(bin));
            }
        });
        ui.label("ℹ").on_hover_text(app.charts.kind.help());
    });
    let size = ui.available_size();
    let (width, height) = (size.x.max(200.0) as u32, size.y.max(120.0) as u32);
    let kind = app.charts.kind;
    let request = app.charts.request(kind, app.selected, &app.request);
    let title = chart_title(app, kind);
    let key = (request.clone(), width, height, app.theme, app.store.generation());
    if app.charts.cached.as_ref().is_none_or(|c| c.key != key) {
        let trend = vmi_core::trends::compute(&app.store, &app.inventory, &request);
        let spec = ChartSpec { trend: &trend, title: &title, width, height, theme: app.theme };
        match chart::render_rgba(&spec) {
            Ok(picture) => {
                let image = egui::ColorImage::from_rgba_unmultiplied(
                    [picture.image.width as usize, picture.image.height as usize],
                    &picture.image.pixels,
                );
                let texture = ui.ctx().load_texture("chart", image.clone(), TextureOptions::LINEAR);
                app.charts.cached = Some(CachedChart { key, trend, texture, image, geometry: picture.geometry });
            }
            Err(error) => {
                ui.label(format!("cannot draw the chart: {error}"));
                return;
            }
        }
    }
    let Some(cached) = &app.charts.cached else { return };
    let image_size = egui::vec2(width as f32, height as f32);
    let response = ui.add(egui::Image::new((cached.texture.id(), image_size)).sense(Sense::click_and_drag()));
    // The chart's title is text in the picture; say it to screen readers and tests too.
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, title.clone()));
    let origin = response.rect.min;
    let geometry = cached.geometry;
    let painter = ui.painter_at(response.rect);
    let to_local = |p: Pos2| p.x - origin.x;
    // Crosshair and the values of the bin under the pointer.
    if let Some(pointer) = response.hover_pos()
        && let Some(x) = geometry.x_at(to_local(pointer))
    {
        let screen_x = origin.x + geometry.pixel_at(x);
        painter.line_segment(
            [
                Pos2::new(screen_x, origin.y + geometry.plot_top as f32),
                Pos2::new(screen_x, origin.y + geometry.plot_bottom as f32),
            ],
            Stroke::new(1.0, Color32::from_gray(128)),
        );
        if let Some(text) = bin_values(&cached.trend, x) {
            response.clone().on_hover_text_at_pointer(text);
        }
    }
    // Brushing: drag across the chart to set the map's window.
    if cached.trend.axis != Axis::HourOfDay {
        if response.drag_started() {
            app.charts.brush_start = response.interact_pointer_pos().and_then(|p| geometry.x_at(to_local(p)));
        }
        if let (Some(start), Some(pointer)) = (app.charts.brush_start, response.interact_pointer_pos())
            && let Some(end) = geometry.x_at(to_local(pointer))
        {
            let (a, b) = (origin.x + geometry.pixel_at(start), origin.x + geometry.pixel_at(end));
            let band = egui::Rect::from_x_y_ranges(
                a.min(b)..=a.max(b),
                origin.y + geometry.plot_top as f32..=origin.y + geometry.plot_bottom as f32,
            );
            if response.dragged() {
                painter.rect_filled(band, 0.0, Color32::from_rgba_unmultiplied(66, 133, 244, 50));
            }
            if response.drag_stopped() {
                let (from, to) = (start.min(end), start.max(end));
                if to - from >= 60.0 {
                    let at = |secs: f64| Some(Timestamp((secs * TICKS_PER_SEC as f64) as i64));
                    if app.window_before_brush.is_none() {
                        app.window_before_brush = Some((app.request.from, app.request.to));
                    }
                    app.pending.push(Command::SetWindow { from: at(from), to: at(to) });
                }
                app.charts.brush_start = None;
            }
        }
    }
    response.context_menu(|ui| {
        if ui.button("Save as PNG…").clicked() {
            app.pending.push(Command::ExportChartDialog { kind, svg: false });
        }
        if ui.button("Save as SVG…").clicked() {
            app.pending.push(Command::ExportChartDialog { kind, svg: true });
        }
        if ui.button("Copy image").clicked() {
            app.pending.push(Command::CopyChart(kind));
        }
    });
}

fn kind_tab(kind: TrendKind) -> &'static str {
    match kind {
        TrendKind::Bytes => "Bytes",
        TrendKind::Links => "Link status",
        TrendKind::Failures => "Failures",
        TrendKind::FailuresByHour => "Failures by hour",
        TrendKind::ResponseTime => "Response time",
        TrendKind::OpenPorts => "Open ports",
    }
}

/// The bin under an x value and every series' value there.
fn bin_values(trend: &Trend, x: f64) -> Option<String> {
    let (index, label) = match trend.axis {
        Axis::Time(bins) => {
            let t = Timestamp((x * TICKS_PER_SEC as f64) as i64);
            let i = bins.index(t)?;
            (i, format!("{} ({})", short_time(bins.bin_start(i)), bin_label(bins.bin_ticks)))
        }
        Axis::HourOfDay => {
            let hour = (x.floor() as i64).clamp(0, 23) as usize;
            (hour, format!("{hour:02}:00-{hour:02}:59 UTC"))
        }
    };
    let unit = trend.kind.unit();
    let mut lines = vec![label];
    for series in &trend.series {
        let v = series.values.get(index).copied().unwrap_or(f64::NAN);
        let value = if v.is_nan() {
            "-".to_string()
        } else {
            match unit {
                vmi_core::trends::Unit::Bytes => vmi_core::render::theme::format_bytes(v),
                vmi_core::trends::Unit::Milliseconds => format!("{v:.1} ms"),
                vmi_core::trends::Unit::Count => vmi_core::render::theme::format_count(v),
            }
        };
        lines.push(format!("{}: {value}", series.name));
    }
    Some(lines.join("\n"))
}

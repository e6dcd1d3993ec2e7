//! The charts under the map: one trend at a time (tabs), drawn by the core renderer into a
//! texture that is re-made only when its request changes; hover shows the bin's values,
//! dragging across a chart sets the map's time window, right-click saves or copies it.

use crate::state::{Action, ExportAction, MapAction, SaveTarget, UiAction, ViewCtx};
use egui::{Color32, Pos2, Sense, Stroke, TextureOptions, Ui};
use vmi_core::model::Timestamp;
use vmi_core::model::time::TICKS_PER_SEC;
use vmi_core::render::titles::short_time;
use vmi_core::render::{ChartGeometry, ChartSpec, Theme, chart};
use vmi_core::trends::{Axis, BIN_CHOICES, Trend, TrendKind, TrendRequest, bin_label};

/// A drawn chart and what it was drawn for.
struct CachedChart {
    /// What the trend is of (request, data, map, view), then the picture's size and theme.
    key: (TrendKey, u32, u32, Theme),
    trend: Trend,
    texture: egui::TextureHandle,
    geometry: ChartGeometry,
}

type TrendKey = (TrendRequest, u64, u64, u64);

#[derive(Default)]
pub struct ChartsPanel {
    cached: Option<CachedChart>,
    /// Where a brush drag started (x value: seconds).
    brush_start: Option<f64>,
}

impl ChartsPanel {
    pub fn ui(&mut self, ui: &mut Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let state = view.state;
        let settings = state.charts;
        ui.horizontal(|ui| {
            for kind in TrendKind::ALL {
                if ui.selectable_label(settings.kind == kind, kind_tab(kind)).on_hover_text(kind.help()).clicked() {
                    actions.push(UiAction::SetChart { kind, bin_ticks: settings.bin_ticks }.into());
                }
            }
            ui.separator();
            let mut bin_ticks = settings.bin_ticks;
            let current = bin_ticks.map_or_else(|| "auto".to_string(), bin_label);
            egui::ComboBox::new("bin", "bin size").selected_text(current).show_ui(ui, |ui| {
                ui.selectable_value(&mut bin_ticks, None, "auto");
                for bin in BIN_CHOICES {
                    ui.selectable_value(&mut bin_ticks, Some(bin), bin_label(bin));
                }
            });
            if bin_ticks != settings.bin_ticks {
                actions.push(UiAction::SetChart { kind: settings.kind, bin_ticks }.into());
            }
            ui.label("ℹ").on_hover_text(settings.kind.help());
        });
        let size = ui.available_size();
        let (width, height) = (size.x.max(200.0) as u32, size.y.max(120.0) as u32);
        let kind = settings.kind;
        let request = state.trend_request(kind);
        let title = state.chart_title(kind);
        // (A comparison turned on or off rebuilds the map, so `map_version` covers the overlay;
        // a group's trend sums the machines the view puts in it, which filters change.)
        let trend_key = (request.clone(), state.store.generation(), state.map_version, state.view_version);
        let key = (trend_key.clone(), width, height, state.theme);
        if self.cached.as_ref().is_none_or(|c| c.key != key) {
            // A new size or theme draws the same trend again (resizing the panel redraws every
            // frame); only another selection, window, bin or data computes it again.
            let trend = match self.cached.take() {
                Some(cached) if cached.key.0 == trend_key => cached.trend,
                _ => state.chart_trend(kind),
            };
            let spec = ChartSpec { trend: &trend, title: &title, width, height, theme: state.theme };
            match chart::render_rgba(&spec) {
                Ok(picture) => {
                    let image = egui::ColorImage::from_rgba_unmultiplied(
                        [picture.image.width as usize, picture.image.height as usize],
                        &picture.image.pixels,
                    );
                    let texture = ui.ctx().load_texture("chart", image, TextureOptions::LINEAR);
                    self.cached = Some(CachedChart { key, trend, texture, geometry: picture.geometry });
                }
                Err(error) => {
                    ui.label(format!("cannot draw the chart: {error}"));
                    return;
                }
            }
        }
        let Some(cached) = &self.cached else { return };
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
                self.brush_start = response.interact_pointer_pos().and_then(|p| geometry.x_at(to_local(p)));
            }
            if let (Some(start), Some(pointer)) = (self.brush_start, response.interact_pointer_pos())
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
                        actions.push(MapAction::SetWindow { from: at(from), to: at(to), brush: true }.into());
                    }
                    self.brush_start = None;
                }
            }
        }
        response.context_menu(|ui| {
            for (text, extension) in [("Save as PNG…", "png"), ("Save as SVG…", "svg")] {
                if ui.button(text).clicked() {
                    actions.push(ExportAction::SaveDialog { target: SaveTarget::Chart(kind), extension }.into());
                }
            }
            if ui.button("Copy image").clicked() {
                actions.push(ExportAction::CopyChart(kind).into());
            }
        });
    }
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

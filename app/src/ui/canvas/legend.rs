//! The legend in the canvas's corner: node kinds, failed links, malicious IPs.

use crate::ui::style::color;
use egui::{Align2, FontId, Rect, Stroke, pos2, vec2};
use vmi_core::graph::NodeKind;
use vmi_core::render::Theme;
use vmi_core::render::scene::{FAILURE_COLOR, MALICIOUS_COLOR, Rgb, edge_color, kind_color, text_color};

const LINE: f32 = 17.0;

/// Where the legend sits in a canvas: its bottom-left corner, one line per entry.
pub fn legend_rect(rect: Rect, marks: usize) -> Rect {
    let entries = NodeKind::ALL.len() as f32 + 2.0 + marks as f32;
    let size = vec2(190.0, entries * LINE + 10.0);
    Rect::from_min_size(pos2(rect.left() + 10.0, rect.bottom() - size.y - 10.0), size)
}

pub fn draw_legend(painter: &egui::Painter, rect: Rect, theme: Theme, marks: &[(String, Rgb)]) {
    let line = LINE;
    let box_rect = legend_rect(rect, marks.len());
    let background = vmi_core::render::scene::background_color(theme);
    painter.rect(
        box_rect,
        4.0,
        color(background).gamma_multiply(0.9),
        Stroke::new(1.0, color(edge_color(theme))),
        egui::StrokeKind::Inside,
    );
    let text = color(text_color(theme));
    let font = FontId::proportional(11.5);
    let mut y = box_rect.top() + 5.0 + line / 2.0;
    let x = box_rect.left() + 14.0;
    for kind in NodeKind::ALL {
        painter.circle_filled(pos2(x, y), 5.5, color(kind_color(kind)));
        painter.text(pos2(x + 14.0, y), Align2::LEFT_CENTER, kind.label(), font.clone(), text);
        y += line;
    }
    painter.line_segment([pos2(x - 7.0, y), pos2(x + 7.0, y)], Stroke::new(2.0, color(FAILURE_COLOR)));
    painter.text(pos2(x + 14.0, y), Align2::LEFT_CENTER, "Failed links (dashed)", font.clone(), text);
    y += line;
    painter.text(pos2(x, y), Align2::CENTER_CENTER, "⚠", font.clone(), color(MALICIOUS_COLOR));
    painter.text(pos2(x + 14.0, y), Align2::LEFT_CENTER, "Malicious remote IP", font.clone(), text);
    for (label, mark) in marks {
        y += line;
        painter.rect_filled(Rect::from_center_size(pos2(x, y), vec2(11.0, 11.0)), 2.0, color(*mark));
        painter.text(pos2(x + 14.0, y), Align2::LEFT_CENTER, label, font.clone(), text);
    }
}

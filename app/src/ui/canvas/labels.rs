//! Map labels: placed by priority (hovered, selected, search hits, then the biggest nodes)
//! where they do not sit on another label.

use super::hit::Transform;
use crate::ui::style::color;
use egui::{Align2, FontId, Rect, vec2};
use vmi_core::render::Theme;
use vmi_core::render::scene::{MapScene, text_color};

/// Labels only where they can be read and do not sit on another label: machines and big
/// nodes first, then the rest while there is room.
#[expect(clippy::too_many_arguments, reason = "the label pass needs the drawing pass's state")]
pub fn draw_labels(
    theme: Theme,
    painter: &egui::Painter,
    scene: &MapScene,
    t: &Transform,
    hovered: Option<usize>,
    selected: &[usize],
    matches: &[usize],
    lit: &dyn Fn(usize) -> bool,
) {
    let text = color(text_color(theme));
    let font = FontId::proportional(12.0);
    let mut order: Vec<usize> = (0..scene.nodes.len()).collect();
    let important = |i: &usize| hovered == Some(*i) || selected.contains(i) || matches.contains(i);
    order.sort_by(|a, b| {
        important(b).cmp(&important(a)).then(scene.nodes[*b].radius.total_cmp(&scene.nodes[*a].radius)).then(a.cmp(b))
    });
    // Placed label rectangles, bucketed by 64-point cells so a check looks at neighbours only.
    let mut placed: rustc_hash::FxHashMap<(i32, i32), Vec<Rect>> = rustc_hash::FxHashMap::default();
    let cells = |r: Rect| {
        let (x0, x1) = ((r.min.x / 64.0).floor() as i32, (r.max.x / 64.0).floor() as i32);
        let (y0, y1) = ((r.min.y / 64.0).floor() as i32, (r.max.y / 64.0).floor() as i32);
        (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
    };
    let mut shown = 0;
    for i in order {
        let node = &scene.nodes[i];
        let center = t.screen_from_world(node.center);
        let r = node.radius * t.zoom;
        if !t.rect.contains(center) || (!important(&i) && (r < 4.0 || shown > 2500)) {
            continue;
        }
        let anchor = if node.container { center - vec2(0.0, r + 2.0) } else { center + vec2(0.0, r.max(2.5) + 2.0) };
        let align = if node.container { Align2::CENTER_BOTTOM } else { Align2::CENTER_TOP };
        // Judge the room from an estimate first: laying out a label that will not fit is waste.
        let estimate = align.anchor_size(anchor, vec2(node.label.chars().count() as f32 * 6.5, 15.0));
        let taken = |r: Rect| cells(r).any(|c| placed.get(&c).is_some_and(|list| list.iter().any(|p| p.intersects(r))));
        if !important(&i) && taken(estimate) {
            continue;
        }
        let galley = painter.layout_no_wrap(node.label.clone(), font.clone(), text);
        let label_rect = align.anchor_size(anchor, galley.size());
        for cell in cells(label_rect) {
            placed.entry(cell).or_default().push(label_rect);
        }
        shown += 1;
        let alpha = if lit(i) { 1.0 } else { 0.35 };
        painter.galley(label_rect.min, galley, text.gamma_multiply(alpha));
    }
}

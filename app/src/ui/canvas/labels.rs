//! Map labels: never on top of each other. Each frame the labels that could show (on screen,
//! their node big enough to read) become candidates with a priority: the selection, search
//! hits, the hovered node and its neighbours, then expanded groups' names and the busiest nodes
//! (bytes on the map, then size). The core's placer (`vmi_core::render::labels`) tries a few
//! places around each node and keeps a label only where it overlaps no label kept before, no
//! node disc, the minimap or the legend; the rest wait until the user zooms in.

use super::hit::Transform;
use super::hulls::OnScreen;
use crate::ui::style::color;
use egui::{FontId, Rect, pos2, vec2};
use vmi_core::render::Theme;
use vmi_core::render::labels::{LabelCandidate, LabelRect, LabelTier, place_with_obstacles};
use vmi_core::render::scene::{MapScene, text_color};

/// Font size of node labels, in points.
pub const LABEL_FONT_SIZE: f32 = 12.0;
/// Labels of nodes smaller than this on screen are left out unless they matter (selected...).
const MIN_RADIUS_FOR_LABEL: f32 = 4.0;
/// At most this many labels are measured per frame (a 10k-node map at a glance shows far fewer).
const MAX_CANDIDATES: usize = 4000;
/// At most this many node discs keep labels off them (the biggest on screen).
const MAX_DISC_OBSTACLES: usize = 4000;
/// Group names come before every other node of their tier.
const GROUP_NAME_WEIGHT: f64 = f64::MAX;

/// What the label pass needs to know of the frame.
pub struct LabelFrame<'a> {
    pub scene: &'a MapScene,
    /// Per view node, the bytes of its edges on the map (cached with the scene).
    pub bytes: &'a [i64],
    pub hovered: Option<usize>,
    pub selected: &'a [usize],
    pub matches: &'a [usize],
    /// Lit by the hover (itself or a neighbour), or everything when nothing is hovered.
    pub lit: &'a dyn Fn(usize) -> bool,
    /// Something is hovered (its neighbours are lit).
    pub hovering: bool,
    /// Drawn as a hull (its own label goes on the hull, not under a disc).
    pub outlined: &'a dyn Fn(usize) -> bool,
    /// Screen areas labels keep off (the minimap, the legend).
    pub keep_off: &'a [Rect],
    /// Each view node's label size in points, measured once per view (see [`label_sizes`]).
    pub sizes: &'a [[f32; 2]],
}

/// The size of every node's label, measured once per view: a frame then only looks sizes up
/// and lays out the labels it keeps.
pub fn label_sizes(painter: &egui::Painter, scene: &MapScene) -> Vec<[f32; 2]> {
    let font = FontId::proportional(LABEL_FONT_SIZE);
    scene
        .nodes
        .iter()
        .map(|n| {
            let size = painter.layout_no_wrap(n.label.clone(), font.clone(), egui::Color32::WHITE).size();
            [size.x, size.y]
        })
        .collect()
}

fn label_rect(r: Rect) -> LabelRect {
    LabelRect { min: [r.min.x, r.min.y], max: [r.max.x, r.max.y] }
}

fn egui_rect(r: &LabelRect) -> Rect {
    Rect::from_min_max(pos2(r.min[0], r.min[1]), pos2(r.max[0], r.max[1]))
}

fn tier_of(frame: &LabelFrame<'_>, i: usize) -> LabelTier {
    if frame.selected.contains(&i) {
        LabelTier::Selected
    } else if frame.matches.contains(&i) {
        LabelTier::SearchHit
    } else if frame.hovered == Some(i) || (frame.hovering && (frame.lit)(i)) {
        LabelTier::Hovered
    } else {
        LabelTier::Other
    }
}

/// The labels that could show this frame: (view node, label candidate without its size yet).
/// Hull names hang above their outline; node labels around their disc.
fn candidates(frame: &LabelFrame<'_>, t: &Transform) -> Vec<(usize, LabelCandidate)> {
    let mut list = Vec::new();
    for hull in &frame.scene.hulls {
        let screen = hull.screen_rect(t);
        if !screen.is_finite() || !t.rect.intersects(screen) {
            continue;
        }
        // A point above the outline's top: the label placed "below" it sits on the outline.
        let top = pos2(screen.center().x, screen.top().max(t.rect.top()) - LABEL_FONT_SIZE - 4.0);
        let anchor = LabelRect { min: [top.x, top.y], max: [top.x, top.y] };
        let tier = tier_of(frame, hull.group);
        let size = frame.sizes.get(hull.group).copied().unwrap_or([0.0, 0.0]);
        list.push((hull.group, LabelCandidate { anchor, size, tier, weight: GROUP_NAME_WEIGHT }));
    }
    for (i, node) in frame.scene.nodes.iter().enumerate() {
        if (frame.outlined)(i) || node.label.is_empty() {
            continue;
        }
        let center = t.screen_from_world(node.center);
        if !t.rect.contains(center) {
            continue;
        }
        let r = (node.radius * t.zoom).max(2.5);
        let tier = tier_of(frame, i);
        if tier == LabelTier::Other && r < MIN_RADIUS_FOR_LABEL {
            continue;
        }
        let anchor = label_rect(Rect::from_center_size(center, vec2(2.0 * r, 2.0 * r)));
        let bytes = frame.bytes.get(i).copied().unwrap_or(0) as f64;
        let size = frame.sizes.get(i).copied().unwrap_or([0.0, 0.0]);
        list.push((i, LabelCandidate { anchor, size, tier, weight: bytes + f64::from(node.radius) }));
    }
    list.sort_by(|(a, x), (b, y)| x.tier.cmp(&y.tier).then(y.weight.total_cmp(&x.weight)).then(a.cmp(b)));
    list.truncate(MAX_CANDIDATES);
    list
}

/// Node discs on screen (the biggest first) and the areas to keep off: labels go beside discs,
/// never over them.
fn obstacles(frame: &LabelFrame<'_>, t: &Transform) -> Vec<LabelRect> {
    let mut discs: Vec<(f32, LabelRect)> = frame
        .scene
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, n)| !n.container && !(frame.outlined)(*i))
        .filter_map(|(_, n)| {
            let (center, r) = (t.screen_from_world(n.center), n.radius * t.zoom);
            (r >= MIN_RADIUS_FOR_LABEL && t.rect.contains(center))
                .then(|| (r, label_rect(Rect::from_center_size(center, vec2(2.0 * r, 2.0 * r)))))
        })
        .collect();
    discs.sort_by(|a, b| b.0.total_cmp(&a.0));
    discs.truncate(MAX_DISC_OBSTACLES);
    discs.into_iter().map(|(_, rect)| rect).chain(frame.keep_off.iter().map(|&r| label_rect(r))).collect()
}

/// Places (with the core's placer: by priority, no overlaps) and draws the frame's labels;
/// returns the rectangles drawn, in screen points.
pub fn draw_labels(theme: Theme, painter: &egui::Painter, frame: &LabelFrame<'_>, t: &Transform) -> Vec<Rect> {
    let text = color(text_color(theme));
    let font = FontId::proportional(LABEL_FONT_SIZE);
    let list = candidates(frame, t);
    let only: Vec<LabelCandidate> = list.iter().map(|(_, c)| *c).collect();
    let placed = place_with_obstacles(&only, &obstacles(frame, t), label_rect(t.rect));
    let mut drawn = Vec::with_capacity(placed.len());
    for label in placed {
        let Some((node, _)) = list.get(label.candidate) else { continue };
        let text_of = frame.scene.nodes.get(*node).map_or("", |n| n.label.as_str());
        let galley = painter.layout_no_wrap(text_of.to_string(), font.clone(), text);
        let rect = egui_rect(&label.rect);
        let alpha = if (frame.lit)(*node) { 1.0 } else { 0.35 };
        painter.galley(rect.min, galley, text.gamma_multiply(alpha));
        drawn.push(rect);
    }
    drawn
}

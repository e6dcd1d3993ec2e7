//! The minimap in the canvas's top-right corner: the whole map small, the part on screen as a
//! rectangle; a click or a drag on it moves the view there. Its dots are one mesh, rebuilt only
//! when the scene or the corner's place changes, so a 10k-node map costs nothing per frame.

use super::hit::Transform;
use crate::state::{Action, CameraAction};
use crate::ui::style::color;
use egui::{Mesh, Pos2, Rect, Sense, Stroke, StrokeKind, pos2, vec2};
use std::sync::Arc;
use vmi_core::render::Theme;
use vmi_core::render::scene::{MapScene, background_color, edge_color, text_color};

/// The minimap's outer size, in points, and its distance from the canvas's corner.
const SIZE: [f32; 2] = [200.0, 140.0];
const MARGIN: f32 = 10.0;
const PADDING: f32 = 6.0;
/// Canvases smaller than this show no minimap (it would cover the map).
const MIN_CANVAS: [f32; 2] = [520.0, 360.0];

/// Where the whole map sits inside the minimap: its world centre and points per world unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MiniTransform {
    inner: Rect,
    world_center: [f32; 2],
    scale: f32,
}

impl MiniTransform {
    /// The map's world bounds fitted (aspect kept) into `inner`.
    pub fn new(inner: Rect, (min, max): ([f32; 2], [f32; 2])) -> MiniTransform {
        let extent = [(max[0] - min[0]).max(1.0), (max[1] - min[1]).max(1.0)];
        let scale = (inner.width() / extent[0]).min(inner.height() / extent[1]);
        let scale = if scale.is_finite() && scale > 0.0 { scale } else { 1.0 };
        MiniTransform { inner, world_center: [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0], scale }
    }

    pub fn mini_from_world(&self, p: [f32; 2]) -> Pos2 {
        self.inner.center() + vec2(p[0] - self.world_center[0], p[1] - self.world_center[1]) * self.scale
    }

    pub fn world_from_mini(&self, p: Pos2) -> [f32; 2] {
        let d = (p - self.inner.center()) / self.scale;
        [self.world_center[0] + d.x, self.world_center[1] + d.y]
    }
}

/// The rectangle the minimap takes in a canvas, if the canvas is big enough for one.
pub fn minimap_rect(canvas: Rect) -> Option<Rect> {
    if canvas.width() < MIN_CANVAS[0] || canvas.height() < MIN_CANVAS[1] {
        return None;
    }
    let min = pos2(canvas.right() - MARGIN - SIZE[0], canvas.top() + MARGIN);
    Some(Rect::from_min_size(min, vec2(SIZE[0], SIZE[1])))
}

/// The minimap's widget state: its dot mesh and what it was made from.
#[derive(Default)]
pub struct Minimap {
    cache: Option<(CacheKey, MiniTransform, Arc<Mesh>)>,
}

type CacheKey = ((u64, u64, u64), [u32; 4]);

impl Minimap {
    /// Registers the minimap's click-and-drag area; call right after the canvas allocated its
    /// own, so the minimap lies on top of it. Returns its rectangle.
    pub fn interact(&self, ui: &egui::Ui, canvas: Rect) -> Option<egui::Response> {
        let rect = minimap_rect(canvas)?;
        Some(ui.interact(rect, egui::Id::unique("vmi-minimap"), Sense::click_and_drag()))
    }

    /// Draws the minimap and turns clicks and drags on it into camera moves.
    #[expect(clippy::too_many_arguments, reason = "the minimap draws from the canvas's frame state")]
    pub fn show(
        &mut self,
        painter: &egui::Painter,
        response: &egui::Response,
        scene: &MapScene,
        scene_key: (u64, u64, u64),
        t: &Transform,
        theme: Theme,
        actions: &mut Vec<Action>,
    ) {
        if scene.nodes.is_empty() {
            return;
        }
        let rect = response.rect;
        let inner = rect.shrink(PADDING);
        let key: CacheKey = (scene_key, [rect.min.x, rect.min.y, rect.max.x, rect.max.y].map(f32::to_bits));
        let (mini, dots) = match &self.cache {
            Some((cached, mini, dots)) if *cached == key => (*mini, dots.clone()),
            _ => {
                let mini = MiniTransform::new(inner, scene.bounds());
                let dots = Arc::new(dot_mesh(scene, &mini));
                self.cache = Some((key, mini, dots.clone()));
                (mini, dots)
            }
        };
        let background = color(background_color(theme));
        let frame_stroke = Stroke::new(1.0, color(edge_color(theme)));
        painter.rect(rect, 4.0, background, frame_stroke, StrokeKind::Inside);
        painter.add(egui::Shape::Mesh(dots));
        // The part of the map on screen.
        let half = [t.rect.width() / 2.0 / t.zoom, t.rect.height() / 2.0 / t.zoom];
        let (a, b) = (
            mini.mini_from_world([t.center[0] - half[0], t.center[1] - half[1]]),
            mini.mini_from_world([t.center[0] + half[0], t.center[1] + half[1]]),
        );
        let viewport = Rect::from_two_pos(a, b).intersect(rect);
        if viewport.is_positive() {
            let ink = color(text_color(theme));
            painter.rect(viewport, 1.0, ink.gamma_multiply(0.06), Stroke::new(1.5, ink), StrokeKind::Inside);
        }
        if (response.clicked() || response.dragged())
            && let Some(pointer) = response.interact_pointer_pos()
        {
            let world = mini.world_from_mini(pointer.clamp(inner.min, inner.max));
            actions.push(CameraAction::LookAt(world).into());
        }
    }
}

/// Every node as a small square of its fill colour (containers as faint squares behind).
fn dot_mesh(scene: &MapScene, mini: &MiniTransform) -> Mesh {
    let mut mesh = Mesh::default();
    for node in &scene.nodes {
        let center = mini.mini_from_world(node.center);
        let fill = color(node.fill);
        let (half, fill) = if node.container {
            ((node.radius * mini.scale).max(2.0), fill.gamma_multiply(0.15))
        } else {
            ((node.radius * mini.scale).clamp(0.8, 4.0), if node.faded { fill.gamma_multiply(0.3) } else { fill })
        };
        mesh.add_colored_rect(Rect::from_center_size(center, vec2(half * 2.0, half * 2.0)), fill);
    }
    mesh
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_map_fits_the_minimap_and_points_go_back_where_they_came_from() {
        let inner = Rect::from_min_size(pos2(10.0, 10.0), vec2(188.0, 128.0));
        let mini = MiniTransform::new(inner, ([-500.0, -100.0], [500.0, 100.0]));
        for corner in [[-500.0, -100.0], [500.0, 100.0], [0.0, 0.0]] {
            let p = mini.mini_from_world(corner);
            assert!(inner.expand(0.01).contains(p), "{corner:?} -> {p:?}");
            let back = mini.world_from_mini(p);
            assert!((back[0] - corner[0]).abs() < 1e-2 && (back[1] - corner[1]).abs() < 1e-2, "{back:?}");
        }
    }

    #[test]
    fn a_small_canvas_gets_no_minimap() {
        assert!(minimap_rect(Rect::from_min_size(Pos2::ZERO, vec2(400.0, 300.0))).is_none());
        let rect = minimap_rect(Rect::from_min_size(Pos2::ZERO, vec2(1000.0, 700.0))).unwrap();
        assert_eq!(rect.right(), 1000.0 - MARGIN);
    }
}

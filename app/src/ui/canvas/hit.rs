//! Where the map is on screen (world <-> screen points) and what is under the pointer.

use super::hulls::OnScreen;
use egui::{Pos2, Rect, vec2};
use vmi_core::render::MapScene;

/// Where the map is on screen: the canvas rectangle and the camera.
#[derive(Clone, Copy)]
pub struct Transform {
    pub rect: Rect,
    pub center: [f32; 2],
    pub zoom: f32,
}

impl Transform {
    pub fn screen_from_world(&self, p: [f32; 2]) -> Pos2 {
        self.rect.center() + vec2(p[0] - self.center[0], p[1] - self.center[1]) * self.zoom
    }
}

/// What is under the pointer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Hit {
    Node(usize),
    Edge(usize),
}

fn distance_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let t = if ab.length_sq() > 0.0 { ((p - a).dot(ab) / ab.length_sq()).clamp(0.0, 1.0) } else { 0.0 };
    (p - (a + ab * t)).length()
}

/// Nodes first (containers last: a process inside a machine wins), then edges, then the hulls
/// of expanded groups (drawn as outlines, not discs: their own node is never hit).
pub fn hit_test(scene: &MapScene, t: &Transform, pointer: Pos2) -> Option<Hit> {
    let mut best: Option<(usize, f32, bool)> = None;
    let outlined = scene.outlined();
    for (i, node) in scene.nodes.iter().enumerate().filter(|(i, _)| !outlined[*i]) {
        let d = (t.screen_from_world(node.center) - pointer).length();
        let r = (node.radius * t.zoom).max(4.0);
        if d <= r {
            let better = match best {
                None => true,
                Some((_, best_d, best_container)) => {
                    (best_container && !node.container) || (best_container == node.container && d < best_d)
                }
            };
            if better {
                best = Some((i, d, node.container));
            }
        }
    }
    if let Some((i, _, false)) = best {
        return Some(Hit::Node(i));
    }
    let edge = scene.edges.iter().enumerate().find_map(|(i, e)| {
        let (a, b) = MapScene::trimmed(e)?;
        let width = (e.width * t.zoom * 0.8).max(1.0);
        (distance_to_segment(pointer, t.screen_from_world(a), t.screen_from_world(b)) <= width / 2.0 + 3.0).then_some(i)
    });
    let hull = || scene.hulls.iter().rev().find(|h| h.contains(t, pointer)).map(|h| Hit::Node(h.group));
    edge.map(Hit::Edge).or(best.map(|(i, _, _)| Hit::Node(i))).or_else(hull)
}

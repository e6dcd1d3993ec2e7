//! Hulls of expanded groups on screen: the outline ([`vmi_core::render::hulls`], in map
//! units, made with the scene) moved onto the canvas, its label's place, and hit tests.

use super::hit::Transform;
use egui::{Pos2, Rect};
pub use vmi_core::render::hulls::{Hull, convex_hull};

/// An outline seen through the canvas transform.
pub trait OnScreen {
    /// The outline on screen.
    fn screen(&self, t: &Transform) -> Vec<Pos2>;
    /// Where the group's name goes: above the outline's top, centred on it.
    fn label_anchor(&self, t: &Transform) -> Option<Pos2>;
    /// The outline's bounding rectangle on screen.
    fn screen_rect(&self, t: &Transform) -> Rect;
    /// Whether a screen point lies inside the outline.
    fn contains(&self, t: &Transform, p: Pos2) -> bool;
}

impl OnScreen for Hull {
    fn screen(&self, t: &Transform) -> Vec<Pos2> {
        self.outline.iter().map(|&p| t.screen_from_world(p)).collect()
    }

    fn label_anchor(&self, t: &Transform) -> Option<Pos2> {
        // The canvas only scales and moves, so the top's middle stays the top's middle.
        self.top_center().map(|p| t.screen_from_world(p))
    }

    fn screen_rect(&self, t: &Transform) -> Rect {
        Rect::from_points(&self.screen(t))
    }

    fn contains(&self, t: &Transform, p: Pos2) -> bool {
        let screen = self.screen(t);
        if screen.len() < 3 {
            return false;
        }
        // Convex and counter-clockwise in map units (y down on screen keeps the orientation
        // consistent): the point is on the same side of every edge.
        let mut sign = 0.0f32;
        for (k, a) in screen.iter().enumerate() {
            let b = screen[(k + 1) % screen.len()];
            let cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
            if cross.abs() < 1e-6 {
                continue;
            }
            if sign == 0.0 {
                sign = cross.signum();
            } else if cross.signum() != sign {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_inside_a_hull_are_found_inside_and_others_not() {
        let t = Transform {
            rect: Rect::from_min_size(Pos2::ZERO, egui::vec2(200.0, 200.0)),
            center: [0.0, 0.0],
            zoom: 1.0,
        };
        let hull =
            Hull { group: 0, outline: convex_hull(vec![[-50.0, -50.0], [50.0, -50.0], [50.0, 50.0], [-50.0, 50.0]]) };
        assert!(hull.contains(&t, t.screen_from_world([0.0, 0.0])));
        assert!(hull.contains(&t, t.screen_from_world([40.0, -45.0])));
        assert!(!hull.contains(&t, t.screen_from_world([60.0, 0.0])));
        assert_eq!(hull.label_anchor(&t), Some(t.screen_from_world([0.0, -50.0])));
    }
}

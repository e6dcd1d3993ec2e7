//! How the map is drawn, beyond what it shows: edge widths by bytes or all alike. Applied to
//! the scene in [`super::AppState::scene`], so the canvas and picture exports agree.

use vmi_core::render::MapScene;

/// Edge width when widths do not follow bytes, in map units.
pub const UNIFORM_EDGE_WIDTH: f32 = 1.5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapLook {
    /// Edge width by bytes on a log scale (else every edge alike).
    pub edge_width_by_bytes: bool,
}

impl Default for MapLook {
    fn default() -> Self {
        MapLook { edge_width_by_bytes: true }
    }
}

impl MapLook {
    /// The scene as this look draws it.
    pub fn apply(self, mut scene: MapScene) -> MapScene {
        if !self.edge_width_by_bytes {
            for edge in &mut scene.edges {
                edge.width = UNIFORM_EDGE_WIDTH;
            }
        }
        scene
    }
}

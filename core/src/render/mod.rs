//! Pictures of the data: trend charts (and map drawings) as RGBA, PNG and SVG.

pub mod chart;
pub mod hulls;
pub mod image;
pub mod labels;
pub mod map;
pub mod query_chart;
pub mod scene;
pub mod theme;
pub mod titles;

pub use chart::{ChartGeometry, ChartImage, ChartSpec};
pub use image::RgbaImage;

/// Whether a picture is to be written as SVG (by its extension); anything else is PNG.
pub fn is_svg_path(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg"))
}
pub use map::MapPicture;
pub use scene::MapScene;
pub use theme::Theme;

//! Pictures of the data: trend charts (and map drawings) as RGBA, PNG and SVG.

pub mod chart;
pub mod image;
pub mod map;
pub mod scene;
pub mod theme;

pub use chart::{ChartGeometry, ChartImage, ChartSpec};
pub use image::RgbaImage;
pub use map::MapPicture;
pub use scene::MapScene;
pub use theme::Theme;

//! RGBA pictures and their PNG encoding.

/// An RGBA picture, 4 bytes a pixel, rows top to bottom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RgbaImage {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl RgbaImage {
    /// From plotters' RGB buffer (3 bytes a pixel).
    pub fn from_rgb(width: u32, height: u32, rgb: &[u8]) -> Self {
        let mut pixels = Vec::with_capacity(rgb.len() / 3 * 4);
        for px in rgb.chunks_exact(3) {
            pixels.extend_from_slice(&[px[0], px[1], px[2], 255]);
        }
        RgbaImage { width, height, pixels }
    }

    /// PNG bytes (deterministic: the same pixels give the same file).
    pub fn to_png(&self) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| format!("PNG header: {e}"))?;
        writer.write_image_data(&self.pixels).map_err(|e| format!("PNG data: {e}"))?;
        writer.finish().map_err(|e| format!("PNG end: {e}"))?;
        Ok(out)
    }
}

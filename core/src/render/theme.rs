//! Colours and fonts shared by charts and map drawings, so exports look like the app.

use plotters::style::RGBColor;

/// The shipped fonts: charts and maps look the same on every machine, with no system lookup.
pub const FONT_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
pub const FONT_BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");
/// The family name the fonts are registered under for plotters.
pub const FONT_FAMILY: &str = "sans-serif";

/// Registers the shipped fonts with plotters once per process.
pub fn register_fonts() {
    static REGISTERED: std::sync::Once = std::sync::Once::new();
    REGISTERED.call_once(|| {
        use plotters::style::{FontStyle, register_font};
        // The fonts are compiled in and valid; a failure would only mean text is not drawn.
        let _ = register_font(FONT_FAMILY, FontStyle::Normal, FONT_REGULAR);
        let _ = register_font(FONT_FAMILY, FontStyle::Bold, FONT_BOLD);
    });
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

/// The colours of one theme.
#[derive(Clone, Copy, Debug)]
pub struct Palette {
    pub background: RGBColor,
    pub text: RGBColor,
    pub muted_text: RGBColor,
    pub grid: RGBColor,
    pub axis: RGBColor,
    pub failure: RGBColor,
}

impl Theme {
    pub fn palette(self) -> Palette {
        match self {
            Theme::Light => Palette {
                background: RGBColor(255, 255, 255),
                text: RGBColor(30, 30, 30),
                muted_text: RGBColor(95, 95, 95),
                grid: RGBColor(230, 230, 230),
                axis: RGBColor(120, 120, 120),
                failure: RGBColor(214, 39, 40),
            },
            Theme::Dark => Palette {
                background: RGBColor(27, 27, 27),
                text: RGBColor(230, 230, 230),
                muted_text: RGBColor(170, 170, 170),
                grid: RGBColor(55, 55, 55),
                axis: RGBColor(140, 140, 140),
                failure: RGBColor(255, 99, 99),
            },
        }
    }
}

/// Distinct colours for series and node kinds (Tableau 10: readable for most colour vision).
pub const SERIES_COLORS: [RGBColor; 11] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(174, 199, 232),
];

pub fn series_color(index: usize) -> RGBColor {
    SERIES_COLORS[index % SERIES_COLORS.len()]
}

/// Bytes for people: `1.5 KB`, `20 MB`, `3.2 GB` (powers of 1024, as the portal shows).
pub fn format_bytes(bytes: f64) -> String {
    const UNITS: [&str; 6] = ["B", "KB", "MB", "GB", "TB", "PB"];
    let mut value = bytes.abs();
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    let sign = if bytes < 0.0 { "-" } else { "" };
    if unit == 0 || value >= 100.0 {
        format!("{sign}{value:.0} {}", UNITS[unit])
    } else if value >= 10.0 {
        format!("{sign}{value:.1} {}", UNITS[unit])
    } else {
        format!("{sign}{value:.2} {}", UNITS[unit])
    }
}

/// Counts for axes: `950`, `12.5k`, `3.1M`.
pub fn format_count(value: f64) -> String {
    let v = value.abs();
    if v >= 1e9 {
        format!("{:.1}G", value / 1e9)
    } else if v >= 1e6 {
        format!("{:.1}M", value / 1e6)
    } else if v >= 1e4 {
        format!("{:.1}k", value / 1e3)
    } else if v.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_units() {
        assert_eq!(format_bytes(512.0), "512 B");
        assert_eq!(format_bytes(1536.0), "1.50 KB");
        assert_eq!(format_bytes(20.0 * 1024.0 * 1024.0), "20.0 MB");
        assert_eq!(format_bytes(3.5 * 1024.0 * 1024.0 * 1024.0), "3.50 GB");
        assert_eq!(format_count(12_500.0), "12.5k");
    }
}

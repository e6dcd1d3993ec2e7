//! Series functions over dynamic arrays of numbers (what `make-series` builds).
//!
//! `series_decompose_anomalies` follows Kusto's default method in a documented, simpler form:
//! the baseline is the least-squares line through the series (Kusto's default `linefit`
//! trend) plus, when a season length is given (a `seasonality` argument above 1), the mean
//! residual of each position in the season; the residuals are then scored by Tukey's fences
//! (`ctukey`): a residual above the 75th percentile scores `(r - Q3) / (Q3 - Q1)`, below the
//! 25th `(r - Q1) / (Q3 - Q1)`, otherwise 0; a score beyond `threshold` (default 1.5) flags
//! the point `1` (spike) or `-1` (dip). Seasonality is not detected automatically (Kusto's
//! `-1` default detects it); `test_points` and `seasonality_threshold` are accepted and not
//! used. The function returns the flags; [`decompose_anomalies`] gives flags, scores and
//! baseline for a caller that expands all three.

use super::{FnCtx, ScalarFn, json_arg, long_arg, real_arg, ret_dynamic, text};
use crate::kql::value::Value;
use serde_json::Value as Json;

pub(super) const FUNCTIONS: &[ScalarFn] = &[ScalarFn::new("series_decompose_anomalies", 1, 7, ret_dynamic, anomalies)];

/// The three series `series_decompose_anomalies` computes.
#[derive(Debug, Clone, PartialEq)]
pub struct Anomalies {
    /// 1 (spike), -1 (dip) or 0 per point.
    pub flags: Vec<i64>,
    pub scores: Vec<f64>,
    pub baseline: Vec<f64>,
}

/// Decomposes `series` (nulls read as 0) as described in the module documentation.
pub fn decompose_anomalies(series: &[f64], threshold: f64, season: Option<usize>, trend: bool) -> Anomalies {
    let n = series.len();
    let mut baseline = vec![0.0; n];
    if trend && n >= 2 {
        let (slope, intercept) = line_fit(series);
        for (i, b) in baseline.iter_mut().enumerate() {
            *b = intercept + slope * i as f64;
        }
    } else if n > 0 && !trend {
        let mean = series.iter().sum::<f64>() / n as f64;
        baseline.iter_mut().for_each(|b| *b = mean);
    } else if n == 1 {
        baseline[0] = series[0];
    }
    if let Some(period) = season.filter(|p| *p > 1 && *p <= n) {
        let mut sums = vec![0.0; period];
        let mut counts = vec![0usize; period];
        for i in 0..n {
            sums[i % period] += series[i] - baseline[i];
            counts[i % period] += 1;
        }
        for (i, b) in baseline.iter_mut().enumerate() {
            let c = counts[i % period];
            if c > 0 {
                *b += sums[i % period] / c as f64;
            }
        }
    }
    let residuals: Vec<f64> = series.iter().zip(&baseline).map(|(y, b)| y - b).collect();
    let mut sorted = residuals.clone();
    sorted.sort_by(f64::total_cmp);
    let (q1, q3) = (quantile(&sorted, 0.25), quantile(&sorted, 0.75));
    let iqr = q3 - q1;
    let scores: Vec<f64> = residuals
        .iter()
        .map(|r| {
            if iqr <= 0.0 {
                0.0
            } else if *r > q3 {
                (r - q3) / iqr
            } else if *r < q1 {
                (r - q1) / iqr
            } else {
                0.0
            }
        })
        .collect();
    let flags = scores
        .iter()
        .map(|s| {
            if *s > threshold {
                1
            } else if *s < -threshold {
                -1
            } else {
                0
            }
        })
        .collect();
    Anomalies { flags, scores, baseline }
}

/// Least-squares slope and intercept over x = 0, 1, 2...
fn line_fit(y: &[f64]) -> (f64, f64) {
    let n = y.len() as f64;
    let mean_x = (n - 1.0) / 2.0;
    let mean_y = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (i, v) in y.iter().enumerate() {
        let dx = i as f64 - mean_x;
        sxy += dx * (v - mean_y);
        sxx += dx * dx;
    }
    let slope = if sxx == 0.0 { 0.0 } else { sxy / sxx };
    (slope, mean_y - slope * mean_x)
}

/// Linear interpolation between closest ranks of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let pos = q * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
        }
    }
}

/// A dynamic array of numbers as reals (nulls and non-numbers as 0, as make-series fills).
pub fn numbers(v: &Value) -> Option<Vec<f64>> {
    match json_arg(v).map(AsRef::as_ref) {
        Some(Json::Array(items)) => Some(items.iter().map(|j| j.as_f64().unwrap_or(0.0)).collect()),
        _ => None,
    }
}

fn anomalies(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let Some(series) = numbers(&args[0]) else { return Ok(Value::Null) };
    let threshold = args.get(1).and_then(real_arg).unwrap_or(1.5);
    let season = args.get(2).and_then(long_arg).and_then(|s| usize::try_from(s).ok());
    let trend = match args.get(3).map(text) {
        None => true,
        Some(t) if t == "linefit" || t == "avg" || t == "none" => t == "linefit",
        Some(t) => return Err(format!("trend must be \"linefit\", \"avg\" or \"none\", not {t:?}")),
    };
    let result = decompose_anomalies(&series, threshold, season, trend);
    Ok(Value::dynamic(Json::Array(result.flags.into_iter().map(Json::from).collect())))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{dynamic, show, ty};
    use super::*;
    use crate::kql::value::Type;

    #[test]
    fn a_spike_and_a_dip_are_flagged_on_a_trend() {
        let mut series: Vec<f64> = (0..24).map(|i| 10.0 + i as f64 + if i % 2 == 0 { 0.5 } else { -0.5 }).collect();
        series[7] += 30.0;
        series[15] -= 30.0;
        let result = decompose_anomalies(&series, 1.5, None, true);
        let flagged: Vec<(usize, i64)> = result.flags.iter().copied().enumerate().filter(|(_, f)| *f != 0).collect();
        assert_eq!(flagged, vec![(7, 1), (15, -1)]);
        assert!(result.scores[7] > 1.5 && result.scores[15] < -1.5);
        assert_eq!(result.baseline.len(), 24);
    }

    #[test]
    fn seasonal_pattern_is_not_an_anomaly() {
        let series: Vec<f64> = (0..28).map(|i| if i % 7 == 0 { 100.0 } else { 10.0 }).collect();
        let result = decompose_anomalies(&series, 1.5, Some(7), true);
        assert!(result.flags.iter().all(|f| *f == 0));
    }

    #[test]
    fn the_function_returns_the_flags_array() {
        let shown = show(
            "series_decompose_anomalies",
            &[dynamic("[1,2,1,2,1,2,1,2,50,2,1,2,1,2,1,2]"), Value::Real(1.5), Value::Int(-1), Value::str("avg")],
        );
        assert_eq!(shown, "[0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0]");
        assert_eq!(ty("series_decompose_anomalies", &[Type::Dynamic]), Ok(Type::Dynamic));
    }
}

//! Series functions over dynamic arrays of numbers (what `make-series` builds).
//!
//! `series_decompose_anomalies` follows Kusto's default method in a documented, simpler form:
//! the baseline is the trend (the least-squares line, Kusto's default `linefit`; the mean for
//! `avg`; zero for `none`) plus the median residual of each position in the season; the
//! residuals are then scored by Tukey's fences (`ctukey`): a residual above the 75th
//! percentile scores `(r - Q3) / (Q3 - Q1)`, below the 25th `(r - Q1) / (Q3 - Q1)`, otherwise
//! 0; a score beyond `threshold` (default 1.5) flags the point `1` (spike) or `-1` (dip). The
//! season is the `seasonality` argument when above 1, none for 0, and for -1 (the default)
//! the lag from 2 to half the series whose autocorrelation of the detrended series is highest,
//! when it reaches `seasonality_threshold` (default 0.6). `test_points` is accepted and not
//! used. The scalar form returns the flags; [`multi_output`] gives flags, scores and baseline
//! for `extend (Flags, Scores, Baseline) = series_decompose_anomalies(...)`.
//!
//! Also: the `series_fill_*` functions, `series_stats` and `series_fit_line` (several results,
//! and their `_dynamic` bag forms).

use super::{FnCtx, ScalarFn, json_arg, long_arg, real_arg, ret_dynamic, text};
use crate::kql::value::{Type, Value};
use serde_json::Value as Json;

pub(super) const FUNCTIONS: &[ScalarFn] = &[
    ScalarFn::new("series_decompose_anomalies", 1, 7, ret_dynamic, anomalies),
    ScalarFn::new("series_fill_forward", 1, 2, ret_dynamic, |a, _| Ok(fill(a, Fill::Forward))),
    ScalarFn::new("series_fill_backward", 1, 2, ret_dynamic, |a, _| Ok(fill(a, Fill::Backward))),
    ScalarFn::new("series_fill_const", 2, 3, ret_dynamic, |a, _| Ok(fill(a, Fill::Const))),
    ScalarFn::new("series_fill_linear", 1, 4, ret_dynamic, |a, _| Ok(fill(a, Fill::Linear))),
    ScalarFn::new("series_stats_dynamic", 1, 2, ret_dynamic, |a, _| Ok(bag(stats(&a[0])))),
    ScalarFn::new("series_fit_line_dynamic", 1, 1, ret_dynamic, |a, _| Ok(bag(fit_line(&a[0])))),
];

/// A function with several results, which `extend (A, B, C) = f(...)` spreads over columns
/// (and an unnamed call names `f_<arg>_<output>`).
pub struct MultiFn {
    pub name: &'static str,
    pub min_args: usize,
    pub max_args: usize,
    /// The outputs' names (Kusto's suffixes) and types, in order.
    pub outputs: &'static [(&'static str, Type)],
    /// One row's outputs, in the order of [`MultiFn::outputs`].
    pub eval: fn(&[Value], &FnCtx) -> Result<Vec<Value>, String>,
}

const MULTI: &[MultiFn] = &[
    MultiFn {
        name: "series_decompose_anomalies",
        min_args: 1,
        max_args: 7,
        outputs: &[("ad_flag", Type::Dynamic), ("ad_score", Type::Dynamic), ("baseline", Type::Dynamic)],
        eval: anomalies_parts,
    },
    MultiFn {
        name: "series_stats",
        min_args: 1,
        max_args: 2,
        outputs: &[
            ("min", Type::Real),
            ("min_idx", Type::Long),
            ("max", Type::Real),
            ("max_idx", Type::Long),
            ("avg", Type::Real),
            ("stdev", Type::Real),
            ("variance", Type::Real),
        ],
        eval: |a, _| Ok(stats(&a[0]).into_iter().map(|(_, v)| v).collect()),
    },
    MultiFn {
        name: "series_fit_line",
        min_args: 1,
        max_args: 1,
        outputs: &[
            ("rsquare", Type::Real),
            ("slope", Type::Real),
            ("variance", Type::Real),
            ("rvariance", Type::Real),
            ("interception", Type::Real),
            ("line_fit", Type::Dynamic),
        ],
        eval: |a, _| Ok(fit_line(&a[0]).into_iter().map(|(_, v)| v).collect()),
    },
];

/// The several-result function called `name`.
pub fn multi_output(name: &str) -> Option<&'static MultiFn> {
    MULTI.iter().find(|m| m.name == name)
}

/// The three series `series_decompose_anomalies` computes.
#[derive(Debug, Clone, PartialEq)]
pub struct Anomalies {
    /// 1 (spike), -1 (dip) or 0 per point.
    pub flags: Vec<i64>,
    pub scores: Vec<f64>,
    pub baseline: Vec<f64>,
}

/// The trend part of a decomposition.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Trend {
    LineFit,
    Avg,
    None,
}

/// How the season length is chosen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Season {
    None,
    Period(usize),
    /// Detected, when the best autocorrelation reaches this threshold.
    Detect(f64),
}

/// The lag (2 to half the series) with the highest autocorrelation, if it reaches
/// `threshold`; series longer than 10 000 points are not searched.
pub fn detect_period(values: &[f64], threshold: f64) -> Option<usize> {
    let n = values.len();
    if !(4..=10_000).contains(&n) {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let centered: Vec<f64> = values.iter().map(|v| v - mean).collect();
    let energy: f64 = centered.iter().map(|v| v * v).sum();
    if energy <= 0.0 {
        return None;
    }
    let mut best: Option<(usize, f64)> = None;
    for lag in 2..=n / 2 {
        let acf = centered.iter().zip(&centered[lag..]).map(|(a, b)| a * b).sum::<f64>() / energy;
        if best.is_none_or(|(_, b)| acf > b + 1e-12) {
            best = Some((lag, acf));
        }
    }
    best.filter(|(_, acf)| *acf >= threshold).map(|(lag, _)| lag)
}

/// Decomposes `series` (nulls read as 0) as described in the module documentation.
pub fn decompose_anomalies(series: &[f64], threshold: f64, season: Season, trend: Trend) -> Anomalies {
    let n = series.len();
    let mut baseline = vec![0.0; n];
    match trend {
        Trend::LineFit if n >= 2 => {
            let (slope, intercept) = line_fit(series);
            for (i, b) in baseline.iter_mut().enumerate() {
                *b = intercept + slope * i as f64;
            }
        }
        Trend::LineFit | Trend::Avg if n > 0 => {
            let mean = series.iter().sum::<f64>() / n as f64;
            baseline.iter_mut().for_each(|b| *b = mean);
        }
        _ => {}
    }
    let season = match season {
        Season::None => None,
        Season::Period(p) => Some(p),
        Season::Detect(t) => {
            let detrended: Vec<f64> = series.iter().zip(&baseline).map(|(y, b)| y - b).collect();
            detect_period(&detrended, t)
        }
    };
    if let Some(period) = season.filter(|p| *p > 1 && *p <= n) {
        // The seasonal part of each phase is the median of its detrended values: one spike
        // does not move it (so the spike stays an anomaly and its phase's other points do not
        // become dips).
        let mut phases: Vec<Vec<f64>> = vec![Vec::new(); period];
        for (i, (y, b)) in series.iter().zip(&baseline).enumerate() {
            phases[i % period].push(y - b);
        }
        let medians: Vec<f64> = phases
            .iter_mut()
            .map(|p| {
                p.sort_by(f64::total_cmp);
                quantile(p, 0.5)
            })
            .collect();
        for (i, b) in baseline.iter_mut().enumerate() {
            *b += medians[i % period];
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

fn anomalies(args: &[Value], ctx: &FnCtx) -> Result<Value, String> {
    Ok(anomalies_parts(args, ctx)?.into_iter().next().unwrap_or(Value::Null))
}

/// Flags, scores and baseline as three dynamic arrays.
fn anomalies_parts(args: &[Value], _: &FnCtx) -> Result<Vec<Value>, String> {
    let Some(series) = numbers(&args[0]) else { return Ok(vec![Value::Null; 3]) };
    let threshold = args.get(1).and_then(real_arg).unwrap_or(1.5);
    let detect_threshold = args.get(6).and_then(real_arg).unwrap_or(0.6);
    let season = match args.get(2).and_then(long_arg).unwrap_or(-1) {
        -1 => Season::Detect(detect_threshold),
        p if p > 1 => Season::Period(usize::try_from(p).unwrap_or(usize::MAX)),
        _ => Season::None,
    };
    let trend = match args.get(3).map(text).as_deref() {
        None | Some("linefit") => Trend::LineFit,
        Some("avg") => Trend::Avg,
        Some("none") => Trend::None,
        Some(t) => return Err(format!("trend must be \"linefit\", \"avg\" or \"none\", not {t:?}")),
    };
    let result = decompose_anomalies(&series, threshold, season, trend);
    let reals = |v: Vec<f64>| Value::dynamic(Json::Array(v.into_iter().map(|x| Value::Real(x).to_json()).collect()));
    Ok(vec![
        Value::dynamic(Json::Array(result.flags.into_iter().map(Json::from).collect())),
        reals(result.scores),
        reals(result.baseline),
    ])
}

/// How `series_fill_*` fills a missing element.
#[derive(Clone, Copy, PartialEq)]
enum Fill {
    Forward,
    Backward,
    Const,
    Linear,
}

/// `series_fill_forward(s[, missing])`, `series_fill_backward(s[, missing])`,
/// `series_fill_const(s, constant[, missing])`, `series_fill_linear(s[, missing[, fill_edges
/// = true[, constant]]])`: elements equal to `missing` (null by default) are filled from the
/// previous or next known element, a constant, or the line between the known neighbours
/// (edges from the nearest known element, or the constant when `fill_edges` is false).
fn fill(args: &[Value], how: Fill) -> Value {
    let Some(Json::Array(items)) = json_arg(&args[0]).map(AsRef::as_ref) else { return Value::Null };
    let missing_at = if how == Fill::Const { 2 } else { 1 };
    let missing = args.get(missing_at).map(Value::to_json).unwrap_or(Json::Null);
    let is_missing = |j: &Json| match (&missing, j) {
        (Json::Null, j) => j.is_null(),
        (m, j) => m.as_f64().zip(j.as_f64()).map_or(m == j, |(a, b)| a == b),
    };
    let mut values: Vec<Option<Json>> = items.iter().map(|j| (!is_missing(j)).then(|| j.clone())).collect();
    match how {
        Fill::Forward => {
            let mut last = None;
            for v in &mut values {
                match v {
                    Some(x) => last = Some(x.clone()),
                    None => *v = last.clone(),
                }
            }
        }
        Fill::Backward => {
            let mut next = None;
            for v in values.iter_mut().rev() {
                match v {
                    Some(x) => next = Some(x.clone()),
                    None => *v = next.clone(),
                }
            }
        }
        Fill::Const => {
            let constant = args.get(1).map(Value::to_json).unwrap_or(Json::Null);
            values.iter_mut().filter(|v| v.is_none()).for_each(|v| *v = Some(constant.clone()));
        }
        Fill::Linear => {
            let fill_edges = args.get(2).and_then(Value::to_bool).unwrap_or(true);
            let constant = args.get(3).map(Value::to_json).unwrap_or(Json::Null);
            let known: Vec<(usize, f64)> = values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.as_ref().and_then(Json::as_f64).map(|x| (i, x)))
                .collect();
            for (i, slot) in values.iter_mut().enumerate() {
                if slot.is_some() {
                    continue;
                }
                let before = known.iter().rev().find(|(k, _)| *k < i);
                let after = known.iter().find(|(k, _)| *k > i);
                *slot = match (before, after) {
                    (Some(&(a, x)), Some(&(b, y))) => {
                        Some(Value::Real(x + (y - x) * (i - a) as f64 / (b - a) as f64).to_json())
                    }
                    (Some(&(_, x)), None) | (None, Some(&(_, x))) if fill_edges => Some(Value::Real(x).to_json()),
                    _ => Some(constant.clone()),
                };
            }
        }
    }
    Value::dynamic(Json::Array(values.into_iter().map(|v| v.unwrap_or(Json::Null)).collect()))
}

/// A bag of named results.
fn bag(fields: Vec<(&'static str, Value)>) -> Value {
    Value::dynamic(Json::Object(fields.into_iter().map(|(k, v)| (k.to_string(), v.to_json())).collect()))
}

/// `series_stats`: min, min_idx, max, max_idx, avg, stdev (sample), variance (sample) of the
/// numeric elements (others are skipped); nulls when there is none.
fn stats(series: &Value) -> Vec<(&'static str, Value)> {
    let items: Vec<(usize, f64)> = match json_arg(series).map(AsRef::as_ref) {
        Some(Json::Array(items)) => items.iter().enumerate().filter_map(|(i, j)| j.as_f64().map(|x| (i, x))).collect(),
        _ => Vec::new(),
    };
    let names = ["min", "min_idx", "max", "max_idx", "avg", "stdev", "variance"];
    if items.is_empty() {
        return names.into_iter().map(|n| (n, Value::Null)).collect();
    }
    let (mut min, mut max) = (items[0], items[0]);
    for &(i, x) in &items {
        if x < min.1 {
            min = (i, x);
        }
        if x > max.1 {
            max = (i, x);
        }
    }
    let n = items.len() as f64;
    let avg = items.iter().map(|(_, x)| x).sum::<f64>() / n;
    let variance =
        if items.len() > 1 { items.iter().map(|(_, x)| (x - avg).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
    vec![
        ("min", Value::Real(min.1)),
        ("min_idx", Value::Int(min.0 as i64)),
        ("max", Value::Real(max.1)),
        ("max_idx", Value::Int(max.0 as i64)),
        ("avg", Value::Real(avg)),
        ("stdev", Value::Real(variance.sqrt())),
        ("variance", Value::Real(variance)),
    ]
}

/// `series_fit_line`: the least-squares line over x = 0, 1, 2...: rsquare, slope, variance
/// of the series, rvariance (of the residuals), interception and the fitted line.
fn fit_line(series: &Value) -> Vec<(&'static str, Value)> {
    let Some(y) = numbers(series).filter(|y| !y.is_empty()) else {
        return ["rsquare", "slope", "variance", "rvariance", "interception", "line_fit"]
            .into_iter()
            .map(|n| (n, Value::Null))
            .collect();
    };
    let (slope, intercept) = if y.len() >= 2 { line_fit(&y) } else { (0.0, y[0]) };
    let n = y.len() as f64;
    let mean = y.iter().sum::<f64>() / n;
    let fitted: Vec<f64> = (0..y.len()).map(|i| intercept + slope * i as f64).collect();
    let variance = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    let rvariance = y.iter().zip(&fitted).map(|(v, f)| (v - f).powi(2)).sum::<f64>() / n;
    let rsquare = if variance == 0.0 { 1.0 } else { 1.0 - rvariance / variance };
    vec![
        ("rsquare", Value::Real(rsquare)),
        ("slope", Value::Real(slope)),
        ("variance", Value::Real(variance)),
        ("rvariance", Value::Real(rvariance)),
        ("interception", Value::Real(intercept)),
        ("line_fit", Value::dynamic(Json::Array(fitted.into_iter().map(|x| Value::Real(x).to_json()).collect()))),
    ]
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
        let result = decompose_anomalies(&series, 1.5, Season::None, Trend::LineFit);
        let flagged: Vec<(usize, i64)> = result.flags.iter().copied().enumerate().filter(|(_, f)| *f != 0).collect();
        assert_eq!(flagged, vec![(7, 1), (15, -1)]);
        assert!(result.scores[7] > 1.5 && result.scores[15] < -1.5);
        assert_eq!(result.baseline.len(), 24);
    }

    #[test]
    fn seasonal_pattern_is_not_an_anomaly() {
        let noise = |i: usize| ((i * 7919) % 5) as f64 * 0.3;
        let series: Vec<f64> = (0..28).map(|i| if i % 7 == 0 { 100.0 } else { 10.0 } + noise(i)).collect();
        let result = decompose_anomalies(&series, 1.5, Season::Period(7), Trend::LineFit);
        assert!(result.flags.iter().all(|f| *f == 0));
        // Detected: the weekly spike is the season, and a spike off the pattern is flagged.
        assert_eq!(detect_period(&series, 0.6), Some(7));
        let mut odd = series.clone();
        odd[10] = 60.0;
        let result = decompose_anomalies(&odd, 1.5, Season::Detect(0.6), Trend::LineFit);
        let flagged: Vec<usize> = result.flags.iter().enumerate().filter(|(_, f)| **f != 0).map(|(i, _)| i).collect();
        assert_eq!(flagged, vec![10]);
        assert_eq!(detect_period(&[1.0, 5.0, 2.0, 8.0, 3.0, 1.0, 9.0], 0.6), None);
    }

    #[test]
    fn fills_from_the_documentation() {
        let data = dynamic("[null, null, 36, 41, null, null, 16, 61, 33, null, null]");
        assert_eq!(show("series_fill_forward", std::slice::from_ref(&data)), "[null,null,36,41,41,41,16,61,33,33,33]");
        assert_eq!(show("series_fill_backward", std::slice::from_ref(&data)), "[36,36,36,41,16,16,16,61,33,null,null]");
        assert_eq!(
            show("series_fill_const", &[data.clone(), Value::Real(0.0)]),
            "[0.0,0.0,36,41,0.0,0.0,16,61,33,0.0,0.0]"
        );
        assert_eq!(show("series_fill_linear", &[dynamic("[2, null, 6, null, null, 12]")]), "[2,4.0,6,8.0,10.0,12]");
        assert_eq!(show("series_fill_linear", &[dynamic("[null, 1, null]")]), "[1.0,1,1.0]");
        assert_eq!(
            show("series_fill_linear", &[dynamic("[null, 1, null]"), Value::Null, Value::Bool(false), Value::Int(0)]),
            "[0,1,0]"
        );
        assert_eq!(show("series_fill_forward", &[dynamic("[1, -1, 3]"), Value::Int(-1)]), "[1,1,3]");
    }

    #[test]
    fn stats_and_line_fit() {
        let stats = show("series_stats_dynamic", &[dynamic("[1, 5, 3]")]);
        assert_eq!(stats, r#"{"avg":3.0,"max":5.0,"max_idx":1,"min":1.0,"min_idx":0,"stdev":2.0,"variance":4.0}"#);
        let fit = show("series_fit_line_dynamic", &[dynamic("[1, 3, 5, 7]")]);
        assert_eq!(
            fit,
            r#"{"interception":1.0,"line_fit":[1.0,3.0,5.0,7.0],"rsquare":1.0,"rvariance":0.0,"slope":2.0,"variance":5.0}"#
        );
        let Some(multi) = multi_output("series_decompose_anomalies") else { panic!("missing") };
        let parts = (multi.eval)(&[dynamic("[1,2,1,2,1,2,1,2,50,2,1,2,1,2,1,2]")], &FnCtx { now: 0 });
        assert!(matches!(parts, Ok(ref p) if p.len() == multi.outputs.len()));
        assert_eq!(multi_output("series_stats").map(|m| m.outputs.len()), Some(7));
        assert!(multi_output("strlen").is_none());
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

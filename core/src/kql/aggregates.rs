//! The aggregation library of `summarize` and `make-series`: each [`AggFn`] gives a result
//! type rule (checked at plan time) and a fresh [`Accumulator`] per group, fed one row's
//! argument values at a time.
//!
//! Kusto's null rules: null values are ignored by every aggregation (and empty strings by
//! `dcount`, `make_set`, `make_list` and `take_any`); an aggregation that saw no value gives
//! null, except the counts and `sum`/`sumif` (0: Kusto's sums start from zero, so the sum of
//! only nulls, or of no row, is 0 of the result type) and `make_set`/`make_list`/`make_bag`
//! (an empty array or bag). `dcount` is exact (Kusto estimates with
//! HyperLogLog; an exact count is within any accuracy level it promises). `percentile` is the
//! nearest-rank percentile of the exact values (Kusto estimates it with a t-digest, also by
//! nearest rank). `arg_max`, `arg_min` and `percentiles` give several columns and are run by
//! the executor (`percentiles` through [`aggregate`]`("percentile")`).

use super::value::{Key, Type, Value, compare, sort_cmp};
use serde_json::{Map, Value as Json};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// One group's running aggregation.
pub trait Accumulator: Send {
    /// One row: the aggregation's argument values in call order (constants included).
    fn add(&mut self, args: &[Value]);
    /// The group's result (the accumulator may be left empty).
    fn finish(&mut self) -> Value;
}

/// The result type from the argument types, or a message saying which argument is wrong.
pub type ResultRule = fn(&[Type]) -> Result<Type, String>;
/// A fresh accumulator, given the argument types and the constant arguments after the first
/// (a percentile's 50, a `make_set` size).
pub type NewAccumulator = fn(&[Type], &[Value]) -> Box<dyn Accumulator>;

/// One aggregation function of the library.
pub struct AggFn {
    pub name: &'static str,
    pub min_args: usize,
    pub max_args: usize,
    pub result: ResultRule,
    pub new: NewAccumulator,
}

impl std::fmt::Debug for AggFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AggFn({})", self.name)
    }
}

const fn agg(name: &'static str, min_args: usize, max_args: usize, result: ResultRule, new: NewAccumulator) -> AggFn {
    AggFn { name, min_args, max_args, result, new }
}

/// The default and largest size of `make_set`/`make_list`/`make_bag` (Kusto's 1048576).
pub const MAX_MAKE_SIZE: usize = 1 << 20;

const AGGREGATES: &[AggFn] = &[
    agg("count", 0, 1, ret_long, |_, _| Box::new(Count { n: 0, pred: None, counts_values: true })),
    agg("countif", 1, 1, pred_long(0), |_, _| Box::new(Count { n: 0, pred: Some(0), counts_values: false })),
    agg("sum", 1, 1, sum_type(1), |t, _| Box::new(Sum::new(t, None))),
    agg("sumif", 2, 2, sum_type(2), |t, _| Box::new(Sum::new(t, Some(1)))),
    agg("avg", 1, 1, avg_type(1), |t, _| Box::new(Avg::new(t, None))),
    agg("avgif", 2, 2, avg_type(2), |t, _| Box::new(Avg::new(t, Some(1)))),
    agg("min", 1, 1, same_type(1), |_, _| Box::new(Extreme { best: None, wanted: Ordering::Less, pred: None })),
    agg("max", 1, 1, same_type(1), |_, _| Box::new(Extreme { best: None, wanted: Ordering::Greater, pred: None })),
    agg("minif", 2, 2, same_type(2), |_, _| Box::new(Extreme { best: None, wanted: Ordering::Less, pred: Some(1) })),
    agg("maxif", 2, 2, same_type(2), |_, _| Box::new(Extreme { best: None, wanted: Ordering::Greater, pred: Some(1) })),
    agg("dcount", 1, 2, ret_long, |_, _| Box::new(Distinct { seen: HashSet::new(), pred: None })),
    agg("dcountif", 2, 3, pred_long(1), |_, _| Box::new(Distinct { seen: HashSet::new(), pred: Some(1) })),
    agg("count_distinct", 1, 1, ret_long, |_, _| Box::new(Distinct { seen: HashSet::new(), pred: None })),
    agg("count_distinctif", 2, 2, pred_long(1), |_, _| Box::new(Distinct { seen: HashSet::new(), pred: Some(1) })),
    agg("make_set", 1, 2, ret_dynamic, |_, _| Box::new(MakeSet::new(None, Some(1), MAX_MAKE_SIZE))),
    agg("makeset", 1, 2, ret_dynamic, |_, _| Box::new(MakeSet::new(None, Some(1), 128))),
    agg("make_set_if", 2, 3, pred_dynamic(1), |_, _| Box::new(MakeSet::new(Some(1), Some(2), MAX_MAKE_SIZE))),
    agg("make_list", 1, 2, ret_dynamic, |_, _| Box::new(MakeList::new(None, Some(1), MAX_MAKE_SIZE, false))),
    agg("makelist", 1, 2, ret_dynamic, |_, _| Box::new(MakeList::new(None, Some(1), 128, false))),
    agg("make_list_if", 2, 3, pred_dynamic(1), |_, _| Box::new(MakeList::new(Some(1), Some(2), MAX_MAKE_SIZE, false))),
    agg("make_list_with_nulls", 1, 2, ret_dynamic, |_, _| Box::new(MakeList::new(None, Some(1), MAX_MAKE_SIZE, true))),
    agg("make_bag", 1, 2, ret_dynamic, |_, _| Box::new(MakeBag::new(None, Some(1)))),
    agg("make_bag_if", 2, 3, pred_dynamic(1), |_, _| Box::new(MakeBag::new(Some(1), Some(2)))),
    agg("take_any", 1, 1, same_type(1), |_, _| Box::new(TakeAny { value: None, pred: None })),
    agg("any", 1, 1, same_type(1), |_, _| Box::new(TakeAny { value: None, pred: None })),
    agg("take_anyif", 2, 2, same_type(2), |_, _| Box::new(TakeAny { value: None, pred: Some(1) })),
    agg("anyif", 2, 2, same_type(2), |_, _| Box::new(TakeAny { value: None, pred: Some(1) })),
    agg("percentile", 2, 2, percentile_type, |_, consts| Box::new(Percentile::new(consts))),
    agg("stdev", 1, 1, real_of_numeric(1), |_, _| Box::new(Moments::new(None, true, true))),
    agg("stdevif", 2, 2, real_of_numeric(2), |_, _| Box::new(Moments::new(Some(1), true, true))),
    agg("stdevp", 1, 1, real_of_numeric(1), |_, _| Box::new(Moments::new(None, false, true))),
    agg("variance", 1, 1, real_of_numeric(1), |_, _| Box::new(Moments::new(None, true, false))),
    agg("varianceif", 2, 2, real_of_numeric(2), |_, _| Box::new(Moments::new(Some(1), true, false))),
    agg("variancep", 1, 1, real_of_numeric(1), |_, _| Box::new(Moments::new(None, false, false))),
];

fn registry() -> &'static HashMap<&'static str, &'static AggFn> {
    static REGISTRY: OnceLock<HashMap<&'static str, &'static AggFn>> = OnceLock::new();
    REGISTRY.get_or_init(|| AGGREGATES.iter().map(|a| (a.name, a)).collect())
}

/// The aggregation called `name`.
pub fn aggregate(name: &str) -> Option<&'static AggFn> {
    registry().get(name).copied()
}

/// Every aggregation name, sorted, with the executor's several-column ones (`arg_max`,
/// `arg_min`, `percentiles`) among them for completion and "did you mean".
pub fn aggregate_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = registry().keys().copied().collect();
    names.extend(["arg_max", "arg_min", "percentiles", "percentiles_array"]);
    names.sort_unstable();
    names
}

// ---- result type rules ----

fn ret_long(_: &[Type]) -> Result<Type, String> {
    Ok(Type::Long)
}

fn ret_dynamic(_: &[Type]) -> Result<Type, String> {
    Ok(Type::Dynamic)
}

fn check_predicate(types: &[Type], i: usize) -> Result<(), String> {
    match types.get(i) {
        Some(Type::Bool | Type::Dynamic) | None => Ok(()),
        Some(t) => Err(format!("the predicate must be bool, not {}", t.name())),
    }
}

/// A rule for an aggregation whose argument `pred` is a predicate; the rules are plain
/// functions, so each position gets its own.
const fn pred_long(pred: usize) -> ResultRule {
    match pred {
        0 => |t| check_predicate(t, 0).map(|()| Type::Long),
        _ => |t| check_predicate(t, 1).map(|()| Type::Long),
    }
}

const fn pred_dynamic(_pred: usize) -> ResultRule {
    |t| check_predicate(t, 1).map(|()| Type::Dynamic)
}

/// `sum`: int and long sum to long, reals to real, timespans to timespan.
const fn sum_type(args: usize) -> ResultRule {
    match args {
        1 => |t| sum_of(t[0]),
        _ => |t| check_predicate(t, 1).and_then(|()| sum_of(t[0])),
    }
}

fn sum_of(t: Type) -> Result<Type, String> {
    match t {
        Type::Int | Type::Long | Type::Bool => Ok(Type::Long),
        Type::Real | Type::Dynamic => Ok(Type::Real),
        Type::TimeSpan => Ok(Type::TimeSpan),
        other => Err(format!("cannot sum values of type {}", other.name())),
    }
}

/// `avg`: numbers average to real, timespans to timespan, datetimes to datetime.
const fn avg_type(args: usize) -> ResultRule {
    match args {
        1 => |t| avg_of(t[0]),
        _ => |t| check_predicate(t, 1).and_then(|()| avg_of(t[0])),
    }
}

fn avg_of(t: Type) -> Result<Type, String> {
    match t {
        Type::Int | Type::Long | Type::Real | Type::Dynamic | Type::Bool => Ok(Type::Real),
        Type::TimeSpan => Ok(Type::TimeSpan),
        Type::DateTime => Ok(Type::DateTime),
        other => Err(format!("cannot average values of type {}", other.name())),
    }
}

/// `min`, `max`, `take_any`: the argument's own type.
const fn same_type(args: usize) -> ResultRule {
    match args {
        1 => |t| Ok(t[0]),
        _ => |t| check_predicate(t, 1).map(|()| t[0]),
    }
}

const fn real_of_numeric(args: usize) -> ResultRule {
    match args {
        1 => |t| numeric(t[0]),
        _ => |t| check_predicate(t, 1).and_then(|()| numeric(t[0])),
    }
}

fn numeric(t: Type) -> Result<Type, String> {
    if t.is_numeric() || matches!(t, Type::Dynamic | Type::Bool) {
        Ok(Type::Real)
    } else {
        Err(format!("needs numbers, not {}", t.name()))
    }
}

fn percentile_type(types: &[Type]) -> Result<Type, String> {
    match types.get(1) {
        Some(t) if t.is_numeric() || *t == Type::Dynamic => {}
        Some(t) => return Err(format!("the percentile must be a number, not {}", t.name())),
        None => {}
    }
    match types[0] {
        Type::Int | Type::Long => Ok(Type::Long),
        t @ (Type::Real | Type::DateTime | Type::TimeSpan) => Ok(t),
        Type::Dynamic => Ok(Type::Real),
        other => Err(format!("cannot take a percentile of {}", other.name())),
    }
}

// ---- helpers ----

/// Whether the row passes the predicate at `pred` (no predicate: every row).
fn passes(args: &[Value], pred: Option<usize>) -> bool {
    pred.is_none_or(|i| args.get(i).and_then(Value::to_bool) == Some(true))
}

/// Null, a real NaN (a null real in a column), a dynamic null.
fn is_null(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Real(r) => r.is_nan(),
        Value::Dynamic(j) => j.is_null(),
        _ => false,
    }
}

/// Null, or an empty string (the values `dcount`, `make_set`, `take_any` skip).
fn is_empty(v: &Value) -> bool {
    is_null(v) || matches!(v, Value::String(s) if s.is_empty())
}

/// A size argument at `at` (a `make_set` max size), clamped to Kusto's range.
fn size_arg(args: &[Value], at: Option<usize>, default: usize) -> usize {
    at.and_then(|i| args.get(i))
        .and_then(Value::to_long)
        .map_or(default, |n| usize::try_from(n).unwrap_or(0).min(MAX_MAKE_SIZE))
}

// ---- accumulators ----

/// `count()`, `count(x)` (non-null values) and `countif(predicate)`.
struct Count {
    n: i64,
    pred: Option<usize>,
    counts_values: bool,
}

impl Accumulator for Count {
    fn add(&mut self, args: &[Value]) {
        let counted = match self.pred {
            Some(_) => passes(args, self.pred),
            None => !self.counts_values || args.first().is_none_or(|v| !is_null(v)),
        };
        self.n += i64::from(counted);
    }
    fn finish(&mut self) -> Value {
        Value::Int(self.n)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum NumKind {
    Long,
    Real,
    TimeSpan,
    DateTime,
}

fn num_kind(types: &[Type]) -> NumKind {
    match types.first() {
        Some(Type::Int | Type::Long | Type::Bool) => NumKind::Long,
        Some(Type::TimeSpan) => NumKind::TimeSpan,
        Some(Type::DateTime) => NumKind::DateTime,
        _ => NumKind::Real,
    }
}

/// `sum`/`sumif`: wrapping 64-bit integer sums (as Kusto's long arithmetic), real sums; 0
/// when no value was seen.
struct Sum {
    kind: NumKind,
    int: i64,
    real: f64,
    pred: Option<usize>,
}

impl Sum {
    fn new(types: &[Type], pred: Option<usize>) -> Sum {
        Sum { kind: num_kind(types), int: 0, real: 0.0, pred }
    }
}

impl Accumulator for Sum {
    fn add(&mut self, args: &[Value]) {
        let Some(v) = args.first() else { return };
        if is_null(v) || !passes(args, self.pred) {
            return;
        }
        match (self.kind, v.unwrap_dynamic_scalar()) {
            (NumKind::Long, Value::Int(i)) | (NumKind::TimeSpan, Value::TimeSpan(i)) => {
                self.int = self.int.wrapping_add(i);
            }
            (NumKind::Long, Value::Bool(b)) => {
                self.int = self.int.wrapping_add(i64::from(b));
            }
            (_, other) => {
                if let Some(r) = other.to_real().filter(|_| matches!(other, Value::Int(_) | Value::Real(_))) {
                    self.real += r;
                }
            }
        }
    }
    fn finish(&mut self) -> Value {
        match self.kind {
            NumKind::Long => Value::Int(self.int),
            NumKind::TimeSpan => Value::TimeSpan(self.int),
            NumKind::Real | NumKind::DateTime => Value::Real(self.real),
        }
    }
}

/// `avg`/`avgif`: reals for numbers; ticks (as 128-bit sums, never overflowing) for
/// timespans and datetimes.
struct Avg {
    kind: NumKind,
    real: f64,
    ticks: i128,
    n: u64,
    pred: Option<usize>,
}

impl Avg {
    fn new(types: &[Type], pred: Option<usize>) -> Avg {
        Avg { kind: num_kind(types), real: 0.0, ticks: 0, n: 0, pred }
    }
}

impl Accumulator for Avg {
    fn add(&mut self, args: &[Value]) {
        let Some(v) = args.first() else { return };
        if is_null(v) || !passes(args, self.pred) {
            return;
        }
        match v.unwrap_dynamic_scalar() {
            Value::TimeSpan(t) | Value::DateTime(t) => self.ticks += i128::from(t),
            Value::Int(i) => self.real += i as f64,
            Value::Real(r) => self.real += r,
            Value::Bool(b) => self.real += f64::from(u8::from(b)),
            _ => return,
        }
        self.n += 1;
    }
    fn finish(&mut self) -> Value {
        if self.n == 0 {
            return Value::Null;
        }
        let mean_ticks = || i64::try_from(self.ticks / i128::from(self.n)).unwrap_or(0);
        match self.kind {
            NumKind::TimeSpan => Value::TimeSpan(mean_ticks()),
            NumKind::DateTime => Value::DateTime(mean_ticks()),
            NumKind::Long | NumKind::Real => Value::Real(self.real / self.n as f64),
        }
    }
}

/// `min`/`max` (and the `if` forms): by Kusto's comparison; strings by ordinal order.
struct Extreme {
    best: Option<Value>,
    wanted: Ordering,
    pred: Option<usize>,
}

impl Accumulator for Extreme {
    fn add(&mut self, args: &[Value]) {
        let Some(v) = args.first() else { return };
        if is_null(v) || !passes(args, self.pred) {
            return;
        }
        let better = match &self.best {
            None => true,
            Some(b) => compare(v, b).unwrap_or_else(|| sort_cmp(v, b)) == self.wanted,
        };
        if better {
            self.best = Some(v.clone());
        }
    }
    fn finish(&mut self) -> Value {
        self.best.take().unwrap_or(Value::Null)
    }
}

/// `dcount`/`dcountif`/`count_distinct`: exact distinct counts of non-empty values.
struct Distinct {
    seen: HashSet<Key>,
    pred: Option<usize>,
}

impl Accumulator for Distinct {
    fn add(&mut self, args: &[Value]) {
        let Some(v) = args.first() else { return };
        if is_empty(v) || !passes(args, self.pred) {
            return;
        }
        self.seen.insert(Key::from(v));
    }
    fn finish(&mut self) -> Value {
        Value::Int(self.seen.len() as i64)
    }
}

/// `make_set`/`make_set_if`: distinct non-empty values in first-seen order, up to the size;
/// the elements of an array value are taken one by one.
struct MakeSet {
    seen: HashSet<Key>,
    items: Vec<Json>,
    pred: Option<usize>,
    size_at: Option<usize>,
    default_size: usize,
}

impl MakeSet {
    fn new(pred: Option<usize>, size_at: Option<usize>, default_size: usize) -> MakeSet {
        MakeSet { seen: HashSet::new(), items: Vec::new(), pred, size_at, default_size }
    }

    fn insert(&mut self, v: Value, max: usize) {
        if self.items.len() >= max || is_empty(&v) {
            return;
        }
        let key = Key::from(&v);
        if !self.seen.contains(&key) {
            self.items.push(v.to_json());
            self.seen.insert(key);
        }
    }
}

impl Accumulator for MakeSet {
    fn add(&mut self, args: &[Value]) {
        let Some(v) = args.first() else { return };
        if is_empty(v) || !passes(args, self.pred) {
            return;
        }
        let max = size_arg(args, self.size_at, self.default_size);
        match v {
            Value::Dynamic(json) if json.is_array() => {
                for element in json.as_array().into_iter().flatten() {
                    self.insert(Value::from_json(element), max);
                }
            }
            other => self.insert(other.clone(), max),
        }
    }
    fn finish(&mut self) -> Value {
        Value::dynamic(Json::Array(std::mem::take(&mut self.items)))
    }
}

/// `make_list`/`make_list_if`/`make_list_with_nulls`: values in row order, up to the size.
struct MakeList {
    items: Vec<Json>,
    pred: Option<usize>,
    size_at: Option<usize>,
    default_size: usize,
    keep_nulls: bool,
}

impl MakeList {
    fn new(pred: Option<usize>, size_at: Option<usize>, default_size: usize, keep_nulls: bool) -> MakeList {
        MakeList { items: Vec::new(), pred, size_at, default_size, keep_nulls }
    }
}

impl Accumulator for MakeList {
    fn add(&mut self, args: &[Value]) {
        let Some(v) = args.first() else { return };
        if (!self.keep_nulls && is_null(v)) || !passes(args, self.pred) {
            return;
        }
        if self.items.len() < size_arg(args, self.size_at, self.default_size) {
            self.items.push(if is_null(v) { Json::Null } else { v.to_json() });
        }
    }
    fn finish(&mut self) -> Value {
        Value::dynamic(Json::Array(std::mem::take(&mut self.items)))
    }
}

/// `make_bag`/`make_bag_if`: the properties of every bag value (other values are ignored);
/// for a key met again the first value stays.
struct MakeBag {
    map: Map<String, Json>,
    pred: Option<usize>,
    size_at: Option<usize>,
}

impl MakeBag {
    fn new(pred: Option<usize>, size_at: Option<usize>) -> MakeBag {
        MakeBag { map: Map::new(), pred, size_at }
    }
}

impl Accumulator for MakeBag {
    fn add(&mut self, args: &[Value]) {
        let Some(Value::Dynamic(json)) = args.first() else { return };
        if !passes(args, self.pred) {
            return;
        }
        let max = size_arg(args, self.size_at, MAX_MAKE_SIZE);
        if let Json::Object(bag) = json.as_ref() {
            for (k, v) in bag {
                if self.map.len() >= max && !self.map.contains_key(k) {
                    break;
                }
                self.map.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    fn finish(&mut self) -> Value {
        Value::dynamic(Json::Object(std::mem::take(&mut self.map)))
    }
}

/// `take_any`/`any` (and the `if` forms): the first non-empty value met.
struct TakeAny {
    value: Option<Value>,
    pred: Option<usize>,
}

impl Accumulator for TakeAny {
    fn add(&mut self, args: &[Value]) {
        if self.value.is_some() {
            return;
        }
        let Some(v) = args.first() else { return };
        if !is_empty(v) && passes(args, self.pred) {
            self.value = Some(v.clone());
        }
    }
    fn finish(&mut self) -> Value {
        self.value.take().unwrap_or(Value::Null)
    }
}

/// `percentile(x, p)`: the nearest-rank percentile, the smallest value with at least `p`% of
/// the values at or below it (`p` = 0 gives the minimum).
struct Percentile {
    values: Vec<Value>,
    percent: Option<f64>,
}

impl Percentile {
    fn new(consts: &[Value]) -> Percentile {
        Percentile { values: Vec::new(), percent: consts.first().and_then(Value::to_real) }
    }
}

impl Accumulator for Percentile {
    fn add(&mut self, args: &[Value]) {
        if self.percent.is_none() {
            self.percent = args.get(1).and_then(Value::to_real);
        }
        let Some(v) = args.first() else { return };
        if !is_null(v) {
            self.values.push(v.unwrap_dynamic_scalar());
        }
    }
    fn finish(&mut self) -> Value {
        let Some(p) = self.percent.filter(|p| (0.0..=100.0).contains(p)) else { return Value::Null };
        if self.values.is_empty() {
            return Value::Null;
        }
        self.values.sort_by(sort_cmp);
        let n = self.values.len();
        let rank = ((p / 100.0) * n as f64).ceil() as usize;
        let index = rank.clamp(1, n) - 1;
        std::mem::take(&mut self.values).swap_remove(index)
    }
}

/// `stdev`/`variance` (sample, n - 1) and `stdevp`/`variancep` (population), by Welford's
/// running mean: one value gives 0 for the sample forms.
struct Moments {
    n: u64,
    mean: f64,
    m2: f64,
    pred: Option<usize>,
    sample: bool,
    root: bool,
}

impl Moments {
    fn new(pred: Option<usize>, sample: bool, root: bool) -> Moments {
        Moments { n: 0, mean: 0.0, m2: 0.0, pred, sample, root }
    }
}

impl Accumulator for Moments {
    fn add(&mut self, args: &[Value]) {
        let Some(v) = args.first() else { return };
        if is_null(v) || !passes(args, self.pred) {
            return;
        }
        let x = match v.unwrap_dynamic_scalar() {
            Value::Int(i) => i as f64,
            Value::Real(r) => r,
            Value::Bool(b) => f64::from(u8::from(b)),
            _ => return,
        };
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }
    fn finish(&mut self) -> Value {
        if self.n == 0 {
            return Value::Null;
        }
        let variance = if self.sample {
            if self.n == 1 { 0.0 } else { self.m2 / (self.n - 1) as f64 }
        } else {
            self.m2 / self.n as f64
        };
        Value::Real(if self.root { variance.sqrt() } else { variance })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Runs `name` over rows of arguments and returns the result's display text.
    fn run(name: &str, types: &[Type], consts: &[Value], rows: &[Vec<Value>]) -> String {
        let f = aggregate(name).unwrap_or_else(|| panic!("no aggregation {name}"));
        let mut acc = (f.new)(types, consts);
        for row in rows {
            assert!(row.len() >= f.min_args && row.len() <= f.max_args, "{name}: arity");
            acc.add(row);
        }
        acc.finish().to_display()
    }

    fn one(values: &[Value]) -> Vec<Vec<Value>> {
        values.iter().map(|v| vec![v.clone()]).collect()
    }

    fn longs(values: &[i64]) -> Vec<Value> {
        values.iter().map(|v| Value::Int(*v)).collect()
    }

    fn s(text: &str) -> Value {
        Value::String(Arc::from(text))
    }

    #[test]
    fn counts_ignore_nulls() {
        let rows = one(&[Value::Int(1), Value::Null, Value::Int(3)]);
        assert_eq!(run("count", &[], &[], &[vec![], vec![], vec![]]), "3");
        assert_eq!(run("count", &[Type::Long], &[], &rows), "2");
        let pred: Vec<Vec<Value>> = [true, false, true, true].iter().map(|b| vec![Value::Bool(*b)]).collect();
        assert_eq!(run("countif", &[Type::Bool], &[], &pred), "3");
        assert_eq!(run("countif", &[Type::Bool], &[], &[]), "0");
        assert_eq!((aggregate("countif").map(|f| f.result)).map(|r| r(&[Type::Long]).is_err()), Some(true));
    }

    #[test]
    fn sums_and_averages_name_kusto_types() {
        let rows = one(&longs(&[1, 2, 3]));
        assert_eq!(run("sum", &[Type::Long], &[], &rows), "6");
        assert_eq!(
            run("sum", &[Type::Real], &[], &one(&[Value::Real(1.5), Value::Real(f64::NAN), Value::Real(2.0)])),
            "3.5"
        );
        assert_eq!(run("sum", &[Type::Long], &[], &one(&[Value::Null, Value::Null])), "0");
        assert_eq!(run("sum", &[Type::Real], &[], &[]), "0");
        assert_eq!(
            run("sum", &[Type::TimeSpan], &[], &one(&[Value::TimeSpan(10), Value::TimeSpan(5)])),
            "00:00:00.0000015"
        );
        let sumif = vec![vec![Value::Int(5), Value::Bool(true)], vec![Value::Int(7), Value::Bool(false)]];
        assert_eq!(run("sumif", &[Type::Long, Type::Bool], &[], &sumif), "5");
        assert_eq!(run("avg", &[Type::Long], &[], &one(&longs(&[1, 2]))), "1.5");
        assert_eq!(run("avg", &[Type::Long], &[], &[]), "");
        assert_eq!(run("avgif", &[Type::Long, Type::Bool], &[], &sumif), "5");
        let rule = |name: &str, t: &[Type]| aggregate(name).map(|f| (f.result)(t));
        assert_eq!(rule("sum", &[Type::Int]), Some(Ok(Type::Long)));
        assert_eq!(rule("sum", &[Type::Real]), Some(Ok(Type::Real)));
        assert!(matches!(rule("sum", &[Type::String]), Some(Err(_))));
        assert_eq!(rule("avg", &[Type::Long]), Some(Ok(Type::Real)));
        assert_eq!(rule("dcount", &[Type::String]), Some(Ok(Type::Long)));
        assert_eq!(rule("make_set", &[Type::String]), Some(Ok(Type::Dynamic)));
        assert_eq!(rule("max", &[Type::DateTime]), Some(Ok(Type::DateTime)));
        assert_eq!(rule("stdev", &[Type::Long]), Some(Ok(Type::Real)));
    }

    #[test]
    fn min_max_and_take_any() {
        let rows = one(&[Value::Int(4), Value::Null, Value::Int(-2), Value::Int(9)]);
        assert_eq!(run("min", &[Type::Long], &[], &rows), "-2");
        assert_eq!(run("max", &[Type::Long], &[], &rows), "9");
        assert_eq!(run("max", &[Type::String], &[], &one(&[s("b"), s("a"), s("c")])), "c");
        assert_eq!(run("max", &[Type::Long], &[], &[]), "");
        let maxif = vec![vec![Value::Int(9), Value::Bool(false)], vec![Value::Int(3), Value::Bool(true)]];
        assert_eq!(run("maxif", &[Type::Long, Type::Bool], &[], &maxif), "3");
        assert_eq!(run("take_any", &[Type::String], &[], &one(&[s(""), s("x"), s("y")])), "x");
        assert_eq!(run("any", &[Type::Long], &[], &one(&[Value::Null, Value::Int(2)])), "2");
    }

    #[test]
    fn distinct_counts_and_sets() {
        let rows = one(&[s("a"), s("b"), s("a"), s(""), s("A")]);
        assert_eq!(run("dcount", &[Type::String], &[], &rows), "3");
        let dcountif = vec![vec![s("a"), Value::Bool(true)], vec![s("b"), Value::Bool(false)]];
        assert_eq!(run("dcountif", &[Type::String, Type::Bool], &[], &dcountif), "1");
        assert_eq!(run("make_set", &[Type::String], &[], &rows), r#"["a","b","A"]"#);
        let sized: Vec<Vec<Value>> = rows.iter().map(|r| vec![r[0].clone(), Value::Int(2)]).collect();
        assert_eq!(run("make_set", &[Type::String, Type::Long], &[Value::Int(2)], &sized), r#"["a","b"]"#);
        let arrays = one(&[
            Value::dynamic(serde_json::json!(["A1", "A2", "A3"])),
            Value::dynamic(serde_json::json!(["A2", "C1"])),
        ]);
        assert_eq!(run("make_set", &[Type::Dynamic], &[], &arrays), r#"["A1","A2","A3","C1"]"#);
        assert_eq!(run("make_set", &[Type::String], &[], &[]), "[]");
        let set_if = vec![vec![s("a"), Value::Bool(false)], vec![s("b"), Value::Bool(true)]];
        assert_eq!(run("make_set_if", &[Type::String, Type::Bool], &[], &set_if), r#"["b"]"#);
    }

    #[test]
    fn lists_and_bags() {
        let rows = one(&[Value::Int(1), Value::Null, Value::Int(1), Value::Int(2)]);
        assert_eq!(run("make_list", &[Type::Long], &[], &rows), "[1,1,2]");
        assert_eq!(run("make_list_with_nulls", &[Type::Long], &[], &rows), "[1,null,1,2]");
        let sized: Vec<Vec<Value>> = rows.iter().map(|r| vec![r[0].clone(), Value::Int(1)]).collect();
        assert_eq!(run("makelist", &[Type::Long, Type::Long], &[Value::Int(1)], &sized), "[1]");
        let arrays = one(&[Value::dynamic(serde_json::json!([1, 2])), Value::dynamic(serde_json::json!([3]))]);
        assert_eq!(run("make_list", &[Type::Dynamic], &[], &arrays), "[[1,2],[3]]");
        let bags = one(&[
            Value::dynamic(serde_json::json!({"prop01": "val_a"})),
            Value::dynamic(serde_json::json!({"prop02": "val_b"})),
            Value::dynamic(serde_json::json!({"prop03": "val_c"})),
            Value::Int(4),
        ]);
        assert_eq!(
            run("make_bag", &[Type::Dynamic], &[], &bags),
            r#"{"prop01":"val_a","prop02":"val_b","prop03":"val_c"}"#
        );
    }

    #[test]
    fn percentile_is_nearest_rank() {
        let values: Vec<Vec<Value>> = (1..=10).map(|i| vec![Value::Int(i * 10), Value::Int(50)]).collect();
        assert_eq!(run("percentile", &[Type::Long, Type::Long], &[Value::Int(50)], &values), "50");
        assert_eq!(run("percentile", &[Type::Long, Type::Long], &[Value::Int(95)], &values), "100");
        assert_eq!(run("percentile", &[Type::Long, Type::Long], &[Value::Int(0)], &values), "10");
        assert_eq!(run("percentile", &[Type::Long, Type::Long], &[Value::Int(91)], &values), "100");
        assert_eq!(run("percentile", &[Type::Long, Type::Long], &[Value::Int(90)], &values), "90");
        assert_eq!(run("percentile", &[Type::Long, Type::Long], &[Value::Int(50)], &[]), "");
        assert_eq!(aggregate("percentile").map(|f| (f.result)(&[Type::Int, Type::Long])), Some(Ok(Type::Long)));
    }

    #[test]
    fn spread_measures() {
        // Sample variance of 1..=5 is 2.5, population 2.
        let rows = one(&longs(&[1, 2, 3, 4, 5]));
        assert_eq!(run("variance", &[Type::Long], &[], &rows), "2.5");
        assert_eq!(run("variancep", &[Type::Long], &[], &rows), "2");
        assert_eq!(run("stdevp", &[Type::Long], &[], &rows), format!("{}", 2f64.sqrt()).as_str());
        assert_eq!(run("stdev", &[Type::Long], &[], &one(&longs(&[7]))), "0");
        assert_eq!(run("stdev", &[Type::Long], &[], &[]), "");
    }

    /// Every aggregation over awkward rows (nulls, extremes, odd sizes and percentiles):
    /// no panic, and a value at the end.
    #[test]
    fn no_aggregation_panics_on_awkward_input() {
        let awkward = [
            Value::Null,
            Value::Int(i64::MAX),
            Value::Int(i64::MAX),
            Value::Int(-1),
            Value::Real(f64::NAN),
            Value::Real(f64::INFINITY),
            Value::str(""),
            Value::Bool(true),
            Value::DateTime(i64::MIN),
            Value::TimeSpan(i64::MAX),
            Value::dynamic(serde_json::json!([null, {"a": 1}])),
            Value::dynamic(serde_json::json!({"a": 2})),
        ];
        for name in aggregate_names() {
            let Some(f) = aggregate(name) else { continue };
            for arity in f.min_args..=f.max_args {
                for ty in [Type::Long, Type::Real, Type::String, Type::Dynamic, Type::TimeSpan] {
                    let types = vec![ty; arity];
                    let mut acc = (f.new)(&types, &awkward[1..arity.max(1)]);
                    for (i, v) in awkward.iter().enumerate() {
                        let row: Vec<Value> =
                            (0..arity).map(|p| awkward[(i + p * 5) % awkward.len()].clone()).collect();
                        acc.add(if row.is_empty() { &[] } else { &row });
                        let _ = v;
                    }
                    let _ = acc.finish();
                }
            }
        }
    }

    #[test]
    fn names_include_the_executor_aggregations() {
        let names = aggregate_names();
        for name in ["count", "arg_max", "percentiles", "make_set", "makeset", "take_any", "dcountif"] {
            assert!(names.contains(&name), "{name}");
        }
        assert!(aggregate("arg_max").is_none());
    }
}

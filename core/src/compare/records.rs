//! The time-aware facts triage reads beside the connections: which `VMBoundPort` records show
//! a port bound (and on which address), when machines booted (`VMComputer.BootTime`), and in
//! which minutes a machine's agent wrote anything at all. The map's inventory keeps only the
//! latest record of each; triage needs them over time.

use crate::model::schema::{bound_port, computer, connection, process};
use crate::model::time::TICKS_PER_MINUTE;
use crate::model::{TableKind, Timestamp};
use crate::store::{Store, Sym};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;

/// One `VMBoundPort` record of a port triage looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BoundRecord {
    pub time: Timestamp,
    pub process: Sym,
    pub ip: Sym,
    pub protocol: Sym,
    /// `IsWildcardBind` true.
    pub wildcard_flag: bool,
}

/// The `VMBoundPort` records of the wanted (machine, port) pairs, in time order.
pub fn bound_records(store: &Store, wanted: &FxHashSet<(Sym, i64)>) -> FxHashMap<(Sym, i64), Vec<BoundRecord>> {
    let table = store.table(TableKind::VMBoundPort);
    let col = |i| table.col(i);
    let mut out: FxHashMap<(Sym, i64), Vec<BoundRecord>> = FxHashMap::default();
    for row in 0..table.len() {
        let machine = col(bound_port::MACHINE).sym(row);
        let (Some(port), Some(time)) = (col(bound_port::PORT).int(row), col(bound_port::TIME_GENERATED).time(row))
        else {
            continue;
        };
        if !wanted.contains(&(machine, port)) {
            continue;
        }
        out.entry((machine, port)).or_default().push(BoundRecord {
            time,
            process: col(bound_port::PROCESS).sym(row),
            ip: col(bound_port::IP).sym(row),
            protocol: col(bound_port::PROTOCOL).sym(row),
            wildcard_flag: col(bound_port::IS_WILDCARD_BIND).bool(row) == Some(true),
        });
    }
    for records in out.values_mut() {
        records.sort_by_key(|r| (r.time, r.process, r.ip));
    }
    out
}

/// The records among `records` that show the port open to a client connecting to one of
/// `addresses`, by the documented rules: bound to that address, a specific-IP record with
/// `IsWildcardBind` true, or `0.0.0.0` (open on every interface) unless the same process has
/// a specific-IP record for the port and protocol among `records`, which supersedes it.
pub fn serving<'a>(
    store: &Store,
    records: &'a [BoundRecord],
    addresses: &BTreeSet<Sym>,
) -> impl Iterator<Item = &'a BoundRecord> {
    let zero = store.interner.lookup("0.0.0.0");
    let specific: FxHashSet<(Sym, Sym)> =
        records.iter().filter(|r| Some(r.ip) != zero).map(|r| (r.process, r.protocol)).collect();
    records.iter().filter(move |r| {
        if Some(r.ip) == zero {
            !specific.contains(&(r.process, r.protocol))
        } else {
            r.wildcard_flag || addresses.contains(&r.ip)
        }
    })
}

/// Whether a record stands for a bind on every interface.
pub fn is_wildcard(store: &Store, record: &BoundRecord) -> bool {
    record.wildcard_flag || store.str(record.ip) == "0.0.0.0"
}

/// Every distinct `BootTime` each wanted machine reported, ascending.
pub fn boot_times(store: &Store, wanted: &FxHashSet<Sym>) -> FxHashMap<Sym, Vec<Timestamp>> {
    let table = store.table(TableKind::VMComputer);
    let mut out: FxHashMap<Sym, BTreeSet<Timestamp>> = FxHashMap::default();
    for row in 0..table.len() {
        let machine = table.col(computer::MACHINE).sym(row);
        if let (true, Some(boot)) = (wanted.contains(&machine), table.col(computer::BOOT_TIME).time(row)) {
            out.entry(machine).or_default().insert(boot);
        }
    }
    out.into_iter().map(|(m, boots)| (m, boots.into_iter().collect())).collect()
}

/// The minutes (start ticks) in which each wanted machine wrote a record to any of the four
/// tables: an agent that wrote nothing in a stretch was silent.
pub fn record_minutes(store: &Store, wanted: &FxHashSet<Sym>) -> FxHashMap<Sym, Vec<i64>> {
    let mut out: FxHashMap<Sym, BTreeSet<i64>> = FxHashMap::default();
    let tables = [
        (TableKind::VMComputer, computer::MACHINE, computer::TIME_GENERATED),
        (TableKind::VMProcess, process::MACHINE, process::TIME_GENERATED),
        (TableKind::VMConnection, connection::MACHINE, connection::TIME_GENERATED),
        (TableKind::VMBoundPort, bound_port::MACHINE, bound_port::TIME_GENERATED),
    ];
    for (kind, machine_col, time_col) in tables {
        let table = store.table(kind);
        for row in 0..table.len() {
            let machine = table.col(machine_col).sym(row);
            if !wanted.contains(&machine) {
                continue;
            }
            if let Some(time) = table.col(time_col).time(row) {
                out.entry(machine).or_default().insert(time.floor_to(TICKS_PER_MINUTE).0);
            }
        }
    }
    out.into_iter().map(|(m, minutes)| (m, minutes.into_iter().collect())).collect()
}

/// The median gap in minutes between consecutive record minutes (`None` under two records).
pub fn usual_gap_minutes(minutes: &[i64]) -> Option<i64> {
    let mut gaps: Vec<i64> = minutes.windows(2).map(|w| w[1].saturating_sub(w[0]) / TICKS_PER_MINUTE).collect();
    if gaps.is_empty() {
        return None;
    }
    gaps.sort_unstable();
    gaps.get(gaps.len() / 2).copied()
}

//! A migration plan: the machines of a window split into move groups, with each group's
//! internal traffic and cut kept up to date as the user moves machines and locks groups.
//!
//! Where a dependency counts (t is its bytes, links, failures):
//! - both ends in one group: that group's internal traffic;
//! - ends in two groups: the cut of both, and the partition's cut;
//! - a group and an excluded machine, or a group and an unmonitored address (an external
//!   endpoint, an internet client): the group's cut (it needs a rule), and the partition's
//!   `to_excluded` or `external` figure, which no grouping can change.
//!
//! The partition's shares compare groupings: cut bytes (links) over the bytes (links) between
//! grouped machines, internal plus cut.

use super::data::{Dependency, DependencyData};
use super::leiden::{Constraints, LeidenParams, WeightedGraph, leiden};
use super::{GroupError, Weight};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// What the user asks of the grouping.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupingOptions {
    pub weight: Weight,
    /// Largest group, in machines.
    pub max_size: Option<usize>,
    /// Sets of machines (ids or names) that must share a group.
    pub together: Vec<Vec<String>>,
    /// Pairs of machines that must be in different groups.
    pub apart: Vec<(String, String)>,
    /// Machines left out of every group (shared services that stay where they are).
    pub excluded: Vec<String>,
    pub seed: u64,
    /// Modularity resolution γ: above 1 gives smaller groups.
    pub resolution: f64,
}

impl Default for GroupingOptions {
    fn default() -> Self {
        GroupingOptions {
            weight: Weight::Bytes,
            max_size: None,
            together: Vec::new(),
            apart: Vec::new(),
            excluded: Vec::new(),
            seed: 1,
            resolution: 1.0,
        }
    }
}

/// Traffic summed over dependencies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Traffic {
    pub bytes: i64,
    pub links: i64,
    pub failures: i64,
    pub dependencies: usize,
}

impl Traffic {
    fn apply(&mut self, dep: &Dependency, add: bool) {
        if add {
            self.bytes = self.bytes.saturating_add(dep.bytes());
            self.links = self.links.saturating_add(dep.links_established);
            self.failures = self.failures.saturating_add(dep.links_failed);
            self.dependencies += 1;
        } else {
            self.bytes = self.bytes.saturating_sub(dep.bytes());
            self.links = self.links.saturating_sub(dep.links_established);
            self.failures = self.failures.saturating_sub(dep.links_failed);
            self.dependencies = self.dependencies.saturating_sub(1);
        }
    }

    pub fn plus(self, other: Traffic) -> Traffic {
        Traffic {
            bytes: self.bytes.saturating_add(other.bytes),
            links: self.links.saturating_add(other.links),
            failures: self.failures.saturating_add(other.failures),
            dependencies: self.dependencies + other.dependencies,
        }
    }
}

/// The figures of a whole partition.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PartitionTotals {
    /// Groups with at least one machine.
    pub groups: usize,
    /// Between machines of one group.
    pub internal: Traffic,
    /// Between machines of two groups.
    pub cut: Traffic,
    /// Between a grouped machine and an excluded one.
    pub to_excluded: Traffic,
    /// Between a grouped machine and an unmonitored address.
    pub external: Traffic,
    /// `cut.bytes / (internal.bytes + cut.bytes)`, 0 with no traffic.
    pub cut_bytes_share: f64,
    pub cut_links_share: f64,
}

impl PartitionTotals {
    fn with_shares(mut self) -> Self {
        let share = |cut: i64, internal: i64| {
            let all = cut.saturating_add(internal);
            if all > 0 { cut as f64 / all as f64 } else { 0.0 }
        };
        self.cut_bytes_share = share(self.cut.bytes, self.internal.bytes);
        self.cut_links_share = share(self.cut.links, self.internal.links);
        self
    }
}

/// A grouping people would make without the traffic, to compare the cut against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NaiveGrouping {
    ResourceGroup,
    /// The /24 network of the machine's first address.
    Subnet24,
}

impl NaiveGrouping {
    pub const ALL: [NaiveGrouping; 2] = [NaiveGrouping::ResourceGroup, NaiveGrouping::Subnet24];

    pub fn name(self) -> &'static str {
        match self {
            NaiveGrouping::ResourceGroup => "resource group",
            NaiveGrouping::Subnet24 => "/24 subnet",
        }
    }
}

/// Where [`Plan::move_machine`] puts a machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoveTarget {
    Group(usize),
    /// A new group of its own.
    NewGroup,
    /// Out of every group.
    Excluded,
}

/// One group as panels and the CLI show it.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupView {
    pub index: usize,
    pub name: String,
    pub locked: bool,
    /// Indices into [`DependencyData::machines`], in name order.
    pub machines: Vec<usize>,
    pub internal: Traffic,
    /// Every dependency with exactly one end in the group.
    pub cut: Traffic,
}

#[derive(Clone, Debug, Default)]
struct GroupState {
    name: String,
    locked: bool,
    members: BTreeSet<usize>,
    internal: Traffic,
    cut: Traffic,
}

/// The machines of a window split into move groups.
#[derive(Clone, Debug)]
pub struct Plan {
    data: Arc<DependencyData>,
    options: GroupingOptions,
    /// Group of each machine; `None` when excluded.
    assignment: Vec<Option<usize>>,
    groups: Vec<GroupState>,
    totals: PartitionTotals,
}

/// Where one end of a dependency sits in a partition.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Group(usize),
    Excluded,
    External,
}

impl Plan {
    /// Groups the machines of `data` as `options` ask.
    pub fn new(data: Arc<DependencyData>, options: GroupingOptions) -> Result<Plan, GroupError> {
        let mut plan = Plan {
            assignment: vec![None; data.machines.len()],
            data,
            options: GroupingOptions::default(),
            groups: Vec::new(),
            totals: PartitionTotals::default(),
        };
        plan.regroup(options)?;
        Ok(plan)
    }

    /// Computes the groups again with `options`, keeping locked groups as they are (their
    /// machines are neither regrouped nor excluded; constraints naming them are ignored).
    pub fn regroup(&mut self, options: GroupingOptions) -> Result<(), GroupError> {
        if options.max_size == Some(0) {
            return Err(GroupError::ZeroMaxSize);
        }
        let data = Arc::clone(&self.data);
        let locked: Vec<GroupState> = self.groups.iter().filter(|g| g.locked).cloned().collect();
        let held: BTreeSet<usize> = locked.iter().flat_map(|g| g.members.iter().copied()).collect();
        let mut excluded = BTreeSet::new();
        for name in &options.excluded {
            let machine = data.find_machine(name)?;
            if !held.contains(&machine) {
                excluded.insert(machine);
            }
        }
        let free: Vec<usize> =
            (0..data.machines.len()).filter(|m| !held.contains(m) && !excluded.contains(m)).collect();
        let found = detect(&data, &options, &free)?;
        let taken: BTreeSet<String> = locked.iter().map(|g| g.name.clone()).collect();
        let mut groups: Vec<GroupState> = locked;
        let mut number = 1;
        for members in found {
            while taken.contains(&format!("G{number}")) {
                number += 1;
            }
            groups.push(GroupState { name: format!("G{number}"), members, ..Default::default() });
            number += 1;
        }
        self.assignment = vec![None; data.machines.len()];
        for (g, group) in groups.iter().enumerate() {
            for &m in &group.members {
                self.assignment[m] = Some(g);
            }
        }
        self.groups = groups;
        self.options = options;
        self.recompute();
        Ok(())
    }

    pub fn data(&self) -> &DependencyData {
        &self.data
    }

    pub fn options(&self) -> &GroupingOptions {
        &self.options
    }

    /// Every group, empty ones included (a group emptied by edits keeps its index).
    pub fn groups(&self) -> Vec<GroupView> {
        (0..self.groups.len()).filter_map(|g| self.group(g)).collect()
    }

    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    pub fn group(&self, g: usize) -> Option<GroupView> {
        let state = self.groups.get(g)?;
        Some(GroupView {
            index: g,
            name: state.name.clone(),
            locked: state.locked,
            machines: state.members.iter().copied().collect(),
            internal: state.internal,
            cut: state.cut,
        })
    }

    /// The group named `name` (any case).
    pub fn find_group(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.name.eq_ignore_ascii_case(name.trim()))
    }

    /// The group of a machine; `None` when excluded.
    pub fn group_of(&self, machine: usize) -> Option<usize> {
        self.assignment.get(machine).copied().flatten()
    }

    /// Machines in no group.
    pub fn excluded(&self) -> Vec<usize> {
        (0..self.assignment.len()).filter(|&m| self.assignment[m].is_none()).collect()
    }

    pub fn totals(&self) -> PartitionTotals {
        self.totals
    }

    /// The dependencies that cross the boundary of group `g` (indices into
    /// [`DependencyData::dependencies`], in order).
    pub fn cut(&self, g: usize) -> Vec<usize> {
        let Some(state) = self.groups.get(g) else { return Vec::new() };
        self.crossing(&state.members)
    }

    /// Dependencies with exactly one end among `machines`.
    pub(crate) fn crossing(&self, machines: &BTreeSet<usize>) -> Vec<usize> {
        let inside = |end: Option<usize>| end.is_some_and(|m| machines.contains(&m));
        let mut out: Vec<usize> = machines
            .iter()
            .filter_map(|&m| self.data.machine_dependencies.get(m))
            .flatten()
            .copied()
            .filter(|&d| {
                self.data.dependencies.get(d).is_some_and(|dep| inside(dep.from.machine) != inside(dep.to.machine))
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Locks or unlocks a group: a locked group keeps its machines through edits and regrouping.
    pub fn set_locked(&mut self, g: usize, locked: bool) -> Result<(), GroupError> {
        let state = self.groups.get_mut(g).ok_or(GroupError::UnknownGroup { group: g })?;
        state.locked = locked;
        Ok(())
    }

    /// Moves a machine, updating the figures from its own dependencies only. Returns the group
    /// it is now in. Machines of locked groups do not move, nor into them.
    pub fn move_machine(&mut self, machine: usize, target: MoveTarget) -> Result<Option<usize>, GroupError> {
        let Some(&from) = self.assignment.get(machine) else {
            return Err(GroupError::MachineOutOfRange { machine });
        };
        if let Some(g) = from
            && let Some(state) = self.groups.get(g)
            && state.locked
        {
            return Err(GroupError::LockedGroup { group: state.name.clone() });
        }
        if let MoveTarget::Group(g) = target {
            let state = self.groups.get(g).ok_or(GroupError::UnknownGroup { group: g })?;
            if state.locked {
                return Err(GroupError::LockedGroup { group: state.name.clone() });
            }
        }
        let data = Arc::clone(&self.data);
        let incident = data.machine_dependencies.get(machine).map(Vec::as_slice).unwrap_or_default();
        for &d in incident {
            self.account(d, false);
        }
        if let Some(g) = from
            && let Some(state) = self.groups.get_mut(g)
        {
            state.members.remove(&machine);
        }
        let to = match target {
            MoveTarget::Group(g) => Some(g),
            MoveTarget::Excluded => None,
            MoveTarget::NewGroup => {
                let names: BTreeSet<&str> = self.groups.iter().map(|g| g.name.as_str()).collect();
                let number = (1..).find(|n| !names.contains(format!("G{n}").as_str())).unwrap_or(0);
                self.groups.push(GroupState { name: format!("G{number}"), ..Default::default() });
                Some(self.groups.len() - 1)
            }
        };
        if let Some(g) = to
            && let Some(state) = self.groups.get_mut(g)
        {
            state.members.insert(machine);
        }
        self.assignment[machine] = to;
        for &d in incident {
            self.account(d, true);
        }
        self.totals.groups = self.groups.iter().filter(|g| !g.members.is_empty()).count();
        self.totals = self.totals.with_shares();
        Ok(to)
    }

    /// The figures a traffic-blind grouping would give, with the same machines excluded.
    pub fn naive_totals(&self, grouping: NaiveGrouping) -> PartitionTotals {
        let mut keys: BTreeMap<String, usize> = BTreeMap::new();
        let assignment: Vec<Option<usize>> = self
            .data
            .machines
            .iter()
            .enumerate()
            .map(|(m, facts)| {
                self.assignment[m]?;
                let key = match grouping {
                    NaiveGrouping::ResourceGroup => facts.resource_group.to_ascii_lowercase(),
                    NaiveGrouping::Subnet24 => facts.subnet24().unwrap_or_default(),
                };
                let next = keys.len();
                Some(*keys.entry(key).or_insert(next))
            })
            .collect();
        let mut totals = totals_of(&self.data, &assignment, &mut []);
        totals.groups = keys.len();
        totals.with_shares()
    }

    /// Recomputes every figure from the assignment (edits update them incrementally).
    pub(crate) fn recompute(&mut self) {
        for state in &mut self.groups {
            state.internal = Traffic::default();
            state.cut = Traffic::default();
        }
        let mut totals = totals_of(&self.data, &self.assignment, &mut self.groups);
        totals.groups = self.groups.iter().filter(|g| !g.members.is_empty()).count();
        self.totals = totals.with_shares();
    }

    /// Adds or removes one dependency's share of the figures.
    fn account(&mut self, d: usize, add: bool) {
        let Some(dep) = self.data.dependencies.get(d) else { return };
        account(dep, &self.assignment, &mut self.groups, &mut self.totals, add);
    }
}

fn side(assignment: &[Option<usize>], machine: Option<usize>) -> Side {
    match machine {
        None => Side::External,
        Some(m) => match assignment.get(m).copied().flatten() {
            Some(g) => Side::Group(g),
            None => Side::Excluded,
        },
    }
}

fn account(
    dep: &Dependency,
    assignment: &[Option<usize>],
    groups: &mut [GroupState],
    totals: &mut PartitionTotals,
    add: bool,
) {
    let (a, b) = (side(assignment, dep.from.machine), side(assignment, dep.to.machine));
    let mut group = |g: usize, internal: bool| {
        if let Some(state) = groups.get_mut(g) {
            if internal { state.internal.apply(dep, add) } else { state.cut.apply(dep, add) }
        }
    };
    match (a, b) {
        (Side::Group(x), Side::Group(y)) if x == y => {
            group(x, true);
            totals.internal.apply(dep, add);
        }
        (Side::Group(x), Side::Group(y)) => {
            group(x, false);
            group(y, false);
            totals.cut.apply(dep, add);
        }
        (Side::Group(x), Side::Excluded) | (Side::Excluded, Side::Group(x)) => {
            group(x, false);
            totals.to_excluded.apply(dep, add);
        }
        (Side::Group(x), Side::External) | (Side::External, Side::Group(x)) => {
            group(x, false);
            totals.external.apply(dep, add);
        }
        _ => {}
    }
}

fn totals_of(data: &DependencyData, assignment: &[Option<usize>], groups: &mut [GroupState]) -> PartitionTotals {
    let mut totals = PartitionTotals::default();
    for dep in &data.dependencies {
        account(dep, assignment, groups, &mut totals, true);
    }
    totals
}

/// Union-find over machine positions, for the machines that must be together.
struct Unions(Vec<usize>);

impl Unions {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// Groups of the `free` machines (sorted), largest first, then by first machine.
fn detect(
    data: &DependencyData,
    options: &GroupingOptions,
    free: &[usize],
) -> Result<Vec<BTreeSet<usize>>, GroupError> {
    let position: BTreeMap<usize, usize> = free.iter().enumerate().map(|(i, &m)| (m, i)).collect();
    let mut unions = Unions((0..free.len()).collect());
    for set in &options.together {
        let mut members = Vec::new();
        for name in set {
            // A machine excluded or in a locked group is not free to join anyone.
            if let Some(&p) = position.get(&data.find_machine(name)?) {
                members.push(p);
            }
        }
        for pair in members.windows(2) {
            unions.union(pair[0], pair[1]);
        }
    }
    // Together sets become single nodes.
    let mut roots: BTreeMap<usize, usize> = BTreeMap::new();
    let node_of: Vec<usize> = (0..free.len())
        .map(|p| {
            let root = unions.find(p);
            let next = roots.len();
            *roots.entry(root).or_insert(next)
        })
        .collect();
    let mut graph = WeightedGraph::new(roots.len());
    graph.sizes = vec![0; roots.len()];
    for &node in &node_of {
        graph.sizes[node] += 1;
    }
    if let Some(max_size) = options.max_size
        && let Some(&largest) = graph.sizes.iter().max()
        && largest > max_size
    {
        return Err(GroupError::TogetherTooLarge { machines: largest, max_size });
    }
    let mut apart = vec![Vec::new(); roots.len()];
    for (a, b) in &options.apart {
        let (ma, mb) = (data.find_machine(a)?, data.find_machine(b)?);
        let (Some(&pa), Some(&pb)) = (position.get(&ma), position.get(&mb)) else { continue };
        let (na, nb) = (node_of[pa], node_of[pb]);
        if na == nb {
            return Err(GroupError::TogetherAndApart { a: a.clone(), b: b.clone() });
        }
        apart[na].push(nb);
        apart[nb].push(na);
    }
    for dep in &data.dependencies {
        let (Some(from), Some(to)) = (dep.from.machine, dep.to.machine) else { continue };
        let (Some(&pa), Some(&pb)) = (position.get(&from), position.get(&to)) else { continue };
        graph.add_edge(node_of[pa], node_of[pb], dep.weight(options.weight) as f64);
    }
    let constraints = Constraints { max_size: options.max_size, apart };
    let params = LeidenParams { seed: options.seed, resolution: options.resolution, ..LeidenParams::default() };
    let labels = leiden(&graph, &constraints, &params, None);
    let mut groups: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for (p, &machine) in free.iter().enumerate() {
        groups.entry(labels[node_of[p]]).or_default().insert(machine);
    }
    let mut groups: Vec<BTreeSet<usize>> = groups.into_values().collect();
    groups.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.first().cmp(&b.first())));
    Ok(groups)
}

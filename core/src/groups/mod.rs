//! Migration planning: which machines should move together, which dependencies cross the
//! boundary of each move group, in which order to move the groups, and the firewall rules each
//! move needs.
//!
//! ```text
//! DependencyData::collect(store, inventory, window)   machines + dependencies, once per window
//!   -> Plan::new(data, GroupingOptions)                 Leiden communities under constraints
//!   -> plan.group(g) / plan.cut(g) / plan.totals()      figures, kept up to date by edits
//!   -> plan.move_machine / set_locked / regroup         manual edits
//!   -> plan.move_order()                                greedy order of moves
//!   -> plan.firewall_rules(scope) -> rules_csv / nsg_security_rules
//!   -> plan.groups_csv()                                for a planning spreadsheet
//! ```
//! The communities come from [`leiden`] (Traag, Waltman, van Eck 2019), implemented here: no
//! maintained Rust crate offers Leiden with size and cannot-link constraints.

pub mod ari;
pub mod data;
mod export;
pub mod leiden;
pub mod order;
pub mod plan;
pub mod rules;

pub use data::{Dependency, DependencyData, Endpoint, MachineFacts, SharedService};
pub use order::MoveStep;
pub use plan::{GroupView, GroupingOptions, MoveTarget, NaiveGrouping, PartitionTotals, Plan, Traffic};
pub use rules::{FirewallRule, RuleDirection, RuleScope, nsg_security_rules, rules_csv};

/// What makes two machines belong together.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Weight {
    /// Bytes both ways.
    #[default]
    Bytes,
    /// Links established.
    Links,
    /// 1 per dependency with any traffic, whatever its volume.
    Any,
}

impl Weight {
    pub const ALL: [Weight; 3] = [Weight::Bytes, Weight::Links, Weight::Any];

    pub fn name(self) -> &'static str {
        match self {
            Weight::Bytes => "bytes",
            Weight::Links => "links",
            Weight::Any => "any",
        }
    }

    pub fn parse(text: &str) -> Option<Weight> {
        Weight::ALL.into_iter().find(|w| w.name().eq_ignore_ascii_case(text.trim()))
    }
}

/// Why a plan or an edit cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    #[error("no machine is named {name:?}")]
    UnknownMachine { name: String },
    #[error("{name:?} names several machines: {}", matches.join(", "))]
    AmbiguousMachine { name: String, matches: Vec<String> },
    #[error("{a} and {b} must be together and apart at once")]
    TogetherAndApart { a: String, b: String },
    #[error("{machines} machines must be together, more than the largest group allows ({max_size})")]
    TogetherTooLarge { machines: usize, max_size: usize },
    #[error("the largest group size must be at least 1")]
    ZeroMaxSize,
    #[error("no group {group}")]
    UnknownGroup { group: usize },
    #[error("group {group} is locked")]
    LockedGroup { group: String },
    #[error("machine index {machine} is out of range")]
    MachineOutOfRange { machine: usize },
    #[error("{rules} NSG rules are more than the 3,997 priorities from 100 to 4096")]
    TooManyRules { rules: usize },
}

#[cfg(test)]
mod tests;

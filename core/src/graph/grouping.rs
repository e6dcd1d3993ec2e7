//! Grouping machines (and external endpoints) into one map node each, so an estate of a
//! thousand machines opens as a few dozen readable nodes: the keys (resource group,
//! subscription, scale set, location, OS, subnet) come from each machine's latest
//! `VMComputer` record; machines without the key form the "(unknown)" group.

use super::Inventory;
use super::inventory::json_strings;
use crate::model::TableKind;
use crate::model::schema::computer;
use crate::store::{Store, Sym};
use rustc_hash::FxHashMap;
use std::hash::{Hash, Hasher};

/// The name of the group of machines that lack the grouping key.
pub const UNKNOWN_GROUP: &str = "(unknown)";
/// The name of the group of every external endpoint (and of those without a DNS name when
/// grouping by domain suffix).
pub const INTERNET_GROUP: &str = "Internet";

/// Machines above this many open grouped by [`default_grouping`].
pub const DEFAULT_GROUPING_THRESHOLD: usize = 150;

/// What machines are grouped by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupBy {
    #[default]
    None,
    ResourceGroup,
    Subscription,
    ScaleSet,
    Location,
    Os,
    /// The network of the machine's primary IPv4 address with this prefix length (CIDR).
    Subnet {
        prefix_len: u8,
    },
}

impl GroupBy {
    /// Every choice the side panel offers (the subnet with the usual /24).
    pub const ALL: [GroupBy; 7] = [
        GroupBy::None,
        GroupBy::ResourceGroup,
        GroupBy::Subscription,
        GroupBy::ScaleSet,
        GroupBy::Location,
        GroupBy::Os,
        GroupBy::Subnet { prefix_len: 24 },
    ];

    pub fn label(self) -> &'static str {
        match self {
            GroupBy::None => "None",
            GroupBy::ResourceGroup => "Resource group",
            GroupBy::Subscription => "Subscription",
            GroupBy::ScaleSet => "Scale set",
            GroupBy::Location => "Azure location",
            GroupBy::Os => "OS",
            GroupBy::Subnet { .. } => "Subnet",
        }
    }

    /// Same choice, ignoring the subnet's prefix length (for radio buttons).
    pub fn same_kind(self, other: GroupBy) -> bool {
        std::mem::discriminant(&self) == std::mem::discriminant(&other)
    }
}

/// How external endpoints and unmonitored client groups are gathered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExternalGrouping {
    /// Each endpoint is its own node.
    #[default]
    None,
    /// By the last two labels of the endpoint's DNS name (`login.microsoftonline.com` ->
    /// `microsoftonline.com`); endpoints without a name go to "Internet".
    DomainSuffix,
    /// All in one "Internet" node.
    Internet,
}

impl ExternalGrouping {
    pub const ALL: [ExternalGrouping; 3] =
        [ExternalGrouping::None, ExternalGrouping::DomainSuffix, ExternalGrouping::Internet];

    pub fn label(self) -> &'static str {
        match self {
            ExternalGrouping::None => "None",
            ExternalGrouping::DomainSuffix => "DNS domain",
            ExternalGrouping::Internet => "All as Internet",
        }
    }
}

/// The stable identity of a group (its `NodeKey::Group` id and layout key): a hash of what it
/// groups by and its name, so it survives reloads and window changes like node layout keys.
pub fn group_id(scope: &str, name: &str) -> u64 {
    let mut state = rustc_hash::FxHasher::default();
    "group".hash(&mut state);
    scope.hash(&mut state);
    name.hash(&mut state);
    state.finish()
}

/// The scope text of a machine grouping in [`group_id`]: kind and prefix length.
pub fn machine_scope(by: GroupBy) -> String {
    match by {
        GroupBy::Subnet { prefix_len } => format!("subnet/{prefix_len}"),
        other => other.label().to_string(),
    }
}

/// The scope text of external groups in [`group_id`].
pub const EXTERNAL_SCOPE: &str = "external";

/// The group a machine belongs to under `by`, or `None` when not grouping.
pub fn machine_group_name(store: &Store, inventory: &Inventory, machine: Sym, by: GroupBy) -> Option<String> {
    if by == GroupBy::None {
        return None;
    }
    let row = inventory.machine_rows.get(&machine).copied();
    let text = |column: usize| row.map(|r| store.text(TableKind::VMComputer, column, r).trim()).unwrap_or_default();
    let resource_id = || resource_id_parts(text(computer::RESOURCE_ID));
    let value: String = match by {
        GroupBy::None => String::new(),
        GroupBy::ResourceGroup => {
            let direct = text(computer::AZURE_RESOURCE_GROUP);
            if direct.is_empty() { resource_id().1.unwrap_or_default().to_string() } else { direct.to_string() }
        }
        GroupBy::Subscription => [text(computer::AZURE_SUBSCRIPTION_ID), text(computer::SUBSCRIPTION_ID)]
            .into_iter()
            .find(|s| !s.is_empty())
            .map(str::to_string)
            .or_else(|| resource_id().0.map(str::to_string))
            .unwrap_or_default(),
        GroupBy::ScaleSet => text(computer::AZURE_VM_SCALE_SET_NAME).to_string(),
        GroupBy::Location => text(computer::AZURE_LOCATION).to_ascii_lowercase(),
        GroupBy::Os => text(computer::OPERATING_SYSTEM_FAMILY).to_ascii_lowercase(),
        GroupBy::Subnet { prefix_len } => {
            let from_inventory =
                row.and_then(|r| primary_ipv4(store.text(TableKind::VMComputer, computer::IPV4_ADDRESSES, r)));
            let address = from_inventory
                .or_else(|| inventory.inferred_addresses(machine).first().and_then(|&ip| store.str(ip).parse().ok()));
            address.map(|ip| subnet_name(ip, prefix_len)).unwrap_or_default()
        }
    };
    Some(if value.is_empty() { UNKNOWN_GROUP.to_string() } else { value })
}

/// (subscription, resource group) of an Azure resource id
/// `/subscriptions/<sub>/resourceGroups/<rg>/providers/...` (any case).
pub fn resource_id_parts(resource_id: &str) -> (Option<&str>, Option<&str>) {
    let mut parts = resource_id.split('/').filter(|p| !p.is_empty());
    let (mut subscription, mut group) = (None, None);
    while let Some(part) = parts.next() {
        if part.eq_ignore_ascii_case("subscriptions") {
            subscription = parts.next();
        } else if part.eq_ignore_ascii_case("resourcegroups") {
            group = parts.next();
        }
    }
    (subscription, group)
}

/// The first IPv4 address of a JSON address list.
fn primary_ipv4(addresses: &str) -> Option<std::net::Ipv4Addr> {
    json_strings(addresses).iter().find_map(|a| a.trim().parse().ok())
}

/// `10.1.2.0/24` for 10.1.2.3 and 24; the prefix length is clamped to 0..=32.
pub fn subnet_name(ip: std::net::Ipv4Addr, prefix_len: u8) -> String {
    let len = u32::from(prefix_len.min(32));
    let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
    let network = std::net::Ipv4Addr::from(u32::from(ip) & mask);
    format!("{network}/{len}")
}

/// The last two labels of a DNS name, lower case (`a.b.example.com.` -> `example.com`).
pub fn domain_suffix(name: &str) -> Option<String> {
    let labels: Vec<&str> = name.trim().trim_end_matches('.').split('.').filter(|l| !l.is_empty()).collect();
    if labels.is_empty() || labels.iter().all(|l| l.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let start = labels.len().saturating_sub(2);
    Some(labels[start..].join(".").to_ascii_lowercase())
}

/// The group of an external endpoint or client group under `by`, from its DNS names.
pub fn external_group_name(dns_names: &[String], by: ExternalGrouping) -> Option<String> {
    match by {
        ExternalGrouping::None => None,
        ExternalGrouping::Internet => Some(INTERNET_GROUP.to_string()),
        ExternalGrouping::DomainSuffix => {
            Some(dns_names.iter().find_map(|n| domain_suffix(n)).unwrap_or_else(|| INTERNET_GROUP.to_string()))
        }
    }
}

/// Machines gathered under one key: group names in order and each machine's group.
#[derive(Clone, Debug, Default)]
pub struct MachineGroups {
    /// Group names, sorted ("(unknown)" sorts like any other name).
    pub names: Vec<String>,
    /// Machine -> index into `names`.
    pub of_machine: FxHashMap<Sym, usize>,
}

impl MachineGroups {
    /// The groups of `machines` under `by` (empty when `by` is `None`).
    pub fn new(store: &Store, inventory: &Inventory, machines: &[Sym], by: GroupBy) -> Self {
        let mut named: Vec<(Sym, String)> = machines
            .iter()
            .filter_map(|&m| machine_group_name(store, inventory, m, by).map(|name| (m, name)))
            .collect();
        let mut names: Vec<String> = named.iter().map(|(_, n)| n.clone()).collect();
        names.sort_unstable();
        names.dedup();
        let of_machine =
            named.drain(..).filter_map(|(m, name)| names.binary_search(&name).ok().map(|i| (m, i))).collect();
        MachineGroups { names, of_machine }
    }

    /// Machines per group, sorted by symbol.
    pub fn members(&self) -> Vec<Vec<Sym>> {
        let mut members = vec![Vec::new(); self.names.len()];
        for (&machine, &group) in &self.of_machine {
            if let Some(list) = members.get_mut(group) {
                list.push(machine);
            }
        }
        for list in &mut members {
            list.sort_unstable();
        }
        members
    }
}

/// The grouping a big estate opens with: above [`DEFAULT_GROUPING_THRESHOLD`] machines, the
/// first of scale set, resource group and /24 subnet that splits the machines into more than
/// one group; otherwise (and when none does) no grouping. A key that most machines lack does
/// not count (one "(unknown)" group of nearly everything is no more readable than no groups).
pub fn default_grouping(store: &Store, inventory: &Inventory) -> GroupBy {
    let machines = inventory.machines.len();
    if machines <= DEFAULT_GROUPING_THRESHOLD {
        return GroupBy::None;
    }
    for by in [GroupBy::ScaleSet, GroupBy::ResourceGroup, GroupBy::Subnet { prefix_len: 24 }] {
        let grouped = MachineGroups::new(store, inventory, &inventory.machines, by);
        let unknown = grouped.names.binary_search_by(|n| n.as_str().cmp(UNKNOWN_GROUP)).ok();
        let unknown_count = unknown.map_or(0, |u| grouped.of_machine.values().filter(|&&g| g == u).count());
        if grouped.names.len() > 1 && unknown_count.saturating_mul(2) <= machines {
            return by;
        }
    }
    GroupBy::None
}

/// How a big estate's external endpoints and client groups open: above
/// [`DEFAULT_GROUPING_THRESHOLD`] machines by DNS domain (hundreds of endpoints around a few
/// dozen groups hide the groups), otherwise one node each.
pub fn default_external_grouping(inventory: &Inventory) -> ExternalGrouping {
    if inventory.machines.len() > DEFAULT_GROUPING_THRESHOLD {
        ExternalGrouping::DomainSuffix
    } else {
        ExternalGrouping::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnets_domains_and_resource_ids() {
        let ip: std::net::Ipv4Addr = "10.1.2.3".parse().unwrap();
        assert_eq!(subnet_name(ip, 24), "10.1.2.0/24");
        assert_eq!(subnet_name(ip, 16), "10.1.0.0/16");
        assert_eq!(subnet_name(ip, 0), "0.0.0.0/0");
        assert_eq!(subnet_name(ip, 200), "10.1.2.3/32", "clamped to 32");
        assert_eq!(domain_suffix("login.microsoftonline.com."), Some("microsoftonline.com".into()));
        assert_eq!(domain_suffix("localhost"), Some("localhost".into()));
        assert_eq!(domain_suffix("1.2.3.4"), None, "an address is not a name");
        assert_eq!(domain_suffix(""), None);
        let id = "/subscriptions/abc/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/web01";
        assert_eq!(resource_id_parts(id), (Some("abc"), Some("rg-prod")));
        assert_eq!(resource_id_parts("nonsense"), (None, None));
        assert_eq!(external_group_name(&[], ExternalGrouping::DomainSuffix).as_deref(), Some(INTERNET_GROUP));
        assert_eq!(external_group_name(&["a.b.c".into()], ExternalGrouping::None), None);
    }

    #[test]
    fn group_ids_differ_by_scope_and_name() {
        assert_ne!(group_id("Resource group", "a"), group_id("Resource group", "b"));
        assert_ne!(group_id("Resource group", "a"), group_id("Scale set", "a"));
        assert_eq!(group_id("Scale set", "a"), group_id("Scale set", "a"));
        assert_ne!(
            machine_scope(GroupBy::Subnet { prefix_len: 24 }),
            machine_scope(GroupBy::Subnet { prefix_len: 16 })
        );
    }
}

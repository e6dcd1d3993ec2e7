//! Firewall rules for a move: one rule per dependency crossing the boundary of the moved
//! machines (a group, or every group moved so far), seen from the moved side: `Outbound` when a
//! moved machine is the client, `Inbound` when it is the server. Exported as CSV (one row per
//! rule, with bytes and last seen as evidence) and as an Azure NSG `securityRules` fragment in
//! which rules are merged where nothing widens: ports of one (direction, protocol, sources,
//! destinations) become ranges, then sources of one (direction, protocol, destinations, ports)
//! are joined, and addresses collapse into CIDR blocks only when every address of the block is
//! present.

use super::GroupError;
use super::data::Endpoint;
use super::plan::Plan;
use crate::model::Timestamp;
use std::collections::{BTreeMap, BTreeSet};

/// The machines a set of rules is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleScope {
    /// These groups, moved together (one group, or those moved so far).
    Groups(BTreeSet<usize>),
}

impl RuleScope {
    pub fn group(g: usize) -> RuleScope {
        RuleScope::Groups(BTreeSet::from([g]))
    }

    /// The groups of the first `steps` steps of the plan's move order.
    pub fn moved_so_far(plan: &Plan, steps: usize) -> RuleScope {
        RuleScope::Groups(plan.move_order().iter().take(steps).map(|s| s.group).collect())
    }
}

/// Seen from the moved machines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleDirection {
    Inbound,
    Outbound,
}

impl RuleDirection {
    pub fn name(self) -> &'static str {
        match self {
            RuleDirection::Inbound => "Inbound",
            RuleDirection::Outbound => "Outbound",
        }
    }
}

/// One end of a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleEnd {
    pub name: String,
    pub process: Option<String>,
    pub ips: Vec<String>,
}

impl From<&Endpoint> for RuleEnd {
    fn from(end: &Endpoint) -> Self {
        RuleEnd { name: end.name.clone(), process: end.process.clone(), ips: end.ips.clone() }
    }
}

/// A rule a crossing dependency needs.
#[derive(Clone, Debug, PartialEq)]
pub struct FirewallRule {
    pub direction: RuleDirection,
    pub source: RuleEnd,
    pub destination: RuleEnd,
    pub port: i64,
    /// NSG spelling: `Tcp`, `Udp`, or `*` for anything else.
    pub protocol: String,
    pub bytes: i64,
    pub links: i64,
    pub failures: i64,
    pub first_seen: Option<Timestamp>,
    pub last_seen: Option<Timestamp>,
    /// Index into [`super::DependencyData::dependencies`].
    pub dependency: usize,
}

impl Plan {
    /// The rules the moved machines of `scope` need: one per crossing dependency, in
    /// dependency order.
    pub fn firewall_rules(&self, scope: &RuleScope) -> Vec<FirewallRule> {
        let RuleScope::Groups(groups) = scope;
        let machines: BTreeSet<usize> = groups.iter().filter_map(|&g| self.group(g)).flat_map(|g| g.machines).collect();
        let moved = |end: Option<usize>| end.is_some_and(|m| machines.contains(&m));
        self.crossing(&machines)
            .into_iter()
            .filter_map(|d| {
                let dep = self.data().dependencies.get(d)?;
                let direction = if moved(dep.from.machine) { RuleDirection::Outbound } else { RuleDirection::Inbound };
                Some(FirewallRule {
                    direction,
                    source: RuleEnd::from(&dep.from),
                    destination: RuleEnd::from(&dep.to),
                    port: dep.port,
                    protocol: nsg_protocol(&dep.protocol).to_string(),
                    bytes: dep.bytes(),
                    links: dep.links_established,
                    failures: dep.links_failed,
                    first_seen: dep.first_seen,
                    last_seen: dep.last_seen,
                    dependency: d,
                })
            })
            .collect()
    }
}

fn nsg_protocol(protocol: &str) -> &'static str {
    match protocol.to_ascii_lowercase().as_str() {
        "tcp" => "Tcp",
        "udp" => "Udp",
        _ => "*",
    }
}

/// The rules as CSV, one row per rule (addresses of one end joined by spaces).
pub fn rules_csv(rules: &[FirewallRule]) -> String {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    let header = [
        "direction",
        "source_ip",
        "source_name",
        "source_process",
        "destination_ip",
        "destination_name",
        "destination_process",
        "port",
        "protocol",
        "bytes",
        "links",
        "failures",
        "first_seen",
        "last_seen",
    ];
    let mut out = Vec::new();
    let time = |t: Option<Timestamp>| t.map(|t| t.to_string()).unwrap_or_default();
    let _ = writer.write_record(header);
    for rule in rules {
        let record = [
            rule.direction.name().to_string(),
            rule.source.ips.join(" "),
            rule.source.name.clone(),
            rule.source.process.clone().unwrap_or_default(),
            rule.destination.ips.join(" "),
            rule.destination.name.clone(),
            rule.destination.process.clone().unwrap_or_default(),
            rule.port.to_string(),
            rule.protocol.clone(),
            rule.bytes.to_string(),
            rule.links.to_string(),
            rule.failures.to_string(),
            time(rule.first_seen),
            time(rule.last_seen),
        ];
        let _ = writer.write_record(&record);
    }
    if let Ok(bytes) = writer.into_inner() {
        out = bytes;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A merged NSG rule before it is written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Merged {
    direction: RuleDirection,
    protocol: String,
    destinations: Vec<String>,
    ports: Vec<String>,
    sources: Vec<String>,
    names: BTreeSet<String>,
    last_seen: Option<Timestamp>,
    bytes: i64,
}

/// The rules as an Azure NSG fragment, `{"securityRules": [...]}`: access Allow, priorities
/// from 100 in steps of 10 (of 1 when they would not fit) per direction, names
/// `<prefix>-in-001`/`<prefix>-out-001`. Rules with no known address at one end are left out
/// (an empty prefix would mean "any"). Errs when the rules do not fit in NSG priorities.
pub fn nsg_security_rules(rules: &[FirewallRule], name_prefix: &str) -> Result<serde_json::Value, GroupError> {
    // 1. Ports of one (direction, protocol, sources, destinations).
    type PortKey = (RuleDirection, String, Vec<String>, Vec<String>);
    // Ports, who talks to whom, last seen, bytes.
    type Evidence = (BTreeSet<i64>, BTreeSet<String>, Option<Timestamp>, i64);
    let mut by_ends: BTreeMap<PortKey, Evidence> = BTreeMap::new();
    for rule in rules {
        let (sources, destinations) = (collapse(&rule.source.ips), collapse(&rule.destination.ips));
        if sources.is_empty() || destinations.is_empty() {
            continue;
        }
        let entry = by_ends.entry((rule.direction, rule.protocol.clone(), sources, destinations)).or_default();
        entry.0.insert(rule.port);
        entry.1.insert(format!("{} -> {}", rule.source.name, rule.destination.name));
        entry.2 = entry.2.max(rule.last_seen);
        entry.3 = entry.3.saturating_add(rule.bytes);
    }
    // 2. Sources of one (direction, protocol, destinations, ports).
    type SourceKey = (RuleDirection, String, Vec<String>, Vec<String>);
    let mut by_target: BTreeMap<SourceKey, Merged> = BTreeMap::new();
    for ((direction, protocol, sources, destinations), (ports, names, last_seen, bytes)) in by_ends {
        let ports = port_ranges(&ports);
        let entry =
            by_target.entry((direction, protocol.clone(), destinations.clone(), ports.clone())).or_insert(Merged {
                direction,
                protocol,
                destinations,
                ports,
                sources: Vec::new(),
                names: BTreeSet::new(),
                last_seen: None,
                bytes: 0,
            });
        entry.sources.extend(sources);
        entry.names.extend(names);
        entry.last_seen = entry.last_seen.max(last_seen);
        entry.bytes = entry.bytes.saturating_add(bytes);
    }
    let merged: Vec<Merged> = by_target
        .into_values()
        .map(|mut m| {
            m.sources = collapse(&m.sources);
            m
        })
        .collect();
    let mut out = Vec::with_capacity(merged.len());
    for direction in [RuleDirection::Inbound, RuleDirection::Outbound] {
        let of_direction: Vec<&Merged> = merged.iter().filter(|m| m.direction == direction).collect();
        let count = of_direction.len();
        if count > 3997 {
            return Err(GroupError::TooManyRules { rules: count });
        }
        let step = if count * 10 <= 3997 { 10 } else { 1 };
        for (i, m) in of_direction.into_iter().enumerate() {
            let short = if direction == RuleDirection::Inbound { "in" } else { "out" };
            let mut properties = serde_json::Map::new();
            let mut set = |key: &str, value: serde_json::Value| {
                properties.insert(key.to_string(), value);
            };
            set("priority", serde_json::json!(100 + i * step));
            set("direction", serde_json::json!(direction.name()));
            set("access", serde_json::json!("Allow"));
            set("protocol", serde_json::json!(m.protocol));
            set("sourcePortRange", serde_json::json!("*"));
            one_or_many(&mut set, ("sourceAddressPrefix", "sourceAddressPrefixes"), &m.sources);
            one_or_many(&mut set, ("destinationAddressPrefix", "destinationAddressPrefixes"), &m.destinations);
            one_or_many(&mut set, ("destinationPortRange", "destinationPortRanges"), &m.ports);
            set("description", serde_json::json!(description(m)));
            out.push(serde_json::json!({
                "name": format!("{name_prefix}-{short}-{:03}", i + 1),
                "properties": serde_json::Value::Object(properties),
            }));
        }
    }
    Ok(serde_json::json!({ "securityRules": out }))
}

/// The singular key with one value, the plural one with several, as the NSG schema wants.
fn one_or_many(set: &mut impl FnMut(&str, serde_json::Value), (one_key, many_key): (&str, &str), values: &[String]) {
    match values {
        [one] => set(one_key, serde_json::json!(one)),
        many => set(many_key, serde_json::json!(many)),
    }
}

/// At most 140 characters, as NSG descriptions allow: who talks to whom, bytes, last seen.
fn description(m: &Merged) -> String {
    let names: Vec<&str> = m.names.iter().map(String::as_str).collect();
    let last = m.last_seen.map(|t| t.to_string()).unwrap_or_else(|| "never".into());
    let evidence = format!("; {} bytes, last {last}", m.bytes);
    let mut who = names.join(", ");
    let room = 140usize.saturating_sub(evidence.chars().count());
    if who.chars().count() > room {
        who = who.chars().take(room.saturating_sub(1)).collect::<String>() + "…";
    }
    who + &evidence
}

/// Sorted ports as NSG ranges: consecutive ports join (`8080-8082`).
pub fn port_ranges(ports: &BTreeSet<i64>) -> Vec<String> {
    let mut out = Vec::new();
    let mut run: Option<(i64, i64)> = None;
    for &p in ports {
        run = match run {
            Some((start, end)) if end.checked_add(1) == Some(p) => Some((start, p)),
            Some((start, end)) => {
                out.push(range_text(start, end));
                Some((p, p))
            }
            None => Some((p, p)),
        };
    }
    if let Some((start, end)) = run {
        out.push(range_text(start, end));
    }
    out
}

fn range_text(start: i64, end: i64) -> String {
    if start == end { start.to_string() } else { format!("{start}-{end}") }
}

/// Addresses as the fewest prefixes that cover exactly them: IPv4 addresses collapse into a
/// CIDR block only when the block is complete (`10.0.0.0/31` for .0 and .1); a lone address
/// stays as it is; anything else is kept verbatim. Sorted, no duplicates.
pub fn collapse(addresses: &[String]) -> Vec<String> {
    let mut blocks: BTreeSet<(u32, u32)> = BTreeSet::new();
    let mut other: BTreeSet<String> = BTreeSet::new();
    for text in addresses {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        match parse_prefix(text) {
            Some(block) => {
                blocks.insert(block);
            }
            None => {
                other.insert(text.to_string());
            }
        }
    }
    // Drop blocks inside larger ones, then join complete sibling pairs, longest prefixes first.
    let all: Vec<(u32, u32)> = blocks.into_iter().collect();
    let blocks: Vec<(u32, u32)> =
        all.iter().copied().filter(|&(addr, len)| !all.iter().any(|&(a, l)| l < len && mask(addr, l) == a)).collect();
    let mut set: BTreeSet<(u32, u32)> = blocks.into_iter().collect();
    for len in (1..=32).rev() {
        let of_len: Vec<u32> = set.iter().filter(|b| b.1 == len).map(|b| b.0).collect();
        let bit = 1u32 << (32 - len);
        for addr in of_len {
            if addr & bit == 0 && set.contains(&(addr | bit, len)) && set.contains(&(addr, len)) {
                set.remove(&(addr, len));
                set.remove(&(addr | bit, len));
                set.insert((addr, len - 1));
            }
        }
    }
    let mut out: Vec<String> = set
        .into_iter()
        .map(|(addr, len)| {
            let ip = std::net::Ipv4Addr::from(addr);
            if len == 32 { ip.to_string() } else { format!("{ip}/{len}") }
        })
        .collect();
    out.extend(other);
    out
}

fn mask(addr: u32, len: u32) -> u32 {
    if len == 0 { 0 } else { addr & (u32::MAX << (32 - len)) }
}

/// `a.b.c.d` or `a.b.c.d/len` as (network, len).
fn parse_prefix(text: &str) -> Option<(u32, u32)> {
    let (ip, len) = match text.split_once('/') {
        Some((ip, len)) => (ip, len.parse::<u32>().ok().filter(|&l| l <= 32)?),
        None => (text, 32),
    };
    let ip: std::net::Ipv4Addr = ip.parse().ok()?;
    Some((mask(u32::from(ip), len), len))
}

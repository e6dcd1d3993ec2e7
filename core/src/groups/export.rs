//! The groups as CSV for a planning spreadsheet: one row per machine with its group and the
//! inventory facts a migration wave needs.

use super::plan::Plan;

impl Plan {
    /// `group,machine,fqdn,ips,resource_group,os,size`: grouped machines by group then name,
    /// then excluded machines under the group `(excluded)`. Addresses are joined by spaces.
    pub fn groups_csv(&self) -> String {
        let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
        let _ = writer.write_record(["group", "machine", "fqdn", "ips", "resource_group", "os", "size"]);
        let mut rows: Vec<(String, usize)> = Vec::new();
        for group in self.groups() {
            rows.extend(group.machines.iter().map(|&m| (group.name.clone(), m)));
        }
        rows.extend(self.excluded().into_iter().map(|m| ("(excluded)".to_string(), m)));
        for (group, m) in rows {
            let Some(facts) = self.data().machines.get(m) else { continue };
            let _ = writer.write_record([
                group.as_str(),
                facts.name.as_str(),
                facts.fqdn.as_str(),
                facts.ips.join(" ").as_str(),
                facts.resource_group.as_str(),
                facts.os.as_str(),
                facts.size.as_str(),
            ]);
        }
        writer.into_inner().map(|bytes| String::from_utf8_lossy(&bytes).into_owned()).unwrap_or_default()
    }
}

//! Hand-built estates for the comparison and triage tests: three monitored machines, their
//! processes, listening ports and connection rows written as portal CSV text and loaded with
//! `ingest::load_bytes`, so the tests go through the same path as a user's files.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests may panic")]

mod diff;
mod triage;

use crate::graph::{Inventory, MapRequest, NodeKey};
use crate::ingest;
use crate::model::Timestamp;
use crate::model::time::TICKS_PER_MINUTE;
use crate::store::Store;

/// web01 (10.0.0.10) runs nginx; app01 (10.0.0.20) runs the Orders API (java) and cron;
/// db01 (10.0.0.30 and 10.0.1.30) runs SQL Server and postgres. Inventory every hour.
const COMPUTERS: &str = "\
\"TimeGenerated [UTC]\",Computer,Machine,HostName,Ipv4Addresses,BootTime
\"2026-10-05T07:00:00Z\",web01.contoso.com,m-web,web01,\"[\"\"10.0.0.10\"\"]\",2026-10-01T00:00:00Z
\"2026-10-05T07:00:00Z\",app01.contoso.com,m-app,app01,\"[\"\"10.0.0.20\"\"]\",2026-10-01T00:00:00Z
\"2026-10-05T07:00:00Z\",db01.contoso.com,m-db,db01,\"[\"\"10.0.0.30\"\",\"\"10.0.1.30\"\"]\",2026-10-01T00:00:00Z
\"2026-10-05T08:00:00Z\",web01.contoso.com,m-web,web01,\"[\"\"10.0.0.10\"\"]\",2026-10-01T00:00:00Z
\"2026-10-05T08:00:00Z\",app01.contoso.com,m-app,app01,\"[\"\"10.0.0.20\"\"]\",2026-10-01T00:00:00Z
\"2026-10-05T08:00:00Z\",db01.contoso.com,m-db,db01,\"[\"\"10.0.0.30\"\",\"\"10.0.1.30\"\"]\",2026-10-01T00:00:00Z
";

const PROCESSES: &str = "\
\"TimeGenerated [UTC]\",Machine,Process,ExecutableName,DisplayName
\"2026-10-05T07:00:00Z\",m-web,p-nginx,nginx,nginx
\"2026-10-05T07:00:00Z\",m-app,p-java,java,Orders API
\"2026-10-05T07:00:00Z\",m-app,p-cron,cron,cron
\"2026-10-05T07:00:00Z\",m-db,p-sql,sqlservr,SQL Server
\"2026-10-05T07:00:00Z\",m-db,p-pg,postgres,postgres
";

const PORT_HEADER: &str = "\"TimeGenerated [UTC]\",Machine,Process,ProcessName,Ip,Port,Protocol,IsWildcardBind\n";

const CONNECTION_HEADER: &str = "\"TimeGenerated [UTC]\",Machine,Process,ProcessName,Direction,SourceIp,DestinationIp,DestinationPort,RemoteIp,BytesSent,BytesReceived,LinksEstablished,LinksTerminated,LinksFailed,LinksLive,Responses,ResponseTimeSum,ResponseTimeMin,ResponseTimeMax,RemoteDnsQuestions,MaliciousIp,IndicatorThreatType,Description,TLPLevel,Confidence,Severity\n";

/// 2026-10-05T08:00:00Z: minute 0 of every test.
pub fn at(minute: i64) -> Timestamp {
    Timestamp(Timestamp::parse("2026-10-05T08:00:00Z").unwrap().0 + minute * TICKS_PER_MINUTE)
}

/// `[from, to)` in minutes after 08:00.
pub fn window(from: i64, to: i64) -> MapRequest {
    MapRequest { from: Some(at(from)), to: Some(at(to)), ..Default::default() }
}

/// A `VMBoundPort` line: (minute, machine, process, ip, port, IsWildcardBind).
pub fn port(minute: i64, machine: &str, process: &str, ip: &str, port: i64, wildcard: bool) -> String {
    format!("\"{}\",{machine},{process},{process},{ip},{port},tcp,{wildcard}\n", at(minute))
}

/// A `VMConnection` row, built with defaults and adjusted by its methods.
#[derive(Clone, Debug)]
pub struct Conn {
    minute: i64,
    machine: &'static str,
    process: &'static str,
    outbound: bool,
    local_ip: &'static str,
    remote_ip: &'static str,
    port: i64,
    sent: i64,
    received: i64,
    established: i64,
    failed: i64,
    responses: i64,
    response_sum: i64,
    dns: &'static str,
    malicious: &'static str,
}

/// An outbound row of (machine, process) at `local_ip` to `remote_ip:port`: 100 bytes sent,
/// 1000 received, one link, one 10 ms response.
pub fn out(
    minute: i64,
    (machine, process): (&'static str, &'static str),
    local_ip: &'static str,
    remote_ip: &'static str,
    port: i64,
) -> Conn {
    Conn {
        minute,
        machine,
        process,
        outbound: true,
        local_ip,
        remote_ip,
        port,
        sent: 100,
        received: 1000,
        established: 1,
        failed: 0,
        responses: 1,
        response_sum: 10,
        dns: "",
        malicious: "",
    }
}

/// An inbound row written by the server (machine, process) at `local_ip` from `remote_ip`.
pub fn inbound(
    minute: i64,
    server: (&'static str, &'static str),
    local_ip: &'static str,
    remote_ip: &'static str,
    port: i64,
) -> Conn {
    Conn { outbound: false, sent: 1000, received: 100, ..out(minute, server, local_ip, remote_ip, port) }
}

impl Conn {
    /// `n` failed links and nothing else (a refused or dropped attempt).
    pub fn refused(self, n: i64) -> Conn {
        Conn { failed: n, sent: 0, received: 0, established: 0, responses: 0, response_sum: 0, ..self }
    }

    /// `n` failed links beside the row's traffic.
    pub fn failing(self, n: i64) -> Conn {
        Conn { failed: n, ..self }
    }

    pub fn bytes(self, sent: i64, received: i64) -> Conn {
        Conn { sent, received, ..self }
    }

    pub fn links(self, established: i64) -> Conn {
        Conn { established, ..self }
    }

    /// `responses` responses taking `sum_ms` in all.
    pub fn responses(self, responses: i64, sum_ms: i64) -> Conn {
        Conn { responses, response_sum: sum_ms, ..self }
    }

    pub fn dns(self, questions: &'static str) -> Conn {
        Conn { dns: questions, ..self }
    }

    pub fn malicious(self) -> Conn {
        Conn { malicious: self.remote_ip, ..self }
    }

    fn csv(&self) -> String {
        let (source, destination) =
            if self.outbound { (self.local_ip, self.remote_ip) } else { (self.remote_ip, self.local_ip) };
        let (rt_min, rt_max) = if self.responses > 0 {
            let avg = self.response_sum / self.responses;
            (avg.to_string(), avg.to_string())
        } else {
            (String::new(), String::new())
        };
        let dns = if self.dns.is_empty() { String::new() } else { format!("\"[\"\"{}\"\"]\"", self.dns) };
        let threat = if self.malicious.is_empty() {
            ",,,,,".to_string()
        } else {
            format!("{},Botnet,Mirai C2,Amber,85,3", self.malicious)
        };
        format!(
            "\"{}\",{},{},{},{},{source},{destination},{},{},{},{},{},{},{},0,{},{},{rt_min},{rt_max},{dns},{threat}\n",
            at(self.minute),
            self.machine,
            self.process,
            self.process,
            if self.outbound { "outbound" } else { "inbound" },
            self.port,
            self.remote_ip,
            self.sent,
            self.received,
            self.established,
            self.established,
            self.failed,
            self.responses,
            self.response_sum,
        )
    }
}

pub const NGINX: (&str, &str) = ("m-web", "p-nginx");
pub const JAVA: (&str, &str) = ("m-app", "p-java");
pub const CRON: (&str, &str) = ("m-app", "p-cron");
pub const SQL: (&str, &str) = ("m-db", "p-sql");

/// The store of the three machines with these extra inventory lines, ports and rows.
pub fn estate(extra_computers: &str, ports: &[String], rows: &[Conn]) -> Store {
    let mut store = Store::default();
    let connections: String = rows.iter().map(Conn::csv).collect();
    let files = [
        ("VMComputer.csv", format!("{COMPUTERS}{extra_computers}")),
        ("VMProcess.csv", PROCESSES.to_string()),
        ("VMBoundPort.csv", format!("{PORT_HEADER}{}", ports.concat())),
        ("VMConnection.csv", format!("{CONNECTION_HEADER}{connections}")),
    ];
    for (name, text) in files {
        if text.lines().count() < 2 {
            // No records: an estate without listening ports has no port file.
            continue;
        }
        let loaded = ingest::load_bytes(name, text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert!(loaded.warnings.is_empty(), "{name}: {:?}", loaded.warnings);
        store.merge(loaded.batch);
    }
    store
}

pub fn inventory(store: &Store) -> Inventory {
    Inventory::new(store)
}

pub fn process(store: &Store, (machine, process): (&str, &str)) -> NodeKey {
    NodeKey::Process {
        machine: store.interner.lookup(machine).unwrap(),
        process: store.interner.lookup(process).unwrap(),
    }
}

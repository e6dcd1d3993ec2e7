//! The columns of the four VM Insights map tables (`../shared/reference/schemas.md`), in one
//! place: ingest maps headers onto them, the store keeps one column each, and the graph,
//! trends and reports read them through the index constants generated here.

/// How a column's values are typed in Log Analytics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColType {
    Str,
    /// Kusto `int`, `long`.
    Int,
    /// Kusto `real`.
    Real,
    Bool,
    /// Kusto `datetime`, kept as a UTC [`super::Timestamp`].
    Time,
    /// Kusto `dynamic` (or a string holding JSON, like `RemoteDnsQuestions`): JSON text.
    Dynamic,
}

#[derive(Clone, Copy, Debug)]
pub struct ColumnDef {
    pub name: &'static str,
    pub ty: ColType,
}

/// Declares a table's columns once: the index constants and the `COLUMNS` list share an order.
macro_rules! table_schema {
    ($module:ident { $($konst:ident : $name:literal => $ty:ident),* $(,)? }) => {
        pub mod $module {
            use super::{ColType, ColumnDef};
            table_schema!(@consts 0usize; $($konst),*);
            pub const COLUMNS: &[ColumnDef] = &[$(ColumnDef { name: $name, ty: ColType::$ty }),*];
        }
    };
    (@consts $index:expr; $konst:ident $(, $rest:ident)*) => {
        pub const $konst: usize = $index;
        table_schema!(@consts $index + 1usize; $($rest),*);
    };
    (@consts $index:expr;) => {};
}

table_schema!(computer {
    TIME_GENERATED: "TimeGenerated" => Time,
    COMPUTER: "Computer" => Str,
    MACHINE: "Machine" => Str,
    AGENT_ID: "AgentId" => Str,
    RESOURCE_ID: "_ResourceId" => Str,
    SUBSCRIPTION_ID: "_SubscriptionId" => Str,
    TENANT_ID: "TenantId" => Str,
    SOURCE_SYSTEM: "SourceSystem" => Str,
    BILLED_SIZE: "_BilledSize" => Real,
    IS_BILLABLE: "_IsBillable" => Str,
    AZURE_CLOUD_SERVICE_DEPLOYMENT: "AzureCloudServiceDeployment" => Str,
    AZURE_CLOUD_SERVICE_INSTANCE_ID: "AzureCloudServiceInstanceId" => Str,
    AZURE_CLOUD_SERVICE_NAME: "AzureCloudServiceName" => Str,
    AZURE_CLOUD_SERVICE_ROLE_NAME: "AzureCloudServiceRoleName" => Str,
    AZURE_CLOUD_SERVICE_ROLE_TYPE: "AzureCloudServiceRoleType" => Str,
    AZURE_FAULT_DOMAIN: "AzureFaultDomain" => Str,
    AZURE_IMAGE_OFFERING: "AzureImageOffering" => Str,
    AZURE_IMAGE_PUBLISHER: "AzureImagePublisher" => Str,
    AZURE_IMAGE_SKU: "AzureImageSku" => Str,
    AZURE_IMAGE_VERSION: "AzureImageVersion" => Str,
    AZURE_LOCATION: "AzureLocation" => Str,
    AZURE_RESOURCE_GROUP: "AzureResourceGroup" => Str,
    AZURE_RESOURCE_NAME: "AzureResourceName" => Str,
    AZURE_SERVICE_FABRIC_CLUSTER_ID: "AzureServiceFabricClusterId" => Str,
    AZURE_SERVICE_FABRIC_CLUSTER_NAME: "AzureServiceFabricClusterName" => Str,
    AZURE_SIZE: "AzureSize" => Str,
    AZURE_SUBSCRIPTION_ID: "AzureSubscriptionId" => Str,
    AZURE_UPDATE_DOMAIN: "AzureUpdateDomain" => Str,
    AZURE_VM_ID: "AzureVmId" => Str,
    AZURE_VM_SCALE_SET_DEPLOYMENT: "AzureVmScaleSetDeployment" => Str,
    AZURE_VM_SCALE_SET_INSTANCE_ID: "AzureVmScaleSetInstanceId" => Str,
    AZURE_VM_SCALE_SET_NAME: "AzureVmScaleSetName" => Str,
    AZURE_VM_SCALE_SET_RESOURCE_ID: "AzureVmScaleSetResourceId" => Str,
    BOOT_TIME: "BootTime" => Time,
    CPUS: "Cpus" => Int,
    CPU_SPEED: "CpuSpeed" => Int,
    DEPENDENCY_AGENT_VERSION: "DependencyAgentVersion" => Str,
    DISPLAY_NAME: "DisplayName" => Str,
    DNS_NAMES: "DnsNames" => Dynamic,
    FULL_DISPLAY_NAME: "FullDisplayName" => Str,
    HOSTING_PROVIDER: "HostingProvider" => Str,
    HOST_NAME: "HostName" => Str,
    HYPERVISOR_ID: "HypervisorId" => Str,
    HYPERVISOR_TYPE: "HypervisorType" => Str,
    IPV4_ADDRESSES: "Ipv4Addresses" => Dynamic,
    IPV4_DEFAULT_GATEWAYS: "Ipv4DefaultGateways" => Dynamic,
    IPV4_SUBNET_MASKS: "Ipv4SubnetMasks" => Dynamic,
    IPV6_ADDRESSES: "Ipv6Addresses" => Dynamic,
    MAC_ADDRESSES: "MacAddresses" => Dynamic,
    OPERATING_SYSTEM_FAMILY: "OperatingSystemFamily" => Str,
    OPERATING_SYSTEM_FULL_NAME: "OperatingSystemFullName" => Str,
    PHYSICAL_MEMORY_MB: "PhysicalMemoryMB" => Int,
    TIME_ZONE: "TimeZone" => Str,
    VIRTUALIZATION_STATE: "VirtualizationState" => Str,
    VIRTUAL_MACHINE_HYPERVISOR_ID: "VirtualMachineHypervisorId" => Str,
    VIRTUAL_MACHINE_NATIVE_ID: "VirtualMachineNativeId" => Str,
    VIRTUAL_MACHINE_NATIVE_NAME: "VirtualMachineNativeName" => Str,
    VIRTUAL_MACHINE_TYPE: "VirtualMachineType" => Str,
});

table_schema!(process {
    TIME_GENERATED: "TimeGenerated" => Time,
    COMPUTER: "Computer" => Str,
    MACHINE: "Machine" => Str,
    PROCESS: "Process" => Str,
    AGENT_ID: "AgentId" => Str,
    RESOURCE_ID: "_ResourceId" => Str,
    SUBSCRIPTION_ID: "_SubscriptionId" => Str,
    TENANT_ID: "TenantId" => Str,
    SOURCE_SYSTEM: "SourceSystem" => Str,
    BILLED_SIZE: "_BilledSize" => Real,
    IS_BILLABLE: "_IsBillable" => Str,
    COMMAND_LINE: "CommandLine" => Str,
    COMPANY_NAME: "CompanyName" => Str,
    DESCRIPTION: "Description" => Str,
    DISPLAY_NAME: "DisplayName" => Str,
    EXECUTABLE_NAME: "ExecutableName" => Str,
    EXECUTABLE_PATH: "ExecutablePath" => Str,
    FILE_VERSION: "FileVersion" => Str,
    FIRST_PID: "FirstPid" => Int,
    GROUP: "Group" => Str,
    INTERNAL_NAME: "InternalName" => Str,
    PRODUCT_NAME: "ProductName" => Str,
    PRODUCT_VERSION: "ProductVersion" => Str,
    ROLE: "Role" => Str,
    SERVICES: "Services" => Dynamic,
    START_TIME: "StartTime" => Time,
    USER_DOMAIN: "UserDomain" => Str,
    USER_NAME: "UserName" => Str,
    WORKING_DIRECTORY: "WorkingDirectory" => Str,
});

table_schema!(connection {
    TIME_GENERATED: "TimeGenerated" => Time,
    COMPUTER: "Computer" => Str,
    MACHINE: "Machine" => Str,
    PROCESS: "Process" => Str,
    PROCESS_NAME: "ProcessName" => Str,
    AGENT_ID: "AgentId" => Str,
    RESOURCE_ID: "_ResourceId" => Str,
    SUBSCRIPTION_ID: "_SubscriptionId" => Str,
    TENANT_ID: "TenantId" => Str,
    SOURCE_SYSTEM: "SourceSystem" => Str,
    BILLED_SIZE: "_BilledSize" => Real,
    IS_BILLABLE: "_IsBillable" => Str,
    CONNECTION_ID: "ConnectionId" => Str,
    DIRECTION: "Direction" => Str,
    PROTOCOL: "Protocol" => Str,
    SOURCE_IP: "SourceIp" => Str,
    DESTINATION_IP: "DestinationIp" => Str,
    DESTINATION_PORT: "DestinationPort" => Int,
    REMOTE_IP: "RemoteIp" => Str,
    BYTES_SENT: "BytesSent" => Int,
    BYTES_RECEIVED: "BytesReceived" => Int,
    LINKS_ESTABLISHED: "LinksEstablished" => Int,
    LINKS_FAILED: "LinksFailed" => Int,
    LINKS_LIVE: "LinksLive" => Int,
    LINKS_TERMINATED: "LinksTerminated" => Int,
    RESPONSES: "Responses" => Int,
    RESPONSE_TIME_MAX: "ResponseTimeMax" => Int,
    RESPONSE_TIME_MIN: "ResponseTimeMin" => Int,
    RESPONSE_TIME_SUM: "ResponseTimeSum" => Int,
    REMOTE_CLASSIFICATION: "RemoteClassification" => Str,
    REMOTE_COUNTRY: "RemoteCountry" => Str,
    REMOTE_DNS_CANONICAL_NAMES: "RemoteDnsCanonicalNames" => Dynamic,
    REMOTE_DNS_QUESTIONS: "RemoteDnsQuestions" => Dynamic,
    REMOTE_LATITUDE: "RemoteLatitude" => Real,
    REMOTE_LONGITUDE: "RemoteLongitude" => Real,
    MALICIOUS_IP: "MaliciousIp" => Str,
    INDICATOR_THREAT_TYPE: "IndicatorThreatType" => Str,
    DESCRIPTION: "Description" => Str,
    TLP_LEVEL: "TLPLevel" => Str,
    CONFIDENCE: "Confidence" => Str,
    SEVERITY: "Severity" => Int,
    FIRST_REPORTED: "FirstReportedDateTime" => Str,
    LAST_REPORTED: "LastReportedDateTime" => Str,
    IS_ACTIVE: "IsActive" => Str,
    REPORT_REFERENCE_LINK: "ReportReferenceLink" => Str,
    ADDITIONAL_INFORMATION: "AdditionalInformation" => Str,
});

table_schema!(bound_port {
    TIME_GENERATED: "TimeGenerated" => Time,
    COMPUTER: "Computer" => Str,
    MACHINE: "Machine" => Str,
    PROCESS: "Process" => Str,
    PROCESS_NAME: "ProcessName" => Str,
    AGENT_ID: "AgentId" => Str,
    RESOURCE_ID: "_ResourceId" => Str,
    SUBSCRIPTION_ID: "_SubscriptionId" => Str,
    TENANT_ID: "TenantId" => Str,
    SOURCE_SYSTEM: "SourceSystem" => Str,
    BILLED_SIZE: "_BilledSize" => Real,
    IS_BILLABLE: "_IsBillable" => Str,
    IP: "Ip" => Str,
    PORT: "Port" => Int,
    PORT_ID: "PortId" => Str,
    PROTOCOL: "Protocol" => Str,
    IS_WILDCARD_BIND: "IsWildcardBind" => Bool,
    BYTES_SENT: "BytesSent" => Int,
    BYTES_RECEIVED: "BytesReceived" => Int,
    LINKS_ESTABLISHED: "LinksEstablished" => Int,
    LINKS_LIVE: "LinksLive" => Int,
    LINKS_TERMINATED: "LinksTerminated" => Int,
    RESPONSES: "Responses" => Int,
    RESPONSE_TIME_MAX: "ResponseTimeMax" => Int,
    RESPONSE_TIME_MIN: "ResponseTimeMin" => Int,
    RESPONSE_TIME_SUM: "ResponseTimeSum" => Int,
});

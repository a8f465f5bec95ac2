//! The canonical metric-filter patterns of each benchmark, as data.
//!
//! A [`Benchmark`] is a named set of [`PatternRow`]s, one per monitoring
//! control, in that benchmark's numbering. Each row lists the accepted forms
//! of the pattern (the first is the one to recommend) and cites where the
//! text comes from. Adding a benchmark version is adding a table here.
//!
//! The strings are copied byte for byte from the sources named in each
//! constant's comment (see the project's `canonical-patterns` reference for
//! the full provenance). Transcriptions known to be broken — quotes stripped,
//! `invokedByNOT EXISTS`, `$eventName`, line-wrap artefacts — are never
//! canonical; they live in the invalid corpus and the verdict tests instead.

use serde::Serialize;

use super::names;

/// A benchmark: a named set of canonical patterns.
#[derive(Debug, Serialize)]
pub struct Benchmark {
    /// The name used on the command line: `cis-1.2`, `securityhub`, `cis-1.4`, ….
    pub name: &'static str,
    /// A human title.
    pub title: &'static str,
    /// One row per metric-filter control.
    pub rows: &'static [PatternRow],
}

/// The canonical pattern(s) of one control in one benchmark.
#[derive(Debug, Serialize)]
pub struct PatternRow {
    /// The control in this benchmark's numbering: `3.1`, `4.1`, `CloudWatch.2`.
    pub control: &'static str,
    /// The Security Hub control that checks the same thing, if any.
    pub securityhub_id: Option<&'static str>,
    /// What the row checks, by its version-free name ([`super::names`]): the
    /// map from this benchmark's id to the check. Not in any output.
    #[serde(skip)]
    pub check: &'static str,
    /// The control's title in this benchmark.
    pub title: &'static str,
    /// Accepted forms; the first is the one to recommend.
    pub canonical: &'static [&'static str],
    /// Where the strings come from.
    pub source: &'static str,
}

impl Benchmark {
    /// The first row that maps to the check called `name` ([`super::names`]).
    pub fn row_for_check(&self, name: &str) -> Option<&'static PatternRow> {
        self.rows.iter().find(|r| r.check == name)
    }

    /// The row for `id`: the control number in this benchmark (`4.1`), or a
    /// Security Hub id (`CloudWatch.2`, case-insensitive). In the
    /// `securityhub` benchmark a CIS v1.2.0 number (`3.1`) also works.
    pub fn row(&self, id: &str) -> Option<&'static PatternRow> {
        let id = id.trim();
        if let Some(r) = self.rows.iter().find(|r| r.control == id) {
            return Some(r);
        }
        let sh = if self.name == SECURITYHUB.name {
            super::catalog::control(id)
                .and_then(|c| c.securityhub_id)
                .unwrap_or(id)
        } else {
            id
        };
        self.rows
            .iter()
            .find(|r| r.securityhub_id.is_some_and(|s| s.eq_ignore_ascii_case(sh)))
    }
}

/// Every benchmark; the first is the default.
pub static BENCHMARKS: &[&Benchmark] = &[
    &CIS_1_2,
    &SECURITYHUB,
    &CIS_1_4,
    &CIS_2_0,
    &CIS_3_0,
    &CIS_5_0,
];

/// The default benchmark's name.
pub const DEFAULT_BENCHMARK: &str = "cis-1.2";

/// The benchmarks' names for help texts, in [`BENCHMARKS`] order,
/// comma-separated, the default marked `(default)` when `mark_default`:
/// `cis-1.2 (default), securityhub, cis-1.4, …`.
pub fn benchmark_names(mark_default: bool) -> String {
    let names: Vec<String> = BENCHMARKS
        .iter()
        .map(|b| {
            if mark_default && b.name == DEFAULT_BENCHMARK {
                format!("{} (default)", b.name)
            } else {
                b.name.to_owned()
            }
        })
        .collect();
    names.join(", ")
}

/// The benchmark called `name` (case-insensitive; `cis-1.2.0` and `1.2` work too).
pub fn benchmark(name: &str) -> Option<&'static Benchmark> {
    let n = name.trim().to_ascii_lowercase();
    if let Some(b) = BENCHMARKS.iter().copied().find(|b| b.name == n) {
        return Some(b);
    }
    // A version: `1.2`, `1.2.0`, `v1.2.0`, `cis-1.2.0`.
    let v = n.strip_prefix("cis-").unwrap_or(&n);
    let v = v.strip_prefix('v').unwrap_or(v);
    let v = match v.strip_suffix(".0") {
        Some(short) if short.contains('.') => short,
        _ => v,
    };
    BENCHMARKS
        .iter()
        .copied()
        .find(|b| b.name.strip_prefix("cis-") == Some(v))
}

// ---------------------------------------------------------------------------
// The strings. Names follow the reference's block numbers (1.1 = the first
// distinct string of the unauthorized-API-calls control, and so on).

/// Security Hub docs (2019-08 to 2023-03), the seed, ASR; CIS v1.3–v1.5 console text.
const UNAUTH_SH: &str = p_3_1!();
/// CIS v1.2.0 text (MITRE fe2639d aws-foundations-cis-3.1.rb; Steampipe cis_v120_3_1).
const UNAUTH_V12: &str =
    r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#;
/// CIS v1.3.0–v1.5.0 remediation text (Steampipe cis_v130/140/150_4_1; Prowler cis_1.4/1.5 4.1):
/// the exclusions joined with `||`.
const UNAUTH_V13: &str = r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }"#;
/// CIS v1.4.0/v1.5.0 audit text (Prowler cis_1.4/1.5 4.1 AuditProcedure), the same without quotes.
const UNAUTH_V14_AUDIT: &str = r#"{ ($.errorCode = *UnauthorizedOperation) || ($.errorCode = AccessDenied*) || ($.sourceIPAddress!=delivery.logs.amazonaws.com) || ($.eventName!=HeadBucket) }"#;
/// CIS v2.0.0–v5.0.0 text (MITRE v2.0.0 aws-foundations-cis-4.1.rb; Steampipe cis_v200–v500 4.1):
/// `A || B && C && D`, which `&&` precedence reads as `A || (B && C && D)`.
const UNAUTH_V20: &str = r#"{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }"#;

/// Security Hub CIS v1.2.0 3.2 (2019-08, 2020-02), the seed, ASR: two terms.
const NOMFA_SH2: &str = p_3_2!();
/// Security Hub CloudWatch.3 and CIS 3.2 pages since the 2022-05 snapshot; CIS v1.4.0+ optional form: four terms.
const NOMFA_SH4: &str = r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#;
/// CIS v1.2.0–v5.0.0 text, two terms (MITRE fe2639d 3.2 and v2.0.0 4.2; Prowler cis_1.4–3.0 4.2; Steampipe).
const NOMFA_CIS2: &str =
    r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#;

/// Security Hub CloudWatch.1, CIS 1.1/3.3 and CIS v1.4.0 1.7 pages; the seed.
const ROOT_SH: &str = p_3_3!();
/// CIS v1.2.0–v5.0.0 text (MITRE fe2639d 3.3 and v2.0.0 4.3; Prowler cis_1.4–3.0 4.3; Steampipe).
const ROOT_CIS: &str = r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#;

/// Security Hub CloudWatch.4 and CIS 3.4 pages (2019-08 to 2023-03); the seed.
const IAM_SH: &str = p_3_4!();
/// CIS v1.2.0–v5.0.0 text without spaces (MITRE fe2639d 3.4 and v2.0.0 4.4; Prowler cis_1.4–5.0 4.4).
const IAM_CIS: &str = "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}";
/// Current Security Hub "controls for Amazon CloudWatch" page, CloudWatch.4 remediation:
/// AWS's own recommendation, scoped to `iam.amazonaws.com`.
const IAM_SH_IAM: &str = "{($.eventSource=iam.amazonaws.com) && (($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy))}";

/// Security Hub CloudWatch.5 and CIS 3.5 pages; the seed.
const TRAIL_SH: &str = p_3_5!();
/// CIS v1.2.0–v7.0.0 text (MITRE fe2639d 3.5; Prowler; Steampipe).
const TRAIL_CIS: &str = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }";

/// Security Hub CloudWatch.6 and CIS 3.6 pages; the seed.
const AUTHFAIL_SH: &str = p_3_6!();
/// CIS v1.2.0–v6.0.0 text (MITRE fe2639d 3.6 and v2.0.0 4.6; Prowler cis_1.4–3.0 4.6; Steampipe).
const AUTHFAIL_CIS: &str =
    r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#;

/// Security Hub CloudWatch.7 and CIS 3.7 pages; the seed.
const CMK_SH: &str = p_3_7!();
/// CIS v1.2.0–v7.0.0 text (MITRE fe2639d 3.7; Prowler; Steampipe).
const CMK_CIS: &str = "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }";

/// Security Hub CloudWatch.8 and CIS 3.8 pages; the seed.
const S3_SH: &str = p_3_8!();
/// CIS v1.2.0–v7.0.0 text (MITRE fe2639d 3.8; Prowler; Steampipe).
const S3_CIS: &str = "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }";

/// Security Hub CloudWatch.9 and CIS 3.9 pages; the seed.
const CONFIG_SH: &str = p_3_9!();
/// CIS v1.2.0–v7.0.0 text (MITRE fe2639d 3.9; Prowler; Steampipe).
const CONFIG_CIS: &str = "{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }";

/// Security Hub CloudWatch.10 and CIS 3.10 pages; the seed.
const SG_SH: &str = p_3_10!();
/// CIS v1.2.0–v4.0.1 text (MITRE fe2639d 3.10; Prowler; Steampipe).
const SG_CIS: &str = "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }";
/// CIS v5.0.0+ text (Steampipe cis_v500_4_10, Prowler cis_5.0 4.10): adds `ModifySecurityGroupRules`.
const SG_V50: &str = "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }";

/// Security Hub CloudWatch.11 and CIS 3.11 pages; the seed.
const NACL_SH: &str = p_3_11!();
/// CIS v1.2.0–v7.0.0 text (MITRE fe2639d 3.11; Prowler; Steampipe).
const NACL_CIS: &str = "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }";

/// Security Hub CloudWatch.12 and CIS 3.12 pages; the seed.
const GW_SH: &str = p_3_12!();
/// CIS v1.2.0–v7.0.0 text (MITRE fe2639d 3.12; Prowler; Steampipe).
const GW_CIS: &str = "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }";

/// Security Hub CloudWatch.13 and CIS 3.13 pages (2019-08 to 2023-03); the seed.
const ROUTE_SH: &str = p_3_13!();
/// CIS v1.2.0–v7.0.0 remediation text (MITRE fe2639d 3.13; Prowler; Steampipe).
const ROUTE_CIS: &str = "{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }";
/// CIS v3.0.0 audit text (Steampipe cis_v300_4_13 console section): an unparenthesised
/// `eventSource &&` that scopes only CreateRoute.
const ROUTE_V30_AUDIT: &str = "{($.eventSource = ec2.amazonaws.com) && ($.eventName =CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName =ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName= DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName =DisassociateRouteTable) }";
/// Current Security Hub "controls for Amazon CloudWatch" page, CloudWatch.13 remediation:
/// AWS's own recommendation, scoped to `ec2.amazonaws.com`.
const ROUTE_SH_EC2: &str = "{($.eventSource=ec2.amazonaws.com) && (($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable))}";

/// Security Hub CloudWatch.14 and CIS 3.14 pages; the seed.
const VPC_SH: &str = p_3_14!();
/// CIS v1.2.0–v7.0.0 text (MITRE fe2639d 3.14; Prowler; Steampipe).
const VPC_CIS: &str = "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }";

/// CIS v1.3.0–v5.0.0 text, 4.15 (Steampipe cis_v130–v500 4.15; Prowler cis_1.4–3.0 4.15; MITRE v2.0.0 4.15).
const ORG_CIS: &str = r#"{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }"#;

// Sources, as the rows cite them.
const SRC_SH_V12: &str = "Security Hub user guide, CIS AWS Foundations Benchmark v1.2.0 controls (securityhub-cis-controls.md, 2019-08 to 2023-01; the seed); CIS v1.2.0 text via mitre/aws-foundations-cis-baseline fe2639d and turbot/steampipe-mod-aws-compliance cis_v120";
const SRC_SH: &str = "Security Hub user guide, controls for Amazon CloudWatch (cloudwatch-controls.md 2023-03 and the current page)";
const SRC_V14: &str = "CIS v1.3.0-v1.5.0 text via turbot/steampipe-mod-aws-compliance cis_v130-cis_v150 and prowler-cloud/prowler cis_1.4_aws.json, cis_1.5_aws.json";
const SRC_V20: &str = "CIS v2.0.0 text via mitre/aws-foundations-cis-baseline (v2.0.0 profile), turbot/steampipe-mod-aws-compliance cis_v200 and prowler-cloud/prowler cis_2.0_aws.json";
const SRC_V30: &str = "CIS v3.0.0 text via turbot/steampipe-mod-aws-compliance cis_v300 and prowler-cloud/prowler cis_3.0_aws.json";
const SRC_V50: &str = "CIS v5.0.0 text via turbot/steampipe-mod-aws-compliance cis_v500 and prowler-cloud/prowler cis_5.0_aws.json (with quotes as in the v2.0.0-v3.0.0 text)";

const T_UNAUTH: &str = "Ensure a log metric filter and alarm exist for unauthorized API calls";
const T_NOMFA: &str =
    "Ensure a log metric filter and alarm exist for Management Console sign-in without MFA";
const T_ROOT: &str = "Ensure a log metric filter and alarm exist for usage of the root account";
const T_IAM: &str = "Ensure a log metric filter and alarm exist for IAM policy changes";
const T_TRAIL: &str =
    "Ensure a log metric filter and alarm exist for CloudTrail configuration changes";
const T_AUTHFAIL: &str =
    "Ensure a log metric filter and alarm exist for AWS Management Console authentication failures";
const T_CMK: &str = "Ensure a log metric filter and alarm exist for disabling or scheduled deletion of customer created CMKs";
const T_S3: &str = "Ensure a log metric filter and alarm exist for S3 bucket policy changes";
const T_CONFIG: &str =
    "Ensure a log metric filter and alarm exist for AWS Config configuration changes";
const T_SG: &str = "Ensure a log metric filter and alarm exist for security group changes";
const T_NACL: &str =
    "Ensure a log metric filter and alarm exist for changes to Network Access Control Lists (NACL)";
const T_GW: &str = "Ensure a log metric filter and alarm exist for changes to network gateways";
const T_ROUTE: &str = "Ensure a log metric filter and alarm exist for route table changes";
const T_VPC: &str = "Ensure a log metric filter and alarm exist for VPC changes";
const T_ORG: &str = "Ensure AWS Organizations changes are monitored";

/// A row; keeps the tables below one line per control.
const fn row(
    control: &'static str,
    securityhub_id: Option<&'static str>,
    check: &'static str,
    title: &'static str,
    canonical: &'static [&'static str],
    source: &'static str,
) -> PatternRow {
    PatternRow {
        control,
        securityhub_id,
        check,
        title,
        canonical,
        source,
    }
}

const CW1: Option<&str> = Some("CloudWatch.1");
const CW2: Option<&str> = Some("CloudWatch.2");
const CW3: Option<&str> = Some("CloudWatch.3");
const CW4: Option<&str> = Some("CloudWatch.4");
const CW5: Option<&str> = Some("CloudWatch.5");
const CW6: Option<&str> = Some("CloudWatch.6");
const CW7: Option<&str> = Some("CloudWatch.7");
const CW8: Option<&str> = Some("CloudWatch.8");
const CW9: Option<&str> = Some("CloudWatch.9");
const CW10: Option<&str> = Some("CloudWatch.10");
const CW11: Option<&str> = Some("CloudWatch.11");
const CW12: Option<&str> = Some("CloudWatch.12");
const CW13: Option<&str> = Some("CloudWatch.13");
const CW14: Option<&str> = Some("CloudWatch.14");

/// CIS v1.2.0 as Security Hub checks it (the default). 1.1 repeats 3.3 and
/// is listed last, so that classification names 3.3 for a root-usage pattern.
pub static CIS_1_2: Benchmark = Benchmark {
    name: "cis-1.2",
    title: "CIS AWS Foundations Benchmark v1.2.0 (as Security Hub checks it)",
    rows: &[
        row(
            "3.1",
            CW2,
            names::FILTER_UNAUTHORIZED_API_CALLS,
            T_UNAUTH,
            &[UNAUTH_SH, UNAUTH_V12],
            SRC_SH_V12,
        ),
        row(
            "3.2",
            CW3,
            names::FILTER_CONSOLE_WITHOUT_MFA,
            T_NOMFA,
            &[NOMFA_SH2, NOMFA_CIS2],
            SRC_SH_V12,
        ),
        row(
            "3.3",
            CW1,
            names::FILTER_ROOT_USAGE,
            T_ROOT,
            &[ROOT_SH, ROOT_CIS],
            SRC_SH_V12,
        ),
        row(
            "3.4",
            CW4,
            names::FILTER_IAM_POLICY_CHANGES,
            T_IAM,
            &[IAM_SH, IAM_CIS],
            SRC_SH_V12,
        ),
        row(
            "3.5",
            CW5,
            names::FILTER_CLOUDTRAIL_CHANGES,
            T_TRAIL,
            &[TRAIL_SH, TRAIL_CIS],
            SRC_SH_V12,
        ),
        row(
            "3.6",
            CW6,
            names::FILTER_CONSOLE_AUTH_FAILURES,
            T_AUTHFAIL,
            &[AUTHFAIL_SH, AUTHFAIL_CIS],
            SRC_SH_V12,
        ),
        row(
            "3.7",
            CW7,
            names::FILTER_CMK_DISABLED_OR_DELETED,
            T_CMK,
            &[CMK_SH, CMK_CIS],
            SRC_SH_V12,
        ),
        row(
            "3.8",
            CW8,
            names::FILTER_S3_BUCKET_POLICY_CHANGES,
            T_S3,
            &[S3_SH, S3_CIS],
            SRC_SH_V12,
        ),
        row(
            "3.9",
            CW9,
            names::FILTER_CONFIG_CHANGES,
            T_CONFIG,
            &[CONFIG_SH, CONFIG_CIS],
            SRC_SH_V12,
        ),
        row(
            "3.10",
            CW10,
            names::FILTER_SECURITY_GROUP_CHANGES,
            T_SG,
            &[SG_SH, SG_CIS],
            SRC_SH_V12,
        ),
        row(
            "3.11",
            CW11,
            names::FILTER_NACL_CHANGES,
            T_NACL,
            &[NACL_SH, NACL_CIS],
            SRC_SH_V12,
        ),
        row(
            "3.12",
            CW12,
            names::FILTER_NETWORK_GATEWAY_CHANGES,
            T_GW,
            &[GW_SH, GW_CIS],
            SRC_SH_V12,
        ),
        row(
            "3.13",
            CW13,
            names::FILTER_ROUTE_TABLE_CHANGES,
            T_ROUTE,
            &[ROUTE_SH, ROUTE_CIS],
            SRC_SH_V12,
        ),
        row(
            "3.14",
            CW14,
            names::FILTER_VPC_CHANGES,
            T_VPC,
            &[VPC_SH, VPC_CIS],
            SRC_SH_V12,
        ),
        row(
            "1.1",
            CW1,
            names::IAM_AVOID_ROOT_USAGE,
            "Avoid the use of the root account",
            &[ROOT_SH, ROOT_CIS],
            SRC_SH_V12,
        ),
    ],
};

/// Security Hub's CloudWatch.1–14 today, with the variants it is known to
/// accept: the two- and four-term console-without-MFA forms and AWS's own
/// `eventSource`-scoped forms of CloudWatch.4 and CloudWatch.13.
pub static SECURITYHUB: Benchmark = Benchmark {
    name: "securityhub",
    title: "AWS Security Hub controls CloudWatch.1-14 (current documentation and accepted variants)",
    rows: &[
        row(
            "CloudWatch.1",
            CW1,
            names::FILTER_ROOT_USAGE,
            "Usage of the root user should be monitored",
            &[ROOT_SH],
            SRC_SH,
        ),
        row(
            "CloudWatch.2",
            CW2,
            names::FILTER_UNAUTHORIZED_API_CALLS,
            "Ensure a log metric filter and alarm exist for unauthorized API calls",
            &[UNAUTH_SH],
            SRC_SH,
        ),
        row(
            "CloudWatch.3",
            CW3,
            names::FILTER_CONSOLE_WITHOUT_MFA,
            "Ensure a log metric filter and alarm exist for Management Console sign-in without MFA",
            &[NOMFA_SH4, NOMFA_SH2],
            "Security Hub user guide: four terms since the 2022-05 snapshot and on the current page; two terms in the 2019-08 and 2020-02 snapshots and in AWS's Automated Security Response solution",
        ),
        row(
            "CloudWatch.4",
            CW4,
            names::FILTER_IAM_POLICY_CHANGES,
            "Ensure a log metric filter and alarm exist for IAM policy changes",
            &[IAM_SH, IAM_SH_IAM],
            "Security Hub user guide: the CIS form (cloudwatch-controls.md 2023-03) and the eventSource=iam.amazonaws.com form the current page recommends",
        ),
        row(
            "CloudWatch.5",
            CW5,
            names::FILTER_CLOUDTRAIL_CHANGES,
            "Ensure a log metric filter and alarm exist for CloudTrail configuration changes",
            &[TRAIL_SH],
            SRC_SH,
        ),
        row(
            "CloudWatch.6",
            CW6,
            names::FILTER_CONSOLE_AUTH_FAILURES,
            "Ensure a log metric filter and alarm exist for AWS Management Console authentication failures",
            &[AUTHFAIL_SH],
            SRC_SH,
        ),
        row(
            "CloudWatch.7",
            CW7,
            names::FILTER_CMK_DISABLED_OR_DELETED,
            "Ensure a log metric filter and alarm exist for disabling or scheduled deletion of customer created CMKs",
            &[CMK_SH],
            SRC_SH,
        ),
        row(
            "CloudWatch.8",
            CW8,
            names::FILTER_S3_BUCKET_POLICY_CHANGES,
            "Ensure a log metric filter and alarm exist for S3 bucket policy changes",
            &[S3_SH],
            SRC_SH,
        ),
        row(
            "CloudWatch.9",
            CW9,
            names::FILTER_CONFIG_CHANGES,
            "Ensure a log metric filter and alarm exist for AWS Config configuration changes",
            &[CONFIG_SH],
            SRC_SH,
        ),
        row(
            "CloudWatch.10",
            CW10,
            names::FILTER_SECURITY_GROUP_CHANGES,
            "Ensure a log metric filter and alarm exist for security group changes",
            &[SG_SH],
            SRC_SH,
        ),
        row(
            "CloudWatch.11",
            CW11,
            names::FILTER_NACL_CHANGES,
            "Ensure a log metric filter and alarm exist for changes to Network Access Control Lists (NACL)",
            &[NACL_SH],
            SRC_SH,
        ),
        row(
            "CloudWatch.12",
            CW12,
            names::FILTER_NETWORK_GATEWAY_CHANGES,
            "Ensure a log metric filter and alarm exist for changes to network gateways",
            &[GW_SH],
            SRC_SH,
        ),
        row(
            "CloudWatch.13",
            CW13,
            names::FILTER_ROUTE_TABLE_CHANGES,
            "Ensure a log metric filter and alarm exist for route table changes",
            &[ROUTE_SH, ROUTE_SH_EC2],
            "Security Hub user guide: the CIS form (cloudwatch-controls.md 2023-03) and the eventSource=ec2.amazonaws.com form the current page recommends",
        ),
        row(
            "CloudWatch.14",
            CW14,
            names::FILTER_VPC_CHANGES,
            "Ensure a log metric filter and alarm exist for VPC changes",
            &[VPC_SH],
            SRC_SH,
        ),
    ],
};

/// CIS v1.3.0 to v1.5.0 (4.x numbering, 4.15 added; the text did not change
/// between these versions apart from the optional four-term 4.2).
pub static CIS_1_4: Benchmark = Benchmark {
    name: "cis-1.4",
    title: "CIS AWS Foundations Benchmark v1.4.0 (same patterns as v1.3.0 and v1.5.0)",
    rows: &[
        row(
            "4.1",
            CW2,
            names::FILTER_UNAUTHORIZED_API_CALLS,
            T_UNAUTH,
            &[UNAUTH_V13, UNAUTH_V14_AUDIT],
            SRC_V14,
        ),
        row(
            "4.2",
            CW3,
            names::FILTER_CONSOLE_WITHOUT_MFA,
            T_NOMFA,
            &[NOMFA_CIS2, NOMFA_SH4],
            SRC_V14,
        ),
        row(
            "4.3",
            CW1,
            names::FILTER_ROOT_USAGE,
            T_ROOT,
            &[ROOT_CIS],
            SRC_V14,
        ),
        row(
            "4.4",
            CW4,
            names::FILTER_IAM_POLICY_CHANGES,
            T_IAM,
            &[IAM_CIS],
            SRC_V14,
        ),
        row(
            "4.5",
            CW5,
            names::FILTER_CLOUDTRAIL_CHANGES,
            T_TRAIL,
            &[TRAIL_CIS],
            SRC_V14,
        ),
        row(
            "4.6",
            CW6,
            names::FILTER_CONSOLE_AUTH_FAILURES,
            T_AUTHFAIL,
            &[AUTHFAIL_CIS],
            SRC_V14,
        ),
        row(
            "4.7",
            CW7,
            names::FILTER_CMK_DISABLED_OR_DELETED,
            T_CMK,
            &[CMK_CIS],
            SRC_V14,
        ),
        row(
            "4.8",
            CW8,
            names::FILTER_S3_BUCKET_POLICY_CHANGES,
            T_S3,
            &[S3_CIS],
            SRC_V14,
        ),
        row(
            "4.9",
            CW9,
            names::FILTER_CONFIG_CHANGES,
            T_CONFIG,
            &[CONFIG_CIS],
            SRC_V14,
        ),
        row(
            "4.10",
            CW10,
            names::FILTER_SECURITY_GROUP_CHANGES,
            T_SG,
            &[SG_CIS],
            SRC_V14,
        ),
        row(
            "4.11",
            CW11,
            names::FILTER_NACL_CHANGES,
            T_NACL,
            &[NACL_CIS],
            SRC_V14,
        ),
        row(
            "4.12",
            CW12,
            names::FILTER_NETWORK_GATEWAY_CHANGES,
            T_GW,
            &[GW_CIS],
            SRC_V14,
        ),
        row(
            "4.13",
            CW13,
            names::FILTER_ROUTE_TABLE_CHANGES,
            T_ROUTE,
            &[ROUTE_CIS],
            SRC_V14,
        ),
        row(
            "4.14",
            CW14,
            names::FILTER_VPC_CHANGES,
            T_VPC,
            &[VPC_CIS],
            SRC_V14,
        ),
        row(
            "4.15",
            None,
            names::FILTER_ORGANIZATIONS_CHANGES,
            T_ORG,
            &[ORG_CIS],
            SRC_V14,
        ),
    ],
};

/// The rows of CIS v2.0.0 and later (section 4, "… are monitored" titles).
/// Only 4.10 and 4.13 changed between v2.0.0 and v5.0.0, so they are
/// parameters.
const fn v2_rows(
    security_groups: &'static [&'static str],
    route_tables: &'static [&'static str],
    source: &'static str,
) -> [PatternRow; 15] {
    [
        row(
            "4.1",
            CW2,
            names::FILTER_UNAUTHORIZED_API_CALLS,
            "Ensure unauthorized API calls are monitored",
            &[UNAUTH_V20],
            source,
        ),
        row(
            "4.2",
            CW3,
            names::FILTER_CONSOLE_WITHOUT_MFA,
            "Ensure management console sign-in without MFA is monitored",
            &[NOMFA_CIS2, NOMFA_SH4],
            source,
        ),
        row(
            "4.3",
            CW1,
            names::FILTER_ROOT_USAGE,
            "Ensure usage of the root account is monitored",
            &[ROOT_CIS],
            source,
        ),
        row(
            "4.4",
            CW4,
            names::FILTER_IAM_POLICY_CHANGES,
            "Ensure IAM policy changes are monitored",
            &[IAM_CIS],
            source,
        ),
        row(
            "4.5",
            CW5,
            names::FILTER_CLOUDTRAIL_CHANGES,
            "Ensure CloudTrail configuration changes are monitored",
            &[TRAIL_CIS],
            source,
        ),
        row(
            "4.6",
            CW6,
            names::FILTER_CONSOLE_AUTH_FAILURES,
            "Ensure management console authentication failures are monitored",
            &[AUTHFAIL_CIS],
            source,
        ),
        row(
            "4.7",
            CW7,
            names::FILTER_CMK_DISABLED_OR_DELETED,
            "Ensure disabling or scheduled deletion of customer created CMKs is monitored",
            &[CMK_CIS],
            source,
        ),
        row(
            "4.8",
            CW8,
            names::FILTER_S3_BUCKET_POLICY_CHANGES,
            "Ensure S3 bucket policy changes are monitored",
            &[S3_CIS],
            source,
        ),
        row(
            "4.9",
            CW9,
            names::FILTER_CONFIG_CHANGES,
            "Ensure AWS Config configuration changes are monitored",
            &[CONFIG_CIS],
            source,
        ),
        row(
            "4.10",
            CW10,
            names::FILTER_SECURITY_GROUP_CHANGES,
            "Ensure security group changes are monitored",
            security_groups,
            source,
        ),
        row(
            "4.11",
            CW11,
            names::FILTER_NACL_CHANGES,
            "Ensure Network Access Control Lists (NACL) changes are monitored",
            &[NACL_CIS],
            source,
        ),
        row(
            "4.12",
            CW12,
            names::FILTER_NETWORK_GATEWAY_CHANGES,
            "Ensure changes to network gateways are monitored",
            &[GW_CIS],
            source,
        ),
        row(
            "4.13",
            CW13,
            names::FILTER_ROUTE_TABLE_CHANGES,
            "Ensure route table changes are monitored",
            route_tables,
            source,
        ),
        row(
            "4.14",
            CW14,
            names::FILTER_VPC_CHANGES,
            "Ensure VPC changes are monitored",
            &[VPC_CIS],
            source,
        ),
        row(
            "4.15",
            None,
            names::FILTER_ORGANIZATIONS_CHANGES,
            T_ORG,
            &[ORG_CIS],
            source,
        ),
    ]
}

static V2_0_ROWS: [PatternRow; 15] = v2_rows(&[SG_CIS], &[ROUTE_CIS], SRC_V20);
static V3_0_ROWS: [PatternRow; 15] = v2_rows(&[SG_CIS], &[ROUTE_CIS, ROUTE_V30_AUDIT], SRC_V30);
static V5_0_ROWS: [PatternRow; 15] = v2_rows(&[SG_V50], &[ROUTE_CIS, ROUTE_V30_AUDIT], SRC_V50);

/// CIS v2.0.0: 4.1 becomes `A || B && C && D`.
pub static CIS_2_0: Benchmark = Benchmark {
    name: "cis-2.0",
    title: "CIS AWS Foundations Benchmark v2.0.0",
    rows: &V2_0_ROWS,
};

/// CIS v3.0.0: 4.13's audit text gains an unparenthesised `eventSource`
/// clause (accepted as a second form; the remediation text is unchanged).
pub static CIS_3_0: Benchmark = Benchmark {
    name: "cis-3.0",
    title: "CIS AWS Foundations Benchmark v3.0.0",
    rows: &V3_0_ROWS,
};

/// CIS v5.0.0: 4.10 gains `ModifySecurityGroupRules`.
pub static CIS_5_0: Benchmark = Benchmark {
    name: "cis-5.0",
    title: "CIS AWS Foundations Benchmark v5.0.0",
    rows: &V5_0_ROWS,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cis::catalog::{CONTROLS, CheckKind};
    use crate::pattern::parse;
    use std::collections::HashSet;

    #[test]
    fn every_canonical_string_parses() {
        for b in BENCHMARKS {
            for r in b.rows {
                assert!(!r.canonical.is_empty(), "{} {}", b.name, r.control);
                for c in r.canonical {
                    if let Err(e) = parse(c) {
                        panic!("{} {}: {c}\n{e}", b.name, r.control);
                    }
                }
            }
        }
    }

    #[test]
    fn names_rows_and_ids_are_unique() {
        let names: HashSet<_> = BENCHMARKS.iter().map(|b| b.name).collect();
        assert_eq!(names.len(), BENCHMARKS.len());
        assert_eq!(BENCHMARKS.first().map(|b| b.name), Some(DEFAULT_BENCHMARK));
        for b in BENCHMARKS {
            let ids: HashSet<_> = b.rows.iter().map(|r| r.control).collect();
            assert_eq!(ids.len(), b.rows.len(), "{}", b.name);
            // Every CloudWatch control appears; each once apart from cis-1.2's 1.1/3.3.
            let sh: Vec<_> = b.rows.iter().filter_map(|r| r.securityhub_id).collect();
            let distinct: HashSet<_> = sh.iter().collect();
            assert_eq!(distinct.len(), 14, "{}", b.name);
            for r in b.rows {
                assert!(!r.source.is_empty() && !r.title.is_empty());
            }
        }
    }

    #[test]
    fn every_metric_filter_control_has_a_cis_1_2_row_whose_pattern_is_in_its_remediation() {
        for c in CONTROLS
            .iter()
            .filter(|c| c.check == CheckKind::MetricFilter)
        {
            let row = CIS_1_2.row(c.id).unwrap();
            assert_eq!(row.securityhub_id, c.securityhub_id, "{}", c.id);
            let first = row.canonical.first().unwrap();
            assert!(c.remediation.contains(first), "{}", c.id);
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(benchmark("cis-1.2").unwrap().name, "cis-1.2");
        assert_eq!(benchmark("CIS-1.2.0").unwrap().name, "cis-1.2");
        assert_eq!(benchmark("5.0").unwrap().name, "cis-5.0");
        assert_eq!(benchmark("SecurityHub").unwrap().name, "securityhub");
        assert!(benchmark("cis-9.9").is_none());
        assert_eq!(CIS_1_2.row("CloudWatch.2").unwrap().control, "3.1");
        assert_eq!(CIS_1_2.row("CloudWatch.1").unwrap().control, "3.3");
        assert_eq!(CIS_1_4.row("cloudwatch.2").unwrap().control, "4.1");
        assert_eq!(SECURITYHUB.row("3.1").unwrap().control, "CloudWatch.2");
        assert_eq!(SECURITYHUB.row("1.1").unwrap().control, "CloudWatch.1");
        assert!(CIS_1_4.row("3.1").is_none());
        assert!(CIS_1_2.row("4.15").is_none());
        assert_eq!(CIS_5_0.row("4.15").unwrap().securityhub_id, None);
    }
}

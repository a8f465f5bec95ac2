//! The static table of CIS AWS Foundations Benchmark v1.2.0 controls.
//!
//! One row per control, in CIS order: 1.1–1.22 (identity and access
//! management), 2.1–2.9 (logging), 3.1–3.14 (monitoring) and 4.1–4.4
//! (networking). Severity, the AWS Config rule and the Security Hub control
//! id are Security Hub's; titles, descriptions and remediation are ours.
//! Controls Security Hub does not evaluate (1.15, 1.17–1.19, 1.21, 4.4) are
//! [`CheckKind::Manual`]; Security Hub gives them no severity, so theirs is
//! our own assessment.

use std::fmt;

use serde::Serialize;

use super::names;

/// How serious a failed control is, on Security Hub's scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    /// `LOW`
    Low,
    /// `MEDIUM`
    Medium,
    /// `HIGH`
    High,
    /// `CRITICAL`
    Critical,
}

impl Severity {
    /// The upper-case name used in output: `LOW`, `MEDIUM`, `HIGH`, `CRITICAL`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The benchmark section a control belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// 1.x: identity and access management.
    Iam,
    /// 2.x: logging.
    Logging,
    /// 3.x: monitoring (log metric filters and alarms).
    Monitoring,
    /// 4.x: networking.
    Networking,
}

impl Section {
    /// The section's number in CIS v1.2.0.
    pub fn number(self) -> u32 {
        match self {
            Section::Iam => 1,
            Section::Logging => 2,
            Section::Monitoring => 3,
            Section::Networking => 4,
        }
    }

    /// The section's name: `Identity and Access Management`, `Logging`, ….
    pub fn title(self) -> &'static str {
        match self {
            Section::Iam => "Identity and Access Management",
            Section::Logging => "Logging",
            Section::Monitoring => "Monitoring",
            Section::Networking => "Networking",
        }
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

/// How a control is evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// A check over the account's configuration (IAM, CloudTrail, Config, KMS, EC2).
    Automated,
    /// The metric-filter chain: trail → log group → metric filter with the
    /// control's canonical pattern → alarm → SNS topic → confirmed subscriber.
    /// Controls 1.1 and 3.1–3.14.
    MetricFilter,
    /// Not automatable; reported as NOT_AVAILABLE ("manual control").
    Manual,
}

impl CheckKind {
    /// The snake_case name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::Automated => "automated",
            CheckKind::MetricFilter => "metric_filter",
            CheckKind::Manual => "manual",
        }
    }
}

impl fmt::Display for CheckKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One CIS v1.2.0 control.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Control {
    /// The CIS v1.2.0 number, `"1.1"` to `"4.4"`.
    pub id: &'static str,
    /// The check's stable, version-free name ([`super::names`]); not in any output.
    #[serde(skip)]
    pub name: &'static str,
    /// A short title.
    pub title: &'static str,
    /// Security Hub's severity (our own for manual controls).
    pub severity: Severity,
    /// The section.
    pub section: Section,
    /// The AWS Config managed rule the check mirrors; several are separated by `, `.
    pub config_rule: Option<&'static str>,
    /// The Security Hub control id the check reports under today
    /// (`CloudWatch.2`, `IAM.9`, …). 1.1 and 3.3 share `CloudWatch.1`.
    pub securityhub_id: Option<&'static str>,
    /// What the control requires and why.
    pub description: &'static str,
    /// How to make it pass.
    pub remediation: &'static str,
    /// How it is evaluated.
    pub check: CheckKind,
}

/// Every CIS v1.2.0 control, in CIS order.
pub static CONTROLS: &[Control] = &[
    Control {
        id: "1.1",
        name: names::IAM_AVOID_ROOT_USAGE,
        title: "Avoid the use of the root account",
        severity: Severity::Low,
        section: Section::Iam,
        config_rule: None,
        securityhub_id: Some("CloudWatch.1"),
        description: "The root user can do anything in the account and cannot be restricted by IAM policies. Day-to-day work should use IAM identities, and every use of root should raise an alarm. Security Hub evaluates this control with the same metric-filter chain as 3.3.",
        remediation: metric_remediation!("RootAccountUsage", p_3_3!()),
        check: CheckKind::MetricFilter,
    },
    Control {
        id: "1.2",
        name: names::IAM_USER_MFA_CONSOLE,
        title: "Ensure MFA is enabled for every IAM user with a console password",
        severity: Severity::Medium,
        section: Section::Iam,
        config_rule: Some("mfa-enabled-for-iam-console-access"),
        securityhub_id: Some("IAM.5"),
        description: "A user who can sign in to the console with a password must also present a second factor, so that a leaked password alone does not open the account. Checked per user from the IAM credential report: password_enabled implies mfa_active.",
        remediation: "For each listed user, assign an MFA device (IAM console: Users, Security credentials, Assign MFA device; or `aws iam enable-mfa-device`), or remove the console password if the user does not need it (`aws iam delete-login-profile --user-name <user>`).",
        check: CheckKind::Automated,
    },
    Control {
        id: "1.3",
        name: names::IAM_UNUSED_CREDENTIALS,
        title: "Ensure credentials unused for 90 days or more are disabled",
        severity: Severity::Medium,
        section: Section::Iam,
        config_rule: Some("iam-user-unused-credentials-check"),
        securityhub_id: Some("IAM.8"),
        description: "Passwords and access keys that nobody has used for 90 days are an unwatched way in. Every enabled password and active access key must have been used within 90 days; one never used counts from its creation or last rotation.",
        remediation: "Deactivate stale access keys (`aws iam update-access-key --status Inactive`) and remove stale console passwords (`aws iam delete-login-profile`). Delete users nobody needs.",
        check: CheckKind::Automated,
    },
    Control {
        id: "1.4",
        name: names::IAM_ACCESS_KEYS_ROTATED,
        title: "Ensure access keys are rotated every 90 days or less",
        severity: Severity::Medium,
        section: Section::Iam,
        config_rule: Some("access-keys-rotated"),
        securityhub_id: Some("IAM.3"),
        description: "Long-lived access keys leak through logs, laptops and repositories. Every active access key must have been created or rotated within the last 90 days.",
        remediation: "Create a new key (`aws iam create-access-key`), move its users to it, deactivate the old key (`aws iam update-access-key --status Inactive`) and delete it once nothing breaks (`aws iam delete-access-key`).",
        check: CheckKind::Automated,
    },
    Control {
        id: "1.5",
        name: names::IAM_PASSWORD_UPPERCASE,
        title: "Ensure the IAM password policy requires an uppercase letter",
        severity: Severity::Medium,
        section: Section::Iam,
        config_rule: Some("iam-password-policy"),
        securityhub_id: Some("IAM.11"),
        description: "The account password policy must require at least one uppercase letter. An account without a password policy fails this control and 1.6 to 1.11.",
        remediation: "`aws iam update-account-password-policy --require-uppercase-characters` together with the other settings of 1.6 to 1.11 (the call replaces the whole policy).",
        check: CheckKind::Automated,
    },
    Control {
        id: "1.6",
        name: names::IAM_PASSWORD_LOWERCASE,
        title: "Ensure the IAM password policy requires a lowercase letter",
        severity: Severity::Medium,
        section: Section::Iam,
        config_rule: Some("iam-password-policy"),
        securityhub_id: Some("IAM.12"),
        description: "The account password policy must require at least one lowercase letter.",
        remediation: "`aws iam update-account-password-policy --require-lowercase-characters` together with the other settings of 1.5 to 1.11 (the call replaces the whole policy).",
        check: CheckKind::Automated,
    },
    Control {
        id: "1.7",
        name: names::IAM_PASSWORD_SYMBOL,
        title: "Ensure the IAM password policy requires a symbol",
        severity: Severity::Medium,
        section: Section::Iam,
        config_rule: Some("iam-password-policy"),
        securityhub_id: Some("IAM.13"),
        description: "The account password policy must require at least one non-alphanumeric character.",
        remediation: "`aws iam update-account-password-policy --require-symbols` together with the other settings of 1.5 to 1.11 (the call replaces the whole policy).",
        check: CheckKind::Automated,
    },
    Control {
        id: "1.8",
        name: names::IAM_PASSWORD_NUMBER,
        title: "Ensure the IAM password policy requires a number",
        severity: Severity::Medium,
        section: Section::Iam,
        config_rule: Some("iam-password-policy"),
        securityhub_id: Some("IAM.14"),
        description: "The account password policy must require at least one digit.",
        remediation: "`aws iam update-account-password-policy --require-numbers` together with the other settings of 1.5 to 1.11 (the call replaces the whole policy).",
        check: CheckKind::Automated,
    },
    Control {
        id: "1.9",
        name: names::IAM_PASSWORD_LENGTH,
        title: "Ensure the IAM password policy requires a minimum length of 14",
        severity: Severity::Medium,
        section: Section::Iam,
        config_rule: Some("iam-password-policy"),
        securityhub_id: Some("IAM.15"),
        description: "The account password policy must require passwords of 14 characters or more; length is what makes guessing expensive.",
        remediation: "`aws iam update-account-password-policy --minimum-password-length 14` (or more) together with the other settings of 1.5 to 1.11 (the call replaces the whole policy).",
        check: CheckKind::Automated,
    },
    Control {
        id: "1.10",
        name: names::IAM_PASSWORD_REUSE,
        title: "Ensure the IAM password policy prevents password reuse",
        severity: Severity::Low,
        section: Section::Iam,
        config_rule: Some("iam-password-policy"),
        securityhub_id: Some("IAM.16"),
        description: "The account password policy must remember the last 24 passwords so that a user cannot cycle back to an old one. Security Hub fails any value other than 24.",
        remediation: "`aws iam update-account-password-policy --password-reuse-prevention 24` together with the other settings of 1.5 to 1.11 (the call replaces the whole policy).",
        check: CheckKind::Automated,
    },
    Control {
        id: "1.11",
        name: names::IAM_PASSWORD_MAX_AGE,
        title: "Ensure the IAM password policy expires passwords within 90 days",
        severity: Severity::Low,
        section: Section::Iam,
        config_rule: Some("iam-password-policy"),
        securityhub_id: Some("IAM.17"),
        description: "The account password policy must set a maximum password age of 90 days or less.",
        remediation: "`aws iam update-account-password-policy --max-password-age 90` (or less) together with the other settings of 1.5 to 1.10 (the call replaces the whole policy).",
        check: CheckKind::Automated,
    },
    Control {
        id: "1.12",
        name: names::IAM_NO_ROOT_ACCESS_KEY,
        title: "Ensure no root account access key exists",
        severity: Severity::Critical,
        section: Section::Iam,
        config_rule: Some("iam-root-access-key-check"),
        securityhub_id: Some("IAM.4"),
        description: "An access key for the root user gives unrestricted programmatic access that no policy can limit. The account summary must report no root access keys.",
        remediation: "Sign in as root, open Security credentials and delete every access key. Give automation an IAM role or user with only the permissions it needs instead.",
        check: CheckKind::Automated,
    },
    Control {
        id: "1.13",
        name: names::IAM_ROOT_MFA,
        title: "Ensure MFA is enabled for the root account",
        severity: Severity::Critical,
        section: Section::Iam,
        config_rule: Some("root-account-mfa-enabled"),
        securityhub_id: Some("IAM.9"),
        description: "The root user must sign in with a second factor; the account summary must report AccountMFAEnabled.",
        remediation: "Sign in as root, open Security credentials and assign an MFA device to the root user.",
        check: CheckKind::Automated,
    },
    Control {
        id: "1.14",
        name: names::IAM_ROOT_HARDWARE_MFA,
        title: "Ensure hardware MFA is enabled for the root account",
        severity: Severity::Critical,
        section: Section::Iam,
        config_rule: Some("root-account-hardware-mfa-enabled"),
        securityhub_id: Some("IAM.6"),
        description: "The root user's second factor must be a hardware device, not a virtual one on a phone or laptop that is exposed to the same risks as the password. Root MFA must be enabled and no virtual MFA device may be assigned to root.",
        remediation: "Sign in as root, remove the virtual MFA device and assign a hardware MFA device (a FIDO security key or a hardware TOTP token).",
        check: CheckKind::Automated,
    },
    Control {
        id: "1.15",
        name: names::ACCOUNT_SECURITY_QUESTIONS,
        title: "Ensure security questions are registered in the AWS account",
        severity: Severity::Low,
        section: Section::Iam,
        config_rule: None,
        securityhub_id: None,
        description: "Security questions let AWS Support verify the owner of the account when the root credentials are lost. No API reports them, so this control is checked by hand.",
        remediation: "Sign in as root, open Account settings, and fill in the security challenge questions. Keep the answers in the same safe place as the root credentials.",
        check: CheckKind::Manual,
    },
    Control {
        id: "1.16",
        name: names::IAM_POLICIES_ON_GROUPS_OR_ROLES,
        title: "Ensure IAM policies are attached only to groups or roles",
        severity: Severity::Low,
        section: Section::Iam,
        config_rule: Some("iam-user-no-policies-check"),
        securityhub_id: Some("IAM.2"),
        description: "Permissions granted to individual users are hard to review and are forgotten when people change jobs. No user may have attached managed policies or inline policies; grant permissions through groups or roles.",
        remediation: "Move each user's permissions to a group (`aws iam add-user-to-group`), then detach the user's managed policies (`aws iam detach-user-policy`) and delete their inline policies (`aws iam delete-user-policy`).",
        check: CheckKind::Automated,
    },
    Control {
        id: "1.17",
        name: names::ACCOUNT_CONTACT_DETAILS,
        title: "Maintain current contact details",
        severity: Severity::Low,
        section: Section::Iam,
        config_rule: None,
        securityhub_id: None,
        description: "AWS uses the account's contact details to reach the owner about abuse or a compromise. Whether they are current cannot be decided by a program, so this control is checked by hand.",
        remediation: "Open Account settings and make sure the contact email and phone number reach a team, not one person, and are monitored.",
        check: CheckKind::Manual,
    },
    Control {
        id: "1.18",
        name: names::ACCOUNT_SECURITY_CONTACT,
        title: "Ensure security contact information is registered",
        severity: Severity::Low,
        section: Section::Iam,
        config_rule: None,
        securityhub_id: None,
        description: "An alternate security contact makes sure security notices reach the people who act on them. This control is checked by hand.",
        remediation: "Open Account settings, Alternate contacts, and set the Security contact to a monitored team address (or `aws account put-alternate-contact --alternate-contact-type SECURITY`).",
        check: CheckKind::Manual,
    },
    Control {
        id: "1.19",
        name: names::EC2_INSTANCE_ROLES,
        title: "Ensure IAM instance roles are used for AWS resource access from instances",
        severity: Severity::Medium,
        section: Section::Iam,
        config_rule: None,
        securityhub_id: None,
        description: "Software on EC2 instances should get temporary credentials from an instance profile rather than long-lived access keys stored on disk. Whether an instance holds keys cannot be seen from the API, so this control is checked by hand.",
        remediation: "Attach an instance profile with the needed permissions (`aws ec2 associate-iam-instance-profile`), remove stored access keys from the instances and deactivate those keys.",
        check: CheckKind::Manual,
    },
    Control {
        id: "1.20",
        name: names::IAM_SUPPORT_ROLE,
        title: "Ensure a support role exists to manage incidents with AWS Support",
        severity: Severity::Low,
        section: Section::Iam,
        config_rule: Some("iam-policy-in-use"),
        securityhub_id: Some("IAM.18"),
        description: "Someone must be able to open and follow support cases during an incident without using root. The AWS managed policy AWSSupportAccess must be attached to at least one role.",
        remediation: "Create a role for the incident team and attach the policy: `aws iam attach-role-policy --role-name <role> --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess`.",
        check: CheckKind::Automated,
    },
    Control {
        id: "1.21",
        name: names::IAM_NO_INITIAL_ACCESS_KEYS,
        title: "Do not set up access keys during initial user setup for IAM users with a console password",
        severity: Severity::Medium,
        section: Section::Iam,
        config_rule: None,
        securityhub_id: None,
        description: "Access keys created together with a console user are often never used and only add exposure. This control is checked by hand, with the credential report as a guide: keys with no recorded use on users who have a password.",
        remediation: "Delete access keys that were never used (`aws iam delete-access-key`) and create keys only when a user needs programmatic access.",
        check: CheckKind::Manual,
    },
    Control {
        id: "1.22",
        name: names::IAM_NO_FULL_ADMIN_POLICIES,
        title: "Ensure no IAM policy grants full \"*:*\" administrative privileges",
        severity: Severity::High,
        section: Section::Iam,
        config_rule: Some("iam-policy-no-statements-with-admin-access"),
        securityhub_id: Some("IAM.1"),
        description: "A customer-managed policy that allows every action on every resource defeats least privilege. No attached customer-managed policy's default version may contain an Allow statement with Action \"*\" and Resource \"*\".",
        remediation: "Replace the statement with the actions and resources the holders need, publish it as the policy's new default version (`aws iam create-policy-version --set-as-default`), and detach the policy from whoever should not have it.",
        check: CheckKind::Automated,
    },
    Control {
        id: "2.1",
        name: names::CLOUDTRAIL_MULTI_REGION,
        title: "Ensure CloudTrail is enabled in all regions",
        severity: Severity::Critical,
        section: Section::Logging,
        config_rule: Some("multi-region-cloudtrail-enabled"),
        securityhub_id: Some("CloudTrail.1"),
        description: "Every API call in every region must be recorded. At least one trail must be multi-region, logging, and record all management events (read and write), with no management event source excluded.",
        remediation: "`aws cloudtrail create-trail --name <trail> --s3-bucket-name <bucket> --is-multi-region-trail`, then `aws cloudtrail start-logging --name <trail>`, and make sure its event selectors include all management events of type All.",
        check: CheckKind::Automated,
    },
    Control {
        id: "2.2",
        name: names::CLOUDTRAIL_LOG_FILE_VALIDATION,
        title: "Ensure CloudTrail log file validation is enabled",
        severity: Severity::Low,
        section: Section::Logging,
        config_rule: Some("cloud-trail-log-file-validation-enabled"),
        securityhub_id: Some("CloudTrail.4"),
        description: "With validation on, CloudTrail writes signed digest files that prove whether a log file was altered or deleted after delivery. Every trail must have it.",
        remediation: "`aws cloudtrail update-trail --name <trail> --enable-log-file-validation`.",
        check: CheckKind::Automated,
    },
    Control {
        id: "2.3",
        name: names::CLOUDTRAIL_BUCKET_NOT_PUBLIC,
        title: "Ensure the S3 bucket used for CloudTrail logs is not publicly accessible",
        severity: Severity::Critical,
        section: Section::Logging,
        config_rule: Some("s3-bucket-public-read-prohibited, s3-bucket-public-write-prohibited"),
        securityhub_id: Some("CloudTrail.6"),
        description: "CloudTrail logs describe the whole account and help an attacker as much as a defender. The trail's bucket must not grant access to everyone or to any authenticated AWS user, through its ACL or its policy, unless Block Public Access neutralises the grant.",
        remediation: "Turn on Block Public Access for the bucket (`aws s3api put-public-access-block`), and remove AllUsers and AuthenticatedUsers grants and unconditioned `*` principals from its ACL and policy.",
        check: CheckKind::Automated,
    },
    Control {
        id: "2.4",
        name: names::CLOUDTRAIL_CLOUDWATCH_LOGS,
        title: "Ensure CloudTrail trails are integrated with CloudWatch Logs",
        severity: Severity::Low,
        section: Section::Logging,
        config_rule: Some("cloud-trail-cloud-watch-logs-enabled"),
        securityhub_id: Some("CloudTrail.5"),
        description: "Sending the trail to CloudWatch Logs makes its events searchable in near real time and is what the monitoring controls 3.1 to 3.14 build on. Every trail must have a log group, and the CIS audit also expects a delivery within the last day.",
        remediation: "Create a log group and a role CloudTrail can assume to write to it, then `aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn <log-group-arn> --cloud-watch-logs-role-arn <role-arn>`.",
        check: CheckKind::Automated,
    },
    Control {
        id: "2.5",
        name: names::CONFIG_ENABLED,
        title: "Ensure AWS Config is enabled",
        severity: Severity::Medium,
        section: Section::Logging,
        config_rule: None,
        securityhub_id: Some("Config.1"),
        description: "AWS Config keeps the history of every resource's configuration, which incident response and change review depend on. In each region, a configuration recorder must record all supported resources, including global ones, must be recording without a failed last status, and must have a delivery channel.",
        remediation: "`aws configservice put-configuration-recorder --recording-group allSupported=true,includeGlobalResourceTypes=true`, `aws configservice put-delivery-channel`, then `aws configservice start-configuration-recorder`, in every region.",
        check: CheckKind::Automated,
    },
    Control {
        id: "2.6",
        name: names::CLOUDTRAIL_BUCKET_LOGGING,
        title: "Ensure S3 access logging is enabled on the CloudTrail bucket",
        severity: Severity::Low,
        section: Section::Logging,
        config_rule: Some("s3-bucket-logging-enabled"),
        securityhub_id: Some("CloudTrail.7"),
        description: "Server access logs of the trail's bucket show who read or tried to change the audit logs themselves.",
        remediation: "`aws s3api put-bucket-logging --bucket <trail-bucket> --bucket-logging-status` with a target bucket other than the trail's own.",
        check: CheckKind::Automated,
    },
    Control {
        id: "2.7",
        name: names::CLOUDTRAIL_KMS_ENCRYPTION,
        title: "Ensure CloudTrail logs are encrypted at rest using KMS keys",
        severity: Severity::Medium,
        section: Section::Logging,
        config_rule: Some("cloud-trail-encryption-enabled"),
        securityhub_id: Some("CloudTrail.2"),
        description: "Encrypting the logs with a customer-managed KMS key adds a second permission, the key policy, between a reader and the logs. Every trail must have a KMS key.",
        remediation: "Create a KMS key whose policy lets CloudTrail encrypt and your auditors decrypt, then `aws cloudtrail update-trail --name <trail> --kms-key-id <key-arn>`.",
        check: CheckKind::Automated,
    },
    Control {
        id: "2.8",
        name: names::KMS_ROTATION,
        title: "Ensure rotation for customer-created CMKs is enabled",
        severity: Severity::Medium,
        section: Section::Logging,
        config_rule: Some("cmk-backing-key-rotation-enabled"),
        securityhub_id: Some("KMS.4"),
        description: "Yearly rotation of key material limits how much data one exposed key version protects. Every enabled, customer-managed, symmetric KMS key must have rotation on.",
        remediation: "`aws kms enable-key-rotation --key-id <key-id>` for each listed key.",
        check: CheckKind::Automated,
    },
    Control {
        id: "2.9",
        name: names::VPC_FLOW_LOGS,
        title: "Ensure VPC flow logging is enabled in all VPCs",
        severity: Severity::Medium,
        section: Section::Logging,
        config_rule: Some("vpc-flow-logs-enabled"),
        securityhub_id: Some("EC2.6"),
        description: "Flow logs record the traffic that reaches network interfaces, which is how unusual connections are noticed and investigated. Every VPC must have at least one active flow log; CIS asks for rejected traffic at least.",
        remediation: "`aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc-id> --traffic-type REJECT` (or ALL) with a CloudWatch Logs or S3 destination.",
        check: CheckKind::Automated,
    },
    Control {
        id: "3.1",
        name: names::FILTER_UNAUTHORIZED_API_CALLS,
        title: "Ensure a log metric filter and alarm exist for unauthorized API calls",
        severity: Severity::Low,
        section: Section::Monitoring,
        config_rule: None,
        securityhub_id: Some("CloudWatch.2"),
        description: "Bursts of denied API calls point at a probing attacker or a broken deployment. The trail's log group must have a metric filter with the CIS pattern for UnauthorizedOperation and AccessDenied errors, an alarm on its metric, and an SNS topic with a confirmed subscriber.",
        remediation: metric_remediation!("UnauthorizedAPICalls", p_3_1!()),
        check: CheckKind::MetricFilter,
    },
    Control {
        id: "3.2",
        name: names::FILTER_CONSOLE_WITHOUT_MFA,
        title: "Ensure a log metric filter and alarm exist for console sign-in without MFA",
        severity: Severity::Low,
        section: Section::Monitoring,
        config_rule: None,
        securityhub_id: Some("CloudWatch.3"),
        description: "A console sign-in without a second factor is either a user not yet enrolled in MFA or a weakness worth knowing about. The trail's log group must have a metric filter with the CIS pattern for ConsoleLogin events without MFA, an alarm on its metric, and an SNS topic with a confirmed subscriber.",
        remediation: metric_remediation!("ConsoleSigninWithoutMFA", p_3_2!()),
        check: CheckKind::MetricFilter,
    },
    Control {
        id: "3.3",
        name: names::FILTER_ROOT_USAGE,
        title: "Ensure a log metric filter and alarm exist for usage of the root account",
        severity: Severity::Low,
        section: Section::Monitoring,
        config_rule: None,
        securityhub_id: Some("CloudWatch.1"),
        description: "Every action taken as root should be noticed, since root cannot be limited. The trail's log group must have a metric filter with the CIS pattern for root activity that AWS services did not perform on its behalf, an alarm on its metric, and an SNS topic with a confirmed subscriber.",
        remediation: metric_remediation!("RootAccountUsage", p_3_3!()),
        check: CheckKind::MetricFilter,
    },
    Control {
        id: "3.4",
        name: names::FILTER_IAM_POLICY_CHANGES,
        title: "Ensure a log metric filter and alarm exist for IAM policy changes",
        severity: Severity::Low,
        section: Section::Monitoring,
        config_rule: None,
        securityhub_id: Some("CloudWatch.4"),
        description: "Changes to IAM policies change who may do what. The trail's log group must have a metric filter with the CIS pattern for the sixteen policy-changing IAM calls, an alarm on its metric, and an SNS topic with a confirmed subscriber.",
        remediation: metric_remediation!("IAMPolicyChanges", p_3_4!()),
        check: CheckKind::MetricFilter,
    },
    Control {
        id: "3.5",
        name: names::FILTER_CLOUDTRAIL_CHANGES,
        title: "Ensure a log metric filter and alarm exist for CloudTrail configuration changes",
        severity: Severity::Low,
        section: Section::Monitoring,
        config_rule: None,
        securityhub_id: Some("CloudWatch.5"),
        description: "Stopping or changing a trail is how activity is hidden. The trail's log group must have a metric filter with the CIS pattern for trail creation, update, deletion and logging start and stop, an alarm on its metric, and an SNS topic with a confirmed subscriber.",
        remediation: metric_remediation!("CloudTrailChanges", p_3_5!()),
        check: CheckKind::MetricFilter,
    },
    Control {
        id: "3.6",
        name: names::FILTER_CONSOLE_AUTH_FAILURES,
        title: "Ensure a log metric filter and alarm exist for console authentication failures",
        severity: Severity::Low,
        section: Section::Monitoring,
        config_rule: None,
        securityhub_id: Some("CloudWatch.6"),
        description: "Repeated failed console sign-ins suggest password guessing. The trail's log group must have a metric filter with the CIS pattern for failed ConsoleLogin events, an alarm on its metric, and an SNS topic with a confirmed subscriber.",
        remediation: metric_remediation!("ConsoleAuthenticationFailure", p_3_6!()),
        check: CheckKind::MetricFilter,
    },
    Control {
        id: "3.7",
        name: names::FILTER_CMK_DISABLED_OR_DELETED,
        title: "Ensure a log metric filter and alarm exist for disabling or scheduled deletion of customer-created CMKs",
        severity: Severity::Low,
        section: Section::Monitoring,
        config_rule: None,
        securityhub_id: Some("CloudWatch.7"),
        description: "Data encrypted under a disabled or deleted key becomes unreadable. The trail's log group must have a metric filter with the CIS pattern for KMS DisableKey and ScheduleKeyDeletion, an alarm on its metric, and an SNS topic with a confirmed subscriber. Security Hub also fails the control when the trail excludes KMS management events.",
        remediation: metric_remediation!("DisableOrDeleteCMK", p_3_7!()),
        check: CheckKind::MetricFilter,
    },
    Control {
        id: "3.8",
        name: names::FILTER_S3_BUCKET_POLICY_CHANGES,
        title: "Ensure a log metric filter and alarm exist for S3 bucket policy changes",
        severity: Severity::Low,
        section: Section::Monitoring,
        config_rule: None,
        securityhub_id: Some("CloudWatch.8"),
        description: "Bucket policy, ACL, CORS, lifecycle and replication changes can expose or remove data. The trail's log group must have a metric filter with the CIS pattern for those nine S3 calls, an alarm on its metric, and an SNS topic with a confirmed subscriber.",
        remediation: metric_remediation!("S3BucketPolicyChanges", p_3_8!()),
        check: CheckKind::MetricFilter,
    },
    Control {
        id: "3.9",
        name: names::FILTER_CONFIG_CHANGES,
        title: "Ensure a log metric filter and alarm exist for AWS Config configuration changes",
        severity: Severity::Low,
        section: Section::Monitoring,
        config_rule: None,
        securityhub_id: Some("CloudWatch.9"),
        description: "Stopping the configuration recorder or changing its delivery channel blinds configuration history. The trail's log group must have a metric filter with the CIS pattern for those AWS Config calls, an alarm on its metric, and an SNS topic with a confirmed subscriber.",
        remediation: metric_remediation!("AWSConfigChanges", p_3_9!()),
        check: CheckKind::MetricFilter,
    },
    Control {
        id: "3.10",
        name: names::FILTER_SECURITY_GROUP_CHANGES,
        title: "Ensure a log metric filter and alarm exist for security group changes",
        severity: Severity::Low,
        section: Section::Monitoring,
        config_rule: None,
        securityhub_id: Some("CloudWatch.10"),
        description: "Security groups are the instance firewall; an unexpected rule can open a service to the internet. The trail's log group must have a metric filter with the CIS pattern for the six security-group calls, an alarm on its metric, and an SNS topic with a confirmed subscriber.",
        remediation: metric_remediation!("SecurityGroupChanges", p_3_10!()),
        check: CheckKind::MetricFilter,
    },
    Control {
        id: "3.11",
        name: names::FILTER_NACL_CHANGES,
        title: "Ensure a log metric filter and alarm exist for changes to network ACLs",
        severity: Severity::Low,
        section: Section::Monitoring,
        config_rule: None,
        securityhub_id: Some("CloudWatch.11"),
        description: "Network ACLs filter traffic at the subnet boundary. The trail's log group must have a metric filter with the CIS pattern for the six network ACL calls, an alarm on its metric, and an SNS topic with a confirmed subscriber.",
        remediation: metric_remediation!("NetworkACLChanges", p_3_11!()),
        check: CheckKind::MetricFilter,
    },
    Control {
        id: "3.12",
        name: names::FILTER_NETWORK_GATEWAY_CHANGES,
        title: "Ensure a log metric filter and alarm exist for changes to network gateways",
        severity: Severity::Low,
        section: Section::Monitoring,
        config_rule: None,
        securityhub_id: Some("CloudWatch.12"),
        description: "Gateways decide what traffic can enter or leave a VPC. The trail's log group must have a metric filter with the CIS pattern for customer and internet gateway changes, an alarm on its metric, and an SNS topic with a confirmed subscriber.",
        remediation: metric_remediation!("NetworkGatewayChanges", p_3_12!()),
        check: CheckKind::MetricFilter,
    },
    Control {
        id: "3.13",
        name: names::FILTER_ROUTE_TABLE_CHANGES,
        title: "Ensure a log metric filter and alarm exist for route table changes",
        severity: Severity::Low,
        section: Section::Monitoring,
        config_rule: None,
        securityhub_id: Some("CloudWatch.13"),
        description: "A changed route can send traffic around inspection or out of the network. The trail's log group must have a metric filter with the CIS pattern for the seven route table calls, an alarm on its metric, and an SNS topic with a confirmed subscriber.",
        remediation: metric_remediation!("RouteTableChanges", p_3_13!()),
        check: CheckKind::MetricFilter,
    },
    Control {
        id: "3.14",
        name: names::FILTER_VPC_CHANGES,
        title: "Ensure a log metric filter and alarm exist for VPC changes",
        severity: Severity::Low,
        section: Section::Monitoring,
        config_rule: None,
        securityhub_id: Some("CloudWatch.14"),
        description: "Creating, deleting, peering or linking VPCs changes the shape of the network. The trail's log group must have a metric filter with the CIS pattern for the eleven VPC calls, an alarm on its metric, and an SNS topic with a confirmed subscriber.",
        remediation: metric_remediation!("VPCChanges", p_3_14!()),
        check: CheckKind::MetricFilter,
    },
    Control {
        id: "4.1",
        name: names::EC2_NO_WORLD_SSH,
        title: "Ensure no security group allows ingress from 0.0.0.0/0 to port 22",
        severity: Severity::High,
        section: Section::Networking,
        config_rule: Some("restricted-ssh"),
        securityhub_id: Some("EC2.13"),
        description: "SSH open to the whole internet invites brute force and exploitation. No security group may have an ingress rule from 0.0.0.0/0 or ::/0 whose protocol is TCP or all and whose port range covers 22.",
        remediation: "Remove the rule (`aws ec2 revoke-security-group-ingress`) and allow SSH only from known address ranges, or use Session Manager instead of SSH.",
        check: CheckKind::Automated,
    },
    Control {
        id: "4.2",
        name: names::EC2_NO_WORLD_RDP,
        title: "Ensure no security group allows ingress from 0.0.0.0/0 to port 3389",
        severity: Severity::High,
        section: Section::Networking,
        config_rule: Some("restricted-common-ports"),
        securityhub_id: Some("EC2.14"),
        description: "RDP open to the whole internet invites brute force and exploitation. No security group may have an ingress rule from 0.0.0.0/0 or ::/0 whose protocol is TCP or all and whose port range covers 3389.",
        remediation: "Remove the rule (`aws ec2 revoke-security-group-ingress`) and allow RDP only from known address ranges or through a bastion or Fleet Manager.",
        check: CheckKind::Automated,
    },
    Control {
        id: "4.3",
        name: names::EC2_DEFAULT_GROUP_CLOSED,
        title: "Ensure the default security group of every VPC restricts all traffic",
        severity: Severity::High,
        section: Section::Networking,
        config_rule: Some("vpc-default-security-group-closed"),
        securityhub_id: Some("EC2.2"),
        description: "Resources launched without an explicit security group land in the default one, so it must allow nothing. The default group of each VPC must have no ingress and no egress rules.",
        remediation: "Revoke every rule of each VPC's default group (`aws ec2 revoke-security-group-ingress` and `revoke-security-group-egress`) and give resources purpose-made groups.",
        check: CheckKind::Automated,
    },
    Control {
        id: "4.4",
        name: names::VPC_PEERING_LEAST_ACCESS,
        title: "Ensure routing tables for VPC peering are least access",
        severity: Severity::Medium,
        section: Section::Networking,
        config_rule: None,
        securityhub_id: None,
        description: "Routes to a peered VPC should cover only the subnets that need to talk to each other, not whole VPC ranges. Which routes are needed is a design decision, so this control is checked by hand.",
        remediation: "Review the routes that target peering connections (`aws ec2 describe-route-tables`) and narrow each to the destination CIDRs that are required (`aws ec2 replace-route` or `delete-route`).",
        check: CheckKind::Manual,
    },
];

/// The control with this CIS v1.2.0 id (`"3.1"`) or Security Hub control id
/// (`"CloudWatch.2"`, case-insensitive). `CloudWatch.1` names 3.3, the
/// control Security Hub evaluates; 1.1 runs the same check.
pub fn control(id: &str) -> Option<&'static Control> {
    let id = id.trim();
    if let Some(c) = CONTROLS.iter().find(|c| c.id == id) {
        return Some(c);
    }
    let mut matches = CONTROLS.iter().filter(|c| {
        c.securityhub_id
            .is_some_and(|sh| sh.eq_ignore_ascii_case(id))
    });
    let first = matches.next()?;
    Some(
        std::iter::once(first)
            .chain(matches)
            .find(|c| c.section == Section::Monitoring)
            .unwrap_or(first),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The numeric parts of a dotted id (`"3.10"` → `[3, 10]`).
    fn id_key(id: &str) -> Option<Vec<u32>> {
        id.split('.').map(|p| p.parse().ok()).collect()
    }

    #[test]
    fn table_invariants() {
        // Exactly the v1.2.0 controls, each once, in CIS order.
        let mut expected = Vec::new();
        for n in 1..=22 {
            expected.push(format!("1.{n}"));
        }
        for n in 1..=9 {
            expected.push(format!("2.{n}"));
        }
        for n in 1..=14 {
            expected.push(format!("3.{n}"));
        }
        for n in 1..=4 {
            expected.push(format!("4.{n}"));
        }
        let ids: Vec<&str> = CONTROLS.iter().map(|c| c.id).collect();
        assert_eq!(ids, expected);
        let keys: Vec<Vec<u32>> = CONTROLS.iter().map(|c| id_key(c.id).unwrap()).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "not in CIS order");

        let manual: Vec<&str> = CONTROLS
            .iter()
            .filter(|c| c.check == CheckKind::Manual)
            .map(|c| c.id)
            .collect();
        assert_eq!(manual, ["1.15", "1.17", "1.18", "1.19", "1.21", "4.4"]);
        let metric: Vec<&str> = CONTROLS
            .iter()
            .filter(|c| c.check == CheckKind::MetricFilter)
            .map(|c| c.id)
            .collect();
        let mut want = vec!["1.1".to_owned()];
        want.extend((1..=14).map(|n| format!("3.{n}")));
        assert_eq!(metric, want);

        let mut sh_seen = HashSet::new();
        for c in CONTROLS {
            // The section follows the number.
            assert_eq!(Some(c.section.number()), keys_first(c.id), "{}", c.id);
            assert!(!c.title.is_empty() && !c.description.is_empty() && !c.remediation.is_empty());
            assert!(
                !c.title.ends_with('.'),
                "{}: title ends with a period",
                c.id
            );
            match c.check {
                CheckKind::Manual => {
                    assert_eq!(c.securityhub_id, None, "{}", c.id);
                    assert_eq!(c.config_rule, None, "{}", c.id);
                }
                CheckKind::MetricFilter => {
                    let sh = c.securityhub_id.unwrap();
                    assert!(sh.starts_with("CloudWatch."), "{}", c.id);
                    assert_eq!(c.severity, Severity::Low);
                    // The remediation spells out the whole chain.
                    for needle in [
                        "put-metric-filter",
                        "metricValue=1",
                        "put-metric-alarm",
                        "--period 300",
                        "--threshold 1",
                        "GreaterThanOrEqualToThreshold",
                        "sns create-topic",
                        "sns subscribe",
                        "confirm",
                    ] {
                        assert!(c.remediation.contains(needle), "{}: {needle}", c.id);
                    }
                }
                CheckKind::Automated => assert!(c.securityhub_id.is_some(), "{}", c.id),
            }
            if let Some(sh) = c.securityhub_id {
                // Unique, except that 1.1 reuses 3.3's CloudWatch.1.
                if c.id != "1.1" {
                    assert!(sh_seen.insert(sh), "{sh} used twice");
                }
            }
        }
        assert_eq!(
            control("1.1").unwrap().securityhub_id,
            control("3.3").unwrap().securityhub_id
        );
    }

    fn keys_first(id: &str) -> Option<u32> {
        id_key(id).and_then(|k| k.first().copied())
    }

    #[test]
    fn lookup_by_cis_or_security_hub_id() {
        assert_eq!(control("3.1").unwrap().id, "3.1");
        assert_eq!(control(" 3.10 ").unwrap().id, "3.10");
        assert_eq!(control("CloudWatch.2").unwrap().id, "3.1");
        assert_eq!(control("cloudwatch.14").unwrap().id, "3.14");
        assert_eq!(control("CloudWatch.1").unwrap().id, "3.3");
        assert_eq!(control("IAM.9").unwrap().id, "1.13");
        assert_eq!(control("EC2.2").unwrap().id, "4.3");
        assert!(control("3.15").is_none());
        assert!(control("CloudWatch.15").is_none());
        assert!(control("").is_none());
    }

    #[test]
    fn severity_and_kinds_serialize_as_documented() {
        assert_eq!(
            serde_json::to_string(&Severity::Critical).unwrap(),
            "\"CRITICAL\""
        );
        assert_eq!(Severity::Low.to_string(), "LOW");
        assert_eq!(
            serde_json::to_string(&CheckKind::MetricFilter).unwrap(),
            "\"metric_filter\""
        );
        assert_eq!(serde_json::to_string(&Section::Iam).unwrap(), "\"iam\"");
    }

    #[test]
    fn metric_remediation_quotes_the_seed_pattern() {
        let c = control("3.6").unwrap();
        assert!(c.remediation.contains(
            r#"--filter-pattern '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}'"#
        ));
    }
}

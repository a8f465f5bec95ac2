//! Every reason code a finding can carry, with its meaning.
//!
//! A reason code is the stable, upper-case name of one outcome of a check
//! (`reason_code` in the JSON report). This is the one list of them: checks
//! name the constants below, never a string, and a test holds
//! `docs/report.md` to exactly this list.

use super::finding::Status;

/// One registered reason code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reason {
    /// The code, e.g. `MFA_NOT_ENABLED`.
    pub code: &'static str,
    /// The status it usually comes with.
    pub status: Status,
    /// Which controls give it, and what it means.
    pub meaning: &'static str,
}

/// Declares one constant per code and [`REASONS`], the registry.
macro_rules! reasons {
    ($($code:ident $status:ident $meaning:literal;)*) => {
        $(
            #[doc = $meaning]
            pub const $code: &str = stringify!($code);
        )*
        /// Every reason code, in alphabetical order.
        pub static REASONS: &[Reason] = &[
            $(Reason { code: $code, status: Status::$status, meaning: $meaning },)*
        ];
    };
}

reasons! {
    ACCESS_KEY_NOT_ROTATED Failed "1.4: an active access key was created or last rotated more than 90 days before the snapshot";
    ACCESS_KEY_ROTATED Passed "1.4: every active access key was rotated within 90 days";
    ACCOUNT_NOT_AUDITED NotAvailable "organization: the account could not be audited (its role could not be assumed, or every call was denied); every control carries the recorded error";
    BENCHMARK_HAS_NO_PATTERN NotAvailable "1.1, 3.x: the chosen benchmark has no canonical pattern for the control";
    BUCKET_LOGGING_DISABLED Failed "2.6: the trail's bucket has server access logging off";
    BUCKET_LOGGING_ENABLED Passed "2.6: the trail's bucket has server access logging on";
    BUCKET_NOT_FOUND Failed "2.3, 2.6: the trail's bucket does not exist (S3 answers `NoSuchBucket`)";
    BUCKET_NOT_PUBLIC Passed "2.3: neither the bucket ACL nor its policy grants public access";
    BUCKET_POLICY_UNREADABLE NotAvailable "2.3: the bucket policy is not a policy document that can be judged";
    BUCKET_PUBLIC Failed "2.3: the bucket ACL or policy grants public access";
    BUCKET_PUBLIC_ACCESS_BLOCKED Passed "2.3: public grants exist, but Block Public Access neutralises them";
    CHAIN_COMPLETE Passed "1.1, 3.x: a complete chain: trail, log group, metric filter, alarm, topic and confirmed subscription";
    CLOUDTRAIL_METRIC_FILTERS_NOT_PRESENT Failed "1.1, 3.x: the trail's log group has no metric filter";
    CLOUDTRAIL_METRIC_FILTER_NOT_VALID Failed "1.1, 3.x: no metric filter's pattern passes";
    CLOUDTRAIL_MULTI_REGION_NOT_PRESENT Failed "2.1, 1.1, 3.x: no trail is multi-region, logging and recording all management events (with a log group, for the chain)";
    CLOUDTRAIL_NOT_PRESENT Failed "2.1: the account has no CloudTrail trail";
    CLOUDTRAIL_OTHER_ACCOUNT Warning "1.1, 3.x: the trail or its log group belongs to another account";
    CLOUDTRAIL_OTHER_REGION Warning "1.1, 3.x: the log group or topic is in a region the snapshot does not cover";
    CLOUDWATCH_ALARMS_NOT_PRESENT Failed "1.1, 3.x: no alarm watches the filter's metric in that region";
    CLOUDWATCH_ALARM_ACTIONS_NOT_VALID Failed "1.1, 3.x: the alarm's actions are disabled, or none is an SNS topic";
    CLOUDWATCH_LOGS_CONFIGURED Passed "2.4: the trail sends events to a CloudWatch Logs log group";
    CLOUDWATCH_LOGS_DELIVERING Passed "2.4 (`--procedure cis`): the trail delivered to CloudWatch Logs within the last day";
    CLOUDWATCH_LOGS_DELIVERY_STALE Failed "2.4 (`--procedure cis`): the last delivery to CloudWatch Logs was more than a day before the snapshot";
    CLOUDWATCH_LOGS_NOT_CONFIGURED Failed "2.4: the trail sends no events to CloudWatch Logs";
    CLOUDWATCH_LOGS_NO_DELIVERY Failed "2.4 (`--procedure cis`): the trail names a log group but never delivered to it";
    CONFIG_DELIVERY_CHANNEL_NOT_PRESENT Failed "2.5: the region has no AWS Config delivery channel";
    CONFIG_ENABLED Passed "2.5: the region's recorder records all supported resources and has a delivery channel";
    CONFIG_GLOBAL_RESOURCES_NOT_RECORDED Failed "2.5: no region records global resource types (NOT_AVAILABLE when no readable region does and some region could not be read)";
    CONFIG_RECORDER_FAILING Failed "2.5: the recorder's last status is FAILURE";
    CONFIG_RECORDER_INCOMPLETE Failed "2.5: the recorder does not record all supported resource types";
    CONFIG_RECORDER_NOT_PRESENT Failed "2.5: the region has no configuration recorder";
    CONFIG_RECORDER_NOT_RECORDING Failed "2.5: the recorder is not recording, or has no status";
    CONFIG_RECORDER_NOT_SUCCEEDED Failed "2.5 (`--procedure cis`): the recorder's last status is not SUCCESS";
    CREDENTIALS_UNUSED_90_DAYS Failed "1.3: an enabled password or active access key was not used for more than 90 days";
    CREDENTIALS_USED Passed "1.3: every enabled credential was used (or created) within 90 days";
    CREDENTIAL_DATES_UNKNOWN NotAvailable "1.3, 1.4: the credential report gives no usable date for a credential";
    CREDENTIAL_REPORT_INCOMPLETE NotAvailable "1.2-1.4: the credential report has no `<root_account>` row, so it is incomplete";
    DATA_NOT_AVAILABLE NotAvailable "any: the data the check needs could not be read (the recorded error is in `evidence.error`), or the snapshot covers no region";
    DEFAULT_GROUP_CLOSED Passed "4.3: the VPC's default security group has no rules";
    DEFAULT_GROUP_OPEN Failed "4.3: the VPC's default security group has inbound or outbound rules";
    FLOW_LOGS_ENABLED Passed "2.9: an active flow log records the VPC's rejected traffic";
    FLOW_LOGS_INSUFFICIENT Failed "2.9: the VPC's flow logs are inactive or record accepted traffic only";
    FLOW_LOGS_NOT_ENABLED Failed "2.9: the VPC has no flow log";
    FLOW_LOG_STATUS_UNKNOWN NotAvailable "2.9: the VPC's flow logs do not report their status or traffic type";
    KEY_ROTATION_DISABLED Failed "2.8: automatic rotation of the customer-managed key is off";
    KEY_ROTATION_ENABLED Passed "2.8: automatic rotation of the customer-managed key is on";
    LOG_FILE_VALIDATION_DISABLED Failed "2.2: the trail's log file validation is off";
    LOG_FILE_VALIDATION_ENABLED Passed "2.2: the trail's log file validation is on";
    MANUAL_CONTROL NotAvailable "1.15, 1.17-1.19, 1.21, 4.4: a manual control, checked by hand";
    METRIC_FILTER_ON_TRANSFORMED_LOGS Warning "1.1, 3.x: the only filter with the control's pattern reads transformed events (`applyOnTransformedLogs`), which may lack CloudTrail's fields";
    MFA_ACTIVE Passed "1.2: the user has a console password and an MFA device";
    MFA_NOT_ENABLED Failed "1.2: the user has a console password but no MFA device";
    MULTI_REGION_TRAIL_PRESENT Passed "2.1: a multi-region trail is logging all management events";
    NOT_IMPLEMENTED NotAvailable "any: this version of cis-filters has no check for the control";
    NO_ACTIVE_ACCESS_KEY Passed "1.4: the user has no active access key";
    NO_ATTACHED_CUSTOMER_POLICIES Passed "1.22: no customer-managed policy is attached to anything";
    NO_CONSOLE_PASSWORD Passed "1.2: the user has no console password";
    NO_CUSTOMER_KEYS Passed "2.8: the region has no enabled customer-managed symmetric key";
    NO_DEFAULT_GROUPS Passed "4.3: no default security group in the regions read";
    NO_IAM_USERS Passed "1.2-1.4, 1.16: the account has no IAM user";
    NO_ROOT_ACCESS_KEYS Passed "1.12: the root user has no access key";
    NO_SECURITY_GROUPS Passed "4.1, 4.2: no security group in the regions read";
    NO_USER_POLICIES Passed "1.16: no policy is attached to the user directly";
    NO_VPCS Passed "2.9: no VPC in the regions read";
    PASSWORD_POLICY_MISSING Failed "1.5-1.11: the account has no password policy";
    PASSWORD_POLICY_OK Passed "1.5-1.11: the password policy sets the required value";
    PASSWORD_POLICY_WEAK Failed "1.5-1.11: the password policy does not set the required value";
    POLICY_DOCUMENT_UNREADABLE NotAvailable "1.22: the policy's default version is not a policy document that can be judged";
    POLICY_GRANTS_FULL_ADMIN Failed "1.22: the policy allows action `*` on resource `*`";
    POLICY_NOT_FULL_ADMIN Passed "1.22: no statement of the policy allows `*` on `*`";
    PORT_NOT_OPEN_TO_WORLD Passed "4.1, 4.2: no inbound rule of the group admits the internet to the port";
    PORT_OPEN_TO_WORLD Failed "4.1, 4.2: an inbound rule admits the internet (`0.0.0.0/0`, `::/0`) to the port";
    ROOT_ACCESS_KEYS_PRESENT Failed "1.12: the root user has an access key";
    ROOT_MFA_ENABLED Passed "1.13: the root user has MFA";
    ROOT_MFA_HARDWARE Passed "1.14: the root user has MFA and no virtual MFA device is assigned to it";
    ROOT_MFA_NOT_ENABLED Failed "1.13, 1.14: the root user has no MFA device";
    ROOT_MFA_VIRTUAL Failed "1.14: the root user's MFA is a virtual device";
    SNS_SUBSCRIPTION_NOT_PRESENT Failed "1.1, 3.x: the alarm's topic has no confirmed subscription";
    SNS_TOPIC_CROSS_ACCOUNT Warning "1.1, 3.x: the alarm's topic belongs to another account";
    SNS_TOPIC_CROSS_ACCOUNT_CROSS_REGION Warning "1.1, 3.x: the alarm's topic belongs to another account and region";
    SNS_TOPIC_INVALID Failed "1.1, 3.x: the alarm's topic does not exist";
    SUPPORT_ROLE_NOT_PRESENT Failed "1.20: AWSSupportAccess is attached to no role";
    SUPPORT_ROLE_PRESENT Passed "1.20: AWSSupportAccess is attached to a role";
    TRAIL_ENCRYPTED Passed "2.7: the trail's logs are encrypted with a KMS key";
    TRAIL_NOT_ENCRYPTED Failed "2.7: the trail's logs are not encrypted with a KMS key";
    USER_HAS_POLICIES Failed "1.16: the user has attached or inline policies";
}

/// The registered reason code `code`, if there is one.
pub fn reason(code: &str) -> Option<&'static Reason> {
    REASONS.iter().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_unique_and_upper_case() {
        let codes: Vec<&str> = REASONS.iter().map(|r| r.code).collect();
        assert!(
            codes.windows(2).all(|w| w[0] < w[1]),
            "not sorted or not unique"
        );
        for c in codes {
            assert!(
                c.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                "{c}"
            );
        }
        assert_eq!(
            reason(MFA_NOT_ENABLED).map(|r| r.status),
            Some(Status::Failed)
        );
        assert!(reason("NO_SUCH_CODE").is_none());
    }

    /// The codes in the table of `docs/report.md`'s "Reason codes" section.
    fn documented_codes() -> Vec<String> {
        let doc = include_str!("../../docs/report.md");
        let Some(start) = doc.find("\n## Reason codes\n") else {
            panic!("docs/report.md has no `## Reason codes` section")
        };
        let section = &doc[start + 1..];
        let end = section[1..].find("\n## ").map_or(section.len(), |e| e + 1);
        section[..end]
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split_once('`'))
            .map(|(code, _)| code.to_owned())
            .collect()
    }

    #[test]
    fn docs_list_exactly_the_registered_codes() {
        let documented = documented_codes();
        let registered: Vec<String> = REASONS.iter().map(|r| r.code.to_owned()).collect();
        let missing: Vec<&String> = registered
            .iter()
            .filter(|c| !documented.contains(c))
            .collect();
        let unknown: Vec<&String> = documented
            .iter()
            .filter(|c| !registered.contains(c))
            .collect();
        assert!(
            missing.is_empty() && unknown.is_empty(),
            "docs/report.md lacks {missing:?} and lists unregistered {unknown:?}"
        );
        assert_eq!(
            documented, registered,
            "docs/report.md: not in registry order"
        );
        for r in REASONS {
            let row = format!("| `{}` | {} | {} |", r.code, r.status, r.meaning);
            assert!(
                include_str!("../../docs/report.md").contains(&row),
                "docs/report.md: the row of {} differs from the registry",
                r.code
            );
        }
    }
}

//! Stable, version-free names of the checks (Prowler style:
//! `<service>_<what is checked>`).
//!
//! A name identifies what is checked, whatever a benchmark version numbers
//! it: `cloudwatch_filter_unauthorized_api_calls` is 3.1 in CIS v1.2.0,
//! CloudWatch.2 in Security Hub and 4.1 in CIS v1.4.0 and later. The
//! catalog's controls and every benchmark's pattern rows name their check
//! with these constants; the audit's check rows (`audit::registry`) too.
//! Names appear in no output format.

/// CIS v1.2.0 1.1.
pub const IAM_AVOID_ROOT_USAGE: &str = "iam_avoid_root_usage";
/// CIS v1.2.0 1.2.
pub const IAM_USER_MFA_CONSOLE: &str = "iam_user_mfa_enabled_console_access";
/// CIS v1.2.0 1.3.
pub const IAM_UNUSED_CREDENTIALS: &str = "iam_user_unused_credentials_disabled";
/// CIS v1.2.0 1.4.
pub const IAM_ACCESS_KEYS_ROTATED: &str = "iam_user_access_keys_rotated_90_days";
/// CIS v1.2.0 1.5.
pub const IAM_PASSWORD_UPPERCASE: &str = "iam_password_policy_uppercase";
/// CIS v1.2.0 1.6.
pub const IAM_PASSWORD_LOWERCASE: &str = "iam_password_policy_lowercase";
/// CIS v1.2.0 1.7.
pub const IAM_PASSWORD_SYMBOL: &str = "iam_password_policy_symbol";
/// CIS v1.2.0 1.8.
pub const IAM_PASSWORD_NUMBER: &str = "iam_password_policy_number";
/// CIS v1.2.0 1.9.
pub const IAM_PASSWORD_LENGTH: &str = "iam_password_policy_minimum_length_14";
/// CIS v1.2.0 1.10.
pub const IAM_PASSWORD_REUSE: &str = "iam_password_policy_reuse_24";
/// CIS v1.2.0 1.11.
pub const IAM_PASSWORD_MAX_AGE: &str = "iam_password_policy_expires_90_days";
/// CIS v1.2.0 1.12.
pub const IAM_NO_ROOT_ACCESS_KEY: &str = "iam_no_root_access_key";
/// CIS v1.2.0 1.13.
pub const IAM_ROOT_MFA: &str = "iam_root_mfa_enabled";
/// CIS v1.2.0 1.14.
pub const IAM_ROOT_HARDWARE_MFA: &str = "iam_root_hardware_mfa_enabled";
/// CIS v1.2.0 1.15.
pub const ACCOUNT_SECURITY_QUESTIONS: &str = "account_security_questions_registered";
/// CIS v1.2.0 1.16.
pub const IAM_POLICIES_ON_GROUPS_OR_ROLES: &str = "iam_policy_attached_only_to_groups_or_roles";
/// CIS v1.2.0 1.17.
pub const ACCOUNT_CONTACT_DETAILS: &str = "account_contact_details_maintained";
/// CIS v1.2.0 1.18.
pub const ACCOUNT_SECURITY_CONTACT: &str = "account_security_contact_registered";
/// CIS v1.2.0 1.19.
pub const EC2_INSTANCE_ROLES: &str = "ec2_instance_roles_used";
/// CIS v1.2.0 1.20.
pub const IAM_SUPPORT_ROLE: &str = "iam_support_role_created";
/// CIS v1.2.0 1.21.
pub const IAM_NO_INITIAL_ACCESS_KEYS: &str = "iam_user_no_setup_initial_access_key";
/// CIS v1.2.0 1.22.
pub const IAM_NO_FULL_ADMIN_POLICIES: &str = "iam_no_custom_policy_full_admin";
/// CIS v1.2.0 2.1.
pub const CLOUDTRAIL_MULTI_REGION: &str = "cloudtrail_multi_region_enabled";
/// CIS v1.2.0 2.2.
pub const CLOUDTRAIL_LOG_FILE_VALIDATION: &str = "cloudtrail_log_file_validation_enabled";
/// CIS v1.2.0 2.3.
pub const CLOUDTRAIL_BUCKET_NOT_PUBLIC: &str = "cloudtrail_logs_s3_bucket_not_public";
/// CIS v1.2.0 2.4.
pub const CLOUDTRAIL_CLOUDWATCH_LOGS: &str = "cloudtrail_cloudwatch_logging_enabled";
/// CIS v1.2.0 2.5.
pub const CONFIG_ENABLED: &str = "config_recorder_all_regions_enabled";
/// CIS v1.2.0 2.6.
pub const CLOUDTRAIL_BUCKET_LOGGING: &str = "cloudtrail_logs_s3_bucket_access_logging_enabled";
/// CIS v1.2.0 2.7.
pub const CLOUDTRAIL_KMS_ENCRYPTION: &str = "cloudtrail_kms_encryption_enabled";
/// CIS v1.2.0 2.8.
pub const KMS_ROTATION: &str = "kms_cmk_rotation_enabled";
/// CIS v1.2.0 2.9.
pub const VPC_FLOW_LOGS: &str = "vpc_flow_logs_enabled";
/// CIS v1.2.0 3.1.
pub const FILTER_UNAUTHORIZED_API_CALLS: &str = "cloudwatch_filter_unauthorized_api_calls";
/// CIS v1.2.0 3.2.
pub const FILTER_CONSOLE_WITHOUT_MFA: &str = "cloudwatch_filter_console_sign_in_without_mfa";
/// CIS v1.2.0 3.3.
pub const FILTER_ROOT_USAGE: &str = "cloudwatch_filter_root_usage";
/// CIS v1.2.0 3.4.
pub const FILTER_IAM_POLICY_CHANGES: &str = "cloudwatch_filter_iam_policy_changes";
/// CIS v1.2.0 3.5.
pub const FILTER_CLOUDTRAIL_CHANGES: &str = "cloudwatch_filter_cloudtrail_changes";
/// CIS v1.2.0 3.6.
pub const FILTER_CONSOLE_AUTH_FAILURES: &str = "cloudwatch_filter_console_authentication_failures";
/// CIS v1.2.0 3.7.
pub const FILTER_CMK_DISABLED_OR_DELETED: &str =
    "cloudwatch_filter_cmk_disabled_or_scheduled_deletion";
/// CIS v1.2.0 3.8.
pub const FILTER_S3_BUCKET_POLICY_CHANGES: &str = "cloudwatch_filter_s3_bucket_policy_changes";
/// CIS v1.2.0 3.9.
pub const FILTER_CONFIG_CHANGES: &str = "cloudwatch_filter_config_changes";
/// CIS v1.2.0 3.10.
pub const FILTER_SECURITY_GROUP_CHANGES: &str = "cloudwatch_filter_security_group_changes";
/// CIS v1.2.0 3.11.
pub const FILTER_NACL_CHANGES: &str = "cloudwatch_filter_nacl_changes";
/// CIS v1.2.0 3.12.
pub const FILTER_NETWORK_GATEWAY_CHANGES: &str = "cloudwatch_filter_network_gateway_changes";
/// CIS v1.2.0 3.13.
pub const FILTER_ROUTE_TABLE_CHANGES: &str = "cloudwatch_filter_route_table_changes";
/// CIS v1.2.0 3.14.
pub const FILTER_VPC_CHANGES: &str = "cloudwatch_filter_vpc_changes";
/// CIS v1.3.0 and later 4.15 (no CIS v1.2.0 control).
pub const FILTER_ORGANIZATIONS_CHANGES: &str = "cloudwatch_filter_organizations_changes";
/// CIS v1.2.0 4.1.
pub const EC2_NO_WORLD_SSH: &str = "ec2_securitygroup_no_world_ingress_port_22";
/// CIS v1.2.0 4.2.
pub const EC2_NO_WORLD_RDP: &str = "ec2_securitygroup_no_world_ingress_port_3389";
/// CIS v1.2.0 4.3.
pub const EC2_DEFAULT_GROUP_CLOSED: &str = "ec2_securitygroup_default_restricts_all_traffic";
/// CIS v1.2.0 4.4.
pub const VPC_PEERING_LEAST_ACCESS: &str = "vpc_peering_routes_least_access";

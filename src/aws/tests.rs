//! The collector against a replayed AWS ([`super::fake`]): the real SDK
//! clients, real wire formats, canned answers. These cover what moto fakes or
//! lacks (see `tests/it/e2e.rs`): the credential report's root row and its
//! polling, AccountMFAEnabled = 1, root virtual MFA, PendingConfirmation
//! subscriptions, LatestCloudWatchLogsDeliveryTime, multi-page answers,
//! URL-encoded policy documents, the account-level public access block, and
//! the fault paths: AccessDenied on one service, throttling then success, a
//! hung call, resources deleted while they are read, endless pagination, plain
//! http:// to a remote host.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::fake::{Fake, Reply};
use super::*;

const ACCT: &str = "123456789012";

fn query(op: &str, result: &str) -> Reply {
    Reply::ok(format!(
        "<{op}Response><{op}Result>{result}</{op}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{op}Response>"
    ))
}

fn ec2(op: &str, body: &str) -> Reply {
    Reply::ok(format!(
        "<{op}Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId>{body}</{op}Response>"
    ))
}

fn json(body: &str) -> Reply {
    Reply::ok(body).header("content-type", "application/x-amz-json-1.1")
}

fn xml(body: &str) -> Reply {
    Reply::ok(body).header("content-type", "application/xml")
}

const CSV_HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

fn report_reply() -> Reply {
    let csv = format!(
        "{CSV_HEADER}\n<root_account>,arn:aws:iam::{ACCT}:root,2020-01-01T00:00:00+00:00,not_supported,2024-04-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
         alice,arn:aws:iam::{ACCT}:user/alice,2020-01-01T00:00:00+00:00,true,no_information,2020-01-01T00:00:00+00:00,N/A,false,true,2020-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
    );
    query(
        "GetCredentialReport",
        &format!(
            "<Content>{}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2024-05-01T12:00:00Z</GeneratedTime>",
            aws_smithy_types::base64::encode(csv.as_bytes())
        ),
    )
}

/// An account answering every call the collector makes, in one region.
fn account() -> Fake {
    let f = Fake::new();
    let user = |name: &str| {
        format!(
            "<Path>/</Path><UserName>{name}</UserName><UserId>AID{name}</UserId><Arn>arn:aws:iam::{ACCT}:user/{name}</Arn><CreateDate>2020-01-01T00:00:00Z</CreateDate>"
        )
    };
    f.on(
        "sts",
        "GetCallerIdentity",
        vec![query(
            "GetCallerIdentity",
            &format!("<Arn>arn:aws:iam::{ACCT}:user/auditor</Arn><UserId>AIDA</UserId><Account>{ACCT}</Account>"),
        )],
    );
    // --- IAM
    f.on(
        "iam",
        "GenerateCredentialReport",
        vec![
            query("GenerateCredentialReport", "<State>STARTED</State>"),
            query("GenerateCredentialReport", "<State>COMPLETE</State>"),
        ],
    );
    f.on(
        "iam",
        "GetCredentialReport",
        vec![
            Reply::xml_error(404, "ReportInProgress", "not yet"),
            report_reply(),
        ],
    );
    f.on(
        "iam",
        "GetAccountPasswordPolicy",
        vec![query(
            "GetAccountPasswordPolicy",
            "<PasswordPolicy><MinimumPasswordLength>14</MinimumPasswordLength><RequireSymbols>true</RequireSymbols><RequireNumbers>true</RequireNumbers><RequireUppercaseCharacters>true</RequireUppercaseCharacters><RequireLowercaseCharacters>true</RequireLowercaseCharacters><AllowUsersToChangePassword>true</AllowUsersToChangePassword><ExpirePasswords>true</ExpirePasswords><MaxPasswordAge>90</MaxPasswordAge><PasswordReusePrevention>24</PasswordReusePrevention></PasswordPolicy>",
        )],
    );
    f.on(
        "iam",
        "GetAccountSummary",
        vec![query(
            "GetAccountSummary",
            "<SummaryMap><entry><key>AccountMFAEnabled</key><value>1</value></entry><entry><key>AccountAccessKeysPresent</key><value>0</value></entry></SummaryMap>",
        )],
    );
    f.on(
        "iam",
        "ListVirtualMFADevices",
        vec![query(
            "ListVirtualMFADevices",
            &format!(
                "<IsTruncated>false</IsTruncated><VirtualMFADevices><member><SerialNumber>arn:aws:iam::{ACCT}:mfa/root-account-mfa-device</SerialNumber><User><Path>/</Path><UserName>root</UserName><UserId>{ACCT}</UserId><Arn>arn:aws:iam::{ACCT}:root</Arn><CreateDate>2020-01-01T00:00:00Z</CreateDate></User><EnableDate>2021-01-01T00:00:00Z</EnableDate></member></VirtualMFADevices>"
            ),
        )],
    );
    // Two pages of users: the marker of page one is sent back.
    f.on(
        "iam",
        "ListUsers",
        vec![
            query(
                "ListUsers",
                &format!("<IsTruncated>true</IsTruncated><Marker>m1</Marker><Users><member>{}</member></Users>", user("alice")),
            ),
            query(
                "ListUsers",
                &format!("<IsTruncated>false</IsTruncated><Users><member>{}</member></Users>", user("bob")),
            ),
        ],
    );
    f.on(
        "iam",
        "ListAttachedUserPolicies",
        vec![query(
            "ListAttachedUserPolicies",
            "<IsTruncated>false</IsTruncated><AttachedPolicies><member><PolicyName>ReadOnlyAccess</PolicyName><PolicyArn>arn:aws:iam::aws:policy/ReadOnlyAccess</PolicyArn></member></AttachedPolicies>",
        )],
    );
    f.on(
        "iam",
        "ListUserPolicies",
        vec![query(
            "ListUserPolicies",
            "<IsTruncated>false</IsTruncated><PolicyNames><member>inline</member></PolicyNames>",
        )],
    );
    f.on(
        "iam",
        "ListPolicies",
        vec![query(
            "ListPolicies",
            &format!("<IsTruncated>false</IsTruncated><Policies><member><PolicyName>admin</PolicyName><PolicyId>P1</PolicyId><Arn>arn:aws:iam::{ACCT}:policy/admin</Arn><DefaultVersionId>v2</DefaultVersionId><AttachmentCount>1</AttachmentCount></member></Policies>"),
        )],
    );
    // AWS sends policy documents URL-encoded.
    f.on(
        "iam",
        "GetPolicyVersion",
        vec![query(
            "GetPolicyVersion",
            "<PolicyVersion><Document>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D</Document><VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>",
        )],
    );
    f.on(
        "iam",
        "ListEntitiesForPolicy",
        vec![query(
            "ListEntitiesForPolicy",
            "<IsTruncated>false</IsTruncated><PolicyRoles><member><RoleName>support</RoleName><RoleId>R1</RoleId></member></PolicyRoles><PolicyGroups/><PolicyUsers/>",
        )],
    );
    // --- CloudTrail
    let trail_arn = format!("arn:aws:cloudtrail:us-east-1:{ACCT}:trail/main");
    f.on(
        "cloudtrail",
        "DescribeTrails",
        vec![json(&format!(
            r#"{{"trailList":[{{"Name":"main","TrailARN":"{trail_arn}","HomeRegion":"us-east-1","IsMultiRegionTrail":true,"IsOrganizationTrail":false,"IncludeGlobalServiceEvents":true,"S3BucketName":"trail-bucket","LogFileValidationEnabled":true,"CloudWatchLogsLogGroupArn":"arn:aws:logs:us-east-1:{ACCT}:log-group:cloudtrail:*","KmsKeyId":"arn:aws:kms:us-east-1:{ACCT}:key/k1"}}]}}"#
        ))],
    );
    f.on(
        "cloudtrail",
        "GetTrailStatus",
        vec![json(
            r#"{"IsLogging":true,"LatestCloudWatchLogsDeliveryTime":1714564000,"LatestDeliveryTime":1714563000}"#,
        )],
    );
    f.on(
        "cloudtrail",
        "GetEventSelectors",
        vec![json(&format!(
            r#"{{"TrailARN":"{trail_arn}","EventSelectors":[{{"ReadWriteType":"All","IncludeManagementEvents":true,"ExcludeManagementEventSources":["kms.amazonaws.com"],"DataResources":[]}}]}}"#
        ))],
    );
    // --- CloudWatch Logs: metric filters over two pages
    f.on(
        "logs",
        "DescribeLogGroups",
        vec![json(&format!(
            r#"{{"logGroups":[{{"logGroupName":"cloudtrail","arn":"arn:aws:logs:us-east-1:{ACCT}:log-group:cloudtrail:*","retentionInDays":365}}]}}"#
        ))],
    );
    let filter = |name: &str| {
        format!(
            r#"{{"filterName":"{name}","logGroupName":"cloudtrail","filterPattern":"{{ $.eventName = \"ConsoleLogin\" }}","metricTransformations":[{{"metricName":"{name}","metricNamespace":"LogMetrics","metricValue":"1"}}]}}"#
        )
    };
    f.on(
        "logs",
        "DescribeMetricFilters",
        vec![
            json(&format!(
                r#"{{"metricFilters":[{}],"nextToken":"t1"}}"#,
                filter("f1")
            )),
            json(&format!(r#"{{"metricFilters":[{}]}}"#, filter("f2"))),
        ],
    );
    // --- CloudWatch and SNS
    let topic = format!("arn:aws:sns:us-east-1:{ACCT}:alarms");
    f.on(
        "monitoring",
        "DescribeAlarms",
        vec![query(
            "DescribeAlarms",
            &format!("<MetricAlarms><member><AlarmName>a1</AlarmName><AlarmArn>arn:aws:cloudwatch:us-east-1:{ACCT}:alarm:a1</AlarmArn><ActionsEnabled>true</ActionsEnabled><AlarmActions><member>{topic}</member></AlarmActions><MetricName>f1</MetricName><Namespace>LogMetrics</Namespace><Statistic>Sum</Statistic><Period>300</Period><EvaluationPeriods>1</EvaluationPeriods><Threshold>1.0</Threshold><ComparisonOperator>GreaterThanOrEqualToThreshold</ComparisonOperator><StateValue>OK</StateValue></member></MetricAlarms>"),
        )],
    );
    f.on(
        "sns",
        "ListTopics",
        vec![query(
            "ListTopics",
            &format!("<Topics><member><TopicArn>{topic}</TopicArn></member></Topics>"),
        )],
    );
    f.on(
        "sns",
        "GetTopicAttributes",
        vec![query(
            "GetTopicAttributes",
            &format!("<Attributes><entry><key>Owner</key><value>{ACCT}</value></entry><entry><key>SubscriptionsPending</key><value>1</value></entry></Attributes>"),
        )],
    );
    // moto confirms every email subscription at once; AWS does not.
    f.on(
        "sns",
        "ListSubscriptionsByTopic",
        vec![query(
            "ListSubscriptionsByTopic",
            &format!("<Subscriptions><member><SubscriptionArn>PendingConfirmation</SubscriptionArn><Owner>{ACCT}</Owner><Protocol>email</Protocol><Endpoint>sec@example.com</Endpoint><TopicArn>{topic}</TopicArn></member></Subscriptions>"),
        )],
    );
    // --- Config
    f.on(
        "config",
        "DescribeConfigurationRecorders",
        vec![json(
            r#"{"ConfigurationRecorders":[{"name":"default","roleARN":"arn:aws:iam::123456789012:role/config","recordingGroup":{"allSupported":true,"includeGlobalResourceTypes":true,"resourceTypes":[]}}]}"#,
        )],
    );
    f.on(
        "config",
        "DescribeConfigurationRecorderStatus",
        vec![json(
            r#"{"ConfigurationRecordersStatus":[{"name":"default","recording":true,"lastStatus":"SUCCESS"}]}"#,
        )],
    );
    f.on(
        "config",
        "DescribeDeliveryChannels",
        vec![json(
            r#"{"DeliveryChannels":[{"name":"default","s3BucketName":"config-bucket"}]}"#,
        )],
    );
    // --- KMS: one customer key (rotation asked), one AWS key (not asked)
    f.on(
        "kms",
        "ListKeys",
        vec![json(&format!(
            r#"{{"Keys":[{{"KeyId":"k1","KeyArn":"arn:aws:kms:us-east-1:{ACCT}:key/k1"}}],"Truncated":true,"NextMarker":"k"}}"#
        )), json(&format!(
            r#"{{"Keys":[{{"KeyId":"k2","KeyArn":"arn:aws:kms:us-east-1:{ACCT}:key/k2"}}],"Truncated":false}}"#
        ))],
    );
    f.on(
        "kms",
        "DescribeKey",
        vec![json(
            r#"{"KeyMetadata":{"KeyId":"k1","KeyManager":"CUSTOMER","KeySpec":"SYMMETRIC_DEFAULT","KeyState":"Enabled","KeyUsage":"ENCRYPT_DECRYPT","Origin":"AWS_KMS","CreationDate":1600000000}}"#,
        ), json(
            r#"{"KeyMetadata":{"KeyId":"k2","KeyManager":"AWS","KeySpec":"SYMMETRIC_DEFAULT","KeyState":"Enabled","Origin":"AWS_KMS"}}"#,
        )],
    );
    f.on(
        "kms",
        "GetKeyRotationStatus",
        vec![json(r#"{"KeyRotationEnabled":true}"#)],
    );
    // --- EC2
    f.on(
        "ec2",
        "DescribeVpcs",
        vec![ec2(
            "DescribeVpcs",
            &format!("<vpcSet><item><vpcId>vpc-1</vpcId><ownerId>{ACCT}</ownerId><state>available</state><cidrBlock>172.31.0.0/16</cidrBlock><isDefault>true</isDefault></item></vpcSet>"),
        )],
    );
    f.on(
        "ec2",
        "DescribeFlowLogs",
        vec![ec2(
            "DescribeFlowLogs",
            "<flowLogSet><item><flowLogId>fl-1</flowLogId><resourceId>vpc-1</resourceId><trafficType>REJECT</trafficType><flowLogStatus>ACTIVE</flowLogStatus><logDestinationType>cloud-watch-logs</logDestinationType></item></flowLogSet>",
        )],
    );
    f.on(
        "ec2",
        "DescribeSecurityGroups",
        vec![ec2(
            "DescribeSecurityGroups",
            &format!("<securityGroupInfo><item><ownerId>{ACCT}</ownerId><groupId>sg-1</groupId><groupName>default</groupName><groupDescription>default</groupDescription><vpcId>vpc-1</vpcId><ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges><item><cidrIpv6>::/0</cidrIpv6></item></ipv6Ranges><groups><item><groupId>sg-1</groupId><userId>{ACCT}</userId></item></groups></item></ipPermissions><ipPermissionsEgress/></item></securityGroupInfo>"),
        )],
    );
    // --- S3 (bucket calls) and S3 Control (account block)
    f.on(
        "s3",
        "GetBucketLocation",
        vec![xml(r#"<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>"#)],
    );
    f.on(
        "s3",
        "GetBucketAcl",
        vec![xml(
            r#"<AccessControlPolicy><Owner><ID>owner</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>"#,
        )],
    );
    f.on(
        "s3",
        "GetBucketPolicy",
        vec![Reply::s3_error(404, "NoSuchBucketPolicy", "none")],
    );
    f.on(
        "s3",
        "GetPublicAccessBlock",
        vec![xml(
            "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>false</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>",
        )],
    );
    f.on(
        "s3",
        "GetBucketLogging",
        vec![xml(
            "<BucketLoggingStatus><LoggingEnabled><TargetBucket>logs</TargetBucket><TargetPrefix>trail/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>",
        )],
    );
    f
}

fn settings(timeout: Duration) -> Settings {
    Settings {
        regions: Regions::List(vec!["us-east-1".into()]),
        call_timeout: timeout,
        max_in_flight: 4,
        ..Settings::default()
    }
}

async fn run(f: &Fake, timeout: Duration) -> Collection {
    collect_with(
        f.sdk_config(timeout),
        &settings(timeout),
        Arc::new(NoProgress),
        Duration::from_millis(1),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn collects_every_part_from_real_wire_formats() {
    let f = account();
    let c = run(&f, Duration::from_secs(10)).await;
    assert_eq!(c.failures, vec![], "unexpected failures");
    let s = &c.snapshot;
    assert_eq!(s.account_id, ACCT);
    assert_eq!(s.partition, "aws");
    assert!(s.validate().is_ok());

    // IAM: polled report with the root row; MFA; users over two pages.
    let report = s.iam.credential_report.ok().unwrap();
    assert_eq!(report.columns.len(), 22);
    assert_eq!(report.rows[0]["user"], "<root_account>");
    assert_eq!(report.rows[0]["mfa_active"], "true");
    assert_eq!(
        report.generated_time.as_ref().unwrap().unix(),
        1_714_564_800
    );
    assert_eq!(f.count("iam", "GenerateCredentialReport"), 2);
    assert_eq!(f.count("iam", "GetCredentialReport"), 2);
    assert_eq!(s.iam.account_summary.ok().unwrap()["AccountMFAEnabled"], 1);
    let mfa = s.iam.virtual_mfa_devices.ok().unwrap();
    assert_eq!(
        mfa[0].user_arn.as_deref(),
        Some("arn:aws:iam::123456789012:root")
    );
    let users = s.iam.users.ok().unwrap();
    let names: Vec<&str> = users.iter().map(|u| u.user_name.as_str()).collect();
    assert_eq!(names, ["alice", "bob"]);
    let second = f
        .seen()
        .into_iter()
        .filter(|r| r.operation == "ListUsers")
        .nth(1)
        .unwrap();
    assert!(second.body.contains("Marker=m1"), "{}", second.body);
    assert_eq!(
        users[0].attached_policies.ok().unwrap()[0].policy_name,
        "ReadOnlyAccess"
    );
    assert_eq!(
        users[0].inline_policies.ok().unwrap(),
        &["inline".to_owned()]
    );
    let pol = &s.iam.policies.ok().unwrap()[0];
    assert_eq!(pol.document.ok().unwrap()["Statement"][0]["Action"], "*");
    assert!(f.seen().iter().any(|r| r.operation == "ListPolicies"
        && r.body.contains("Scope=Local")
        && r.body.contains("OnlyAttached=true")));
    assert_eq!(
        s.iam.support_access.ok().unwrap().policy_roles,
        ["support".to_owned()]
    );
    assert_eq!(
        s.iam
            .password_policy
            .ok()
            .unwrap()
            .as_ref()
            .unwrap()
            .password_reuse_prevention,
        Some(24)
    );

    // Region: trail with delivery time, filters over two pages, pending subscription.
    let r = &s.regions[0];
    let t = &r.trails.ok().unwrap()[0];
    assert!(t.is_multi_region_trail);
    let st = t.status.ok().unwrap();
    assert!(st.is_logging);
    assert_eq!(
        st.latest_cloud_watch_logs_delivery_time
            .as_ref()
            .unwrap()
            .unix(),
        1_714_564_000
    );
    let sel = t.event_selectors.ok().unwrap();
    assert_eq!(
        sel.event_selectors[0].exclude_management_event_sources,
        ["kms.amazonaws.com"]
    );
    let filters = r.metric_filters.ok().unwrap();
    assert_eq!(filters.len(), 2);
    assert_eq!(
        filters[0].filter_pattern,
        "{ $.eventName = \"ConsoleLogin\" }"
    );
    assert_eq!(f.count("logs", "DescribeMetricFilters"), 2);
    let alarm = &r.alarms.ok().unwrap()[0];
    assert_eq!(alarm.metric_name.as_deref(), Some("f1"));
    assert_eq!(alarm.actions_enabled, Some(true));
    let topic = &r.topics.ok().unwrap()[0];
    assert_eq!(topic.owner.as_deref(), Some(ACCT));
    let sub = &topic.subscriptions.ok().unwrap()[0];
    assert!(!sub.is_confirmed());
    assert!(
        r.config_recorders.ok().unwrap()[0]
            .recording_group
            .as_ref()
            .unwrap()
            .all_supported
    );
    assert!(r.config_recorder_statuses.ok().unwrap()[0].recording);
    // KMS over two pages; rotation asked only for the customer key.
    let keys = r.kms_keys.ok().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0].rotation_enabled, Some(m::Collected::Ok(true)));
    assert_eq!(keys[1].rotation_enabled, None);
    assert_eq!(f.count("kms", "GetKeyRotationStatus"), 1);
    let sg = &r.security_groups.ok().unwrap()[0];
    assert_eq!(sg.ip_permissions[0].from_port, Some(22));
    assert_eq!(sg.ip_permissions[0].ipv6_ranges[0].cidr_ipv6, "::/0");
    assert_eq!(r.flow_logs.ok().unwrap()[0].resource_id, "vpc-1");
    assert!(r.vpcs.ok().unwrap()[0].is_default);

    // S3: the trail's bucket, asked in its own region.
    let b = &s.s3.buckets[0];
    assert_eq!(b.name, "trail-bucket");
    assert_eq!(b.policy, m::Collected::Ok(None));
    assert_eq!(
        b.acl.ok().unwrap().grants[0].grantee_uri.as_deref(),
        Some("http://acs.amazonaws.com/groups/global/AllUsers")
    );
    assert_eq!(
        b.logging.ok().unwrap().as_ref().unwrap().target_bucket,
        "logs"
    );
    assert!(
        f.seen()
            .iter()
            .any(|r| r.operation == "GetBucketAcl" && r.region == "eu-west-1")
    );
}

#[tokio::test]
async fn account_public_access_block_and_absences() {
    let f = account();
    f.on(
        "s3",
        "GetPublicAccessBlock",
        vec![xml(
            "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>",
        )],
    );
    f.on(
        "iam",
        "GetAccountPasswordPolicy",
        vec![Reply::xml_error(404, "NoSuchEntity", "no policy")],
    );
    f.on(
        "s3",
        "GetBucketLogging",
        vec![xml("<BucketLoggingStatus/>")],
    );
    let c = run(&f, Duration::from_secs(10)).await;
    assert_eq!(c.failures, vec![]);
    let s = &c.snapshot;
    let pab =
        s.s3.account_public_access_block
            .ok()
            .unwrap()
            .as_ref()
            .unwrap();
    assert!(pab.block_public_policy && pab.restrict_public_buckets);
    assert!(
        f.seen()
            .iter()
            .any(|r| r.uri.contains("/v20180820/configuration/publicAccessBlock"))
    );
    // "No policy" and "no logging" are answers, not failures.
    assert_eq!(s.iam.password_policy, m::Collected::Ok(None));
    assert_eq!(s.s3.buckets[0].logging, m::Collected::Ok(None));
}

#[tokio::test]
async fn access_denied_on_one_service_is_recorded_and_the_run_goes_on() {
    let f = account();
    for op in [
        "DescribeConfigurationRecorders",
        "DescribeConfigurationRecorderStatus",
        "DescribeDeliveryChannels",
    ] {
        f.on(
            "config",
            op,
            vec![Reply::json_error(
                400,
                "AccessDeniedException",
                "not authorized",
            )],
        );
    }
    // A region that is not enabled answers EC2 calls like this.
    f.on(
        "ec2",
        "DescribeSecurityGroups",
        vec![Reply::ec2_error(
            401,
            "OptInRequired",
            "You are not subscribed to this service.",
        )],
    );
    let c = run(&f, Duration::from_secs(10)).await;
    let r = &c.snapshot.regions[0];
    assert_eq!(r.security_groups.error().unwrap().code, "OptInRequired");
    assert!(r.vpcs.ok().is_some());
    let e = r.config_recorders.error().unwrap();
    assert_eq!(e.code, "AccessDeniedException");
    assert_eq!(e.service, "config");
    assert_eq!(e.operation, "DescribeConfigurationRecorders");
    assert_eq!(e.region.as_deref(), Some("us-east-1"));
    assert!(r.delivery_channels.error().is_some());
    // Everything else was still read.
    assert!(r.trails.ok().is_some() && c.snapshot.iam.users.ok().is_some());
    assert_eq!(c.failures.len(), 4);
    assert_eq!(
        c.failures.iter().filter(|f| f.service == "config").count(),
        3
    );
}

#[tokio::test]
async fn throttling_is_retried_by_the_sdk() {
    let f = account();
    f.on(
        "monitoring",
        "DescribeAlarms",
        vec![
            Reply::xml_error(400, "Throttling", "Rate exceeded"),
            query("DescribeAlarms", "<MetricAlarms/>"),
        ],
    );
    let c = run(&f, Duration::from_secs(10)).await;
    assert_eq!(c.failures, vec![]);
    assert_eq!(c.snapshot.regions[0].alarms, m::Collected::Ok(vec![]));
    assert_eq!(f.count("monitoring", "DescribeAlarms"), 2);
}

#[tokio::test]
async fn a_hung_call_times_out_and_only_its_data_is_missing() {
    let f = account();
    f.on(
        "ec2",
        "DescribeVpcs",
        vec![ec2("DescribeVpcs", "<vpcSet/>").after(Duration::from_secs(30))],
    );
    let started = Instant::now();
    let c = run(&f, Duration::from_millis(500)).await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let e = c.snapshot.regions[0].vpcs.error().unwrap();
    assert_eq!(e.code, call::CODE_TIMEOUT);
    assert!(c.snapshot.regions[0].security_groups.ok().is_some());
}

#[tokio::test]
async fn repeated_pagination_token_ends_the_listing() {
    let f = account();
    f.on(
        "logs",
        "DescribeLogGroups",
        vec![json(r#"{"logGroups":[],"nextToken":"same"}"#)],
    );
    let c = run(&f, Duration::from_secs(10)).await;
    let e = c.snapshot.regions[0].log_groups.error().unwrap();
    assert_eq!(e.code, call::CODE_PAGINATION);
    assert_eq!(f.count("logs", "DescribeLogGroups"), 2);
}

#[tokio::test]
async fn all_regions_come_from_describe_regions() {
    let f = account();
    f.on(
        "ec2",
        "DescribeRegions",
        vec![ec2(
            "DescribeRegions",
            "<regionInfo><item><regionName>eu-west-1</regionName><optInStatus>opt-in-not-required</optInStatus></item><item><regionName>us-east-1</regionName><optInStatus>opt-in-not-required</optInStatus></item><item><regionName>af-south-1</regionName><optInStatus>not-opted-in</optInStatus></item></regionInfo>",
        )],
    );
    let mut s = settings(Duration::from_secs(10));
    s.regions = Regions::All;
    let c = collect_with(
        f.sdk_config(Duration::from_secs(10)),
        &s,
        Arc::new(NoProgress),
        Duration::from_millis(1),
    )
    .await
    .unwrap();
    assert_eq!(c.regions, ["eu-west-1", "us-east-1"]);
    let names: Vec<&str> = c
        .snapshot
        .regions
        .iter()
        .map(|r| r.region.as_str())
        .collect();
    assert_eq!(names, ["eu-west-1", "us-east-1"]);
    // The multi-region trail shows in both regions; its status is read once.
    assert_eq!(f.count("cloudtrail", "GetTrailStatus"), 1);
    assert_eq!(f.count("cloudtrail", "DescribeTrails"), 2);
}

#[tokio::test]
async fn rejected_credentials_stop_before_collecting() {
    let f = account();
    f.on(
        "sts",
        "GetCallerIdentity",
        vec![Reply::xml_error(
            403,
            "InvalidClientTokenId",
            "The security token is invalid",
        )],
    );
    let e = collect_with(
        f.sdk_config(Duration::from_secs(10)),
        &settings(Duration::from_secs(10)),
        Arc::new(NoProgress),
        Duration::from_millis(1),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, SetupError::BadCredentials(_)), "{e:?}");
    assert!(e.to_string().contains("InvalidClientTokenId"), "{e}");
    assert_eq!(f.seen().len(), 1);
}

#[tokio::test]
async fn requests_in_flight_are_bounded() {
    let f = account();
    // Every EC2/KMS/logs call takes a while, so that many would overlap.
    let slow = Duration::from_millis(50);
    f.on(
        "ec2",
        "DescribeFlowLogs",
        vec![ec2("DescribeFlowLogs", "<flowLogSet/>").after(slow)],
    );
    f.on(
        "ec2",
        "DescribeVpcs",
        vec![ec2("DescribeVpcs", "<vpcSet/>").after(slow)],
    );
    let ctx = Ctx::new(2, Duration::from_secs(5));
    let c = f.sdk_config(Duration::from_secs(5));
    let e = aws_sdk_ec2::Client::new(&c);
    let started = Instant::now();
    let calls =
        (0..6).map(|_| ctx.call("ec2", "DescribeVpcs", "us-east-1", e.describe_vpcs().send()));
    let results = futures_util::future::join_all(calls).await;
    assert!(results.iter().all(Result::is_ok));
    // 6 calls of 50 ms, 2 at a time: at least 3 rounds.
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(ctx.stats().calls, 6);
}

/// An alarm without `ActionsEnabled` and a flow log without `FlowLogStatus`
/// are recorded as unknown, never as the safe value.
#[tokio::test]
async fn missing_actions_enabled_and_flow_log_status_stay_unknown() {
    let f = account();
    let topic = format!("arn:aws:sns:us-east-1:{ACCT}:alerts");
    f.on(
        "monitoring",
        "DescribeAlarms",
        vec![query(
            "DescribeAlarms",
            &format!("<MetricAlarms><member><AlarmName>a1</AlarmName><AlarmArn>arn:aws:cloudwatch:us-east-1:{ACCT}:alarm:a1</AlarmArn><AlarmActions><member>{topic}</member></AlarmActions><MetricName>f1</MetricName><Namespace>LogMetrics</Namespace></member></MetricAlarms>"),
        )],
    );
    f.on(
        "ec2",
        "DescribeFlowLogs",
        vec![ec2(
            "DescribeFlowLogs",
            "<flowLogSet><item><flowLogId>fl-1</flowLogId><resourceId>vpc-1</resourceId></item></flowLogSet>",
        )],
    );
    let c = run(&f, Duration::from_secs(10)).await;
    let r = &c.snapshot.regions[0];
    assert_eq!(r.alarms.ok().unwrap()[0].actions_enabled, None);
    let log = &r.flow_logs.ok().unwrap()[0];
    assert_eq!(
        (log.flow_log_status.as_deref(), log.traffic_type.as_deref()),
        (None, None)
    );
}

// --- Deleted resources: "it does not exist" is data, not a failure -------------

/// The result of control `id` (CIS v1.2.0) on `s`.
fn audit(s: &m::Snapshot, id: &str) -> crate::audit::ControlResult {
    let controls: Vec<&'static crate::cis::Control> =
        crate::cis::CONTROLS.iter().filter(|c| c.id == id).collect();
    let opts = crate::audit::Options {
        benchmark: crate::cis::benchmark("cis-1.2").unwrap(),
        mode: crate::cis::MatchMode::Normalized,
        controls: Some(&controls),
        procedure: crate::audit::Procedure::SecurityHub,
    };
    crate::audit::run(s, &opts).controls.remove(0)
}

fn reason_codes(r: &crate::audit::ControlResult) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.reason_code).collect()
}

/// The fake account, with `service`'s `operation` answering `reply`, collected.
async fn run_answering(service: &str, operation: &str, reply: Reply) -> (Fake, Collection) {
    let f = account();
    f.on(service, operation, vec![reply]);
    let c = run(&f, Duration::from_secs(10)).await;
    (f, c)
}

/// The fake account with 3.1's canonical filter on the trail's log group,
/// watched by the alarm `a1`, which notifies the topic `alarms`: a complete
/// chain for 3.1.
fn account_with_chain() -> Fake {
    let f = account();
    let pattern = crate::cis::benchmark("cis-1.2")
        .unwrap()
        .row("3.1")
        .unwrap()
        .canonical[0];
    f.on(
        "logs",
        "DescribeMetricFilters",
        vec![json(&format!(
            r#"{{"metricFilters":[{{"filterName":"f1","logGroupName":"cloudtrail","filterPattern":{},"metricTransformations":[{{"metricName":"f1","metricNamespace":"LogMetrics","metricValue":"1"}}]}}]}}"#,
            serde_json::to_string(pattern).unwrap()
        ))],
    );
    f.on(
        "cloudtrail",
        "GetEventSelectors",
        vec![json(
            r#"{"EventSelectors":[{"ReadWriteType":"All","IncludeManagementEvents":true,"DataResources":[]}]}"#,
        )],
    );
    // A confirmed subscription.
    f.on(
        "sns",
        "ListSubscriptionsByTopic",
        vec![query(
            "ListSubscriptionsByTopic",
            &format!("<Subscriptions><member><SubscriptionArn>arn:aws:sns:us-east-1:{ACCT}:alarms:1</SubscriptionArn><Owner>{ACCT}</Owner><Protocol>email</Protocol><Endpoint>sec@example.com</Endpoint><TopicArn>arn:aws:sns:us-east-1:{ACCT}:alarms</TopicArn></member></Subscriptions>"),
        )],
    );
    f
}

#[tokio::test]
async fn the_chain_account_passes_3_1() {
    let f = account_with_chain();
    let c = run(&f, Duration::from_secs(10)).await;
    assert_eq!(c.failures, vec![]);
    let r = audit(&c.snapshot, "3.1");
    assert_eq!(r.status, crate::audit::Status::Passed, "{r:#?}");
}

#[tokio::test]
async fn an_alarm_topic_that_no_longer_exists_fails_the_chain() {
    // SNS answers NotFound (HTTP 404) for a deleted topic; ListTopics no
    // longer lists it, but the alarm still names it.
    let not_found = || Reply::xml_error(404, "NotFound", "Topic does not exist");
    let denied = || Reply::xml_error(403, "AuthorizationError", "not authorized");
    for (attributes, subscriptions) in [
        (not_found(), not_found()),
        (denied(), not_found()),
        (not_found(), denied()),
    ] {
        let f = account_with_chain();
        f.on("sns", "ListTopics", vec![query("ListTopics", "<Topics/>")]);
        f.on("sns", "GetTopicAttributes", vec![attributes]);
        f.on("sns", "ListSubscriptionsByTopic", vec![subscriptions]);
        let c = run(&f, Duration::from_secs(10)).await;
        let r = &c.snapshot.regions[0];
        assert_eq!(r.topics, m::Collected::Ok(vec![]), "the topic is absent");
        assert!(
            c.failures.iter().all(|e| e.code != "NotFound"),
            "{:?}",
            c.failures
        );
        let result = audit(&c.snapshot, "3.1");
        assert_eq!(result.status, crate::audit::Status::Failed, "{result:#?}");
        assert_eq!(reason_codes(&result), ["SNS_TOPIC_INVALID"]);
    }
}

#[tokio::test]
async fn a_topic_that_cannot_be_read_stays_not_available() {
    // Denied, throttled to the end, or a server error: not "absent".
    for reply in [
        Reply::xml_error(403, "AuthorizationError", "not authorized"),
        Reply::xml_error(400, "Throttling", "Rate exceeded"),
        Reply::xml_error(503, "ServiceUnavailable", "try later"),
    ] {
        let f = account_with_chain();
        f.on("sns", "ListSubscriptionsByTopic", vec![reply.clone()]);
        let c = run(&f, Duration::from_secs(10)).await;
        let topics = c.snapshot.regions[0].topics.ok().unwrap();
        assert_eq!(topics.len(), 1);
        assert!(topics[0].subscriptions.error().is_some());
        let result = audit(&c.snapshot, "3.1");
        assert_eq!(
            result.status,
            crate::audit::Status::NotAvailable,
            "{result:#?}"
        );
    }
}

#[tokio::test]
async fn a_trail_bucket_that_does_not_exist_is_recorded_as_missing() {
    let no_bucket = || Reply::s3_error(404, "NoSuchBucket", "The specified bucket does not exist");
    // Gone before GetBucketLocation, or between it and the bucket's calls.
    for (op, location_ok) in [("GetBucketLocation", false), ("GetBucketAcl", true)] {
        let f = account();
        f.on("s3", op, vec![no_bucket()]);
        let c = run(&f, Duration::from_secs(10)).await;
        assert_eq!(c.failures, vec![], "{op}");
        let s = &c.snapshot;
        assert_eq!(s.s3.buckets, vec![], "{op}");
        assert_eq!(s.s3.missing_buckets, ["trail-bucket".to_owned()], "{op}");
        assert_eq!(f.count("s3", "GetBucketLocation"), 1);
        assert_eq!(f.count("s3", "GetBucketAcl"), usize::from(location_ok));
        for id in ["2.3", "2.6"] {
            let r = audit(s, id);
            assert_eq!(r.status, crate::audit::Status::Failed, "{id}: {r:#?}");
            assert_eq!(reason_codes(&r), ["BUCKET_NOT_FOUND"], "{id}");
        }
    }
    // A bucket that cannot be read is not missing.
    let (_, c) = run_answering(
        "s3",
        "GetBucketLocation",
        Reply::s3_error(403, "AccessDenied", "Access Denied"),
    )
    .await;
    assert!(c.snapshot.s3.missing_buckets.is_empty());
    assert_eq!(
        c.snapshot.s3.buckets[0].acl.error().unwrap().code,
        "AccessDenied"
    );
    assert_eq!(
        audit(&c.snapshot, "2.3").status,
        crate::audit::Status::NotAvailable
    );
}

#[tokio::test]
async fn a_user_deleted_during_the_collection_is_left_out() {
    let f = account();
    f.on(
        "iam",
        "ListUsers",
        vec![query(
            "ListUsers",
            &format!("<IsTruncated>false</IsTruncated><Users><member><Path>/</Path><UserName>gone</UserName><UserId>AIDGONE</UserId><Arn>arn:aws:iam::{ACCT}:user/gone</Arn><CreateDate>2020-01-01T00:00:00Z</CreateDate></member></Users>"),
        )],
    );
    f.on(
        "iam",
        "ListAttachedUserPolicies",
        vec![Reply::xml_error(
            404,
            "NoSuchEntity",
            "The user with name gone cannot be found.",
        )],
    );
    let c = run(&f, Duration::from_secs(10)).await;
    assert_eq!(c.failures, vec![]);
    assert_eq!(c.snapshot.iam.users, m::Collected::Ok(vec![]));
}

#[tokio::test]
async fn a_missing_support_policy_has_no_entities() {
    let (_, c) = run_answering(
        "iam",
        "ListEntitiesForPolicy",
        Reply::xml_error(404, "NoSuchEntity", "Policy does not exist"),
    )
    .await;
    assert_eq!(c.failures, vec![]);
    assert_eq!(
        c.snapshot.iam.support_access,
        m::Collected::Ok(m::PolicyEntities::default())
    );
}

#[tokio::test]
async fn a_policy_version_not_found_stays_an_error() {
    // The default version can change (and the old one be deleted) while the
    // policy stays: "version not found" does not prove the policy is gone.
    let (_, c) = run_answering(
        "iam",
        "GetPolicyVersion",
        Reply::xml_error(404, "NoSuchEntity", "version v2 does not exist"),
    )
    .await;
    let p = &c.snapshot.iam.policies.ok().unwrap()[0];
    assert_eq!(p.document.error().unwrap().code, "NoSuchEntity");
}

#[tokio::test]
async fn a_trail_deleted_during_the_collection_is_left_out() {
    for op in ["GetTrailStatus", "GetEventSelectors"] {
        let (f, c) = run_answering(
            "cloudtrail",
            op,
            Reply::json_error(400, "TrailNotFoundException", "Unknown trail"),
        )
        .await;
        assert_eq!(c.failures, vec![], "{op}");
        assert_eq!(
            c.snapshot.regions[0].trails,
            m::Collected::Ok(vec![]),
            "{op}"
        );
        // Its bucket is no longer anybody's.
        assert_eq!(f.count("s3", "GetBucketLocation"), 0);
    }
    // An organization trail of another account: "not found" may mean "not
    // visible from here", so it stays an error.
    let f = account();
    f.on(
        "cloudtrail",
        "DescribeTrails",
        vec![json(
            r#"{"trailList":[{"Name":"org","TrailARN":"arn:aws:cloudtrail:us-east-1:999999999999:trail/org","HomeRegion":"us-east-1","IsMultiRegionTrail":true,"IsOrganizationTrail":true,"S3BucketName":"org-bucket","LogFileValidationEnabled":true}]}"#,
        )],
    );
    f.on(
        "cloudtrail",
        "GetEventSelectors",
        vec![Reply::json_error(
            400,
            "TrailNotFoundException",
            "Unknown trail",
        )],
    );
    let c = run(&f, Duration::from_secs(10)).await;
    let t = &c.snapshot.regions[0].trails.ok().unwrap()[0];
    assert_eq!(
        t.event_selectors.error().unwrap().code,
        "TrailNotFoundException"
    );
}

#[tokio::test]
async fn a_key_deleted_during_the_collection_is_left_out() {
    let (_, c) = run_answering(
        "kms",
        "DescribeKey",
        Reply::json_error(400, "NotFoundException", "Key does not exist"),
    )
    .await;
    assert_eq!(c.failures, vec![]);
    assert_eq!(c.snapshot.regions[0].kms_keys, m::Collected::Ok(vec![]));
    // Rotation status of a key deleted after DescribeKey.
    let (_, c) = run_answering(
        "kms",
        "GetKeyRotationStatus",
        Reply::json_error(400, "NotFoundException", "Key does not exist"),
    )
    .await;
    assert_eq!(c.failures, vec![]);
    let keys = c.snapshot.regions[0].kms_keys.ok().unwrap();
    assert_eq!(keys.len(), 1, "only the AWS-managed key is left");
    assert_eq!(keys[0].key_id, "k2");
}

// --- Endless pagination -------------------------------------------------------

#[tokio::test]
async fn a_token_seen_pages_ago_ends_the_listing() {
    let f = account();
    let page = |t: &str| json(&format!(r#"{{"logGroups":[],"nextToken":"{t}"}}"#));
    f.on(
        "logs",
        "DescribeLogGroups",
        vec![page("a"), page("b"), page("a")],
    );
    let c = run(&f, Duration::from_secs(10)).await;
    let e = c.snapshot.regions[0].log_groups.error().unwrap();
    assert_eq!(e.code, call::CODE_PAGINATION);
    assert!(e.message.contains("repeated"), "{}", e.message);
    assert_eq!(f.count("logs", "DescribeLogGroups"), 3);
    // The rest of the run went on.
    assert!(c.snapshot.regions[0].metric_filters.ok().is_some());
}

async fn run_with_budget(f: &Fake, timeout: Duration, budget: Duration) -> Collection {
    let mut s = settings(timeout);
    s.chain_budget = budget;
    collect_with(
        f.sdk_config(timeout),
        &s,
        Arc::new(NoProgress),
        Duration::from_millis(1),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn an_endless_listing_stops_at_its_time_budget() {
    // A new token on every page, each page a little slow: no token repeats
    // and the page count stays far below its bound; the time budget ends it.
    let f = account();
    let pages: Vec<Reply> = (0..2000)
        .map(|i| {
            json(&format!(r#"{{"logGroups":[],"nextToken":"t{i}"}}"#))
                .after(Duration::from_millis(20))
        })
        .collect();
    f.on("logs", "DescribeLogGroups", pages);
    let c = run_with_budget(&f, Duration::from_secs(10), Duration::from_millis(300)).await;
    let e = c.snapshot.regions[0].log_groups.error().unwrap();
    assert_eq!(e.code, call::CODE_PAGINATION);
    assert!(e.message.contains("budget"), "{}", e.message);
    assert!(f.count("logs", "DescribeLogGroups") < 2000);
    assert!(c.snapshot.regions[0].metric_filters.ok().is_some());
    assert!(
        c.failures
            .iter()
            .any(|x| x.operation == "DescribeLogGroups")
    );
}

#[tokio::test]
async fn a_hung_page_is_cut_at_the_listing_budget() {
    // The per-request timeout (10 s) would let the second page hang for
    // 10 s; the listing's budget (300 ms) cuts it first.
    let f = account();
    f.on(
        "logs",
        "DescribeLogGroups",
        vec![
            json(r#"{"logGroups":[],"nextToken":"t1"}"#),
            json(r#"{"logGroups":[]}"#).after(Duration::from_secs(60)),
        ],
    );
    let c = run_with_budget(&f, Duration::from_secs(10), Duration::from_millis(300)).await;
    let e = c.snapshot.regions[0].log_groups.error().unwrap();
    assert_eq!(e.code, call::CODE_PAGINATION, "{e}");
    assert!(e.message.contains("budget"), "{}", e.message);
}

#[tokio::test]
async fn waiting_for_a_request_slot_does_not_count_against_the_budget() {
    let ctx = Ctx::new(1, Duration::from_secs(5)).with_chain_budget(Duration::from_millis(400));
    let f = account();
    f.on(
        "ec2",
        "DescribeVpcs",
        vec![ec2("DescribeVpcs", "<vpcSet/>").after(Duration::from_millis(150))],
    );
    let c = f.sdk_config(Duration::from_secs(5));
    let e = aws_sdk_ec2::Client::new(&c);
    // Six one-page listings through one slot: each waits for the others
    // (up to 750 ms) but spends only 150 ms of its own budget.
    let listings = (0..6).map(|_| {
        ctx.pages("ec2", "DescribeVpcs", "us-east-1", |token| {
            let req = e.describe_vpcs().set_next_token(token).send();
            async move {
                let o = req.await?;
                Ok((o.vpcs().to_vec(), None))
            }
        })
    });
    let results = futures_util::future::join_all(listings).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

// --- Plain http:// endpoints -------------------------------------------------------

#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<String>>);

impl Progress for Recorder {
    fn step(&self, _: &str, _: &str, _: usize, _: usize) {}
    fn warn(&self, message: &str) {
        self.0.lock().unwrap().push(message.to_owned());
    }
}

async fn warnings_for(endpoint: &str) -> Vec<String> {
    let f = account();
    let config = f
        .sdk_config(Duration::from_secs(10))
        .into_builder()
        .endpoint_url(endpoint)
        .build();
    let rec = Arc::new(Recorder::default());
    let c = collect_with(
        config,
        &settings(Duration::from_secs(10)),
        rec.clone(),
        Duration::from_millis(1),
    )
    .await
    .unwrap();
    assert_eq!(c.failures, vec![], "{endpoint}");
    rec.0.lock().unwrap().clone()
}

#[tokio::test]
async fn plain_http_to_a_remote_host_warns_once() {
    let w = warnings_for("http://192.0.2.10:4566").await;
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("http://192.0.2.10:4566"), "{}", w[0]);
    assert!(!w[0].contains('\n'));
    for quiet in [
        "http://127.0.0.1:4566",
        "http://127.8.9.10:4566",
        "http://localhost:4566",
        "http://[::1]:4566",
        "https://192.0.2.10:4566",
    ] {
        assert_eq!(warnings_for(quiet).await, Vec::<String>::new(), "{quiet}");
    }
}

#[tokio::test]
async fn credential_report_polling_stops_at_its_time_budget() {
    // IAM keeps saying STARTED; 30 polls of 50 ms would take 1.5 s.
    let f = account();
    f.on(
        "iam",
        "GenerateCredentialReport",
        vec![
            query("GenerateCredentialReport", "<State>STARTED</State>")
                .after(Duration::from_millis(50)),
        ],
    );
    let c = run_with_budget(&f, Duration::from_secs(10), Duration::from_millis(300)).await;
    let e = c.snapshot.iam.credential_report.error().unwrap();
    assert_eq!(e.code, call::CODE_TIMEOUT);
    assert!(e.message.contains("budget"), "{}", e.message);
    assert!(f.count("iam", "GenerateCredentialReport") < 30);
    assert!(c.snapshot.iam.users.ok().is_some());
}

// --- Only the trails' log groups ----------------------------------------------

/// The logs calls name the trail's log group: DescribeLogGroups with it as
/// prefix, DescribeMetricFilters with it as logGroupName; nothing pages
/// through the region's other log groups.
#[tokio::test]
async fn only_the_trails_log_groups_and_their_filters_are_asked_for() {
    let f = account();
    let c = run(&f, Duration::from_secs(10)).await;
    assert_eq!(c.failures, vec![]);
    let seen = f.seen();
    let logs: Vec<_> = seen.iter().filter(|s| s.service == "logs").collect();
    assert_eq!(logs.len(), 3, "{logs:?}");
    for s in &logs {
        let named = match s.operation.as_str() {
            "DescribeLogGroups" => s.body.contains(r#""logGroupNamePrefix":"cloudtrail""#),
            "DescribeMetricFilters" => s.body.contains(r#""logGroupName":"cloudtrail""#),
            _ => false,
        };
        assert!(named, "{s:?}");
    }
    let r = &c.snapshot.regions[0];
    assert_eq!(r.log_groups.ok().unwrap().len(), 1);
    assert_eq!(r.metric_filters.ok().unwrap().len(), 2);
}

/// A region whose trails deliver to no log group of this account asks
/// CloudWatch Logs nothing, and records both lists as empty.
#[tokio::test]
async fn no_trail_log_group_means_no_logs_calls() {
    let f = account();
    f.on(
        "cloudtrail",
        "DescribeTrails",
        vec![json(
            r#"{"trailList":[{"Name":"org","TrailARN":"arn:aws:cloudtrail:us-east-1:999999999999:trail/org","HomeRegion":"us-east-1","IsMultiRegionTrail":true,"IsOrganizationTrail":true,"S3BucketName":"central","CloudWatchLogsLogGroupArn":"arn:aws:logs:us-east-1:999999999999:log-group:central:*"}]}"#,
        )],
    );
    let c = run(&f, Duration::from_secs(10)).await;
    assert_eq!(f.count("logs", "DescribeLogGroups"), 0);
    assert_eq!(f.count("logs", "DescribeMetricFilters"), 0);
    let r = &c.snapshot.regions[0];
    assert_eq!(r.log_groups, m::Collected::Ok(vec![]));
    assert_eq!(r.metric_filters, m::Collected::Ok(vec![]));
}

/// Trails that cannot be read leave the log groups unknown: both lists carry
/// the trails' error, so no check reads them as empty.
#[tokio::test]
async fn unreadable_trails_leave_the_log_groups_unread() {
    let (f, c) = run_answering(
        "cloudtrail",
        "DescribeTrails",
        Reply::json_error(400, "AccessDeniedException", "no"),
    )
    .await;
    assert_eq!(f.count("logs", "DescribeMetricFilters"), 0);
    let r = &c.snapshot.regions[0];
    assert_eq!(
        r.metric_filters.error().unwrap().operation,
        "DescribeTrails"
    );
    assert_eq!(r.log_groups.error().unwrap().code, "AccessDeniedException");
}

fn denied() -> m::CollectionError {
    m::CollectionError {
        service: "cloudtrail".into(),
        operation: "GetTrailStatus".into(),
        region: None,
        code: "AccessDenied".into(),
        message: String::new(),
    }
}

#[test]
fn trail_log_groups_are_this_accounts_in_this_region() {
    let trail = |arn: Option<&str>| m::Trail {
        name: "t".into(),
        trail_arn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/t".into(),
        home_region: "us-east-1".into(),
        is_multi_region_trail: true,
        is_organization_trail: false,
        include_global_service_events: true,
        s3_bucket_name: None,
        s3_key_prefix: None,
        cloud_watch_logs_log_group_arn: arn.map(str::to_owned),
        cloud_watch_logs_role_arn: None,
        kms_key_id: None,
        log_file_validation_enabled: true,
        status: m::Collected::Error(denied()),
        event_selectors: m::Collected::Error(denied()),
    };
    let trails = [
        trail(Some("arn:aws:logs:us-east-1:123456789012:log-group:b:*")),
        trail(Some("arn:aws:logs:us-east-1:123456789012:log-group:a")),
        trail(Some("arn:aws:logs:us-east-1:123456789012:log-group:b:*")),
        trail(Some("arn:aws:logs:eu-west-1:123456789012:log-group:c:*")),
        trail(Some("arn:aws:logs:us-east-1:999999999999:log-group:d:*")),
        trail(None),
    ];
    assert_eq!(
        regional::trail_log_groups(&trails, ACCT, "us-east-1"),
        ["a", "b"]
    );
    assert_eq!(
        regional::trail_log_groups(&trails, ACCT, "eu-west-1"),
        ["c"]
    );
}

// --- Organization ---------------------------------------------------------------

#[derive(Default)]
struct OrgRecorder {
    done: Mutex<Vec<(String, bool)>>,
    total: AtomicUsize,
    retries: AtomicUsize,
    throttles: AtomicUsize,
}

impl Progress for OrgRecorder {
    fn step(&self, _: &str, _: &str, _: usize, _: usize) {}
    fn attempt(&self, retry: bool) {
        if retry {
            self.retries.fetch_add(1, Ordering::Relaxed);
        }
    }
    fn throttled(&self) {
        self.throttles.fetch_add(1, Ordering::Relaxed);
    }
}

impl organization::OrgProgress for OrgRecorder {
    fn accounts(&self, total: usize) {
        self.total.store(total, Ordering::Relaxed);
    }
    fn account_done(&self, id: &str, ok: bool) {
        self.done.lock().unwrap().push((id.to_owned(), ok));
    }
}

const MEMBER: &str = "222222222222";

/// An organization of the caller (the management account), one member, one
/// suspended account over two pages of ListAccounts, and a delegated
/// administrator.
fn organization_fake() -> Fake {
    let f = account();
    organization_routes(&f);
    f
}

/// The Organizations answers (again: pages are consumed).
fn organization_routes(f: &Fake) {
    let j = |body: String| json(&body);
    f.on(
        "organizations",
        "DescribeOrganization",
        vec![j(format!(
            r#"{{"Organization":{{"Id":"o-abcdefghij","Arn":"arn:aws:organizations::{ACCT}:organization/o-abcdefghij","MasterAccountId":"{ACCT}"}}}}"#
        ))],
    );
    f.on(
        "organizations",
        "ListRoots",
        vec![j(r#"{"Roots":[{"Id":"r-ab12","Name":"Root"}]}"#.into())],
    );
    f.on(
        "organizations",
        "ListOrganizationalUnitsForParent",
        vec![
            j(r#"{"OrganizationalUnits":[{"Id":"ou-ab12-11111111","Name":"Workloads"}]}"#.into()),
            j(r#"{"OrganizationalUnits":[]}"#.into()),
        ],
    );
    f.on(
        "organizations",
        "ListAccounts",
        vec![
            j(format!(
                r#"{{"Accounts":[{{"Id":"{MEMBER}","Name":"member","Email":"m@example.com","State":"ACTIVE"}},{{"Id":"{ACCT}","Name":"management","State":"ACTIVE"}}],"NextToken":"p2"}}"#
            )),
            j(r#"{"Accounts":[{"Id":"333333333333","Name":"closed","Status":"SUSPENDED"}]}"#.into()),
        ],
    );
    f.on(
        "organizations",
        "ListDelegatedAdministrators",
        vec![j(format!(
            r#"{{"DelegatedAdministrators":[{{"Id":"{MEMBER}"}}]}}"#
        ))],
    );
    f.on(
        "organizations",
        "ListDelegatedServicesForAccount",
        vec![j(
            r#"{"DelegatedServices":[{"ServicePrincipal":"cloudtrail.amazonaws.com"}]}"#.into(),
        )],
    );
}

fn org_settings(dir: &std::path::Path) -> organization::OrgSettings {
    organization::OrgSettings {
        output: dir.to_owned(),
        role_name: "CisAudit".into(),
        external_id: Some("ext-1".into()),
        ou: None,
        accounts: vec![],
        exclude_accounts: vec![],
        shard: None,
        max_accounts_in_flight: 2,
        resume: false,
    }
}

async fn run_org(
    f: &Fake,
    org: &organization::OrgSettings,
) -> (
    Result<organization::OrgRun, organization::OrgError>,
    Arc<OrgRecorder>,
) {
    let rec = Arc::new(OrgRecorder::default());
    let out = organization::collect_organization_with(
        f.sdk_config(Duration::from_secs(10)),
        &settings(Duration::from_secs(10)),
        org,
        rec.clone(),
    )
    .await;
    (out, rec)
}

/// The member's role cannot be assumed: its error file says so, the
/// caller's own account is collected with the caller's credentials, the
/// suspended account is listed and not collected.
#[tokio::test]
async fn an_organization_run_writes_each_account_and_records_a_role_it_cannot_assume() {
    let f = organization_fake();
    f.on(
        "sts",
        "AssumeRole",
        vec![Reply::xml_error(
            403,
            "AccessDenied",
            "not authorized to perform sts:AssumeRole",
        )],
    );
    let dir = tempfile::tempdir().unwrap();
    let org = org_settings(dir.path());
    let (run, rec) = run_org(&f, &org).await;
    let run = run.unwrap();
    assert_eq!(run.collected, [ACCT]);
    assert_eq!(run.failed.len(), 1);
    assert_eq!(run.failed[0].account_id, MEMBER);
    assert_eq!(run.failed[0].error.operation, "AssumeRole");
    assert_eq!(run.failed[0].error.code, "AccessDenied");
    assert!(
        run.failed[0]
            .error
            .message
            .contains(&format!("arn:aws:iam::{MEMBER}:role/CisAudit")),
        "{}",
        run.failed[0].error.message
    );
    assert_eq!(
        run.not_active,
        [("333333333333".to_owned(), "SUSPENDED".to_owned())]
    );
    assert_eq!(rec.total.load(Ordering::Relaxed), 2);
    assert_eq!(rec.done.lock().unwrap().len(), 2);

    // The directory: organization.json, one snapshot, one error file.
    let text = std::fs::read_to_string(dir.path().join("organization.json")).unwrap();
    let o: m::OrganizationSnapshot = serde_json::from_str(&text).unwrap();
    assert_eq!(o.organization_id, "o-abcdefghij");
    assert_eq!(o.management_account_id, ACCT);
    assert_eq!(o.caller_account_id, ACCT);
    assert_eq!(o.accounts.len(), 3);
    assert_eq!(o.account("333333333333").unwrap().status, "SUSPENDED");
    let units = o.organizational_units.ok().unwrap();
    assert_eq!(units.len(), 2);
    assert_eq!(units[1].parent_id.as_deref(), Some("r-ab12"));
    let admins = o.delegated_administrators.ok().unwrap();
    assert_eq!(admins[0].service_principals, ["cloudtrail.amazonaws.com"]);
    assert_eq!(o.scope.role_name.as_deref(), Some("CisAudit"));
    let snap = m::Snapshot::from_json(
        &std::fs::read_to_string(organization::account_path(dir.path(), ACCT, false)).unwrap(),
    )
    .unwrap();
    assert_eq!(snap.account_id, ACCT);
    let err: m::AccountFailure = serde_json::from_str(
        &std::fs::read_to_string(organization::account_path(dir.path(), MEMBER, true)).unwrap(),
    )
    .unwrap();
    assert_eq!(err.error.service, "sts");
    assert!(!organization::account_path(dir.path(), "333333333333", false).exists());
    assert!(!organization::account_path(dir.path(), "333333333333", true).exists());

    // AssumeRole carried the role, the external id and the tool's session name.
    let assume = f
        .seen()
        .into_iter()
        .find(|s| s.operation == "AssumeRole")
        .unwrap();
    assert!(assume.body.contains("ExternalId=ext-1"), "{}", assume.body);
    assert!(
        assume
            .body
            .contains(&format!("RoleSessionName=cis-filters-{ACCT}")),
        "{}",
        assume.body
    );

    // A second run without --resume refuses the directory; with it, both
    // accounts are skipped and nothing is asked of AWS beyond the listing.
    organization_routes(&f);
    let (again, _) = run_org(&f, &org).await;
    assert!(matches!(again, Err(organization::OrgError::Output(_))));
    organization_routes(&f);
    let before = f.count("iam", "GenerateCredentialReport");
    let resumed = organization::OrgSettings {
        resume: true,
        ..org.clone()
    };
    let run = run_org(&f, &resumed).await.0.unwrap();
    let mut want = vec![ACCT.to_owned(), MEMBER.to_owned()];
    want.sort();
    assert_eq!(run.resumed, want);
    assert!(run.collected.is_empty() && run.failed.is_empty());
    assert_eq!(f.count("iam", "GenerateCredentialReport"), before);
}

/// Assumed credentials reach the member; `--accounts` narrows the run and
/// names ids that are not in the organization; shards split it.
#[tokio::test]
async fn an_assumed_role_collects_the_member_and_the_scope_narrows_the_run() {
    let f = organization_fake();
    f.on(
        "sts",
        "AssumeRole",
        vec![query(
            "AssumeRole",
            &format!(
                "<Credentials><AccessKeyId>ASIAMEMBER</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>tok</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:x</AssumedRoleId><Arn>arn:aws:sts::{MEMBER}:assumed-role/CisAudit/x</Arn></AssumedRoleUser>"
            ),
        )],
    );
    let dir = tempfile::tempdir().unwrap();
    let org = organization::OrgSettings {
        accounts: vec![MEMBER.into(), "444444444444".into()],
        ..org_settings(dir.path())
    };
    let run = run_org(&f, &org).await.0.unwrap();
    assert_eq!(run.collected, [MEMBER]);
    assert_eq!(run.unknown, ["444444444444"]);
    assert_eq!(run.organization.accounts.len(), 1);
    // The role is assumed once up front (to fail early), once into the
    // account's credentials cache that all its clients share.
    assert_eq!(f.count("sts", "AssumeRole"), 2);

    organization_routes(&f);
    let dir = tempfile::tempdir().unwrap();
    let org = organization::OrgSettings {
        shard: Some(m::Shard { index: 2, count: 2 }),
        ..org_settings(dir.path())
    };
    let run = run_org(&f, &org).await.0.unwrap();
    // Sorted ids: 123…, 222…, 333…; shard 2 of 2 holds position 1.
    assert_eq!(run.collected, [MEMBER]);
    assert_eq!(run.other_shards, 2);
    assert!(run.not_active.is_empty());
    assert_eq!(
        run.organization.scope.shard,
        Some(m::Shard { index: 2, count: 2 })
    );
}

/// Throttled answers and retries reach the run's progress.
#[tokio::test]
async fn retries_and_throttles_are_counted() {
    let f = organization_fake();
    f.on(
        "monitoring",
        "DescribeAlarms",
        vec![
            Reply::xml_error(400, "Throttling", "Rate exceeded"),
            query("DescribeAlarms", "<MetricAlarms/>"),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let org = organization::OrgSettings {
        accounts: vec![ACCT.into()],
        ..org_settings(dir.path())
    };
    let (run, rec) = run_org(&f, &org).await;
    let run = run.unwrap();
    assert_eq!(run.collected, [ACCT]);
    assert_eq!(run.throttles, 1);
    assert!(run.retries >= 1);
    assert_eq!(rec.throttles.load(Ordering::Relaxed), 1);
}

/// A member that refuses the role everything (every call but
/// GetCallerIdentity fails) gets an error file, not an empty snapshot.
#[tokio::test]
async fn a_member_that_refuses_every_call_gets_an_error_file() {
    let f = Fake::new();
    f.on(
        "sts",
        "GetCallerIdentity",
        vec![query(
            "GetCallerIdentity",
            &format!("<Arn>arn:aws:iam::{ACCT}:user/auditor</Arn><UserId>AIDA</UserId><Account>{ACCT}</Account>"),
        )],
    );
    organization_routes(&f);
    f.on(
        "sts",
        "AssumeRole",
        vec![query(
            "AssumeRole",
            "<Credentials><AccessKeyId>ASIAMEMBER</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>tok</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>",
        )],
    );
    let dir = tempfile::tempdir().unwrap();
    let org = organization::OrgSettings {
        accounts: vec![MEMBER.into()],
        ..org_settings(dir.path())
    };
    let run = run_org(&f, &org).await.0.unwrap();
    assert!(run.collected.is_empty());
    assert_eq!(run.failed.len(), 1);
    // The first failed call stands for the account.
    assert_ne!(run.failed[0].error.operation, "GetCallerIdentity");
    assert!(!run.failed[0].error.code.is_empty());
    assert!(organization::account_path(dir.path(), MEMBER, true).exists());
    assert!(!organization::account_path(dir.path(), MEMBER, false).exists());
}

/// Time for an organization run that never waits: every sleep the SDK asks
/// of an account's clients (retry back-off, the adaptive rate limiter's
/// delays) is recorded for that account and moves the shared clock forward
/// at once. Sleeps of an hour or more are the test's timeouts: they are real
/// and never end during the test.
#[derive(Debug, Clone, Default)]
struct Clocks {
    elapsed: Arc<Mutex<Duration>>,
    slept: Arc<Mutex<Vec<(String, Duration)>>>,
}

#[derive(Debug, Clone)]
struct AccountClock {
    account: String,
    clocks: Clocks,
}

const TIMEOUT_SLEEP: Duration = Duration::from_secs(3600);

impl aws_sdk_sts::config::AsyncSleep for AccountClock {
    fn sleep(&self, d: Duration) -> aws_sdk_sts::config::Sleep {
        if d >= TIMEOUT_SLEEP {
            return aws_sdk_sts::config::Sleep::new(tokio::time::sleep(d));
        }
        let me = self.clone();
        aws_sdk_sts::config::Sleep::new(async move {
            *me.clocks.elapsed.lock().unwrap() += d;
            me.clocks.slept.lock().unwrap().push((me.account, d));
        })
    }
}

impl aws_types::sdk_config::TimeSource for AccountClock {
    fn now(&self) -> std::time::SystemTime {
        std::time::UNIX_EPOCH
            + Duration::from_secs(1_800_000_000)
            + *self.clocks.elapsed.lock().unwrap()
    }
}

impl Clocks {
    /// Gives each account its own clock, an identity cache whose load
    /// timeout is one of the test's timeouts, and no stalled-stream watchdog
    /// (its periodic checks are sleeps too; the fake's bodies are in memory).
    fn hook(&self) -> organization::AccountConfig {
        let clocks = self.clone();
        Arc::new(move |account: &str, config: aws_types::SdkConfig| {
            let clock = AccountClock {
                account: account.to_owned(),
                clocks: clocks.clone(),
            };
            config
                .into_builder()
                .sleep_impl(aws_types::sdk_config::SharedAsyncSleep::new(clock.clone()))
                .time_source(aws_types::sdk_config::SharedTimeSource::new(clock))
                .stalled_stream_protection(
                    aws_types::sdk_config::StalledStreamProtectionConfig::disabled(),
                )
                .identity_cache(
                    aws_config::identity::IdentityCache::lazy()
                        .load_timeout(TIMEOUT_SLEEP * 2)
                        .build(),
                )
                .build()
        })
    }

    fn slept(&self, account: &str) -> Vec<Duration> {
        self.slept
            .lock()
            .unwrap()
            .iter()
            .filter(|(a, _)| a == account)
            .map(|(_, d)| *d)
            .collect()
    }
}

/// Throttling slows only the account that met it: every account has its
/// own retry partition, so the adaptive rate limiter that one account's
/// throttled answers turn on, and the retry quota they spend, are that
/// account's alone. The throttled account is collected first; the next one
/// then sends every request at once, without a retry or a requested sleep.
/// (With one partition for all accounts, the second account's later alarm
/// pages wait for the rate limiter the first account turned on.)
#[tokio::test]
async fn throttling_slows_only_the_account_that_met_it() {
    // Ids no other test uses: the SDK keeps rate limiters per partition
    // name, process-wide.
    const SLOW: &str = "555555555555";
    const CALM: &str = "666666666666";
    let f = organization_fake();
    f.on(
        "organizations",
        "ListAccounts",
        vec![json(&format!(
            r#"{{"Accounts":[{{"Id":"{SLOW}","Name":"slow","State":"ACTIVE"}},{{"Id":"{CALM}","Name":"calm","State":"ACTIVE"}}]}}"#
        ))],
    );
    for (account, key) in [(SLOW, "ASIASLOW"), (CALM, "ASIACALM")] {
        f.on_body(
            account,
            "sts",
            "AssumeRole",
            vec![query(
                "AssumeRole",
                &format!(
                    "<Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>tok</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:x</AssumedRoleId><Arn>arn:aws:sts::{account}:assumed-role/CisAudit/x</Arn></AssumedRoleUser>"
                ),
            )],
        );
    }
    f.on_key(
        "ASIASLOW",
        "monitoring",
        "DescribeAlarms",
        vec![Reply::xml_error(400, "Throttling", "Rate exceeded")],
    );
    // The other account's alarms come in three pages: three requests that a
    // rate limiter turned on would space out.
    f.on_key(
        "ASIACALM",
        "monitoring",
        "DescribeAlarms",
        vec![
            query("DescribeAlarms", "<MetricAlarms/><NextToken>p2</NextToken>"),
            query("DescribeAlarms", "<MetricAlarms/><NextToken>p3</NextToken>"),
            query("DescribeAlarms", "<MetricAlarms/>"),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let org = organization::OrgSettings {
        accounts: vec![SLOW.into(), CALM.into()],
        max_accounts_in_flight: 1,
        ..org_settings(dir.path())
    };
    // The collector's own retry mode (`client::load`): adaptive.
    let config = f
        .sdk_config(TIMEOUT_SLEEP * 2)
        .into_builder()
        .retry_config(
            aws_config::retry::RetryConfig::adaptive()
                .with_max_attempts(4)
                .with_initial_backoff(Duration::from_millis(50)),
        )
        .build();
    let clocks = Clocks::default();
    let rec = Arc::new(OrgRecorder::default());
    let run = organization::collect_organization_adjusted(
        config,
        &settings(TIMEOUT_SLEEP * 2),
        &org,
        rec.clone(),
        Some(clocks.hook()),
    )
    .await
    .unwrap();
    assert_eq!(run.collected, [SLOW, CALM]);

    // The throttled account: four throttled answers, three retries, and a
    // wait before each retry.
    let alarms = |key: &str| {
        f.seen()
            .iter()
            .filter(|s| s.access_key == key && s.operation == "DescribeAlarms")
            .count()
    };
    assert_eq!(alarms("ASIASLOW"), 4);
    let slow = clocks.slept(SLOW);
    assert!(slow.len() >= 3, "{slow:?}");
    // The other: one request per page, no retry, no throttle, no wait. The
    // run's totals are the throttled account's alone.
    assert_eq!(alarms("ASIACALM"), 3);
    assert_eq!(
        clocks.slept(CALM),
        Vec::<Duration>::new(),
        "the second account waited"
    );
    assert_eq!(run.throttles, 4);
    assert_eq!(run.retries, 3);
    assert_eq!(rec.throttles.load(Ordering::Relaxed), 4);
    // Its snapshot has the (empty) alarms; the throttled account's records
    // the error.
    let snapshot = |id: &str| {
        m::Snapshot::from_json(
            &std::fs::read_to_string(organization::account_path(dir.path(), id, false)).unwrap(),
        )
        .unwrap()
    };
    assert!(
        matches!(&snapshot(CALM).regions[0].alarms, m::Collected::Ok(a) if a.is_empty()),
        "{:?}",
        snapshot(CALM).regions[0].alarms
    );
    assert!(matches!(
        &snapshot(SLOW).regions[0].alarms,
        m::Collected::Error(e) if e.code == "Throttling"
    ));
}

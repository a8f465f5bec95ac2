//! The CIS v1.2.0 metric-filter patterns as Security Hub publishes them, one
//! macro per control so that the catalog's remediation text and the
//! benchmark tables are built from the same literal.
//!
//! Source of every string: the Security Hub "CIS AWS Foundations Benchmark
//! controls" page (awsdocs/aws-security-hub-user-guide, 2020-02 snapshot
//! `securityhub-cis-controls.md`), which is byte-identical to the seed
//! document and to the 2019 and 2023 snapshots.

/// CIS 3.1, unauthorized API calls (CloudWatch.2).
macro_rules! p_3_1 {
    () => {
        r#"{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}"#
    };
}

/// CIS 3.2, console sign-in without MFA, the two-term form (CloudWatch.3
/// until the 2022 documentation change).
macro_rules! p_3_2 {
    () => {
        r#"{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes")}"#
    };
}

/// CIS 3.3 and 1.1, use of the root account (CloudWatch.1).
macro_rules! p_3_3 {
    () => {
        r#"{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}"#
    };
}

/// CIS 3.4, IAM policy changes (CloudWatch.4).
macro_rules! p_3_4 {
    () => {
        r#"{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}"#
    };
}

/// CIS 3.5, CloudTrail configuration changes (CloudWatch.5).
macro_rules! p_3_5 {
    () => {
        r#"{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}"#
    };
}

/// CIS 3.6, console authentication failures (CloudWatch.6).
macro_rules! p_3_6 {
    () => {
        r#"{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}"#
    };
}

/// CIS 3.7, disabling or scheduled deletion of customer-managed keys (CloudWatch.7).
macro_rules! p_3_7 {
    () => {
        r#"{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}"#
    };
}

/// CIS 3.8, S3 bucket policy changes (CloudWatch.8).
macro_rules! p_3_8 {
    () => {
        r#"{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}"#
    };
}

/// CIS 3.9, AWS Config configuration changes (CloudWatch.9).
macro_rules! p_3_9 {
    () => {
        r#"{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}"#
    };
}

/// CIS 3.10, security group changes (CloudWatch.10).
macro_rules! p_3_10 {
    () => {
        r#"{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}"#
    };
}

/// CIS 3.11, network ACL changes (CloudWatch.11).
macro_rules! p_3_11 {
    () => {
        r#"{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}"#
    };
}

/// CIS 3.12, network gateway changes (CloudWatch.12).
macro_rules! p_3_12 {
    () => {
        r#"{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}"#
    };
}

/// CIS 3.13, route table changes (CloudWatch.13).
macro_rules! p_3_13 {
    () => {
        r#"{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}"#
    };
}

/// CIS 3.14, VPC changes (CloudWatch.14).
macro_rules! p_3_14 {
    () => {
        r#"{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}"#
    };
}

/// The remediation text of a metric-filter control: the pattern, the metric,
/// the alarm, the topic and its subscriber, with the AWS CLI commands.
/// `$name` names the filter, metric and alarm; `$pattern` is the literal.
macro_rules! metric_remediation {
    ($name:literal, $pattern:expr) => {
        concat!(
            "Send the multi-Region trail's events to a CloudWatch Logs log group, then build the whole chain on that log group. ",
            "1) A metric filter with exactly this pattern, publishing the value 1 for every matching event: ",
            $pattern,
            " 2) A CloudWatch alarm on that metric that fires when the sum over 300 seconds is 1 or more. ",
            "3) An SNS topic as the alarm's action, with at least one confirmed subscriber (a pending subscription does not count). ",
            "With the AWS CLI:\n",
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name ",
            $name,
            " --metric-transformations metricName=",
            $name,
            ",metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '",
            $pattern,
            "'\n",
            "aws sns create-topic --name cis-monitoring-alarms\n",
            "aws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint <address>\n",
            "aws cloudwatch put-metric-alarm --alarm-name ",
            $name,
            " --metric-name ",
            $name,
            " --namespace CISBenchmark --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <topic-arn>\n",
            "Then confirm the subscription from the message SNS sends to the endpoint."
        )
    };
}

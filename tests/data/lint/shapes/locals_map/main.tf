# Patterns kept in a locals map; one filter and one alarm per key with
# for_each, filtered and merged with overrides in a `for` expression.
locals {
  monitored = {
    RootAccountUsage = {
      pattern = "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }"
      summary = "Root user activity."
    }
    UnauthorizedApiCalls = {
      pattern = "{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") }"
      summary = "Calls refused for lack of permissions."
    }
    ConsoleSigninWithoutMfa = {
      pattern = "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") && ($.userIdentity.type = \"IAMUser\") && ($.responseElements.ConsoleLogin = \"Success\") }"
      summary = "Successful console sign-in of an IAM user without MFA."
    }
    IamPolicyChanges = {
      pattern = "{ ($.eventName = PutUserPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteGroupPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy) }"
      summary = "IAM policy changes, in another order than the benchmark's."
    }
    CloudTrailConfigChanges = {
      pattern = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"
      summary = "Trail configuration changes."
    }
    ConsoleLoginFailures = {
      pattern = "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }"
      summary = "Failed console sign-ins."
    }
    DisableDeleteCmk = {
      pattern = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }"
      summary = "Customer managed keys disabled or scheduled for deletion."
    }
    S3BucketPolicyChanges = {
      pattern = "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }"
      summary = "Bucket policy changes."
    }
    AwsConfigChanges = {
      pattern = "{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }"
      summary = "Recorder and delivery channel changes."
    }
    SecurityGroupChanges = {
      pattern = "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }"
      summary = "Security group changes."
    }
    NaclChanges = {
      pattern = "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }"
      summary = "Network ACL changes."
    }
    NetworkGatewayChanges = {
      pattern = "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }"
      summary = "Gateway changes."
    }
    RouteTableChanges = {
      pattern = "{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }"
      summary = "Route table changes."
    }
    VpcChanges = {
      pattern = "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }"
      summary = "VPC changes."
    }
    SsoAssignmentChanges = {
      pattern = "{ ($.eventSource = sso.amazonaws.com) && (($.eventName = CreateAccountAssignment) || ($.eventName = DeleteAccountAssignment)) }"
      summary = "Not a CIS control: permission set assignments."
    }
  }

  name_prefix = var.random_prefix ? "${random_id.prefix[0].hex}-" : var.prefix
  enabled     = { for name, spec in local.monitored : name => merge(spec, try(var.overrides[name], {})) if var.enabled && !contains(var.skip, name) }
}

resource "random_id" "prefix" {
  count       = var.random_prefix ? 1 : 0
  byte_length = 3
}

resource "aws_cloudwatch_log_metric_filter" "cis" {
  for_each = local.enabled

  name           = "${local.name_prefix}${each.key}"
  pattern        = each.value["pattern"]
  log_group_name = lookup(each.value, "log_group", var.log_group)

  metric_transformation {
    name      = "${local.name_prefix}${each.key}"
    namespace = lookup(each.value, "namespace", var.namespace)
    value     = 1
  }
}

resource "aws_cloudwatch_metric_alarm" "cis" {
  for_each = local.enabled

  alarm_name          = "${local.name_prefix}${each.key}"
  alarm_description   = each.value.summary
  metric_name         = aws_cloudwatch_log_metric_filter.cis[each.key].id
  namespace           = lookup(each.value, "namespace", var.namespace)
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = var.alarm_actions
}

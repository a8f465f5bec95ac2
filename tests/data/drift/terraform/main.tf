# CIS metric filters and alarms on the CloudTrail log group, as the
# repository declares them. tests/it/drift.rs compares them with
# ../snapshot.json.

locals {
  log_group = "aws-cloudtrail-logs-111122223333-management"
  namespace = "CISBenchmark"
}

variable "iam_changes_pattern" {
  type = string
}

variable "alarm_topic_arn" {
  type = string
}

# Deployed as written: same.
resource "aws_cloudwatch_log_metric_filter" "root_usage" {
  name           = "CIS-3.3-RootAccountUsage"
  log_group_name = local.log_group
  pattern        = "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }"

  metric_transformation {
    name      = "RootAccountUsage"
    namespace = local.namespace
    value     = "1"
  }
}

# Deployed with the operands swapped and parentheses added: rewritten.
resource "aws_cloudwatch_log_metric_filter" "unauthorized_api_calls" {
  name           = "CIS-3.1-UnauthorizedAPICalls"
  log_group_name = local.log_group
  pattern        = "{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") }"

  metric_transformation {
    name      = "UnauthorizedAPICalls"
    namespace = local.namespace
    value     = "1"
  }
}

# The deployed pattern lacks the `eventSource` clause declared here
# (ministryofjustice/modernisation-platform issue 13148): different.
resource "aws_cloudwatch_log_metric_filter" "config_changes" {
  name           = "CIS-3.9-AWSConfigChanges"
  log_group_name = local.log_group
  pattern        = "{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }"

  metric_transformation {
    name      = "AWSConfigChanges"
    namespace = local.namespace
    value     = "1"
  }
}

# The pattern is a variable without a default: unknown, never different.
resource "aws_cloudwatch_log_metric_filter" "iam_changes" {
  name           = "CIS-3.4-IAMPolicyChanges"
  log_group_name = local.log_group
  pattern        = var.iam_changes_pattern

  metric_transformation {
    name      = "IAMPolicyChanges"
    namespace = local.namespace
    value     = "1"
  }
}

# Not deployed: only in code.
resource "aws_cloudwatch_log_metric_filter" "vpc_changes" {
  name           = "CIS-3.14-VPCChanges"
  log_group_name = local.log_group
  pattern        = "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }"

  metric_transformation {
    name      = "VPCChanges"
    namespace = local.namespace
    value     = "1"
  }
}

# Deployed as written: same.
resource "aws_cloudwatch_metric_alarm" "root_usage" {
  alarm_name          = "CIS-3.3-RootAccountUsage"
  metric_name         = "RootAccountUsage"
  namespace           = local.namespace
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = ["arn:aws:sns:us-east-1:111122223333:cis-alarms"]
}

# Deployed with another threshold and period: different.
resource "aws_cloudwatch_metric_alarm" "unauthorized_api_calls" {
  alarm_name          = "CIS-3.1-UnauthorizedAPICalls"
  metric_name         = "UnauthorizedAPICalls"
  namespace           = local.namespace
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = ["arn:aws:sns:us-east-1:111122223333:cis-alarms"]
}

# The topic is a variable without a default: unknown.
resource "aws_cloudwatch_metric_alarm" "config_changes" {
  alarm_name          = "CIS-3.9-AWSConfigChanges"
  metric_name         = "AWSConfigChanges"
  namespace           = local.namespace
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = [var.alarm_topic_arn]
}

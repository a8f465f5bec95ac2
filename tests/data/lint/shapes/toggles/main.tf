# One filter and alarm per control, each switched by a boolean variable
# (`count = var.x ? 1 : 0`); patterns written inline, joined from parts,
# in heredocs and through format().

variable "trail_log_group" {
  type = string
}

variable "namespace" {
  type    = string
  default = "SecurityBaseline"
}

variable "unauthorized_calls" {
  type    = bool
  default = true
}

variable "console_without_mfa" {
  type    = bool
  default = true
}

variable "mfa_only_iam_users" {
  type    = bool
  default = false
}

variable "root_activity" {
  type    = bool
  default = false
}

variable "key_deletion" {
  type    = bool
  default = true
}

# Narrowed by two more conditions than the benchmark has.
resource "aws_cloudwatch_log_metric_filter" "unauthorized_calls" {
  count = var.unauthorized_calls ? 1 : 0

  name           = "UnauthorizedApiCalls"
  pattern        = "{(($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\")) && ($.sourceIPAddress != \"delivery.logs.amazonaws.com\") && ($.eventName != \"HeadBucket\")}"
  log_group_name = var.trail_log_group

  metric_transformation {
    name      = "UnauthorizedApiCalls"
    namespace = var.namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "unauthorized_calls" {
  count = var.unauthorized_calls ? 1 : 0

  alarm_name          = "UnauthorizedApiCalls"
  metric_name         = aws_cloudwatch_log_metric_filter.unauthorized_calls[0].metric_transformation[0].name
  namespace           = var.namespace
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  period              = 300
  statistic           = "Sum"
  threshold           = 1
}

# Joined from parts; a variable chooses the ending (both are linted).
resource "aws_cloudwatch_log_metric_filter" "console_without_mfa" {
  count = var.console_without_mfa ? 1 : 0

  name = "ConsoleSigninWithoutMfa"
  pattern = join(" ", [
    "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\")",
    var.mfa_only_iam_users ? "&& ($.userIdentity.type = \"IAMUser\") && ($.responseElements.ConsoleLogin = \"Success\") }" : "}",
  ])
  log_group_name = var.trail_log_group

  metric_transformation {
    name      = "ConsoleSigninWithoutMfa"
    namespace = var.namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "console_without_mfa" {
  count = var.console_without_mfa ? 1 : 0

  alarm_name  = "ConsoleSigninWithoutMfa"
  metric_name = "ConsoleSigninWithoutMfa"
  namespace   = var.namespace
  threshold   = 1
}

# A heredoc, switched off by default: still checked.
resource "aws_cloudwatch_log_metric_filter" "root_activity" {
  count = var.root_activity ? 1 : 0

  name           = "RootAccountUsage"
  log_group_name = var.trail_log_group
  pattern        = <<-PATTERN
    {
      $.userIdentity.type = "Root" &&
      $.userIdentity.invokedBy NOT EXISTS &&
      $.eventType != "AwsServiceEvent"
    }
  PATTERN

  metric_transformation {
    name      = "RootAccountUsage"
    namespace = var.namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "root_activity" {
  count       = var.root_activity ? 1 : 0
  alarm_name  = "RootAccountUsage"
  metric_name = "RootAccountUsage"
  namespace   = var.namespace
}

# format() with the service name as an argument.
resource "aws_cloudwatch_log_metric_filter" "key_deletion" {
  count = var.key_deletion ? 1 : 0

  name           = "DisableDeleteCmk"
  log_group_name = var.trail_log_group
  pattern        = format("{ ($.eventSource = %s) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }", "kms.amazonaws.com")

  metric_transformation {
    name      = "DisableDeleteCmk"
    namespace = var.namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "key_deletion" {
  count       = var.key_deletion ? 1 : 0
  alarm_name  = "DisableDeleteCmk"
  metric_name = "DisableDeleteCmk"
  namespace   = var.namespace
}

# `&&` where `||` was meant: six conditions on one selector, one warning.
resource "aws_cloudwatch_log_subscription_filter" "gateway_events" {
  name            = "gateway-events"
  log_group_name  = var.trail_log_group
  destination_arn = "arn:aws:lambda:eu-west-1:111122223333:function:forward"
  filter_pattern  = <<EOT
{ ($.eventName = CreateCustomerGateway) && ($.eventName = DeleteCustomerGateway) && ($.eventName = AttachInternetGateway) && ($.eventName = CreateInternetGateway) && ($.eventName = DeleteInternetGateway) && ($.eventName = DetachInternetGateway) }
EOT
}

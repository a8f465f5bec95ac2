# A module that takes its patterns and namespace from the caller.
variable "root_pattern" {}
variable "auth_pattern" {
  default = "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }"
}
variable "namespace" {
  default = "CISBenchmark"
}

resource "aws_cloudwatch_log_metric_filter" "root" {
  name           = "RootUsage"
  log_group_name = "cloudtrail"
  pattern        = var.root_pattern
  metric_transformation {
    name      = "RootUsage"
    namespace = var.namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_log_metric_filter" "auth" {
  name           = "ConsoleSigninFailures"
  log_group_name = "cloudtrail"
  pattern        = var.auth_pattern
  metric_transformation {
    name      = "ConsoleSigninFailures"
    namespace = var.namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "root" {
  alarm_name          = "root-usage"
  metric_name         = "RootUsage"
  namespace           = "CISBenchmark"
  statistic           = "Sum"
  period              = 300
  threshold           = 1
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
}

resource "aws_cloudwatch_metric_alarm" "auth" {
  alarm_name          = "console-signin-failures"
  metric_name         = "ConsoleSigninFailures"
  namespace           = "CISBenchmark"
  statistic           = "Sum"
  period              = 300
  threshold           = 1
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
}
